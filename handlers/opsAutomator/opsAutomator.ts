// The Ops Automator engine: on each scheduled run it loads the enabled tasks from its DynamoDB table, runs each one,
// publishes how many failed as a custom metric (alarmed), tells people about failures on SNS, and throws when any
// task failed so the run is visibly failed (Lambda's Errors metric, retries) rather than reported as a success.
// Warnings (a schedule tag nobody can read) do not fail the run: each is counted in a metric on every run but
// notified once, remembered in a small item of the task table until the tag is fixed, changed or gone.
import type { CloudWatch } from "@aws-sdk/client-cloudwatch";
import type { AttributeValue, DynamoDB } from "@aws-sdk/client-dynamodb";
import type { SNS } from "@aws-sdk/client-sns";
import { namedError } from "../shared/errors";
import { fitSnsMessage, shown } from "../shared/text";
import { runSnapshotScheduler, ScheduleTagWarning, SnapshotTaskDeps, windowEnding } from "./snapshotScheduler";

const SNAPSHOT_ACTION = "ebs-snapshot-scheduler";
const MAX_PAGES = 100;
const REPORTED_PREFIX = "reported-warning#";

/** Actions a task item may name. */
export function taskActions(): string[] {
    return [SNAPSHOT_ACTION];
}

/** Name of the failures metric (per run, dimension `Engine`). */
export function failureMetricName(): string {
    return "TaskFailures";
}

/** Name of the warnings metric (current unreadable schedule tags, per run, dimension `Engine`). */
export function warningMetricName(): string {
    return "TaskWarnings";
}

/**
 * Key prefix of the table items in which the engine remembers the warnings it has notified. They are not tasks
 * (the runner skips them), and the runner's role may write only items with this prefix.
 */
export function reportedWarningPrefix(): string {
    return REPORTED_PREFIX;
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
    /** The tag an instance must also carry for this engine to snapshot it (its own deployment's). */
    readonly instanceTag?: { readonly key: string; readonly value: string };
}

export interface RunnerDeps {
    readonly dynamodb: Pick<DynamoDB, "scan" | "putItem" | "deleteItem">;
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

/** A warning of one task: something it skipped that a person should fix, which is not a failure of the task. */
export interface TaskWarning extends ScheduleTagWarning {
    readonly taskId: string;
}

export interface TaskOutcome {
    readonly taskId: string;
    readonly action?: string;
    readonly status: "succeeded" | "failed";
    /** Present when the task ran to the end; its warnings are then complete. */
    readonly result?: unknown;
    readonly issues: readonly string[];
    readonly warnings: readonly TaskWarning[];
}

export interface RunSummary {
    readonly windowEnd: string;
    readonly windowMinutes: number;
    readonly tasks: readonly TaskOutcome[];
    readonly failures: number;
    /** Every current warning (also those notified by an earlier run). */
    readonly warnings: readonly TaskWarning[];
    /** Warnings notified by this run: new ones, or a tag whose value changed. */
    readonly newWarnings: readonly TaskWarning[];
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
        throw fail(`action ${shown(data.action ?? null)} is not one of ${taskActions().join(", ")}`);
    }
    if (typeof data.enabled !== "boolean") throw fail(`enabled must be a boolean; got ${shown(data.enabled ?? null)}`);
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
        throw malformedEventError(`expected a "Scheduled Event", got ${shown(detailType)}`);
    }
    if (event.time === undefined) return now;
    const at = typeof event.time === "string" ? new Date(event.time) : new Date(NaN);
    if (Number.isNaN(at.getTime())) throw malformedEventError(`time ${shown(event.time)} is not an ISO 8601 time`);
    return at;
}

async function runTask(task: TaskRecord, window: ReturnType<typeof windowEnding>, config: RunnerConfig, deps: RunnerDeps): Promise<TaskOutcome> {
    try {
        switch (task.action) {
            case SNAPSHOT_ACTION: {
                const result = await runSnapshotScheduler(task.parameters, { window, markerValue: config.snapshotMarkerValue, instanceTag: config.instanceTag }, { ec2: deps.ec2, log: deps.log });
                return {
                    taskId: task.taskId,
                    action: task.action,
                    status: result.issues.length > 0 ? "failed" : "succeeded",
                    result,
                    issues: result.issues,
                    warnings: result.warnings.map((w) => ({ taskId: task.taskId, ...w })),
                };
            }
            default:
                return { taskId: task.taskId, action: task.action, status: "failed", issues: [`no handler for action ${task.action}`], warnings: [] };
        }
    } catch (err) {
        return { taskId: task.taskId, action: task.action, status: "failed", issues: [errorText(err)], warnings: [] };
    }
}

/** The table key under which a warning is remembered once notified. */
function warningKey(w: TaskWarning): string {
    return `${REPORTED_PREFIX}${w.taskId}#${w.instanceId}#${w.tagKey}`;
}

interface ReportedWarning {
    readonly taskId?: string;
    readonly tagValue?: string;
}

function report(summary: RunSummary, engineIssues: readonly string[]): string {
    const failed = summary.tasks.filter((t) => t.status === "failed");
    const byTask = new Map<string, TaskWarning[]>();
    for (const w of summary.newWarnings) {
        const list = byTask.get(w.taskId);
        if (list) list.push(w);
        else byTask.set(w.taskId, [w]);
    }
    const warned = summary.tasks.filter((t) => byTask.has(t.taskId));
    return [
        `Ops Automator run for the window ending ${summary.windowEnd} (${summary.windowMinutes} minutes): ` +
            `${failed.length} of ${summary.tasks.length} task(s) failed.`,
        ...failed.flatMap((t) => ["", `Task ${t.taskId}${t.action ? ` (${t.action})` : ""}:`, ...t.issues.map((i) => `  - ${i}`)]),
        ...(summary.newWarnings.length > 0
            ? [
                  "",
                  `Warnings (reported once; the other instances are served, and fixing the tag resumes this one):`,
                  ...warned.flatMap((t) => [
                      `Task ${t.taskId}${t.action ? ` (${t.action})` : ""}:`,
                      ...(byTask.get(t.taskId) ?? []).map((w) => `  - ${w.message}`),
                  ]),
              ]
            : []),
        ...(engineIssues.length > 0 ? ["", "Engine:", ...engineIssues.map((i) => `  - ${i}`)] : []),
    ].join("\n");
}

function subject(summary: RunSummary): string {
    const text = summary.failures > 0 ? `Ops Automator: ${summary.failures} task(s) failed` : `Ops Automator: ${summary.newWarnings.length} new warning(s)`;
    return text.slice(0, 100);
}

/**
 * One scheduled run. Throws on a malformed event (before any call) and, at the end, when a task failed or an AWS
 * call of the engine itself failed; warnings alone never fail it.
 */
export async function runOpsAutomator(event: unknown, config: RunnerConfig, deps: RunnerDeps): Promise<RunSummary> {
    const log = deps.log ?? (() => undefined);
    const now = (deps.now ?? (() => new Date()))();
    const window = windowEnding(triggerTime(event, now), config.windowMinutes);

    const outcomes: TaskOutcome[] = [];
    const reported = new Map<string, ReportedWarning>();
    const enabledTasks = new Set<string>();
    try {
        for (const item of await loadItems(config, deps)) {
            const id = item.taskId?.S;
            if (id?.startsWith(REPORTED_PREFIX)) {
                reported.set(id, { taskId: item.task?.S, tagValue: item.tagValue?.S });
                continue;
            }
            let task: TaskRecord;
            try {
                task = taskFromItem(item);
            } catch (err) {
                outcomes.push({ taskId: id ?? "(no taskId)", status: "failed", issues: [(err as Error).message], warnings: [] });
                continue;
            }
            if (!task.enabled) continue;
            enabledTasks.add(task.taskId);
            const outcome = await runTask(task, window, config, deps);
            log(`task ${outcome.status}`, { taskId: outcome.taskId, action: outcome.action, result: outcome.result, issues: outcome.issues });
            outcomes.push(outcome);
        }
    } catch (err) {
        outcomes.push({ taskId: "(task table)", status: "failed", issues: [`could not load tasks from ${config.tableName}: ${errorText(err)}`], warnings: [] });
    }

    const warnings = outcomes.flatMap((o) => o.warnings);
    const current = new Set(warnings.map(warningKey));
    const complete = new Set(outcomes.filter((o) => o.result !== undefined).map((o) => o.taskId));
    // A remembered warning is forgotten once its task listed everything without it (the tag was fixed or removed,
    // the instance is gone) or the task no longer runs, so the same bad value is reported again if it comes back.
    const stale = [...reported].filter(([key, r]) => !current.has(key) && (r.taskId === undefined || complete.has(r.taskId) || !enabledTasks.has(r.taskId)));
    const summary: RunSummary = {
        windowEnd: window.end.toISOString(),
        windowMinutes: window.minutes,
        tasks: outcomes,
        failures: outcomes.filter((o) => o.status === "failed").length,
        warnings,
        newWarnings: warnings.filter((w) => reported.get(warningKey(w))?.tagValue !== w.tagValue),
    };
    const engineIssues: string[] = [];
    const dimensions = [{ Name: "Engine", Value: config.engineName }];
    try {
        await deps.cloudwatch.putMetricData({
            Namespace: config.metricNamespace,
            MetricData: [
                { MetricName: failureMetricName(), Dimensions: dimensions, Timestamp: window.end, Unit: "Count", Value: summary.failures },
                { MetricName: "TasksRun", Dimensions: dimensions, Timestamp: window.end, Unit: "Count", Value: outcomes.length },
                { MetricName: warningMetricName(), Dimensions: dimensions, Timestamp: window.end, Unit: "Count", Value: warnings.length },
            ],
        });
    } catch (err) {
        engineIssues.push(`could not publish the ${failureMetricName()} metric: ${errorText(err)}`);
    }

    let notified = false;
    if (summary.failures > 0 || summary.newWarnings.length > 0 || engineIssues.length > 0) {
        try {
            // Cut to SNS's limit: thousands of failing instances or bad tags would otherwise fail Publish on every run.
            await deps.sns.publish({ TopicArn: config.topicArn, Subject: subject(summary), Message: fitSnsMessage(report(summary, engineIssues)) });
            notified = true;
        } catch (err) {
            engineIssues.push(`could not notify ${config.topicArn}: ${errorText(err)}`);
        }
    }
    // Remembered only once notified: a run whose notification failed leaves them for its retry to report.
    const remember = notified ? summary.newWarnings : [];
    for (const w of remember) {
        try {
            await deps.dynamodb.putItem({
                TableName: config.tableName,
                Item: {
                    taskId: { S: warningKey(w) },
                    task: { S: w.taskId },
                    instanceId: { S: w.instanceId },
                    tagKey: { S: w.tagKey },
                    tagValue: { S: w.tagValue },
                    message: { S: w.message },
                    reportedAt: { S: now.toISOString() },
                },
            });
        } catch (err) {
            engineIssues.push(`could not remember the reported warning ${warningKey(w)}: ${errorText(err)}`);
        }
    }
    for (const [key] of stale) {
        try {
            await deps.dynamodb.deleteItem({ TableName: config.tableName, Key: { taskId: { S: key } } });
        } catch (err) {
            engineIssues.push(`could not forget the resolved warning ${key}: ${errorText(err)}`);
        }
    }
    const notifiedNow = new Set(notified ? summary.newWarnings : []);
    for (const w of warnings) log("warning", { ...w, notified: notifiedNow.has(w) });

    if (summary.failures === 0 && engineIssues.length === 0) {
        log("run succeeded", { ...summary });
        return summary;
    }
    log("run failed", { ...summary, engineIssues });
    throw tasksFailedError(report(summary, engineIssues), summary);
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
        ...(env.INSTANCE_TAG_KEY ? { instanceTag: { key: env.INSTANCE_TAG_KEY, value: env.INSTANCE_TAG_VALUE ?? "" } } : {}),
    };
}
