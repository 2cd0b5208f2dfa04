import assert from "node:assert/strict";
import { CompliantWebApp, CompliantWebAppArgs } from "../../scenarios/compliantWebApp/component";
import { securityMetrics } from "../../scenarios/compliantWebApp/audit";
import { databaseIdentifier } from "../../scenarios/compliantWebApp/database";
import { cidrsOverlap, parseCidr, subnetCidrs } from "../../scenarios/compliantWebApp/cidr";
import { architectureOf } from "../../scenarios/compliantWebApp/tiers";
import { build, json, promiseOf, RecordedResource, Resources, runProgram, stackConfig } from "../../engine/evaluate";
import { assertActionsExist, grants, PolicyStatement } from "../iam";
import { ACCOUNT_ID, recordedResources, withoutInstanceTypes } from "../../engine/mocks";
import { FlowLogs, TieredVpc } from "../../scenarios/compliantWebApp/network";

const ZONE = "Z0123456789ABCDEFGHIJ";
const BASE: CompliantWebAppArgs = {
    hostedZoneId: ZONE,
    sites: [{ domainName: "www.example.com", alternativeNames: ["example.com"] }, { domainName: "portal.example.com" }],
    internalDomainName: "app-internal.example.com",
    tags: { environment: "test", owner: "platform-team" },
};

async function environment(args: Partial<CompliantWebAppArgs> = {}) {
    const { value, resources } = await build(() => new CompliantWebApp("cjis", { ...BASE, ...args }));
    return { app: value, r: new Resources(resources) };
}

const byName = (xs: RecordedResource[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
const statementsOf = (policy: RecordedResource): PolicyStatement[] => json(policy.inputs.policy).Statement;

describe("CompliantWebApp pure helpers", () => {
    it("cuts each VPC into public, private and isolated subnets per AZ", () => {
        assert.deepEqual(subnetCidrs("10.0.0.0/16", 3), {
            public: ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"],
            private: ["10.0.64.0/20", "10.0.80.0/20", "10.0.96.0/20"],
            isolated: ["10.0.128.0/20", "10.0.144.0/20", "10.0.160.0/20"],
        });
        assert.deepEqual(subnetCidrs("10.1.4.0/22", 2).isolated, ["10.1.6.0/26", "10.1.6.64/26"]);
        for (const tier of Object.values(subnetCidrs("10.0.0.0/16", 3))) {
            for (const cidr of tier) assert.ok(!cidrsOverlap(cidr, "10.0.192.0/18"), "the last quarter stays free");
        }
    });

    it("parses and compares CIDR blocks", () => {
        assert.deepEqual(parseCidr("10.1.0.0/16"), { base: 10 * 2 ** 24 + 2 ** 16, prefix: 16 });
        assert.equal(parseCidr("10.1.0.1/16"), undefined, "host bits set");
        assert.equal(parseCidr("10.300.0.0/16"), undefined);
        assert.equal(cidrsOverlap("10.0.0.0/16", "10.0.128.0/17"), true);
        assert.equal(cidrsOverlap("10.0.0.0/16", "10.1.0.0/16"), false);
    });

    it("picks the arm64 image for Graviton instance types", () => {
        for (const t of ["t4g.micro", "m7g.large", "c7gn.xlarge", "r8g.2xlarge", "im4gn.large", "g5g.xlarge", "a1.medium"]) assert.equal(architectureOf(t), "arm64", t);
        for (const t of ["t3.micro", "m7i.large", "c6in.large", "g5.xlarge", "m5.large"]) assert.equal(architectureOf(t), "x86_64", t);
    });

    it("builds RDS identifiers RDS accepts", () => {
        assert.equal(databaseIdentifier("cjis-db", "prod"), "cjis-db-prod");
        assert.equal(databaseIdentifier("cjis_DB", "my--stack-"), "cjis-db-my-stack");
    });

    it("has the seven CJIS alarms with the CIS filter patterns", () => {
        const metrics = Object.fromEntries(securityMetrics().map((m) => [m.id, m]));
        assert.deepEqual(Object.keys(metrics), [
            "iam-policy-changes",
            "network-acl-changes",
            "security-group-changes",
            "root-activity",
            "unauthorized-api-calls",
            "new-access-keys",
            "cloudtrail-changes",
        ]);
        assert.equal(metrics["root-activity"].pattern, '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }');
        assert.equal(metrics["unauthorized-api-calls"].pattern, '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }');
        assert.equal(metrics["unauthorized-api-calls"].threshold, 5);
        assert.equal(metrics["new-access-keys"].pattern, "{ ($.eventName = CreateAccessKey) }");
        assert.equal(
            metrics["cloudtrail-changes"].pattern,
            "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
        );
        assert.equal(
            metrics["network-acl-changes"].pattern,
            "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
        );
        assert.equal(
            metrics["security-group-changes"].pattern,
            "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
        );
        for (const event of ["PutRolePolicy", "AttachRolePolicy", "CreatePolicyVersion", "DetachGroupPolicy", "DeleteUserPolicy"]) {
            assert.match(metrics["iam-policy-changes"].pattern, new RegExp(`\\(\\$\\.eventName = ${event}\\)`));
        }
        for (const m of Object.values(metrics)) if (m.id !== "unauthorized-api-calls") assert.equal(m.threshold, 1, m.id);
    });
});

describe("CompliantWebApp component (dev sizing, with a bastion)", () => {
    let app: CompliantWebApp;
    let r: Resources;
    before(async () => {
        ({ app, r } = await environment({ bastion: { allowedCidr: "203.0.113.0/24", keyName: "ops" }, createConfigRecorder: true }));
    });

    const vpc = (purpose: string) => r.one("aws:ec2/vpc:Vpc", `cjis-${purpose}`);
    const subnetsOf = (purpose: string, tier: string) =>
        byName(r.ofType("aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith(`cjis-${purpose}-${tier}-`)));

    describe("network", () => {
        it("builds two VPCs with public, private and isolated subnets in two AZs", () => {
            assert.equal(vpc("production").inputs.cidrBlock, "10.0.0.0/16");
            assert.equal(vpc("management").inputs.cidrBlock, "10.1.0.0/16");
            for (const purpose of ["production", "management"]) {
                const v = vpc(purpose);
                assert.deepEqual([v.inputs.enableDnsSupport, v.inputs.enableDnsHostnames], [true, true]);
                for (const tier of ["public", "private", "isolated"]) {
                    const subnets = subnetsOf(purpose, tier);
                    assert.deepEqual(subnets.map((s) => s.inputs.availabilityZone), ["us-east-1a", "us-east-1b"], `${purpose} ${tier}`);
                    for (const s of subnets) {
                        assert.equal(s.inputs.vpcId, v.outputs.id);
                        assert.equal(s.inputs.mapPublicIpOnLaunch, false, "no instance gets a public IP by accident");
                    }
                }
            }
            assert.deepEqual(subnetsOf("production", "isolated").map((s) => s.inputs.cidrBlock), ["10.0.128.0/20", "10.0.144.0/20"]);
        });

        it("routes public subnets to the internet gateway, private ones to one NAT gateway, isolated ones nowhere", () => {
            const table = (n: string) => r.one("aws:ec2/routeTable:RouteTable", n);
            const routesOf = (t: RecordedResource) => r.ofType("aws:ec2/route:Route").filter((x) => x.inputs.routeTableId === t.outputs.id);
            const igw = r.one("aws:ec2/internetGateway:InternetGateway", "cjis-production-igw");
            assert.deepEqual(
                routesOf(table("cjis-production-public")).map((x) => [x.inputs.destinationCidrBlock, x.inputs.gatewayId]),
                [["0.0.0.0/0", igw.outputs.id]],
            );
            const nats = r.ofType("aws:ec2/natGateway:NatGateway").filter((n) => n.name.startsWith("cjis-production"));
            assert.equal(nats.length, 1, "dev: one NAT gateway");
            const eip = r.one("aws:ec2/eip:Eip", "cjis-production-nat-a");
            assert.deepEqual([nats[0].inputs.allocationId, nats[0].inputs.subnetId], [eip.outputs.allocationId, subnetsOf("production", "public")[0].outputs.id]);
            for (const az of ["a", "b"]) {
                const internet = routesOf(table(`cjis-production-private-${az}`)).filter((x) => x.inputs.destinationCidrBlock === "0.0.0.0/0");
                assert.deepEqual(internet.map((x) => x.inputs.natGatewayId), [nats[0].outputs.id]);
            }
            assert.equal(routesOf(table("cjis-production-isolated")).filter((x) => x.inputs.destinationCidrBlock === "0.0.0.0/0").length, 0);
            assert.equal(r.ofType("aws:ec2/natGateway:NatGateway").filter((n) => n.name.startsWith("cjis-management")).length, 0, "dev: none in management");
            for (const tier of ["public", "private", "isolated"]) {
                for (const [i, subnet] of subnetsOf("production", tier).entries()) {
                    const assoc = r.one("aws:ec2/routeTableAssociation:RouteTableAssociation", `cjis-production-${tier}-${"ab"[i]}`);
                    assert.equal(assoc.inputs.subnetId, subnet.outputs.id);
                    const expected = tier === "private" ? `cjis-production-private-${"ab"[i]}` : `cjis-production-${tier}`;
                    assert.equal(assoc.inputs.routeTableId, table(expected).outputs.id);
                }
            }
        });

        it("peers the VPCs with routes both ways between the management hosts and the production app and data tiers", async () => {
            const pcx = r.one("aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
            assert.deepEqual([pcx.inputs.vpcId, pcx.inputs.peerVpcId, pcx.inputs.autoAccept], [vpc("production").outputs.id, vpc("management").outputs.id, true]);
            assert.equal(await promiseOf(app.peeringConnectionId), pcx.outputs.id);
            const peered = r.ofType("aws:ec2/route:Route").filter((x) => x.inputs.vpcPeeringConnectionId === pcx.outputs.id);
            const tableName = (id: string) => r.ofType("aws:ec2/routeTable:RouteTable").find((t) => t.outputs.id === id)!.name;
            assert.deepEqual(
                peered.map((x) => [tableName(x.inputs.routeTableId), x.inputs.destinationCidrBlock]).sort(),
                [
                    ["cjis-management-private-a", "10.0.0.0/16"],
                    ["cjis-management-private-b", "10.0.0.0/16"],
                    ["cjis-management-public", "10.0.0.0/16"],
                    ["cjis-production-isolated", "10.1.0.0/16"],
                    ["cjis-production-private-a", "10.1.0.0/16"],
                    ["cjis-production-private-b", "10.1.0.0/16"],
                ],
            );
        });

        it("records all traffic of both VPCs in one KMS-encrypted log group", () => {
            const group = r.one("aws:cloudwatch/logGroup:LogGroup", "cjis-flow-logs");
            const key = r.one("aws:kms/key:Key", "cjis-key");
            assert.deepEqual([group.inputs.kmsKeyId, group.inputs.retentionInDays], [key.outputs.arn, 30]);
            const role = r.one("aws:iam/role:Role", "cjis-flow-logs-delivery-role");
            const logs = byName(r.ofType("aws:ec2/flowLog:FlowLog"));
            assert.deepEqual(logs.map((l) => l.inputs.vpcId), [vpc("management").outputs.id, vpc("production").outputs.id]);
            for (const l of logs) {
                assert.deepEqual(
                    [l.inputs.trafficType, l.inputs.logDestinationType, l.inputs.logDestination, l.inputs.iamRoleArn],
                    ["ALL", "cloud-watch-logs", group.outputs.arn, role.outputs.arn],
                );
            }
            const trust = json(role.inputs.assumeRolePolicy).Statement[0];
            assert.deepEqual([trust.Principal, trust.Condition], [{ Service: "vpc-flow-logs.amazonaws.com" }, { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } }]);
            const statements = statementsOf(r.one("aws:iam/rolePolicy:RolePolicy", "cjis-flow-logs-delivery-policy"));
            assert.deepEqual(grants(statements, "logs:PutLogEvents")[0].Resource, [group.outputs.arn, `${group.outputs.arn}:*`]);
            assert.deepEqual(grants(statements, "logs:DescribeLogGroups")[0].Resource, "*");
        });

        it("empties the default security group of both VPCs", () => {
            for (const g of r.ofType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")) {
                assert.deepEqual([g.inputs.ingress, g.inputs.egress], [[], []]);
            }
            assert.equal(r.ofType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").length, 2);
        });
    });

    describe("encryption key", () => {
        it("rotates, and admits CloudWatch Logs (by encryption context), the trail (by source ARN) and RDS (through RDS only)", async () => {
            const key = r.one("aws:kms/key:Key", "cjis-key");
            assert.equal(key.inputs.enableKeyRotation, true);
            const trail = r.one("aws:cloudtrail/trail:Trail");
            const policy = json(key.inputs.policy).Statement;
            const sid = (s: string) => policy.find((x: any) => x.Sid === s);
            const logs = sid("CloudWatchLogsEncryptLogGroups");
            assert.deepEqual(logs.Principal, { Service: "logs.us-east-1.amazonaws.com" });
            assert.deepEqual(logs.Condition, { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:*` } });
            assert.ok(logs.Action.includes("kms:GenerateDataKey") && logs.Action.includes("kms:Decrypt"));
            const cloudtrail = sid("CloudTrailEncryptLogFiles");
            assert.equal(cloudtrail.Action, "kms:GenerateDataKey");
            assert.equal(cloudtrail.Condition.StringEquals["aws:SourceArn"], trail.outputs.arn, "the key names the trail that exists");
            assert.equal(cloudtrail.Condition.StringLike["kms:EncryptionContext:aws:cloudtrail:arn"], `arn:aws:cloudtrail:*:${ACCOUNT_ID}:trail/*`);
            // The context S3 sends for a CloudTrail log file without an S3 Bucket Key
            // (https://docs.aws.amazon.com/kms/latest/developerguide/services-cloudtrail.html) satisfies the statement.
            const like = (pattern: string, value: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(value);
            const logFileContext = { "aws:cloudtrail:arn": trail.outputs.arn, "aws:s3:arn": `arn:aws:s3:::bucket/cloudtrail/AWSLogs/${ACCOUNT_ID}/CloudTrail/us-east-1/f.json.gz` };
            assert.ok(like(cloudtrail.Condition.StringLike["kms:EncryptionContext:aws:cloudtrail:arn"], logFileContext["aws:cloudtrail:arn"]));
            assert.ok(!like(cloudtrail.Condition.StringLike["kms:EncryptionContext:aws:cloudtrail:arn"], "arn:aws:cloudtrail:us-east-1:210987654321:trail/other"));
            const rds = sid("RdsUsesKeyThroughGrants");
            assert.deepEqual(rds.Condition.StringEquals, { "kms:ViaService": "rds.us-east-1.amazonaws.com", "kms:CallerAccount": ACCOUNT_ID });
            assert.ok(rds.Action.includes("kms:CreateGrant"));
            assert.equal(r.one("aws:kms/alias:Alias").inputs.name, "alias/cjis-test");
            assert.equal(await promiseOf(app.keyArn), key.outputs.arn);
        });
    });

    describe("audit", () => {
        it("trails every region with log-file validation, KMS encryption and delivery to CloudWatch Logs", () => {
            const trail = r.one("aws:cloudtrail/trail:Trail");
            const key = r.one("aws:kms/key:Key", "cjis-key");
            const group = r.one("aws:cloudwatch/logGroup:LogGroup", "cjis-audit-logs");
            const bucket = r.one("aws:s3/bucket:Bucket", "cjis-audit-bucket");
            assert.deepEqual(
                [trail.inputs.name, trail.inputs.isMultiRegionTrail, trail.inputs.includeGlobalServiceEvents, trail.inputs.enableLogFileValidation, trail.inputs.kmsKeyId, trail.inputs.s3BucketName],
                ["cjis-test", true, true, true, key.outputs.arn, bucket.outputs.id],
            );
            assert.equal(trail.inputs.cloudWatchLogsGroupArn, `${group.outputs.arn}:*`);
            assert.equal(group.inputs.kmsKeyId, key.outputs.arn);
            const role = r.one("aws:iam/role:Role", "cjis-audit-delivery");
            assert.equal(trail.inputs.cloudWatchLogsRoleArn, role.outputs.arn);
            assert.deepEqual(json(role.inputs.assumeRolePolicy).Statement[0].Principal, { Service: "cloudtrail.amazonaws.com" });
            const [write] = statementsOf(r.one("aws:iam/rolePolicy:RolePolicy", "cjis-audit-delivery"));
            assert.deepEqual(write.Action, ["logs:CreateLogStream", "logs:PutLogEvents"]);
            assert.equal(write.Resource, `${group.outputs.arn}:log-stream:${ACCOUNT_ID}_CloudTrail_*`);
            for (const dep of ["aws:s3/bucketPolicy:BucketPolicy", "aws:iam/rolePolicy:RolePolicy"]) {
                const name = dep.includes("bucket") ? "cjis-audit-bucket" : "cjis-audit-delivery";
                assert.ok(trail.dependencies.includes(r.one(dep, name).urn), `the trail waits for ${name}`);
            }
        });

        it("keeps the audit files in a versioned, KMS-encrypted, private bucket whose access is logged", () => {
            const bucket = r.one("aws:s3/bucket:Bucket", "cjis-audit-bucket");
            const logs = r.one("aws:s3/bucket:Bucket", "cjis-audit-access-logs");
            const key = r.one("aws:kms/key:Key", "cjis-key");
            const sse = r.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "cjis-audit-bucket");
            // No S3 Bucket Key: CloudTrail's files keep their trail's encryption context, which the key policy requires.
            assert.deepEqual(sse.inputs.rules[0], { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.outputs.arn }, bucketKeyEnabled: false });
            assert.equal(r.one("aws:s3/bucketVersioning:BucketVersioning", "cjis-audit-bucket").inputs.versioningConfiguration.status, "Enabled");
            const logging = r.one("aws:s3/bucketLogging:BucketLogging");
            assert.deepEqual([logging.inputs.bucket, logging.inputs.targetBucket, logging.inputs.targetPrefix], [bucket.outputs.id, logs.outputs.id, "audit-bucket/"]);
            assert.equal(
                r.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "cjis-audit-access-logs").inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm,
                "AES256",
                "server access logs are delivered to SSE-S3 buckets only",
            );
            const lifecycle = r.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "cjis-audit-bucket").inputs.rules[0];
            assert.deepEqual([lifecycle.expiration.days, lifecycle.noncurrentVersionExpiration.noncurrentDays], [365, 365]);
            const logsPolicy = statementsOf(r.one("aws:s3/bucketPolicy:BucketPolicy", "cjis-audit-access-logs"))[0];
            assert.deepEqual(logsPolicy.Principal, { Service: "logging.s3.amazonaws.com" });
            assert.deepEqual(logsPolicy.Condition, { ArnLike: { "aws:SourceArn": bucket.outputs.arn }, StringEquals: { "aws:SourceAccount": ACCOUNT_ID } });

            const trail = r.one("aws:cloudtrail/trail:Trail");
            const policy = statementsOf(r.one("aws:s3/bucketPolicy:BucketPolicy", "cjis-audit-bucket"));
            const sid = (s: string) => policy.find((x) => x.Sid === s)!;
            assert.equal(sid("CloudTrailWrite").Resource, `${bucket.outputs.arn}/cloudtrail/AWSLogs/${ACCOUNT_ID}/*`);
            assert.deepEqual(sid("CloudTrailWrite").Condition, { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail.outputs.arn } });
            assert.equal(sid("ConfigWrite").Resource, `${bucket.outputs.arn}/config/AWSLogs/${ACCOUNT_ID}/Config/*`);
            assert.equal(sid("DenyInsecureTransport").Effect, "Deny");
            for (const name of ["cjis-audit-bucket", "cjis-audit-access-logs"]) {
                const block = r.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name);
                assert.deepEqual([block.inputs.blockPublicAcls, block.inputs.blockPublicPolicy, block.inputs.ignorePublicAcls, block.inputs.restrictPublicBuckets], [true, true, true, true]);
                assert.ok(r.one("aws:s3/bucketPolicy:BucketPolicy", name).dependencies.includes(block.urn), `${name}: the policy waits for the access block`);
            }
        });

        it("turns the seven CloudTrail patterns into metrics and alarms on the security topic", async () => {
            const group = r.one("aws:cloudwatch/logGroup:LogGroup", "cjis-audit-logs");
            const topic = await promiseOf(app.securityTopicArn);
            for (const m of securityMetrics()) {
                const filter = r.one("aws:cloudwatch/logMetricFilter:LogMetricFilter", `cjis-audit-${m.id}`);
                assert.deepEqual([filter.inputs.logGroupName, filter.inputs.pattern], [group.outputs.name, m.pattern]);
                assert.deepEqual(filter.inputs.metricTransformation, { name: m.metricName, namespace: "aws-blueprints/cjis-test", value: "1", defaultValue: "0" });
                const alarm = r.one("aws:cloudwatch/metricAlarm:MetricAlarm", `cjis-audit-${m.id}`);
                assert.deepEqual(
                    [alarm.inputs.namespace, alarm.inputs.metricName, alarm.inputs.statistic, alarm.inputs.period, alarm.inputs.comparisonOperator, alarm.inputs.threshold],
                    ["aws-blueprints/cjis-test", m.metricName, "Sum", 300, "GreaterThanOrEqualToThreshold", m.threshold],
                );
                assert.deepEqual(alarm.inputs.alarmActions, [topic]);
            }
            assert.equal(r.one("aws:cloudwatch/metricAlarm:MetricAlarm", "cjis-audit-unauthorized-api-calls").inputs.threshold, 5);
            assert.ok(r.one("aws:sns/topic:Topic", "cjis-security").inputs.kmsMasterKeyId, "the security topic is encrypted");
        });

        it("records configuration with AWS Config and checks SSH, required tags and common ports including RDP", () => {
            const recorder = r.one("aws:cfg/recorder:Recorder");
            assert.deepEqual(recorder.inputs.recordingGroup, { allSupported: true, includeGlobalResourceTypes: true });
            const role = r.one("aws:iam/role:Role", "cjis-config-recorder-role");
            assert.equal(recorder.inputs.roleArn, role.outputs.arn);
            const attachment = r.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "cjis-config-recorder-read");
            assert.equal(attachment.inputs.policyArn, "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole");
            const channel = r.one("aws:cfg/deliveryChannel:DeliveryChannel");
            const bucket = r.one("aws:s3/bucket:Bucket", "cjis-audit-bucket");
            assert.deepEqual(
                [channel.inputs.s3BucketName, channel.inputs.s3KeyPrefix, channel.inputs.s3KmsKeyArn],
                [bucket.outputs.bucket, "config", r.one("aws:kms/key:Key", "cjis-key").outputs.arn],
            );
            const status = r.one("aws:cfg/recorderStatus:RecorderStatus");
            assert.deepEqual([status.inputs.isEnabled, status.inputs.name], [true, recorder.outputs.name]);
            assert.ok(status.dependencies.includes(channel.urn), "recording starts once deliveries have somewhere to go");

            const rule = (n: string) => r.one("aws:cfg/rule:Rule", `cjis-config-${n}`);
            assert.deepEqual(rule("restricted-ssh").inputs.source, { owner: "AWS", sourceIdentifier: "INCOMING_SSH_DISABLED" });
            assert.deepEqual(rule("restricted-ssh").inputs.scope, { complianceResourceTypes: ["AWS::EC2::SecurityGroup"] });
            assert.deepEqual(rule("restricted-common-ports").inputs.scope, { complianceResourceTypes: ["AWS::EC2::SecurityGroup"] });
            assert.deepEqual(rule("required-tags").inputs.scope, { tagKey: "environment", tagValue: "test" }, "only this environment's resources are judged");
            assert.deepEqual(rule("required-tags").inputs.source, { owner: "AWS", sourceIdentifier: "REQUIRED_TAGS" });
            assert.deepEqual(json(rule("required-tags").inputs.inputParameters), { tag1Key: "application", tag2Key: "environment", tag3Key: "owner" });
            assert.deepEqual(rule("restricted-common-ports").inputs.source, { owner: "AWS", sourceIdentifier: "RESTRICTED_INCOMING_TRAFFIC" });
            assert.ok(Object.values(json(rule("restricted-common-ports").inputs.inputParameters)).includes("3389"));
            for (const n of ["restricted-ssh", "required-tags", "restricted-common-ports"]) assert.ok(rule(n).dependencies.includes(status.urn));

            const statements = statementsOf(r.one("aws:iam/rolePolicy:RolePolicy", "cjis-config-recorder-policy"));
            assert.deepEqual(grants(statements, "s3:PutObject")[0].Resource, `${bucket.outputs.arn}/config/AWSLogs/${ACCOUNT_ID}/*`);
        });
    });

    describe("security groups: each tier admits only the tier in front of it", () => {
        const group = (role: string) => r.one("aws:ec2/securityGroup:SecurityGroup", `cjis-sg-${role}`);
        const roleOf = (id: string) => r.ofType("aws:ec2/securityGroup:SecurityGroup").find((g) => g.outputs.id === id)?.name.replace("cjis-sg-", "");
        const describeRules = (type: string, g: RecordedResource) =>
            r
                .ofType(type)
                .filter((x) => x.inputs.securityGroupId === g.outputs.id)
                .map((x) => `${x.inputs.ipProtocol}/${x.inputs.fromPort}-${x.inputs.toPort} ${x.inputs.cidrIpv4 ?? roleOf(x.inputs.referencedSecurityGroupId)}`)
                .sort();
        const ingress = (role: string) => describeRules("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", group(role));
        const egress = (role: string) => describeRules("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", group(role));

        it("public load balancer: 443 and 80 from the internet, out only to the web tier", () => {
            assert.deepEqual(ingress("public-alb"), ["tcp/443-443 0.0.0.0/0", "tcp/80-80 0.0.0.0/0"]);
            assert.deepEqual(egress("public-alb"), ["tcp/80-80 web"]);
        });
        it("web tier: from the public load balancer only; to the internal load balancer and HTTPS endpoints", () => {
            assert.deepEqual(ingress("web"), ["tcp/80-80 public-alb"]);
            assert.deepEqual(egress("web"), ["tcp/443-443 0.0.0.0/0", "tcp/443-443 internal-alb"]);
        });
        it("internal load balancer: HTTPS from the web tier only, out only to the app tier", () => {
            assert.deepEqual(ingress("internal-alb"), ["tcp/443-443 web"]);
            assert.deepEqual(egress("internal-alb"), ["tcp/8080-8080 app"]);
        });
        it("app tier: from the internal load balancer only; to the database and HTTPS endpoints", () => {
            assert.deepEqual(ingress("app"), ["tcp/8080-8080 internal-alb"]);
            assert.deepEqual(egress("app"), ["tcp/3306-3306 database", "tcp/443-443 0.0.0.0/0"]);
        });
        it("database: MySQL from the app tier and the bastion only, nothing out", () => {
            assert.deepEqual(ingress("database"), ["tcp/3306-3306 app", "tcp/3306-3306 bastion"]);
            assert.deepEqual(egress("database"), []);
            assert.equal(group("database").inputs.egress, undefined, "no inline rules: the provider removes AWS's default allow-all egress");
        });
        it("bastion: SSH from the configured network only, in the management VPC, reaching the database through the peering", () => {
            assert.deepEqual(ingress("bastion"), ["tcp/22-22 203.0.113.0/24"]);
            assert.deepEqual(egress("bastion"), ["tcp/3306-3306 database", "tcp/443-443 0.0.0.0/0"]);
            assert.equal(group("bastion").inputs.vpcId, vpc("management").outputs.id);
            const pcx = r.one("aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
            assert.ok(r.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "cjis-sg-database-in-bastion").dependencies.includes(pcx.urn));
        });
        it("nothing but the public load balancer's 80 and 443 is open to 0.0.0.0/0", () => {
            const open = r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((x) => x.inputs.cidrIpv4 === "0.0.0.0/0" || x.inputs.cidrIpv6 === "::/0");
            assert.deepEqual(open.map((x) => `${roleOf(x.inputs.securityGroupId)} ${x.inputs.fromPort}`).sort(), ["public-alb 443", "public-alb 80"]);
            for (const role of ["public-alb", "web", "internal-alb", "app", "database"]) assert.equal(group(role).inputs.vpcId, vpc("production").outputs.id);
        });
    });

    describe("load balancers", () => {
        it("serves the sites by SNI from the public subnets, on the load balancer group, with the security topic for expiry alarms", async () => {
            const alb = r.one("aws:lb/loadBalancer:LoadBalancer", "cjis-web-alb");
            assert.deepEqual(alb.inputs.subnets, subnetsOf("production", "public").map((s) => s.outputs.id));
            assert.deepEqual(alb.inputs.securityGroups, [r.one("aws:ec2/securityGroup:SecurityGroup", "cjis-sg-public-alb").outputs.id]);
            assert.equal(alb.inputs.internal, false);
            const https = r.one("aws:lb/listener:Listener", "cjis-web-https");
            assert.equal(https.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
            assert.deepEqual(r.one("aws:lb/listener:Listener", "cjis-web-http").inputs.defaultActions[0].redirect, { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" });
            const certs = r.ofType("aws:acm/certificate:Certificate").filter((c) => c.name.startsWith("cjis-web-")).map((c) => c.inputs.domainName).sort();
            assert.deepEqual(certs, ["portal.example.com", "www.example.com"]);
            for (const g of r.ofType("aws:lb/targetGroup:TargetGroup").filter((x) => x.name.startsWith("cjis-web-"))) {
                assert.deepEqual([g.inputs.port, g.inputs.healthCheck.path, g.inputs.vpcId], [80, "/healthz", vpc("production").outputs.id]);
            }
            const topic = await promiseOf(app.securityTopicArn);
            for (const a of r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter((x) => x.inputs.namespace === "AWS/CertificateManager")) {
                assert.deepEqual(a.inputs.alarmActions, [topic]);
            }
            assert.deepEqual(app.siteUrls, ["https://www.example.com", "https://example.com", "https://portal.example.com"]);
        });

        it("puts the app tier behind an internal HTTPS-only load balancer with its own certificate", () => {
            const alb = r.one("aws:lb/loadBalancer:LoadBalancer", "cjis-app-alb");
            assert.equal(alb.inputs.internal, true);
            assert.deepEqual(alb.inputs.subnets, subnetsOf("production", "private").map((s) => s.outputs.id));
            const listeners = r.ofType("aws:lb/listener:Listener").filter((l) => l.name.startsWith("cjis-app-"));
            assert.deepEqual(listeners.map((l) => [l.inputs.port, l.inputs.protocol, l.inputs.sslPolicy]), [[443, "HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06"]]);
            const cert = r.one("aws:acm/certificate:Certificate", "cjis-app-cert-app-internal-example-com-rsa");
            assert.equal(cert.inputs.validationMethod, "DNS");
            const group = r.one("aws:lb/targetGroup:TargetGroup", "cjis-app-tg0");
            assert.deepEqual([group.inputs.port, group.inputs.healthCheck.path], [8080, "/healthz"]);
            const alias = r.one("aws:route53/record:Record", "cjis-app-alias-app-internal-example-com-a");
            assert.deepEqual([alias.inputs.name, alias.inputs.zoneId], ["app-internal.example.com", ZONE]);
        });
    });

    describe("server tiers", () => {
        const template = (tier: string) => r.one("aws:ec2/launchTemplate:LaunchTemplate", `cjis-${tier}`);
        const group = (tier: string) => r.one("aws:autoscaling/group:Group", `cjis-${tier}`);
        const userData = (tier: string) => Buffer.from(template(tier).inputs.userData, "base64").toString("utf8");

        it("launch with IMDSv2 only, an encrypted root volume and the latest Amazon Linux for the architecture", () => {
            for (const tier of ["web", "app"]) {
                const t = template(tier);
                assert.deepEqual(t.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
                assert.deepEqual(t.inputs.blockDeviceMappings, [
                    { deviceName: "/dev/xvda", ebs: { volumeSize: 20, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
                ]);
                assert.equal(t.inputs.imageId, "ami-0abcdef1234567890");
                assert.equal(t.inputs.instanceType, "t4g.micro");
                assert.deepEqual(t.inputs.tagSpecifications.map((s: any) => [s.resourceType, s.tags.environment, s.tags.scenario]), [
                    ["instance", "test", "compliant-web-app"],
                    ["volume", "test", "compliant-web-app"],
                ]);
                const profile = r.one("aws:iam/instanceProfile:InstanceProfile", `cjis-${tier}-profile`);
                assert.equal(t.inputs.iamInstanceProfile.arn, profile.outputs.arn);
            }
            assert.deepEqual(template("web").inputs.vpcSecurityGroupIds, [r.one("aws:ec2/securityGroup:SecurityGroup", "cjis-sg-web").outputs.id]);
            assert.deepEqual(template("app").inputs.vpcSecurityGroupIds, [r.one("aws:ec2/securityGroup:SecurityGroup", "cjis-sg-app").outputs.id]);
        });

        it("the web tier proxies to the internal load balancer over verified TLS; the app tier knows its database", () => {
            const web = userData("web");
            assert.match(web, /set \$app_tier https:\/\/app-internal\.example\.com;/);
            assert.match(web, /proxy_ssl_verify on;/);
            assert.match(web, /listen 80 default_server;/);
            assert.match(web, /location = \/healthz/);
            const db = r.one("aws:rds/instance:Instance");
            const app = userData("app");
            assert.match(app, /listen 8080 default_server;/);
            assert.ok(app.includes(`export DB_HOST=${db.outputs.address}\n`));
            assert.ok(app.includes("export DB_USER=app_user\n"));
            assert.ok(app.includes("export AWS_REGION=us-east-1\n"));
        });

        it("wait for the NAT routes and route table associations that give their subnets egress", () => {
            const production = (x: RecordedResource) => x.name.startsWith("cjis-production-");
            const natRoutes = r.ofType("aws:ec2/route:Route").filter((x) => production(x) && x.inputs.natGatewayId !== undefined);
            const internet = r.one("aws:ec2/route:Route", "cjis-production-public-internet");
            const associations = r.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").filter((x) => /^cjis-production-(private|public)-/.test(x.name));
            assert.equal(natRoutes.length, 2);
            assert.equal(associations.length, 4);
            for (const tier of ["web", "app"]) {
                const group = r.one("aws:autoscaling/group:Group", `cjis-${tier}`);
                for (const x of [...natRoutes, internet, ...associations]) assert.ok(group.dependencies.includes(x.urn), `${tier} waits for ${x.name}`);
                const isolated = r.one("aws:ec2/routeTableAssociation:RouteTableAssociation", "cjis-production-isolated-a");
                assert.ok(!group.dependencies.includes(isolated.urn));
            }
        });

        it("run in the private subnets behind their load balancer's target groups, replaced when unhealthy", () => {
            const privateIds = subnetsOf("production", "private").map((s) => s.outputs.id);
            const web = group("web");
            assert.deepEqual(web.inputs.vpcZoneIdentifiers, privateIds);
            assert.deepEqual(web.inputs.targetGroupArns.sort(), r.ofType("aws:lb/targetGroup:TargetGroup").filter((g) => g.name.startsWith("cjis-web-")).map((g) => g.outputs.arn).sort());
            assert.deepEqual(group("app").inputs.targetGroupArns, [r.one("aws:lb/targetGroup:TargetGroup", "cjis-app-tg0").outputs.arn]);
            for (const tier of ["web", "app"]) {
                const g = group(tier);
                assert.deepEqual([g.inputs.minSize, g.inputs.maxSize, g.inputs.healthCheckType, g.inputs.desiredCapacity], [1, 2, "ELB", undefined]);
                assert.deepEqual(g.inputs.launchTemplate, { id: template(tier).outputs.id, version: "1" });
                assert.equal(g.inputs.instanceRefresh.strategy, "Rolling");
                const tags = Object.fromEntries(g.inputs.tags.map((t: any) => [t.key, t.value]));
                assert.deepEqual([tags.environment, tags.application, tags.scenario], ["test", "aws-blueprints", "compliant-web-app"]);
            }
        });

        it("scale on the group's real average CPU with target tracking", () => {
            for (const tier of ["web", "app"]) {
                const policy = r.one("aws:autoscaling/policy:Policy", `cjis-${tier}-cpu`);
                assert.equal(policy.inputs.autoscalingGroupName, group(tier).outputs.name);
                assert.equal(policy.inputs.policyType, "TargetTrackingScaling");
                assert.deepEqual(policy.inputs.targetTrackingConfiguration, {
                    predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
                    targetValue: 50,
                });
            }
        });

        it("are reached by Session Manager; only the app tier may connect to the database, as its IAM user", async () => {
            for (const tier of ["web", "app"]) {
                const role = r.one("aws:iam/role:Role", `cjis-${tier}-role`);
                assert.deepEqual(json(role.inputs.assumeRolePolicy).Statement[0].Principal, { Service: "ec2.amazonaws.com" });
                const attachments = r.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs.role === role.outputs.name);
                assert.deepEqual(attachments.map((a) => a.inputs.policyArn), ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
            }
            assert.equal(r.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name === "cjis-web-policy").length, 0, "the web tier needs nothing else");
            const db = r.one("aws:rds/instance:Instance");
            const policy = r.one("aws:iam/rolePolicy:RolePolicy", "cjis-app-policy");
            assert.equal(policy.inputs.role, r.one("aws:iam/role:Role", "cjis-app-role").outputs.name);
            const statements = statementsOf(policy);
            assert.deepEqual(statements, [
                {
                    Sid: "ConnectAsIamDatabaseUser",
                    Effect: "Allow",
                    Action: ["rds-db:connect"],
                    Resource: `arn:aws:rds-db:us-east-1:${ACCOUNT_ID}:dbuser:${db.outputs.resourceId}/app_user`,
                },
            ]);
            assert.match(db.outputs.resourceId, /^db-[A-Z0-9]{26}$/);
            await assertActionsExist(statements);
        });
    });

    describe("database", () => {
        it("is MySQL with IAM authentication, a password RDS keeps, KMS encryption, private, in the isolated subnets", () => {
            const db = r.one("aws:rds/instance:Instance");
            const key = r.one("aws:kms/key:Key", "cjis-key");
            const i = db.inputs;
            assert.deepEqual(
                [i.engine, i.engineVersion, i.iamDatabaseAuthenticationEnabled, i.manageMasterUserPassword, i.password, i.storageEncrypted, i.kmsKeyId, i.publiclyAccessible],
                ["mysql", "8.4", true, true, undefined, true, key.outputs.arn, false],
            );
            assert.deepEqual([i.identifier, i.username, i.port, i.caCertIdentifier], ["cjis-db-test", "dbadmin", 3306, "rds-ca-rsa2048-g1"]);
            const subnets = r.one("aws:rds/subnetGroup:SubnetGroup");
            assert.equal(i.dbSubnetGroupName, subnets.outputs.name);
            assert.deepEqual(subnets.inputs.subnetIds, subnetsOf("production", "isolated").map((s) => s.outputs.id));
            assert.deepEqual(i.vpcSecurityGroupIds, [r.one("aws:ec2/securityGroup:SecurityGroup", "cjis-sg-database").outputs.id]);
            const parameters = r.one("aws:rds/parameterGroup:ParameterGroup");
            assert.equal(i.parameterGroupName, parameters.outputs.name);
            assert.equal(parameters.inputs.family, "mysql8.4");
            assert.deepEqual(parameters.inputs.parameters.find((p: any) => p.name === "require_secure_transport"), { name: "require_secure_transport", value: "1" });
        });

        it("dev: single-AZ, a week of backups, deletable without a final snapshot", () => {
            const i = r.one("aws:rds/instance:Instance").inputs;
            assert.deepEqual([i.instanceClass, i.multiAz, i.backupRetentionPeriod, i.deletionProtection, i.skipFinalSnapshot], ["db.t4g.micro", false, 7, false, true]);
        });

        it("exports its error and slow-query logs into encrypted log groups with a retention", () => {
            const db = r.one("aws:rds/instance:Instance");
            assert.deepEqual(db.inputs.enabledCloudwatchLogsExports, ["error", "slowquery"]);
            for (const type of ["error", "slowquery"]) {
                const group = r.one("aws:cloudwatch/logGroup:LogGroup", `cjis-db-${type}`);
                assert.deepEqual([group.inputs.name, group.inputs.retentionInDays], [`/aws/rds/instance/cjis-db-test/${type}`, 30]);
                assert.ok(group.inputs.kmsKeyId);
                assert.ok(db.dependencies.includes(group.urn), "created before RDS would create it without retention");
            }
        });

        it("exports where to connect and which secret holds the master password", async () => {
            const db = r.one("aws:rds/instance:Instance");
            assert.equal(await promiseOf(app.databaseResourceId), db.outputs.resourceId);
            assert.equal(await promiseOf(app.databaseSecretArn), db.outputs.masterUserSecrets[0].secretArn);
            assert.equal(app.iamDatabaseUser, "app_user");
        });
    });

    describe("bastion", () => {
        it("runs in a public subnet of the management VPC with IMDSv2, an encrypted volume and Session Manager", async () => {
            const instance = r.one("aws:ec2/instance:Instance");
            const i = instance.inputs;
            assert.deepEqual([i.subnetId, i.associatePublicIpAddress, i.keyName, i.instanceType], [subnetsOf("management", "public")[0].outputs.id, true, "ops", "t4g.nano"]);
            assert.deepEqual(i.vpcSecurityGroupIds, [r.one("aws:ec2/securityGroup:SecurityGroup", "cjis-sg-bastion").outputs.id]);
            assert.equal(i.metadataOptions.httpTokens, "required");
            assert.equal(i.rootBlockDevice.encrypted, true);
            assert.equal(i.volumeTags.environment, "test");
            const role = r.one("aws:iam/role:Role", "cjis-bastion-role");
            assert.deepEqual(
                r.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs.role === role.outputs.name).map((a) => a.inputs.policyArn),
                ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
            );
            assert.equal(await promiseOf(app.bastionPublicIp), instance.outputs.publicIp);
        });
    });

    it("tags every taggable resource with the scenario, the embedded load balancers included", () => {
        const taggable = r.all.filter((x) => x.custom && x.inputs.tags !== undefined && !Array.isArray(x.inputs.tags));
        assert.ok(taggable.length > 50);
        for (const x of taggable) {
            assert.deepEqual([x.inputs.tags.scenario, x.inputs.tags.environment, x.inputs.tags.application], ["compliant-web-app", "test", "aws-blueprints"], `${x.type} ${x.name}`);
        }
    });

    it("protects nothing when not asked to", () => {
        assert.equal(r.all.filter((x) => x.protect).length, 0);
    });
});

describe("CompliantWebApp component (prod sizing)", () => {
    let r: Resources;
    before(async () => {
        ({ r } = await environment({
            protect: true,
            network: { availabilityZones: 3, natGateways: "perAz", managementNatGateways: "single" },
            web: { instanceType: "m7g.large", minSize: 2, maxSize: 6, cpuTargetPercent: 60 },
            app: { instanceType: "m7i.large", minSize: 2, maxSize: 6 },
            database: { instanceClass: "db.m7g.large", multiAz: true, backupRetentionDays: 14 },
            createConfigRecorder: false,
        }));
    });

    it("runs a NAT gateway per AZ and routes each private subnet to its own AZ's", () => {
        const nats = byName(r.ofType("aws:ec2/natGateway:NatGateway").filter((n) => n.name.startsWith("cjis-production")));
        assert.equal(nats.length, 3);
        for (const [i, az] of ["a", "b", "c"].entries()) {
            const table = r.one("aws:ec2/routeTable:RouteTable", `cjis-production-private-${az}`);
            const route = r.ofType("aws:ec2/route:Route").find((x) => x.inputs.routeTableId === table.outputs.id && x.inputs.destinationCidrBlock === "0.0.0.0/0")!;
            assert.equal(route.inputs.natGatewayId, nats[i].outputs.id);
        }
        assert.equal(r.ofType("aws:ec2/natGateway:NatGateway").filter((n) => n.name.startsWith("cjis-management")).length, 1);
        assert.equal(r.ofType("aws:ec2/subnet:Subnet").length, 18, "two VPCs x three tiers x three AZs");
    });

    it("makes the database Multi-AZ with deletion protection, two weeks of backups and a final snapshot", () => {
        const i = r.one("aws:rds/instance:Instance").inputs;
        assert.deepEqual(
            [i.instanceClass, i.multiAz, i.backupRetentionPeriod, i.deletionProtection, i.skipFinalSnapshot, i.finalSnapshotIdentifier],
            ["db.m7g.large", true, 14, true, false, "cjis-db-test-final"],
        );
    });

    it("sizes the tiers and picks each tier's image architecture", () => {
        const web = r.one("aws:autoscaling/group:Group", "cjis-web");
        assert.deepEqual([web.inputs.minSize, web.inputs.maxSize], [2, 6]);
        assert.equal(r.one("aws:autoscaling/policy:Policy", "cjis-web-cpu").inputs.targetTrackingConfiguration.targetValue, 60);
        const parameters = r.all.filter((x) => x.type === "aws:ec2/launchTemplate:LaunchTemplate").map((t) => t.inputs.instanceType);
        assert.deepEqual(parameters.sort(), ["m7g.large", "m7i.large"]);
    });

    it("protects and retains every stateful resource, and the load balancers refuse deletion", () => {
        const stateful = r.all.filter((x) =>
            ["aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup", "aws:s3/bucket:Bucket", "aws:rds/instance:Instance"].includes(x.type),
        );
        assert.ok(stateful.length >= 10);
        for (const x of stateful) assert.deepEqual([x.protect, x.retainOnDelete], [true, true], `${x.type} ${x.name}`);
        for (const alb of r.ofType("aws:lb/loadBalancer:LoadBalancer")) assert.equal(alb.inputs.enableDeletionProtection, true);
    });

    it("adds only the Config rules where the region already records, depending on nothing that is not created", () => {
        assert.equal(r.ofType("aws:cfg/recorder:Recorder").length, 0);
        assert.equal(r.ofType("aws:cfg/deliveryChannel:DeliveryChannel").length, 0);
        assert.equal(r.ofType("aws:cfg/recorderStatus:RecorderStatus").length, 0);
        assert.equal(r.ofType("aws:iam/role:Role").filter((x) => x.name.includes("config-recorder")).length, 0);
        assert.equal(r.ofType("aws:cfg/rule:Rule").length, 3);
        for (const rule of r.ofType("aws:cfg/rule:Rule")) assert.deepEqual(rule.dependencies, [], rule.name);
        assert.equal(r.ofType("aws:ec2/instance:Instance").length, 0, "no bastion unless configured");
        assert.equal(r.ofType("aws:ec2/securityGroup:SecurityGroup").filter((g) => g.name.includes("bastion")).length, 0);
    });
});

describe("CompliantWebApp AWS Config defaults", () => {
    it("creates no recorder unless asked: an account holds one per region", async () => {
        const { r } = await environment();
        assert.equal(r.ofType("aws:cfg/recorder:Recorder").length, 0);
        assert.equal(r.ofType("aws:cfg/deliveryChannel:DeliveryChannel").length, 0);
        assert.equal(r.ofType("aws:cfg/rule:Rule").length, 3);
    });

    it("scopes the required-tags rule by the scenario tag when the component has no environment tag", async () => {
        const { r } = await environment({ tags: { owner: "platform-team" } });
        assert.deepEqual(r.one("aws:cfg/rule:Rule", "cjis-config-required-tags").inputs.scope, { tagKey: "scenario", tagValue: "compliant-web-app" });
    });
});

describe("CompliantWebApp placement: Availability Zones that offer the tiers' instance types", () => {
    it("builds the production VPC in the first zones offering the web and app types, the management VPC where the bastion's is offered", async () => {
        await withoutInstanceTypes({ "us-east-1a": ["m6i.large"], "us-east-1b": ["t4g.nano"] }, async () => {
            const { r } = await environment({ app: { instanceType: "m6i.large" }, bastion: { allowedCidr: "203.0.113.0/24", keyName: "ops" } });
            const zones = (purpose: string) => byName(r.ofType("aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith(`cjis-${purpose}-private-`))).map((s) => s.inputs.availabilityZone);
            assert.deepEqual(zones("production"), ["us-east-1b", "us-east-1c"]);
            assert.deepEqual(zones("management"), ["us-east-1a", "us-east-1c"]);
            const bastion = r.one("aws:ec2/instance:Instance");
            assert.equal(bastion.outputs.availabilityZone, "us-east-1a", "the bastion's public subnet is in a zone offering t4g.nano");
        });
    });

    it("fails naming the zone count and the type settings when too few zones offer the types", async () => {
        await withoutInstanceTypes({ "us-east-1a": ["t4g.micro"], "us-east-1b": ["t4g.micro"] }, async () => {
            const { value } = await build(() => {
                const flowLogs = new FlowLogs("cjis-flow-logs", { kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, retentionDays: 30, protect: false });
                return new TieredVpc("cjis-production", {
                    cidr: "10.0.0.0/16",
                    azCount: 2,
                    natGateways: "none",
                    flowLogs,
                    purpose: "production",
                    instances: { instanceTypes: ["t4g.micro", "t4g.micro"], typeSetting: "compliantWebApp.web.instanceType or compliantWebApp.app.instanceType" },
                });
            });
            await assert.rejects(
                promiseOf(value.subnetIds.private[0]),
                /cjis-production: 1 available Availability Zone\(s\) of the region offer t4g\.micro \(us-east-1c\); 2 needed: set compliantWebApp\.web\.instanceType or compliantWebApp\.app\.instanceType to types offered in 2 zones$/,
            );
        });
    });
});

describe("CompliantWebApp refuses bad arguments before creating anything", () => {
    const refuses = async (args: Partial<CompliantWebAppArgs>, message: RegExp, name = "cjis") => {
        await assert.rejects(build(() => new CompliantWebApp(name, { ...BASE, ...args })), message);
        assert.equal(recordedResources().length, 0, "no resource was created");
    };

    it("overlapping VPC ranges", () =>
        refuses({ network: { managementCidr: "10.0.128.0/17" } }, /cjis: network\.managementCidr: overlaps productionCidr \(10\.0\.0\.0\/16\); peered VPCs need distinct ranges; got "10\.0\.128\.0\/17"/));
    it("a VPC range outside /16-/22", () => refuses({ network: { productionCidr: "10.0.0.0/8" } }, /cjis: network\.productionCidr: must be a \/16 to \/22 network address like 10\.0\.0\.0\/16; got "10\.0\.0\.0\/8"$/));
    it("one Availability Zone", () => refuses({ network: { availabilityZones: 1 } }, /cjis: network\.availabilityZones: must be a whole number from 2 to 3; got 1/));
    it("SSH open to the internet", () => refuses({ bastion: { allowedCidr: "0.0.0.0/0", keyName: "ops" } }, /cjis: bastion\.allowedCidr: must be a known network, \/8 or narrower: SSH is never open to the internet; got "0\.0\.0\.0\/0"/));
    it("a bastion network that is not a CIDR block", () => refuses({ bastion: { allowedCidr: "office", keyName: "ops" } }, /cjis: bastion\.allowedCidr: must be an IPv4 CIDR block like 203\.0\.113\.0\/24; got "office"/));
    it("a bastion network given by one of its hosts", () =>
        refuses({ bastion: { allowedCidr: "203.0.113.5/24", keyName: "ops" } }, /cjis: bastion\.allowedCidr: must be a network address \(host bits zero\) like 203\.0\.113\.0\/24; got "203\.0\.113\.5\/24"/));
    it("a reserved or malformed database user", () => refuses({ database: { iamDatabaseUser: "rdsadmin" } }, /cjis: database\.iamDatabaseUser: is reserved by MySQL or RDS; got "rdsadmin"/));
    it("the IAM user being the master user", () =>
        refuses({ database: { masterUsername: "app_user" } }, /cjis: database\.iamDatabaseUser: must differ from masterUsername \("app_user"\)/));
    it("backups outside 1-35 days", () => refuses({ database: { backupRetentionDays: 0 } }, /cjis: database\.backupRetentionDays: must be a whole number from 1 to 35; got 0/));
    it("a tier whose maximum is below its minimum", () => refuses({ web: { minSize: 3, maxSize: 2 } }, /cjis: web\.maxSize: must be at least minSize \(3\); got 2/));
    it("a CPU target out of range", () => refuses({ app: { cpuTargetPercent: 95 } }, /cjis: app\.cpuTargetPercent: must be a whole number from 10 to 90; got 95/));
    it("audit files kept under a year", () => refuses({ auditRetentionDays: 90 }, /cjis: auditRetentionDays: must be a whole number from 365 to 3653; got 90/));
    it("the internal name being a public site", () => refuses({ internalDomainName: "portal.example.com" }, /cjis: internalDomainName: is also a public site; give the internal load balancer a name of its own; got "portal\.example\.com"/));
    it("one host name on two sites", () =>
        refuses({ sites: [{ domainName: "www.example.com" }, { domainName: "portal.example.com", alternativeNames: ["www.example.com"] }] }, /cjis: sites\[1\]\.alternativeNames\[0\]: is also a name of sites\[0\]; each host name routes to one site; got "www\.example\.com"/));
    it("more certificates than one listener takes", () =>
        refuses({ sites: Array.from({ length: 27 }, (_, i) => ({ domainName: `s${i}.example.com` })) }, /cjis: sites: need 27 certificates; one HTTPS listener takes 26 \(a default and 25 more\); got \[\{"domainName":"s0\.example\.com"/));
    it("a name too long for its load balancers", () => refuses({}, /the name must be 1-14 lowercase letters/, "a-much-too-long-name"));
});

/** Overrides that leave a stack's other scenarios out, so a run builds only this file's scenarios, as configured. */
function onlyThisScenario(stack: string): Record<string, unknown> {
    const overrides: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(stackConfig(stack))) {
        if (!key.startsWith("aws-blueprints:") || ["aws-blueprints:compliantWebApp", "aws-blueprints:sniLoadBalancer"].includes(key)) continue;
        const section = value.startsWith("{") ? JSON.parse(value) : undefined;
        if (section && "enabled" in section) overrides[key] = { enabled: false };
    }
    return overrides;
}

describe("CompliantWebApp in the whole stacks (prod, and the test stack with dev's sizing)", function () {
    this.timeout(5 * 60 * 1000);
    let dev: Resources;
    let prod: Resources;
    let devExports: Record<string, unknown>;
    before(async () => {
        const devRun = await runProgram("all", onlyThisScenario("all"));
        devExports = devRun.exports;
        dev = new Resources(devRun.resources);
        prod = new Resources((await runProgram("prod", onlyThisScenario("prod"))).resources);
    });

    it("dev sizing is cheap: one NAT gateway, small instances, a single-AZ database", () => {
        const app = dev.ancestorOfType(dev.one("aws:rds/instance:Instance"), "aws-blueprints:compliance:CompliantWebApp");
        assert.ok(app, "the database belongs to the scenario");
        assert.equal(dev.ofType("aws:ec2/natGateway:NatGateway").length, 1);
        assert.equal(dev.one("aws:rds/instance:Instance").inputs.multiAz, false);
        for (const t of dev.ofType("aws:ec2/launchTemplate:LaunchTemplate").filter((x) => dev.ancestorOfType(x, "aws-blueprints:compliance:CompliantWebApp"))) {
            assert.match(t.inputs.instanceType, /^t4g\./);
        }
    });

    it("prod is resilient: a NAT gateway per AZ, Multi-AZ with deletion protection, two or more instances per tier", () => {
        const mine = (x: RecordedResource) => !!prod.ancestorOfType(x, "aws-blueprints:compliance:CompliantWebApp");
        const nats = prod.ofType("aws:ec2/natGateway:NatGateway").filter((n) => mine(n) && n.name.includes("production"));
        const azs = prod.ofType("aws:ec2/subnet:Subnet").filter((s) => mine(s) && s.name.includes("production-private")).length;
        assert.equal(nats.length, azs);
        assert.ok(azs >= 2);
        const db = prod.one("aws:rds/instance:Instance").inputs;
        assert.deepEqual([db.multiAz, db.deletionProtection], [true, true]);
        assert.ok(db.backupRetentionPeriod >= 7);
        for (const g of prod.ofType("aws:autoscaling/group:Group").filter(mine)) assert.ok(g.inputs.minSize >= 2, g.name);
    });

    it("dev (a fresh account) creates the Config recorder; prod uses the one its account runs", () => {
        const mine = (r: Resources) => (x: RecordedResource) => !!r.ancestorOfType(x, "aws-blueprints:compliance:CompliantWebApp");
        assert.equal(dev.ofType("aws:cfg/recorder:Recorder").filter(mine(dev)).length, 1);
        assert.equal(prod.ofType("aws:cfg/recorder:Recorder").filter(mine(prod)).length, 0);
        assert.equal(prod.ofType("aws:cfg/deliveryChannel:DeliveryChannel").filter(mine(prod)).length, 0);
        assert.deepEqual(prod.one("aws:cfg/rule:Rule", "cjis-config-required-tags").inputs.scope, { tagKey: "environment", tagValue: "prod" });
    });

    it("the standalone SNI load balancer is built in both stacks", () => {
        for (const r of [dev, prod]) {
            const standalone = r.ofType("aws-blueprints:network:SniLoadBalancer").filter((x) => !r.ancestorOfType(x, "aws-blueprints:compliance:CompliantWebApp"));
            assert.equal(standalone.length, 1);
        }
    });

    it("exports each scenario's outputs under its own name", () => {
        const out = devExports.compliantWebApp as Record<string, unknown>;
        assert.deepEqual(out.siteUrls, ["https://www.dev.example.com", "https://dev.example.com", "https://portal.dev.example.com"]);
        assert.match(String(out.databaseResourceId), /^db-/);
        const sni = devExports.sniLoadBalancer as Record<string, unknown>;
        assert.ok(Array.isArray(sni.certificateArns));
    });
});
