// The Ops Automator engine: on each scheduled run it loads the enabled tasks from its DynamoDB table, runs each one,
// publishes how many failed as a custom metric (alarmed), tells people about failures on SNS, and throws when any
// task failed so the run is visibly failed (Lambda's Errors metric, retries) rather than reported as a success.
import type { CloudWatch } from "@aws-sdk/client-cloudwatch";
import type { AttributeValue, DynamoDB } from "@aws-sdk/client-dynamodb";
import type { SNS } from "@aws-sdk/client-sns";
import { namedError } from "./errors";
import { runSnapshotScheduler, SnapshotTaskDeps, windowEnding } from "./snapshotScheduler";

const SNAPSHOT_ACTION = "ebs-snapshot-scheduler";
const MAX_PAGES = 100;

/** Actions a task item may name. */
export function taskActions(): string[] {
    return [SNAPSHOT_ACTION];
}

/** Name of the failures metric (per run, dimension `Engine`). */
export function failureMetricName(): string {
    return "TaskFailures";
}

export interface RunnerConfig {
    /** Table holding the task items. */
    readonly tableName: string;
    /** Topic told about failures. */
    readonly topicArn: string;
    /** CloudWatch namespace of the engine's metrics. */
    readonly metricNamespace: string;
    /** Value of the metrics' `Engine` dimension. */
    readonly engineName: string;
    /** Minutes between scheduled runs; a run covers the last window of that length. */
    readonly windowMinutes: number;
    /** Marker tag value of the snapshots this engine creates. */
    readonly snapshotMarkerValue: string;
}

export interface RunnerDeps {
    readonly dynamodb: Pick<DynamoDB, "scan">;
    readonly cloudwatch: Pick<CloudWatch, "putMetricData">;
    readonly sns: Pick<SNS, "publish">;
    readonly ec2: SnapshotTaskDeps["ec2"];
    /** @default the system clock */
    readonly now?: () => Date;
    readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

/** A task item of the table. */
export interface TaskRecord {
    readonly taskId: string;
    readonly action: string;
    readonly enabled: boolean;
    readonly description?: string;
    readonly parameters: Record<string, unknown>;
}

export interface TaskOutcome {
    readonly taskId: string;
    readonly action?: string;
    readonly status: "succeeded" | "failed";
    readonly result?: unknown;
    readonly issues: readonly string[];
}

export interface RunSummary {
    readonly windowEnd: string;
    readonly windowMinutes: number;
    readonly tasks: readonly TaskOutcome[];
    readonly failures: number;
}

export function malformedEventError(message: string): Error {
    return namedError("MalformedEventError", `Malformed Ops Automator event: ${message}`);
}

export function taskDefinitionError(message: string): Error {
    return namedError("TaskDefinitionError", message);
}

/** Thrown at the end of a run in which a task failed, after the metric and the notification. */
export type TasksFailedError = Error & { readonly summary: RunSummary };

export function tasksFailedError(message: string, summary: RunSummary): TasksFailedError {
    return namedError("TasksFailedError", message, { summary });
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function errorText(err: unknown): string {
    const e = err as { name?: string; message?: string };
    return `${e?.name ?? "Error"}: ${e?.message ?? String(err)}`;
}

/** A DynamoDB attribute value as plain data (strings, numbers, booleans, null, lists, maps, sets). */
export function fromAttributeValue(v: AttributeValue): unknown {
    if (v.S !== undefined) return v.S;
    if (v.N !== undefined) return Number(v.N);
    if (v.BOOL !== undefined) return v.BOOL;
    if (v.NULL !== undefined) return null;
    if (v.L !== undefined) return v.L.map(fromAttributeValue);
    if (v.M !== undefined) return Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, fromAttributeValue(x)]));
    if (v.SS !== undefined) return [...v.SS];
    if (v.NS !== undefined) return v.NS.map(Number);
    throw taskDefinitionError(`unsupported attribute type ${Object.keys(v).join(",")}`);
}

/** Validates one table item as a task. */
export function taskFromItem(item: Record<string, AttributeValue>): TaskRecord {
    const id = item.taskId?.S;
    if (!id) throw taskDefinitionError("a task item has no string taskId");
    const fail = (what: string) => taskDefinitionError(`task ${id}: ${what}`);
    const data = Object.fromEntries(Object.entries(item).map(([k, v]) => [k, fromAttributeValue(v)]));
    if (typeof data.action !== "string" || !taskActions().includes(data.action)) {
        throw fail(`action ${JSON.stringify(data.action ?? null)} is not one of ${taskActions().join(", ")}`);
    }
    if (typeof data.enabled !== "boolean") throw fail(`enabled must be a boolean; got ${JSON.stringify(data.enabled ?? null)}`);
    if (data.parameters !== undefined && !isObject(data.parameters)) throw fail("parameters must be a map");
    if (data.description !== undefined && typeof data.description !== "string") throw fail("description must be a string");
    return {
        taskId: id,
        action: data.action,
        enabled: data.enabled,
        description: data.description as string | undefined,
        parameters: (data.parameters as Record<string, unknown> | undefined) ?? {},
    };
}

async function loadItems(config: RunnerConfig, deps: RunnerDeps): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
        const out = await deps.dynamodb.scan({ TableName: config.tableName, ConsistentRead: true, ExclusiveStartKey: start });
        items.push(...(out.Items ?? []));
        start = out.LastEvaluatedKey;
        if (!start) return items;
    }
    throw new Error(`the task table returned more than ${MAX_PAGES} pages`);
}

/** The end of the window this run covers: the scheduled event's time (or now for a manual run). */
function triggerTime(event: unknown, now: Date): Date {
    if (!isObject(event)) throw malformedEventError("the event must be an object");
    const detailType = event["detail-type"];
    if (detailType !== undefined && detailType !== "Scheduled Event") {
        throw malformedEventError(`expected a "Scheduled Event", got ${JSON.stringify(detailType)}`);
    }
    if (event.time === undefined) return now;
    const at = typeof event.time === "string" ? new Date(event.time) : new Date(NaN);
    if (Number.isNaN(at.getTime())) throw malformedEventError(`time ${JSON.stringify(event.time)} is not an ISO 8601 time`);
    return at;
}

async function runTask(task: TaskRecord, window: ReturnType<typeof windowEnding>, config: RunnerConfig, deps: RunnerDeps): Promise<TaskOutcome> {
    try {
        switch (task.action) {
            case SNAPSHOT_ACTION: {
                const result = await runSnapshotScheduler(task.parameters, { window, markerValue: config.snapshotMarkerValue }, { ec2: deps.ec2, log: deps.log });
                return { taskId: task.taskId, action: task.action, status: result.issues.length > 0 ? "failed" : "succeeded", result, issues: result.issues };
            }
            default:
                return { taskId: task.taskId, action: task.action, status: "failed", issues: [`no handler for action ${task.action}`] };
        }
    } catch (err) {
        return { taskId: task.taskId, action: task.action, status: "failed", issues: [errorText(err)] };
    }
}

function report(summary: RunSummary, engineIssues: readonly string[]): string {
    const failed = summary.tasks.filter((t) => t.status === "failed");
    return [
        `Ops Automator run for the window ending ${summary.windowEnd} (${summary.windowMinutes} minutes): ` +
            `${failed.length} of ${summary.tasks.length} task(s) failed.`,
        ...failed.flatMap((t) => ["", `Task ${t.taskId}${t.action ? ` (${t.action})` : ""}:`, ...t.issues.map((i) => `  - ${i}`)]),
        ...(engineIssues.length > 0 ? ["", "Engine:", ...engineIssues.map((i) => `  - ${i}`)] : []),
    ].join("\n");
}

/** One scheduled run. Throws on a malformed event (before any call) and, at the end, when anything failed. */
export async function runOpsAutomator(event: unknown, config: RunnerConfig, deps: RunnerDeps): Promise<RunSummary> {
    const log = deps.log ?? (() => undefined);
    const window = windowEnding(triggerTime(event, (deps.now ?? (() => new Date()))()), config.windowMinutes);

    const outcomes: TaskOutcome[] = [];
    try {
        for (const item of await loadItems(config, deps)) {
            let task: TaskRecord;
            try {
                task = taskFromItem(item);
            } catch (err) {
                outcomes.push({ taskId: item.taskId?.S ?? "(no taskId)", status: "failed", issues: [(err as Error).message] });
                continue;
            }
            if (!task.enabled) continue;
            const outcome = await runTask(task, window, config, deps);
            log(`task ${outcome.status}`, { taskId: outcome.taskId, action: outcome.action, result: outcome.result, issues: outcome.issues });
            outcomes.push(outcome);
        }
    } catch (err) {
        outcomes.push({ taskId: "(task table)", status: "failed", issues: [`could not load tasks from ${config.tableName}: ${errorText(err)}`] });
    }

    const summary: RunSummary = {
        windowEnd: window.end.toISOString(),
        windowMinutes: window.minutes,
        tasks: outcomes,
        failures: outcomes.filter((o) => o.status === "failed").length,
    };
    const engineIssues: string[] = [];
    try {
        await deps.cloudwatch.putMetricData({
            Namespace: config.metricNamespace,
            MetricData: [
                {
                    MetricName: failureMetricName(),
                    Dimensions: [{ Name: "Engine", Value: config.engineName }],
                    Timestamp: window.end,
                    Unit: "Count",
                    Value: summary.failures,
                },
                {
                    MetricName: "TasksRun",
                    Dimensions: [{ Name: "Engine", Value: config.engineName }],
                    Timestamp: window.end,
                    Unit: "Count",
                    Value: outcomes.length,
                },
            ],
        });
    } catch (err) {
        engineIssues.push(`could not publish the ${failureMetricName()} metric: ${errorText(err)}`);
    }
    if (summary.failures === 0 && engineIssues.length === 0) {
        log("run succeeded", { ...summary });
        return summary;
    }
    const message = report(summary, engineIssues);
    try {
        await deps.sns.publish({
            TopicArn: config.topicArn,
            Subject: `Ops Automator: ${summary.failures} task(s) failed`.slice(0, 100),
            Message: message,
        });
    } catch (err) {
        engineIssues.push(`could not notify ${config.topicArn}: ${errorText(err)}`);
    }
    log("run failed", { ...summary, engineIssues });
    throw tasksFailedError([message, ...engineIssues.map((i) => `  - ${i}`)].join("\n"), summary);
}

/** Reads the runner's configuration from its environment; throws naming a missing or bad variable. */
export function configFromEnvironment(env: Readonly<Record<string, string | undefined>>): RunnerConfig {
    const need = (key: string): string => {
        const v = env[key];
        if (!v) throw new Error(`${key} is not set`);
        return v;
    };
    const windowMinutes = Number(need("WINDOW_MINUTES"));
    if (!Number.isInteger(windowMinutes) || windowMinutes < 1 || 60 % windowMinutes !== 0) {
        throw new Error(`WINDOW_MINUTES must divide 60; got ${JSON.stringify(env.WINDOW_MINUTES)}`);
    }
    return {
        tableName: need("TABLE_NAME"),
        topicArn: need("TOPIC_ARN"),
        metricNamespace: need("METRIC_NAMESPACE"),
        engineName: need("ENGINE_NAME"),
        windowMinutes,
        snapshotMarkerValue: need("SNAPSHOT_MARKER"),
    };
}
