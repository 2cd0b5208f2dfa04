import { CloudWatch, CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { AttributeValue, DeleteItemCommand, DynamoDB, DynamoDBClient, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { CreateSnapshotsCommand, DescribeInstancesCommand, DescribeSnapshotsCommand, EC2, EC2Client } from "@aws-sdk/client-ec2";
import { PublishCommand, SNS, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import {
    configFromEnvironment,
    fromAttributeValue,
    runOpsAutomator,
    taskFromItem,
    TasksFailedError,
} from "../../handlers/opsAutomator/opsAutomator";
import { accessDenied, ec2Throttling, notFound, throttling } from "../faults";
import { disabled, runnerConfig, scheduled, seed } from "./events";

const config = runnerConfig;

describe("Ops Automator runner", () => {
    const dynamo = mockClient(DynamoDBClient);
    const cloudwatch = mockClient(CloudWatchClient);
    const sns = mockClient(SNSClient);
    const ec2 = mockClient(EC2Client);
    const deps = () => ({
        dynamodb: new DynamoDB({ region: "us-east-1" }),
        cloudwatch: new CloudWatch({ region: "us-east-1" }),
        sns: new SNS({ region: "us-east-1" }),
        ec2: new EC2({ region: "us-east-1" }),
        now: () => new Date("2026-11-26T09:00:07Z"),
    });
    const metrics = () => cloudwatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
    const failuresPublished = () => metrics().map((m) => m.MetricData!.find((d) => d.MetricName === "TaskFailures")!.Value);
    const published = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);

    beforeEach(() => {
        for (const m of [dynamo, cloudwatch, sns, ec2]) m.reset();
        dynamo.on(ScanCommand).resolves({ Items: [seed, disabled] });
        dynamo.on(PutItemCommand).resolves({});
        dynamo.on(DeleteItemCommand).resolves({});
        cloudwatch.on(PutMetricDataCommand).resolves({});
        sns.on(PublishCommand).resolves({ MessageId: "1" });
        ec2.on(DescribeInstancesCommand).resolves({
            Reservations: [{ Instances: [{ InstanceId: "i-0aaaaaaaaaaaaaaa1", Tags: [{ Key: "scheduler:ebs-snapshot:0900", Value: "0900;3;utc;weekdays" }] }] }],
        });
        ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
        ec2.on(CreateSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: "snap-0123456789abcdef0", VolumeId: "vol-1" }] });
    });
    after(() => [dynamo, cloudwatch, sns, ec2].forEach((m) => m.restore()));

    it("runs the enabled tasks of the table for the window of the scheduled event and counts no failures", async () => {
        const summary = await runOpsAutomator(scheduled("2026-11-26T09:02:41Z"), config, deps());
        assert.equal(summary.windowEnd, "2026-11-26T09:00:00.000Z", "the event's time, rounded to the schedule");
        assert.deepEqual(summary.tasks.map((t) => [t.taskId, t.status]), [["ebs-snapshot-scheduler", "succeeded"]], "the disabled task does not run");
        assert.deepEqual(dynamo.commandCalls(ScanCommand)[0].args[0].input, { TableName: config.tableName, ConsistentRead: true, ExclusiveStartKey: undefined });
        assert.equal(ec2.commandCalls(CreateSnapshotsCommand).length, 1);
        const [m] = metrics();
        assert.equal(m.Namespace, "AwsBlueprints/OpsAutomator");
        assert.deepEqual(m.MetricData!.map((d) => [d.MetricName, d.Value, d.Dimensions]), [
            ["TaskFailures", 0, [{ Name: "Engine", Value: "ops-automator-dev" }]],
            ["TasksRun", 1, [{ Name: "Engine", Value: "ops-automator-dev" }]],
            ["TaskWarnings", 0, [{ Name: "Engine", Value: "ops-automator-dev" }]],
        ]);
        assert.equal(dynamo.commandCalls(PutItemCommand).length + dynamo.commandCalls(DeleteItemCommand).length, 0, "nothing to remember");
        assert.equal(published().length, 0, "nothing to report");
    });

    it("a manual run without a time covers the window ending now", async () => {
        const summary = await runOpsAutomator({}, config, deps());
        assert.equal(summary.windowEnd, "2026-11-26T09:00:00.000Z");
    });

    it("pages through the task table", async () => {
        dynamo.on(ScanCommand).resolvesOnce({ Items: [disabled], LastEvaluatedKey: { taskId: { S: "paused-copy" } } }).resolvesOnce({ Items: [seed] });
        const summary = await runOpsAutomator({}, config, deps());
        assert.equal(summary.tasks.length, 1);
        assert.deepEqual(dynamo.commandCalls(ScanCommand)[1].args[0].input.ExclusiveStartKey, { taskId: { S: "paused-copy" } });
    });

    it("a task reporting issues fails the run: metric, notification, then an error", async () => {
        ec2.on(CreateSnapshotsCommand).rejects(accessDenied("ec2:CreateSnapshots"));
        await assert.rejects(runOpsAutomator(scheduled("2026-11-26T09:00:00Z"), config, deps()), (err: Error) => {
            assert.ok(err instanceof Error);
            assert.equal(err.name, "TasksFailedError");
            assert.equal((err as TasksFailedError).summary.failures, 1, "the run's summary travels with the error");
            assert.match(err.message, /1 of 1 task\(s\) failed/);
            assert.match(err.message, /CreateSnapshots for 2026-11-26T09:00 UTC failed: AccessDenied/);
            return true;
        });
        assert.deepEqual(failuresPublished(), [1]);
        const [p] = published();
        assert.equal(p.TopicArn, config.topicArn);
        assert.equal(p.Subject, "Ops Automator: 1 task(s) failed");
        assert.match(p.Message!, /Task ebs-snapshot-scheduler \(ebs-snapshot-scheduler\):\n {2}- i-0aaaaaaaaaaaaaaa1: CreateSnapshots/);
    });

    describe("a malformed schedule tag", () => {
        const badTag = { Key: "scheduler:ebs-snapshot:0900", Value: "0900;3;Moon/Base" };
        const key = "reported-warning#ebs-snapshot-scheduler#i-0bad0000000000001#scheduler:ebs-snapshot:0900";
        const remembered = (value: string): Record<string, AttributeValue> => ({
            taskId: { S: key },
            task: { S: "ebs-snapshot-scheduler" },
            instanceId: { S: "i-0bad0000000000001" },
            tagKey: { S: badTag.Key },
            tagValue: { S: value },
            message: { S: "earlier" },
            reportedAt: { S: "2026-11-26T08:55:07.000Z" },
        });
        const instances = (value = badTag.Value) => ({
            Reservations: [
                {
                    Instances: [
                        { InstanceId: "i-0bad0000000000001", Tags: [{ ...badTag, Value: value }] },
                        { InstanceId: "i-0aaaaaaaaaaaaaaa1", Tags: [{ Key: "scheduler:ebs-snapshot:0900", Value: "0900;3;utc;weekdays" }] },
                    ],
                },
            ],
        });
        const warningsPublished = () => metrics().map((m) => m.MetricData!.find((d) => d.MetricName === "TaskWarnings")!.Value);

        it("is a warning: the run succeeds, the other instance is served, the tag is counted and notified once", async () => {
            ec2.on(DescribeInstancesCommand).resolves(instances());
            const summary = await runOpsAutomator(scheduled("2026-11-26T09:00:00Z"), config, deps());
            assert.equal(summary.failures, 0);
            assert.deepEqual(summary.tasks.map((t) => t.status), ["succeeded"]);
            assert.deepEqual(ec2.commandCalls(CreateSnapshotsCommand).map((c) => c.args[0].input.InstanceSpecification!.InstanceId), ["i-0aaaaaaaaaaaaaaa1"]);
            assert.deepEqual(failuresPublished(), [0], "not a failure: the failures alarm stays quiet");
            assert.deepEqual(warningsPublished(), [1]);
            const [p] = published();
            assert.equal(p.Subject, "Ops Automator: 1 new warning(s)");
            assert.match(p.Message!, /0 of 1 task\(s\) failed/);
            assert.match(p.Message!, /Warnings \(reported once;[^\n]*\nTask ebs-snapshot-scheduler \(ebs-snapshot-scheduler\):\n {2}- i-0bad0000000000001: tag scheduler:ebs-snapshot:0900="0900;3;Moon\/Base": unknown time zone "Moon\/Base"/);
            const puts = dynamo.commandCalls(PutItemCommand).map((c) => c.args[0].input);
            assert.equal(puts.length, 1);
            assert.equal(puts[0].TableName, config.tableName);
            assert.deepEqual(
                { ...puts[0].Item, message: undefined },
                { ...remembered("0900;3;Moon/Base"), message: undefined, reportedAt: { S: "2026-11-26T09:00:07.000Z" } },
            );
            assert.match(puts[0].Item!.message.S!, /unknown time zone/);
        });

        it("already reported with this value: counted, not notified again, nothing written", async () => {
            ec2.on(DescribeInstancesCommand).resolves(instances());
            dynamo.on(ScanCommand).resolves({ Items: [seed, remembered("0900;3;Moon/Base")] });
            const summary = await runOpsAutomator(scheduled("2026-11-26T09:05:00Z"), config, deps());
            assert.deepEqual([summary.failures, summary.warnings.length, summary.newWarnings.length], [0, 1, 0]);
            assert.deepEqual(summary.tasks.map((t) => t.taskId), ["ebs-snapshot-scheduler"], "the remembered warning is not a task");
            assert.equal(published().length, 0, "no notification on every run");
            assert.deepEqual(warningsPublished(), [1], "the metric still shows it");
            assert.equal(dynamo.commandCalls(PutItemCommand).length + dynamo.commandCalls(DeleteItemCommand).length, 0);
        });

        it("a changed, still malformed value is notified again", async () => {
            ec2.on(DescribeInstancesCommand).resolves(instances("0900;3;Mars/Base"));
            dynamo.on(ScanCommand).resolves({ Items: [seed, remembered("0900;3;Moon/Base")] });
            await runOpsAutomator(scheduled("2026-11-26T09:05:00Z"), config, deps());
            assert.equal(published().length, 1);
            assert.match(published()[0].Message!, /Mars\/Base/);
            assert.equal(dynamo.commandCalls(PutItemCommand)[0].args[0].input.Item!.tagValue.S, "0900;3;Mars/Base");
        });

        it("a fixed tag is forgotten, so a bad value that comes back is reported again", async () => {
            dynamo.on(ScanCommand).resolves({ Items: [seed, remembered("0900;3;Moon/Base")] });
            await runOpsAutomator(scheduled("2026-11-26T09:05:00Z"), config, deps());
            assert.deepEqual(dynamo.commandCalls(DeleteItemCommand).map((c) => c.args[0].input), [{ TableName: config.tableName, Key: { taskId: { S: key } } }]);
            assert.equal(published().length, 0);
        });

        it("kept while its task could not list the instances (nothing is known about the tag)", async () => {
            ec2.on(DescribeInstancesCommand).rejects(ec2Throttling());
            dynamo.on(ScanCommand).resolves({ Items: [seed, remembered("0900;3;Moon/Base")] });
            await assert.rejects(runOpsAutomator(scheduled("2026-11-26T09:05:00Z"), config, deps()), { name: "TasksFailedError" });
            assert.equal(dynamo.commandCalls(DeleteItemCommand).length, 0);
        });

        it("a failed notification remembers nothing, so the retried run reports it", async () => {
            ec2.on(DescribeInstancesCommand).resolves(instances());
            sns.on(PublishCommand).rejects(accessDenied("sns:Publish"));
            await assert.rejects(runOpsAutomator(scheduled("2026-11-26T09:00:00Z"), config, deps()), /could not notify .*sns:Publish/);
            assert.equal(dynamo.commandCalls(PutItemCommand).length, 0);
        });

        it("failing to remember it fails the run (an AWS failure), after the notification", async () => {
            ec2.on(DescribeInstancesCommand).resolves(instances());
            dynamo.on(PutItemCommand).rejects(accessDenied("dynamodb:PutItem"));
            await assert.rejects(runOpsAutomator(scheduled("2026-11-26T09:00:00Z"), config, deps()), /could not remember the reported warning .*AccessDenied/);
            assert.equal(published().length, 1);
        });

        it("next to a real failure: one notification with both, and the warning is remembered so retries do not repeat it", async () => {
            ec2.on(DescribeInstancesCommand).resolves(instances());
            ec2.on(CreateSnapshotsCommand).rejects(accessDenied("ec2:CreateSnapshots"));
            await assert.rejects(runOpsAutomator(scheduled("2026-11-26T09:00:00Z"), config, deps()), { name: "TasksFailedError" });
            const [p] = published();
            assert.equal(p.Subject, "Ops Automator: 1 task(s) failed");
            assert.match(p.Message!, /AccessDenied[\s\S]*Warnings[\s\S]*Moon\/Base/);
            assert.equal(dynamo.commandCalls(PutItemCommand).length, 1);
        });
    });

    it("a task that throws fails the run; other tasks still run", async () => {
        const second = { ...seed, taskId: { S: "second-scheduler" } };
        dynamo.on(ScanCommand).resolves({ Items: [seed, second] });
        ec2.on(DescribeInstancesCommand).rejectsOnce(ec2Throttling()).resolves({ Reservations: [] });
        await assert.rejects(runOpsAutomator({}, config, deps()), { name: "TasksFailedError", message: /1 of 2 task\(s\) failed/ });
        assert.equal(ec2.commandCalls(DescribeInstancesCommand).length, 2, "the second task ran");
        assert.deepEqual(failuresPublished(), [1]);
        assert.match(published()[0].Message!, /RequestLimitExceeded: Request limit exceeded/);
    });

    it("an invalid task item is a failure of its own and does not stop the valid ones", async () => {
        dynamo.on(ScanCommand).resolves({ Items: [{ taskId: { S: "typo" }, action: { S: "ebs-snapshot-sheduler" }, enabled: { BOOL: true } }, seed] });
        await assert.rejects(runOpsAutomator({}, config, deps()), /task typo: action "ebs-snapshot-sheduler" is not one of ebs-snapshot-scheduler/);
        assert.equal(ec2.commandCalls(CreateSnapshotsCommand).length, 1);
        assert.deepEqual(failuresPublished(), [1]);
    });

    describe("malformed events: a clear error and no call at all", () => {
        for (const [label, event, message] of [
            ["not an object", "run", /the event must be an object/],
            ["another event type", { ...scheduled("2026-11-26T09:00:00Z"), "detail-type": "EC2 Instance State-change Notification" }, /expected a "Scheduled Event"/],
            ["a time that is not a time", { time: "yesterday" }, /time "yesterday" is not an ISO 8601 time/],
        ] as const) {
            it(label, async () => {
                await assert.rejects(runOpsAutomator(event, config, deps()), (err: Error) => err instanceof Error && err.name === "MalformedEventError" && /^Malformed Ops Automator event: /.test(err.message) && message.test(err.message));
                for (const m of [dynamo, cloudwatch, sns, ec2]) assert.equal(m.calls().length, 0);
            });
        }
    });

    describe("AWS failures surface", () => {
        it("throttling on the task table: counted, notified, thrown", async () => {
            dynamo.on(ScanCommand).rejects(throttling());
            await assert.rejects(runOpsAutomator({}, config, deps()), /could not load tasks from ops-automator-tasks-1a2b3c4: ThrottlingException: Rate exceeded/);
            assert.deepEqual(failuresPublished(), [1]);
            assert.equal(published().length, 1);
            assert.equal(ec2.calls().length, 0);
        });

        it("a missing task table: counted, notified, thrown", async () => {
            dynamo.on(ScanCommand).rejects(notFound("ResourceNotFoundException", "table"));
            await assert.rejects(runOpsAutomator({}, config, deps()), /ResourceNotFoundException/);
            assert.equal(published().length, 1);
        });

        it("access denied on the metric: the run still notifies and then fails", async () => {
            cloudwatch.on(PutMetricDataCommand).rejects(accessDenied("cloudwatch:PutMetricData"));
            await assert.rejects(runOpsAutomator({}, config, deps()), /could not publish the TaskFailures metric: AccessDenied/);
            assert.match(published()[0].Message!, /Engine:\n {2}- could not publish the TaskFailures metric/);
        });

        it("a failed notification is part of the error, never swallowed", async () => {
            ec2.on(DescribeInstancesCommand).rejects(ec2Throttling());
            sns.on(PublishCommand).rejects(accessDenied("sns:Publish"));
            await assert.rejects(runOpsAutomator({}, config, deps()), (err: Error) => /RequestLimitExceeded/.test(err.message) && /could not notify .*sns:Publish/.test(err.message));
        });
    });

    describe("task items and configuration", () => {
        it("reads the seeded item as the enabled snapshot task", () => {
            assert.deepEqual(taskFromItem(seed), {
                taskId: "ebs-snapshot-scheduler",
                action: "ebs-snapshot-scheduler",
                enabled: true,
                description: "Snapshots the EBS volumes of instances tagged scheduler:ebs-snapshot:<HHMM> and deletes expired ones",
                parameters: { deleteExpired: true, defaultRetentionDays: 15 },
            });
        });

        it("converts every DynamoDB attribute type the console writes", () => {
            assert.deepEqual(
                fromAttributeValue({ M: { s: { S: "x" }, n: { N: "1.5" }, b: { BOOL: false }, z: { NULL: true }, l: { L: [{ N: "1" }] }, ss: { SS: ["a"] }, ns: { NS: ["2"] } } }),
                { s: "x", n: 1.5, b: false, z: null, l: [1], ss: ["a"], ns: [2] },
            );
            assert.throws(() => fromAttributeValue({ B: new Uint8Array([1]) } as AttributeValue), /unsupported attribute type B/);
        });

        it("refuses items without an id, a boolean enabled or map parameters", () => {
            assert.throws(() => taskFromItem({ action: { S: "ebs-snapshot-scheduler" } }), /no string taskId/);
            assert.throws(() => taskFromItem({ ...seed, enabled: { S: "yes" } }), /enabled must be a boolean; got "yes"/);
            assert.throws(() => taskFromItem({ ...seed, parameters: { S: "{}" } }), /parameters must be a map/);
        });

        it("reads its environment and names what is missing or wrong", () => {
            const env = {
                TABLE_NAME: "t",
                TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:x",
                METRIC_NAMESPACE: "ns",
                ENGINE_NAME: "e",
                WINDOW_MINUTES: "15",
                SNAPSHOT_MARKER: "t",
            };
            assert.deepEqual(configFromEnvironment(env), { tableName: "t", topicArn: env.TOPIC_ARN, metricNamespace: "ns", engineName: "e", windowMinutes: 15, snapshotMarkerValue: "t" });
            assert.deepEqual(configFromEnvironment({ ...env, INSTANCE_TAG_KEY: "environment", INSTANCE_TAG_VALUE: "dev" }).instanceTag, { key: "environment", value: "dev" });
            assert.throws(() => configFromEnvironment({ ...env, TABLE_NAME: undefined }), /TABLE_NAME is not set/);
            assert.throws(() => configFromEnvironment({ ...env, WINDOW_MINUTES: "7" }), /WINDOW_MINUTES must divide 60; got "7"/);
        });
    });
});
