import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { AttributeValue, DynamoDBClient, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { CreateSnapshotsCommand, DescribeInstancesCommand, DescribeSnapshotsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import cron from "cron-validate";
import assert from "node:assert/strict";
import { OpsAutomator, OpsAutomatorArgs } from "../../scenarios/opsAutomator/component";
import { scheduleExpression } from "../../scenarios/opsAutomator/schedule";
import { taskFromItem } from "../../handlers/opsAutomator/opsAutomator";
import { snapshotTaskParameters } from "../../handlers/opsAutomator/snapshotScheduler";
import { build, json, loadArchivedHandler, promiseOf, Resources } from "../../engine/evaluate";
import { assertActionsExist, grants, handlerStatements, list, PolicyStatement } from "../iam";
import { ACCOUNT_ID } from "../../engine/mocks";
import { accessDenied } from "../faults";

async function automator(args: OpsAutomatorArgs = {}) {
    const { value, resources } = await build(() => new OpsAutomator("ops", args));
    return { engine: value, r: new Resources(resources) };
}

/** The AWS cron expression inside `cron(...)`, checked with the AWS preset. */
function awsCronValid(expression: string): boolean {
    const m = /^cron\((.*)\)$/.exec(expression);
    return m !== null && cron(m[1], { preset: "aws-cloud-watch" }).isValid();
}

describe("OpsAutomator component", () => {
    // Building the component serializes the runner, the slow part: the tests share two builds.
    let plain: Awaited<ReturnType<typeof automator>>;
    let custom: Awaited<ReturnType<typeof automator>>;
    before(async () => {
        plain = await automator();
        custom = await automator({ scheduleMinutes: 10, notificationEmail: "ops@example.com", defaultRetentionDays: 30, protect: true });
    });

    it("runs on a valid EventBridge cron schedule aligned to the clock", async () => {
        for (const minutes of [5, 10, 15, 20, 30, 60]) assert.ok(awsCronValid(scheduleExpression(minutes)), scheduleExpression(minutes));
        assert.equal(scheduleExpression(15), "cron(0/15 * * * ? *)");
        assert.equal(scheduleExpression(60), "cron(0 * * * ? *)");
        assert.equal(plain.r.one("aws:cloudwatch/eventRule:EventRule").inputs.scheduleExpression, "cron(0/5 * * * ? *)", "every 5 minutes by default");
        const { r, engine } = custom;
        const rule = r.one("aws:cloudwatch/eventRule:EventRule");
        assert.equal(rule.inputs.scheduleExpression, "cron(0/10 * * * ? *)");
        assert.equal(engine.scheduleExpression, "cron(0/10 * * * ? *)");
        const fn = r.one("aws:lambda/function:Function");
        const target = r.one("aws:cloudwatch/eventTarget:EventTarget");
        assert.equal(target.inputs.arn, fn.outputs.arn);
        assert.equal(target.inputs.rule, rule.outputs.name);
        const permission = r.one("aws:lambda/permission:Permission");
        assert.deepEqual([permission.inputs.principal, permission.inputs.sourceArn], ["events.amazonaws.com", rule.outputs.arn]);
        assert.equal(fn.inputs.environment.variables.WINDOW_MINUTES, "10", "the runner's window is the schedule's interval");
        assert.equal(r.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").inputs.maximumRetryAttempts, 2);
    });

    it("keeps its tasks in an encrypted, point-in-time-recoverable table seeded with the snapshot task", async () => {
        const { r } = custom;
        const table = r.one("aws:dynamodb/table:Table");
        assert.deepEqual(table.inputs.serverSideEncryption, { enabled: true });
        assert.deepEqual(table.inputs.pointInTimeRecovery, { enabled: true });
        assert.equal(table.inputs.billingMode, "PAY_PER_REQUEST");
        assert.equal(table.inputs.hashKey, "taskId");
        const item = r.one("aws:dynamodb/tableItem:TableItem");
        assert.equal(item.inputs.tableName, table.outputs.name);
        assert.deepEqual(item.ignoreChanges, ["item"], "seeded once: an operator's edits to the task are never reverted by pulumi up");
        const task = taskFromItem(JSON.parse(item.inputs.item) as Record<string, AttributeValue>);
        assert.equal(task.enabled, true);
        assert.equal(task.action, "ebs-snapshot-scheduler");
        assert.deepEqual(snapshotTaskParameters(task.parameters), { deleteExpired: true, defaultRetentionDays: 30 });
        assert.equal((await automator({ snapshotTask: false })).r.ofType("aws:dynamodb/tableItem:TableItem").length, 0);
    });

    it("may only scan its table, snapshot with its marker, tag while creating and delete its own snapshots", async () => {
        const { r } = plain;
        const statements = handlerStatements(r, "ops-runner");
        const table = r.one("aws:dynamodb/table:Table");
        const marker = table.outputs.name;
        const snapshots = "arn:aws:ec2:us-east-1::snapshot/*";
        const only = (action: string): PolicyStatement[] => grants(statements, action);
        assert.deepEqual(only("dynamodb:Scan").map((s) => s.Resource), [table.outputs.arn]);
        assert.deepEqual(
            [only("dynamodb:PutItem"), only("dynamodb:DeleteItem")].map((g) => g.map((s) => [s.Resource, s.Condition])),
            [0, 1].map(() => [[table.outputs.arn, { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["reported-warning#*"] } }]]),
            "it writes only its reported-warning items, never a task",
        );
        for (const action of ["dynamodb:UpdateItem", "dynamodb:BatchWriteItem"]) assert.equal(only(action).length, 0, action);
        assert.deepEqual(
            only("ec2:CreateSnapshots").map((s) => [list(s.Resource), s.Condition]),
            [
                // Only instances of its own deployment (tagged with its environment, here the stack "test"); their volumes.
                [[`arn:aws:ec2:us-east-1:${ACCOUNT_ID}:instance/*`], { StringEquals: { "aws:ResourceTag/environment": "test" } }],
                [[`arn:aws:ec2:us-east-1:${ACCOUNT_ID}:volume/*`], undefined],
                [[snapshots], { StringEquals: { "aws:RequestTag/ops-automator:created-by": marker } }],
            ],
        );
        assert.deepEqual(only("ec2:CreateTags").map((s) => [s.Resource, s.Condition]), [[snapshots, { StringEquals: { "ec2:CreateAction": "CreateSnapshots" } }]]);
        assert.deepEqual(only("ec2:DeleteSnapshot").map((s) => [s.Resource, s.Condition]), [[snapshots, { StringEquals: { "aws:ResourceTag/ops-automator:created-by": marker } }]]);
        assert.deepEqual(only("cloudwatch:PutMetricData").map((s) => [s.Resource, s.Condition]), [["*", { StringEquals: { "cloudwatch:namespace": "AwsBlueprints/OpsAutomator" } }]]);
        assert.deepEqual(only("sns:Publish").map((s) => s.Resource), [r.one("aws:sns/topic:Topic").outputs.arn]);
        for (const s of statements) {
            for (const a of list(s.Action)) assert.doesNotMatch(a, /\*/, `wildcard action ${a}`);
            if (list(s.Resource).includes("*")) {
                assert.ok(
                    list(s.Action).every((a) => ["ec2:DescribeInstances", "ec2:DescribeSnapshots", "cloudwatch:PutMetricData"].includes(a)),
                    `only Describe calls and the namespaced metric on *: ${list(s.Action)}`,
                );
            }
        }
        await assertActionsExist(statements);
        const fn = r.one("aws:lambda/function:Function");
        assert.equal(fn.inputs.environment.variables.SNAPSHOT_MARKER, marker);
        assert.equal(fn.inputs.environment.variables.TABLE_NAME, table.outputs.name);
    });

    it("alarms on its failures metric and on runner errors, to its encrypted topic", async () => {
        const { r, engine } = custom;
        const topicArn = await promiseOf(engine.topicArn);
        const alarms = r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        const failures = alarms.find((a) => a.inputs.metricName === "TaskFailures")!;
        assert.equal(failures.inputs.namespace, "AwsBlueprints/OpsAutomator");
        assert.deepEqual(failures.inputs.dimensions, { Engine: "ops-test" });
        assert.deepEqual([failures.inputs.statistic, failures.inputs.comparisonOperator, failures.inputs.threshold, failures.inputs.period], ["Sum", "GreaterThanThreshold", 0, 600]);
        assert.deepEqual(failures.inputs.alarmActions, [topicArn]);
        assert.equal(r.one("aws:lambda/function:Function").inputs.environment.variables.ENGINE_NAME, "ops-test");
        const errors = alarms.find((a) => a.inputs.namespace === "AWS/Lambda")!;
        assert.equal(errors.inputs.metricName, "Errors");
        assert.equal(errors.inputs.dimensions.FunctionName, r.one("aws:lambda/function:Function").outputs.name);
        assert.equal(r.one("aws:sns/topic:Topic").inputs.kmsMasterKeyId, r.one("aws:kms/key:Key").outputs.arn);
        assert.equal(r.one("aws:sns/topicSubscription:TopicSubscription").inputs.endpoint, "ops@example.com");
    });

    it("protects its table, key and log group when asked", async () => {
        const { r } = custom;
        const table = r.one("aws:dynamodb/table:Table");
        assert.equal(table.protect, true);
        assert.equal(table.inputs.deletionProtectionEnabled, true);
        for (const type of ["aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"]) assert.equal(r.one(type).protect, true, type);
        assert.equal(plain.r.one("aws:dynamodb/table:Table").protect, false);
        assert.equal(plain.r.one("aws:dynamodb/table:Table").inputs.deletionProtectionEnabled, false);
    });

    it("refuses bad arguments before creating anything", () => {
        assert.throws(() => new OpsAutomator("bad", { scheduleMinutes: 7 }), /scheduleMinutes: must be 5, 10, 15, 20, 30 or 60 \(a divisor of 60\); got 7/);
        assert.throws(() => new OpsAutomator("bad", { defaultRetentionDays: 0 }), /defaultRetentionDays: must be a whole number from 1 to 3650; got 0/);
        assert.throws(() => new OpsAutomator("bad", { metricNamespace: "AWS/EC2" }), /metricNamespace "AWS\/EC2"/);
        assert.throws(() => new OpsAutomator("bad", { timeoutSeconds: 1000 }), /timeoutSeconds: must be a whole number from 30 to 900; got 1000/);
    });

    it("ships a runner that works from its archive with its own environment", async () => {
        const { r } = plain;
        const fn = r.one("aws:lambda/function:Function");
        const item = json(r.one("aws:dynamodb/tableItem:TableItem").inputs.item);
        const { handler, restore } = await loadArchivedHandler(fn);
        const mocks = [mockClient(DynamoDBClient), mockClient(EC2Client), mockClient(CloudWatchClient), mockClient(SNSClient)] as const;
        const [dynamo, ec2, cloudwatch, sns] = mocks;
        const log = console.log;
        const logged: string[] = [];
        console.log = (line: string) => logged.push(line);
        try {
            dynamo.on(ScanCommand).resolves({ Items: [item] });
            ec2.on(DescribeInstancesCommand).resolves({
                Reservations: [{ Instances: [{ InstanceId: "i-0aaaaaaaaaaaaaaa1", Tags: [{ Key: "scheduler:ebs-snapshot:0900", Value: "0900;3;utc;weekdays" }] }] }],
            });
            ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
            ec2.on(CreateSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: "snap-0123456789abcdef0" }] });
            cloudwatch.on(PutMetricDataCommand).resolves({});
            const summary: any = await handler({ "detail-type": "Scheduled Event", source: "aws.events", time: "2026-11-26T09:00:12Z", detail: {} });
            assert.equal(summary.failures, 0);
            assert.deepEqual(summary.tasks[0].result.created[0].snapshotIds, ["snap-0123456789abcdef0"]);
            const tags = ec2.commandCalls(CreateSnapshotsCommand)[0].args[0].input.TagSpecifications![0].Tags!;
            assert.equal(tags.find((t) => t.Key === "ops-automator:created-by")!.Value, fn.inputs.environment.variables.SNAPSHOT_MARKER);
            assert.equal(dynamo.commandCalls(ScanCommand)[0].args[0].input.TableName, fn.inputs.environment.variables.TABLE_NAME);
            assert.equal(sns.calls().length, 0);
            assert.ok(logged.some((l) => JSON.parse(l).message === "run succeeded"), "the outcome is logged as JSON");
        } finally {
            console.log = log;
            mocks.forEach((m) => m.restore());
            restore();
        }
    });

    it("ships a runner that reports a malformed tag once, remembering it in its own table", async () => {
        const { r } = plain;
        const fn = r.one("aws:lambda/function:Function");
        const item = json(r.one("aws:dynamodb/tableItem:TableItem").inputs.item);
        const { handler, restore } = await loadArchivedHandler(fn);
        const mocks = [mockClient(DynamoDBClient), mockClient(EC2Client), mockClient(CloudWatchClient), mockClient(SNSClient)] as const;
        const [dynamo, ec2, cloudwatch, sns] = mocks;
        const log = console.log;
        console.log = () => undefined;
        try {
            dynamo.on(ScanCommand).resolves({ Items: [item] });
            dynamo.on(PutItemCommand).resolves({});
            ec2.on(DescribeInstancesCommand).resolves({
                Reservations: [{ Instances: [{ InstanceId: "i-0bad0000000000001", Tags: [{ Key: "scheduler:ebs-snapshot:0900", Value: "0900;3;Moon/Base" }] }] }],
            });
            ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
            cloudwatch.on(PutMetricDataCommand).resolves({});
            sns.on(PublishCommand).resolves({ MessageId: "1" });
            const summary: any = await handler({ "detail-type": "Scheduled Event", source: "aws.events", time: "2026-11-26T09:00:12Z", detail: {} });
            assert.equal(summary.failures, 0, "a bad tag does not fail the run");
            assert.equal(sns.commandCalls(PublishCommand)[0].args[0].input.TopicArn, fn.inputs.environment.variables.TOPIC_ARN);
            const put = dynamo.commandCalls(PutItemCommand)[0].args[0].input;
            assert.equal(put.TableName, fn.inputs.environment.variables.TABLE_NAME);
            assert.match(put.Item!.taskId.S!, /^reported-warning#/);
        } finally {
            console.log = log;
            mocks.forEach((m) => m.restore());
            restore();
        }
    });

    it("ships a runner whose errors survive serialization: named, explained Errors for a malformed event and a failed run", async () => {
        const { r } = plain;
        const item = json(r.one("aws:dynamodb/tableItem:TableItem").inputs.item);
        const { handler, restore } = await loadArchivedHandler(r.one("aws:lambda/function:Function"));
        const mocks = [mockClient(DynamoDBClient), mockClient(EC2Client), mockClient(CloudWatchClient), mockClient(SNSClient)] as const;
        const [dynamo, ec2, cloudwatch, sns] = mocks;
        const log = console.log;
        console.log = () => undefined;
        try {
            await assert.rejects(handler("run"), (err: unknown) => {
                assert.ok(err instanceof Error, `an Error, got ${JSON.stringify(err)}`);
                assert.equal(err.name, "MalformedEventError");
                assert.equal(err.message, "Malformed Ops Automator event: the event must be an object");
                assert.ok(err.stack && err.stack.length > 0, "it has a stack");
                return true;
            });
            for (const m of mocks) assert.equal(m.calls().length, 0, "nothing was called");

            dynamo.on(ScanCommand).resolves({ Items: [item] });
            ec2.on(DescribeInstancesCommand).resolves({
                Reservations: [{ Instances: [{ InstanceId: "i-0bad0000000000001", Tags: [{ Key: "scheduler:ebs-snapshot:0900", Value: "0900;3;utc" }] }] }],
            });
            ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
            ec2.on(CreateSnapshotsCommand).rejects(accessDenied("ec2:CreateSnapshots"));
            cloudwatch.on(PutMetricDataCommand).resolves({});
            sns.on(PublishCommand).resolves({ MessageId: "1" });
            await assert.rejects(handler({ "detail-type": "Scheduled Event", source: "aws.events", time: "2026-11-26T09:00:12Z", detail: {} }), (err: unknown) => {
                assert.ok(err instanceof Error, `an Error, got ${JSON.stringify(err)}`);
                assert.equal(err.name, "TasksFailedError");
                assert.match(err.message, /1 of 1 task\(s\) failed/);
                assert.match(err.message, /CreateSnapshots for 2026-11-26T09:00 UTC failed: AccessDenied/);
                assert.equal((err as Error & { summary: { failures: number } }).summary.failures, 1);
                return true;
            });
            assert.equal(sns.commandCalls(PublishCommand).length, 1, "the failure was notified before the error");
        } finally {
            console.log = log;
            mocks.forEach((m) => m.restore());
            restore();
        }
    });
});
