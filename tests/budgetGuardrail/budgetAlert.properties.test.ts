// Properties of the budget alert handler under hostile input, repeated delivery and failing AWS calls.
import fc from "fast-check";
import assert from "node:assert/strict";
import { handleBudgetAlert, parseBudgetNotification } from "../../handlers/budgetGuardrail/budgetAlert";
import { transientFaults } from "../faults";
import { FakeSfn } from "../hostile/fakes";
import { hostileString, mutatedEvent } from "../hostile/generators";
import { holds, outcome } from "../hostile/properties";
import { alertConfig, budgetMessageLines, snsEvent, TOPIC } from "./events";

const config = alertConfig;
const ERRORS = ["MalformedEventError", "MalformedNotificationError"];
const LINES = budgetMessageLines();
const BUDGET_NAME_LINE = LINES.indexOf("Budget Name: budget-guardrail-dev");

/** Whether the handler had the right to start enforcement for this input: the guarded budget's ACTUAL alert, from its topic. */
function justifiesEnforcement(event: any): boolean {
    const records = Array.isArray(event?.Records) ? event.Records : [];
    return records.some((r: any) => {
        if (r?.Sns?.TopicArn !== TOPIC || typeof r.Sns.Message !== "string") return false;
        try {
            const n = parseBudgetNotification(r.Sns.Message);
            return n?.budgetName === config.budgetName && n.alertType === "ACTUAL" && (!n.accountId || n.accountId === config.accountId);
        } catch {
            return false;
        }
    });
}

describe("budget alert handler: properties", () => {
    let sfn: FakeSfn;
    beforeEach(() => (sfn = new FakeSfn()));
    afterEach(() => sfn.restore());

    async function deliver(event: unknown) {
        return outcome(() => handleBudgetAlert(event, config, { sfn: sfn.client }), ERRORS);
    }

    it("on any variant of a real delivery, starts enforcement only for the guarded budget's ACTUAL alert, or fails with a named error", async () => {
        await holds(
            fc.asyncProperty(mutatedEvent(snsEvent()), async (event) => {
                sfn.executions.clear();
                sfn.clearLog();
                const result = await deliver(event);
                if (sfn.changes().length > 0) assert.ok(justifiesEnforcement(event), "started enforcement the input does not justify");
                for (const e of sfn.executions.values()) assert.equal(JSON.parse(e.input).budgetName, config.budgetName);
                if ("value" in result) assert.ok(result.value.outcomes.every((o) => ["ignored", "started", "already-started"].includes(o.status)));
            }),
            150,
        );
    });

    it("reads any text in the message's fields without a runtime error, and acts only on the exact budget name", async () => {
        const line = fc.oneof(hostileString(), fc.constantFrom("Budget Name: budget-guardrail-dev", "Alert Type: ACTUAL", "Budget Name:", ": :", "AWS Account 123456789012"));
        await holds(
            fc.asyncProperty(fc.nat({ max: LINES.length - 1 }), line, hostileString(), async (at, text, name) => {
                sfn.executions.clear();
                const lines = [...LINES];
                lines[at] = text;
                lines[BUDGET_NAME_LINE] = at !== BUDGET_NAME_LINE ? `Budget Name: ${name}` : lines[BUDGET_NAME_LINE];
                await deliver(snsEvent(lines.join("\n")));
                for (const e of sfn.executions.values()) assert.equal(JSON.parse(e.input).budgetName, config.budgetName);
            }),
            150,
        );
    });

    // The shrunk inputs of the regular-expression check (tests/hostile/regexes.test.ts), which found the two patterns
    // that backtracked quadratically: 256 KB of them took minutes to parse.
    it("pins: a long line of spaces without a colon, and a long run of blank lines, parse at once and correctly", () => {
        const message = `AWS Budget Notification\nBudget Name${" ".repeat(100_000)}!\n${" \n".repeat(60_000)}AWS Account 123456789012\nBudget Name: b\nAlert Type: ACTUAL\nACTUAL Amount: $5${" ".repeat(50_000)}`;
        const parsed = parseBudgetNotification(message);
        assert.deepEqual([parsed?.budgetName, parsed?.accountId, parsed?.amount], ["b", "123456789012", "$5"]);
    });

    describe("repeated delivery (SNS and Lambda's asynchronous invocation deliver at least once)", () => {
        it("a second delivery starts nothing new and succeeds, while the execution runs and after it ended", async () => {
            const first = await handleBudgetAlert(snsEvent(), config, { sfn: sfn.client });
            assert.deepEqual(first.outcomes.map((o) => o.status), ["started"]);
            const again = await handleBudgetAlert(snsEvent(), config, { sfn: sfn.client });
            assert.deepEqual(again.outcomes.map((o) => o.status), ["started"], "StartExecution returns the running execution");
            for (const e of sfn.executions.values()) e.status = "SUCCEEDED";
            const late = await handleBudgetAlert(snsEvent(), config, { sfn: sfn.client });
            assert.deepEqual(late.outcomes.map((o) => o.status), ["already-started"]);
            assert.equal(sfn.executions.size, 1);
        });

        it("when the first delivery's StartExecution landed but its answer was lost, the retry finds it and starts no second one", async () => {
            sfn.fail("StartExecution", transientFaults[2][1], { after: true });
            await assert.rejects(handleBudgetAlert(snsEvent(), config, { sfn: sfn.client }), { name: "TimeoutError" });
            const retry = await handleBudgetAlert(snsEvent(), config, { sfn: sfn.client });
            assert.deepEqual(retry.outcomes.map((o) => o.status), ["started"]);
            assert.equal(sfn.executions.size, 1);
        });
    });

    describe("failing AWS calls", () => {
        for (const [what, fault] of transientFaults) {
            it(`StartExecution failing with ${what} fails the delivery (so it is retried) and reports no success`, async () => {
                sfn.fail("StartExecution", fault);
                await assert.rejects(handleBudgetAlert(snsEvent(), config, { sfn: sfn.client }), { name: fault().name });
                assert.equal(sfn.executions.size, 0);
            });
        }

        it("a failure on the second record fails the delivery; the retry starts the first record's execution once", async () => {
            const two = snsEvent();
            two.Records.push(snsEvent(undefined, { messageId: "1b2c3d4e-0000-4000-8000-000000000002" }).Records[0]);
            sfn.fail("StartExecution", transientFaults[0][1], { skip: 1 });
            await assert.rejects(handleBudgetAlert(two, config, { sfn: sfn.client }));
            const retry = await handleBudgetAlert(two, config, { sfn: sfn.client });
            assert.deepEqual(retry.outcomes.map((o) => o.status), ["started", "started"]);
            assert.equal(sfn.executions.size, 2);
        });
    });
});
