import { SFN, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import {
    configFromEnvironment,
    executionName,
    handleBudgetAlert,
    parseBudgetNotification,
} from "../../handlers/budgetGuardrail/budgetAlert";
import { accessDenied, awsError, notFound, throttling } from "../faults";
import { alertConfig, budgetMessage, MACHINE, snsEvent, TOPIC } from "./events";

const config = alertConfig;

describe("budget alert handler", () => {
    const sfnMock = mockClient(SFNClient);
    const deps = () => ({ sfn: new SFN({ region: "us-east-1" }) });

    beforeEach(() => {
        sfnMock.reset();
        sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE}:x`, startDate: new Date() });
    });
    after(() => sfnMock.restore());

    describe("parsing AWS Budgets notifications", () => {
        it("reads the fields of a real ACTUAL notification", () => {
            assert.deepEqual(parseBudgetNotification(budgetMessage()), {
                budgetName: "budget-guardrail-dev",
                alertType: "ACTUAL",
                budgetType: "Cost",
                budgetedAmount: "$2.00",
                alertThreshold: "> $2.00",
                amount: "$2.17",
                accountId: "123456789012",
            });
        });

        it("reads a FORECASTED notification and its forecast amount", () => {
            const n = parseBudgetNotification(budgetMessage({ type: "FORECASTED", amount: "$3.40" }));
            assert.equal(n?.alertType, "FORECASTED");
            assert.equal(n?.amount, "$3.40");
        });

        it("is not fooled by text that is not a budget notification", () => {
            assert.equal(parseBudgetNotification("This is a mock notification"), undefined);
            assert.equal(parseBudgetNotification(JSON.stringify({ AlarmName: "x", NewStateValue: "ALARM" })), undefined);
            assert.equal(parseBudgetNotification("Budget Name: budget-guardrail-dev\nAlert Type: ACTUAL"), undefined, "the header is required");
        });

        it("refuses a budget notification without the fields enforcement needs", () => {
            assert.throws(() => parseBudgetNotification("AWS Budget Notification March 05, 2026\nAlert Type: ACTUAL"), {
                name: "MalformedNotificationError",
                message: "Malformed AWS Budgets notification: no Budget Name line",
            });
            assert.throws(
                () => parseBudgetNotification(budgetMessage().replace("Alert Type: ACTUAL", "Alert Type: SOMETIMES")),
                /Alert Type must be ACTUAL or FORECASTED; got "SOMETIMES"/,
            );
        });

        it("names executions after the SNS message id, within Step Functions' limits", () => {
            assert.equal(executionName("0afa48ef-db9f-5b07-9359-149237adeae5"), "budget-0afa48ef-db9f-5b07-9359-149237adeae5");
            assert.match(executionName("a:b/c".repeat(40)), /^[A-Za-z0-9_-]{1,80}$/);
        });
    });

    it("starts enforcement once for an ACTUAL overspend of the guarded budget", async () => {
        const result = await handleBudgetAlert(snsEvent(budgetMessage()), config, deps());
        assert.deepEqual(result.outcomes, [
            { status: "started", executionName: "budget-0afa48ef-db9f-5b07-9359-149237adeae5", messageId: "0afa48ef-db9f-5b07-9359-149237adeae5" },
        ]);
        const calls = sfnMock.commandCalls(StartExecutionCommand);
        assert.equal(calls.length, 1);
        const input = calls[0].args[0].input;
        assert.equal(input.stateMachineArn, MACHINE);
        assert.equal(input.name, "budget-0afa48ef-db9f-5b07-9359-149237adeae5");
        assert.deepEqual(JSON.parse(input.input!), {
            source: "aws-budgets",
            budgetName: "budget-guardrail-dev",
            alertType: "ACTUAL",
            amount: "$2.17",
            budgetedAmount: "$2.00",
            alertThreshold: "> $2.00",
            messageId: "0afa48ef-db9f-5b07-9359-149237adeae5",
            notifiedAt: "2026-03-05T01:01:38.638Z",
        });
    });

    it("treats a redelivered message as already handled", async () => {
        sfnMock.on(StartExecutionCommand).rejects(awsError("ExecutionAlreadyExists", "Execution Already Exists: 'budget-0afa48ef'"));
        const result = await handleBudgetAlert(snsEvent(budgetMessage()), config, deps());
        assert.equal(result.outcomes[0].status, "already-started");
    });

    const dropped: Array<[string, ReturnType<typeof snsEvent>, RegExp]> = [
        ["a forecast warning", snsEvent(budgetMessage({ type: "FORECASTED" })), /forecast warning/],
        ["another budget's notification", snsEvent(budgetMessage({ name: "team-alpha" })), /budget team-alpha, not budget-guardrail-dev/],
        ["another account's notification", snsEvent(budgetMessage({ account: "210987654321" })), /account 210987654321/],
        ["the original post's mock message", snsEvent("This is a mock notification", { subject: "test" }), /not an AWS Budgets notification/],
        [
            "a CloudWatch alarm on the same topic",
            snsEvent(JSON.stringify({ AlarmName: "budget-guardrail-alert-errors", NewStateValue: "ALARM" }), { subject: "ALARM" }),
            /not an AWS Budgets notification/,
        ],
        ["a message from another topic", snsEvent(budgetMessage(), { topicArn: "arn:aws:sns:us-east-1:123456789012:other" }), /not the budget topic/],
        [
            "a garbled notification of another budget",
            snsEvent(budgetMessage({ name: "team-alpha" }).replace("Alert Type: ACTUAL", "")),
            /malformed notification for budget team-alpha/,
        ],
    ];
    for (const [what, event, reason] of dropped) {
        it(`logs and drops ${what} without starting anything`, async () => {
            const logged: string[] = [];
            const result = await handleBudgetAlert(event, config, { ...deps(), log: (m, d) => logged.push(`${m} ${JSON.stringify(d)}`) });
            assert.equal(result.outcomes.length, 1);
            assert.equal(result.outcomes[0].status, "ignored");
            assert.match((result.outcomes[0] as { reason: string }).reason, reason);
            assert.match(logged.join("\n"), /message dropped/);
            assert.equal(sfnMock.commandCalls(StartExecutionCommand).length, 0);
        });
    }

    describe("malformed input: a clear error and nothing started", () => {
        for (const [what, event] of [
            ["no event", undefined],
            ["no records", { Records: [] }],
            ["an EventBridge event", { "detail-type": "Scheduled Event", detail: {} }],
            ["a record from SQS", { Records: [{ eventSource: "aws:sqs", body: "x" }] }],
            ["an SNS record without a message", { Records: [{ EventSource: "aws:sns", Sns: { MessageId: "m", TopicArn: TOPIC } }] }],
        ] as const) {
            it(what, async () => {
                await assert.rejects(handleBudgetAlert(event, config, deps()), { name: "MalformedEventError", message: /^Malformed budget alert event: / });
                assert.equal(sfnMock.commandCalls(StartExecutionCommand).length, 0);
            });
        }

        it("a notification of the guarded budget without an alert type", async () => {
            const event = snsEvent(budgetMessage().replace("Alert Type: ACTUAL\n", ""));
            await assert.rejects(handleBudgetAlert(event, config, deps()), /Malformed AWS Budgets notification: Alert Type must be ACTUAL or FORECASTED/);
            assert.equal(sfnMock.commandCalls(StartExecutionCommand).length, 0);
        });

        it("a batch with one good and one malformed record starts nothing", async () => {
            const good = snsEvent(budgetMessage()).Records[0];
            const bad = snsEvent(budgetMessage().replace("Alert Type: ACTUAL\n", ""), { messageId: "m-2" }).Records[0];
            await assert.rejects(handleBudgetAlert({ Records: [good, bad] }, config, deps()), {
                name: "MalformedNotificationError",
                message: /^Malformed AWS Budgets notification: Alert Type must be ACTUAL or FORECASTED/,
            });
            assert.equal(sfnMock.commandCalls(StartExecutionCommand).length, 0);
        });
    });

    describe("AWS failures surface", () => {
        for (const [what, err] of [
            ["throttling", throttling()],
            ["AccessDenied", accessDenied("states:StartExecution")],
            ["a missing state machine", notFound("StateMachineDoesNotExist", "state machine")],
        ] as const) {
            it(what, async () => {
                sfnMock.on(StartExecutionCommand).rejects(err);
                await assert.rejects(handleBudgetAlert(snsEvent(budgetMessage()), config, deps()), (e: Error) => e.name === err.name);
            });
        }
    });

    it("reads its configuration from the environment and names what is missing", () => {
        assert.deepEqual(
            configFromEnvironment({ BUDGET_NAME: "b", ACCOUNT_ID: "123456789012", TOPIC_ARN: TOPIC, STATE_MACHINE_ARN: MACHINE }),
            { budgetName: "b", accountId: "123456789012", topicArn: TOPIC, stateMachineArn: MACHINE },
        );
        assert.throws(() => configFromEnvironment({ BUDGET_NAME: "b", ACCOUNT_ID: "1", TOPIC_ARN: TOPIC }), /STATE_MACHINE_ARN is not set/);
    });
});
