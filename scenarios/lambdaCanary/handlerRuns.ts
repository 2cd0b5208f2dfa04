// How the authorization check (checks/authz/handlerCalls.ts) exercises this scenario's Lambda handlers, keyed by
// component type and function role (the HandlerFunction's name after the component's): the SDK clients to record
// and representative invocations built from the stack, or why a function makes no AWS call. npm run authz and
// npm test run every function of a stack this way; a function without an entry fails them.
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SNSClient } from "@aws-sdk/client-sns";
import type { HandlerRuns, StackFunction } from "../../checks/authz/handlerCalls";

/**
 * A canary deployment of a function the deployer may shift (the first it names, or one under its prefix), judged
 * also on an alarm it may read when it names any: its request, the plan validation makes of it, and AWS's answers.
 * The allow-lists are the validating function's (the traffic and health functions act on the plans it makes).
 */
function canaryTarget({ ix, component }: StackFunction) {
    const validate = ix.ofType("aws-blueprints:shared:HandlerFunction").find((h) => h.parentUrn === component.urn && h.name === `${component.name}-validate`);
    const env: Record<string, string> = ix.ofType("aws:lambda/function:Function").find((r) => r.parentUrn === validate?.urn)?.inputs.environment?.variables ?? {};
    const list = (v: string | undefined) => (v ?? "").split(",").filter(Boolean);
    const functionName = list(env.ALLOWED_FUNCTION_NAMES)[0] ?? `${env.ALLOWED_FUNCTION_PREFIX}orders`;
    const alarm = list(env.ALLOWED_ALARM_NAMES)[0] ?? (env.ALLOWED_ALARM_PREFIX ? `${env.ALLOWED_ALARM_PREFIX}errors` : undefined);
    const alarmNames = alarm ? [alarm] : [];
    const request = { functionName, aliasName: "live", newVersion: "2", strategy: "canary", canaryWeight: 0.1, intervalSeconds: 60, alarmNames };
    const plan = {
        functionName,
        aliasName: "live",
        newVersion: "2",
        originalVersion: "1",
        strategy: "canary",
        weights: [0.1, 1],
        shiftCount: 1,
        intervalSeconds: 60,
        health: { maxErrorRate: Number(env.MAX_ERROR_RATE || 0), minInvocations: Number(env.MIN_INVOCATIONS || 10), onInsufficientData: "wait", maxInsufficientDataWaits: 3, alarmNames },
    };
    const role = `arn:aws:iam::123456789012:role/${functionName}`;
    return {
        request,
        plan,
        versions: {
            GetAliasCommand: { FunctionVersion: "1", RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: "r-1" },
            GetFunctionConfigurationCommand: (input: { Qualifier: string }) => ({ Version: input.Qualifier, Role: role, State: "Active" }),
        },
        alarmStates: { MetricAlarms: alarmNames.map((AlarmName) => ({ AlarmName, StateValue: "OK" })) },
        healthyMetrics: {
            MetricDataResults: [
                { Id: "invocations", Values: [Math.max(50, plan.health.minInvocations * 2)], StatusCode: "Complete" },
                { Id: "errors", Values: [0], StatusCode: "Complete" },
                { Id: "throttles", Values: [], StatusCode: "Complete" },
            ],
        },
    };
}

export const handlerRuns: HandlerRuns = {
    "aws-blueprints:deploy:LambdaCanaryDeployer/demo": "answers with its release and version; it calls no AWS API",
    "aws-blueprints:deploy:LambdaCanaryDeployer/demo-publisher": {
        clients: [LambdaClient],
        scenarios: ({ env }) => {
            let version = 0;
            const configuration = { CodeSha256: "c0de", State: "Active", LastUpdateStatus: "Successful", RevisionId: "r-1", Environment: { Variables: { DEMO_RELEASE: "stable" } } };
            return [
                {
                    name: "the deployment publishes the stable and candidate versions",
                    event: { functionName: env.DEMO_FUNCTION_NAME, codeSha256: "c0de" },
                    answers: {
                        GetFunctionConfigurationCommand: configuration,
                        ListVersionsByFunctionCommand: { Versions: [] },
                        PublishVersionCommand: () => ({ Version: String(++version) }),
                    },
                },
            ];
        },
    },
    "aws-blueprints:deploy:LambdaCanaryDeployer/validate": {
        clients: [LambdaClient, CloudWatchClient],
        scenarios: (f) => {
            const t = canaryTarget(f);
            return [
                {
                    name: "a canary request is checked against the alias, both versions and its alarms",
                    event: { input: t.request },
                    answers: { ...t.versions, DescribeAlarmsCommand: t.alarmStates },
                },
            ];
        },
    },
    "aws-blueprints:deploy:LambdaCanaryDeployer/traffic": {
        clients: [LambdaClient],
        scenarios: (f) => {
            const { plan } = canaryTarget(f);
            const alias = (weights: Record<string, number>, version = plan.originalVersion) => ({ GetAliasCommand: { FunctionVersion: version, RoutingConfig: { AdditionalVersionWeights: weights }, RevisionId: "r-1" }, UpdateAliasCommand: {} });
            return [
                { name: "the first step shifts the canary weight", event: { action: "shift", plan, index: 0 }, answers: alias({}) },
                { name: "a healthy rollout is finalized", event: { action: "finalize", plan }, answers: alias({ [plan.newVersion]: plan.weights[0] }) },
                {
                    name: "an unhealthy rollout is rolled back",
                    event: { action: "rollback", state: { plan, health: { status: "UNHEALTHY", reason: "failure ratio above 0" } } },
                    answers: alias({ [plan.newVersion]: plan.weights[0] }),
                },
            ];
        },
    },
    "aws-blueprints:deploy:LambdaCanaryDeployer/health": {
        clients: [CloudWatchClient],
        scenarios: (f) => {
            const t = canaryTarget(f);
            return [
                {
                    name: "a step is judged on the new version's metrics and the plan's alarms",
                    event: { plan: t.plan, step: { index: 0, weight: t.plan.weights[0], appliedAt: new Date(Date.now() - 120_000).toISOString(), insufficientWaits: 0 } },
                    answers: { GetMetricDataCommand: t.healthyMetrics, DescribeAlarmsCommand: t.alarmStates },
                },
            ];
        },
    },
    "aws-blueprints:deploy:LambdaCanaryDeployer/simple": {
        clients: [LambdaClient, CloudWatchClient, SNSClient],
        scenarios: (f) => {
            const t = canaryTarget(f);
            let alias = { FunctionVersion: t.plan.originalVersion, RoutingConfig: { AdditionalVersionWeights: {} as Record<string, number> }, RevisionId: "r-1" };
            return [
                {
                    name: "a short canary rollout runs to the end inside one invocation",
                    event: t.request,
                    immediateTimers: true,
                    answers: {
                        ...t.versions,
                        GetAliasCommand: () => structuredClone(alias),
                        UpdateAliasCommand: (input: any) => {
                            alias = { FunctionVersion: input.FunctionVersion, RoutingConfig: input.RoutingConfig, RevisionId: `${alias.RevisionId}1` };
                            return structuredClone(alias);
                        },
                        GetMetricDataCommand: t.healthyMetrics,
                        DescribeAlarmsCommand: t.alarmStates,
                        PublishCommand: { MessageId: "m-1" },
                    },
                },
            ];
        },
    },
};
