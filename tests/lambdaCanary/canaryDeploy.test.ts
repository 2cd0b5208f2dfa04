import { CloudWatch, CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetAliasCommand, GetFunctionConfigurationCommand, Lambda, LambdaClient, UpdateAliasCommand } from "@aws-sdk/client-lambda";
import { PublishCommand, SNS, SNSClient } from "@aws-sdk/client-sns";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import {
    checkHealth,
    classifyHealth,
    configFromEnvironment,
    finalizeDeployment,
    healthQueries,
    nextAction,
    parseDeploymentRequest,
    rollbackDeployment,
    rollbackReason,
    runSimpleDeployment,
    runTrafficTask,
    shiftTraffic,
    simpleDeployerConfigFromEnvironment,
    validateDeployment,
} from "../../handlers/lambdaCanary/canaryDeploy";
import { accessDenied, awsError, notFound, throttling } from "../faults";
import { config, FN, plan, request, ROLE, shortRequest, simpleConfig, STATE_MACHINE, TOPIC } from "./events";


let lambdaMock: AwsStub<any, any, any>;
let cwMock: AwsStub<any, any, any>;
let snsMock: AwsStub<any, any, any>;
const lambda = () => new Lambda({ region: "us-east-1" });
const cloudwatch = () => new CloudWatch({ region: "us-east-1" });
const sns = () => new SNS({ region: "us-east-1" });

interface FakeAlias {
    FunctionVersion: string;
    RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
    RevisionId: string;
}

/** A Lambda alias that behaves like the real one: reads return its state, conditional updates change it. */
function fakeAlias(version = "1", weights: Record<string, number> = {}, versions: Record<string, { Role?: string; State?: string; DeadLetterConfig?: { TargetArn: string } }> = { "1": {}, "2": {} }) {
    let revision = 1;
    const alias: FakeAlias = { FunctionVersion: version, RoutingConfig: { AdditionalVersionWeights: { ...weights } }, RevisionId: `rev-${revision}` };
    lambdaMock.on(GetAliasCommand).callsFake(() => ({ AliasArn: `arn:aws:lambda:us-east-1:123456789012:function:${FN}:live`, Name: "live", ...structuredClone(alias) }));
    lambdaMock.on(UpdateAliasCommand).callsFake((input) => {
        if (input.RevisionId && input.RevisionId !== alias.RevisionId) throw awsError("PreconditionFailedException", "The RevisionId provided does not match the latest RevisionId");
        if (input.FunctionVersion) alias.FunctionVersion = input.FunctionVersion;
        if (input.RoutingConfig) alias.RoutingConfig = structuredClone(input.RoutingConfig);
        alias.RevisionId = `rev-${++revision}`;
        return { ...structuredClone(alias), Name: "live" };
    });
    lambdaMock.on(GetFunctionConfigurationCommand).callsFake((input) => {
        const v = versions[input.Qualifier ?? "$LATEST"];
        if (!v) throw notFound("ResourceNotFoundException", `function ${FN}:${input.Qualifier}`);
        return { FunctionName: FN, Version: input.Qualifier, Role: ROLE, State: "Active", ...v };
    });
    return alias;
}

function metrics(invocations: number[], errors: number[] = [], throttles: number[] = [], nextToken?: string) {
    return {
        MetricDataResults: [
            { Id: "invocations", Values: invocations, StatusCode: "Complete" as const },
            { Id: "errors", Values: errors, StatusCode: "Complete" as const },
            { Id: "throttles", Values: throttles, StatusCode: "Complete" as const },
        ],
        NextToken: nextToken,
    };
}

const updates = () => lambdaMock.commandCalls(UpdateAliasCommand).map((c) => c.args[0].input);
const published = () => snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);


describe("canary deploy handlers", () => {
    before(() => {
        lambdaMock = mockClient(LambdaClient);
        cwMock = mockClient(CloudWatchClient);
        snsMock = mockClient(SNSClient);
    });
    after(() => {
        lambdaMock.restore();
        cwMock.restore();
        snsMock.restore();
    });
    beforeEach(() => {
        lambdaMock.reset();
        cwMock.reset();
        snsMock.reset();
    });

    describe("parseDeploymentRequest (no AWS calls)", () => {
        it("plans the documented input with the deployer's health defaults", () => {
            const r = parseDeploymentRequest(request, config);
            assert.deepEqual(r, {
                functionName: FN,
                aliasName: "live",
                newVersion: "2",
                strategy: "linear",
                intervalSeconds: 120,
                weights: [0.25, 0.5, 0.75, 1],
                health: { maxErrorRate: 0.01, minInvocations: 10, onInsufficientData: "wait", maxInsufficientDataWaits: 2, alarmNames: [] },
            });
        });

        it("accepts the original post's input keys and a numeric version", () => {
            const r = parseDeploymentRequest({ "function-name": FN, "alias-name": "live", "new-version": 2, steps: 10, interval: 120, type: "linear" }, config);
            assert.equal(r.newVersion, "2");
            assert.equal(r.intervalSeconds, 120);
            assert.equal(r.weights.length, 10);
        });

        it("lets a request tighten the health policy and name allowed alarms (exact or by prefix)", () => {
            const r = parseDeploymentRequest(
                { ...request, strategy: "canary", steps: undefined, canaryWeight: 0.05, alarmNames: ["orders-api-p99"], maxErrorRate: 0, minInvocations: 50, onInsufficientData: "fail" },
                config,
            );
            assert.deepEqual(r.weights, [0.05, 1]);
            assert.deepEqual(r.health, { maxErrorRate: 0, minInvocations: 50, onInsufficientData: "fail", maxInsufficientDataWaits: 2, alarmNames: ["orders-api-p99"] });
            assert.equal(parseDeploymentRequest({ ...request, functionName: "team-billing" }, config).functionName, "team-billing");
        });

        for (const [label, input, message] of [
            ["not an object", "deploy please", /the input must be a JSON object/],
            ["an unknown key", { ...request, intervalSecs: 60 }, /unknown input key "intervalSecs"; the input takes functionName, aliasName/],
            ["a key given twice", { ...request, interval: 60 }, /gives intervalSeconds twice \(as "intervalSeconds" and as "interval"\)/],
            ["a function ARN", { ...request, functionName: "arn:aws:lambda:us-east-1:123456789012:function:x" }, /functionName must be a function name .*not an ARN/],
            ["a function outside the allow-list", { ...request, functionName: "payroll" }, /functionName "payroll" is not one of the functions this deployer may shift \(allowed: names orders-api; names starting with "team-"\)/],
            ["a numeric alias name", { ...request, aliasName: "42" }, /aliasName must be an alias name/],
            ["$LATEST as the new version", { ...request, newVersion: "$LATEST" }, /newVersion must be a published version number like "2" \(not \$LATEST or an alias\); got "\$LATEST"/],
            ["no steps for linear", { ...request, steps: undefined }, /steps is required for the linear strategy/],
            ["a canary weight for linear", { ...request, canaryWeight: 0.1 }, /canaryWeight applies to the canary strategy only/],
            ["an interval under a minute", { ...request, intervalSeconds: 30 }, /intervalSeconds must be an integer from 60 to 86400; got 30/],
            ["an interval over a day", { ...request, intervalSeconds: 86_401 }, /intervalSeconds must be an integer from 60 to 86400; got 86401/],
            ["an unknown strategy", { ...request, strategy: "geometric" }, /strategy must be one of linear, exponential, canary; got "geometric"/],
            ["too many exponential steps", { ...request, strategy: "exponential", steps: 11 }, /steps must be an integer from 1 to 10 for the exponential strategy; got 11/],
            ["zero steps", { ...request, steps: 0 }, /steps must be an integer from 1 to 100 for the linear strategy; got 0/],
            ["an alarm outside the allow-list", { ...request, alarmNames: ["billing-errors"] }, /alarm "billing-errors" is not one this deployer may read \(allowed: names orders-api-p99\)/],
            ["an error rate of 1", { ...request, maxErrorRate: 1 }, /maxErrorRate must be a number from 0 .* excluding 1; got 1/],
            ["an unknown data policy", { ...request, onInsufficientData: "ignore" }, /onInsufficientData must be "wait" or "fail"; got "ignore"/],
            ["too many data waits", { ...request, maxInsufficientDataWaits: 11 }, /maxInsufficientDataWaits must be an integer from 0 to 10; got 11/],
            ["a rollout longer than a workflow may run", { ...request, steps: 100, intervalSeconds: 86_400, maxInsufficientDataWaits: 10 }, /can take \d+ s, beyond the 31536000 s a workflow may run/],
        ] as const) {
            it(`refuses ${label}`, () => {
                assert.throws(() => parseDeploymentRequest(input, config), (err: Error) => err.name === "InvalidDeploymentInput" && (message as RegExp).test(err.message));
            });
        }
    });

    describe("validateDeployment (read-only)", () => {
        it("plans from the alias as it is now and changes nothing", async () => {
            fakeAlias("1");
            const p = await validateDeployment(request, config, { lambda: lambda(), cloudwatch: cloudwatch() });
            assert.deepEqual(p, plan());
            assert.deepEqual(lambdaMock.commandCalls(GetAliasCommand)[0].args[0].input, { FunctionName: FN, Name: "live" });
            assert.deepEqual(
                lambdaMock.commandCalls(GetFunctionConfigurationCommand).map((c) => c.args[0].input.Qualifier),
                ["1", "2"],
                "both versions are checked",
            );
            assert.equal(updates().length, 0);
        });

        const cases: [string, () => void, RegExp][] = [
            ["a missing alias", () => lambdaMock.on(GetAliasCommand).rejects(notFound("ResourceNotFoundException", "alias")), /alias live of function orders-api does not exist/],
            ["an alias already on the new version", () => fakeAlias("2"), /already serves version 2/],
            ["an alias already shifting traffic", () => fakeAlias("1", { "3": 0.2 }), /already routes traffic to more than one version \(version 1 plus version 3 at 0.2\).*update-alias --routing-config '\{\}'/],
            ["an alias on $LATEST", () => fakeAlias("$LATEST"), /points to \$LATEST; traffic shifting needs a published primary version/],
            ["a version that does not exist", () => fakeAlias("1", {}, { "1": {} }), /version 2 of orders-api does not exist; publish it first/],
            ["a failed version", () => fakeAlias("1", {}, { "1": {}, "2": { State: "Failed" } }), /version 2 of orders-api is in state Failed/],
            ["versions with different roles", () => fakeAlias("1", {}, { "1": {}, "2": { Role: `${ROLE}-v2` } }), /different execution roles; a weighted alias needs the same role/],
            ["versions with different dead-letter queues", () => fakeAlias("1", {}, { "1": {}, "2": { DeadLetterConfig: { TargetArn: "arn:aws:sqs:us-east-1:123456789012:dlq" } } }), /different dead-letter queues/],
        ];
        for (const [label, setup, message] of cases) {
            it(`rejects ${label} without touching the alias`, async () => {
                setup();
                await assert.rejects(validateDeployment(request, config, { lambda: lambda(), cloudwatch: cloudwatch() }), (err: Error) => err.name === "InvalidDeploymentInput" && message.test(err.message));
                assert.equal(updates().length, 0);
            });
        }

        it("checks that the named alarms exist", async () => {
            fakeAlias("1");
            cwMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
            await assert.rejects(
                validateDeployment({ ...request, alarmNames: ["orders-api-p99"] }, config, { lambda: lambda(), cloudwatch: cloudwatch() }),
                /alarm\(s\) orders-api-p99 do not exist \(only metric alarms are checked/,
            );
            cwMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: "orders-api-p99", StateValue: "OK" }] });
            const p = await validateDeployment({ ...request, alarmNames: ["orders-api-p99"] }, config, { lambda: lambda(), cloudwatch: cloudwatch() });
            assert.deepEqual(p.health.alarmNames, ["orders-api-p99"]);
            assert.deepEqual(cwMock.commandCalls(DescribeAlarmsCommand)[1].args[0].input.AlarmNames, ["orders-api-p99"]);
            assert.equal(updates().length, 0);
        });

        it("lets AWS faults surface as they are (throttling is retried by the workflow, access denied is not hidden)", async () => {
            lambdaMock.on(GetAliasCommand).rejects(awsError("TooManyRequestsException", "Rate exceeded", 429));
            await assert.rejects(validateDeployment(request, config, { lambda: lambda(), cloudwatch: cloudwatch() }), { name: "TooManyRequestsException" });
            lambdaMock.reset();
            fakeAlias("1");
            lambdaMock.on(GetFunctionConfigurationCommand).rejects(accessDenied("lambda:GetFunctionConfiguration"));
            await assert.rejects(validateDeployment(request, config, { lambda: lambda(), cloudwatch: cloudwatch() }), { name: "AccessDenied" });
            assert.equal(updates().length, 0);
        });

        it("refuses malformed input before any call", async () => {
            await assert.rejects(validateDeployment({ functionName: FN }, config, { lambda: lambda(), cloudwatch: cloudwatch() }), { name: "InvalidDeploymentInput" });
            assert.equal(lambdaMock.calls().length, 0);
        });
    });

    describe("traffic: shift, finalize, rollback", () => {
        const deps = () => ({ lambda: lambda(), now: () => new Date("2026-11-26T10:00:30Z") });

        it("shifts the planned weight to the new version, keeping the original primary, conditionally on the revision", async () => {
            const alias = fakeAlias("1");
            const step = await shiftTraffic({ plan: plan(), index: 1 }, deps());
            assert.deepEqual(step, { index: 1, weight: 0.5, appliedAt: "2026-11-26T10:00:30.000Z", insufficientWaits: 0 });
            assert.deepEqual(updates(), [
                { FunctionName: FN, Name: "live", FunctionVersion: "1", RoutingConfig: { AdditionalVersionWeights: { "2": 0.5 } }, RevisionId: "rev-1" },
            ]);
            assert.deepEqual(alias.RoutingConfig, { AdditionalVersionWeights: { "2": 0.5 } });
        });

        it("refuses a step index outside the plan or a malformed plan, without calls", async () => {
            fakeAlias("1");
            await assert.rejects(shiftTraffic({ plan: plan(), index: 3 }, deps()), /step index must be an integer from 0 to 2; got 3/);
            await assert.rejects(shiftTraffic({ plan: { ...plan(), weights: [0.5, 0.9] }, index: 0 }, deps()), /malformed plan/);
            await assert.rejects(runTrafficTask({ action: "flip", plan: plan() }, deps()), /action must be shift, finalize or rollback; got "flip"/);
            assert.equal(lambdaMock.calls().length, 0);
        });

        it("leaves an alias that someone else changed alone", async () => {
            fakeAlias("3");
            await assert.rejects(shiftTraffic({ plan: plan(), index: 0 }, deps()), (err: Error) => err.name === "AliasChangedOutsideDeployment" && /now serves version 3/.test(err.message));
            await assert.rejects(finalizeDeployment({ plan: plan() }, deps()), { name: "AliasChangedOutsideDeployment" });
            await assert.rejects(rollbackDeployment({ state: { plan: plan() } }, deps()), { name: "AliasChangedOutsideDeployment" });
            fakeAlias("1", { "3": 0.1 });
            await assert.rejects(rollbackDeployment({ state: { plan: plan() } }, deps()), /version 1 plus version 3 at 0.1/);
            assert.equal(updates().length, 0);
        });

        it("finalize makes the new version primary, clears the weights, and is idempotent", async () => {
            const alias = fakeAlias("1", { "2": 0.75 });
            const first = await finalizeDeployment({ plan: plan() }, deps());
            assert.equal(first.unchanged, false);
            assert.deepEqual(updates(), [{ FunctionName: FN, Name: "live", FunctionVersion: "2", RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: "rev-1" }]);
            assert.deepEqual([alias.FunctionVersion, alias.RoutingConfig], ["2", { AdditionalVersionWeights: {} }]);
            const again = await finalizeDeployment({ plan: plan() }, deps());
            assert.equal(again.unchanged, true);
            assert.equal(updates().length, 1, "a retried finalize changes nothing");
            assert.match(first.message, /orders-api:live now serves version 2 to all traffic \(was version 1\)/);
        });

        it("rollback returns all traffic to the original version, clears the weights, and is idempotent", async () => {
            const alias = fakeAlias("1", { "2": 0.5 });
            const out = await rollbackDeployment({ state: { plan: plan(), health: { status: "UNHEALTHY", reason: "failure ratio above 0.01" } } }, deps());
            assert.deepEqual(updates(), [{ FunctionName: FN, Name: "live", FunctionVersion: "1", RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: "rev-1" }]);
            assert.deepEqual([alias.FunctionVersion, alias.RoutingConfig], ["1", { AdditionalVersionWeights: {} }]);
            assert.match(out.message, /rolled back: all traffic is on version 1 again\.\nReason: health check UNHEALTHY: failure ratio above 0.01/);
            const again = await rollbackDeployment({ state: { plan: plan() } }, deps());
            assert.equal(again.unchanged, true);
            assert.equal(updates().length, 1);
        });

        it("rollback also undoes a finalize that happened before the workflow failed", async () => {
            const alias = fakeAlias("2");
            await rollbackDeployment({ state: { plan: plan(), error: { Error: "States.Timeout", Cause: "task timed out" } } }, deps());
            assert.equal(alias.FunctionVersion, "1");
        });

        it("explains the rollback reason from a Lambda error document or a failed health check", () => {
            const cause = JSON.stringify({ errorType: "AccessDenied", errorMessage: "not authorized to perform lambda:UpdateAlias", trace: [] });
            assert.equal(rollbackReason({ error: { Error: "AccessDenied", Cause: cause } }), "AccessDenied: not authorized to perform lambda:UpdateAlias");
            assert.equal(rollbackReason({ error: { Error: "States.Timeout", Cause: "timed out" } }), "States.Timeout: timed out");
            assert.equal(rollbackReason({ health: { status: "INSUFFICIENT_DATA", reason: "only 2 of 10" } }), "health check INSUFFICIENT_DATA: only 2 of 10");
        });

        it("AWS faults on the update surface, so the workflow retries or rolls back", async () => {
            fakeAlias("1");
            lambdaMock.on(UpdateAliasCommand).rejects(awsError("TooManyRequestsException", "Rate exceeded", 429));
            await assert.rejects(shiftTraffic({ plan: plan(), index: 0 }, deps()), { name: "TooManyRequestsException" });
            lambdaMock.on(UpdateAliasCommand).rejects(accessDenied("lambda:UpdateAlias"));
            await assert.rejects(finalizeDeployment({ plan: plan() }, deps()), { name: "AccessDenied" });
            lambdaMock.on(GetAliasCommand).rejects(notFound("ResourceNotFoundException", "alias"));
            await assert.rejects(rollbackDeployment({ state: { plan: plan() } }, deps()), { name: "ResourceNotFoundException" });
        });

        it("a concurrent change between read and write fails the conditional update", async () => {
            const alias = fakeAlias("1");
            lambdaMock.on(GetAliasCommand).callsFake(() => ({ ...structuredClone(alias), RevisionId: "stale" }));
            await assert.rejects(shiftTraffic({ plan: plan(), index: 0 }, deps()), { name: "PreconditionFailedException" });
            assert.deepEqual(alias.RoutingConfig, { AdditionalVersionWeights: {} });
        });
    });

    describe("checkHealth", () => {
        const step = { index: 0, weight: 0.25, appliedAt: "2026-11-26T10:00:30Z", insufficientWaits: 0 };
        const deps = () => ({ cloudwatch: cloudwatch(), now: () => new Date("2026-11-26T10:02:45Z") });

        it("reads Invocations, Errors and Throttles of the alias's traffic on the new version, since the weight changed", async () => {
            cwMock.on(GetMetricDataCommand).resolves(metrics([40, 60]));
            const h = await checkHealth({ plan: plan(), step }, deps());
            const input = cwMock.commandCalls(GetMetricDataCommand)[0].args[0].input;
            assert.deepEqual(input.MetricDataQueries, healthQueries(plan()));
            for (const q of input.MetricDataQueries!) {
                assert.equal(q.MetricStat!.Metric!.Namespace, "AWS/Lambda");
                assert.deepEqual(q.MetricStat!.Metric!.Dimensions, [
                    { Name: "FunctionName", Value: FN },
                    { Name: "Resource", Value: `${FN}:live` },
                    { Name: "ExecutedVersion", Value: "2" },
                ]);
                assert.deepEqual([q.MetricStat!.Period, q.MetricStat!.Stat], [60, "Sum"]);
            }
            assert.deepEqual(input.MetricDataQueries!.map((q) => q.MetricStat!.Metric!.MetricName), ["Invocations", "Errors", "Throttles"]);
            assert.deepEqual([input.StartTime, input.EndTime], [new Date("2026-11-26T10:00:00Z"), new Date("2026-11-26T10:03:00Z")]);
            assert.equal(h.status, "HEALTHY");
            assert.deepEqual([h.invocations, h.errors, h.throttles, h.errorRate], [100, 0, 0, 0]);
        });

        it("fails on errors above the threshold, counting throttles as failures", async () => {
            cwMock.on(GetMetricDataCommand).resolves(metrics([100], [1], [1]));
            const h = await checkHealth({ plan: plan(), step }, deps());
            assert.equal(h.status, "UNHEALTHY");
            assert.equal(h.errorRate, 2 / 101);
            assert.match(h.reason, /failure ratio above 0.01 \(100 invocations, 1 errors, 1 throttles\)/);
        });

        it("treats too little traffic as not enough data, never as healthy", async () => {
            cwMock.on(GetMetricDataCommand).resolves(metrics([]));
            const none = await checkHealth({ plan: plan(), step }, deps());
            assert.deepEqual([none.status, none.errorRate], ["INSUFFICIENT_DATA", null]);
            cwMock.on(GetMetricDataCommand).resolves(metrics([4]));
            assert.match((await checkHealth({ plan: plan(), step }, deps())).reason, /only 4 of the 10 invocations needed/);
        });

        it("fails early when the failures already exceed what the minimum sample allows", async () => {
            cwMock.on(GetMetricDataCommand).resolves(metrics([3], [1]));
            assert.equal((await checkHealth({ plan: plan(), step }, deps())).status, "UNHEALTHY");
        });

        it("follows NextToken and sums every page", async () => {
            cwMock.on(GetMetricDataCommand).resolvesOnce(metrics([5], [], [], "page-2")).resolvesOnce(metrics([7]));
            const h = await checkHealth({ plan: plan(), step }, deps());
            assert.equal(h.invocations, 12);
            assert.equal(cwMock.commandCalls(GetMetricDataCommand)[1].args[0].input.NextToken, "page-2");
        });

        it("fails a step whose alarm is in ALARM, and refuses to judge when an alarm is gone", async () => {
            cwMock.on(GetMetricDataCommand).resolves(metrics([100]));
            cwMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: "orders-api-p99", StateValue: "ALARM" }] });
            const withAlarm = plan({ health: { ...config.health, alarmNames: ["orders-api-p99"] } });
            const h = await checkHealth({ plan: withAlarm, step }, deps());
            assert.deepEqual([h.status, h.alarmsInAlarm], ["UNHEALTHY", ["orders-api-p99"]]);
            cwMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
            await assert.rejects(checkHealth({ plan: withAlarm, step }, deps()), { name: "AlarmNotFound" });
        });

        it("incomplete metric data and AWS faults surface as errors", async () => {
            cwMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: "errors", Values: [], StatusCode: "InternalError" }] });
            await assert.rejects(checkHealth({ plan: plan(), step }, deps()), { name: "MetricDataUnavailable" });
            cwMock.on(GetMetricDataCommand).rejects(throttling());
            await assert.rejects(checkHealth({ plan: plan(), step }, deps()), { name: "ThrottlingException" });
            cwMock.on(GetMetricDataCommand).rejects(accessDenied("cloudwatch:GetMetricData"));
            await assert.rejects(checkHealth({ plan: plan(), step }, deps()), { name: "AccessDenied" });
            await assert.rejects(checkHealth({ plan: plan(), step: { ...step, appliedAt: "yesterday" } }, deps()), /step.appliedAt must be the time the step's weight took effect/);
        });

        it("classifies and decides by the same rules the workflow's Decide state uses", () => {
            const policy = { maxErrorRate: 0, minInvocations: 10 };
            assert.equal(classifyHealth({ invocations: 10, errors: 0, throttles: 0 }, [], policy).status, "HEALTHY");
            assert.equal(classifyHealth({ invocations: 1000, errors: 1, throttles: 0 }, [], policy).status, "UNHEALTHY", "0 means any error fails, as in the post");
            const wait = { onInsufficientData: "wait" as const, maxInsufficientDataWaits: 2 };
            assert.equal(nextAction("HEALTHY", wait, 0), "advance");
            assert.equal(nextAction("INSUFFICIENT_DATA", wait, 1), "wait");
            assert.equal(nextAction("INSUFFICIENT_DATA", wait, 2), "rollback", "waits are bounded");
            assert.equal(nextAction("INSUFFICIENT_DATA", { ...wait, onInsufficientData: "fail" }, 0), "rollback");
            assert.equal(nextAction("UNHEALTHY", wait, 0), "rollback");
        });
    });

    describe("simple deployer", () => {
        const sleeps: number[] = [];
        const deps = (remaining = 890_000) => ({
            lambda: lambda(),
            cloudwatch: cloudwatch(),
            sns: sns(),
            sleep: async (ms: number) => {
                sleeps.push(ms);
            },
            remainingMs: () => remaining,
        });
        const short = shortRequest;
        beforeEach(() => {
            sleeps.length = 0;
            snsMock.on(PublishCommand).resolves({ MessageId: "m-1" });
        });

        it("refuses the post's own example (10 x 120 s) before any call, pointing to the state machine", async () => {
            const input = { "function-name": FN, "alias-name": "live", "new-version": "2", steps: 10, interval: 120, type: "linear" };
            await assert.rejects(runSimpleDeployment(input, simpleConfig, deps()), (err: Error) => {
                assert.equal(err.name, "InvalidDeploymentInput");
                assert.match(err.message, /waits 9 x 120 s = 1080 s between its 10 steps.*cannot finish inside its 900 s timeout/);
                assert.ok(err.message.includes(`aws stepfunctions start-execution --state-machine-arn ${STATE_MACHINE} --input '${JSON.stringify(input)}'`));
                return true;
            });
            assert.equal(lambdaMock.calls().length + cwMock.calls().length + snsMock.calls().length, 0);
        });

        it("runs a short rollout to 100% and reports it", async () => {
            const alias = fakeAlias("1");
            cwMock.on(GetMetricDataCommand).resolves(metrics([50]));
            const result = await runSimpleDeployment(short, simpleConfig, deps());
            assert.equal(result.status, "finalized");
            assert.deepEqual(updates().map((u) => [u.FunctionVersion, u.RoutingConfig]), [
                ["1", { AdditionalVersionWeights: { "2": 0.5 } }],
                ["2", { AdditionalVersionWeights: {} }],
            ]);
            assert.equal(alias.FunctionVersion, "2");
            assert.deepEqual(sleeps, [120_000]);
            assert.deepEqual(published().map((p) => [p.TopicArn, p.Subject]), [[TOPIC, "Canary deployment succeeded"]]);
        });

        it("waits for data as the policy allows, then rolls back an unhealthy version and says why", async () => {
            const alias = fakeAlias("1");
            cwMock.on(GetMetricDataCommand).resolvesOnce(metrics([2])).resolves(metrics([50], [5]));
            await assert.rejects(runSimpleDeployment(short, simpleConfig, deps()), { name: "UnhealthyDeployment" });
            assert.deepEqual(sleeps, [120_000, 120_000], "one extra interval for data");
            assert.deepEqual([alias.FunctionVersion, alias.RoutingConfig], ["1", { AdditionalVersionWeights: {} }]);
            assert.equal(published()[0].Subject, "Canary deployment rolled back");
            assert.match(published()[0].Message!, /Reason: health check UNHEALTHY: failure ratio above 0.01 \(50 invocations, 5 errors/);
        });

        it("rolls back when an AWS call fails mid-way, and rethrows the failure", async () => {
            const alias = fakeAlias("1");
            cwMock.on(GetMetricDataCommand).rejects(accessDenied("cloudwatch:GetMetricData"));
            await assert.rejects(runSimpleDeployment(short, simpleConfig, deps()), { name: "AccessDenied" });
            assert.deepEqual([alias.FunctionVersion, alias.RoutingConfig], ["1", { AdditionalVersionWeights: {} }]);
            assert.match(published()[0].Message!, /Reason: AccessDenied: User is not authorized to perform: cloudwatch:GetMetricData/);
        });

        it("rolls back when waiting for data would outlast the invocation", async () => {
            fakeAlias("1");
            await assert.rejects(runSimpleDeployment(short, simpleConfig, deps(100_000)), /ran out of time at weight 0.5 .*use the Step Functions workflow/);
            assert.equal(sleeps.length, 0);
            assert.deepEqual(updates().map((u) => u.FunctionVersion), ["1", "1"], "shifted, then rolled back");
        });

        it("reports a failed rollback loudly", async () => {
            const alias = fakeAlias("1");
            cwMock.on(GetMetricDataCommand).resolves(metrics([50], [5]));
            let calls = 0;
            lambdaMock.on(UpdateAliasCommand).callsFake((input) => {
                if (++calls > 1) throw accessDenied("lambda:UpdateAlias");
                alias.RoutingConfig = input.RoutingConfig;
                alias.RevisionId = "rev-2";
                return { ...structuredClone(alias), Name: "live" };
            });
            await assert.rejects(runSimpleDeployment(short, simpleConfig, deps()), /and its rollback failed too: .*lambda:UpdateAlias\. Check the alias now/);
            assert.equal(published()[0].Subject, "Canary deployment rollback FAILED");
        });

        it("a rejected request changes nothing and notifies nobody", async () => {
            fakeAlias("$LATEST");
            await assert.rejects(runSimpleDeployment(short, simpleConfig, deps()), /points to \$LATEST/);
            assert.equal(updates().length + published().length, 0);
        });

        it("a request whose version the alias already serves alone is done: no change, no notification, no error", async () => {
            fakeAlias("2");
            const result = await runSimpleDeployment(short, simpleConfig, deps());
            assert.deepEqual([result.status, result.unchanged, result.version, result.steps], ["finalized", true, "2", []]);
            assert.match(result.message, /orders-api:live already serves version 2 to all traffic; nothing was changed/);
            assert.equal(updates().length + published().length, 0);
        });
    });

    describe("configuration", () => {
        it("reads allow-lists and the health policy from the environment", () => {
            const c = configFromEnvironment({
                ALLOWED_FUNCTION_NAMES: `${FN}, demo-fn,`,
                ALLOWED_FUNCTION_PREFIX: "team-",
                ALLOWED_ALARM_NAMES: "",
                MAX_ERROR_RATE: "0.05",
                MIN_INVOCATIONS: "25",
                ON_INSUFFICIENT_DATA: "fail",
                MAX_INSUFFICIENT_DATA_WAITS: "1",
            });
            assert.deepEqual(c, {
                allowedFunctionNames: [FN, "demo-fn"],
                allowedFunctionPrefix: "team-",
                allowedAlarmNames: [],
                allowedAlarmPrefix: undefined,
                health: { maxErrorRate: 0.05, minInvocations: 25, onInsufficientData: "fail", maxInsufficientDataWaits: 1 },
            });
        });

        it("refuses to run without targets or with a bad policy", () => {
            assert.throws(() => configFromEnvironment({}), /ALLOWED_FUNCTION_NAMES or ALLOWED_FUNCTION_PREFIX/);
            assert.throws(() => configFromEnvironment({ ALLOWED_FUNCTION_NAMES: FN, ON_INSUFFICIENT_DATA: "ignore" }), /ON_INSUFFICIENT_DATA must be wait or fail/);
            assert.throws(() => configFromEnvironment({ ALLOWED_FUNCTION_NAMES: FN, MIN_INVOCATIONS: "ten" }), /MIN_INVOCATIONS must be a number/);
        });

        it("the simple deployer also needs its topic, timeout and the state machine", () => {
            const env = { ALLOWED_FUNCTION_NAMES: FN, TOPIC_ARN: TOPIC, TIMEOUT_SECONDS: "900", STATE_MACHINE_ARN: STATE_MACHINE };
            assert.equal(simpleDeployerConfigFromEnvironment(env).timeoutSeconds, 900);
            assert.throws(() => simpleDeployerConfigFromEnvironment({ ...env, TOPIC_ARN: undefined }), /TOPIC_ARN is not set/);
            assert.throws(() => simpleDeployerConfigFromEnvironment({ ...env, STATE_MACHINE_ARN: "" }), /STATE_MACHINE_ARN is not set/);
            assert.throws(() => simpleDeployerConfigFromEnvironment({ ...env, TIMEOUT_SECONDS: "" }), /TIMEOUT_SECONDS must be the function's timeout/);
        });
    });
});
