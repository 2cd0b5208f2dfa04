import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
    AthenaAnalytics,
    AthenaAnalyticsArgs,
    billboardColumns,
    billboardQueries,
    parseS3Location,
    workstationUserData,
    WorkstationSetup,
} from "../../scenarios/athenaAnalytics/component";
import { build, json, promiseOf, Resources } from "../../engine/evaluate";
import { assertActionsExist, grants, list, PolicyStatement } from "../iam";
import { ACCOUNT_ID, clearRecorded, recordedResources, withoutDefaultVpc, withoutInstanceTypes } from "../../engine/mocks";

async function analytics(args: AthenaAnalyticsArgs = {}) {
    const { value, resources } = await build(() => new AthenaAnalytics("billboard", args));
    return { a: value, r: new Resources(resources) };
}

let built: ReturnType<typeof analytics> | undefined;
/** The component with default arguments, built once. */
function defaults() {
    built ??= analytics();
    return built;
}

function workstationStatements(r: Resources): PolicyStatement[] {
    return json(r.one("aws:iam/rolePolicy:RolePolicy", "billboard-workstation-policy").inputs.policy).Statement;
}

/** The post's `show create table` output: 39 columns in file order. */
const POST_COLUMNS = [
    "year int", "songtitle string", "artistname string", "songid string", "artistid string", "timesignature int",
    "timesignature_confidence double", "loudness double", "tempo double", "tempo_confidence double", "key int",
    "key_confidence double", "energy double", "pitch double",
    "timbre_0_min double", "timbre_0_max double", "timbre_1_min double", "timbre_1_max double", "timbre_2_min double",
    "timbre_2_max double", "timbre_3_min double", "timbre_3_max double", "timbre_4_min double", "timbre_4_max double",
    "timbre_5_min double", "timbre_5_max double", "timbre_6_min double", "timbre_6_max double", "timbre_7_min double",
    "timbre_7_max double", "timbre_8_min double", "timbre_8_max double", "timbre_9_min double", "timbre_9_max double",
    "timbre_10_min double", "timbre_10_max double", "timbre_11_min double", "timbre_11_max double", "top10 int",
];

const SETUP: WorkstationSetup = {
    region: "us-east-1",
    passwordSecretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:rstudio-AbCdEf`,
    logGroupName: "billboard-workstation-logs-1234567",
    user: "rstudio",
    rstudioServerVersion: "2024.12.1-563",
    listenAddress: "127.0.0.1",
    workgroup: "billboard-dev",
    database: "billboard_dev",
    resultsLocation: "s3://results-bucket/athena/",
    dataLocation: "s3://data-bucket/billboard/",
};

describe("AthenaAnalytics component", () => {
    it("defines the billboard table with the post's 39 columns as comma-delimited text", async () => {
        const { r, a } = await defaults();
        assert.deepEqual(billboardColumns().map((c) => `${c.name} ${c.type}`), POST_COLUMNS);
        const table = r.one("aws:glue/catalogTable:CatalogTable");
        const db = r.one("aws:glue/catalogDatabase:CatalogDatabase");
        assert.equal(db.inputs.name, "billboard_test", "named after the stack");
        assert.equal(table.inputs.name, "billboard");
        assert.equal(table.inputs.databaseName, db.outputs.name);
        assert.equal(table.inputs.tableType, "EXTERNAL_TABLE");
        const sd = table.inputs.storageDescriptor;
        assert.deepEqual(sd.columns.map((c: any) => `${c.name} ${c.type}`), POST_COLUMNS);
        assert.equal(sd.serDeInfo.serializationLibrary, "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe");
        assert.equal(sd.serDeInfo.parameters["field.delim"], ",");
        assert.equal(sd.inputFormat, "org.apache.hadoop.mapred.TextInputFormat");
        assert.equal(sd.outputFormat, "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat");
        const dataBucket = r.one("aws:s3/bucket:Bucket", "billboard-data");
        assert.equal(sd.location, `s3://${dataBucket.outputs.bucket}/billboard/`);
        assert.equal(await promiseOf(a.dataLocation), sd.location);
        assert.equal(await promiseOf(a.dataBucketName), dataBucket.outputs.bucket);
    });

    it("reads the data from a configured location instead, and may read only there", async () => {
        const { r, a } = await analytics({ dataLocation: "s3://aws-bigdata-blog/artifacts/predict-billboard/data/" });
        assert.equal(r.one("aws:glue/catalogTable:CatalogTable").inputs.storageDescriptor.location, "s3://aws-bigdata-blog/artifacts/predict-billboard/data/");
        assert.equal(r.ofType("aws:s3/bucket:Bucket").length, 1, "only the results bucket");
        assert.equal(a.dataBucketName, undefined);
        const statements = workstationStatements(r);
        assert.deepEqual(list(grants(statements, "s3:GetObject").find((s) => s.Sid === "ReadBillboardData")!.Resource), [
            "arn:aws:s3:::aws-bigdata-blog/artifacts/predict-billboard/data/*",
        ]);
        const listData = statements.find((s) => s.Sid === "ListBillboardData")!;
        assert.equal(listData.Resource, "arn:aws:s3:::aws-bigdata-blog");
        assert.deepEqual(listData.Condition, { StringLike: { "s3:prefix": ["artifacts/predict-billboard/data/", "artifacts/predict-billboard/data/*"] } });
    });

    it("keeps query results in a private, encrypted bucket that forgets them after the configured days", async () => {
        const { r } = await analytics({ resultsExpirationDays: 7 });
        const results = r.one("aws:s3/bucket:Bucket", "billboard-results");
        const companions = (type: string) => r.ofType(type).filter((c) => c.inputs.bucket === results.outputs.id);
        const [block] = companions("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
        assert.deepEqual([block.inputs.blockPublicAcls, block.inputs.blockPublicPolicy, block.inputs.ignorePublicAcls, block.inputs.restrictPublicBuckets], [true, true, true, true]);
        const [sse] = companions("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
        assert.equal(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
        const [lifecycle] = companions("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
        assert.equal(lifecycle.inputs.rules[0].expiration.days, 7);
        assert.equal(lifecycle.inputs.rules[0].status, "Enabled");
    });

    it("enforces the workgroup's encrypted result location and a per-query scan limit", async () => {
        const { r, a } = await analytics({ bytesScannedCutoffMb: 2048 });
        const wg = r.one("aws:athena/workgroup:Workgroup");
        const results = r.one("aws:s3/bucket:Bucket", "billboard-results");
        assert.equal(wg.inputs.name, "billboard-test");
        const c = wg.inputs.configuration;
        assert.equal(c.enforceWorkgroupConfiguration, true);
        assert.equal(c.publishCloudwatchMetricsEnabled, true);
        assert.equal(c.bytesScannedCutoffPerQuery, 2048 * 1024 * 1024);
        assert.deepEqual(c.resultConfiguration, {
            outputLocation: `s3://${results.outputs.bucket}/athena/`,
            encryptionConfiguration: { encryptionOption: "SSE_S3" },
            expectedBucketOwner: ACCOUNT_ID,
        });
        assert.equal(await promiseOf(a.resultsLocation), `s3://${results.outputs.bucket}/athena/`);
    });

    it("saves the post's sample queries and the train/test split in the workgroup", async () => {
        const { r, a } = await defaults();
        const saved = r.ofType("aws:athena/namedQuery:NamedQuery");
        const wg = r.one("aws:athena/workgroup:Workgroup");
        assert.equal(saved.length, 6);
        for (const q of saved) {
            assert.equal(q.inputs.database, "billboard_test");
            assert.equal(q.inputs.workgroup, wg.outputs.name);
        }
        const query = (name: string) => saved.find((q) => q.inputs.name === name)!.inputs.query;
        const t = `"billboard_test"."billboard"`;
        assert.equal(query("billboard-artist-top10"), `SELECT songtitle, artistname, top10 FROM ${t} WHERE lower(artistname) = 'janet jackson' AND top10 = 1`);
        assert.equal(query("billboard-songs-per-year"), `SELECT year, count(*) AS songs FROM ${t} GROUP BY year ORDER BY year`);
        assert.equal(query("billboard-time-signature-histogram"), `SELECT timesignature, count(*) AS songs FROM ${t} GROUP BY timesignature ORDER BY timesignature`);
        assert.equal(query("billboard-max-tempo"), `SELECT songtitle, artistname, tempo FROM ${t} WHERE tempo = (SELECT max(tempo) FROM ${t})`);
        assert.equal(query("billboard-training-set"), `SELECT * FROM ${t} WHERE year <= 2009`);
        assert.equal(query("billboard-test-set"), `SELECT * FROM ${t} WHERE year = 2010`);
        assert.deepEqual(Object.keys(await promiseOf(a.namedQueryIds)).sort(), billboardQueries("x").map((q) => q.name).sort());
    });

    it("gives the workstation Athena on its workgroup, Glue on its table and S3 on its data and results only", async () => {
        const { r } = await defaults();
        const statements = workstationStatements(r);
        const wg = r.one("aws:athena/workgroup:Workgroup");
        const db = r.one("aws:glue/catalogDatabase:CatalogDatabase");
        const table = r.one("aws:glue/catalogTable:CatalogTable");
        const data = r.one("aws:s3/bucket:Bucket", "billboard-data");
        const results = r.one("aws:s3/bucket:Bucket", "billboard-results");
        const secret = r.one("aws:secretsmanager/secret:Secret");
        const logs = r.one("aws:cloudwatch/logGroup:LogGroup");
        const sid = (s: string) => statements.find((x) => x.Sid === s)!;
        assert.equal(sid("AthenaWorkgroup").Resource, wg.outputs.arn);
        assert.ok(list(sid("AthenaWorkgroup").Action).includes("athena:StartQueryExecution"));
        assert.equal(sid("AthenaCatalog").Resource, `arn:aws:athena:us-east-1:${ACCOUNT_ID}:datacatalog/AwsDataCatalog`);
        assert.deepEqual(sid("GlueBillboardTable").Resource, [`arn:aws:glue:us-east-1:${ACCOUNT_ID}:catalog`, db.outputs.arn, table.outputs.arn]);
        assert.equal(sid("ReadBillboardData").Resource, `${data.outputs.arn}/billboard/*`);
        assert.equal(sid("ListBillboardData").Resource, data.outputs.arn);
        assert.deepEqual(sid("ListBillboardData").Condition, { StringLike: { "s3:prefix": ["billboard/", "billboard/*"] } });
        assert.equal(sid("QueryResultObjects").Resource, `${results.outputs.arn}/athena/*`);
        assert.equal(sid("QueryResultBucket").Resource, results.outputs.arn);
        assert.deepEqual(list(grants(statements, "s3:PutObject")[0].Resource), [`${results.outputs.arn}/athena/*`], "writes only results");
        assert.equal(sid("ReadPassword").Resource, secret.outputs.arn);
        assert.equal(sid("ShipSetupLogs").Resource, `${logs.outputs.arn}:*`);
        for (const s of statements) {
            if (list(s.Resource).includes("*")) assert.match(list(s.Action).join(","), /^(ssmmessages:[A-Za-z]+,?)+$/, `${s.Sid} on *`);
        }
        await assertActionsExist(statements);
        const trust = json(r.one("aws:iam/role:Role", "billboard-workstation-role").inputs.assumeRolePolicy);
        assert.equal(trust.Statement[0].Principal.Service, "ec2.amazonaws.com");
        assert.equal(r.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0, "no managed policies");
    });

    it("lets the RStudio catalog browser list databases and tables the way Athena checks them in Glue", async () => {
        const { r } = await defaults();
        const statements = workstationStatements(r);
        const db = r.one("aws:glue/catalogDatabase:CatalogDatabase").inputs.name;
        const glue = (resource: string) => `arn:aws:glue:us-east-1:${ACCOUNT_ID}:${resource}`;
        // An Allow statement naming the action whose Resource patterns (with * wildcards) match the ARN.
        const allowed = (action: string, arn: string) =>
            grants(statements, action).some((s) =>
                list(s.Resource).some((p) => new RegExp(`^${p.split("*").map((x) => x.replace(/[.?+^$()[\]{}|\\/]/g, "\\$&")).join(".*")}$`).test(arn)),
            );
        // Glue authorizes a call on the resource and all its ancestors; list calls on the wildcard of what they list.
        // https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html
        const needs: Array<[string, string[]]> = [
            ["glue:GetDatabases", [glue("catalog"), glue("database/*")]],
            ["glue:GetTables", [glue("catalog"), glue(`database/${db}`), glue(`table/${db}/*`), glue(`table/${db}/billboard`)]],
            ["glue:GetTable", [glue("catalog"), glue(`database/${db}`), glue(`table/${db}/billboard`)]],
            ["glue:GetDatabase", [glue("catalog"), glue(`database/${db}`), glue("database/default")]],
            ["glue:CreateDatabase", [glue("catalog"), glue("database/default")]],
            ["glue:GetPartitions", [glue("catalog"), glue(`database/${db}`), glue(`table/${db}/billboard`)]],
        ];
        for (const [action, arns] of needs) for (const arn of arns) assert.ok(allowed(action, arn), `${action} on ${arn}`);
        // Nothing beyond that: no other database's tables, no database but default to create.
        assert.ok(!allowed("glue:GetTables", glue("table/payroll/*")), "GetTables on another database's tables");
        assert.ok(!allowed("glue:GetTable", glue(`table/${db}/other`)), "GetTable beyond the billboard table");
        assert.ok(!allowed("glue:GetDatabase", glue("database/payroll")), "GetDatabase on another database");
        assert.ok(!allowed("glue:CreateDatabase", glue(`database/${db}`)), "CreateDatabase beyond default");
        assert.ok(!allowed("glue:CreateTable", glue(`table/${db}/x`)));
        await assertActionsExist(statements);
    });

    it("generates the RStudio password into Secrets Manager and never puts it in user data", async () => {
        const { r, a } = await defaults();
        const secret = r.one("aws:secretsmanager/secret:Secret");
        const version = r.one("aws:secretsmanager/secretVersion:SecretVersion");
        assert.equal(version.inputs.secretId, secret.outputs.id);
        // A Pulumi secret: encrypted in the state, never shown in previews or outputs.
        const wrapped = version.inputs.secretString;
        assert.equal(wrapped["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", "stored as a Pulumi secret");
        const password: string = wrapped.value;
        assert.match(password, /^[A-Za-z0-9]{24}$/, "24 letters and digits from GetRandomPassword");
        const userData: string = r.one("aws:ec2/instance:Instance").inputs.userData;
        assert.ok(!userData.includes(password));
        assert.match(userData, new RegExp(`--secret-id '${secret.outputs.arn}'`));
        assert.equal(await promiseOf(a.passwordSecretArn), secret.outputs.arn);
        assert.equal(secret.inputs.recoveryWindowInDays, 7, "dev secrets go away soon after deletion");
    });

    it("runs the workstation with encrypted volumes and IMDSv2, reachable only through SSM when no CIDR is set", async () => {
        const { r, a } = await defaults();
        const instance = r.one("aws:ec2/instance:Instance");
        assert.equal(instance.inputs.ami, "ami-0abcdef1234567890", "AL2023 from the SSM public parameter");
        assert.equal(instance.inputs.instanceType, "t3.large");
        assert.deepEqual(
            [instance.inputs.rootBlockDevice.encrypted, instance.inputs.rootBlockDevice.volumeType, instance.inputs.rootBlockDevice.volumeSize],
            [true, "gp3", 50],
        );
        assert.equal(instance.inputs.metadataOptions.httpTokens, "required");
        assert.equal(instance.inputs.iamInstanceProfile, r.one("aws:iam/instanceProfile:InstanceProfile").outputs.name);
        assert.equal(instance.inputs.subnetId, "subnet-0d3fa17de5a2e9c0a", "a default subnet of the default VPC");
        assert.equal(instance.inputs.associatePublicIpAddress, true);
        const sg = r.one("aws:ec2/securityGroup:SecurityGroup");
        assert.deepEqual(instance.inputs.vpcSecurityGroupIds, [sg.outputs.id]);
        assert.equal(sg.inputs.vpcId, "vpc-0d3fa17de5a2e9c01");
        assert.equal(r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").length, 0, "no inbound rule at all");
        assert.deepEqual(
            r.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map((e) => e.inputs.fromPort).sort(),
            [443, 80].sort(),
        );
        assert.match(instance.inputs.userData, /^www-address=127\.0\.0\.1$/m, "RStudio listens on localhost only");
        assert.equal(await promiseOf(a.rstudioUrl), "http://localhost:8787");
        assert.equal(
            await promiseOf(a.portForwardCommand),
            `aws ssm start-session --region us-east-1 --target ${instance.outputs.id} --document-name AWS-StartPortForwardingSession --parameters '{"portNumber":["8787"],"localPortNumber":["8787"]}'`,
        );
        const statements = workstationStatements(r);
        assert.equal(statements.find((s) => s.Sid === "SessionManagerRegistration")!.Resource, `arn:aws:ec2:us-east-1:${ACCOUNT_ID}:instance/*`);
    });

    it("admits RStudio's port from the configured CIDR only, and outputs the instance's URL", async () => {
        const { r, a } = await analytics({ allowedCidr: "203.0.113.0/24" });
        const [ingress] = r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.deepEqual(
            [ingress.inputs.ipProtocol, ingress.inputs.fromPort, ingress.inputs.toPort, ingress.inputs.cidrIpv4],
            ["tcp", 8787, 8787, "203.0.113.0/24"],
        );
        assert.equal(r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").length, 1);
        const instance = r.one("aws:ec2/instance:Instance");
        assert.equal(await promiseOf(a.rstudioUrl), `http://${instance.outputs.publicIp}:8787`);
        assert.match(instance.inputs.userData, /^www-address=0\.0\.0\.0$/m);
        const v6 = await analytics({ allowedCidr: "2001:db8::/48" });
        assert.equal(v6.r.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").inputs.cidrIpv6, "2001:db8::/48");
    });

    it("runs in a configured private subnet without a public address", async () => {
        const { r, a } = await analytics({ subnetId: "subnet-0123456789abcdef0", subnetType: "private", allowedCidr: "10.20.0.0/16" });
        const instance = r.one("aws:ec2/instance:Instance");
        assert.equal(instance.inputs.subnetId, "subnet-0123456789abcdef0");
        assert.equal(instance.inputs.associatePublicIpAddress, false);
        assert.equal(await promiseOf(a.rstudioUrl), `http://${instance.outputs.privateIp}:8787`);
    });

    it("names subnetId when the region has no default VPC, and needs no default VPC when it is given", async () => {
        await withoutDefaultVpc(async () => {
            const { a } = await analytics();
            await assert.rejects(promiseOf(a.instanceId), /billboard: us-east-1 has no default VPC .*; set subnetId \(athenaAnalytics\.subnetId\)$/);
            const given = await analytics({ subnetId: "subnet-0123456789abcdef0" });
            assert.equal(await promiseOf(given.a.instanceId), given.r.one("aws:ec2/instance:Instance").outputs.id);
            const catalogOnly = await analytics({ createWorkstation: false });
            assert.equal(catalogOnly.r.ofType("aws:ec2/instance:Instance").length, 0);
            assert.equal(await promiseOf(catalogOnly.a.workgroupName), catalogOnly.r.one("aws:athena/workgroup:Workgroup").outputs.name);
        });
    });

    it("launches the workstation in a default subnet whose zone offers its type, and names the type when no zone does", async () => {
        await withoutInstanceTypes({ "us-east-1a": ["t3.large"] }, async () => {
            const { r } = await analytics();
            assert.equal(r.one("aws:ec2/instance:Instance").inputs.subnetId, "subnet-0d3fa17de5a2e9c0b", "the default subnet in us-east-1b");
        });
        await withoutInstanceTypes({ "us-east-1a": ["t3.large"], "us-east-1b": ["t3.large"], "us-east-1c": ["t3.large"] }, async () => {
            const { a } = await analytics();
            await assert.rejects(promiseOf(a.instanceId), /billboard: no Availability Zone of us-east-1 offers t3\.large; set athenaAnalytics\.instanceType to a type offered there/);
        });
        // Offered only where the default VPC has no default subnet: the settings that place it elsewhere are named.
        await withoutInstanceTypes({ "us-east-1a": ["t3.large"], "us-east-1b": ["t3.large"] }, async () => {
            const { a } = await analytics();
            await assert.rejects(
                promiseOf(a.instanceId),
                /billboard: no subnet of the default VPC lies in an Availability Zone offering t3\.large \(offered in us-east-1c\); set subnetId \(athenaAnalytics\.subnetId\), or athenaAnalytics\.instanceType$/,
            );
        });
    });

    it("ships the setup log to its log group and installs R and RStudio Server at boot", async () => {
        const { r } = await defaults();
        const userData: string = r.one("aws:ec2/instance:Instance").inputs.userData;
        const logGroup = r.one("aws:cloudwatch/logGroup:LogGroup");
        assert.equal(logGroup.inputs.retentionInDays, 30);
        const agent = JSON.parse(/<<'JSON'\n([\s\S]*?)\nJSON\n/.exec(userData)![1]);
        const files = agent.logs.logs_collected.files.collect_list;
        assert.deepEqual(files.map((f: any) => f.file_path), ["/var/log/rstudio-setup.log", "/var/log/cloud-init-output.log", "/var/log/rstudio/rstudio-server/rserver.log"]);
        for (const f of files) assert.equal(f.log_group_name, logGroup.outputs.name);
        assert.ok(userData.indexOf("amazon-cloudwatch-agent-ctl") < userData.indexOf("dnf install -y R-core"), "logs ship before the long installs");
        assert.match(userData, /https:\/\/download2\.rstudio\.org\/server\/rhel9\/x86_64\/rstudio-server-rhel-2024\.12\.1-563-x86_64\.rpm/);
        assert.match(userData, /^ATHENA_WORKGROUP=billboard-test$/m);
        assert.match(userData, /^ATHENABUCKET=s3:\/\/.+\/athena\/$/m);
        assert.match(userData, /systemctl enable --now rstudio-password\.service/);
    });

    it("renders user data that bash accepts, checking the package's SHA-256 when given", () => {
        const sha = "a".repeat(64);
        for (const setup of [SETUP, { ...SETUP, rstudioServerSha256: sha, listenAddress: "0.0.0.0" as const }]) {
            const script = workstationUserData(setup);
            const check = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
            assert.equal(check.status, 0, check.stderr);
            assert.match(script, /^set -euo pipefail$/m);
            assert.doesNotMatch(script, /set -x/, "the password would be traced into the log");
        }
        assert.match(workstationUserData({ ...SETUP, rstudioServerSha256: sha }), new RegExp(`echo '${sha}  /tmp/rstudio-server-rhel-2024.12.1-563-x86_64.rpm' \\| sha256sum --check --strict -`));
        assert.doesNotMatch(workstationUserData(SETUP), /sha256sum/);
    });

    it("protects its data, results, catalog, secret, log group and instance when asked", async () => {
        const { r } = await analytics({ protect: true });
        for (const type of [
            "aws:s3/bucket:Bucket",
            "aws:glue/catalogDatabase:CatalogDatabase",
            "aws:secretsmanager/secret:Secret",
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:ec2/instance:Instance",
        ]) {
            for (const x of r.ofType(type)) assert.equal(x.protect, true, `${type} ${x.name}`);
        }
        assert.equal(r.one("aws:secretsmanager/secret:Secret").inputs.recoveryWindowInDays, 30);
        assert.equal(r.one("aws:athena/workgroup:Workgroup").inputs.forceDestroy, false);
        for (const b of r.ofType("aws:s3/bucket:Bucket")) assert.equal(b.inputs.forceDestroy, false);
    });

    it("builds only the catalog and workgroup when the workstation is off", async () => {
        const { r, a } = await analytics({ createWorkstation: false });
        for (const type of ["aws:ec2/instance:Instance", "aws:secretsmanager/secret:Secret", "aws:iam/role:Role", "aws:ec2/securityGroup:SecurityGroup"]) {
            assert.equal(r.ofType(type).length, 0, type);
        }
        assert.equal(a.rstudioUrl, undefined);
        assert.equal(r.ofType("aws:athena/namedQuery:NamedQuery").length, 6);
    });

    it("parses S3 locations", () => {
        assert.deepEqual(parseS3Location("s3://my-bucket/billboard/"), { bucket: "my-bucket", prefix: "billboard/" });
        assert.deepEqual(parseS3Location("s3://my-bucket/"), { bucket: "my-bucket", prefix: "" });
        assert.throws(() => parseS3Location("s3://my-bucket/billboard"), /ending with \//);
        assert.throws(() => parseS3Location("https://my-bucket/billboard/"), /must be an S3 location/);
    });

    it("refuses bad arguments before creating any resource", async () => {
        const cases: Array<[AthenaAnalyticsArgs, RegExp]> = [
            [{ allowedCidr: "0.0.0.0/0" }, /allowedCidr: must not be open to the whole internet.*; got "0.0.0.0\/0"/],
            [{ allowedCidr: "::/0" }, /allowedCidr: must not be open to the whole internet.*; got "::\/0"/],
            [{ allowedCidr: "my office" }, /allowedCidr: must be an IPv4 or IPv6 CIDR .*; got "my office"/],
            [{ subnetType: "private" }, /subnetId: is required with subnetType private: a private subnet with a NAT route; got nothing/],
            [{ subnetId: "subnet-xyz" }, /subnetId: must be a subnet id like subnet-0123456789abcdef0; got "subnet-xyz"/],
            [{ instanceType: "m7g.large" }, /instanceType: must be an x86_64 type: RStudio Server comes from Posit's x86_64 package; got "m7g.large"/],
            [{ instanceType: "t4g.xlarge" }, /instanceType: must be an x86_64 type.*; got "t4g.xlarge"/],
            [{ instanceType: "large" }, /instanceType: must be an EC2 instance type like m5.large; got "large"$/],
            [{ rstudioUser: "root" }, /rstudioUser: must not be root; got "root"/],
            [{ rstudioServerVersion: "latest" }, /rstudioServerVersion: must be a version like 2024.12.1-563; got "latest"/],
            [{ rstudioServerSha256: "abc" }, /rstudioServerSha256: must be 64 lowercase hex digits; got "abc"/],
            [{ rootVolumeSizeGb: 8 }, /rootVolumeSizeGb: must be a whole number from 20 to 16384; got 8/],
            [{ databaseName: "Billboard-DB" }, /databaseName: must be 1-255 lowercase letters, digits or underscores; got "Billboard-DB"/],
            [{ dataLocation: "s3://bucket/no-slash" }, /dataLocation: must be an S3 location like s3:\/\/my-bucket\/billboard\/ \(ending with \/\); got "s3:\/\/bucket\/no-slash"/],
            [{ bytesScannedCutoffMb: 5 }, /bytesScannedCutoffMb: must be a whole number from 10 to 10000000; got 5/],
            [{ resultsExpirationDays: 0 }, /resultsExpirationDays: must be a whole number from 1 to 3650; got 0/],
        ];
        clearRecorded();
        await build(() => {
            for (const [args, expected] of cases) assert.throws(() => new AthenaAnalytics("bad", args), expected);
        });
        assert.deepEqual(recordedResources().filter((x) => x.custom).map((x) => x.type), []);
    });
});
