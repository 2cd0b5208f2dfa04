// Ops Automator (README scenario 9): a small engine that runs the tasks configured in a DynamoDB table on a schedule.
// Its first task is the tag-driven EBS snapshot scheduler of README scenario 6.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { configFromEnvironment, failureMetricName, reportedWarningPrefix, runOpsAutomator } from "../../handlers/opsAutomator/opsAutomator";
import { cleanUpSnapshots, isSnapshotCleanup } from "../../handlers/opsAutomator/snapshotCleanup";
import { snapshotTagKeys } from "../../handlers/opsAutomator/snapshotScheduler";
import { Blueprint } from "../../components/common";
import { Statement } from "../../components/iam";
import { HandlerFunction, ruleInvokesFunction } from "../../components/lambda";
import { EncryptedTopic, functionAlarm, topicAlarm } from "../../components/notifications";
import { ArgsOf, defineScenario, pick, resolveArgs, ResolvedArgs } from "../../components/scenario";
import { scheduleExpression } from "./schedule";
import { opsAutomatorSettings } from "./settings";

/** The scenario's settings (see ./settings.ts), and the metrics' namespace, which a program may choose. */
export type OpsAutomatorArgs = ArgsOf<typeof opsAutomatorSettings> & {
    /** CloudWatch namespace of the engine's metrics. @default "AwsBlueprints/OpsAutomator" */
    readonly metricNamespace?: string;
};
/** The settings as resolveArgs returns them, which the constructor's steps read. */
type Settings = ResolvedArgs<typeof opsAutomatorSettings>;

const SNAPSHOT_TASK_ID = "ebs-snapshot-scheduler";

/** The table item (DynamoDB JSON) that enables the snapshot scheduler task. */
export function snapshotTaskItem(deleteExpired: boolean, defaultRetentionDays: number): string {
    return JSON.stringify({
        taskId: { S: SNAPSHOT_TASK_ID },
        action: { S: "ebs-snapshot-scheduler" },
        enabled: { BOOL: true },
        description: { S: "Snapshots the EBS volumes of instances tagged scheduler:ebs-snapshot:<HHMM> and deletes expired ones" },
        parameters: { M: { deleteExpired: { BOOL: deleteExpired }, defaultRetentionDays: { N: String(defaultRetentionDays) } } },
    });
}

export class OpsAutomator extends Blueprint {
    readonly tableName: pulumi.Output<string>;
    readonly tableArn: pulumi.Output<string>;
    readonly topicArn: pulumi.Output<string>;
    readonly functionName: pulumi.Output<string>;
    readonly ruleArn: pulumi.Output<string>;
    readonly scheduleExpression: string;
    /** Tag every snapshot of this engine carries (its role may delete only snapshots with it). */
    readonly snapshotMarker: pulumi.Output<{ key: string; value: string }>;

    constructor(name: string, args: OpsAutomatorArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveArgs<typeof opsAutomatorSettings>(name, opsAutomatorSettings, args);
        const namespace = args.metricNamespace ?? "AwsBlueprints/OpsAutomator";
        if (!/^[A-Za-z0-9][A-Za-z0-9._/#:-]{0,254}$/.test(namespace) || namespace.startsWith("AWS/")) {
            throw new Error(`${name}: metricNamespace "${namespace}" must be a CloudWatch namespace outside AWS/`);
        }
        super("aws-blueprints:operations:OpsAutomator", name, "ops-automator", args, opts);
        const minutes = s.scheduleMinutes;
        this.scheduleExpression = scheduleExpression(minutes);
        const engineName = `${name}-${pulumi.getStack()}`;

        const issues = new EncryptedTopic(
            `${name}-issues`,
            { displayName: "Ops Automator issues", email: s.notificationEmail, protect: this.protectStateful },
            { parent: this },
        );
        const table = this.taskTable(name, s);
        // The table's name is unique per deployment, so two engines in one account never touch each other's snapshots.
        const markerValue = table.name;
        const runner = this.runner(name, s, { table, issues, namespace, engineName, markerValue });
        const rule = this.schedule(name, minutes, runner, this.snapshotCleanup(name, runner));
        this.alarms(name, { namespace, engineName, minutes, runner, issues });

        this.tableName = table.name;
        this.tableArn = table.arn;
        this.topicArn = issues.topicArn;
        this.functionName = runner.functionName;
        this.ruleArn = rule.arn;
        this.snapshotMarker = markerValue.apply((value) => ({ key: snapshotTagKeys().marker, value }));
        this.registerOutputs({
            tableName: this.tableName,
            tableArn: this.tableArn,
            topicArn: this.topicArn,
            functionName: this.functionName,
            ruleArn: this.ruleArn,
            scheduleExpression: this.scheduleExpression,
            snapshotMarker: this.snapshotMarker,
        });
    }

    /** The tasks' table, seeded with the snapshot scheduler task when it is asked for. */
    private taskTable(name: string, s: Settings): aws.dynamodb.Table {
        const table = new aws.dynamodb.Table(
            `${name}-tasks`,
            {
                billingMode: "PAY_PER_REQUEST",
                hashKey: "taskId",
                attributes: [{ name: "taskId", type: "S" }],
                // The AWS-managed key (aws/dynamodb): encrypted at rest, usable through DynamoDB without key grants.
                serverSideEncryption: { enabled: true },
                pointInTimeRecovery: { enabled: true },
                deletionProtectionEnabled: this.protectStateful,
            },
            this.stateful(),
        );
        if (s.snapshotTask) {
            new aws.dynamodb.TableItem(
                `${name}-snapshot-task`,
                {
                    tableName: table.name,
                    hashKey: "taskId",
                    item: snapshotTaskItem(s.deleteExpiredSnapshots, s.defaultRetentionDays),
                },
                // The item is configuration operators edit in the table (enable, parameters): Pulumi seeds it and
                // never reverts those edits. Deleting the resource (snapshotTask false) deletes the item by its key.
                { parent: this, ignoreChanges: ["item"] },
            );
        }
        return table;
    }

    /** The runner function, which runs the table's enabled tasks, and its asynchronous retries. */
    private runner(
        name: string,
        s: Settings,
        on: { table: aws.dynamodb.Table; issues: EncryptedTopic; namespace: string; engineName: string; markerValue: pulumi.Output<string> },
    ): HandlerFunction {
        const { table, issues, namespace, engineName, markerValue } = on;
        // Every taggable resource of a stack carries its environment tag; instances of other deployments do not match.
        const instanceTag = s.instanceTag ?? { key: "environment", value: this.tags.environment ?? pulumi.getStack() };
        const runner = new HandlerFunction(
            `${name}-runner`,
            {
                description: "Ops Automator: runs the enabled tasks of its table (EBS snapshot scheduler, ...)",
                statements: this.runnerStatements({ table, issues, namespace, markerValue, instanceTag }),
                environment: {
                    TABLE_NAME: table.name,
                    TOPIC_ARN: issues.topicArn,
                    METRIC_NAMESPACE: namespace,
                    ENGINE_NAME: engineName,
                    WINDOW_MINUTES: String(s.scheduleMinutes),
                    SNAPSHOT_MARKER: markerValue,
                    INSTANCE_TAG_KEY: instanceTag.key,
                    INSTANCE_TAG_VALUE: instanceTag.value,
                },
                timeoutSeconds: s.timeoutSeconds,
                memorySizeMb: s.memorySizeMb,
                logRetentionDays: this.logRetentionDays,
                protect: this.protectStateful,
                callback: opsAutomatorHandler,
            },
            { parent: this },
        );
        new aws.lambda.FunctionEventInvokeConfig(
            `${name}-runner-async`,
            // A retry covers the same window (the event's time) and skips slots already taken.
            { functionName: runner.functionName, maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
            { parent: this },
        );
        return runner;
    }

    /**
     * The runner's permissions: its table, snapshots of the instances carrying the deployment's tag (and deleting only
     * snapshots with its own marker), its metrics and its topic.
     */
    private runnerStatements(on: {
        table: aws.dynamodb.Table;
        issues: EncryptedTopic;
        namespace: string;
        markerValue: pulumi.Output<string>;
        instanceTag: { key: string; value: string };
    }): Statement[] {
        const { table, issues, namespace, markerValue, instanceTag } = on;
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const marker = snapshotTagKeys();
        const ec2Arn = (resource: string) => pulumi.interpolate`arn:${partition}:ec2:${region}:${identity.accountId}:${resource}`;
        const snapshotArn = pulumi.interpolate`arn:${partition}:ec2:${region}::snapshot/*`;
        return [
            { sid: "ReadTasks", actions: ["dynamodb:Scan"], resources: [table.arn] },
            {
                sid: "RememberReportedWarnings",
                actions: ["dynamodb:PutItem", "dynamodb:DeleteItem"],
                resources: [table.arn],
                // Only the engine's own state items, never a task: the partition key must carry the prefix.
                // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
                conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${reportedWarningPrefix()}*`] } },
            },
            {
                sid: "FindTaggedInstancesAndOwnSnapshots",
                // Describe calls support no resource-level permissions.
                actions: ["ec2:DescribeInstances", "ec2:DescribeSnapshots"],
                resources: ["*"],
            },
            {
                sid: "SnapshotOwnInstances",
                actions: ["ec2:CreateSnapshots"],
                resources: [ec2Arn("instance/*")],
                conditions: { StringEquals: { [`aws:ResourceTag/${instanceTag.key}`]: instanceTag.value } },
            },
            // CreateSnapshots names an instance; its volumes are authorized as well, and only the instance's are taken.
            { sid: "SnapshotVolumesOfOwnInstances", actions: ["ec2:CreateSnapshots"], resources: [ec2Arn("volume/*")] },
            {
                sid: "SnapshotsCarryTheMarker",
                actions: ["ec2:CreateSnapshots"],
                resources: [snapshotArn],
                conditions: { StringEquals: { [`aws:RequestTag/${marker.marker}`]: markerValue } },
            },
            {
                sid: "TagOnlyWhileCreating",
                actions: ["ec2:CreateTags"],
                resources: [snapshotArn],
                conditions: { StringEquals: { "ec2:CreateAction": "CreateSnapshots" } },
            },
            {
                sid: "DeleteOnlyOwnSnapshots",
                actions: ["ec2:DeleteSnapshot"],
                resources: [snapshotArn],
                conditions: { StringEquals: { [`aws:ResourceTag/${marker.marker}`]: markerValue } },
            },
            {
                sid: "PublishOwnMetrics",
                // PutMetricData takes no resource ARN; the namespace condition confines it to the engine's metrics.
                actions: ["cloudwatch:PutMetricData"],
                resources: ["*"],
                conditions: { StringEquals: { "cloudwatch:namespace": namespace } },
            },
            ...issues.publishStatements(),
        ];
    }

    /**
     * Snapshots are not Pulumi resources: an unprotected stack deletes them when it is destroyed (or the scenario
     * is removed). The provider invokes the runner again on delete (lifecycle scope CRUD); the invocation depends on
     * the runner and its role, and the schedule depends on it, so no run starts after the cleanup and the role is
     * still there during it. A protected stack keeps its snapshots (its page says how to delete them).
     */
    private snapshotCleanup(name: string, runner: HandlerFunction): aws.lambda.Invocation | undefined {
        if (this.protectStateful) return undefined;
        return new aws.lambda.Invocation(
            `${name}-snapshot-cleanup`,
            { functionName: runner.functionName, input: JSON.stringify({ cleanup: "snapshots" }), lifecycleScope: "CRUD" },
            { parent: this, dependsOn: [runner] },
        );
    }

    /** The schedule rule that invokes the runner every few minutes, once the cleanup (when there is one) is in place. */
    private schedule(name: string, minutes: number, runner: HandlerFunction, cleanup: aws.lambda.Invocation | undefined): aws.cloudwatch.EventRule {
        const rule = new aws.cloudwatch.EventRule(
            `${name}-schedule`,
            { description: `Runs the Ops Automator every ${minutes} minutes`, scheduleExpression: this.scheduleExpression },
            { parent: this },
        );
        ruleInvokesFunction(name, { rule, fn: runner, maximumRetryAttempts: 4 }, { parent: this, dependsOn: cleanup ? [cleanup] : [] });
        return rule;
    }

    /** The alarms on the issues topic: a task that reported a failure, and a run that failed or timed out. */
    private alarms(name: string, on: { namespace: string; engineName: string; minutes: number; runner: HandlerFunction; issues: EncryptedTopic }): void {
        const { namespace, engineName, minutes, runner, issues } = on;
        topicAlarm(
            `${name}-task-failures`,
            {
                description: "An Ops Automator task failed (the issues topic has the details)",
                namespace,
                metricName: failureMetricName(),
                dimensions: { Engine: engineName },
                statistic: "Sum",
                comparison: "GreaterThanThreshold",
                threshold: 0,
                periodSeconds: minutes * 60,
                topicArn: issues.topicArn,
                notifyOnOk: true,
            },
            { parent: this },
        );
        functionAlarm(
            `${name}-runner-errors`,
            {
                functionName: runner.functionName,
                metric: "Errors",
                description: "The Ops Automator runner failed or timed out",
                topicArn: issues.topicArn,
                periodSeconds: minutes * 60,
            },
            { parent: this },
        );
    }
}

// The functions' handlers, defined once here so that each is serialized once per program (see HandlerFunction's
// callback); their configuration comes from the function's environment.
const opsAutomatorHandler = async (event: unknown) => {
    // SDK v3 ships with the Lambda runtime; required here so it is neither serialized nor bundled.
    const { CloudWatch } = require("@aws-sdk/client-cloudwatch");
    const { DynamoDB } = require("@aws-sdk/client-dynamodb");
    const { EC2 } = require("@aws-sdk/client-ec2");
    const { SNS } = require("@aws-sdk/client-sns");
    const log = (message: string, data?: Record<string, unknown>) => console.log(JSON.stringify({ message, ...data }));
    // The managed invocation that deletes the engine's snapshots when the stack is destroyed.
    if (isSnapshotCleanup(event)) return cleanUpSnapshots(event, process.env.SNAPSHOT_MARKER ?? "", { ec2: new EC2({}), log });
    return runOpsAutomator(event, configFromEnvironment(process.env), {
        dynamodb: new DynamoDB({}),
        cloudwatch: new CloudWatch({}),
        sns: new SNS({}),
        ec2: new EC2({}),
        log,
    });
};

// The scenario: `aws-blueprints:opsAutomator` builds this component from its settings; its outputs are the stack output of the
// same name. The registry (scenarios/index.ts) is generated from these entries.
export const opsAutomator = defineScenario({
    key: "opsAutomator",
    readme: { number: 9, title: "Ops Automator with the EBS snapshot scheduler" },
    declaration: opsAutomatorSettings,
    build: (settings, shared) => {
        const engine = new OpsAutomator("ops-automator", { ...shared, ...settings });
        return pick(engine, ["tableName", "topicArn", "functionName", "ruleArn", "scheduleExpression", "snapshotMarker"]);
    },
});
