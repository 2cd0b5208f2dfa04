// The budget guardrail's real-shaped events and configuration, shared by its example tests and its properties: AWS
// Budgets' notification through SNS (the alert function), and the state machines' and the deployment's requests
// (the action function).
import { BudgetAlertConfig } from "../../handlers/budgetGuardrail/budgetAlert";
import { EnforcementConfig } from "../../handlers/budgetGuardrail/budgetEnforcement";

export const TOPIC = "arn:aws:sns:us-east-1:123456789012:budget-guardrail-alerts-1a2b3c4";
export const MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:budget-guardrail-enforce-5d6e7f8";
export const alertConfig: BudgetAlertConfig = { budgetName: "budget-guardrail-dev", accountId: "123456789012", topicArn: TOPIC, stateMachineArn: MACHINE };

/** The lines AWS Budgets publishes, as in real deliveries (a monthly budget; daily ones say "per day"). */
export function budgetMessageLines(fields: { name?: string; type?: string; amount?: string; account?: string } = {}): string[] {
    const type = fields.type ?? "ACTUAL";
    const name = fields.name ?? "budget-guardrail-dev";
    return [
        "AWS Budget Notification March 05, 2026",
        `AWS Account ${fields.account ?? "123456789012"}`,
        "",
        "Dear AWS Customer,",
        "",
        `You requested that we alert you when the ${type} Cost associated with your ${name} budget is greater than $2.00 for the current month. ` +
            `The ${type} Cost associated with this budget is ${fields.amount ?? "$2.17"}. You can find additional details below and by accessing the AWS Budgets dashboard [1].`,
        "",
        `Budget Name: ${name}`,
        "Budget Type: Cost",
        "Budgeted Amount: $2.00",
        `Alert Type: ${type}`,
        "Alert Threshold: > $2.00",
        `${type} Amount: ${fields.amount ?? "$2.17"}`,
        "",
        "[1] https://console.aws.amazon.com/costmanagement/home#/budgets",
        "",
    ];
}

export function budgetMessage(fields: Parameters<typeof budgetMessageLines>[0] = {}): string {
    return budgetMessageLines(fields).join("\n");
}

/** An SNS delivery of a message to the function, as Lambda receives it. */
export function snsEvent(message: string = budgetMessage(), extra: { topicArn?: string; messageId?: string; subject?: string } = {}) {
    return {
        Records: [
            {
                EventSource: "aws:sns",
                EventVersion: "1.0",
                EventSubscriptionArn: `${TOPIC}:0afa48ef-db9f-5b07-9359-149237adeae5`,
                Sns: {
                    Type: "Notification",
                    MessageId: extra.messageId ?? "0afa48ef-db9f-5b07-9359-149237adeae5",
                    TopicArn: extra.topicArn ?? TOPIC,
                    Subject: extra.subject ?? "AWS Budgets: budget-guardrail-dev has exceeded your alert threshold",
                    Message: message,
                    Timestamp: "2026-03-05T01:01:38.638Z",
                    SignatureVersion: "1",
                    MessageAttributes: {},
                },
            },
        ],
    };
}

export const FULL = "arn:aws:iam::aws:policy/AmazonEC2FullAccess";
export const READ_ONLY = "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess";
export const GROUP = "budget-guardrail-developers-4f2a9c1";
export const enforcementConfig: EnforcementConfig = { groupName: GROUP, fullAccessPolicyArn: FULL, readOnlyPolicyArn: READ_ONLY };

/** What the enforcement and restore state machines send the action function (their task's Payload). */
export function stateMachineRequest(mode: "enforce" | "restore") {
    return { mode, execution: `arn:aws:states:us-east-1:123456789012:execution:budget-guardrail-${mode}-5d6e7f8:0afa48ef-db9f-5b07-9359-149237adeae5` };
}

/**
 * The deployment's invocation (aws.lambda.Invocation with lifecycleScope CRUD): the recorded input plus `tf`, and on
 * update or delete the input recorded before.
 */
export function lifecycleRequest(action: "create" | "update" | "delete", groupName = GROUP, previousGroup = GROUP) {
    const input = { mode: "restore", groupName, reason: "initial EC2 full access for the project group" };
    return { ...input, tf: { action, prev_input: action === "create" ? null : { ...input, groupName: previousGroup } } };
}
