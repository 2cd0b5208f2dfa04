// How the authorization check (checks/authz/handlerCalls.ts) exercises this scenario's Lambda handlers, keyed by
// component type and function role (the HandlerFunction's name after the component's): the SDK clients to record
// and representative invocations built from the stack, or why a function makes no AWS call. npm run authz and
// npm test run every function of a stack this way; a function without an entry fails them.
import { IAMClient } from "@aws-sdk/client-iam";
import { SFNClient } from "@aws-sdk/client-sfn";
import type { HandlerRuns } from "../../checks/authz/handlerCalls";

export const handlerRuns: HandlerRuns = {
    "aws-blueprints:cost:BudgetGuardrail/alert": {
        clients: [SFNClient],
        scenarios: ({ ix, env }) => [
            {
                name: "an ACTUAL notification of the guarded budget",
                event: {
                    Records: [
                        {
                            EventSource: "aws:sns",
                            Sns: {
                                TopicArn: env.TOPIC_ARN,
                                MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
                                Subject: `AWS Budgets: ${env.BUDGET_NAME} has exceeded your alert threshold`,
                                Message: `AWS Budget Notification January 01, 2025\nAWS Account ${ix.account}\n\nDear AWS Customer,\n\nYou requested that we alert you when the ACTUAL Cost associated with your ${env.BUDGET_NAME} budget is greater than $2.00 for the current month. The ACTUAL Cost associated with this budget is $2.50. You can find additional details below and by accessing the AWS Budgets dashboard [1].\n\nBudget Name: ${env.BUDGET_NAME}\nBudget Type: Cost\nBudgeted Amount: $2.00\nAlert Type: ACTUAL\nAlert Threshold: > $2.00\nACTUAL Amount: $2.50\n\n[1] https://console.aws.amazon.com/billing/home#/budgets\n`,
                            },
                        },
                    ],
                },
                answers: { StartExecutionCommand: { executionArn: `${env.STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:x`, startDate: new Date() } },
            },
        ],
    },
    "aws-blueprints:cost:BudgetGuardrail/action": {
        clients: [IAMClient],
        scenarios: ({ env }) => [
            { name: "enforce", event: { mode: "enforce" }, answers: { ListAttachedGroupPoliciesCommand: { AttachedPolicies: [{ PolicyName: "AmazonEC2FullAccess", PolicyArn: env.FULL_ACCESS_POLICY_ARN }] } } },
            { name: "restore", event: { mode: "restore" }, answers: { ListAttachedGroupPoliciesCommand: { AttachedPolicies: [{ PolicyName: "AmazonEC2ReadOnlyAccess", PolicyArn: env.READ_ONLY_POLICY_ARN }] } } },
        ],
    },
};
