// Patch, inspect and protect Windows workloads (SCENARIOS.md 6): a Windows instance that Systems Manager patches
// every week, Amazon Inspector scans continuously (findings to email through EventBridge), and the Ops Automator's
// snapshot task backs up by its `scheduler:ebs-snapshot:<HHMM>` tags.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { parseScheduleTag, scheduleTagPrefix } from "../../handlers/opsAutomator/snapshotScheduler";
import { Blueprint, BlueprintArgs } from "../../components/common";
import { InstanceRole } from "../../components/instanceRole";
import { defaultSubnetId, defaultVpcId } from "../../components/network";
import { EncryptedTopic } from "../../components/notifications";

export type InspectorSeverity = "INFORMATIONAL" | "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
export type WindowsServerVersion = "2019" | "2022" | "2025";

export interface PatchInspectProtectArgs extends BlueprintArgs {
    /** Instance type of the Windows server. @default "t3.medium" */
    readonly instanceType?: string;
    /** Windows Server release; the AMI is the latest English Full Base image from its SSM public parameter. @default "2022" */
    readonly windowsServerVersion?: WindowsServerVersion;
    /** VPC of the instance. Give it with `subnetId`; required where the region has no default VPC. @default the region's default VPC */
    readonly vpcId?: pulumi.Input<string>;
    /** Subnet of the instance; it needs outbound HTTPS to Systems Manager (NAT, public IP or endpoints). @default a default subnet of the default VPC */
    readonly subnetId?: pulumi.Input<string>;
    /** Root volume size in GiB. @default 50 */
    readonly rootVolumeGb?: number;
    /** Size of the extra data volume in GiB. @default 20 */
    readonly dataVolumeGb?: number;
    /** Value of the `Patch Group` tag, the patch baseline's registration and the maintenance window's target. @default "Windows Servers" */
    readonly patchGroup?: string;
    /** Days after release before a security update is approved. @default 7 */
    readonly approveAfterDays?: number;
    /** Maintenance window schedule (UTC). @default "cron(0 22 ? * SUN *)" (Sundays 22:00) */
    readonly maintenanceSchedule?: string;
    /** Maintenance window length in hours. @default 3 */
    readonly maintenanceDurationHours?: number;
    /** Enable Amazon Inspector scanning of EC2 in this account and region. @default true */
    readonly enableInspector?: boolean;
    /** Lowest Inspector finding severity that is emailed. @default "HIGH" */
    readonly minimumSeverity?: InspectorSeverity;
    /** Local times (HHMM) of the instance's snapshot schedule tags. @default the post's eight hours 0900-1600 */
    readonly snapshotTimes?: readonly string[];
    /** Retention of the scheduled snapshots in days. @default 3 */
    readonly snapshotRetentionDays?: number;
    /** Time zone of the snapshot times: utc or an IANA name. @default "utc" */
    readonly snapshotTimeZone?: string;
    /** Days the snapshots are taken: all, weekdays or a list like mon,wed,fri. @default "weekdays" */
    readonly snapshotDays?: string;
    /** Email subscribed to findings and failed patch runs. @default none */
    readonly notificationEmail?: string;
}

const SEVERITIES: readonly InspectorSeverity[] = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
const VERSIONS: readonly WindowsServerVersion[] = ["2019", "2022", "2025"];
const POST_SNAPSHOT_TIMES = ["0900", "1000", "1100", "1200", "1300", "1400", "1500", "1600"];

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
        super("aws-blueprints:operations:PatchInspectProtect", name, "patch-inspect-protect", args, opts);
        const version = args.windowsServerVersion ?? "2022";
        if (!VERSIONS.includes(version)) throw new Error(`${name}: windowsServerVersion must be one of ${VERSIONS.join(", ")}; got ${version}`);
        if ((args.vpcId === undefined) !== (args.subnetId === undefined)) {
            throw new Error(`${name}: give vpcId and subnetId together (got ${args.vpcId === undefined ? "only subnetId" : "only vpcId"})`);
        }
        const rootGb = args.rootVolumeGb ?? 50;
        if (!Number.isInteger(rootGb) || rootGb < 30 || rootGb > 16384) throw new Error(`${name}: rootVolumeGb must be 30-16384 (Windows needs 30); got ${rootGb}`);
        const dataGb = args.dataVolumeGb ?? 20;
        if (!Number.isInteger(dataGb) || dataGb < 1 || dataGb > 16384) throw new Error(`${name}: dataVolumeGb must be 1-16384; got ${dataGb}`);
        const patchGroup = args.patchGroup ?? "Windows Servers";
        if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u.test(patchGroup)) throw new Error(`${name}: patchGroup "${patchGroup}" is not a valid tag value`);
        const approveAfterDays = args.approveAfterDays ?? 7;
        if (!Number.isInteger(approveAfterDays) || approveAfterDays < 0 || approveAfterDays > 360) {
            throw new Error(`${name}: approveAfterDays must be 0-360; got ${approveAfterDays}`);
        }
        const schedule = args.maintenanceSchedule ?? "cron(0 22 ? * SUN *)";
        if (!/^(cron|rate)\(.+\)$/.test(schedule)) throw new Error(`${name}: maintenanceSchedule "${schedule}" must be a cron(...) or rate(...) expression`);
        const duration = args.maintenanceDurationHours ?? 3;
        if (!Number.isInteger(duration) || duration < 2 || duration > 24) {
            throw new Error(`${name}: maintenanceDurationHours must be 2-24 (one hour is kept as the cutoff); got ${duration}`);
        }
        const severities = (() => {
            try {
                return severitiesFrom(args.minimumSeverity ?? "HIGH");
            } catch (err) {
                throw new Error(`${name}: ${(err as Error).message}`);
            }
        })();
        try {
            this.snapshotTags = snapshotScheduleTags(
                args.snapshotTimes ?? POST_SNAPSHOT_TIMES,
                args.snapshotRetentionDays ?? 3,
                args.snapshotTimeZone ?? "utc",
                args.snapshotDays ?? "weekdays",
            );
        } catch (err) {
            throw new Error(`${name}: snapshot schedule: ${(err as Error).message}`);
        }
        if (Object.keys(this.snapshotTags).length > 30) throw new Error(`${name}: snapshotTimes allows at most 30 times (EC2 keeps 50 tags)`);

        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const network = { owner: name, setting: "vpcId and subnetId (patchInspectProtect.vpcId, patchInspectProtect.subnetId)", parent: this };
        const vpcId = args.vpcId ?? defaultVpcId(network);
        const subnetId = args.subnetId ?? defaultSubnetId(vpcId, network);

        const group = new aws.ec2.SecurityGroup(
            `${name}-server`,
            // No ingress: administration is through Systems Manager Session Manager.
            { description: "Windows server: no inbound; outbound web for Systems Manager and Windows Update", vpcId },
            { parent: this },
        );
        for (const port of [443, 80]) {
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-server-egress-${port}`,
                {
                    securityGroupId: group.id,
                    description: port === 443 ? "HTTPS: Systems Manager, Inspector, Windows Update" : "HTTP: Windows Update and certificate revocation lists",
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrIpv4: "0.0.0.0/0",
                },
                { parent: this },
            );
        }

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

        const ami = aws.ssm.getParameterOutput({ name: windowsBaseAmiParameter(version) }, { parent: this }).value;
        const instance = new aws.ec2.Instance(
            `${name}-server`,
            {
                ami,
                instanceType: args.instanceType ?? "t3.medium",
                subnetId,
                vpcSecurityGroupIds: [group.id],
                iamInstanceProfile: role.profileName,
                metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
                rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: rootGb, deleteOnTermination: true },
                disableApiTermination: this.protectStateful,
                tags: { Name: `${name} Windows server`, "Patch Group": patchGroup, ...this.snapshotTags },
            },
            // A new AMI release must not replace a running server: it is patched in place by the maintenance window.
            { parent: this, ignoreChanges: ["ami"] },
        );
        const data = new aws.ebs.Volume(
            `${name}-data`,
            { availabilityZone: instance.availabilityZone, size: dataGb, type: "gp3", encrypted: true, tags: { Name: `${name} data` } },
            this.stateful(),
        );
        new aws.ec2.VolumeAttachment(
            `${name}-data`,
            { instanceId: instance.id, volumeId: data.id, deviceName: "xvdf", stopInstanceBeforeDetaching: true },
            { parent: this },
        );

        const baseline = new aws.ssm.PatchBaseline(
            `${name}-baseline`,
            {
                operatingSystem: "WINDOWS",
                description: `Critical and important security updates, approved ${approveAfterDays} days after release`,
                approvalRules: [
                    {
                        approveAfterDays,
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
        new aws.ssm.PatchGroup(`${name}-patch-group`, { baselineId: baseline.id, patchGroup }, { parent: this });

        const window = new aws.ssm.MaintenanceWindow(
            `${name}-window`,
            {
                description: "Weekly patching of the Windows servers",
                schedule,
                scheduleTimezone: "UTC",
                duration,
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

        if (args.enableInspector ?? true) {
            new aws.inspector2.Enabler(`${name}-inspector`, { accountIds: [identity.accountId], resourceTypes: ["EC2"] }, { parent: this });
        }
        const findings = new EncryptedTopic(
            `${name}-findings`,
            {
                displayName: "Inspector",
                publishingServices: ["events.amazonaws.com"],
                email: args.notificationEmail,
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
}
