// Patch, inspect and protect Windows workloads (README scenario 6): a Windows instance that Systems Manager patches
// every week, Amazon Inspector scans continuously (findings to email through EventBridge), and the Ops Automator's
// snapshot task backs up by its `scheduler:ebs-snapshot:<HHMM>` tags.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { parseScheduleTag, scheduleTagPrefix } from "../../handlers/opsAutomator/snapshotScheduler";
import { Blueprint } from "../../components/common";
import { InstanceRole } from "../../components/instanceRole";
import { defaultSubnetId, defaultVpcId, webEgress } from "../../components/network";
import { EncryptedTopic } from "../../components/notifications";
import { ArgsOf, defineScenario, pick, resolveArgs, ResolvedArgs } from "../../components/scenario";
import { INSPECTOR_SEVERITIES as SEVERITIES, patchInspectProtectSettings, PatchInspectProtectSettings } from "./settings";

export type InspectorSeverity = PatchInspectProtectSettings["minimumSeverity"];
export type WindowsServerVersion = PatchInspectProtectSettings["windowsServerVersion"];

/** Arguments that also take other resources' values. */
type Inputs = "vpcId" | "subnetId";
/** The scenario's settings (see ./settings.ts); the instance's VPC and subnet may be other resources' outputs. */
export type PatchInspectProtectArgs = ArgsOf<typeof patchInspectProtectSettings, Inputs>;
/** The settings as resolveArgs returns them, which the constructor's steps read. */
type Settings = ResolvedArgs<typeof patchInspectProtectSettings, Inputs>;

/** Inspector severities at or above a minimum (UNTRIAGED, not yet scored, only with the lowest minimum). */
export function severitiesFrom(minimum: InspectorSeverity): string[] {
    const i = SEVERITIES.indexOf(minimum);
    if (i < 0) throw new Error(`minimumSeverity must be one of ${SEVERITIES.join(", ")}; got ${minimum}`);
    return [...SEVERITIES.slice(i), ...(i === 0 ? ["UNTRIAGED"] : [])];
}

/** The instance's snapshot schedule tags: `scheduler:ebs-snapshot:<HHMM>` = `<HHMM>;<retention>;<zone>;<days>`. */
export function snapshotScheduleTags(times: readonly string[], retentionDays: number, timeZone: string, days: string): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const time of times) {
        const key = `${scheduleTagPrefix()}:${time}`;
        const value = `${time};${retentionDays};${timeZone};${days}`;
        // The snapshot task's own parser: a tag this component writes is one the task reads.
        parseScheduleTag(key, value);
        tags[key] = value;
    }
    return tags;
}

/** The Windows Server Base AMI parameter of a release. */
export function windowsBaseAmiParameter(version: WindowsServerVersion): string {
    return `/aws/service/ami-windows-latest/Windows_Server-${version}-English-Full-Base`;
}

export class PatchInspectProtect extends Blueprint {
    readonly instanceId: pulumi.Output<string>;
    readonly dataVolumeId: pulumi.Output<string>;
    readonly patchBaselineId: pulumi.Output<string>;
    readonly maintenanceWindowId: pulumi.Output<string>;
    readonly patchLogGroupName: pulumi.Output<string>;
    readonly findingsTopicArn: pulumi.Output<string>;
    readonly findingsRuleArn: pulumi.Output<string>;
    readonly snapshotTags: Readonly<Record<string, string>>;

    constructor(name: string, args: PatchInspectProtectArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveArgs<typeof patchInspectProtectSettings, Inputs>(name, patchInspectProtectSettings, args);
        const severities = severitiesFrom(s.minimumSeverity);
        let snapshotTags: Record<string, string>;
        try {
            snapshotTags = snapshotScheduleTags(s.snapshotTimes, s.snapshotRetentionDays, s.snapshotTimeZone, s.snapshotDays);
        } catch (err) {
            throw new Error(`${name}: snapshot schedule: ${(err as Error).message}`);
        }
        super("aws-blueprints:operations:PatchInspectProtect", name, "patch-inspect-protect", args, opts);
        const patchGroup = s.patchGroup ?? `Windows Servers ${this.tags.environment ?? pulumi.getStack()}`;
        this.snapshotTags = snapshotTags;

        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const { group, subnetId } = this.serverNetwork(name, s);
        const { patchLogs, role } = this.serverRole(name);
        const { instance, data } = this.server(name, s, { subnetId, group, role, patchGroup });
        const baseline = this.patchBaseline(name, s, patchGroup);
        const window = this.maintenanceWindow(name, s, patchGroup, patchLogs);
        if (s.enableInspector) {
            new aws.inspector2.Enabler(`${name}-inspector`, { accountIds: [identity.accountId], resourceTypes: ["EC2"] }, { parent: this });
        }
        const { findings, findingsRule } = this.findingsByEmail(name, s, severities);
        this.patchFailuresByEmail(name, window, findings);

        this.instanceId = instance.id;
        this.dataVolumeId = data.id;
        this.patchBaselineId = baseline.id;
        this.maintenanceWindowId = window.id;
        this.patchLogGroupName = patchLogs.name;
        this.findingsTopicArn = findings.topicArn;
        this.findingsRuleArn = findingsRule.arn;
        this.registerOutputs({
            instanceId: this.instanceId,
            dataVolumeId: this.dataVolumeId,
            patchBaselineId: this.patchBaselineId,
            maintenanceWindowId: this.maintenanceWindowId,
            patchLogGroupName: this.patchLogGroupName,
            findingsTopicArn: this.findingsTopicArn,
            findingsRuleArn: this.findingsRuleArn,
            snapshotTags: this.snapshotTags,
        });
    }

    /** The server's subnet (the given one, or a default subnet offering its type) and its security group, outbound web only. */
    private serverNetwork(name: string, s: Settings): { group: aws.ec2.SecurityGroup; subnetId: pulumi.Input<string> } {
        const network = { owner: name, setting: "vpcId and subnetId (patchInspectProtect.vpcId, patchInspectProtect.subnetId)", parent: this };
        const vpcId = s.vpcId ?? defaultVpcId(network);
        const subnetId = s.subnetId ?? defaultSubnetId(vpcId, network, { instanceTypes: [s.instanceType], typeSetting: "patchInspectProtect.instanceType" });

        const group = new aws.ec2.SecurityGroup(
            `${name}-server`,
            // No ingress: administration is through Systems Manager Session Manager.
            { description: "Windows server: no inbound; outbound web for Systems Manager and Windows Update", vpcId },
            { parent: this },
        );
        webEgress(`${name}-server-egress`, { securityGroupId: group.id, https: "HTTPS: Systems Manager, Inspector, Windows Update", http: "HTTP: Windows Update and certificate revocation lists" }, { parent: this });
        return { group, subnetId };
    }

    /** The patch runs' log group, and the server's instance role: Systems Manager's core policy and streaming to that group. */
    private serverRole(name: string): { patchLogs: aws.cloudwatch.LogGroup; role: InstanceRole } {
        const patchLogs = new aws.cloudwatch.LogGroup(`${name}-patching`, { retentionInDays: this.logRetentionDays }, this.stateful());
        const role = new InstanceRole(
            `${name}-server`,
            {
                description: "Windows server managed by Systems Manager (patching, Inspector inventory)",
                managedPolicies: ["AmazonSSMManagedInstanceCore"],
                // What the SSM agent calls to stream Run Command output, per "Configuring Amazon CloudWatch Logs for Run
                // Command" (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-rc-setting-up-cwlogs.html).
                // The agent first calls CreateLogGroup (answered "already exists" for this group) and, when that fails,
                // DescribeLogGroups; when both fail it stops streaming the output without failing the command.
                statements: [
                    {
                        sid: "PatchRunOutput",
                        actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        resources: [patchLogs.arn, pulumi.interpolate`${patchLogs.arn}:*`],
                    },
                    { sid: "PatchRunLogGroup", actions: ["logs:CreateLogGroup"], resources: [patchLogs.arn] },
                    // DescribeLogGroups supports no resource-level permissions.
                    { sid: "FindPatchRunLogGroup", actions: ["logs:DescribeLogGroups"], resources: ["*"] },
                ],
            },
            { parent: this },
        );
        return { patchLogs, role };
    }

    /** The Windows server, tagged with its patch group and snapshot schedule, and its encrypted data volume. */
    private server(
        name: string,
        s: Settings,
        on: { subnetId: pulumi.Input<string>; group: aws.ec2.SecurityGroup; role: InstanceRole; patchGroup: string },
    ): { instance: aws.ec2.Instance; data: aws.ebs.Volume } {
        const { subnetId, group, role, patchGroup } = on;
        const ami = aws.ssm.getParameterOutput({ name: windowsBaseAmiParameter(s.windowsServerVersion) }, { parent: this }).value;
        const instance = new aws.ec2.Instance(
            `${name}-server`,
            {
                ami,
                instanceType: s.instanceType,
                subnetId,
                vpcSecurityGroupIds: [group.id],
                iamInstanceProfile: role.profileName,
                metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
                rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: s.rootVolumeGb, deleteOnTermination: true },
                disableApiTermination: this.protectStateful,
                tags: { Name: `${name} Windows server`, "Patch Group": patchGroup, ...this.snapshotTags },
            },
            // A new AMI release must not replace a running server: it is patched in place by the maintenance window.
            { parent: this, ignoreChanges: ["ami"] },
        );
        const data = new aws.ebs.Volume(
            `${name}-data`,
            { availabilityZone: instance.availabilityZone, size: s.dataVolumeGb, type: "gp3", encrypted: true, tags: { Name: `${name} data` } },
            this.stateful(),
        );
        new aws.ec2.VolumeAttachment(
            `${name}-data`,
            { instanceId: instance.id, volumeId: data.id, deviceName: "xvdf", stopInstanceBeforeDetaching: true },
            { parent: this },
        );
        return { instance, data };
    }

    /** The patch baseline (critical and important security updates after a delay), registered for the patch group. */
    private patchBaseline(name: string, s: Settings, patchGroup: string): aws.ssm.PatchBaseline {
        const baseline = new aws.ssm.PatchBaseline(
            `${name}-baseline`,
            {
                operatingSystem: "WINDOWS",
                description: `Critical and important security updates, approved ${s.approveAfterDays} days after release`,
                approvalRules: [
                    {
                        approveAfterDays: s.approveAfterDays,
                        complianceLevel: "CRITICAL",
                        patchFilters: [
                            { key: "CLASSIFICATION", values: ["CriticalUpdates", "SecurityUpdates"] },
                            { key: "MSRC_SEVERITY", values: ["Critical", "Important"] },
                        ],
                    },
                ],
            },
            { parent: this },
        );
        new aws.ssm.PatchGroup(`${name}-patch-group`, { baselineId: baseline.id, patchGroup: patchGroup }, { parent: this });
        return baseline;
    }

    /** The weekly maintenance window that runs AWS-RunPatchBaseline on the patch group's instances, its output to the log group. */
    private maintenanceWindow(name: string, s: Settings, patchGroup: string, patchLogs: aws.cloudwatch.LogGroup): aws.ssm.MaintenanceWindow {
        const window = new aws.ssm.MaintenanceWindow(
            `${name}-window`,
            {
                description: "Weekly patching of the Windows servers",
                schedule: s.maintenanceSchedule,
                scheduleTimezone: "UTC",
                duration: s.maintenanceDurationHours,
                cutoff: 1,
                allowUnassociatedTargets: false,
            },
            { parent: this },
        );
        const target = new aws.ssm.MaintenanceWindowTarget(
            `${name}-window-target`,
            {
                windowId: window.id,
                resourceType: "INSTANCE",
                description: `Instances tagged Patch Group = ${patchGroup}`,
                targets: [{ key: "tag:Patch Group", values: [patchGroup] }],
            },
            { parent: this },
        );
        new aws.ssm.MaintenanceWindowTask(
            `${name}-patch`,
            {
                windowId: window.id,
                description: "Install approved patches (AWS-RunPatchBaseline), rebooting when needed",
                taskType: "RUN_COMMAND",
                taskArn: "AWS-RunPatchBaseline",
                priority: 1,
                maxConcurrency: "1",
                maxErrors: "1",
                targets: [{ key: "WindowTargetIds", values: [target.id] }],
                taskInvocationParameters: {
                    runCommandParameters: {
                        timeoutSeconds: 600,
                        parameters: [
                            { name: "Operation", values: ["Install"] },
                            { name: "RebootOption", values: ["RebootIfNeeded"] },
                        ],
                        cloudwatchConfig: { cloudwatchLogGroupName: patchLogs.name, cloudwatchOutputEnabled: true },
                    },
                },
            },
            { parent: this },
        );
        return window;
    }

    /** The findings topic, and the EventBridge rule that sends it Inspector's active EC2 findings at or above the minimum severity. */
    private findingsByEmail(name: string, s: Settings, severities: string[]): { findings: EncryptedTopic; findingsRule: aws.cloudwatch.EventRule } {
        const findings = new EncryptedTopic(
            `${name}-findings`,
            {
                displayName: "Inspector",
                publishingServices: ["events.amazonaws.com"],
                email: s.notificationEmail,
                protect: this.protectStateful,
            },
            { parent: this },
        );
        const findingsRule = new aws.cloudwatch.EventRule(
            `${name}-findings`,
            {
                description: `Amazon Inspector findings on EC2 instances of severity ${severities.join(", ")}`,
                eventPattern: JSON.stringify({
                    source: ["aws.inspector2"],
                    "detail-type": ["Inspector2 Finding"],
                    detail: { severity: severities, status: ["ACTIVE"], resources: { type: ["AWS_EC2_INSTANCE"] } },
                }),
            },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(
            `${name}-findings`,
            {
                rule: findingsRule.name,
                arn: findings.topicArn,
                inputTransformer: {
                    inputPaths: {
                        severity: "$.detail.severity",
                        title: "$.detail.title",
                        instance: "$.detail.resources[0].id",
                        finding: "$.detail.findingArn",
                        region: "$.region",
                    },
                    inputTemplate: '"Amazon Inspector <severity> finding on <instance> (<region>): <title>. Finding: <finding>"',
                },
            },
            { parent: this },
        );
        return { findings, findingsRule };
    }

    /** The EventBridge rule that sends the findings topic every failed, timed-out or cancelled run of the patch task. */
    private patchFailuresByEmail(name: string, window: aws.ssm.MaintenanceWindow, findings: EncryptedTopic): void {
        const patchFailures = new aws.cloudwatch.EventRule(
            `${name}-patch-failures`,
            {
                description: "The weekly patch task failed, timed out or was cancelled",
                eventPattern: pulumi.jsonStringify({
                    source: ["aws.ssm"],
                    "detail-type": ["Maintenance Window Task Execution State-change Notification"],
                    detail: { "window-id": [window.id], status: ["FAILED", "TIMED_OUT", "CANCELLED"] },
                }),
            },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(`${name}-patch-failures`, { rule: patchFailures.name, arn: findings.topicArn }, { parent: this });
    }
}

// The scenario: `aws-blueprints:patchInspectProtect` builds this component from its settings; its outputs are the stack output of the
// same name. The registry (scenarios/index.ts) is generated from these entries.
export const patchInspectProtect = defineScenario({
    key: "patchInspectProtect",
    readme: { number: 6, title: "Patch, inspect and protect Windows workloads" },
    declaration: patchInspectProtectSettings,
    build: (settings, shared, all) => {
        const pip = new PatchInspectProtect("patch-inspect-protect", { ...shared, ...settings });
        return {
            ...pick(pip, ["instanceId", "dataVolumeId", "patchBaselineId", "maintenanceWindowId", "patchLogGroupName", "findingsTopicArn", "snapshotTags"]),
            // The tags only take effect where an Ops Automator with the snapshot task runs in the same account and region.
            snapshotsScheduledBy: all.opsAutomator.enabled && all.opsAutomator.snapshotTask ? "opsAutomator" : "none in this stack",
        };
    },
});
