// The Ops Automator's real-shaped inputs, shared by its example tests and its properties: EventBridge's scheduled
// event, the runner's configuration, the task item the component seeds into the table, and the instance tags the
// snapshot scheduler reads.
import { AttributeValue } from "@aws-sdk/client-dynamodb";
import { RunnerConfig } from "../../handlers/opsAutomator/opsAutomator";
import { snapshotTaskItem } from "../../scenarios/opsAutomator/component";

export const MARKER = "ops-automator-tasks-1a2b3c4";

export const runnerConfig: RunnerConfig = {
    tableName: MARKER,
    topicArn: "arn:aws:sns:us-east-1:123456789012:ops-automator-issues",
    metricNamespace: "AwsBlueprints/OpsAutomator",
    engineName: "ops-automator-dev",
    windowMinutes: 5,
    snapshotMarkerValue: MARKER,
    // The component's default: only its own deployment's instances.
    instanceTag: { key: "environment", value: "dev" },
};

/** The snapshot scheduler's task item, as the component seeds it. */
export const seed = JSON.parse(snapshotTaskItem(true, 15)) as Record<string, AttributeValue>;
export const disabled: Record<string, AttributeValue> = { ...seed, taskId: { S: "paused-copy" }, enabled: { BOOL: false } };

/** EventBridge's scheduled event for the runner's rule, at `time`. */
export const scheduled = (time: string) => ({
    version: "0",
    id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "123456789012",
    time,
    region: "us-east-1",
    resources: ["arn:aws:events:us-east-1:123456789012:rule/ops-automator-schedule"],
    detail: {},
});
