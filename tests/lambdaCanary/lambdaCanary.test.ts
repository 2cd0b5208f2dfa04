import { CloudWatch, CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
    GetAliasCommand,
    GetFunctionConfigurationCommand,
    Lambda,
    LambdaClient,
    ListVersionsByFunctionCommand,
    PublishVersionCommand,
    UpdateAliasCommand,
    UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { PublishCommand, SNS, SNSClient } from "@aws-sdk/client-sns";
import * as pulumi from "@pulumi/pulumi";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { StateMachine } from "aws-local-stepfunctions";
import assert from "node:assert/strict";
import { canaryStateMachineDefinition, LambdaCanaryDeployer, LambdaCanaryDeployerArgs } from "../../scenarios/lambdaCanary/component";
import { checkHealth, configFromEnvironment, DeployerConfig, runTrafficTask, validateDeployment } from "../../handlers/lambdaCanary/canaryDeploy";
import { accessDenied, awsError, notFound } from "../faults";
import { build, json, loadArchivedHandler, promiseOf, RecordedResource, Resources } from "../../engine/evaluate";
import { assertActionsExist, grants, handlerStatements, list, PolicyStatement } from "../iam";
import { ACCOUNT_ID } from "../../engine/mocks";

const aslValidator: (definition: unknown) => { isValid: boolean; errorsText: (sep?: string) => string } = require("asl-validator");

const ARGS: LambdaCanaryDeployerArgs = {
    targetFunctionNames: ["orders-api"],
    targetFunctionPrefix: "team-",
    alarmNames: ["orders-api-p99"],
    alarmNamePrefix: "orders-",
    notificationEmail: "deploys@example.com",
    maxErrorRate: 0.02,
    minInvocations: 50,
    onInsufficientData: "fail",
    maxInsufficientDataWaits: 5,
    simpleDeployerTimeoutSeconds: 600,
};
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:${name}`;

async function deployer(args: LambdaCanaryDeployerArgs = ARGS, opts?: pulumi.ComponentResourceOptions) {
    const { value, resources } = await build(() => new LambdaCanaryDeployer("canary", args, opts));
    return { d: value, r: new Resources(resources) };
}

function fn(r: Resources, handler: string): RecordedResource {
    return r.one("aws:lambda/function:Function", handler);
}

function workflowStatements(r: Resources): PolicyStatement[] {
    return json(r.one("aws:iam/rolePolicy:RolePolicy", "canary-workflow-policy").inputs.policy).Statement;
}

describe("LambdaCanaryDeployer component", () => {
    // Building the component serializes seven functions: build each variant once and share it.
    let base: { d: LambdaCanaryDeployer; r: Resources };
    let minimal: { d: LambdaCanaryDeployer; r: Resources };
    const aliasOptions: pulumi.CustomResourceOptions[] = [];
    before(async () => {
        const capture: pulumi.ResourceTransformation = (a) => {
            if (a.type === "aws:lambda/alias:Alias") aliasOptions.push(a.opts);
            return undefined;
        };
        base = await deployer(ARGS, { transformations: [capture] });
        minimal = await deployer({ targetFunctionNames: ["orders-api"], createDemo: false, createSimpleDeployer: false });
    });

    it("deploys a logged Standard workflow whose definition is valid ASL wired to its functions and topic", async () => {
        const { r, d } = base;
        const sm = r.one("aws:sfn/stateMachine:StateMachine");
        assert.equal(sm.inputs.type, "STANDARD");
        assert.equal(sm.inputs.roleArn, r.one("aws:iam/role:Role", "canary-workflow-role").outputs.arn);
        const logs = r.one("aws:cloudwatch/logGroup:LogGroup", "canary-workflow-logs");
        assert.deepEqual(sm.inputs.loggingConfiguration, { level: "ALL", includeExecutionData: true, logDestination: `${logs.outputs.arn}:*` });
        assert.equal(logs.inputs.retentionInDays, 30);
        assert.equal(logs.inputs.namePrefix, "/aws/vendedlogs/states/canary-workflow-", "vended-logs name, so delivery does not grow the account's resource policy");
        assert.ok(sm.dependencies.includes(r.one("aws:iam/rolePolicy:RolePolicy", "canary-workflow-policy").urn), "the workflow waits for its permissions");

        const definition = json(sm.inputs.definition);
        // The validator fills in defaults (QueryLanguage) on the object it checks.
        const validation = aslValidator(structuredClone(definition));
        assert.ok(validation.isValid, validation.errorsText());
        const topic = r.one("aws:sns/topic:Topic");
        assert.deepEqual(definition, canaryStateMachineDefinition({
            validateFunctionArn: fn(r, "canary-validate").outputs.arn,
            trafficFunctionArn: fn(r, "canary-traffic").outputs.arn,
            healthFunctionArn: fn(r, "canary-health").outputs.arn,
            topicArn: topic.outputs.arn,
        }));
        assert.equal(definition.States.Validate.Parameters.FunctionName, fn(r, "canary-validate").outputs.arn);
        assert.equal(definition.States.NotifySucceeded.Parameters.TopicArn, topic.outputs.arn);
        assert.equal(await promiseOf(d.stateMachineArn), sm.outputs.arn);
    });

    it("catches every task: into Rollback after validation, into a Fail path for validation, rollback and notifications", () => {
        const definition = canaryStateMachineDefinition({ validateFunctionArn: fnArn("v"), trafficFunctionArn: fnArn("t"), healthFunctionArn: fnArn("h"), topicArn: "arn:aws:sns:us-east-1:123456789012:t" });
        const states: Record<string, any> = definition.States;
        const tasks = Object.entries(states).filter(([, s]) => s.Type === "Task");
        assert.equal(tasks.length, 9);
        for (const [name, s] of tasks) {
            assert.ok(s.Retry?.length > 0, `${name} retries transient errors`);
            assert.deepEqual(s.Catch.map((c: any) => c.ErrorEquals), [["States.ALL"]], `${name} catches everything`);
        }
        for (const name of ["ShiftTraffic", "CheckHealth", "Finalize"]) assert.equal(states[name].Catch[0].Next, "Rollback", `${name} rolls back`);
        assert.equal(states.Validate.Catch[0].Next, "NotifyRejected", "a rejected input never touches the alias");
        assert.equal(states.Rollback.Catch[0].Next, "NotifyRollbackFailed");
        assert.equal(states.NotifySucceeded.Catch[0].Next, "DeployedButNotificationFailed", "a lost notification does not undo a deployment");
        assert.deepEqual(states.WaitInterval, { Type: "Wait", SecondsPath: "$.plan.intervalSeconds", Next: "CheckHealth" });
        assert.equal(states.ShiftTraffic.Resource, "arn:aws:states:::lambda:invoke");
        assert.equal(states.NotifyRolledBack.Resource, "arn:aws:states:::sns:publish");
        assert.ok(states.Rollback.Retry.every((r: any) => r.MaxAttempts === 8), "rollback tries hardest");
        assert.ok(
            states.ShiftTraffic.Retry.some((r: any) => r.ErrorEquals.includes("TooManyRequestsException") && r.ErrorEquals.includes("ResourceConflictException")),
            "throttled or conflicting alias updates are retried",
        );
        for (const state of ["Validate", "ShiftTraffic", "CheckHealth", "Rollback"].filter((n) => states[n])) {
            const retried = states[state].Retry.flatMap((r: any) => r.ErrorEquals);
            for (const name of ["TimeoutError", "InternalFailure", "ServiceUnavailable", "ThrottlingException"]) {
                assert.ok(retried.includes(name), `${state} retries ${name}, an SDK call failing as the handlers' own retries judge transient`);
            }
        }
        assert.ok(!states.ShiftTraffic.Retry.some((r: any) => r.ErrorEquals.includes("States.ALL") || r.ErrorEquals.includes("AliasChangedOutsideDeployment")), "real failures are not retried");
    });

    it("lets the workflow invoke only its three functions, publish only to its topic, and deliver its logs", async () => {
        const { r } = base;
        const statements = workflowStatements(r);
        const trust = json(r.one("aws:iam/role:Role", "canary-workflow-role").inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement[0].Principal, { Service: "states.amazonaws.com" });
        const tasks = ["canary-validate", "canary-traffic", "canary-health"].map((n) => fn(r, n).outputs.arn);
        assert.deepEqual(list(grants(statements, "lambda:InvokeFunction")[0].Resource), tasks.flatMap((a) => [a, `${a}:*`]));
        assert.deepEqual(grants(statements, "sns:Publish").map((s) => s.Resource), [r.one("aws:sns/topic:Topic").outputs.arn]);
        assert.deepEqual(grants(statements, "kms:GenerateDataKey").map((s) => s.Resource), [r.one("aws:kms/key:Key").outputs.arn]);
        for (const s of statements) {
            if (list(s.Resource).includes("*")) assert.ok(list(s.Action).every((a) => a.startsWith("logs:")), `only log delivery on "*": ${list(s.Action)}`);
        }
        await assertActionsExist(statements);
    });

    it("scopes each function's role to the named functions and alarms, the metrics it reads and its topic", async () => {
        const { r } = base;
        const demo = fn(r, "canary-demo").outputs.arn;
        const targets = [fnArn("orders-api"), `${fnArn("orders-api")}:*`, `${fnArn("team-")}*`, demo, `${demo}:*`];
        const alarms = [`arn:aws:cloudwatch:us-east-1:${ACCOUNT_ID}:alarm:orders-api-p99`, `arn:aws:cloudwatch:us-east-1:${ACCOUNT_ID}:alarm:orders-*`];

        const validate = handlerStatements(r, "canary-validate");
        assert.deepEqual(list(grants(validate, "lambda:GetAlias")[0].Resource), targets);
        assert.deepEqual(list(grants(validate, "lambda:GetFunctionConfiguration")[0].Resource), targets);
        assert.deepEqual(list(grants(validate, "cloudwatch:DescribeAlarms")[0].Resource), alarms);
        assert.equal(grants(validate, "lambda:UpdateAlias").length, 0, "validation is read-only");

        const traffic = handlerStatements(r, "canary-traffic");
        assert.deepEqual(list(grants(traffic, "lambda:UpdateAlias")[0].Resource), targets);
        assert.equal(grants(traffic, "cloudwatch:GetMetricData").length, 0);

        const health = handlerStatements(r, "canary-health");
        assert.deepEqual(grants(health, "cloudwatch:GetMetricData").map((s) => s.Resource), ["*"]);
        assert.equal(grants(health, "lambda:UpdateAlias").length, 0);

        const simple = handlerStatements(r, "canary-simple");
        assert.deepEqual(list(grants(simple, "lambda:UpdateAlias")[0].Resource), targets);
        assert.deepEqual(grants(simple, "sns:Publish").map((s) => s.Resource), [r.one("aws:sns/topic:Topic").outputs.arn]);

        const publisher = handlerStatements(r, "canary-demo-publisher");
        assert.deepEqual(list(grants(publisher, "lambda:PublishVersion")[0].Resource), [demo, `${demo}:*`], "the publisher touches only the demo");
        assert.deepEqual(handlerStatements(r, "canary-demo").map((s) => s.Sid), ["OwnLogGroup"], "the demo needs nothing but its logs");

        for (const name of ["canary-validate", "canary-traffic", "canary-health", "canary-simple", "canary-demo-publisher"]) {
            const statements = handlerStatements(r, name);
            for (const s of statements) {
                for (const a of list(s.Action)) assert.doesNotMatch(a, /\*/, `${name}: wildcard action ${a}`);
                if (list(s.Resource).includes("*")) assert.deepEqual(list(s.Action), ["cloudwatch:GetMetricData"], `${name}: only GetMetricData on "*"`);
            }
            await assertActionsExist(statements);
        }
    });

    it("grants no alarm reads when no alarms are allowed, and builds no demo or simple deployer when told not to", async () => {
        const { r, d } = minimal;
        for (const name of ["canary-validate", "canary-health"]) assert.equal(grants(handlerStatements(r, name), "cloudwatch:DescribeAlarms").length, 0);
        assert.ok(!r.ofType("aws:lambda/function:Function").some((f) => f.name === "canary-simple"));
        assert.equal(d.simpleDeployerFunctionName, undefined);
        assert.equal(d.demoExecutionInput, undefined);
        assert.equal(fn(r, "canary-validate").inputs.environment.variables.ALLOWED_FUNCTION_NAMES, "orders-api");
        assert.equal(r.ofType("aws:lambda/alias:Alias").length + r.ofType("aws:lambda/invocation:Invocation").length, 0, "no demo");
    });

    it("alarms on failed executions and on simple-deployer errors, to an encrypted topic", async () => {
        const { r, d } = base;
        const topic = r.one("aws:sns/topic:Topic");
        assert.equal(topic.inputs.kmsMasterKeyId, r.one("aws:kms/key:Key").outputs.arn);
        assert.equal(r.one("aws:kms/key:Key").inputs.enableKeyRotation, true);
        const sub = r.one("aws:sns/topicSubscription:TopicSubscription");
        assert.deepEqual([sub.inputs.protocol, sub.inputs.endpoint], ["email", "deploys@example.com"]);

        const failed = r.one("aws:cloudwatch/metricAlarm:MetricAlarm", "canary-executions-failed");
        assert.deepEqual(
            [failed.inputs.namespace, failed.inputs.metricName, failed.inputs.statistic, failed.inputs.comparisonOperator, failed.inputs.threshold],
            ["AWS/States", "ExecutionsFailed", "Sum", "GreaterThanOrEqualToThreshold", 1],
        );
        assert.deepEqual(failed.inputs.dimensions, { StateMachineArn: r.one("aws:sfn/stateMachine:StateMachine").outputs.arn });
        assert.deepEqual(failed.inputs.alarmActions, [topic.outputs.arn]);
        assert.equal(await promiseOf(d.executionsFailedAlarmName), failed.outputs.name);

        const errors = r.one("aws:cloudwatch/metricAlarm:MetricAlarm", "canary-simple-errors");
        assert.deepEqual([errors.inputs.namespace, errors.inputs.metricName], ["AWS/Lambda", "Errors"]);
        assert.deepEqual(errors.inputs.dimensions, { FunctionName: fn(r, "canary-simple").outputs.name });
    });

    it("gives the simple deployer its timeout, the state machine to point to, and no automatic retry", async () => {
        const { r, d } = base;
        const simple = fn(r, "canary-simple");
        assert.equal(simple.inputs.timeout, 600);
        const env = simple.inputs.environment.variables;
        assert.equal(env.TIMEOUT_SECONDS, "600");
        assert.equal(env.STATE_MACHINE_ARN, r.one("aws:sfn/stateMachine:StateMachine").outputs.arn);
        assert.equal(env.TOPIC_ARN, r.one("aws:sns/topic:Topic").outputs.arn);
        const asyncConfig = r.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
        assert.equal(asyncConfig.inputs.functionName, simple.outputs.name);
        assert.equal(asyncConfig.inputs.maximumRetryAttempts, 0);
        assert.equal(await promiseOf(d.simpleDeployerFunctionName), simple.outputs.name);
    });

    it("passes the allow-lists and health policy to the functions that judge requests", async () => {
        const { r } = base;
        const demo = fn(r, "canary-demo").outputs.name;
        for (const name of ["canary-validate", "canary-simple"]) {
            const env = fn(r, name).inputs.environment.variables;
            assert.deepEqual(configFromEnvironment(env), {
                allowedFunctionNames: ["orders-api", demo],
                allowedFunctionPrefix: "team-",
                allowedAlarmNames: ["orders-api-p99"],
                allowedAlarmPrefix: "orders-",
                health: { maxErrorRate: 0.02, minInvocations: 50, onInsufficientData: "fail", maxInsufficientDataWaits: 5 },
            });
        }
    });

    it("creates a demo function with a stable and a candidate version and an alias the deployer owns afterwards", async () => {
        const { r, d } = base;
        const demo = fn(r, "canary-demo");
        assert.deepEqual(demo.inputs.environment.variables, { DEMO_RELEASE: "stable" });
        const invocation = r.one("aws:lambda/invocation:Invocation");
        assert.equal(invocation.inputs.functionName, fn(r, "canary-demo-publisher").outputs.name);
        assert.deepEqual(json(invocation.inputs.input), { functionName: demo.outputs.name, codeSha256: demo.outputs.codeSha256 });
        assert.equal(fn(r, "canary-demo-publisher").inputs.environment.variables.DEMO_FUNCTION_NAME, demo.outputs.name);

        const alias = r.one("aws:lambda/alias:Alias");
        assert.deepEqual([alias.inputs.name, alias.inputs.functionName, alias.inputs.functionVersion], ["live", demo.outputs.name, "1"]);
        assert.deepEqual(aliasOptions[0].ignoreChanges, ["functionVersion", "routingConfig"], "pulumi up never undoes a rollout");
        assert.deepEqual(
            [await promiseOf(d.demoStableVersion), await promiseOf(d.demoCandidateVersion), d.demoAliasName],
            ["1", "2", "live"],
        );
        assert.deepEqual(JSON.parse(await promiseOf(d.demoExecutionInput!)), {
            functionName: demo.outputs.name,
            aliasName: "live",
            newVersion: "2",
            strategy: "linear",
            steps: 3,
            intervalSeconds: 120,
            minInvocations: 5,
        });
        const parsed = configFromEnvironment(fn(r, "canary-validate").inputs.environment.variables);
        assert.ok(parsed.allowedFunctionNames.includes(demo.outputs.name), "the demo is a deployment target");
    });

    it("protects its log groups and key when asked", async () => {
        const { r } = await deployer({ ...ARGS, protect: true, logRetentionDays: 365 });
        for (const lg of r.ofType("aws:cloudwatch/logGroup:LogGroup")) {
            assert.equal(lg.protect, true, lg.name);
            assert.equal(lg.inputs.retentionInDays, 365, lg.name);
        }
        assert.equal(r.one("aws:kms/key:Key").protect, true);
        assert.equal(base.r.one("aws:cloudwatch/logGroup:LogGroup", "canary-workflow-logs").protect, false);
    });

    it("refuses bad arguments before creating anything", async () => {
        const cases: [LambdaCanaryDeployerArgs, RegExp][] = [
            [{ createDemo: false }, /nothing to deploy to: set targetFunctionNames, targetFunctionPrefix or createDemo: true/],
            [{ targetFunctionNames: ["arn:aws:lambda:us-east-1:1:function:x"] }, /targetFunctionNames\[0\]: must be a Lambda function name \(1-64 letters, digits, - or _; not an ARN\); got "arn:aws:lambda:us-east-1:1:function:x"/],
            [{ targetFunctionPrefix: "a" }, /targetFunctionPrefix: must be 3-63 letters.*a shorter prefix would cover nearly every function\); got "a"/],
            [{ alarmNames: ["errors-*"] }, /alarmNames\[0\]: must be a CloudWatch alarm name of 1-255 characters without \* or \?; got "errors-\*"/],
            [{ alarmNamePrefix: "x" }, /alarmNamePrefix: must be 3-255 characters without \* or \?; got "x"/],
            [{ maxErrorRate: 1 }, /maxErrorRate: must be from 0 up to but excluding 1; got 1/],
            [{ minInvocations: 0 }, /minInvocations: must be an integer of at least 1; got 0/],
            [{ onInsufficientData: "skip" as never }, /onInsufficientData: must be "wait" or "fail"; got "skip"/],
            [{ maxInsufficientDataWaits: 11 }, /maxInsufficientDataWaits: must be an integer from 0 to 10; got 11/],
            [{ simpleDeployerTimeoutSeconds: 901 }, /simpleDeployerTimeoutSeconds: must be an integer from 180 to 900 \(Lambda's limit\); got 901/],
            [{ simpleDeployerTimeoutSeconds: 60 }, /simpleDeployerTimeoutSeconds: must be an integer from 180 to 900 \(Lambda's limit\); got 60/],
            [{ demoAliasName: "7" }, /demoAliasName: must be 1-128 letters, digits, - or _, not only digits; got "7"/],
        ];
        for (const [args, message] of cases) assert.throws(() => new LambdaCanaryDeployer("bad", args), message);
        const { resources } = await build(() => {
            try {
                return new LambdaCanaryDeployer("bad", { createDemo: false });
            } catch {
                return undefined;
            }
        });
        assert.deepEqual(resources.filter((x) => x.custom), [], "no cloud resource is created");
    });

    describe("handlers as deployed (serialized archives)", () => {
        let lambdaMock: AwsStub<any, any, any>;
        before(() => {
            lambdaMock = mockClient(LambdaClient);
        });
        after(() => lambdaMock.restore());
        beforeEach(() => lambdaMock.reset());

        it("validate and traffic run from their archives with their own environment", async () => {
            const { r } = base;
            const demo = fn(r, "canary-demo").outputs.name;
            lambdaMock.on(GetAliasCommand).resolves({ FunctionVersion: "1", RevisionId: "rev-1", RoutingConfig: { AdditionalVersionWeights: {} } });
            lambdaMock.on(GetFunctionConfigurationCommand).resolves({ Role: "arn:aws:iam::123456789012:role/demo", State: "Active" });
            lambdaMock.on(UpdateAliasCommand).resolves({});
            const validate = await loadArchivedHandler(fn(r, "canary-validate"));
            let plan: any;
            try {
                plan = await validate.handler({ input: { functionName: demo, aliasName: "live", newVersion: "2", strategy: "canary", intervalSeconds: 120 } });
                assert.deepEqual([plan.originalVersion, plan.weights, plan.health.minInvocations], ["1", [0.1, 1], 50]);
                await assert.rejects(validate.handler({ input: { functionName: "payroll", aliasName: "live", newVersion: "2", steps: 2, intervalSeconds: 60 } }), /not one of the functions this deployer may shift/);
            } finally {
                validate.restore();
            }
            const traffic = await loadArchivedHandler(fn(r, "canary-traffic"));
            const log = console.log;
            console.log = () => undefined;
            try {
                const step: any = await traffic.handler({ action: "shift", plan, index: 0 });
                assert.equal(step.weight, 0.1);
                assert.deepEqual(lambdaMock.commandCalls(UpdateAliasCommand)[0].args[0].input.RoutingConfig, { AdditionalVersionWeights: { "2": 0.1 } });
            } finally {
                console.log = log;
                traffic.restore();
            }
        });

        it("the demo function and its publisher run from their archives", async () => {
            const { r } = base;
            const demoFn = fn(r, "canary-demo");
            const demo = await loadArchivedHandler(demoFn);
            try {
                assert.equal(((await demo.handler({})) as any).release, "stable");
            } finally {
                demo.restore();
            }
            lambdaMock.on(GetFunctionConfigurationCommand).resolves({
                State: "Active",
                LastUpdateStatus: "Successful",
                CodeSha256: demoFn.outputs.codeSha256,
                RevisionId: "r1",
                Environment: { Variables: { DEMO_RELEASE: "stable" } },
            });
            lambdaMock.on(ListVersionsByFunctionCommand).resolves({ Versions: [] });
            lambdaMock.on(PublishVersionCommand).resolvesOnce({ Version: "1" }).resolves({ Version: "2" });
            lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({});
            const publisher = await loadArchivedHandler(fn(r, "canary-demo-publisher"));
            const log = console.log;
            console.log = () => undefined;
            try {
                const result = await publisher.handler({ functionName: demoFn.outputs.name, codeSha256: demoFn.outputs.codeSha256 });
                assert.deepEqual(result, { functionName: demoFn.outputs.name, stableVersion: "1", candidateVersion: "2" });
            } finally {
                console.log = log;
                publisher.restore();
            }
        });
    });
});

// ---------------------------------------------------------------------------------------------------------
// The workflow's branches, run in-process: every Task state calls the real handler (or SNS) with mocked SDK
// clients, errors are shaped as the lambda:invoke integration reports them, and waits take no time.

const EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:canary-workflow:run-1";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:canary-events";
const ARNS = { validateFunctionArn: fnArn("canary-validate"), trafficFunctionArn: fnArn("canary-traffic"), healthFunctionArn: fnArn("canary-health"), topicArn: TOPIC };
const RUN_CONFIG: DeployerConfig = {
    allowedFunctionNames: ["orders-api"],
    allowedAlarmNames: [],
    health: { maxErrorRate: 0, minInvocations: 10, onInsufficientData: "wait", maxInsufficientDataWaits: 2 },
};
const TASKS = ["Validate", "ShiftTraffic", "CheckHealth", "Finalize", "Rollback", "NotifySucceeded", "NotifyRolledBack", "NotifyRollbackFailed", "NotifyRejected"];

interface Alias {
    FunctionVersion: string;
    RoutingConfig: { AdditionalVersionWeights: Record<string, number> };
    RevisionId: string;
}

interface Run {
    status: "SUCCEEDED" | "FAILED";
    error?: string;
    cause?: string;
    output?: any;
    visited: string[];
    retried: string[];
}

describe("canary workflow branches (aws-local-stepfunctions)", () => {
    let lambdaMock: AwsStub<any, any, any>;
    let cwMock: AwsStub<any, any, any>;
    let snsMock: AwsStub<any, any, any>;
    let alias: Alias;
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
        let revision = 1;
        alias = { FunctionVersion: "1", RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: "rev-1" };
        lambdaMock.on(GetAliasCommand).callsFake(() => structuredClone(alias));
        lambdaMock.on(UpdateAliasCommand).callsFake((input) => {
            if (input.RevisionId !== alias.RevisionId) throw awsError("PreconditionFailedException", "stale revision");
            alias = { FunctionVersion: input.FunctionVersion, RoutingConfig: structuredClone(input.RoutingConfig), RevisionId: `rev-${++revision}` };
            return structuredClone(alias);
        });
        lambdaMock.on(GetFunctionConfigurationCommand).callsFake((input) => {
            if (!["1", "2"].includes(input.Qualifier)) throw notFound("ResourceNotFoundException", "version");
            return { Role: "arn:aws:iam::123456789012:role/orders-api", State: "Active" };
        });
        cwMock.on(GetMetricDataCommand).resolves(healthy());
        snsMock.on(PublishCommand).resolves({ MessageId: "m-1" });
    });

    function healthy(invocations = 50, errors = 0) {
        return {
            MetricDataResults: [
                { Id: "invocations", Values: [invocations], StatusCode: "Complete" as const },
                { Id: "errors", Values: [errors], StatusCode: "Complete" as const },
                { Id: "throttles", Values: [], StatusCode: "Complete" as const },
            ],
        };
    }

    /** What lambda:invoke returns, or the error it raises: Error = errorType, Cause = the error document. */
    async function invoke(functionArn: string, expected: string, work: () => Promise<unknown>): Promise<any> {
        assert.equal(functionArn, expected, "the task invokes the right function");
        try {
            return { ExecutedVersion: "$LATEST", Payload: await work(), StatusCode: 200 };
        } catch (err) {
            const e = err as Error;
            const failure = new Error(JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: [] }));
            failure.name = e.name;
            throw failure;
        }
    }

    let canaryMachine: any;

    async function run(input: unknown): Promise<Run> {
        const lambda = new Lambda({ region: "us-east-1" });
        const cloudwatch = new CloudWatch({ region: "us-east-1" });
        const sns = new SNS({ region: "us-east-1" });
        const notify = async (p: any) => {
            assert.equal(p.TopicArn, TOPIC);
            return sns.publish(p);
        };
        const handlers: Record<string, (input: any) => Promise<any>> = {
            Validate: (p) => invoke(p.FunctionName, ARNS.validateFunctionArn, () => validateDeployment(p.Payload.input, RUN_CONFIG, { lambda, cloudwatch })),
            ShiftTraffic: (p) => invoke(p.FunctionName, ARNS.trafficFunctionArn, () => runTrafficTask(p.Payload, { lambda })),
            CheckHealth: (p) => invoke(p.FunctionName, ARNS.healthFunctionArn, () => checkHealth(p.Payload, { cloudwatch })),
            Finalize: (p) => invoke(p.FunctionName, ARNS.trafficFunctionArn, () => runTrafficTask(p.Payload, { lambda })),
            Rollback: (p) => invoke(p.FunctionName, ARNS.trafficFunctionArn, () => runTrafficTask(p.Payload, { lambda })),
            NotifySucceeded: notify,
            NotifyRolledBack: notify,
            NotifyRollbackFailed: notify,
            NotifyRejected: notify,
        };
        // Building a StateMachine validates the whole definition: once for every run.
        canaryMachine ??= new StateMachine(canaryStateMachineDefinition(ARNS) as any);
        const execution = canaryMachine.run(input as any, {
            overrides: {
                taskResourceLocalHandlers: handlers as any,
                waitTimeOverrides: { WaitInterval: 0 },
                retryIntervalOverrides: Object.fromEntries(TASKS.map((t) => [t, 0])),
            },
            context: { Execution: { Id: EXECUTION, Input: input as any, StartTime: new Date().toISOString() } },
        });
        const visited: string[] = [];
        const retried: string[] = [];
        const collecting = (async () => {
            for await (const e of execution.eventLogs as AsyncIterable<any>) {
                if (e.type === "StateEntered") visited.push(e.state.name);
                if (e.type === "StateRetried") retried.push(e.state.name);
            }
        })();
        let outcome: Run;
        try {
            outcome = { status: "SUCCEEDED", output: await execution.result, visited, retried };
        } catch (err: any) {
            const cause = err.cause ?? err;
            outcome = { status: "FAILED", error: cause.name, cause: cause.message, visited, retried };
        }
        await collecting;
        return outcome;
    }

    const input = { functionName: "orders-api", aliasName: "live", newVersion: "2", strategy: "linear", steps: 3, intervalSeconds: 120 };
    const weightsApplied = () => lambdaMock.commandCalls(UpdateAliasCommand).map((c) => [c.args[0].input.FunctionVersion, c.args[0].input.RoutingConfig?.AdditionalVersionWeights]);
    const notices = () => snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);

    it("is valid ASL", () => {
        const v = aslValidator(canaryStateMachineDefinition(ARNS));
        assert.ok(v.isValid, v.errorsText());
    });

    it("healthy steps: shifts 1/3, 2/3, then finalizes at 100% and notifies", async () => {
        const r = await run(input);
        assert.equal(r.status, "SUCCEEDED", r.cause);
        assert.deepEqual(weightsApplied(), [
            ["1", { "2": 0.333333 }],
            ["1", { "2": 0.666667 }],
            ["2", {}],
        ]);
        assert.deepEqual(alias, { FunctionVersion: "2", RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: "rev-4" });
        assert.equal(r.visited.filter((s) => s === "WaitInterval").length, 2);
        assert.equal(r.visited[r.visited.length - 1], "Deployed");
        assert.equal(notices()[0].Subject, "Canary deployment succeeded");
        assert.match(notices()[0].Message!, new RegExp(`orders-api:live now serves version 2 to all traffic.* Execution: ${EXECUTION}$`, "s"));
        assert.equal(r.output.outcome.status, "finalized");
    });

    it("a single linear step flips straight to 100% without a partial step", async () => {
        const r = await run({ ...input, steps: 1 });
        assert.equal(r.status, "SUCCEEDED");
        assert.ok(!r.visited.includes("ShiftTraffic"));
        assert.deepEqual(weightsApplied(), [["2", {}]]);
    });

    it("a failed health check rolls back to the original version, notifies, and fails the execution", async () => {
        cwMock.on(GetMetricDataCommand).resolves(healthy(50, 1));
        const r = await run(input);
        assert.deepEqual([r.status, r.error], ["FAILED", "DeploymentRolledBack"]);
        assert.deepEqual(weightsApplied(), [
            ["1", { "2": 0.333333 }],
            ["1", {}],
        ]);
        assert.deepEqual([alias.FunctionVersion, alias.RoutingConfig], ["1", { AdditionalVersionWeights: {} }]);
        assert.match(r.cause!, /rolled back: all traffic is on version 1 again\.\nReason: health check UNHEALTHY: failure ratio above 0 \(50 invocations, 1 errors/);
        assert.equal(notices()[0].Subject, "Canary deployment rolled back");
    });

    it("not enough data, policy wait: waits another interval, then carries on when traffic arrives", async () => {
        cwMock.on(GetMetricDataCommand).resolvesOnce(healthy(3)).resolves(healthy(50));
        const r = await run(input);
        assert.equal(r.status, "SUCCEEDED", r.cause);
        assert.equal(r.visited.filter((s) => s === "CountDataWait").length, 1);
        assert.equal(r.visited.filter((s) => s === "CheckHealth").length, 3);
        assert.equal(alias.FunctionVersion, "2");
    });

    it("not enough data, policy wait: gives up after maxInsufficientDataWaits extra intervals and rolls back", async () => {
        cwMock.on(GetMetricDataCommand).resolves(healthy(3));
        const r = await run(input);
        assert.deepEqual([r.status, r.error], ["FAILED", "DeploymentRolledBack"]);
        assert.equal(r.visited.filter((s) => s === "CheckHealth").length, 3, "one check plus two waits for data");
        assert.match(r.cause!, /health check INSUFFICIENT_DATA: only 3 of the 10 invocations needed/);
        assert.equal(alias.FunctionVersion, "1");
    });

    it("not enough data, policy fail: rolls back at once", async () => {
        cwMock.on(GetMetricDataCommand).resolves(healthy(3));
        const r = await run({ ...input, onInsufficientData: "fail" });
        assert.deepEqual([r.status, r.error], ["FAILED", "DeploymentRolledBack"]);
        assert.equal(r.visited.filter((s) => s === "CheckHealth").length, 1);
        assert.ok(!r.visited.includes("CountDataWait"));
    });

    it("a task error is caught into Rollback: the alias goes back and the cause is reported", async () => {
        cwMock.on(GetMetricDataCommand).rejects(accessDenied("cloudwatch:GetMetricData"));
        const r = await run(input);
        assert.deepEqual([r.status, r.error], ["FAILED", "DeploymentRolledBack"]);
        assert.ok(r.visited.includes("Rollback"));
        assert.deepEqual(r.retried, [], "access denied is not retried");
        assert.match(r.cause!, /Reason: AccessDenied: User is not authorized to perform: cloudwatch:GetMetricData/);
        assert.deepEqual([alias.FunctionVersion, alias.RoutingConfig], ["1", { AdditionalVersionWeights: {} }]);
    });

    it("a throttled alias update is retried and the deployment completes", async () => {
        let throttled = false;
        const update = (i: any) => {
            if (!throttled) {
                throttled = true;
                throw awsError("TooManyRequestsException", "Rate exceeded", 429);
            }
            const next = { FunctionVersion: i.FunctionVersion, RoutingConfig: structuredClone(i.RoutingConfig), RevisionId: `${alias.RevisionId}+` };
            alias = next;
            return next;
        };
        lambdaMock.on(UpdateAliasCommand).callsFake(update);
        const r = await run(input);
        assert.equal(r.status, "SUCCEEDED", r.cause);
        assert.deepEqual(r.retried, ["ShiftTraffic"]);
        assert.equal(alias.FunctionVersion, "2");
    });

    it("an invalid request fails at Validate with the alias untouched, and says why", async () => {
        const r = await run({ ...input, newVersion: "1" });
        assert.deepEqual([r.status, r.error], ["FAILED", "DeploymentRejected"]);
        assert.match(r.cause!, /"errorType":"InvalidDeploymentInput".*already serves version 1/);
        assert.equal(lambdaMock.commandCalls(UpdateAliasCommand).length, 0);
        assert.deepEqual(r.visited, ["Validate", "NotifyRejected", "Rejected"]);
        assert.equal(notices()[0].Subject, "Canary deployment rejected");
        assert.match(notices()[0].Message!, /nothing was changed\. InvalidDeploymentInput: /);
    });

    it("input that is not even an object is rejected the same way", async () => {
        const r = await run("roll out version 2 please");
        assert.deepEqual([r.status, r.error], ["FAILED", "DeploymentRejected"]);
        assert.equal(lambdaMock.calls().length, 0);
    });

    it("a failed rollback is reported as such and fails the execution", async () => {
        cwMock.on(GetMetricDataCommand).resolves(healthy(50, 5));
        let updates = 0;
        lambdaMock.on(UpdateAliasCommand).callsFake((i: any) => {
            if (++updates > 1) throw accessDenied("lambda:UpdateAlias");
            alias = { FunctionVersion: i.FunctionVersion, RoutingConfig: structuredClone(i.RoutingConfig), RevisionId: "rev-2" };
            return alias;
        });
        const r = await run(input);
        assert.deepEqual([r.status, r.error], ["FAILED", "RollbackFailed"]);
        assert.equal(notices()[0].Subject, "Canary deployment rollback FAILED");
        assert.match(notices()[0].Message!, /Rolling back version 2 of orders-api:live to version 1 FAILED, check the alias now/);
    });

    it("a lost success notification fails the execution but keeps the deployment", async () => {
        snsMock.on(PublishCommand).rejects(awsError("AuthorizationErrorException", "not authorized", 403));
        const r = await run(input);
        assert.deepEqual([r.status, r.error], ["FAILED", "NotificationFailed"]);
        assert.equal(alias.FunctionVersion, "2");
        assert.ok(!r.visited.includes("Rollback"));
    });
});
