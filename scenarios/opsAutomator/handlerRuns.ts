// How the authorization check (checks/authz/handlerCalls.ts) exercises this scenario's Lambda handlers, keyed by
// component type and function role (the HandlerFunction's name after the component's): the SDK clients to record
// and representative invocations built from the stack, or why a function makes no AWS call. npm run authz and
// npm test run every function of a stack this way; a function without an entry fails them.
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { SNSClient } from "@aws-sdk/client-sns";
import type { HandlerRuns } from "../../checks/authz/handlerCalls";

export const handlerRuns: HandlerRuns = {
    "aws-blueprints:operations:OpsAutomator/runner": {
        clients: [DynamoDBClient, EC2Client, CloudWatchClient, SNSClient],
        scenarios: ({ ix, component, env }) => {
            // The task the stack seeds, or the same task as an operator would add it.
            const seeded = ix.ofType("aws:dynamodb/tableItem:TableItem").find((i) => i.parentUrn === component.urn)?.inputs.item;
            const task = seeded
                ? JSON.parse(seeded)
                : { taskId: { S: "ebs-snapshot-scheduler" }, action: { S: "ebs-snapshot-scheduler" }, enabled: { BOOL: true }, parameters: { M: { deleteExpired: { BOOL: true } } } };
            const taskId: string = task.taskId.S;
            const marker = env.SNAPSHOT_MARKER;
            const expired = `arn:aws:ec2:${ix.region}::snapshot/snap-0e0e0e0e0e0e0e0e0`;
            const ownTags = { "ops-automator:created-by": marker, "ops-automator:instance-id": "i-0a0a0a0a0a0a0a0a0", "ops-automator:slot": "2024-12-01T23:30 UTC", "ops-automator:expires-at": "2024-12-16T23:30:00.000Z" };
            const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
            // The instances the engine is given are those of its own deployment (the DescribeInstances tag filter).
            const own = env.INSTANCE_TAG_KEY ? { [env.INSTANCE_TAG_KEY]: env.INSTANCE_TAG_VALUE } : {};
            return [
                {
                    name: "a run snapshots a due instance, deletes an expired snapshot, reports a bad schedule tag and forgets a fixed one",
                    event: { version: "0", id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event", source: "aws.events", account: ix.account, time: "2025-01-06T23:30:00Z", region: ix.region, resources: [], detail: {} },
                    answers: {
                        ScanCommand: {
                            Items: [
                                task,
                                { taskId: { S: `reported-warning#${taskId}#i-0c0c0c0c0c0c0c0c0#scheduler:ebs-snapshot` }, task: { S: taskId }, tagValue: { S: "9999" } },
                            ],
                        },
                        DescribeInstancesCommand: {
                            Reservations: [
                                {
                                    Instances: [
                                        { InstanceId: "i-0a0a0a0a0a0a0a0a0", Tags: tagList({ "scheduler:ebs-snapshot": "2330;7;utc;all", Name: "web", ...own }) },
                                        { InstanceId: "i-0b0b0b0b0b0b0b0b0", Tags: tagList({ "scheduler:ebs-snapshot": "25:00", ...own }) },
                                    ],
                                },
                            ],
                        },
                        DescribeSnapshotsCommand: { Snapshots: [{ SnapshotId: "snap-0e0e0e0e0e0e0e0e0", State: "completed", Tags: tagList(ownTags) }] },
                        CreateSnapshotsCommand: {
                            Snapshots: [
                                { SnapshotId: "snap-01010101010101010", VolumeId: "vol-01010101010101010" },
                                { SnapshotId: "snap-02020202020202020", VolumeId: "vol-02020202020202020" },
                            ],
                        },
                        PublishCommand: { MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e" },
                    },
                    tags: { [expired]: ownTags, [`arn:aws:ec2:${ix.region}:${ix.account}:instance/i-0a0a0a0a0a0a0a0a0`]: own },
                },
                ...ix
                    .ofType("aws:lambda/invocation:Invocation")
                    .filter((i) => i.parentUrn === component.urn && i.inputs.lifecycleScope === "CRUD")
                    .map((i) => ({
                        name: "pulumi destroy deletes the engine's snapshots",
                        event: { ...JSON.parse(i.inputs.input), tf: { action: "delete", prev_input: JSON.parse(i.inputs.input) } },
                        answers: { DescribeSnapshotsCommand: { Snapshots: [{ SnapshotId: "snap-0e0e0e0e0e0e0e0e0", State: "completed", Tags: tagList(ownTags) }] } },
                        tags: { [expired]: ownTags },
                    })),
            ];
        },
    },
};
