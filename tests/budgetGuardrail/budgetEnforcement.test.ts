import {
    AttachGroupPolicyCommand,
    DetachGroupPolicyCommand,
    IAM,
    IAMClient,
    ListAttachedGroupPoliciesCommand,
} from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import {
    configFromEnvironment,
    EnforcementConfig,
    modeOf,
    swapGroupPolicy,
    targetGroupOf,
} from "../../handlers/budgetGuardrail/budgetEnforcement";
import { accessDenied, awsError } from "../faults";

const FULL = "arn:aws:iam::aws:policy/AmazonEC2FullAccess";
const READ_ONLY = "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess";
const OTHER = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const GROUP = "budget-guardrail-developers-4f2a9c1";
const config: EnforcementConfig = { groupName: GROUP, fullAccessPolicyArn: FULL, readOnlyPolicyArn: READ_ONLY };

const attachedAs = (...arns: string[]) => ({ AttachedPolicies: arns.map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split("/").pop() })), IsTruncated: false });
const iamThrottling = () => awsError("Throttling", "Rate exceeded");
const noSuchEntity = (what: string) => awsError("NoSuchEntity", `${what} cannot be found.`, 404);

describe("budget enforcement handler", () => {
    const iamMock = mockClient(IAMClient);
    const deps = () => ({ iam: new IAM({ region: "us-east-1" }) });
    /** Every write call, in order, as "attach|detach <policy name>". */
    const writes = () =>
        iamMock
            .calls()
            .map((c) => c.args[0])
            .filter((cmd) => cmd instanceof AttachGroupPolicyCommand || cmd instanceof DetachGroupPolicyCommand)
            .map((cmd: any) => {
                assert.equal(cmd.input.GroupName, GROUP);
                return `${cmd instanceof AttachGroupPolicyCommand ? "attach" : "detach"} ${String(cmd.input.PolicyArn).split("/").pop()}`;
            });

    beforeEach(() => {
        iamMock.reset();
        iamMock.on(AttachGroupPolicyCommand).resolves({});
        iamMock.on(DetachGroupPolicyCommand).resolves({});
    });
    after(() => iamMock.restore());

    it("enforce: attaches read-only, then detaches full access", async () => {
        iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs(FULL, OTHER));
        const result = await swapGroupPolicy({ mode: "enforce" }, config, deps());
        assert.deepEqual(writes(), ["attach AmazonEC2ReadOnlyAccess", "detach AmazonEC2FullAccess"]);
        assert.deepEqual(result, {
            mode: "enforce",
            groupName: GROUP,
            changed: true,
            attached: [READ_ONLY],
            detached: [FULL],
            attachedPolicies: [OTHER, READ_ONLY],
        });
    });

    it("enforce twice changes nothing the second time", async () => {
        iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs(OTHER, READ_ONLY));
        const result = await swapGroupPolicy({ mode: "enforce" }, config, deps());
        assert.equal(result.changed, false);
        assert.deepEqual(writes(), []);
    });

    it("enforce on a group holding both policies only detaches full access", async () => {
        iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs(FULL, READ_ONLY));
        const result = await swapGroupPolicy({ mode: "enforce" }, config, deps());
        assert.deepEqual(writes(), ["detach AmazonEC2FullAccess"]);
        assert.deepEqual(result.attachedPolicies, [READ_ONLY]);
    });

    it("restore: attaches full access, then detaches read-only; a second restore changes nothing", async () => {
        iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs(READ_ONLY));
        const result = await swapGroupPolicy({ mode: "restore" }, config, deps());
        assert.deepEqual(writes(), ["attach AmazonEC2FullAccess", "detach AmazonEC2ReadOnlyAccess"]);
        assert.deepEqual(result.attachedPolicies, [FULL]);
        iamMock.reset();
        iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs(FULL));
        assert.equal((await swapGroupPolicy({ mode: "restore" }, config, deps())).changed, false);
        assert.deepEqual(writes(), []);
    });

    it("the deployment's first invocation grants full access to the new group", async () => {
        iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs());
        const result = await swapGroupPolicy({ mode: "restore", reason: "initial", tf: { action: "create", prev_input: null } }, config, deps());
        assert.deepEqual(writes(), ["attach AmazonEC2FullAccess"]);
        assert.equal(result.mode, "restore");
    });

    it("release (the deployment deleting the group) detaches both policies and leaves others", async () => {
        iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs(FULL, OTHER, READ_ONLY));
        const result = await swapGroupPolicy({ mode: "restore", tf: { action: "delete", prevInput: { mode: "restore" } } }, config, deps());
        assert.equal(result.mode, "release");
        assert.deepEqual(writes(), ["detach AmazonEC2FullAccess", "detach AmazonEC2ReadOnlyAccess"]);
        assert.deepEqual(result.attachedPolicies, [OTHER]);
    });

    it("release of a group that is already gone succeeds without writes", async () => {
        iamMock.on(ListAttachedGroupPoliciesCommand).rejects(noSuchEntity(`The group with name ${GROUP}`));
        const result = await swapGroupPolicy({ tf: { action: "delete" } }, config, deps());
        assert.equal(result.changed, false);
        assert.deepEqual(writes(), []);
    });

    it("reads every page of attached policies", async () => {
        iamMock
            .on(ListAttachedGroupPoliciesCommand, { GroupName: GROUP, Marker: undefined })
            .resolves({ ...attachedAs(OTHER), IsTruncated: true, Marker: "page-2" })
            .on(ListAttachedGroupPoliciesCommand, { GroupName: GROUP, Marker: "page-2" })
            .resolves(attachedAs(READ_ONLY));
        const result = await swapGroupPolicy({ mode: "enforce" }, config, deps());
        assert.equal(result.changed, false, "read-only was on the second page");
    });

    it("a detach that finds the policy already gone (a concurrent change) still succeeds", async () => {
        iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs(FULL));
        iamMock.on(DetachGroupPolicyCommand).rejects(noSuchEntity(`Policy ${FULL} was not found`));
        const result = await swapGroupPolicy({ mode: "enforce" }, config, deps());
        assert.deepEqual(result.attachedPolicies, [READ_ONLY]);
    });

    describe("malformed input: a clear error and nothing changed", () => {
        for (const event of [undefined, {}, { mode: "ENFORCE" }, { mode: "delete-everything" }, "enforce", { tf: { action: "create" } }]) {
            it(JSON.stringify(event ?? null), async () => {
                await assert.rejects(swapGroupPolicy(event, config, deps()), { name: "InvalidEnforcementRequest", message: /^Invalid enforcement request: mode must be "enforce" or "restore"; got / });
                assert.equal(iamMock.calls().length, 0);
            });
        }

        it("modes are exact", () => {
            assert.equal(modeOf({ mode: "enforce" }), "enforce");
            assert.equal(modeOf({ mode: "restore", tf: { action: "update" } }), "restore");
            assert.equal(modeOf({ tf: { action: "delete" } }), "release");
            assert.throws(() => modeOf({ mode: "enforce " }), /mode must be "enforce" or "restore"; got "enforce "/);
        });
    });

    describe("the deployment's lifecycle invocation acts on the group its input names", () => {
        const OLD = "budget-guardrail-developers-0a1b2c3";
        /** Every write as "attach|detach <policy name> on <group>". */
        const writesOn = () =>
            iamMock
                .calls()
                .map((c) => c.args[0])
                .filter((cmd) => cmd instanceof AttachGroupPolicyCommand || cmd instanceof DetachGroupPolicyCommand)
                .map((cmd: any) => `${cmd instanceof AttachGroupPolicyCommand ? "attach" : "detach"} ${String(cmd.input.PolicyArn).split("/").pop()} on ${cmd.input.GroupName}`);

        it("a delete recorded for a replaced group releases that group, not the one the function names now", async () => {
            iamMock.on(ListAttachedGroupPoliciesCommand, { GroupName: OLD }).resolves(attachedAs(FULL));
            iamMock.on(ListAttachedGroupPoliciesCommand, { GroupName: GROUP }).resolves(attachedAs(FULL));
            // What the provider sends on delete: the input stored at creation plus the lifecycle key.
            const stored = { mode: "restore", groupName: OLD, reason: "initial" };
            const result = await swapGroupPolicy({ ...stored, tf: { action: "delete", prev_input: stored } }, config, deps());
            assert.deepEqual([result.mode, result.groupName], ["release", OLD]);
            assert.deepEqual(writesOn(), [`detach AmazonEC2FullAccess on ${OLD}`]);
        });

        it("a create grants full access to the group it names", async () => {
            iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs());
            await swapGroupPolicy({ mode: "restore", groupName: GROUP, tf: { action: "create", prev_input: null } }, config, deps());
            assert.deepEqual(writesOn(), [`attach AmazonEC2FullAccess on ${GROUP}`]);
        });

        it("an update on the same group leaves an enforced group enforced", async () => {
            iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs(READ_ONLY));
            const input = { mode: "restore", groupName: GROUP, reason: "initial EC2 full access for the project group" };
            const result = await swapGroupPolicy({ ...input, tf: { action: "update", prev_input: { ...input, reason: "initial" } } }, config, deps());
            assert.equal(result.changed, false);
            assert.deepEqual(result.attachedPolicies, [READ_ONLY]);
            assert.deepEqual(writesOn(), []);
        });

        it("the first update after upgrading (an input recorded without a group name) changes nothing", async () => {
            iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs(READ_ONLY));
            const event = { mode: "restore", groupName: GROUP, tf: { action: "update", prev_input: { mode: "restore", reason: "initial" } } };
            assert.equal((await swapGroupPolicy(event, config, deps())).changed, false);
            assert.deepEqual(writesOn(), []);
        });

        it("an input recorded without a group name means the function's group", async () => {
            iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs(FULL));
            await swapGroupPolicy({ mode: "restore", tf: { action: "delete", prev_input: { mode: "restore" } } }, config, deps());
            assert.deepEqual(writesOn(), [`detach AmazonEC2FullAccess on ${GROUP}`]);
        });

        it("state machine requests always act on the function's own group", () => {
            assert.equal(targetGroupOf({ mode: "enforce", groupName: OLD }, config), GROUP);
            assert.equal(targetGroupOf({ mode: "restore", groupName: OLD, tf: { action: "create" } }, config), OLD);
        });

        it("refuses a group name IAM would not accept, or an unknown lifecycle action, before any call", async () => {
            for (const groupName of ["", "a/b", 42, "x".repeat(129)]) {
                await assert.rejects(swapGroupPolicy({ mode: "restore", groupName, tf: { action: "delete" } }, config, deps()), {
                    name: "InvalidEnforcementRequest",
                    message: /groupName must be an IAM group name; got /,
                });
            }
            await assert.rejects(swapGroupPolicy({ mode: "restore", tf: { action: "refresh" } }, config, deps()), {
                name: "InvalidEnforcementRequest",
                message: /tf.action must be "create", "update" or "delete"; got "refresh"/,
            });
            assert.equal(iamMock.calls().length, 0);
        });
    });

    describe("a role whose permissions are still propagating", () => {
        it("retries the first read while IAM refuses it, then swaps", async () => {
            const sleeps: number[] = [];
            let reads = 0;
            iamMock.on(ListAttachedGroupPoliciesCommand).callsFake(() => {
                if (++reads < 3) throw accessDenied("iam:ListAttachedGroupPolicies");
                return attachedAs();
            });
            const result = await swapGroupPolicy({ mode: "restore", groupName: GROUP, tf: { action: "create" } }, config, {
                ...deps(),
                sleep: async (ms: number) => void sleeps.push(ms),
            });
            assert.equal(result.changed, true);
            assert.deepEqual(sleeps, [1000, 2000]);
            assert.deepEqual(writes(), ["attach AmazonEC2FullAccess"]);
        });

        it("gives up after six reads (15 s of waiting, inside the function's 30 s timeout) and throws the refusal", async () => {
            const sleeps: number[] = [];
            iamMock.on(ListAttachedGroupPoliciesCommand).rejects(accessDenied("iam:ListAttachedGroupPolicies"));
            await assert.rejects(
                swapGroupPolicy({ mode: "restore", groupName: GROUP, tf: { action: "create" } }, config, { ...deps(), sleep: async (ms: number) => void sleeps.push(ms) }),
                (e: Error) => e.name === "AccessDenied" && /reading the policies of group/.test(e.message),
            );
            assert.equal(iamMock.commandCalls(ListAttachedGroupPoliciesCommand).length, 6);
            assert.deepEqual(sleeps, [1000, 2000, 3000, 4000, 5000]);
            assert.ok(sleeps.reduce((a, b) => a + b, 0) < 30_000);
            assert.deepEqual(writes(), []);
        });

        it("does not retry other refusals", async () => {
            const sleeps: number[] = [];
            iamMock.on(ListAttachedGroupPoliciesCommand).rejects(iamThrottling());
            await assert.rejects(swapGroupPolicy({ mode: "enforce" }, config, { ...deps(), sleep: async (ms: number) => void sleeps.push(ms) }), { name: "RetryableError" });
            assert.equal(iamMock.commandCalls(ListAttachedGroupPoliciesCommand).length, 1);
            assert.deepEqual(sleeps, []);
        });
    });

    describe("AWS failures surface and leave the group as it was", () => {
        it("throttling while reading: a RetryableError the state machine retries, no writes", async () => {
            iamMock.on(ListAttachedGroupPoliciesCommand).rejects(iamThrottling());
            await assert.rejects(swapGroupPolicy({ mode: "enforce" }, config, deps()), (e: Error) => {
                assert.ok(e instanceof Error);
                assert.equal(e.name, "RetryableError");
                assert.match(e.message, /reading the policies of group .*Throttling: Rate exceeded/);
                assert.equal((e.cause as Error).name, "Throttling", "the AWS error is kept as the cause");
                return true;
            });
            assert.deepEqual(writes(), []);
        });

        it("AccessDenied on the attach: thrown as is, nothing detached", async () => {
            iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs(FULL));
            iamMock.on(AttachGroupPolicyCommand).rejects(accessDenied("iam:AttachGroupPolicy"));
            await assert.rejects(swapGroupPolicy({ mode: "enforce" }, config, deps()), (e: Error) => e.name === "AccessDenied" && /attaching .*AmazonEC2ReadOnlyAccess/.test(e.message));
            assert.deepEqual(writes(), ["attach AmazonEC2ReadOnlyAccess"]);
        });

        it("a group that does not exist: thrown, nothing written", async () => {
            iamMock.on(ListAttachedGroupPoliciesCommand).rejects(noSuchEntity(`The group with name ${GROUP}`));
            await assert.rejects(swapGroupPolicy({ mode: "enforce" }, config, deps()), (e: Error) => e.name === "NoSuchEntity");
            assert.deepEqual(writes(), []);
        });

        it("a failed detach undoes the attach, then throws", async () => {
            iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs(FULL));
            iamMock.on(DetachGroupPolicyCommand, { GroupName: GROUP, PolicyArn: FULL }).rejects(accessDenied("iam:DetachGroupPolicy"));
            await assert.rejects(swapGroupPolicy({ mode: "enforce" }, config, deps()), (e: Error) => {
                assert.equal(e.name, "AccessDenied");
                assert.match(e.message, /the attach was undone; the group's policies are as they were/);
                return true;
            });
            assert.deepEqual(writes(), ["attach AmazonEC2ReadOnlyAccess", "detach AmazonEC2FullAccess", "detach AmazonEC2ReadOnlyAccess"]);
        });

        it("a throttled detach is undone and retryable", async () => {
            iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs(READ_ONLY));
            iamMock.on(DetachGroupPolicyCommand, { GroupName: GROUP, PolicyArn: READ_ONLY }).rejects(iamThrottling());
            await assert.rejects(swapGroupPolicy({ mode: "restore" }, config, deps()), { name: "RetryableError", message: /Throttling: Rate exceeded/ });
            assert.deepEqual(writes(), ["attach AmazonEC2FullAccess", "detach AmazonEC2ReadOnlyAccess", "detach AmazonEC2FullAccess"]);
        });

        it("when the undo fails too, the error says so", async () => {
            iamMock.on(ListAttachedGroupPoliciesCommand).resolves(attachedAs(FULL));
            iamMock.on(DetachGroupPolicyCommand).rejects(awsError("ServiceFailure", "Internal failure", 500));
            await assert.rejects(swapGroupPolicy({ mode: "enforce" }, config, deps()), (e: Error) => {
                assert.ok(e instanceof Error);
                assert.equal(e.name, "RetryableError");
                assert.match(e.message, /undoing the attach of .*AmazonEC2ReadOnlyAccess failed too \(ServiceFailure: Internal failure\); a rerun completes the swap/);
                return true;
            });
        });
    });

    it("reads its configuration from the environment and names what is missing", () => {
        assert.deepEqual(
            configFromEnvironment({ GROUP_NAME: GROUP, FULL_ACCESS_POLICY_ARN: FULL, READ_ONLY_POLICY_ARN: READ_ONLY }),
            config,
        );
        assert.throws(() => configFromEnvironment({ GROUP_NAME: GROUP, FULL_ACCESS_POLICY_ARN: FULL }), /READ_ONLY_POLICY_ARN is not set/);
    });
});
