// Canary deployments of Lambda functions by alias traffic shifting (README scenario 3).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { demoResponse, publishDemoVersions, releaseVariable } from "../../handlers/lambdaCanary/canaryDemo";
import {
    checkHealth,
    configFromEnvironment,
    runSimpleDeployment,
    runTrafficTask,
    simpleDeployerConfigFromEnvironment,
    validateDeployment,
} from "../../handlers/lambdaCanary/canaryDeploy";
import { TRANSIENT_ERROR_NAMES } from "../../handlers/shared/retry";
import { Blueprint } from "../../components/common";
import { logDeliveryStatement, ServiceRole, Statement } from "../../components/iam";
import { HandlerFunction } from "../../components/lambda";
import { EncryptedTopic, functionAlarm, topicAlarm } from "../../components/notifications";
import { ArgsOf, defineScenario, pick, resolveArgs, ResolvedArgs } from "../../components/scenario";
import { lambdaCanarySettings } from "./settings";

/** The scenario's settings (see ./settings.ts). */
export type LambdaCanaryDeployerArgs = ArgsOf<typeof lambdaCanarySettings>;
/** The settings as resolveArgs returns them, which the constructor's steps read. */
type Settings = ResolvedArgs<typeof lambdaCanarySettings>;

/** What the deployer's functions may read and shift, and the environment that tells them so. */
interface DeploymentAccess {
    readonly targetArns: pulumi.Input<string>[];
    readonly readAlarms: Statement[];
    readonly readMetrics: Statement;
    readonly environment: Record<string, pulumi.Input<string>>;
}

/** The workflow's task functions. */
interface WorkflowTasks {
    readonly validate: HandlerFunction;
    readonly traffic: HandlerFunction;
    readonly health: HandlerFunction;
}

/** ARNs the workflow definition refers to. */
export interface CanaryWorkflowTargets {
    readonly validateFunctionArn: string;
    readonly trafficFunctionArn: string;
    readonly healthFunctionArn: string;
    readonly topicArn: string;
}

// Transient failures of the Lambda service or of the SDK calls inside a task; the handlers re-read the alias
// before every change, so repeating a task is safe.
const LAMBDA_TRANSIENT = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException", "Lambda.ClientExecutionTimeoutException"];
// What a task's own SDK call throws after the SDK's retries (a timeout included), and what the handlers raise for a
// changed alias or metrics not there yet.
const API_TRANSIENT = [...new Set([...TRANSIENT_ERROR_NAMES, "ServiceException", "ResourceConflictException", "PreconditionFailedException", "MetricDataUnavailable"])];
const SNS_TRANSIENT = ["SNS.ThrottledException", "SNS.InternalErrorException", "SNS.KMSThrottlingException", "SNS.SdkClientException", "SNS.AmazonSNSException"];

function lambdaRetry(maxAttempts: number): object[] {
    return [
        { ErrorEquals: LAMBDA_TRANSIENT, IntervalSeconds: 2, MaxAttempts: maxAttempts, BackoffRate: 2, JitterStrategy: "FULL" },
        { ErrorEquals: API_TRANSIENT, IntervalSeconds: 5, MaxAttempts: maxAttempts, BackoffRate: 2, MaxDelaySeconds: 120, JitterStrategy: "FULL" },
    ];
}

/** A lambda:invoke task; failures not retried go to `catchTo` with the error at `errorPath` (undefined: the error replaces the state). */
function lambdaTask(
    functionArn: string,
    payload: object,
    resultFields: readonly string[],
    resultPath: string,
    next: string,
    catchTo: string,
    errorPath: string | undefined,
    maxAttempts = 4,
): object {
    return {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: functionArn, Payload: payload },
        // Only the handler's answer is kept: the invoke metadata would crowd the execution history.
        ResultSelector: Object.fromEntries(resultFields.map((f) => [`${f}.$`, `$.Payload.${f}`])),
        ResultPath: resultPath,
        TimeoutSeconds: 120,
        Retry: lambdaRetry(maxAttempts),
        Catch: [{ ErrorEquals: ["States.ALL"], ...(errorPath ? { ResultPath: errorPath } : {}), Next: catchTo }],
        Next: next,
    };
}

function notifyTask(topicArn: string, subject: string, message: string, next: string, catchTo: string, errorPath: string): object {
    return {
        Type: "Task",
        Resource: "arn:aws:states:::sns:publish",
        Parameters: { TopicArn: topicArn, Subject: subject, "Message.$": message },
        ResultPath: null,
        TimeoutSeconds: 60,
        Retry: [{ ErrorEquals: SNS_TRANSIENT, IntervalSeconds: 2, MaxAttempts: 4, BackoffRate: 2, JitterStrategy: "FULL" }],
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: errorPath, Next: catchTo }],
        Next: next,
    };
}

/**
 * The deployment workflow (Amazon States Language, JSONPath): validate -> [shift weight -> wait interval ->
 * health check -> decide]* -> finalize -> notify. Every task after validation is caught into Rollback, which
 * notifies and fails the execution; a rejected input fails before the alias is touched; a failed rollback is
 * reported as such. Loops are bounded: steps by the plan's shiftCount, waits for data by
 * maxInsufficientDataWaits.
 */
export function canaryStateMachineDefinition(t: CanaryWorkflowTargets): Record<string, any> {
    const planFields = ["functionName", "aliasName", "newVersion", "originalVersion", "strategy", "weights", "shiftCount", "intervalSeconds", "health"];
    const stepFields = ["index", "weight", "appliedAt", "insufficientWaits"];
    const healthFields = ["status", "reason", "invocations", "errors", "throttles", "errorRate", "alarmsInAlarm", "windowStart", "windowEnd"];
    const outcomeFields = ["status", "unchanged", "version", "message"];
    const definition = {
        Comment: "Shifts a Lambda alias to a new version step by step, checking health between steps; rolls back on trouble",
        StartAt: "Validate",
        States: {
            // A rejected input may not even be an object, so the caught error replaces the state instead of joining it.
            Validate: lambdaTask(t.validateFunctionArn, { "input.$": "$" }, planFields, "$.plan", "AnyPartialSteps", "NotifyRejected", undefined),
            AnyPartialSteps: {
                Type: "Choice",
                Choices: [{ Variable: "$.plan.shiftCount", NumericGreaterThan: 0, Next: "FirstStep" }],
                Default: "Finalize",
            },
            FirstStep: { Type: "Pass", Result: { index: 0 }, ResultPath: "$.progress", Next: "ShiftTraffic" },
            ShiftTraffic: lambdaTask(
                t.trafficFunctionArn,
                { action: "shift", "plan.$": "$.plan", "index.$": "$.progress.index" },
                stepFields,
                "$.step",
                "WaitInterval",
                "Rollback",
                "$.error",
            ),
            WaitInterval: { Type: "Wait", SecondsPath: "$.plan.intervalSeconds", Next: "CheckHealth" },
            CheckHealth: lambdaTask(t.healthFunctionArn, { "plan.$": "$.plan", "step.$": "$.step" }, healthFields, "$.health", "Decide", "Rollback", "$.error"),
            Decide: {
                Type: "Choice",
                Choices: [
                    { Variable: "$.health.status", StringEquals: "HEALTHY", Next: "NextStep" },
                    {
                        And: [
                            { Variable: "$.health.status", StringEquals: "INSUFFICIENT_DATA" },
                            { Variable: "$.plan.health.onInsufficientData", StringEquals: "wait" },
                            { Variable: "$.step.insufficientWaits", NumericLessThanPath: "$.plan.health.maxInsufficientDataWaits" },
                        ],
                        Next: "CountDataWait",
                    },
                ],
                Default: "Rollback",
            },
            CountDataWait: {
                Type: "Pass",
                Parameters: {
                    "index.$": "$.step.index",
                    "weight.$": "$.step.weight",
                    "appliedAt.$": "$.step.appliedAt",
                    "insufficientWaits.$": "States.MathAdd($.step.insufficientWaits, 1)",
                },
                ResultPath: "$.step",
                Next: "WaitInterval",
            },
            NextStep: { Type: "Pass", Parameters: { "index.$": "States.MathAdd($.progress.index, 1)" }, ResultPath: "$.progress", Next: "MoreSteps" },
            MoreSteps: {
                Type: "Choice",
                Choices: [{ Variable: "$.progress.index", NumericLessThanPath: "$.plan.shiftCount", Next: "ShiftTraffic" }],
                Default: "Finalize",
            },
            Finalize: lambdaTask(t.trafficFunctionArn, { action: "finalize", "plan.$": "$.plan" }, outcomeFields, "$.outcome", "NotifySucceeded", "Rollback", "$.error"),
            NotifySucceeded: notifyTask(
                t.topicArn,
                "Canary deployment succeeded",
                "States.Format('{} Execution: {}', $.outcome.message, $$.Execution.Id)",
                "Deployed",
                "DeployedButNotificationFailed",
                "$.notificationError",
            ),
            Deployed: { Type: "Succeed" },
            // The deployment stands: a lost notification must not undo it, but it fails the execution so the alarm says so.
            DeployedButNotificationFailed: {
                Type: "Fail",
                Error: "NotificationFailed",
                Cause: "The new version is serving all traffic, but the success notification could not be published.",
            },
            // Rollback gets more attempts than the other tasks: it is what leaves the alias safe.
            Rollback: lambdaTask(
                t.trafficFunctionArn,
                { action: "rollback", "state.$": "$" },
                outcomeFields,
                "$.outcome",
                "NotifyRolledBack",
                "NotifyRollbackFailed",
                "$.rollbackError",
                8,
            ),
            NotifyRolledBack: notifyTask(
                t.topicArn,
                "Canary deployment rolled back",
                "States.Format('{} Execution: {}', $.outcome.message, $$.Execution.Id)",
                "RolledBack",
                "RolledBack",
                "$.notificationError",
            ),
            RolledBack: { Type: "Fail", Error: "DeploymentRolledBack", CausePath: "$.outcome.message" },
            NotifyRollbackFailed: notifyTask(
                t.topicArn,
                "Canary deployment rollback FAILED",
                "States.Format('Rolling back version {} of {}:{} to version {} FAILED, check the alias now: {} Execution: {}', $.plan.newVersion, $.plan.functionName, $.plan.aliasName, $.plan.originalVersion, $.rollbackError.Cause, $$.Execution.Id)",
                "RollbackFailed",
                "RollbackFailed",
                "$.notificationError",
            ),
            RollbackFailed: { Type: "Fail", Error: "RollbackFailed", CausePath: "$.rollbackError.Cause" },
            // Validation failed: the state is the caught error itself ({Error, Cause}), whatever the input was.
            NotifyRejected: notifyTask(
                t.topicArn,
                "Canary deployment rejected",
                "States.Format('Canary deployment rejected, nothing was changed. {}: {} Execution: {}', $.Error, $.Cause, $$.Execution.Id)",
                "Rejected",
                "Rejected",
                "$.notificationError",
            ),
            Rejected: { Type: "Fail", Error: "DeploymentRejected", CausePath: "$.Cause" },
        },
    };
    return JSON.parse(JSON.stringify(definition));
}

/**
 * Deploys canary automation for Lambda aliases: a Step Functions workflow (validate, shift, wait, health check,
 * finalize or roll back, notify), the simple single-invocation deployer for short rollouts, an encrypted topic
 * for notifications, an alarm on failed executions and, optionally, a demo function with an alias and two
 * published versions.
 */
export class LambdaCanaryDeployer extends Blueprint {
    readonly stateMachineArn: pulumi.Output<string>;
    readonly stateMachineName: pulumi.Output<string>;
    readonly topicArn: pulumi.Output<string>;
    readonly executionsFailedAlarmName: pulumi.Output<string>;
    readonly simpleDeployerFunctionName?: pulumi.Output<string>;
    readonly demoFunctionName?: pulumi.Output<string>;
    readonly demoAliasName?: string;
    readonly demoAliasArn?: pulumi.Output<string>;
    readonly demoStableVersion?: pulumi.Output<string>;
    readonly demoCandidateVersion?: pulumi.Output<string>;
    /** Input for start-execution that rolls the demo alias to the candidate version. */
    readonly demoExecutionInput?: pulumi.Output<string>;

    constructor(name: string, args: LambdaCanaryDeployerArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveArgs<typeof lambdaCanarySettings>(name, lambdaCanarySettings, args);
        super("aws-blueprints:deploy:LambdaCanaryDeployer", name, "lambda-canary", args, opts);

        const events = new EncryptedTopic(
            `${name}-events`,
            { displayName: "Lambda canary deployments", email: s.notificationEmail, protect: this.protectStateful },
            { parent: this },
        );
        const demo = s.createDemo ? this.createDemo(name, s.demoAliasName) : undefined;
        const access = this.deploymentAccess(s, demo?.fn);
        const tasks = this.workflowTasks(name, s, access);
        const stateMachine = this.workflow(name, tasks, events);
        const failedAlarm = this.executionsFailedAlarm(name, stateMachine, events);
        const simple = s.createSimpleDeployer ? this.simpleDeployer(name, s, { access, events, stateMachine }) : undefined;

        this.stateMachineArn = stateMachine.arn;
        this.stateMachineName = stateMachine.name;
        this.topicArn = events.topicArn;
        this.executionsFailedAlarmName = failedAlarm.name;
        if (simple) this.simpleDeployerFunctionName = simple.functionName;
        if (demo) {
            this.demoFunctionName = demo.fn.functionName;
            this.demoAliasName = s.demoAliasName;
            this.demoAliasArn = demo.alias.arn;
            this.demoStableVersion = demo.stableVersion;
            this.demoCandidateVersion = demo.candidateVersion;
            this.demoExecutionInput = demo.executionInput;
        }
        this.registerOutputs({
            stateMachineArn: this.stateMachineArn,
            stateMachineName: this.stateMachineName,
            topicArn: this.topicArn,
            executionsFailedAlarmName: this.executionsFailedAlarmName,
            simpleDeployerFunctionName: this.simpleDeployerFunctionName,
            demoFunctionName: this.demoFunctionName,
            demoAliasName: this.demoAliasName,
            demoAliasArn: this.demoAliasArn,
            demoStableVersion: this.demoStableVersion,
            demoCandidateVersion: this.demoCandidateVersion,
            demoExecutionInput: this.demoExecutionInput,
        });
    }

    /**
     * What the deployer's functions may read and shift: the target functions (named ones with any qualifier,
     * prefixed ones, and the demo), the named alarms and the Lambda metrics, and the environment that names them.
     */
    private deploymentAccess(s: Settings, demo: HandlerFunction | undefined): DeploymentAccess {
        const names = s.targetFunctionNames;
        const alarmNames = s.alarmNames;
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const functionArn = (fn: pulumi.Input<string>) => pulumi.interpolate`arn:${partition}:lambda:${region}:${identity.accountId}:function:${fn}`;
        const alarmArn = (alarm: string) => pulumi.interpolate`arn:${partition}:cloudwatch:${region}:${identity.accountId}:alarm:${alarm}`;

        const targetArns: pulumi.Input<string>[] = [
            ...names.flatMap((n) => [functionArn(n), pulumi.interpolate`${functionArn(n)}:*`]),
            ...(s.targetFunctionPrefix ? [pulumi.interpolate`${functionArn(s.targetFunctionPrefix)}*`] : []),
            ...(demo ? [demo.arn, pulumi.interpolate`${demo.arn}:*`] : []),
        ];
        const alarmArns: pulumi.Input<string>[] = [
            ...alarmNames.map(alarmArn),
            ...(s.alarmNamePrefix ? [pulumi.interpolate`${alarmArn(s.alarmNamePrefix)}*`] : []),
        ];
        const readAlarms: Statement[] =
            alarmArns.length > 0
                ? [{ sid: "ReadNamedAlarms", actions: ["cloudwatch:DescribeAlarms"], resources: alarmArns }]
                : [];
        // GetMetricData has no resource-level permissions for metrics (only for OTLP datasets, which are not read).
        const readMetrics: Statement = { sid: "ReadLambdaMetrics", actions: ["cloudwatch:GetMetricData"], resources: ["*"] };
        const environment: Record<string, pulumi.Input<string>> = {
            ALLOWED_FUNCTION_NAMES: pulumi.all([...names, ...(demo ? [demo.functionName] : [])]).apply((l) => l.join(",")),
            ALLOWED_FUNCTION_PREFIX: s.targetFunctionPrefix ?? "",
            ALLOWED_ALARM_NAMES: alarmNames.join(","),
            ALLOWED_ALARM_PREFIX: s.alarmNamePrefix ?? "",
            MAX_ERROR_RATE: String(s.maxErrorRate),
            MIN_INVOCATIONS: String(s.minInvocations),
            ON_INSUFFICIENT_DATA: s.onInsufficientData,
            MAX_INSUFFICIENT_DATA_WAITS: String(s.maxInsufficientDataWaits),
        };
        return { targetArns, readAlarms, readMetrics, environment };
    }

    /** What every function of the deployer shares: its memory, its log retention and its protection. */
    private functionDefaults(s: Settings) {
        return { memorySizeMb: s.memorySizeMb, logRetentionDays: this.logRetentionDays, protect: this.protectStateful };
    }

    /** The workflow's three task functions: validate a request, shift an alias's weights, judge a step's health. */
    private workflowTasks(name: string, s: Settings, access: DeploymentAccess): WorkflowTasks {
        const { targetArns, readAlarms, readMetrics, environment } = access;
        const common = this.functionDefaults(s);
        const validate = new HandlerFunction(
            `${name}-validate`,
            {
                ...common,
                description: "Validates a canary deployment request against the alias and its versions, and plans its weights",
                statements: [
                    { sid: "ReadTargetAliases", actions: ["lambda:GetAlias", "lambda:GetFunctionConfiguration"], resources: targetArns },
                    ...readAlarms,
                ],
                environment,
                timeoutSeconds: 30,
                callback: validateHandler,
            },
            { parent: this },
        );
        const traffic = new HandlerFunction(
            `${name}-traffic`,
            {
                ...common,
                description: "Shifts, finalizes or rolls back a canary deployment's alias weights",
                statements: [{ sid: "ShiftTargetAliases", actions: ["lambda:GetAlias", "lambda:UpdateAlias"], resources: targetArns }],
                timeoutSeconds: 30,
                callback: trafficHandler,
            },
            { parent: this },
        );
        const health = new HandlerFunction(
            `${name}-health`,
            {
                ...common,
                description: "Judges a canary step from the new version's Lambda metrics and the named alarms",
                statements: [readMetrics, ...readAlarms],
                timeoutSeconds: 60,
                callback: healthHandler,
            },
            { parent: this },
        );
        return { validate, traffic, health };
    }

    /** The deployment workflow: its log group, its role (invoke the tasks, notify, deliver logs) and the state machine. */
    private workflow(name: string, tasks: WorkflowTasks, events: EncryptedTopic): aws.sfn.StateMachine {
        const { validate, traffic, health } = tasks;
        // Step Functions adds every log group it delivers to to the account's one CloudWatch Logs resource policy,
        // which is capped at 5120 characters, unless the name starts with /aws/vendedlogs/: then CloudWatch Logs
        // grants delivery without growing the policy.
        // https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
        // https://docs.aws.amazon.com/step-functions/latest/dg/bp-cwl.html
        // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html
        const workflowLogs = new aws.cloudwatch.LogGroup(
            `${name}-workflow-logs`,
            { namePrefix: `/aws/vendedlogs/states/${name}-workflow-`, retentionInDays: this.logRetentionDays },
            this.stateful(),
        );
        const taskArns = [validate.arn, traffic.arn, health.arn].flatMap((arn) => [arn, pulumi.interpolate`${arn}:*`]);
        const workflowRole = new ServiceRole(
            `${name}-workflow`,
            {
                service: "states.amazonaws.com",
                description: "Runs the canary deployment workflow",
                statements: [
                    { sid: "InvokeTaskFunctions", actions: ["lambda:InvokeFunction"], resources: taskArns },
                    ...events.publishStatements(),
                    logDeliveryStatement("DeliverExecutionLogs"),
                ],
            },
            { parent: this },
        );
        return new aws.sfn.StateMachine(
            `${name}-workflow`,
            {
                type: "STANDARD",
                roleArn: workflowRole.arn,
                definition: pulumi
                    .all([validate.arn, traffic.arn, health.arn, events.topicArn])
                    .apply(([validateFunctionArn, trafficFunctionArn, healthFunctionArn, topicArn]) =>
                        JSON.stringify(canaryStateMachineDefinition({ validateFunctionArn, trafficFunctionArn, healthFunctionArn, topicArn })),
                    ),
                loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: pulumi.interpolate`${workflowLogs.arn}:*` },
            },
            { parent: this, dependsOn: [workflowRole.policy] },
        );
    }

    /** The alarm on the events topic when a deployment fails: rejected, rolled back, or its rollback failed. */
    private executionsFailedAlarm(name: string, stateMachine: aws.sfn.StateMachine, events: EncryptedTopic): aws.cloudwatch.MetricAlarm {
        return topicAlarm(
            `${name}-executions-failed`,
            {
                description: "A canary deployment failed: rejected, rolled back, or its rollback failed (see the execution)",
                namespace: "AWS/States",
                metricName: "ExecutionsFailed",
                dimensions: { StateMachineArn: stateMachine.arn },
                statistic: "Sum",
                comparison: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                periodSeconds: 60,
                topicArn: events.topicArn,
            },
            { parent: this },
        );
    }

    /** The simple deployer, which runs a short rollout inside one invocation, without retries, and the alarm on its errors. */
    private simpleDeployer(
        name: string,
        s: Settings,
        on: { access: DeploymentAccess; events: EncryptedTopic; stateMachine: aws.sfn.StateMachine },
    ): HandlerFunction {
        const { access, events, stateMachine } = on;
        const { targetArns, readAlarms, readMetrics, environment } = access;
        const simple = new HandlerFunction(
            `${name}-simple`,
            {
                ...this.functionDefaults(s),
                description: "Runs a short canary rollout inside one invocation (longer ones belong to the state machine)",
                statements: [
                    { sid: "ShiftTargetAliases", actions: ["lambda:GetAlias", "lambda:UpdateAlias", "lambda:GetFunctionConfiguration"], resources: targetArns },
                    readMetrics,
                    ...readAlarms,
                    ...events.publishStatements(),
                ],
                environment: {
                    ...environment,
                    TOPIC_ARN: events.topicArn,
                    TIMEOUT_SECONDS: String(s.simpleDeployerTimeoutSeconds),
                    STATE_MACHINE_ARN: stateMachine.arn,
                },
                timeoutSeconds: s.simpleDeployerTimeoutSeconds,
                callback: simpleDeployerHandler,
            },
            { parent: this },
        );
        // A failed asynchronous run has already rolled back; Lambda's automatic retry would start the rollout again.
        new aws.lambda.FunctionEventInvokeConfig(
            `${name}-simple-async`,
            { functionName: simple.functionName, maximumRetryAttempts: 0, maximumEventAgeInSeconds: 3600 },
            { parent: this },
        );
        functionAlarm(
            `${name}-simple-errors`,
            {
                functionName: simple.functionName,
                metric: "Errors",
                description: "The simple canary deployer failed (its rollout was rolled back or refused; see its log group)",
                topicArn: events.topicArn,
                periodSeconds: 60,
            },
            { parent: this },
        );
        return simple;
    }

    /**
     * The demo target: a function, a publisher that gives it a stable and a candidate version at deployment
     * time, an alias on the stable version, and the start-execution input that rolls the alias to the candidate.
     * The alias's version and weights belong to the deployer once created, so the program ignores later changes to
     * them (a `pulumi up` must not undo a rollout).
     */
    private createDemo(name: string, aliasName: string) {
        const fn = new HandlerFunction(
            `${name}-demo`,
            {
                description: "Demo target of the canary deployer: answers with its release and version",
                statements: [],
                environment: { [releaseVariable()]: "stable" },
                timeoutSeconds: 10,
                memorySizeMb: 128,
                logRetentionDays: this.logRetentionDays,
                protect: this.protectStateful,
                callback: demoHandler,
            },
            { parent: this },
        );
        const demoArns = [fn.arn, pulumi.interpolate`${fn.arn}:*`];
        const publisher = new HandlerFunction(
            `${name}-demo-publisher`,
            {
                description: "Publishes the demo function's stable and candidate versions at deployment time",
                statements: [
                    {
                        sid: "PublishDemoVersions",
                        actions: [
                            "lambda:GetFunctionConfiguration",
                            "lambda:ListVersionsByFunction",
                            "lambda:UpdateFunctionConfiguration",
                            "lambda:PublishVersion",
                        ],
                        resources: demoArns,
                    },
                ],
                environment: { DEMO_FUNCTION_NAME: fn.functionName },
                timeoutSeconds: 300,
                memorySizeMb: 128,
                logRetentionDays: this.logRetentionDays,
                protect: this.protectStateful,
                callback: demoPublisherHandler,
            },
            { parent: this },
        );
        // Runs the publisher on create and whenever the demo's code changes (the input carries its hash).
        const published = new aws.lambda.Invocation(
            `${name}-demo-versions`,
            {
                functionName: publisher.functionName,
                input: pulumi.jsonStringify({ functionName: fn.functionName, codeSha256: fn.function.codeSha256 }),
            },
            { parent: this, dependsOn: [fn.function] },
        );
        const versions = published.result.apply((r) => JSON.parse(r) as { stableVersion: string; candidateVersion: string });
        const stableVersion = versions.apply((v) => v.stableVersion);
        const candidateVersion = versions.apply((v) => v.candidateVersion);
        const alias = new aws.lambda.Alias(
            `${name}-demo-alias`,
            {
                name: aliasName,
                description: "Demo alias: deployments shift it from the stable to the candidate version",
                functionName: fn.functionName,
                functionVersion: stableVersion,
            },
            { parent: this, ignoreChanges: ["functionVersion", "routingConfig"] },
        );
        const executionInput = pulumi.all([fn.functionName, candidateVersion]).apply(([functionName, newVersion]) =>
            JSON.stringify({
                functionName,
                aliasName,
                newVersion,
                strategy: "linear",
                steps: 3,
                intervalSeconds: 120,
                minInvocations: 5,
            }),
        );
        return { fn, alias, stableVersion, candidateVersion, executionInput };
    }
}

// The functions' handlers, defined once here so that each is serialized once per program (see HandlerFunction's
// callback); their configuration comes from the function's environment.
const validateHandler = async (event: unknown) => {
    // SDK v3 ships with the Lambda runtime; required here so it is neither serialized nor bundled.
    const { Lambda } = require("@aws-sdk/client-lambda");
    const { CloudWatch } = require("@aws-sdk/client-cloudwatch");
    const input = (event as { input?: unknown } | null)?.input;
    return validateDeployment(input, configFromEnvironment(process.env), { lambda: new Lambda({}), cloudwatch: new CloudWatch({}) });
};

const trafficHandler = async (event: unknown) => {
    const { Lambda } = require("@aws-sdk/client-lambda");
    const result = await runTrafficTask(event, { lambda: new Lambda({}) });
    console.log(JSON.stringify(result));
    return result;
};

const healthHandler = async (event: unknown) => {
    const { CloudWatch } = require("@aws-sdk/client-cloudwatch");
    const result = await checkHealth(event, { cloudwatch: new CloudWatch({}) });
    console.log(JSON.stringify(result));
    return result;
};

const simpleDeployerHandler = async (event: unknown, context: unknown) => {
    const { Lambda } = require("@aws-sdk/client-lambda");
    const { CloudWatch } = require("@aws-sdk/client-cloudwatch");
    const { SNS } = require("@aws-sdk/client-sns");
    const ctx = context as { getRemainingTimeInMillis(): number };
    const result = await runSimpleDeployment(event, simpleDeployerConfigFromEnvironment(process.env), {
        lambda: new Lambda({}),
        cloudwatch: new CloudWatch({}),
        sns: new SNS({}),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        remainingMs: () => ctx.getRemainingTimeInMillis(),
        log: (message, data) => console.log(JSON.stringify({ message, ...data })),
    });
    console.log(JSON.stringify(result));
    return result;
};

const demoHandler = async (event: unknown) => demoResponse(event, process.env.DEMO_RELEASE, process.env.AWS_LAMBDA_FUNCTION_VERSION);

const demoPublisherHandler = async (event: unknown) => {
    const { Lambda } = require("@aws-sdk/client-lambda");
    const result = await publishDemoVersions(
        event,
        { functionName: process.env.DEMO_FUNCTION_NAME ?? "" },
        {
            lambda: new Lambda({}),
            sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
            log: (message, data) => console.log(JSON.stringify({ message, ...data })),
        },
    );
    console.log(JSON.stringify(result));
    return result;
};

// The scenario: `aws-blueprints:lambdaCanary` builds this component from its settings; its outputs are the stack output of the
// same name. The registry (scenarios/index.ts) is generated from these entries.
export const lambdaCanary = defineScenario({
    key: "lambdaCanary",
    readme: { number: 3, title: "Lambda canary deployments with alias traffic shifting" },
    declaration: lambdaCanarySettings,
    build: (settings, shared) => {
        const canary = new LambdaCanaryDeployer("lambda-canary", { ...shared, ...settings });
        return pick(canary, ["stateMachineArn", "topicArn", "executionsFailedAlarmName", "simpleDeployerFunctionName", "demoFunctionName", "demoAliasName", "demoStableVersion", "demoCandidateVersion", "demoExecutionInput"]);
    },
});
