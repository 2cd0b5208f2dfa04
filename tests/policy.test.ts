import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ACK_TAG_PREFIX as COMPONENT_ACK_PREFIX, acknowledgeTags } from "../components/common";
import { ACK_TAG_PREFIX, evaluate, FEDRAMP_MODERATE_2016, policies, rules, serviceOf } from "../policy/rules";
import { CONTROLS_DIR, controlRows, renderCsv, renderMarkdown, STACKS as CONTROL_STACKS } from "../tools/controls";
import { configuredStacks } from "../tools/plan";
import { renderTaggable, TAGGABLE_FILE } from "../tools/taggableTypes";
import { EXIT_USAGE, Io, runCommand } from "../tools/cli";
import {
    groupFindings,
    policyCheck,
    policyCommand,
    policyExitCode,
    policySummary,
    renderPolicyReport,
    renderViolations,
    runPolicies,
    subjectsOf,
    Violation,
} from "../tools/policyCheck";
import { runStack } from "../engine/evaluate";
import type { RecordedResource } from "../engine/mocks";

const TAGS = { environment: "dev", application: "aws-blueprints" };
const PROD = { environment: "prod", application: "aws-blueprints" };

function res(type: string, name: string, inputs: Record<string, any>, extra: Partial<RecordedResource> = {}): RecordedResource {
    return {
        urn: `urn:pulumi:test::aws-blueprints::${type}::${name}`,
        type,
        name,
        custom: true,
        protect: false,
        retainOnDelete: false,
        aliases: [],
        dependencies: [],
        propertyDependencies: {},
        inputs,
        outputs: { ...inputs },
        ...extra,
    };
}

async function violations(resources: RecordedResource[], policy: string, config = {}): Promise<Violation[]> {
    return (await runPolicies(resources, config)).filter((v) => v.policy === policy);
}

const doc = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

/** For every rule: resources it must report, and resources it must pass. */
const CASES: Record<string, { bad: RecordedResource[]; good: RecordedResource[]; config?: Record<string, Record<string, unknown>> }> = {
    "iam-no-wildcard-admin": {
        bad: [
            res("aws:iam/rolePolicy:RolePolicy", "star", { role: "r", policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) }),
            res("aws:iam/policy:Policy", "svcstar", { policy: doc({ Effect: "Allow", Action: ["s3:GetObject", "iam:*"], Resource: ["*"] }), tags: TAGS }),
            res("aws:iam/rolePolicy:RolePolicy", "notaction", { role: "r", policy: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }) }),
            res("aws:iam/role:Role", "inline", { assumeRolePolicy: "{}", inlinePolicies: [{ name: "p", policy: doc({ Effect: "Allow", Action: "ec2:*", Resource: "*" }) }], tags: TAGS }),
        ],
        good: [
            res("aws:iam/rolePolicy:RolePolicy", "scoped", { role: "r", policy: doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" }) }),
            res("aws:iam/rolePolicy:RolePolicy", "describe", { role: "r", policy: doc({ Effect: "Allow", Action: ["ec2:DescribeInstances"], Resource: "*" }) }),
            res("aws:iam/rolePolicy:RolePolicy", "deny", { role: "r", policy: doc({ Effect: "Deny", Action: "*", Resource: "*" }) }),
        ],
    },
    "iam-no-broad-managed-policies": {
        bad: [
            res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "s3full", { role: "r", policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" }),
            res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
            res("aws:iam/role:Role", "power", { assumeRolePolicy: "{}", managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"], tags: TAGS }),
        ],
        good: [
            res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ssm", { role: "r", policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" }),
            res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ecs", { role: "r", policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role" }),
            res("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "group", { group: "g", policyArn: "arn:aws:iam::aws:policy/AmazonEC2FullAccess" }),
        ],
    },
    "lambda-runtime-timeout-role": {
        bad: [
            res("aws:lambda/function:Function", "old", { runtime: "nodejs18.x", timeout: 3, role: "arn:aws:iam::1:role/r", tags: TAGS }),
            res("aws:lambda/function:Function", "python", { runtime: "python3.12", timeout: 3, role: "arn:aws:iam::1:role/r", tags: TAGS }),
            res("aws:lambda/function:Function", "defaults", { runtime: "nodejs22.x", tags: TAGS }),
        ],
        good: [
            res("aws:lambda/function:Function", "ok", { runtime: "nodejs22.x", timeout: 30, role: "arn:aws:iam::1:role/r", tags: TAGS }),
            res("aws:lambda/function:Function", "next", { runtime: "nodejs24.x", timeout: 30, role: "arn:aws:iam::1:role/r", tags: TAGS }),
        ],
    },
    "network-no-open-ingress": {
        bad: [
            res("aws:ec2/securityGroup:SecurityGroup", "ssh", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }], tags: TAGS }),
            res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "rdp6", { ipProtocol: "tcp", fromPort: 3389, toPort: 3389, cidrIpv6: "::/0", tags: TAGS }),
            res("aws:ec2/securityGroupRule:SecurityGroupRule", "all", { type: "ingress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }),
            res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "range", { ipProtocol: "tcp", fromPort: 80, toPort: 443, cidrIpv4: "0.0.0.0/0", tags: TAGS }),
        ],
        good: [
            res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "https", { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", tags: TAGS }),
            res("aws:ec2/securityGroup:SecurityGroup", "private", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }], tags: TAGS }),
            res("aws:ec2/securityGroupRule:SecurityGroupRule", "egress", { type: "egress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }),
        ],
    },
    "network-tls-listeners": {
        bad: [
            res("aws:lb/listener:Listener", "tls10", { protocol: "HTTPS", port: 443, sslPolicy: "ELBSecurityPolicy-2016-08", tags: TAGS }),
            res("aws:lb/listener:Listener", "nopolicy", { protocol: "HTTPS", port: 443, tags: TAGS }),
            res("aws:lb/listener:Listener", "http", { protocol: "HTTP", port: 80, defaultActions: [{ type: "forward", targetGroupArn: "tg" }], tags: TAGS }),
        ],
        good: [
            res("aws:lb/listener:Listener", "https", { protocol: "HTTPS", port: 443, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", tags: TAGS }),
            res("aws:lb/listener:Listener", "redirect", {
                protocol: "HTTP",
                port: 80,
                defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
                tags: TAGS,
            }),
        ],
    },
    "s3-private-encrypted": (() => {
        const good = res("aws:s3/bucket:Bucket", "good", { tags: TAGS });
        const pab = res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "good", { bucket: "x", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, { propertyDependencies: { bucket: [good.urn] } });
        const sse = res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "good", { bucket: "x", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }, { propertyDependencies: { bucket: [good.urn] } });
        const bare = res("aws:s3/bucket:Bucket", "bare", { tags: TAGS });
        const half = res("aws:s3/bucket:Bucket", "half", { tags: TAGS });
        const halfPab = res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "half", { bucket: "y", blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true, restrictPublicBuckets: true }, { propertyDependencies: { bucket: [half.urn] } });
        return { bad: [bare, half, halfPab], good: [good, pab, sse] };
    })(),
    "ebs-encrypted": {
        bad: [
            res("aws:ebs/volume:Volume", "plain", { availabilityZone: "us-east-1a", size: 10, tags: TAGS }),
            res("aws:ec2/launchTemplate:LaunchTemplate", "lt", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 8 } }], tags: TAGS }),
            res("aws:ec2/instance:Instance", "vm", { ami: "ami-1", instanceType: "t3.micro", tags: TAGS }),
        ],
        good: [
            res("aws:ebs/volume:Volume", "enc", { availabilityZone: "us-east-1a", size: 10, encrypted: true, tags: TAGS }),
            res("aws:ec2/launchTemplate:LaunchTemplate", "lt-enc", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 8, encrypted: "true" } }], tags: TAGS }),
            res("aws:ec2/instance:Instance", "vm-enc", { ami: "ami-1", rootBlockDevice: { encrypted: true }, ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }], tags: TAGS }),
        ],
    },
    "rds-encrypted-private-backed-up": {
        bad: [
            res("aws:rds/instance:Instance", "plain", { engine: "mysql", storageEncrypted: false, backupRetentionPeriod: 7, tags: TAGS }),
            res("aws:rds/instance:Instance", "public", { engine: "mysql", storageEncrypted: true, publiclyAccessible: true, backupRetentionPeriod: 7, tags: TAGS }),
            res("aws:rds/instance:Instance", "nobackup", { engine: "mysql", storageEncrypted: true, backupRetentionPeriod: 0, tags: TAGS }),
            res("aws:rds/instance:Instance", "prod-short", { engine: "mysql", storageEncrypted: true, backupRetentionPeriod: 3, deletionProtection: true, tags: PROD }),
            res("aws:rds/cluster:Cluster", "prod-unprotected", { engine: "aurora-mysql", storageEncrypted: true, backupRetentionPeriod: 14, tags: PROD }),
        ],
        good: [
            res("aws:rds/instance:Instance", "dev", { engine: "mysql", storageEncrypted: true, backupRetentionPeriod: 1, tags: TAGS }),
            res("aws:rds/instance:Instance", "prod", { engine: "mysql", storageEncrypted: true, backupRetentionPeriod: 7, deletionProtection: true, tags: PROD }),
        ],
    },
    "messaging-encrypted": {
        bad: [res("aws:sns/topic:Topic", "t", { tags: TAGS }), res("aws:sqs/queue:Queue", "q", { tags: TAGS })],
        good: [
            res("aws:sns/topic:Topic", "t-enc", { kmsMasterKeyId: "arn:aws:kms:us-east-1:1:key/k", tags: TAGS }),
            res("aws:sqs/queue:Queue", "q-sse", { sqsManagedSseEnabled: true, tags: TAGS }),
            res("aws:sqs/queue:Queue", "q-kms", { kmsMasterKeyId: "alias/k", tags: TAGS }),
        ],
    },
    "log-group-retention": {
        bad: [res("aws:cloudwatch/logGroup:LogGroup", "forever", { tags: TAGS })],
        good: [res("aws:cloudwatch/logGroup:LogGroup", "month", { retentionInDays: 30, tags: TAGS })],
    },
    "cloudtrail-validated-multiregion": {
        bad: [
            res("aws:cloudtrail/trail:Trail", "single", { s3BucketName: "b", enableLogFileValidation: true, tags: TAGS }),
            res("aws:cloudtrail/trail:Trail", "unvalidated", { s3BucketName: "b", isMultiRegionTrail: true, tags: TAGS }),
        ],
        good: [res("aws:cloudtrail/trail:Trail", "ok", { s3BucketName: "b", isMultiRegionTrail: true, enableLogFileValidation: true, tags: TAGS })],
    },
    "kms-key-rotation": {
        bad: [res("aws:kms/key:Key", "static", { description: "k", tags: TAGS })],
        good: [
            res("aws:kms/key:Key", "rotating", { enableKeyRotation: true, tags: TAGS }),
            res("aws:kms/key:Key", "signing", { customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY", tags: TAGS }),
        ],
    },
    "tags-required": {
        bad: [
            res("aws:sqs/queue:Queue", "untagged", { sqsManagedSseEnabled: true }),
            res("aws:sns/topic:Topic", "half", { kmsMasterKeyId: "k", tags: { environment: "dev" } }),
            res("aws:autoscaling/group:Group", "asg", { maxSize: 1, minSize: 0, tags: [{ key: "environment", value: "dev", propagateAtLaunch: true }] }),
        ],
        good: [
            res("aws:sqs/queue:Queue", "tagged", { sqsManagedSseEnabled: true, tags: TAGS }),
            res("aws:autoscaling/group:Group", "asg-ok", { maxSize: 1, minSize: 0, tags: Object.entries(TAGS).map(([key, value]) => ({ key, value, propagateAtLaunch: true })) }),
            res("aws:sqs/queuePolicy:QueuePolicy", "untaggable", { queueUrl: "u", policy: "{}" }),
        ],
    },
    "fedramp-authorised-services": {
        bad: [res("aws:lambda/function:Function", "fn", { runtime: "nodejs22.x" }), res("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm", {}), res("aws:rds/instance:Instance", "mssql", { engine: "sqlserver-se" })],
        good: [
            res("aws:s3/bucket:Bucket", "b", {}),
            res("aws:cloudwatch/logGroup:LogGroup", "lg", {}),
            res("aws:ec2/vpc:Vpc", "vpc", {}),
            res("aws:rds/cluster:Cluster", "aurora", { engine: "aurora-mysql" }),
            res("aws:lb/loadBalancer:LoadBalancer", "alb", {}),
        ],
    },
};

describe("policy pack", () => {
    it("every rule has a name, description, severity, enforcement level, controls and test cases", () => {
        const names = new Set<string>();
        for (const r of rules) {
            assert.match(r.name, /^[a-z0-9-]+$/);
            assert.ok(!names.has(r.name), `duplicate rule ${r.name}`);
            names.add(r.name);
            assert.ok(r.description.length > 20);
            assert.ok(["low", "medium", "high", "critical"].includes(r.severity));
            assert.ok(["mandatory", "advisory"].includes(r.enforcementLevel));
            assert.ok(r.controls.length > 0 && r.controls.every((c) => /^5\.\d+ /.test(c.cjis) && c.nist.length > 0), `${r.name} maps to controls`);
            assert.ok(CASES[r.name], `${r.name} has good and bad test cases`);
        }
        assert.deepEqual(policies.map((p) => p.name), [...rules.map((r) => r.name), "acknowledged-findings"]);
        assert.equal(rules.find((r) => r.name === "fedramp-authorised-services")!.enforcementLevel, "advisory");
    });

    for (const [rule, { bad, good, config }] of Object.entries(CASES)) {
        describe(rule, () => {
            it("reports every bad resource, naming it", async () => {
                const found = await violations([...bad, ...good], rule, config);
                const badTypesAndNames = bad.filter((b) => !b.type.includes("bucketPublicAccessBlock")).map((b) => b.urn);
                for (const urn of badTypesAndNames) {
                    assert.ok(found.some((v) => v.urn === urn), `${urn} should be reported; got ${JSON.stringify(found)}`);
                }
                for (const v of found) assert.match(v.message, /^[^:]+: .+/);
            });
            it("passes every good resource", async () => {
                const found = await violations(good, rule, config);
                assert.deepEqual(found, []);
            });
        });
    }

    it("honours policy configuration: production environments and authorised services", async () => {
        const db = res("aws:rds/instance:Instance", "staging", { engine: "mysql", storageEncrypted: true, backupRetentionPeriod: 1, tags: { ...TAGS, environment: "staging" } });
        assert.equal((await violations([db], "rds-encrypted-private-backed-up")).length, 0);
        const asProd = await violations([db], "rds-encrypted-private-backed-up", { "rds-encrypted-private-backed-up": { productionEnvironments: ["staging"] } });
        assert.deepEqual(asProd.map((v) => v.message), ["staging: backups are kept 1 days; at least 7 required in production", "staging: deletion protection is off in production"]);
        const fn = res("aws:lambda/function:Function", "fn", { runtime: "nodejs22.x" });
        assert.equal((await violations([fn], "fedramp-authorised-services", { "fedramp-authorised-services": { authorisedServices: [...FEDRAMP_MODERATE_2016, "AWS Lambda"] } })).length, 0);
    });

    describe("acknowledgements", () => {
        const openSg = (tags: Record<string, string>) =>
            res("aws:ec2/securityGroup:SecurityGroup", "legacy", { ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["0.0.0.0/0"] }], tags: { ...TAGS, ...tags } });

        it("an acknowledged finding is not a violation but is still reported, with its reason", async () => {
            const sg = openSg(acknowledgeTags({ "network-no-open-ingress": "Public demo endpoint approved by security review 42" }));
            const all = await runPolicies([sg]);
            assert.deepEqual(all.filter((v) => v.policy === "network-no-open-ingress"), []);
            const ack = all.filter((v) => v.policy === "acknowledged-findings");
            assert.equal(ack.length, 1);
            assert.equal(ack[0].enforcementLevel, "advisory");
            assert.match(ack[0].message, /network-no-open-ingress acknowledged on legacy \(Public demo endpoint approved by security review 42\): admits tcp 8080/);
            const [finding] = evaluate(subjectsOf([sg])).filter((f) => f.rule === "network-no-open-ingress");
            assert.equal(finding.acknowledged, "Public demo endpoint approved by security review 42");
        });

        it("a reason shorter than 10 characters does not acknowledge", async () => {
            const sg = openSg({ [`${ACK_TAG_PREFIX}network-no-open-ingress`]: "because" });
            assert.equal((await violations([sg], "network-no-open-ingress")).length, 1);
            assert.throws(() => acknowledgeTags({ "network-no-open-ingress": "because" }), /10-256 characters/);
            assert.throws(() => acknowledgeTags({ "network-no-open-ingress": "approved, see ticket (42)" }), /letters, digits/);
        });

        it("an acknowledgement of one rule does not hide another", async () => {
            const sg = openSg(acknowledgeTags({ "tags-required": "not relevant to this finding at all" }));
            assert.equal((await violations([sg], "network-no-open-ingress")).length, 1);
        });

        it("components and the pack agree on the acknowledgement tag", () => {
            assert.equal(COMPONENT_ACK_PREFIX, ACK_TAG_PREFIX);
        });
    });

    it("names services as the FedRAMP list does", () => {
        const s = (type: string, props = {}) => serviceOf({ type, name: "n", urn: "u", props });
        assert.equal(s("aws:cloudwatch/logGroup:LogGroup"), "Amazon CloudWatch Logs");
        assert.equal(s("aws:cloudwatch/logMetricFilter:LogMetricFilter"), "Amazon CloudWatch Logs");
        assert.equal(s("aws:cloudwatch/eventRule:EventRule"), "Amazon EventBridge");
        assert.equal(s("aws:ec2/subnet:Subnet"), "Amazon Virtual Private Cloud");
        assert.equal(s("aws:ec2/securityGroup:SecurityGroup"), "Amazon Virtual Private Cloud");
        assert.equal(s("aws:ec2/launchTemplate:LaunchTemplate"), "Amazon Elastic Compute Cloud");
        assert.equal(s("aws:rds/instance:Instance", { engine: "postgres" }), "Amazon RDS (MySQL, Oracle, Postgres)");
        assert.equal(s("aws:rds/cluster:Cluster", { engine: "aurora-mysql" }), "Amazon Aurora (MySQL)");
        assert.equal(s("aws-blueprints:security:SecurityGroupGuard"), undefined);
    });

    it("the list of taggable types matches the installed provider (npm run policy:taggable)", () => {
        assert.equal(readFileSync(TAGGABLE_FILE, "utf8"), renderTaggable(), "policy/taggable-types.json is stale: run npm run policy:taggable");
    });

    for (const stack of configuredStacks()) {
        it(`${stack}: every resource passes every mandatory rule`, async () => {
            const run = await runStack(stack);
            const found = await runPolicies(run.resources);
            const mandatory = found.filter((v) => v.enforcementLevel === "mandatory");
            assert.equal(mandatory.length, 0, `mandatory policy violations in ${stack}:\n${renderViolations(mandatory)}`);
            assert.ok(found.some((v) => v.policy === "fedramp-authorised-services"), "the advisory FedRAMP report ran");
        });
    }

    // The controls matrix is published for the stacks the controls tool documents.
    for (const stack of CONTROL_STACKS) {
        it(`${stack}: the committed controls matrix matches the program (npm run controls)`, async () => {
            const rows = controlRows((await runStack(stack)).resources);
            const stale = "is stale: run npm run controls";
            assert.equal(readFileSync(`${CONTROLS_DIR}/${stack}.md`, "utf8"), renderMarkdown(stack, rows), `controls/${stack}.md ${stale}`);
            assert.equal(readFileSync(`${CONTROLS_DIR}/${stack}.csv`, "utf8"), renderCsv(rows), `controls/${stack}.csv ${stale}`);
            for (const family of ["AC", "AU", "CM", "IA", "SC", "SI"]) {
                assert.ok(rows.some((r) => r.nist.startsWith(`${family}-`)), `the matrix covers the ${family} family`);
            }
            assert.ok(rows.every((r) => r.status !== "violated"), "no mandatory rule is violated");
        });
    }

    it("the controls matrix marks violations, acknowledgements and unexercised rules", () => {
        const sg = res("aws:ec2/securityGroup:SecurityGroup", "open", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }], tags: TAGS });
        const q = res("aws:sqs/queue:Queue", "q", { tags: { ...TAGS, ...acknowledgeTags({ "messaging-encrypted": "holds only public sample data" }) } });
        const rows = controlRows([sg, q]);
        const sc7 = rows.filter((r) => r.nist === "SC-7" && r.rule === "network-no-open-ingress");
        assert.deepEqual(sc7.map((r) => [r.name, r.status]), [["open", "violated"]]);
        assert.match(sc7[0].note, /admits tcp 22 from 0\.0\.0\.0\/0/);
        const sc28 = rows.find((r) => r.rule === "messaging-encrypted" && r.name === "q")!;
        assert.equal(sc28.status, "acknowledged");
        assert.match(sc28.note, /holds only public sample data/);
        assert.ok(rows.some((r) => r.rule === "cloudtrail-validated-multiregion" && r.status === "not exercised"));
        const md = renderMarkdown("test", rows);
        assert.match(md, /\| network-no-open-ingress \| open \| `aws:ec2\/securityGroup:SecurityGroup` \| \*\*violated\*\*/);
        assert.match(renderCsv(rows), /^cjis_area,nist_control,nist_title,rule,/);
    });
});

describe("policy command (npm run policy)", () => {
    const open = () => res("aws:ec2/securityGroup:SecurityGroup", "open", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }], tags: TAGS });
    const fn = (name: string) => res("aws:lambda/function:Function", name, { role: "arn:aws:iam::123456789012:role/r", runtime: "nodejs22.x", timeout: 30, tags: TAGS });
    const rule = (name: string) => res("aws:cloudwatch/eventRule:EventRule", name, { scheduleExpression: "rate(5 minutes)", tags: TAGS });

    it("groups advisory findings of one policy with the same text: one FedRAMP row per service, with its count", async () => {
        const found = await runPolicies([fn("a"), fn("b"), fn("c"), rule("r1"), rule("r2")]);
        const fedramp = groupFindings(found.filter((v) => v.policy === "fedramp-authorised-services"));
        assert.deepEqual(
            fedramp.map((g) => [g.finding, g.resources]),
            [
                ["AWS Lambda is not in the authorised services list", ["a", "b", "c"]],
                ["Amazon EventBridge is not in the authorised services list", ["r1", "r2"]],
            ],
        );
    });

    it("reports mandatory violations one per row, advisories grouped, and a per-rule summary as the last line; exit 1 on a mandatory violation", async () => {
        const found = await runPolicies([open(), fn("a"), fn("b"), fn("c")]);
        const mandatory = found.filter((v) => v.enforcementLevel === "mandatory");
        assert.ok(mandatory.length > 0 && mandatory.every((v) => v.policy === "network-no-open-ingress"), JSON.stringify(mandatory));
        const advisory = found.filter((v) => v.enforcementLevel === "advisory");
        const report = renderPolicyReport("test", found);
        const lines = report.trimEnd().split("\n");
        assert.equal(lines[0], "# Policy findings for test");
        const mandatoryRows = lines.filter((l) => l.startsWith("| network-no-open-ingress | open | "));
        assert.equal(mandatoryRows.length, mandatory.length);
        assert.ok(lines.includes("| fedramp-authorised-services | 3 resources | AWS Lambda is not in the authorised services list |"), report);
        assert.equal(lines.filter((l) => l.includes("AWS Lambda is not in the authorised")).length, 1);
        const perRule = (vs: Violation[]) => {
            const counts = new Map<string, number>();
            for (const v of vs) counts.set(v.policy, (counts.get(v.policy) ?? 0) + 1);
            return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([p, n]) => `${p} ${n}`).join(", ");
        };
        assert.equal(
            lines[lines.length - 1],
            `Policy summary for test: ${mandatory.length} mandatory (${perRule(mandatory)}), ${advisory.length} advisory (${perRule(advisory)})`,
        );
        assert.equal(policySummary("test", found), lines[lines.length - 1]);
        assert.equal(policyExitCode(found), 1);
    });

    it("exits 0 with advisory findings only, and says there is no mandatory violation", async () => {
        const found = await runPolicies([fn("a")]);
        assert.equal(policyExitCode(found), 0);
        const report = renderPolicyReport("test", found);
        assert.match(report, /## Mandatory\n\nNo mandatory violations\.\n/);
        assert.match(report, /\| fedramp-authorised-services \| a \| AWS Lambda is not in the authorised services list \|/);
        assert.match(report, /\nPolicy summary for test: 0 mandatory, \d+ advisory \(.*fedramp-authorised-services 1.*\)\n$/);
        assert.equal(renderPolicyReport("test", []).trimEnd().split("\n").pop(), "Policy summary for test: 0 mandatory, 0 advisory");
    });

    it("checks the stack -s names, and refuses an unknown option with exit 2", async () => {
        let out = "";
        let err = "";
        const io: Io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } };
        assert.equal(await runCommand(policyCommand, policyCheck, ["-s", "dev"], io), 0, err);
        assert.match(out, /^# Policy findings for dev\n/);
        const rows = out.split("\n").filter((l) => l.startsWith("| fedramp-authorised-services | "));
        const grouped = rows.reduce((sum, l) => sum + Number(/^\| [^|]+ \| (\d+) resources \|/.exec(l)?.[1] ?? 1), 0);
        assert.ok(rows.length > 1 && grouped > rows.length, "FedRAMP findings are grouped, not one row each");
        assert.match(out.trimEnd().split("\n").pop()!, new RegExp(`^Policy summary for dev: 0 mandatory, \\d+ advisory \\(.*fedramp-authorised-services ${grouped}\\b`));
        assert.equal(await runCommand(policyCommand, policyCheck, ["--stack", "dev", "--verbose"], io), EXIT_USAGE);
        assert.match(err, /error: unknown option --verbose\n\nUsage: npm run policy -- \[options\]/);
    });
});
