// Master handler of the budget guardrail: reads AWS Budgets notifications delivered by SNS and starts
// the enforcement state machine for an ACTUAL overspend of the one budget it guards.
import type { SFN } from "@aws-sdk/client-sfn";
import { hasErrorName, namedError } from "../shared/errors";

export interface BudgetAlertConfig {
    /** Name of the guarded budget; notifications for other budgets are dropped. */
    readonly budgetName: string;
    /** Account the budget belongs to. */
    readonly accountId: string;
    /** Topic the budget notifies; records from other topics are dropped. */
    readonly topicArn: string;
    /** Enforcement state machine started for an ACTUAL overspend. */
    readonly stateMachineArn: string;
}

export interface BudgetAlertDeps {
    readonly sfn: Pick<SFN, "startExecution">;
    readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

/** The fields of an AWS Budgets notification (plain text, one `Key: value` per line). */
export interface BudgetNotification {
    readonly budgetName: string;
    readonly alertType: "ACTUAL" | "FORECASTED";
    readonly budgetType?: string;
    readonly budgetedAmount?: string;
    readonly alertThreshold?: string;
    /** The `ACTUAL Amount` or `FORECASTED Amount` line. */
    readonly amount?: string;
    /** From the `AWS Account <id>` line. */
    readonly accountId?: string;
}

export type BudgetAlertOutcome =
    | { readonly status: "ignored"; readonly reason: string; readonly messageId?: string }
    | { readonly status: "started" | "already-started"; readonly executionName: string; readonly messageId: string };

export interface BudgetAlertResult {
    readonly outcomes: BudgetAlertOutcome[];
}

export function malformedEventError(message: string): Error {
    return namedError("MalformedEventError", `Malformed budget alert event: ${message}`);
}

export function malformedNotificationError(message: string): Error {
    return namedError("MalformedNotificationError", `Malformed AWS Budgets notification: ${message}`);
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

// The message is split and trimmed by hand: a pattern with two whitespace runs that may match the same spaces
// (`[A-Za-z ]*?\s*:`, `(.*?)\s*$`, or a multiline `^\s*`) backtracks quadratically on a long line or a run of blank
// lines, and SNS delivers up to 256 KB.
function linesOf(message: string): string[] {
    return message.split(/\r?\n/).map((line) => line.trim());
}

function fieldsOf(message: string): Map<string, string> {
    const fields = new Map<string, string>();
    for (const line of linesOf(message)) {
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        const key = line.slice(0, colon).trimEnd();
        if (/^[A-Za-z][A-Za-z ]*$/.test(key) && !fields.has(key)) fields.set(key, line.slice(colon + 1).trim());
    }
    return fields;
}

/**
 * Parses the text AWS Budgets publishes to SNS ("AWS Budget Notification <date>", "AWS Account <id>", then
 * `Budget Name:`, `Budget Type:`, `Budgeted Amount:`, `Alert Type:`, `Alert Threshold:`, `<TYPE> Amount:`).
 * Returns undefined for a message that is not a budget notification at all; throws when a message that says
 * it is one lacks the fields enforcement depends on.
 */
export function parseBudgetNotification(message: string): BudgetNotification | undefined {
    if (!/^\s*AWS Budget Notification\b/.test(message)) return undefined;
    const fields = fieldsOf(message);
    const budgetName = fields.get("Budget Name");
    if (!budgetName) throw malformedNotificationError("no Budget Name line");
    const alertType = fields.get("Alert Type");
    if (alertType !== "ACTUAL" && alertType !== "FORECASTED") {
        throw malformedNotificationError(`Alert Type must be ACTUAL or FORECASTED; got ${JSON.stringify(alertType ?? null)}`);
    }
    const account = linesOf(message)
        .map((line) => /^AWS Account (\d{12})$/.exec(line))
        .find((m) => m !== null);
    return {
        budgetName,
        alertType,
        budgetType: fields.get("Budget Type"),
        budgetedAmount: fields.get("Budgeted Amount"),
        alertThreshold: fields.get("Alert Threshold"),
        amount: fields.get(`${alertType} Amount`),
        accountId: account?.[1],
    };
}

/** An execution name unique per SNS message (a redelivered message maps to the same execution). */
export function executionName(messageId: string): string {
    return `budget-${messageId}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 80);
}

interface SnsRecord {
    readonly messageId: string;
    readonly topicArn: string;
    readonly message: string;
    readonly subject?: string;
    readonly timestamp?: string;
}

function snsRecords(event: unknown): SnsRecord[] {
    if (!isObject(event) || !Array.isArray(event.Records) || event.Records.length === 0) {
        throw malformedEventError("expected an SNS event with at least one record in Records");
    }
    return event.Records.map((r: unknown, i: number) => {
        if (!isObject(r) || r.EventSource !== "aws:sns" || !isObject(r.Sns)) {
            throw malformedEventError(`record ${i} is not an SNS record`);
        }
        const { MessageId, TopicArn, Message, Subject, Timestamp } = r.Sns;
        if (typeof MessageId !== "string" || MessageId.length === 0) throw malformedEventError(`record ${i} has no MessageId`);
        if (typeof TopicArn !== "string") throw malformedEventError(`record ${i} has no TopicArn`);
        if (typeof Message !== "string") throw malformedEventError(`record ${i} has no Message text`);
        return {
            messageId: MessageId,
            topicArn: TopicArn,
            message: Message,
            subject: typeof Subject === "string" ? Subject : undefined,
            timestamp: typeof Timestamp === "string" ? Timestamp : undefined,
        };
    });
}

function errorName(err: unknown): string {
    return isObject(err) ? String(err.name ?? "") : "";
}

/**
 * Handles one SNS delivery. Messages that are not ACTUAL notifications of the guarded budget are logged and
 * dropped; an ACTUAL overspend starts the enforcement state machine once per message. Every record is
 * validated before anything is started; any AWS failure is thrown.
 */
export async function handleBudgetAlert(event: unknown, config: BudgetAlertConfig, deps: BudgetAlertDeps): Promise<BudgetAlertResult> {
    const log = deps.log ?? (() => undefined);
    const records = snsRecords(event);
    const decisions = records.map((record) => {
        if (record.topicArn !== config.topicArn) {
            return { record, ignore: `message from ${record.topicArn}, not the budget topic` };
        }
        let notification: BudgetNotification | undefined;
        try {
            notification = parseBudgetNotification(record.message);
        } catch (err) {
            // A garbled notification of another budget is not ours to judge; one of ours must surface.
            const named = fieldsOf(record.message).get("Budget Name");
            if (!hasErrorName(err, "MalformedNotificationError") || !named || named === config.budgetName) throw err;
            return { record, ignore: `malformed notification for budget ${named}, not ${config.budgetName}` };
        }
        if (!notification) return { record, ignore: `not an AWS Budgets notification (subject ${JSON.stringify(record.subject ?? "")})` };
        if (notification.budgetName !== config.budgetName) {
            return { record, ignore: `notification for budget ${notification.budgetName}, not ${config.budgetName}` };
        }
        if (notification.accountId && notification.accountId !== config.accountId) {
            return { record, ignore: `notification for account ${notification.accountId}, not ${config.accountId}` };
        }
        if (notification.alertType === "FORECASTED") {
            return { record, ignore: `forecast warning (${notification.amount ?? "no amount"} forecast): no enforcement` };
        }
        return { record, notification };
    });

    const outcomes: BudgetAlertOutcome[] = [];
    for (const d of decisions) {
        if (!("notification" in d) || !d.notification) {
            log("message dropped", { messageId: d.record.messageId, reason: d.ignore });
            outcomes.push({ status: "ignored", reason: d.ignore ?? "", messageId: d.record.messageId });
            continue;
        }
        const n = d.notification;
        const name = executionName(d.record.messageId);
        const input = {
            source: "aws-budgets",
            budgetName: n.budgetName,
            alertType: n.alertType,
            amount: n.amount ?? null,
            budgetedAmount: n.budgetedAmount ?? null,
            alertThreshold: n.alertThreshold ?? null,
            messageId: d.record.messageId,
            notifiedAt: d.record.timestamp ?? null,
        };
        try {
            await deps.sfn.startExecution({ stateMachineArn: config.stateMachineArn, name, input: JSON.stringify(input) });
            log("enforcement started", { executionName: name, budgetName: n.budgetName, amount: n.amount });
            outcomes.push({ status: "started", executionName: name, messageId: d.record.messageId });
        } catch (err) {
            // SNS redelivers on failure; an execution with this name means the message was already acted on.
            if (errorName(err) !== "ExecutionAlreadyExists") throw err;
            log("enforcement already started for this message", { executionName: name });
            outcomes.push({ status: "already-started", executionName: name, messageId: d.record.messageId });
        }
    }
    return { outcomes };
}

/** Reads the function's configuration from its environment variables; throws naming a missing one. */
export function configFromEnvironment(env: Readonly<Record<string, string | undefined>>): BudgetAlertConfig {
    const required = (key: string): string => {
        const v = env[key];
        if (!v) throw new Error(`${key} is not set`);
        return v;
    };
    return {
        budgetName: required("BUDGET_NAME"),
        accountId: required("ACCOUNT_ID"),
        topicArn: required("TOPIC_ARN"),
        stateMachineArn: required("STATE_MACHINE_ARN"),
    };
}
