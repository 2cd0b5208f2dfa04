import cron from "cron-validate";
import assert from "node:assert/strict";
import {
    PatchInspectProtect,
    PatchInspectProtectArgs,
    severitiesFrom,
    snapshotScheduleTags,
    windowsBaseAmiParameter,
} from "../../scenarios/patchInspectProtect/component";
import { dueSlot, localMinutes, parseScheduleTag, windowEnding } from "../../handlers/opsAutomator/snapshotScheduler";
import { build, json, promiseOf, Resources } from "../../engine/evaluate";
import { assertActionsExist, grants, list, PolicyStatement } from "../iam";
import { withoutDefaultVpc, withoutInstanceTypes } from "../../engine/mocks";

async function protectStack(args: PatchInspectProtectArgs = {}) {
    const { value, resources } = await build(() => new PatchInspectProtect("pip", args));
    return { pip: value, r: new Resources(resources) };
}

const POST_TAGS = {
    "scheduler:ebs-snapshot:0900": "0900;3;utc;weekdays",
    "scheduler:ebs-snapshot:1000": "1000;3;utc;weekdays",
    "scheduler:ebs-snapshot:1100": "1100;3;utc;weekdays",
    "scheduler:ebs-snapshot:1200": "1200;3;utc;weekdays",
    "scheduler:ebs-snapshot:1300": "1300;3;utc;weekdays",
    "scheduler:ebs-snapshot:1400": "1400;3;utc;weekdays",
    "scheduler:ebs-snapshot:1500": "1500;3;utc;weekdays",
    "scheduler:ebs-snapshot:1600": "1600;3;utc;weekdays",
};

describe("PatchInspectProtect component", () => {
    let plain: Awaited<ReturnType<typeof protectStack>>;
    before(async () => {
        plain = await protectStack();
    });

    it("runs a Windows Server instance from the SSM parameter, encrypted, IMDSv2 only, with no inbound access", async () => {
        const { r } = plain;
        const instance = r.one("aws:ec2/instance:Instance");
        assert.equal(instance.inputs.ami, "ami-0abcdef1234567890", "resolved from the public parameter");
        assert.equal(windowsBaseAmiParameter("2022"), "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base");
        assert.deepEqual(instance.inputs.metadataOptions, { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 });
        assert.deepEqual(instance.inputs.rootBlockDevice, { encrypted: true, volumeType: "gp3", volumeSize: 50, deleteOnTermination: true });
        assert.equal(instance.inputs.instanceType, "t3.medium");
        assert.equal(instance.inputs.subnetId, "subnet-0d3fa17de5a2e9c0a", "a default subnet of the default VPC");
        const group = r.one("aws:ec2/securityGroup:SecurityGroup");
        assert.deepEqual(instance.inputs.vpcSecurityGroupIds, [group.outputs.id]);
        assert.equal(group.inputs.vpcId, "vpc-0d3fa17de5a2e9c01");
        assert.equal(r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").length, 0);
        assert.deepEqual(r.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map((e) => e.inputs.fromPort).sort(), [443, 80]);
    });

    it("carries the Patch Group tag and the post's eight hourly snapshot tags, which the snapshot task reads", async () => {
        const tags = plain.r.one("aws:ec2/instance:Instance").inputs.tags;
        // The default patch group is the deployment's own (its environment, here the stack "test"): one baseline per group and OS.
        assert.equal(tags["Patch Group"], "Windows Servers test");
        for (const [k, v] of Object.entries(POST_TAGS)) assert.equal(tags[k], v, k);
        assert.equal(Object.keys(tags).filter((k) => k.startsWith("scheduler:ebs-snapshot")).length, 8);
        // Due at 09:00 UTC on a Thursday, not on a Saturday.
        const thursday = windowEnding(new Date("2026-11-26T09:00:00Z"), 5);
        const saturday = windowEnding(new Date("2026-11-28T09:00:00Z"), 5);
        const schedule = parseScheduleTag("scheduler:ebs-snapshot:0900", tags["scheduler:ebs-snapshot:0900"]);
        assert.equal(dueSlot(schedule, thursday, (z) => localMinutes(thursday, z))?.slot, "2026-11-26T09:00 UTC");
        assert.equal(dueSlot(schedule, saturday, (z) => localMinutes(saturday, z)), undefined);
    });

    it("adds an encrypted data volume in the instance's zone, protected with the stack's data", async () => {
        const { r } = plain;
        const instance = r.one("aws:ec2/instance:Instance");
        const volume = r.one("aws:ebs/volume:Volume");
        assert.deepEqual([volume.inputs.encrypted, volume.inputs.type, volume.inputs.size], [true, "gp3", 20]);
        assert.equal(volume.inputs.availabilityZone, instance.outputs.availabilityZone);
        const attachment = r.one("aws:ec2/volumeAttachment:VolumeAttachment");
        assert.deepEqual([attachment.inputs.instanceId, attachment.inputs.volumeId, attachment.inputs.deviceName], [instance.outputs.id, volume.outputs.id, "xvdf"]);
        assert.equal(volume.protect, false);
        const prod = await protectStack({ protect: true });
        assert.equal(prod.r.one("aws:ebs/volume:Volume").protect, true);
        assert.equal(prod.r.one("aws:ec2/instance:Instance").inputs.disableApiTermination, true);
    });

    it("gives the instance Systems Manager through its profile: the managed core policy and its patch log group only", async () => {
        const { r } = plain;
        const role = r.one("aws:iam/role:Role", "pip-server-role");
        assert.deepEqual(json(role.inputs.assumeRolePolicy).Statement, [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
        const attachments = r.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.deepEqual(attachments.map((a) => a.inputs.policyArn), ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
        const logs = r.one("aws:cloudwatch/logGroup:LogGroup");
        const statements: PolicyStatement[] = json(r.one("aws:iam/rolePolicy:RolePolicy").inputs.policy).Statement;
        assert.deepEqual(list(grants(statements, "logs:PutLogEvents")[0].Resource), [logs.outputs.arn, `${logs.outputs.arn}:*`]);
        // The SSM agent's Run Command output path: CreateLogGroup, then DescribeLogGroups when that fails; without
        // either, the patch output silently never reaches the log group.
        assert.deepEqual(grants(statements, "logs:CreateLogGroup").map((s) => s.Resource), [logs.outputs.arn]);
        assert.deepEqual(grants(statements, "logs:DescribeLogGroups").map((s) => s.Resource), ["*"]);
        const wildcard = statements.filter((s) => list(s.Resource).includes("*"));
        assert.deepEqual(wildcard.flatMap((s) => list(s.Action)), ["logs:DescribeLogGroups"]);
        await assertActionsExist(statements);
        const profile = r.one("aws:iam/instanceProfile:InstanceProfile");
        assert.equal(r.one("aws:ec2/instance:Instance").inputs.iamInstanceProfile, profile.outputs.name);
    });

    it("patches weekly on Sunday 22:00 UTC with AWS-RunPatchBaseline against a Windows baseline for the patch group", async () => {
        const { r } = plain;
        const baseline = r.one("aws:ssm/patchBaseline:PatchBaseline");
        assert.equal(baseline.inputs.operatingSystem, "WINDOWS");
        assert.deepEqual(baseline.inputs.approvalRules[0].patchFilters, [
            { key: "CLASSIFICATION", values: ["CriticalUpdates", "SecurityUpdates"] },
            { key: "MSRC_SEVERITY", values: ["Critical", "Important"] },
        ]);
        assert.equal(baseline.inputs.approvalRules[0].approveAfterDays, 7);
        const group = r.one("aws:ssm/patchGroup:PatchGroup");
        assert.deepEqual([group.inputs.baselineId, group.inputs.patchGroup], [baseline.outputs.id, "Windows Servers test"]);
        const window = r.one("aws:ssm/maintenanceWindow:MaintenanceWindow");
        assert.equal(window.inputs.schedule, "cron(0 22 ? * SUN *)");
        assert.equal(window.inputs.scheduleTimezone, "UTC");
        assert.ok(cron("0 22 ? * SUN *", { preset: "aws-cloud-watch" }).isValid());
        assert.deepEqual([window.inputs.duration, window.inputs.cutoff], [3, 1]);
        const target = r.one("aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget");
        assert.deepEqual(target.inputs.targets, [{ key: "tag:Patch Group", values: ["Windows Servers test"] }]);
        const task = r.one("aws:ssm/maintenanceWindowTask:MaintenanceWindowTask");
        assert.deepEqual([task.inputs.taskType, task.inputs.taskArn], ["RUN_COMMAND", "AWS-RunPatchBaseline"]);
        assert.deepEqual(task.inputs.targets, [{ key: "WindowTargetIds", values: [target.outputs.id] }]);
        const params = task.inputs.taskInvocationParameters.runCommandParameters;
        assert.deepEqual(params.parameters, [
            { name: "Operation", values: ["Install"] },
            { name: "RebootOption", values: ["RebootIfNeeded"] },
        ]);
        assert.deepEqual(params.cloudwatchConfig, { cloudwatchLogGroupName: r.one("aws:cloudwatch/logGroup:LogGroup").outputs.name, cloudwatchOutputEnabled: true });
    });

    it("enables Amazon Inspector for EC2 and routes active findings at or above the minimum severity to an encrypted topic", async () => {
        const { r, pip } = plain;
        const enabler = r.one("aws:inspector2/enabler:Enabler");
        assert.deepEqual([enabler.inputs.accountIds, enabler.inputs.resourceTypes], [["123456789012"], ["EC2"]]);
        const rule = r.one("aws:cloudwatch/eventRule:EventRule", "pip-findings");
        assert.deepEqual(json(rule.inputs.eventPattern), {
            source: ["aws.inspector2"],
            "detail-type": ["Inspector2 Finding"],
            detail: { severity: ["HIGH", "CRITICAL"], status: ["ACTIVE"], resources: { type: ["AWS_EC2_INSTANCE"] } },
        });
        const topic = r.one("aws:sns/topic:Topic");
        assert.equal(await promiseOf(pip.findingsTopicArn), topic.outputs.arn);
        const target = r.one("aws:cloudwatch/eventTarget:EventTarget", "pip-findings");
        assert.equal(target.inputs.arn, topic.outputs.arn);
        assert.equal(target.inputs.inputTransformer.inputPaths.severity, "$.detail.severity");
        assert.match(target.inputs.inputTransformer.inputTemplate, /^"Amazon Inspector <severity> finding on <instance> .*"$/);
        assert.equal(topic.inputs.kmsMasterKeyId, r.one("aws:kms/key:Key").outputs.arn);
        const keyPolicy = json(r.one("aws:kms/key:Key").inputs.policy);
        assert.deepEqual(keyPolicy.Statement.find((s: any) => s.Sid === "PublishingServicesEncryptUnscoped").Principal.Service, ["events.amazonaws.com"]);
        assert.deepEqual(severitiesFrom("MEDIUM"), ["MEDIUM", "HIGH", "CRITICAL"]);
        assert.deepEqual(severitiesFrom("INFORMATIONAL"), ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL", "UNTRIAGED"]);
    });

    it("reports failed patch runs of its window to the same topic", async () => {
        const { r } = plain;
        const rule = r.one("aws:cloudwatch/eventRule:EventRule", "pip-patch-failures");
        assert.deepEqual(json(rule.inputs.eventPattern), {
            source: ["aws.ssm"],
            "detail-type": ["Maintenance Window Task Execution State-change Notification"],
            detail: { "window-id": [r.one("aws:ssm/maintenanceWindow:MaintenanceWindow").outputs.id], status: ["FAILED", "TIMED_OUT", "CANCELLED"] },
        });
        assert.equal(r.one("aws:cloudwatch/eventTarget:EventTarget", "pip-patch-failures").inputs.arn, r.one("aws:sns/topic:Topic").outputs.arn);
    });

    it("takes its own network, schedule, severity and snapshot settings", async () => {
        const { r, pip } = await protectStack({
            vpcId: "vpc-0123456789abcdef0",
            subnetId: "subnet-0123456789abcdef0",
            windowsServerVersion: "2025",
            minimumSeverity: "CRITICAL",
            enableInspector: false,
            maintenanceSchedule: "cron(0 3 ? * SAT *)",
            snapshotTimes: ["0800", "1800"],
            snapshotRetentionDays: 7,
            snapshotTimeZone: "Europe/Amsterdam",
            snapshotDays: "mon,wed,fri",
        });
        const instance = r.one("aws:ec2/instance:Instance");
        assert.equal(instance.inputs.subnetId, "subnet-0123456789abcdef0");
        assert.equal(r.one("aws:ec2/securityGroup:SecurityGroup").inputs.vpcId, "vpc-0123456789abcdef0");
        assert.equal(r.ofType("aws:inspector2/enabler:Enabler").length, 0);
        assert.deepEqual(json(r.one("aws:cloudwatch/eventRule:EventRule", "pip-findings").inputs.eventPattern).detail.severity, ["CRITICAL"]);
        assert.equal(r.one("aws:ssm/maintenanceWindow:MaintenanceWindow").inputs.schedule, "cron(0 3 ? * SAT *)");
        assert.deepEqual(pip.snapshotTags, {
            "scheduler:ebs-snapshot:0800": "0800;7;Europe/Amsterdam;mon,wed,fri",
            "scheduler:ebs-snapshot:1800": "1800;7;Europe/Amsterdam;mon,wed,fri",
        });
    });

    it("names vpcId and subnetId when the region has no default VPC, and needs no default VPC when they are given", async () => {
        await withoutDefaultVpc(async () => {
            const { pip } = await protectStack();
            await assert.rejects(
                promiseOf(pip.instanceId),
                /pip: us-east-1 has no default VPC .*; set vpcId and subnetId \(patchInspectProtect\.vpcId, patchInspectProtect\.subnetId\)$/,
            );
            const given = await protectStack({ vpcId: "vpc-0123456789abcdef0", subnetId: "subnet-0123456789abcdef0" });
            assert.equal(await promiseOf(given.pip.instanceId), given.r.one("aws:ec2/instance:Instance").outputs.id);
        });
    });

    it("places the server in a default subnet whose zone offers its type, and names the type when no zone does", async () => {
        await withoutInstanceTypes({ "us-east-1a": ["m5.large"] }, async () => {
            const { r } = await protectStack({ instanceType: "m5.large" });
            const instance = r.one("aws:ec2/instance:Instance");
            assert.equal(instance.inputs.subnetId, "subnet-0d3fa17de5a2e9c0b", "the default subnet in us-east-1b");
            assert.equal(r.one("aws:ebs/volume:Volume").inputs.availabilityZone, instance.outputs.availabilityZone, "the data volume follows the instance");
        });
        await withoutInstanceTypes({ "us-east-1a": ["m5.large"], "us-east-1b": ["m5.large"], "us-east-1c": ["m5.large"] }, async () => {
            const { pip } = await protectStack({ instanceType: "m5.large" });
            await assert.rejects(promiseOf(pip.instanceId), /pip: no Availability Zone of us-east-1 offers m5\.large; set patchInspectProtect\.instanceType/);
        });
    });

    it("refuses bad arguments before creating anything", () => {
        assert.throws(() => new PatchInspectProtect("bad", { subnetId: "subnet-0123456789abcdef0" }), /vpcId: set vpcId and subnetId together; got nothing/);
        assert.throws(() => new PatchInspectProtect("bad", { snapshotTimes: ["25:00"] }), /snapshotTimes\[0\]: must be a time HHMM from 0000 to 2359.*; got "25:00"/);
        assert.throws(() => new PatchInspectProtect("bad", { snapshotTimeZone: "Nowhere/Land" }), /snapshotTimeZone: must be utc or an IANA time zone .*; got "Nowhere\/Land"/);
        assert.throws(() => new PatchInspectProtect("bad", { minimumSeverity: "SEVERE" as any }), /minimumSeverity: .*"INFORMATIONAL"\|"LOW"\|"MEDIUM"\|"HIGH"\|"CRITICAL"; got "SEVERE"/);
        assert.throws(() => new PatchInspectProtect("bad", { maintenanceSchedule: "every sunday" }), /maintenanceSchedule: must be a cron\(\.\.\.\) or rate\(\.\.\.\) expression .*; got "every sunday"/);
        assert.throws(() => new PatchInspectProtect("bad", { rootVolumeGb: 20 }), /rootVolumeGb: must be a whole number from 30 to 16384; got 20/);
        assert.throws(() => new PatchInspectProtect("bad", { windowsServerVersion: "2012" as any }), /windowsServerVersion: .*"2019"\|"2022"\|"2025"; got "2012"/);
        assert.throws(() => new PatchInspectProtect("bad", { patchGroup: "Windows|Servers" }), /patchGroup: must be a tag value: .*; got "Windows\|Servers"/);
        assert.throws(() => snapshotScheduleTags(["0900"], 0, "utc", "all"), /retention days "0"/);
    });
});
