// Athena analytics workstation (README scenario 11): the Billboard Top 10 table in Glue, an Athena workgroup that enforces
// an encrypted result location, the post's sample queries, and an RStudio Server workstation allowed exactly those.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Blueprint } from "../../components/common";
import { ServiceRole, Statement } from "../../components/iam";
import { defaultSubnetId, defaultVpcId, webEgress } from "../../components/network";
import { ArgsOf, defineScenario, pick, resolveArgs, ResolvedArgs } from "../../components/scenario";
import { privateBucket } from "../../components/storage";
import { athenaAnalyticsSettings } from "./settings";

/** Arguments that also take other resources' values. */
type Inputs = "subnetId";
/** The scenario's settings (see ./settings.ts); the workstation's subnet may be another resource's output. */
export type AthenaAnalyticsArgs = ArgsOf<typeof athenaAnalyticsSettings, Inputs>;

export interface Column {
    readonly name: string;
    readonly type: "int" | "string" | "double";
}

/** The 39 columns of the post's `billboard` table, in file order, with their Hive types. */
export function billboardColumns(): Column[] {
    const timbre = Array.from({ length: 12 }, (_, i) => [
        { name: `timbre_${i}_min`, type: "double" as const },
        { name: `timbre_${i}_max`, type: "double" as const },
    ]).flat();
    return [
        { name: "year", type: "int" },
        { name: "songtitle", type: "string" },
        { name: "artistname", type: "string" },
        { name: "songid", type: "string" },
        { name: "artistid", type: "string" },
        { name: "timesignature", type: "int" },
        { name: "timesignature_confidence", type: "double" },
        { name: "loudness", type: "double" },
        { name: "tempo", type: "double" },
        { name: "tempo_confidence", type: "double" },
        { name: "key", type: "int" },
        { name: "key_confidence", type: "double" },
        { name: "energy", type: "double" },
        { name: "pitch", type: "double" },
        ...timbre,
        { name: "top10", type: "int" },
    ];
}

export interface SampleQuery {
    /** Name shown in the Athena console's saved queries. */
    readonly name: string;
    readonly description: string;
    readonly query: string;
}

/** The post's sample queries and its train/test split, against `database.table`. */
export function billboardQueries(database: string, table = "billboard"): SampleQuery[] {
    const t = `"${database}"."${table}"`;
    return [
        {
            name: "billboard-artist-top10",
            description: "One artist's songs that made the Top 10 (the post's example: Janet Jackson)",
            query: `SELECT songtitle, artistname, top10 FROM ${t} WHERE lower(artistname) = 'janet jackson' AND top10 = 1`,
        },
        {
            name: "billboard-songs-per-year",
            description: "How many songs the dataset has for each year (the post counts 373 for 2010)",
            query: `SELECT year, count(*) AS songs FROM ${t} GROUP BY year ORDER BY year`,
        },
        {
            name: "billboard-time-signature-histogram",
            description: "Songs per time signature (most are in 4)",
            query: `SELECT timesignature, count(*) AS songs FROM ${t} GROUP BY timesignature ORDER BY timesignature`,
        },
        {
            name: "billboard-max-tempo",
            description: "The song(s) with the highest tempo",
            query: `SELECT songtitle, artistname, tempo FROM ${t} WHERE tempo = (SELECT max(tempo) FROM ${t})`,
        },
        {
            name: "billboard-training-set",
            description: "Training data: every song from 2009 and earlier",
            query: `SELECT * FROM ${t} WHERE year <= 2009`,
        },
        {
            name: "billboard-test-set",
            description: "Test data: the songs from 2010",
            query: `SELECT * FROM ${t} WHERE year = 2010`,
        },
    ];
}

/** Bucket and key prefix of an `s3://bucket/prefix/` location (the prefix ends with `/` or is empty). */
export function parseS3Location(location: string): { bucket: string; prefix: string } {
    const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/((?:[^/\s]+\/)*)$/.exec(location);
    if (!m) throw new Error(`"${location}" must be an S3 location like s3://my-bucket/billboard/ (ending with /)`);
    return { bucket: m[1], prefix: m[2] };
}

/** What the workstation's user data needs to know. */
export interface WorkstationSetup {
    readonly region: string;
    readonly passwordSecretArn: string;
    readonly logGroupName: string;
    readonly user: string;
    readonly rstudioServerVersion: string;
    readonly rstudioServerSha256?: string;
    /** 127.0.0.1 when RStudio is reached only by SSM port forwarding. */
    readonly listenAddress: "0.0.0.0" | "127.0.0.1";
    readonly workgroup: string;
    readonly database: string;
    readonly resultsLocation: string;
    readonly dataLocation: string;
}

/**
 * The workstation's user data: CloudWatch agent first (so every later step's output is shipped), R and Java from the
 * Amazon Linux 2023 repositories, RStudio Server from Posit, and a boot-time unit that sets the RStudio user's password
 * from Secrets Manager (the password is never in the user data).
 */
export function workstationUserData(s: WorkstationSetup): string {
    const rpm = `rstudio-server-rhel-${s.rstudioServerVersion}-x86_64.rpm`;
    const stream = (file: string, suffix: string) => ({ file_path: file, log_group_name: s.logGroupName, log_stream_name: `{instance_id}/${suffix}` });
    const agentConfig = {
        agent: { run_as_user: "root" },
        logs: {
            logs_collected: {
                files: {
                    collect_list: [
                        stream("/var/log/rstudio-setup.log", "setup"),
                        stream("/var/log/cloud-init-output.log", "cloud-init-output"),
                        stream("/var/log/rstudio/rstudio-server/rserver.log", "rserver"),
                    ],
                },
            },
        },
    };
    return [
        "#!/bin/bash",
        "# RStudio Server workstation for Amazon Athena (aws-blueprints athena-analytics).",
        "set -euo pipefail",
        "exec > >(tee -a /var/log/rstudio-setup.log) 2>&1",
        'echo "setup: started $(date -Is)"',
        "",
        "# Ship this log, cloud-init's output and RStudio Server's log to CloudWatch Logs before anything can fail.",
        "dnf install -y amazon-cloudwatch-agent",
        "cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'JSON'",
        JSON.stringify(agentConfig, null, 2),
        "JSON",
        "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json",
        "",
        "# R from the Amazon Linux 2023 repositories; Java for the Athena JDBC driver the post uses (RJDBC).",
        "dnf install -y R-core java-17-amazon-corretto-headless",
        "# Compilers and headers let users install R packages from source (rJava, h2o); without them RStudio still works.",
        "if ! dnf install -y R-core-devel gcc gcc-c++ gcc-gfortran make libcurl-devel openssl-devel libxml2-devel java-17-amazon-corretto-devel; then",
        '  echo "setup: warning: build tools were not installed; R packages that compile from source will fail"',
        "fi",
        'R CMD javareconf || echo "setup: warning: R CMD javareconf failed; rJava may not build"',
        "",
        "# RStudio Server: Posit's RHEL 9 build runs on Amazon Linux 2023.",
        `curl -fsSL --retry 5 -o /tmp/${rpm} https://download2.rstudio.org/server/rhel9/x86_64/${rpm}`,
        ...(s.rstudioServerSha256 ? [`echo '${s.rstudioServerSha256}  /tmp/${rpm}' | sha256sum --check --strict -`] : []),
        `dnf install -y /tmp/${rpm}`,
        `rm -f /tmp/${rpm}`,
        "",
        `id -u ${s.user} >/dev/null 2>&1 || useradd --create-home ${s.user}`,
        "cat > /etc/rstudio/rserver.conf <<'CONF'",
        "www-port=8787",
        `www-address=${s.listenAddress}`,
        "CONF",
        "",
        "# What the post's notebook reads: the Athena staging directory (enforced by the workgroup), workgroup, database and data.",
        "cat >> \"$(R RHOME)/etc/Renviron.site\" <<'RENV'",
        `AWS_DEFAULT_REGION=${s.region}`,
        `ATHENA_WORKGROUP=${s.workgroup}`,
        `ATHENA_DATABASE=${s.database}`,
        `ATHENABUCKET=${s.resultsLocation}`,
        `BILLBOARD_DATA=${s.dataLocation}`,
        "RENV",
        "",
        "# The password is read from Secrets Manager at every boot: change the secret and reboot to rotate it.",
        "cat > /usr/local/sbin/rstudio-set-password <<'SCRIPT'",
        "#!/bin/bash",
        "set -euo pipefail",
        `password="$(aws secretsmanager get-secret-value --region ${s.region} --secret-id '${s.passwordSecretArn}' --query SecretString --output text)"`,
        `printf '%s:%s\\n' '${s.user}' "$password" | chpasswd`,
        "SCRIPT",
        "chmod 700 /usr/local/sbin/rstudio-set-password",
        "cat > /etc/systemd/system/rstudio-password.service <<'UNIT'",
        "[Unit]",
        "Description=Set the RStudio user's password from AWS Secrets Manager",
        "Wants=network-online.target",
        "After=network-online.target",
        "Before=rstudio-server.service",
        "",
        "[Service]",
        "Type=oneshot",
        "ExecStart=/usr/local/sbin/rstudio-set-password",
        "Restart=on-failure",
        "RestartSec=15",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "UNIT",
        "systemctl daemon-reload",
        "systemctl enable --now rstudio-password.service",
        "systemctl enable rstudio-server",
        "systemctl restart rstudio-server",
        'echo "setup: finished $(date -Is)"',
        "",
    ].join("\n");
}

const AL2023_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
const RSTUDIO_PORT = 8787;

/** The settings as resolveArgs returns them, which the constructor's steps read. */
type Settings = ResolvedArgs<typeof athenaAnalyticsSettings, Inputs>;

/** The account, partition and region the component deploys into, which ARNs are built from. */
interface Account {
    readonly accountId: pulumi.Output<string>;
    readonly partition: pulumi.Output<string>;
    readonly region: pulumi.Output<string>;
}

/** Where the Billboard data is read from and query results are written. */
interface Locations {
    readonly data: pulumi.Output<{ bucket: string; prefix: string }>;
    readonly dataUri: pulumi.Output<string>;
    /** The data bucket the component created (when no dataLocation was given). */
    readonly dataBucket?: aws.s3.Bucket;
    readonly results: aws.s3.Bucket;
    readonly resultsUri: pulumi.Output<string>;
}

/** What the workstation step returns for the component's outputs. */
interface Workstation {
    readonly instanceId: pulumi.Output<string>;
    readonly passwordSecretArn: pulumi.Output<string>;
    readonly setupLogGroupName: pulumi.Output<string>;
    readonly portForwardCommand: pulumi.Output<string>;
    readonly rstudioUrl: pulumi.Output<string>;
}

export class AthenaAnalytics extends Blueprint {
    readonly databaseName: pulumi.Output<string>;
    readonly tableName: pulumi.Output<string>;
    readonly workgroupName: pulumi.Output<string>;
    readonly resultsLocation: pulumi.Output<string>;
    readonly dataLocation: pulumi.Output<string>;
    /** The data bucket the component created (when no dataLocation was given). */
    readonly dataBucketName?: pulumi.Output<string>;
    readonly namedQueryIds: pulumi.Output<Record<string, string>>;
    /** Where RStudio answers: the instance's address with an allowed CIDR, else localhost through SSM port forwarding. */
    readonly rstudioUrl?: pulumi.Output<string>;
    /** The command that opens the SSM port-forwarding session to RStudio (works with or without an allowed CIDR). */
    readonly portForwardCommand?: pulumi.Output<string>;
    readonly instanceId?: pulumi.Output<string>;
    /** Secret holding the RStudio user's password. */
    readonly passwordSecretArn?: pulumi.Output<string>;
    readonly setupLogGroupName?: pulumi.Output<string>;

    constructor(name: string, args: AthenaAnalyticsArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveArgs<typeof athenaAnalyticsSettings, Inputs>(name, athenaAnalyticsSettings, args);
        super("aws-blueprints:analytics:AthenaAnalytics", name, "athena-analytics", args, opts);
        const databaseName = s.databaseName ?? `billboard_${pulumi.getStack().toLowerCase().replace(/[^a-z0-9_]/g, "_")}`;
        const dataLocation = s.dataLocation === undefined ? undefined : parseS3Location(s.dataLocation);

        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const account: Account = { accountId: identity.accountId, partition, region };

        const locations = this.dataAndResults(name, s, dataLocation);
        const { database, table } = this.billboardTable(name, databaseName, locations.dataUri);
        const { workgroup, queries } = this.workgroupAndQueries(name, s, { databaseName, database, resultsUri: locations.resultsUri, accountId: account.accountId });

        this.databaseName = database.name;
        this.tableName = table.name;
        this.workgroupName = workgroup.name;
        this.resultsLocation = locations.resultsUri;
        this.dataLocation = locations.dataUri;
        this.dataBucketName = locations.dataBucket?.bucket;
        this.namedQueryIds = pulumi.all(Object.fromEntries(queries.map(([n, q]) => [n, q.id])));

        if (s.createWorkstation) {
            const workstation = this.workstation(name, s, { account, locations, databaseName, database, table, workgroup });
            this.instanceId = workstation.instanceId;
            this.passwordSecretArn = workstation.passwordSecretArn;
            this.setupLogGroupName = workstation.setupLogGroupName;
            this.portForwardCommand = workstation.portForwardCommand;
            this.rstudioUrl = workstation.rstudioUrl;
        }

        this.registerOutputs({
            databaseName: this.databaseName,
            tableName: this.tableName,
            workgroupName: this.workgroupName,
            resultsLocation: this.resultsLocation,
            dataLocation: this.dataLocation,
            dataBucketName: this.dataBucketName,
            namedQueryIds: this.namedQueryIds,
            rstudioUrl: this.rstudioUrl,
            portForwardCommand: this.portForwardCommand,
            instanceId: this.instanceId,
            passwordSecretArn: this.passwordSecretArn,
            setupLogGroupName: this.setupLogGroupName,
        });
    }

    /** The data location (the one given, else `billboard/` in a bucket of the component's own) and the results bucket. */
    private dataAndResults(name: string, s: Settings, dataLocation: { bucket: string; prefix: string } | undefined): Locations {
        const forceDestroy = !this.protectStateful;
        let data: pulumi.Output<{ bucket: string; prefix: string }>;
        let dataBucket: aws.s3.Bucket | undefined;
        if (dataLocation) {
            data = pulumi.output(dataLocation);
        } else {
            dataBucket = privateBucket(`${name}-data`, { versioning: true, forceDestroy }, this, this.stateful()).bucket;
            data = dataBucket.bucket.apply((bucket) => ({ bucket, prefix: "billboard/" }));
        }
        const dataUri = data.apply((d) => `s3://${d.bucket}/${d.prefix}`);
        const results = privateBucket(`${name}-results`, { expireAfterDays: s.resultsExpirationDays, forceDestroy }, this, this.stateful()).bucket;
        const resultsUri = pulumi.interpolate`s3://${results.bucket}/athena/`;
        return { data, dataUri, dataBucket, results, resultsUri };
    }

    /** The Glue database and the external `billboard` table over the comma-delimited data. */
    private billboardTable(name: string, databaseName: string, dataUri: pulumi.Output<string>): { database: aws.glue.CatalogDatabase; table: aws.glue.CatalogTable } {
        const database = new aws.glue.CatalogDatabase(
            `${name}-db`,
            { name: databaseName, description: "Billboard Top 10 hits with Echo Nest song features (Million Song Dataset)" },
            this.stateful(),
        );
        const table = new aws.glue.CatalogTable(
            `${name}-billboard`,
            {
                name: "billboard",
                databaseName: database.name,
                description: "Songs 1990-2010: Echo Nest features and whether the song reached the Billboard Top 10",
                tableType: "EXTERNAL_TABLE",
                parameters: { EXTERNAL: "TRUE", classification: "csv" },
                storageDescriptor: {
                    location: dataUri,
                    inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
                    outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    serDeInfo: {
                        serializationLibrary: "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                        parameters: { "field.delim": ",", "serialization.format": "," },
                    },
                    columns: billboardColumns().map((c) => ({ name: c.name, type: c.type })),
                },
            },
            { parent: this },
        );
        return { database, table };
    }

    /** The workgroup enforcing its encrypted result location and scan limit, and the post's queries saved in it. */
    private workgroupAndQueries(
        name: string,
        s: Settings,
        on: { databaseName: string; database: aws.glue.CatalogDatabase; resultsUri: pulumi.Output<string>; accountId: pulumi.Output<string> },
    ): { workgroup: aws.athena.Workgroup; queries: (readonly [string, aws.athena.NamedQuery])[] } {
        const { databaseName, database, resultsUri, accountId } = on;
        const workgroup = new aws.athena.Workgroup(
            `${name}-workgroup`,
            {
                name: `${name}-${pulumi.getStack()}`,
                description: "Billboard analytics: enforced, encrypted result location and a per-query scan limit",
                state: "ENABLED",
                forceDestroy: !this.protectStateful,
                configuration: {
                    enforceWorkgroupConfiguration: true,
                    publishCloudwatchMetricsEnabled: true,
                    bytesScannedCutoffPerQuery: s.bytesScannedCutoffMb * 1024 * 1024,
                    engineVersion: { selectedEngineVersion: "Athena engine version 3" },
                    resultConfiguration: {
                        outputLocation: resultsUri,
                        encryptionConfiguration: { encryptionOption: "SSE_S3" },
                        expectedBucketOwner: accountId,
                    },
                },
            },
            { parent: this },
        );
        const queries = billboardQueries(databaseName).map(
            (q) =>
                [
                    q.name,
                    new aws.athena.NamedQuery(
                        `${name}-${q.name}`,
                        { name: q.name, description: q.description, database: database.name, workgroup: workgroup.name, query: q.query },
                        { parent: this },
                    ),
                ] as const,
        );
        return { workgroup, queries };
    }

    /** The RStudio Server workstation: its password and log group, its role, its network and the instance. */
    private workstation(
        name: string,
        s: Settings,
        on: {
            account: Account;
            locations: Locations;
            databaseName: string;
            database: aws.glue.CatalogDatabase;
            table: aws.glue.CatalogTable;
            workgroup: aws.athena.Workgroup;
        },
    ): Workstation {
        const { account, locations, databaseName, database, table, workgroup } = on;
        const { secret, secretVersion } = this.rstudioPassword(name, s);
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-workstation-logs`,
            { retentionInDays: this.logRetentionDays },
            this.stateful(),
        );

        const statements = workstationStatements({ account, locations, database, table, workgroup, secret, logGroup });
        const role = new ServiceRole(
            `${name}-workstation`,
            { service: "ec2.amazonaws.com", description: "RStudio workstation: Athena on its workgroup, the Billboard table and data", statements },
            { parent: this },
        );
        const profile = new aws.iam.InstanceProfile(`${name}-workstation`, { role: role.role.name }, { parent: this });

        const { subnetId, securityGroup } = this.workstationNetwork(name, s);
        const userData = pulumi
            .all([account.region, secret.arn, logGroup.name, workgroup.name, locations.resultsUri, locations.dataUri])
            .apply(([r, secretArn, logGroupName, workgroupName, resultsLocation, dataLoc]) =>
                workstationUserData({
                    region: r,
                    passwordSecretArn: secretArn,
                    logGroupName,
                    user: s.rstudioUser,
                    rstudioServerVersion: s.rstudioServerVersion,
                    rstudioServerSha256: s.rstudioServerSha256,
                    listenAddress: s.allowedCidr ? "0.0.0.0" : "127.0.0.1",
                    workgroup: workgroupName,
                    database: databaseName,
                    resultsLocation,
                    dataLocation: dataLoc,
                }),
            );
        const instance = new aws.ec2.Instance(
            `${name}-workstation`,
            {
                ami: aws.ssm.getParameterOutput({ name: AL2023_AMI_PARAMETER }, { parent: this }).value,
                instanceType: s.instanceType,
                subnetId,
                vpcSecurityGroupIds: [securityGroup.id],
                associatePublicIpAddress: s.subnetType === "public",
                iamInstanceProfile: profile.name,
                userData,
                metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
                rootBlockDevice: { volumeType: "gp3", volumeSize: s.rootVolumeSizeGb, encrypted: true, deleteOnTermination: true, tags: { ...this.tags } },
                tags: { Name: `${name}-rstudio` },
            },
            // A newer AMI must not replace the workstation (and the work in its home directories).
            this.stateful({ ignoreChanges: ["ami"], dependsOn: [role.policy, secretVersion, logGroup] }),
        );

        return {
            instanceId: instance.id,
            passwordSecretArn: secret.arn,
            setupLogGroupName: logGroup.name,
            portForwardCommand: pulumi.interpolate`aws ssm start-session --region ${account.region} --target ${instance.id} --document-name AWS-StartPortForwardingSession --parameters '{"portNumber":["${RSTUDIO_PORT}"],"localPortNumber":["${RSTUDIO_PORT}"]}'`,
            rstudioUrl: s.allowedCidr
                ? pulumi.interpolate`http://${s.subnetType === "public" ? instance.publicIp : instance.privateIp}:${RSTUDIO_PORT}`
                : pulumi.output(`http://localhost:${RSTUDIO_PORT}`),
        };
    }

    /** The RStudio user's password: generated once by Secrets Manager and kept in a secret the instance reads at boot. */
    private rstudioPassword(name: string, s: Settings): { secret: aws.secretsmanager.Secret; secretVersion: aws.secretsmanager.SecretVersion } {
        const password = aws.secretsmanager.getRandomPasswordOutput(
            // No punctuation: the password passes through chpasswd and a browser form unescaped.
            { passwordLength: 24, excludePunctuation: true, requireEachIncludedType: true },
            { parent: this },
        );
        const secret = new aws.secretsmanager.Secret(
            `${name}-rstudio-password`,
            { description: `Password of the RStudio user ${s.rstudioUser} on the Athena analytics workstation`, recoveryWindowInDays: this.protectStateful ? 30 : 7 },
            this.stateful(),
        );
        const secretVersion = new aws.secretsmanager.SecretVersion(
            `${name}-rstudio-password`,
            { secretId: secret.id, secretString: pulumi.secret(password.randomPassword) },
            // The lookup returns a new password on every run; the first one stays until someone rotates it.
            { parent: this, ignoreChanges: ["secretString"] },
        );
        return { secret, secretVersion };
    }

    /** The workstation's subnet and security group: RStudio's port from the allowed CIDR only, web egress for packages. */
    private workstationNetwork(name: string, s: Settings): { subnetId: pulumi.Input<string>; securityGroup: aws.ec2.SecurityGroup } {
        const network = { owner: name, setting: "subnetId (athenaAnalytics.subnetId)", parent: this };
        const subnetId = s.subnetId ?? defaultSubnetId(defaultVpcId(network), network, { instanceTypes: [s.instanceType], typeSetting: "athenaAnalytics.instanceType" });
        const vpcId = aws.ec2.getSubnetOutput({ id: subnetId }, { parent: this }).vpcId;
        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-workstation`,
            {
                description: s.allowedCidr ? `RStudio Server from ${s.allowedCidr}` : "RStudio Server: no inbound traffic (SSM port forwarding)",
                vpcId,
                tags: { Name: `${name}-workstation` },
            },
            { parent: this },
        );
        if (s.allowedCidr) {
            const v6 = s.allowedCidr.includes(":");
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-workstation-rstudio`,
                {
                    securityGroupId: securityGroup.id,
                    description: "RStudio Server",
                    ipProtocol: "tcp",
                    fromPort: RSTUDIO_PORT,
                    toPort: RSTUDIO_PORT,
                    ...(v6 ? { cidrIpv6: s.allowedCidr } : { cidrIpv4: s.allowedCidr }),
                },
                { parent: this },
            );
        }
        webEgress(`${name}-workstation-egress`, { securityGroupId: securityGroup.id, https: "HTTPS: AWS APIs, package repositories, CRAN, Posit", http: "HTTP: package mirrors that redirect" }, { parent: this });
        return { subnetId, securityGroup };
    }
}

/** What the workstation's role allows: queries in its workgroup on the Billboard table and data, its password and logs, Session Manager. */
function workstationStatements(on: {
    account: Account;
    locations: Locations;
    database: aws.glue.CatalogDatabase;
    table: aws.glue.CatalogTable;
    workgroup: aws.athena.Workgroup;
    secret: aws.secretsmanager.Secret;
    logGroup: aws.cloudwatch.LogGroup;
}): Statement[] {
    const { account, locations, database, table, workgroup, secret, logGroup } = on;
    const { data, results } = locations;
    const arn = (service: string, resource: pulumi.Input<string>) =>
        pulumi.interpolate`arn:${account.partition}:${service}:${account.region}:${account.accountId}:${resource}`;
    const s3Arn = (path: pulumi.Input<string>) => pulumi.interpolate`arn:${account.partition}:s3:::${path}`;
    return [
        {
            sid: "AthenaWorkgroup",
            actions: [
                "athena:StartQueryExecution",
                "athena:StopQueryExecution",
                "athena:GetQueryExecution",
                "athena:GetQueryResults",
                "athena:GetQueryRuntimeStatistics",
                "athena:BatchGetQueryExecution",
                "athena:ListQueryExecutions",
                "athena:GetWorkGroup",
                "athena:GetNamedQuery",
                "athena:BatchGetNamedQuery",
                "athena:ListNamedQueries",
            ],
            resources: [workgroup.arn],
        },
        {
            sid: "AthenaCatalog",
            actions: ["athena:GetDataCatalog", "athena:GetDatabase", "athena:ListDatabases", "athena:GetTableMetadata", "athena:ListTableMetadata"],
            resources: [arn("athena", "datacatalog/AwsDataCatalog")],
        },
        // Glue checks a call on the resource and every ancestor (catalog, database), and the list calls on the
        // wildcard of what they list: GetDatabases on database/*, GetTables on table/<database>/*. Athena also
        // needs GetDatabase and CreateDatabase on the `default` database of each region it is used in.
        // https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html
        {
            sid: "GlueBillboardTable",
            actions: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"],
            resources: [arn("glue", "catalog"), database.arn, table.arn],
        },
        {
            // The RStudio connection pane and the JDBC driver's getTables list the database's tables.
            sid: "GlueListBillboardTables",
            actions: ["glue:GetTables"],
            resources: [arn("glue", "catalog"), database.arn, arn("glue", pulumi.interpolate`table/${database.name}/*`)],
        },
        {
            // The JDBC driver's getSchemas (Athena ListDatabases) lists the catalog's databases.
            sid: "GlueListDatabases",
            actions: ["glue:GetDatabases"],
            resources: [arn("glue", "catalog"), arn("glue", "database/*")],
        },
        {
            sid: "GlueDefaultDatabase",
            actions: ["glue:GetDatabase", "glue:CreateDatabase"],
            resources: [arn("glue", "catalog"), arn("glue", "database/default")],
        },
        {
            sid: "ReadBillboardData",
            actions: ["s3:GetObject"],
            resources: [s3Arn(data.apply((d) => `${d.bucket}/${d.prefix}*`))],
        },
        {
            sid: "ListBillboardData",
            actions: ["s3:ListBucket"],
            resources: [s3Arn(data.apply((d) => d.bucket))],
            conditions: { StringLike: { "s3:prefix": data.apply((d) => [d.prefix, `${d.prefix}*`]) } },
        },
        { sid: "LocateDataBucket", actions: ["s3:GetBucketLocation"], resources: [s3Arn(data.apply((d) => d.bucket))] },
        {
            sid: "QueryResultObjects",
            actions: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
            resources: [pulumi.interpolate`${results.arn}/athena/*`],
        },
        {
            sid: "QueryResultBucket",
            actions: ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
            resources: [results.arn],
        },
        { sid: "ReadPassword", actions: ["secretsmanager:GetSecretValue"], resources: [secret.arn] },
        {
            sid: "ShipSetupLogs",
            actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            resources: [pulumi.interpolate`${logGroup.arn}:*`],
        },
        // Session Manager (port forwarding, shell): the instance registers itself and opens message channels.
        { sid: "SessionManagerRegistration", actions: ["ssm:UpdateInstanceInformation"], resources: [arn("ec2", "instance/*")] },
        {
            sid: "SessionManagerChannels",
            // ssmmessages actions support no resource-level permissions.
            actions: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
            resources: ["*"],
        },
    ];
}

// The scenario: `aws-blueprints:athenaAnalytics` builds this component from its settings; its outputs are the stack output of the
// same name. The registry (scenarios/index.ts) is generated from these entries.
export const athenaAnalytics = defineScenario({
    key: "athenaAnalytics",
    readme: { number: 11, title: "Athena analytics workstation" },
    declaration: athenaAnalyticsSettings,
    build: (settings, shared) => {
        const athena = new AthenaAnalytics("athena-analytics", { ...shared, ...settings });
        return pick(athena, ["databaseName", "tableName", "workgroupName", "dataLocation", "dataBucketName", "resultsLocation", "namedQueryIds", "rstudioUrl", "portForwardCommand", "instanceId", "passwordSecretArn", "setupLogGroupName"]);
    },
});
