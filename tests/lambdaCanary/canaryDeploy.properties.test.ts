// Properties of the canary deployer's functions (validate, traffic, health, the simple deployer), its weight schedules
// and the demo publisher: hostile requests and task inputs, repeated deliveries and failing AWS calls, on a stateful
// Lambda alias that keeps its revision, as the real one does.
import fc from "fast-check";
import assert from "node:assert/strict";
import { demoResponse, publishDemoVersions, releaseVariable } from "../../handlers/lambdaCanary/canaryDemo";
import {
    checkHealth,
    requirePlan,
    runSimpleDeployment,
    runTrafficTask,
    SimpleDeployDeps,
    validateDeployment,
} from "../../handlers/lambdaCanary/canaryDeploy";
import { weightsFor } from "../../handlers/lambdaCanary/canaryWeights";
import { awsError, transientFaults } from "../faults";
import { FakeCloudWatch, FakeLambda, FakeSns } from "../hostile/fakes";
import { hostileString, hostileValue, JS_NAMES, mutatedEvent, withValueAt } from "../hostile/generators";
import { holds, outcome } from "../hostile/properties";
import { config, FN, plan, request, shortRequest, simpleConfig } from "./events";

const NOW = new Date("2026-11-26T10:02:45Z");
const STEP = { index: 0, weight: 0.25, appliedAt: "2026-11-26T10:00:30Z", insufficientWaits: 0 };
/** Every key a request may carry, the original post's among them, and keys named like JavaScript's own. */
const KEYS = ["functionName", "aliasName", "newVersion", "strategy", "steps", "intervalSeconds", "canaryWeight", "alarmNames", "maxErrorRate", "minInvocations", "onInsufficientData", "maxInsufficientDataWaits", "function-name", "alias-name", "new-version", "interval", "type", ...JS_NAMES];
const REQUEST_ERRORS = ["InvalidDeploymentInput"];
const TASK_ERRORS = ["InvalidDeploymentInput", "AliasChangedOutsideDeployment", "ResourceNotFoundException"];

type Json = Record<string, any>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * What a plan must be for a task to act on it, stated from the workflow's contract (scenarios/lambdaCanary/README.md):
 * two published versions of a named function's alias, weights rising strictly to exactly 1, a minute to a day between
 * steps, and a complete health policy.
 */
function sanePlan(p: unknown): p is Json {
    if (!isObject(p)) return false;
    const name = (v: unknown, re: RegExp) => typeof v === "string" && re.test(v);
    const w: unknown = p.weights;
    const h = p.health;
    return (
        name(p.functionName, /^[A-Za-z0-9_-]{1,64}$/) &&
        name(p.aliasName, /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/) &&
        name(p.newVersion, /^[1-9]\d*$/) &&
        name(p.originalVersion, /^[1-9]\d*$/) &&
        p.newVersion !== p.originalVersion &&
        ["linear", "exponential", "canary"].includes(p.strategy) &&
        Array.isArray(w) &&
        w.length >= 1 &&
        w.every((x, i) => typeof x === "number" && x > 0 && x <= 1 && (i === 0 || x > (w[i - 1] as number))) &&
        w[w.length - 1] === 1 &&
        p.shiftCount === w.length - 1 &&
        Number.isInteger(p.intervalSeconds) &&
        p.intervalSeconds >= 60 &&
        p.intervalSeconds <= 86_400 &&
        isObject(h) &&
        typeof h.maxErrorRate === "number" &&
        h.maxErrorRate >= 0 &&
        h.maxErrorRate < 1 &&
        Number.isInteger(h.minInvocations) &&
        h.minInvocations >= 1 &&
        ["wait", "fail"].includes(h.onInsufficientData) &&
        Number.isInteger(h.maxInsufficientDataWaits) &&
        h.maxInsufficientDataWaits >= 0 &&
        h.maxInsufficientDataWaits <= 10 &&
        Array.isArray(h.alarmNames) &&
        h.alarmNames.every((a: unknown) => typeof a === "string" && a.length > 0 && a.length <= 255)
    );
}

describe("canary deployer: properties", () => {
    let lambda: FakeLambda;
    let cloudwatch: FakeCloudWatch;
    let sns: FakeSns;
    const slept: number[] = [];

    /** The target function with versions 1-3 and its alias `live` on `version`, routing `weights`. */
    function reset(version = "1", weights: Record<string, number> = {}) {
        lambda.functions.clear();
        lambda.addFunction(FN, { "1": {}, "2": {}, "3": {} }, { live: version });
        lambda.alias(FN, "live").AdditionalVersionWeights = { ...weights };
        Object.assign(cloudwatch.metrics, { invocations: 100, errors: 0, throttles: 0 });
        cloudwatch.alarms.clear();
        cloudwatch.alarms.set("orders-api-p99", "OK");
        sns.messages.length = 0;
        slept.length = 0;
        for (const f of [lambda, cloudwatch, sns]) f.clearLog();
    }
    beforeEach(() => {
        lambda = new FakeLambda();
        cloudwatch = new FakeCloudWatch();
        sns = new FakeSns();
        reset();
    });
    afterEach(() => [lambda, cloudwatch, sns].forEach((f) => f.restore()));

    const alias = () => {
        const a = lambda.alias(FN, "live");
        return { version: a.FunctionVersion, weights: a.AdditionalVersionWeights };
    };
    const traffic = () => ({ lambda: lambda.client, now: () => NOW });
    const simpleDeps = (over: Partial<SimpleDeployDeps> = {}): SimpleDeployDeps => ({
        lambda: lambda.client,
        cloudwatch: cloudwatch.client,
        sns: sns.client,
        sleep: async (ms) => {
            slept.push(ms);
        },
        remainingMs: () => 890_000,
        now: () => NOW,
        ...over,
    });
    const validate = (raw: unknown) => validateDeployment(raw, config, { lambda: lambda.client, cloudwatch: cloudwatch.client });
    const subjects = () => sns.messages.map((m) => m.Subject);

    describe("validate: a person's request", () => {
        it("on any variant of a real request, plans what it asks of an allowed function or refuses it, changing nothing", async () => {
            await holds(
                fc.asyncProperty(mutatedEvent({ ...request, alarmNames: ["orders-api-p99"] }), async (raw) => {
                    reset();
                    const result = await outcome(() => validate(raw), REQUEST_ERRORS);
                    assert.equal(lambda.changes().length, 0, "validation changes nothing");
                    for (const call of lambda.calls) assert.equal(call.input.FunctionName, FN, "only the allowed function is read");
                    if ("value" in result) {
                        const p = result.value;
                        assert.ok(sanePlan(p), `a plan the tasks can act on: ${JSON.stringify(p)}`);
                        assert.deepEqual([p.functionName, p.aliasName, p.originalVersion], [FN, "live", "1"]);
                        assert.ok(["2", "3"].includes(p.newVersion));
                        assert.doesNotThrow(() => requirePlan(JSON.parse(JSON.stringify(p))), "the plan survives the workflow's JSON");
                    }
                }),
                120,
            );
        });

        it("takes any value under any key (JavaScript's own names among them), naming the key in its refusal", async () => {
            await holds(
                fc.asyncProperty(fc.constantFrom(...KEYS), hostileValue(), async (key, value) => {
                    reset();
                    const result = await outcome(() => validate(withValueAt(request, [key], value)), REQUEST_ERRORS);
                    assert.equal(lambda.changes().length, 0);
                    if ("error" in result) assert.ok(result.error.message.length < 2_000, "a refusal says why in a few lines, never echoing a whole value");
                }),
                150,
            );
        });
    });

    describe("traffic: the workflow's shift, finalize and rollback tasks", () => {
        const tasks = [
            { action: "shift", plan: plan(), index: 1 },
            { action: "finalize", plan: plan() },
            { action: "rollback", state: { plan: plan(), error: { Error: "States.Timeout", Cause: '{"errorMessage":"task timed out"}' } } },
        ];

        it("on any variant of a task's input, moves the alias only where a sound plan says, or refuses", async () => {
            await holds(
                fc.asyncProperty(fc.oneof(...tasks.map((t) => mutatedEvent(t))), async (event: any) => {
                    reset("1", { "2": 0.25 });
                    const result = await outcome(() => runTrafficTask(event, traffic()), TASK_ERRORS);
                    if (lambda.changes().length === 0) return;
                    const p = event.action === "rollback" ? event.state.plan : event.plan;
                    assert.ok(sanePlan(p), `the alias moved on a plan no request makes: ${JSON.stringify(event).slice(0, 300)}`);
                    assert.ok("value" in result, "a change is reported as done");
                    const expected =
                        event.action === "shift"
                            ? { version: p.originalVersion, weights: { [p.newVersion]: p.weights[event.index] } }
                            : event.action === "finalize"
                              ? { version: p.newVersion, weights: {} }
                              : { version: p.originalVersion, weights: {} };
                    assert.deepEqual(alias(), expected);
                }),
                150,
            );
        });

        it("reads any text in a rollback's recorded error or health (JavaScript's names among them) into the reason", async () => {
            await holds(
                fc.asyncProperty(fc.oneof(hostileValue(), fc.constant({ toString: 1, valueOf: 1 })), fc.constantFrom("error", "health"), async (value, where) => {
                    reset("1", { "2": 0.25 });
                    const state = where === "error" ? { plan: plan(), error: { Error: value, Cause: value } } : { plan: plan(), health: { status: value, reason: value } };
                    const out = await runTrafficTask({ action: "rollback", state }, traffic());
                    assert.ok("message" in out && out.message.length < 3_000);
                    assert.deepEqual(alias(), { version: "1", weights: {} });
                }),
                100,
            );
        });

        it("pins: a recorded error whose Cause is an object with its own toString is a reason, not a TypeError", async () => {
            reset("1", { "2": 0.25 });
            const out = await runTrafficTask({ action: "rollback", state: { plan: plan(), error: { Error: "States.Runtime", Cause: { toString: 1, valueOf: 1 } } } }, traffic());
            assert.match((out as { message: string }).message, /Reason: States.Runtime: \{"toString":1,"valueOf":1\}/);
        });

        it("pins: a plan whose weights or health policy are not a request's is refused before any call", async () => {
            for (const bad of [
                { ...plan(), weights: [0.9, 0.5, 0.75, 1] },
                { ...plan(), weights: ["0.25", 0.5, 0.75, 1] },
                { ...plan(), weights: [5, 0.5, 0.75, 1] },
                { ...plan(), health: {} },
                { ...plan(), health: { ...plan().health, maxErrorRate: "0.5" } },
                { ...plan(), intervalSeconds: 1 },
                { ...plan(), strategy: "constructor" },
            ]) {
                await assert.rejects(runTrafficTask({ action: "shift", plan: bad, index: 0 }, traffic()), { name: "InvalidDeploymentInput", message: /malformed plan/ });
            }
            assert.equal(lambda.calls.length, 0);
        });
    });

    describe("health: the workflow's check", () => {
        it("on any variant of its input, judges a sound plan's step or refuses; it never judges by a policy that is not there", async () => {
            await holds(
                fc.asyncProperty(mutatedEvent({ plan: plan({ health: { ...plan().health, alarmNames: ["orders-api-p99"] } }), step: STEP }), async (event: any) => {
                    reset();
                    const result = await outcome(() => checkHealth(event, { cloudwatch: cloudwatch.client, now: () => NOW }), ["InvalidDeploymentInput", "MetricDataUnavailable", "AlarmNotFound"]);
                    assert.equal(cloudwatch.changes().length, 0);
                    if ("value" in result) {
                        assert.ok(["HEALTHY", "UNHEALTHY", "INSUFFICIENT_DATA"].includes(result.value.status));
                        assert.ok(sanePlan(event.plan), `judged a plan no request makes: ${JSON.stringify(event.plan).slice(0, 300)}`);
                        assert.equal(typeof event.step.appliedAt, "string");
                    }
                }),
                120,
            );
        });

        it("pins: a plan without its health policy is refused, not judged HEALTHY (nor a TypeError)", async () => {
            for (const health of [{}, { alarmNames: [] }, { ...plan().health, minInvocations: undefined }]) {
                await assert.rejects(checkHealth({ plan: { ...plan(), health }, step: STEP }, { cloudwatch: cloudwatch.client, now: () => NOW }), { name: "InvalidDeploymentInput" });
            }
            await assert.rejects(checkHealth({ plan: plan(), step: { ...STEP, appliedAt: { toString: 1 } } }, { cloudwatch: cloudwatch.client, now: () => NOW }), { name: "InvalidDeploymentInput" });
            await assert.rejects(checkHealth({ plan: plan(), step: { ...STEP, appliedAt: "1970-01-01T00:00:00Z" } }, { cloudwatch: cloudwatch.client, now: () => NOW }), /within the workflow's year/);
            assert.equal(cloudwatch.calls.length, 0);
        });
    });

    describe("simple deployer: a person's request, run whole", () => {
        it("on any variant of a request, finishes at the new version or back at the original, and says which once", async () => {
            await holds(
                fc.asyncProperty(mutatedEvent(shortRequest), fc.boolean(), async (raw, healthy) => {
                    reset();
                    cloudwatch.metrics.errors = healthy ? 0 : 5;
                    const result = await outcome(() => runSimpleDeployment(raw, simpleConfig, simpleDeps()), ["InvalidDeploymentInput", "UnhealthyDeployment"]);
                    const end = alias();
                    assert.deepEqual(end.weights, {}, "never left routing to two versions");
                    if ("value" in result) {
                        assert.equal(result.value.status, "finalized");
                        assert.deepEqual(end.version, result.value.version);
                        assert.deepEqual(subjects(), ["Canary deployment succeeded"]);
                    } else if (result.error.name === "InvalidDeploymentInput") {
                        assert.equal(lambda.changes().length + sns.messages.length, 0, "a refused request changes nothing and tells nobody");
                    } else {
                        assert.equal(end.version, "1");
                        assert.deepEqual(subjects(), ["Canary deployment rolled back"]);
                    }
                }),
                80,
            );
        });
    });

    describe("repeated delivery (Step Functions retries tasks; Lambda's asynchronous queue may deliver a request twice)", () => {
        it("each workflow task repeated leaves the alias where the first left it", async () => {
            reset("1");
            await runTrafficTask({ action: "shift", plan: plan(), index: 0 }, traffic());
            await runTrafficTask({ action: "shift", plan: plan(), index: 0 }, traffic());
            assert.deepEqual(alias(), { version: "1", weights: { "2": 0.25 } });
            const first = await runTrafficTask({ action: "finalize", plan: plan() }, traffic());
            const again = await runTrafficTask({ action: "finalize", plan: plan() }, traffic());
            assert.deepEqual([(first as any).unchanged, (again as any).unchanged], [false, true]);
            assert.equal(lambda.changes().length, 3, "shift, shift (same weight), finalize: the repeated finalize changes nothing");
            const back = await runTrafficTask({ action: "rollback", state: { plan: plan() } }, traffic());
            const backAgain = await runTrafficTask({ action: "rollback", state: { plan: plan() } }, traffic());
            assert.deepEqual([(back as any).unchanged, (backAgain as any).unchanged], [false, true]);
            assert.deepEqual(alias(), { version: "1", weights: {} });
        });

        for (const action of ["shift", "finalize", "rollback"] as const) {
            it(`pins: a ${action} whose UpdateAlias landed but whose answer was lost succeeds; its retry changes nothing more`, async () => {
                reset("1", action === "shift" ? {} : { "2": 0.5 });
                const event = action === "rollback" ? { action, state: { plan: plan() } } : { action, plan: plan(), index: 0 };
                // The SDK's own retry of the lost call then fails its condition on the revision the first attempt moved.
                lambda.fail("UpdateAlias", () => awsError("PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id.", 412), { after: true });
                await runTrafficTask(event, traffic());
                const target = action === "shift" ? { version: "1", weights: { "2": 0.25 } } : action === "finalize" ? { version: "2", weights: {} } : { version: "1", weights: {} };
                assert.deepEqual(alias(), target);
                lambda.clearLog();
                await runTrafficTask(event, traffic());
                assert.deepEqual(alias(), target);
                assert.ok(lambda.changes().length <= 1 && (action !== "shift" || lambda.changes().length === 1), "a retried shift writes the same weight; finalize and rollback write nothing");
                if (action !== "shift") assert.equal(lambda.changes().length, 0);
            });
        }

        it("pins: the simple deployer's repeated request after success changes nothing, notifies nobody and succeeds", async () => {
            const first = await runSimpleDeployment(shortRequest, simpleConfig, simpleDeps());
            assert.equal(first.unchanged, false);
            const changes = lambda.changes().length;
            const second = await runSimpleDeployment(shortRequest, simpleConfig, simpleDeps());
            assert.deepEqual([second.status, second.unchanged, second.steps.length], ["finalized", true, 0]);
            assert.equal(lambda.changes().length, changes);
            assert.deepEqual(subjects(), ["Canary deployment succeeded"]);
        });

        it("the simple deployer's repeated request after a rollback runs the rollout again: AWS keeps no trace a rollback could be told by", async () => {
            cloudwatch.metrics.errors = 5;
            await assert.rejects(runSimpleDeployment(shortRequest, simpleConfig, simpleDeps()), { name: "UnhealthyDeployment" });
            await assert.rejects(runSimpleDeployment(shortRequest, simpleConfig, simpleDeps()), { name: "UnhealthyDeployment" });
            assert.deepEqual(alias(), { version: "1", weights: {} });
            assert.deepEqual(
                lambda.changes().map((c) => [c.input.FunctionVersion, c.input.RoutingConfig.AdditionalVersionWeights]),
                [["1", { "2": 0.5 }], ["1", {}], ["1", { "2": 0.5 }], ["1", {}]],
                "the canary weight is exposed again for one interval, then rolled back again",
            );
            assert.deepEqual(subjects(), ["Canary deployment rolled back", "Canary deployment rolled back"]);
        });

        it("a duplicate arriving while the first runs changes nothing and is refused; the first finishes alone", async () => {
            let release!: () => void;
            const held = new Promise<void>((resolve) => (release = resolve));
            const first = runSimpleDeployment(shortRequest, simpleConfig, simpleDeps({ sleep: () => held }));
            while (lambda.changes().length === 0) await new Promise((resolve) => setImmediate(resolve));
            await assert.rejects(runSimpleDeployment(shortRequest, simpleConfig, simpleDeps()), { name: "InvalidDeploymentInput", message: /already routes traffic to more than one version/ });
            release();
            assert.equal((await first).status, "finalized");
            assert.deepEqual(alias(), { version: "2", weights: {} });
            assert.deepEqual(subjects(), ["Canary deployment succeeded"]);
        });

        it("two deliveries started together never undo each other: the alias ends on the new version", async () => {
            const runs = await Promise.allSettled([runSimpleDeployment(shortRequest, simpleConfig, simpleDeps()), runSimpleDeployment(shortRequest, simpleConfig, simpleDeps())]);
            assert.deepEqual(alias(), { version: "2", weights: {} });
            assert.ok(!subjects().includes("Canary deployment rolled back") && !subjects().includes("Canary deployment rollback FAILED"), subjects().join(", "));
            assert.ok(runs.some((r) => r.status === "fulfilled"));
            for (const r of runs) if (r.status === "rejected") assert.equal(r.reason.name, "InvalidDeploymentInput");
        });
    });

    describe("failing AWS calls", () => {
        const commands = ["GetAlias", "GetFunctionConfiguration", "DescribeAlarms", "UpdateAlias", "GetMetricData", "Publish"];

        it("any call of the simple deployer failing (throttling, a 500, a timeout; before or after its effect; once or for good) ends in a known state, reported", async () => {
            await holds(
                fc.asyncProperty(fc.constantFrom(...commands), fc.constantFrom(...transientFaults), fc.nat({ max: 3 }), fc.boolean(), fc.integer({ min: 1, max: 6 }), async (command, [, fault], skip, after, times) => {
                    reset();
                    const fake = command === "Publish" ? sns : ["DescribeAlarms", "GetMetricData"].includes(command) ? cloudwatch : lambda;
                    fake.fail(command, fault, { skip, after, times });
                    const result = await outcome(() => runSimpleDeployment({ ...shortRequest, alarmNames: ["orders-api-p99"] }, simpleConfig, simpleDeps()), [
                        fault().name,
                        "NotificationFailed",
                        "RollbackFailed",
                    ]);
                    const end = alias();
                    if ("value" in result) {
                        assert.deepEqual(end, { version: "2", weights: {} }, "success means the new version serves all traffic");
                        assert.deepEqual(subjects(), ["Canary deployment succeeded"]);
                        return;
                    }
                    if (result.error.name === "NotificationFailed") {
                        assert.deepEqual(end, { version: "2", weights: {} }, "the deployment stands; only its report failed, and the error says so");
                        assert.match(result.error.message, /now serves version 2 to all traffic/);
                    } else if (result.error.name === "RollbackFailed") {
                        assert.match(result.error.message, /Check the alias now/);
                    } else if (lambda.changes().length > 0) {
                        assert.deepEqual(end, { version: "1", weights: {} }, "a failure after a change rolls it back");
                        assert.ok(subjects().includes("Canary deployment rolled back") || sns.calls.some((c) => c.error), "the rollback is notified, or its notification failed");
                    } else {
                        assert.deepEqual(end, { version: "1", weights: {} });
                        assert.ok(sns.messages.length === 0 || subjects().join() === "Canary deployment rolled back", "nothing changed: at most the notice that the rollout stopped");
                    }
                }),
                100,
            );
        });

        it("pins: the simple deployer repeats a step whose call failed transiently, as the workflow's Retry does, instead of rolling back", async () => {
            cloudwatch.fail("GetMetricData", transientFaults[0][1], { times: 2 });
            lambda.fail("UpdateAlias", transientFaults[1][1]);
            const result = await runSimpleDeployment(shortRequest, simpleConfig, simpleDeps());
            assert.equal(result.status, "finalized");
            assert.deepEqual(subjects(), ["Canary deployment succeeded"]);
            assert.deepEqual(slept, [2_000, 120_000, 2_000, 4_000], "a shift retried after 2 s; the interval; the check retried after 2 s and 4 s");
        });

        it("a call that keeps failing fails the run after three attempts: the rollout is rolled back and says why", async () => {
            cloudwatch.fail("GetMetricData", transientFaults[2][1], { times: 3 });
            await assert.rejects(runSimpleDeployment(shortRequest, simpleConfig, simpleDeps()), { name: "TimeoutError" });
            assert.deepEqual(alias(), { version: "1", weights: {} });
            assert.match(sns.messages[0].Message, /Reason: TimeoutError: Connection timed out/);
        });

        for (const [what, fault] of transientFaults) {
            it(`each workflow task's call failing with ${what} fails the task (retried or rolled back by the workflow), reporting no success`, async () => {
                for (const [command, run] of [
                    ["GetAlias", () => validate(request)],
                    ["GetFunctionConfiguration", () => validate(request)],
                    ["DescribeAlarms", () => validate({ ...request, alarmNames: ["orders-api-p99"] })],
                    ["GetAlias", () => runTrafficTask({ action: "shift", plan: plan(), index: 0 }, traffic())],
                    ["UpdateAlias", () => runTrafficTask({ action: "shift", plan: plan(), index: 0 }, traffic())],
                    ["UpdateAlias", () => runTrafficTask({ action: "finalize", plan: plan() }, traffic())],
                    ["GetMetricData", () => checkHealth({ plan: plan(), step: STEP }, { cloudwatch: cloudwatch.client, now: () => NOW })],
                ] as const) {
                    reset();
                    (["GetMetricData", "DescribeAlarms"].includes(command) ? cloudwatch : lambda).fail(command, fault);
                    await assert.rejects((run as () => Promise<unknown>)(), { name: fault().name }, command);
                    assert.deepEqual(alias(), { version: "1", weights: {} }, `${command}: nothing changed`);
                }
            });
        }
    });

    describe("weights", () => {
        it("any strategy, steps and canary weight give a schedule rising strictly to 1, or an InvalidWeights error", async () => {
            await holds(
                fc.property(fc.oneof(fc.constantFrom("linear", "exponential", "canary"), hostileString()), fc.oneof(fc.integer({ min: -2, max: 120 }), hostileValue()), fc.oneof(fc.double(), hostileValue()), (strategy, steps, weight) => {
                    try {
                        const w = weightsFor(strategy as any, steps as any, weight as any);
                        assert.equal(w[w.length - 1], 1);
                        w.forEach((x, i) => assert.ok(x > 0 && x <= 1 && (i === 0 || x > w[i - 1])));
                        assert.ok(w.slice(0, -1).every((x) => x >= 0.001), "every partial step routes at least 0.1%");
                    } catch (err) {
                        assert.equal((err as Error).name, "InvalidWeights", String(err));
                    }
                }),
                300,
            );
        });
    });

    describe("demo publisher and demo function", () => {
        const CODE = "q2Nd0hq4qmVvZ0H3m2Dq8d3yWl0eJ8o1sQ6M9o2r2cE=";
        const DEMO = "canary-demo-1a2b3c4";
        function demo() {
            lambda.functions.clear();
            const fn = lambda.addFunction(DEMO, {});
            fn.latest = { ...fn.latest, CodeSha256: CODE, Environment: { Variables: { [releaseVariable()]: "stable", OTHER: "kept" } } };
            lambda.clearLog();
            return fn;
        }
        const publish = (event: unknown) => publishDemoVersions(event, { functionName: DEMO }, { lambda: lambda.client, sleep: async () => undefined });
        const published = () => [...lambda.fn(DEMO).versions.values()].map((v) => v.Environment?.Variables?.[releaseVariable()]);

        it("on any variant of the deployment's invocation, publishes only for its own function and code, and leaves $LATEST as it was", async () => {
            await holds(
                fc.asyncProperty(mutatedEvent({ functionName: DEMO, codeSha256: CODE }), async (event: any) => {
                    const fn = demo();
                    const result = await outcome(() => publish(event), [{ name: "Error", message: /^(this publisher only works on|codeSha256 must be|canary-demo-1a2b3c4's code)/ }]);
                    assert.deepEqual(fn.latest.Environment, { Variables: { [releaseVariable()]: "stable", OTHER: "kept" } }, "$LATEST is as Pulumi configured it");
                    if ("value" in result) {
                        assert.deepEqual([event.functionName, event.codeSha256], [DEMO, CODE]);
                        assert.deepEqual(published(), ["stable", "candidate"]);
                    } else assert.equal(lambda.changes().length, 0);
                }),
                100,
            );
        });

        it("an invocation repeated, or retried after any call failed (before or after its effect), ends with one stable and one candidate version", async () => {
            await holds(
                fc.asyncProperty(
                    fc.constantFrom("GetFunctionConfiguration", "ListVersionsByFunction", "PublishVersion", "UpdateFunctionConfiguration"),
                    fc.constantFrom(...transientFaults),
                    fc.nat({ max: 3 }),
                    fc.boolean(),
                    async (command, [, fault], skip, after) => {
                        const fn = demo();
                        lambda.fail(command, fault, { skip, after });
                        await outcome(() => publish({ functionName: DEMO, codeSha256: CODE }), [fault().name, { name: "Error", message: /restoring .*'s \$LATEST environment failed/ }]);
                        lambda.clearLog();
                        const retried = await publish({ functionName: DEMO, codeSha256: CODE });
                        const again = await publish({ functionName: DEMO, codeSha256: CODE });
                        assert.deepEqual(again, retried, "a repeated invocation returns the same versions");
                        assert.deepEqual(published(), ["stable", "candidate"], "no version published twice");
                        assert.deepEqual(fn.latest.Environment, { Variables: { [releaseVariable()]: "stable", OTHER: "kept" } });
                    },
                ),
                80,
            );
        });

        it("the demo function answers any event; only the candidate fails, and only when asked to", async () => {
            await holds(
                fc.property(fc.oneof(hostileValue(), mutatedEvent({ simulateFailure: true })), fc.constantFrom("stable", "candidate", undefined), fc.option(hostileString(), { nil: undefined }), (event: any, release, version) => {
                    const asked = typeof event === "object" && event !== null && event.simulateFailure === true;
                    try {
                        const answer = demoResponse(event, release, version);
                        assert.ok(!(asked && release === "candidate"));
                        assert.equal(answer.release, release ?? "unknown");
                    } catch (err) {
                        assert.ok(asked && release === "candidate", String(err));
                        assert.match((err as Error).message, /simulated failure in the candidate release/);
                    }
                }),
                200,
            );
        });
    });
});
