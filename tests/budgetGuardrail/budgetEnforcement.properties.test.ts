// Properties of the budget guardrail's action function (the enforce and restore state machines' task, and the
// deployment's lifecycle invocation) under hostile requests, repeated delivery and failing IAM calls.
import fc from "fast-check";
import assert from "node:assert/strict";
import { swapGroupPolicy } from "../../handlers/budgetGuardrail/budgetEnforcement";
import { transientFaults } from "../faults";
import { FakeIam } from "../hostile/fakes";
import { hostileValue, JS_NAMES, mutatedEvent, withValueAt } from "../hostile/generators";
import { holds, outcome } from "../hostile/properties";
import { enforcementConfig as config, FULL, GROUP, lifecycleRequest, READ_ONLY, stateMachineRequest } from "./events";

const OTHER_POLICY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const REPLACEMENT = "budget-guardrail-developers-9e8d7c6";
const ERRORS = ["InvalidEnforcementRequest", "RetryableError", "NoSuchEntity"];
const GROUP_NAME = /^[\w+=,.@-]{1,128}$/;

type Json = Record<string, any>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The group a request names, read from the documented shapes: the state machines' is the function's own. */
function namedGroup(event: unknown): string {
    if (isObject(event) && isObject(event.tf) && typeof event.groupName === "string") return event.groupName;
    return GROUP;
}

/** The policies a request asks the group to end with, or undefined where it asks nothing. */
function wanted(event: unknown): { has: string[]; hasNot: string[] } | undefined {
    if (!isObject(event)) return undefined;
    if (isObject(event.tf) && event.tf.action === "delete") return { has: [], hasNot: [FULL, READ_ONLY] };
    if (event.mode === "enforce") return { has: [READ_ONLY], hasNot: [FULL] };
    if (event.mode === "restore") return { has: [FULL], hasNot: [READ_ONLY] };
    return undefined;
}

describe("budget enforcement: properties", () => {
    let iam: FakeIam;
    beforeEach(() => {
        iam = new FakeIam();
        reset();
    });
    afterEach(() => iam.restore());

    function reset(own: string[] = [FULL, OTHER_POLICY]) {
        iam.groups.clear();
        iam.groups.set(GROUP, new Set(own));
        iam.groups.set(REPLACEMENT, new Set([OTHER_POLICY]));
        iam.clearLog();
    }
    const swap = (event: unknown) => swapGroupPolicy(event, config, { iam: iam.client, sleep: async () => undefined });
    const policies = (group = GROUP) => [...(iam.groups.get(group) ?? [])].sort();

    it("on any variant of a real request, changes only the EC2 policies of the group it names, as its mode asks, or refuses", async () => {
        const requests = [stateMachineRequest("enforce"), stateMachineRequest("restore"), lifecycleRequest("create"), lifecycleRequest("update", REPLACEMENT), lifecycleRequest("delete")];
        await holds(
            fc.asyncProperty(fc.oneof(...requests.map((r) => mutatedEvent(r))), async (event) => {
                reset();
                const result = await outcome(() => swap(event), ERRORS);
                const changes = iam.changes();
                for (const c of changes) {
                    assert.ok([FULL, READ_ONLY].includes(c.input.PolicyArn), "only the two EC2 policies are ever attached or detached");
                    assert.equal(c.input.GroupName, namedGroup(event), "only the group the request names");
                    assert.match(c.input.GroupName, GROUP_NAME);
                }
                assert.ok(policies(REPLACEMENT).includes(OTHER_POLICY) && policies(GROUP).includes(OTHER_POLICY), "other policies are never touched");
                const want = wanted(event);
                if (changes.length > 0) assert.ok(want, `changed a group on a request that asks nothing: ${JSON.stringify(event).slice(0, 300)}`);
                if ("value" in result && want && !(isObject(event) && isObject(event.tf) && event.tf.action === "update")) {
                    const now = policies(namedGroup(event));
                    for (const p of want.has) assert.ok(now.includes(p), `${p} attached`);
                    for (const p of want.hasNot) assert.ok(!now.includes(p), `${p} detached`);
                    assert.equal(result.value.changed, changes.length > 0);
                }
            }),
            150,
        );
    });

    it("takes any value as mode, group name or lifecycle action (JavaScript's own names among them)", async () => {
        await holds(
            fc.asyncProperty(fc.constantFrom(["mode"], ["groupName"], ["tf", "action"], ["tf", "prev_input"], ["tf"]), fc.oneof(hostileValue(), fc.constantFrom(...JS_NAMES)), async (path, value) => {
                reset();
                const result = await outcome(() => swap(withValueAt(lifecycleRequest("update", REPLACEMENT, GROUP), path, value)), ERRORS);
                if ("error" in result) assert.equal(iam.changes().length, 0, "a refused request changes nothing");
            }),
            120,
        );
    });

    describe("repeated delivery (Step Functions retries the task; the deployment re-invokes on update and delete)", () => {
        for (const mode of ["enforce", "restore"] as const) {
            it(`${mode} delivered twice: the second finds the group in place, changes nothing and succeeds`, async () => {
                reset(mode === "enforce" ? [FULL, OTHER_POLICY] : [READ_ONLY, OTHER_POLICY]);
                assert.equal((await swap(stateMachineRequest(mode))).changed, true);
                const writes = iam.changes().length;
                const again = await swap(stateMachineRequest(mode));
                assert.deepEqual([again.changed, iam.changes().length], [false, writes]);
            });
        }

        it("a release delivered twice, the second after the group is gone, succeeds without a call that fails", async () => {
            await swap(lifecycleRequest("delete"));
            assert.deepEqual(policies(), [OTHER_POLICY]);
            assert.equal((await swap(lifecycleRequest("delete"))).changed, false);
            iam.groups.delete(GROUP);
            assert.equal((await swap(lifecycleRequest("delete"))).changed, false);
        });

        for (const command of ["AttachGroupPolicy", "DetachGroupPolicy"]) {
            it(`pins: an enforce whose ${command} took effect but whose answer was lost says what the group holds; the retry completes it`, async () => {
                iam.fail(command, transientFaults[2][1], { after: true });
                const first = await outcome(() => swap(stateMachineRequest("enforce")), ERRORS);
                // The policies read again show the call landed: the swap goes on and succeeds.
                assert.ok("value" in first, "error" in first ? first.error.message : "");
                assert.deepEqual(policies(), [OTHER_POLICY, READ_ONLY].sort());
                const retry = await swap(stateMachineRequest("enforce"));
                assert.equal(retry.changed, false);
            });
        }
    });

    describe("failing IAM calls", () => {
        it("any call failing (throttling, a 500, a timeout; before or after its effect) leaves EC2 read access and a true account; a retry completes the swap", async () => {
            await holds(
                fc.asyncProperty(
                    fc.constantFrom("ListAttachedGroupPolicies", "AttachGroupPolicy", "DetachGroupPolicy"),
                    fc.constantFrom(...transientFaults),
                    fc.nat({ max: 2 }),
                    fc.boolean(),
                    fc.constantFrom("enforce", "restore") as fc.Arbitrary<"enforce" | "restore">,
                    async (command, [, fault], skip, after, mode) => {
                        reset(mode === "enforce" ? [FULL, OTHER_POLICY] : [READ_ONLY, OTHER_POLICY]);
                        iam.fail(command, fault, { skip, after });
                        const result = await outcome(() => swap(stateMachineRequest(mode)), ERRORS);
                        const now = policies();
                        assert.ok(now.includes(FULL) || now.includes(READ_ONLY), "the group never loses EC2 read access");
                        if ("error" in result) {
                            assert.equal(result.error.name, "RetryableError", "a transient failure is retried by the state machine");
                            if (/are as they were/.test(result.error.message)) assert.deepEqual(now, mode === "enforce" ? [FULL, OTHER_POLICY].sort() : [OTHER_POLICY, READ_ONLY].sort());
                        }
                        iam.clearLog();
                        await swap(stateMachineRequest(mode));
                        assert.deepEqual(policies(), (mode === "enforce" ? [READ_ONLY, OTHER_POLICY] : [FULL, OTHER_POLICY]).sort());
                    },
                ),
                120,
            );
        });

        it("pins: a timeout is transient (RetryableError, retried by the state machine), as throttling and a 500 are", async () => {
            for (const [, fault] of transientFaults) {
                reset();
                iam.fail("ListAttachedGroupPolicies", fault);
                await assert.rejects(swap(stateMachineRequest("enforce")), { name: "RetryableError" });
            }
        });
    });
});
