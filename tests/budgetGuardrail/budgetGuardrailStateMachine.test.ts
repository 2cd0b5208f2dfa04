import { AttachGroupPolicyCommand, DetachGroupPolicyCommand, IAM, IAMClient, ListAttachedGroupPoliciesCommand } from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";
import { StateMachine } from "aws-local-stepfunctions";
import assert from "node:assert/strict";
import { guardrailDefinition, GuardrailMode } from "../../scenarios/budgetGuardrail/component";
import { swapGroupPolicy } from "../../handlers/budgetGuardrail/budgetEnforcement";
import { awsError } from "../faults";

const aslValidator: (definition: unknown) => { isValid: boolean; errorsText: () => string } = require("asl-validator");

const FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:budget-guardrail-enforce-1a2b3c4";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:budget-guardrail-alerts-5d6e7f8";
const GROUP = "budget-guardrail-developers-9a8b7c6";
const FULL = "arn:aws:iam::aws:policy/AmazonEC2FullAccess";
const READ_ONLY = "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess";
const EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:budget-guardrail-enforce:budget-0afa48ef";

const definition = (mode: GuardrailMode) => guardrailDefinition({ mode, functionArn: FUNCTION, topicArn: TOPIC, groupName: GROUP, budgetName: "budget-guardrail-dev" });

function named(name: string, message = name): Error {
    const err = new Error(message);
    err.name = name;
    return err;
}

/** Constructing a machine validates its definition, which is slow; executions of one machine are independent. */
const machines = new Map<GuardrailMode, StateMachine>();

interface Run {
    result?: any;
    error?: any;
    swaps: any[];
    published: any[];
}

/** Runs a definition in-process: the action task and the SNS tasks are local functions; retries do not wait. */
async function run(
    mode: GuardrailMode,
    swap: (input: any) => Promise<any>,
    publish: (input: any) => Promise<any> = async () => ({ MessageId: "m-1" }),
): Promise<Run> {
    const swaps: any[] = [];
    const published: any[] = [];
    const machine = machines.get(mode) ?? new StateMachine(definition(mode) as any);
    machines.set(mode, machine);
    const execution = machine.run(
        { source: "aws-budgets", budgetName: "budget-guardrail-dev", alertType: "ACTUAL", amount: "$2.17" },
        {
            overrides: {
                taskResourceLocalHandlers: {
                    SwapGroupPolicy: async (input: any) => {
                        swaps.push(input);
                        return { Payload: await swap(input), StatusCode: 200 };
                    },
                    NotifyChange: async (input: any) => {
                        published.push(input);
                        return publish(input);
                    },
                    NotifyFailure: async (input: any) => {
                        published.push(input);
                        return publish(input);
                    },
                },
                retryIntervalOverrides: { SwapGroupPolicy: 0, NotifyChange: 0, NotifyFailure: 0 },
            },
            context: { Execution: { Id: EXECUTION, Name: "budget-0afa48ef", StartTime: "2026-03-05T01:01:40Z" } },
        },
    );
    try {
        return { result: await execution.result, swaps, published };
    } catch (error) {
        // The runner wraps the execution's failure; the state machine's own error is its cause.
        return { error: (error as Error).cause ?? error, swaps, published };
    }
}

const changed = { mode: "enforce", groupName: GROUP, changed: true, attached: [READ_ONLY], detached: [FULL], attachedPolicies: [READ_ONLY] };

describe("budget guardrail state machines", () => {
    it("are valid Amazon States Language", () => {
        for (const mode of ["enforce", "restore"] as const) {
            const result = aslValidator(definition(mode));
            assert.ok(result.isValid, `${mode}: ${result.errorsText()}`);
        }
    });

    it("call the action function with the fixed mode (an enforce run can never restore) and retry its transient errors", () => {
        for (const mode of ["enforce", "restore"] as const) {
            const swap = definition(mode).States.SwapGroupPolicy;
            assert.equal(swap.Resource, "arn:aws:states:::lambda:invoke");
            assert.deepEqual(swap.Parameters, { FunctionName: FUNCTION, Payload: { mode, "execution.$": "$$.Execution.Id" } });
            assert.deepEqual(swap.Retry[0].ErrorEquals.sort(), [
                "Lambda.AWSLambdaException",
                "Lambda.SdkClientException",
                "Lambda.ServiceException",
                "Lambda.TooManyRequestsException",
                "RetryableError",
            ]);
            assert.ok(swap.Retry[0].MaxAttempts <= 10, "bounded");
            assert.deepEqual(swap.Catch, [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "NotifyFailure" }]);
            for (const state of ["NotifyChange", "NotifyFailure"]) {
                const s = definition(mode).States[state];
                assert.equal(s.Resource, "arn:aws:states:::sns:publish");
                assert.equal(s.Parameters.TopicArn, TOPIC);
                assert.deepEqual(s.Parameters.MessageAttributes, { origin: { DataType: "String", StringValue: "budget-guardrail" } });
                assert.ok(s.Retry.length > 0 && s.Catch.length > 0, `${state} retries and catches`);
            }
        }
    });

    it("enforce: swaps the policy, then tells humans what changed and how to restore", async () => {
        const r = await run("enforce", async () => changed);
        assert.equal(r.error, undefined, String(r.error));
        assert.deepEqual(r.swaps, [{ FunctionName: FUNCTION, Payload: { mode: "enforce", execution: EXECUTION } }]);
        assert.equal(r.published.length, 1);
        const notice = r.published[0];
        assert.equal(notice.TopicArn, TOPIC);
        assert.equal(notice.Subject, `Budget guardrail: EC2 full access removed from ${GROUP}`);
        assert.match(notice.Message, new RegExp(`^Budget budget-guardrail-dev reached its limit\\. IAM group ${GROUP} now has AmazonEC2ReadOnlyAccess instead of AmazonEC2FullAccess`));
        assert.match(notice.Message, /Start the restore state machine to grant full access again\. Execution: arn:aws:states:.*:execution:/);
        assert.deepEqual(r.result.swap.result, changed);
    });

    it("enforce when the group is already read-only: succeeds quietly", async () => {
        const r = await run("enforce", async () => ({ ...changed, changed: false, attached: [], detached: [] }));
        assert.equal(r.error, undefined);
        assert.equal(r.published.length, 0);
    });

    it("restore: announces that full access is back", async () => {
        const r = await run("restore", async () => ({ ...changed, mode: "restore", attached: [FULL], detached: [READ_ONLY] }));
        assert.equal(r.error, undefined);
        assert.equal(r.swaps[0].Payload.mode, "restore");
        assert.equal(r.published[0].Subject, `Budget guardrail: EC2 full access restored to ${GROUP}`);
        assert.match(r.published[0].Message, /has AmazonEC2FullAccess again/);
    });

    it("retries throttling (RetryableError) and then succeeds", async () => {
        let calls = 0;
        const r = await run("enforce", async () => {
            calls++;
            if (calls < 3) throw named("RetryableError", "reading the policies of group: Throttling: Rate exceeded");
            return changed;
        });
        assert.equal(r.error, undefined);
        assert.equal(calls, 3);
        assert.equal(r.published.length, 1);
    });

    it("gives up after a bounded number of retries, announces the failure and fails with the original error", async () => {
        let calls = 0;
        const r = await run("enforce", async () => {
            calls++;
            throw named("RetryableError", "Throttling: Rate exceeded");
        });
        assert.equal(calls, 1 + definition("enforce").States.SwapGroupPolicy.Retry[0].MaxAttempts);
        assert.equal(r.error.name, "RetryableError");
        assert.equal(r.published.length, 1);
        assert.match(r.published[0].Subject, /enforce failed/);
    });

    it("does not retry AccessDenied: announces it and fails the execution with it", async () => {
        let calls = 0;
        const r = await run("enforce", async () => {
            calls++;
            throw named("AccessDenied", "attaching AmazonEC2ReadOnlyAccess: User is not authorized to perform: iam:AttachGroupPolicy");
        });
        assert.equal(calls, 1);
        assert.equal(r.error.name, "AccessDenied");
        assert.match(r.error.message, /not authorized to perform: iam:AttachGroupPolicy/);
        assert.match(r.published[0].Message, new RegExp(`^Budget guardrail enforce on IAM group ${GROUP} failed; .*Error: AccessDenied \\(attaching`));
    });

    it("fails visibly when the change was made but the notice cannot be published", async () => {
        const r = await run("enforce", async () => changed, async () => {
            throw named("SNS.AuthorizationErrorException", "not authorized to publish");
        });
        assert.equal(r.error.name, "NotificationFailed");
        assert.equal(r.published.length, 1 + definition("enforce").States.NotifyChange.Retry[0].MaxAttempts);
    });

    it("still fails with the original error when the failure notice cannot be published either", async () => {
        const r = await run(
            "restore",
            async () => {
                throw named("NoSuchEntity", "The group cannot be found");
            },
            async () => {
                throw named("SNS.KMSAccessDeniedException", "key disabled");
            },
        );
        assert.equal(r.error.name, "NoSuchEntity");
    });

    it("runs end to end with the real action handler against mocked IAM: enforce, then enforce again changes nothing", async () => {
        const iamMock = mockClient(IAMClient);
        try {
            let attached = [FULL];
            iamMock.on(ListAttachedGroupPoliciesCommand).callsFake(async () => ({ AttachedPolicies: attached.map((PolicyArn) => ({ PolicyArn })), IsTruncated: false }));
            iamMock.on(AttachGroupPolicyCommand).callsFake(async (input) => {
                attached = [...attached, input.PolicyArn];
                return {};
            });
            iamMock.on(DetachGroupPolicyCommand).callsFake(async (input) => {
                attached = attached.filter((a) => a !== input.PolicyArn);
                return {};
            });
            const config = { groupName: GROUP, fullAccessPolicyArn: FULL, readOnlyPolicyArn: READ_ONLY };
            const handler = (input: any) => swapGroupPolicy(input.Payload, config, { iam: new IAM({ region: "us-east-1" }) });
            const first = await run("enforce", handler);
            assert.equal(first.error, undefined, String(first.error));
            assert.deepEqual(attached, [READ_ONLY]);
            assert.equal(first.published.length, 1);
            const second = await run("enforce", handler);
            assert.equal(second.error, undefined);
            assert.equal(second.published.length, 0, "nothing changed, nothing announced");
            assert.equal(iamMock.commandCalls(AttachGroupPolicyCommand).length, 1);

            iamMock.on(ListAttachedGroupPoliciesCommand).rejects(awsError("Throttling", "Rate exceeded"));
            const throttled = await run("restore", handler);
            assert.equal(throttled.error.name, "RetryableError");
            assert.deepEqual(attached, [READ_ONLY], "a failed restore changed nothing");
        } finally {
            iamMock.restore();
        }
    });
});
