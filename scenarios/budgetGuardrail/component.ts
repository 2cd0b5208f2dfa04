// Serverless automated cost controls, "freedom with guardrails" (README scenario 5): when a project overspends
// its budget, its developers' group loses the right to start EC2 capacity until someone restores it.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    configFromEnvironment as alertConfigFromEnvironment,
    handleBudgetAlert,
} from "../../handlers/budgetGuardrail/budgetAlert";
import {
    configFromEnvironment as enforcementConfigFromEnvironment,
    swapGroupPolicy,
} from "../../handlers/budgetGuardrail/budgetEnforcement";
import { Blueprint } from "../../components/common";
import { logDeliveryStatement, policyDocument, ServiceRole, Statement } from "../../components/iam";
import { HandlerFunction } from "../../components/lambda";
import { EncryptedTopic, failureQueueAlarm, functionAlarm, topicAlarm } from "../../components/notifications";
import { ArgsOf, defineScenario, pick, resolveArgs, ResolvedArgs } from "../../components/scenario";
import { SpotCapacity } from "../spotFleet/component";
import { budgetGuardrailSettings } from "./settings";

/** The scenario's settings (see ./settings.ts). */
export type BudgetGuardrailArgs = ArgsOf<typeof budgetGuardrailSettings>;

export type GuardrailMode = "enforce" | "restore";

export interface GuardrailDefinitionArgs {
    readonly mode: GuardrailMode;
    /** The action function (handlers/budgetEnforcement.ts). */
    readonly functionArn: string;
    /** Topic told about every change and failure. */
    readonly topicArn: string;
    readonly groupName: string;
    readonly budgetName: string;
}

/** A States.Format call: literal text (escaped for the single-quoted intrinsic string) and JSONPath arguments. */
function formatted(parts: readonly (string | { readonly path: string })[]): string {
    const text = parts.map((p) => (typeof p === "string" ? p.replace(/[\\'{}]/g, (c) => `\\${c}`) : "{}")).join("");
    const paths = parts.flatMap((p) => (typeof p === "string" ? [] : [p.path]));
    return `States.Format('${text}', ${paths.join(", ")})`;
}

/** A task publishing a notice to the topic, retried a bounded number of times on any failure. */
function publishState(topicArn: string, subject: string, message: string): Record<string, any> {
    return {
        Type: "Task",
        Resource: "arn:aws:states:::sns:publish",
        Parameters: {
            TopicArn: topicArn,
            Subject: subject.slice(0, 100),
            "Message.$": message,
            // Marks the state machines' own notices so the alert function's subscription filters them out.
            MessageAttributes: { origin: { DataType: "String", StringValue: "budget-guardrail" } },
        },
        ResultPath: null,
        TimeoutSeconds: 60,
        Retry: [{ ErrorEquals: ["States.TaskFailed", "States.Timeout"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
    };
}

/**
 * The enforcement (or restore) state machine: the action function swaps the group's EC2 policy (retried on
 * throttling and transient Lambda errors); a change is announced on the topic; any failure is announced and
 * fails the execution with the original error.
 */
export function guardrailDefinition(a: GuardrailDefinitionArgs): Record<string, any> {
    const enforce = a.mode === "enforce";
    const execution = { path: "$$.Execution.Id" };
    const notice = enforce
        ? formatted([
              `Budget ${a.budgetName} reached its limit. IAM group ${a.groupName} now has AmazonEC2ReadOnlyAccess instead of ` +
                  "AmazonEC2FullAccess: its members can no longer start or change EC2 capacity. " +
                  "Start the restore state machine to grant full access again. Execution: ",
              execution,
          ])
        : formatted([`IAM group ${a.groupName} has AmazonEC2FullAccess again; AmazonEC2ReadOnlyAccess was removed. Execution: `, execution]);
    const failure = formatted([
        `Budget guardrail ${a.mode} on IAM group ${a.groupName} failed; check the group's policies and rerun. Error: `,
        { path: "$.error.Error" },
        " (",
        { path: "$.error.Cause" },
        "). Execution: ",
        execution,
    ]);
    return {
        Comment: enforce
            ? `Removes EC2 full access from IAM group ${a.groupName} when budget ${a.budgetName} is exceeded`
            : `Restores EC2 full access to IAM group ${a.groupName}`,
        StartAt: "SwapGroupPolicy",
        TimeoutSeconds: 900,
        States: {
            SwapGroupPolicy: {
                Type: "Task",
                Resource: "arn:aws:states:::lambda:invoke",
                Parameters: { FunctionName: a.functionArn, Payload: { mode: a.mode, "execution.$": "$$.Execution.Id" } },
                ResultSelector: { "result.$": "$.Payload" },
                ResultPath: "$.swap",
                TimeoutSeconds: 120,
                Retry: [
                    {
                        // RetryableError: the handler's name for IAM throttling and service errors.
                        ErrorEquals: [
                            "RetryableError",
                            "Lambda.ServiceException",
                            "Lambda.AWSLambdaException",
                            "Lambda.SdkClientException",
                            "Lambda.TooManyRequestsException",
                        ],
                        IntervalSeconds: 2,
                        MaxAttempts: 6,
                        BackoffRate: 2,
                        MaxDelaySeconds: 60,
                        JitterStrategy: "FULL",
                    },
                ],
                Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "NotifyFailure" }],
                Next: "Changed",
            },
            Changed: {
                Type: "Choice",
                Choices: [{ Variable: "$.swap.result.changed", BooleanEquals: true, Next: "NotifyChange" }],
                Default: "AlreadyInPlace",
            },
            NotifyChange: {
                ...publishState(
                    a.topicArn,
                    enforce ? `Budget guardrail: EC2 full access removed from ${a.groupName}` : `Budget guardrail: EC2 full access restored to ${a.groupName}`,
                    notice,
                ),
                Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "NotificationFailed" }],
                End: true,
            },
            AlreadyInPlace: { Type: "Succeed", Comment: "The group already had the requested policy; nothing changed" },
            NotifyFailure: {
                ...publishState(a.topicArn, `Budget guardrail: ${a.mode} failed on ${a.groupName}`, failure),
                Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.notifyError", Next: "Failed" }],
                Next: "Failed",
            },
            Failed: { Type: "Fail", ErrorPath: "$.error.Error", CausePath: "$.error.Cause" },
            NotificationFailed: {
                Type: "Fail",
                Error: "NotificationFailed",
                Cause: "The group's policy was changed, but the notice could not be published to the topic",
            },
        },
    };
}

export class BudgetGuardrail extends Blueprint {
    readonly budgetName: pulumi.Output<string>;
    readonly topicArn: pulumi.Output<string>;
    readonly groupName: pulumi.Output<string>;
    readonly groupArn: pulumi.Output<string>;
    readonly enforceStateMachineArn: pulumi.Output<string>;
    readonly restoreStateMachineArn: pulumi.Output<string>;
    readonly alertFunctionName: pulumi.Output<string>;
    readonly enforcementFunctionName: pulumi.Output<string>;
    readonly failureQueueUrl: pulumi.Output<string>;
    readonly testUserName?: pulumi.Output<string>;
    /** The test user's one-time console password, a Pulumi secret (AWS requires a new one at first sign-in). */
    readonly testUserPassword?: pulumi.Output<string>;
    readonly consoleSignInUrl?: pulumi.Output<string>;
    readonly testFleet?: SpotCapacity;

    constructor(name: string, args: BudgetGuardrailArgs, opts?: pulumi.ComponentResourceOptions) {
        // Everything is checked before the component registers, so a bad argument creates nothing.
        const s = resolveArgs<typeof budgetGuardrailSettings>(name, budgetGuardrailSettings, args);
        const budgetName = s.budgetName ?? `${name}-${pulumi.getStack()}`;
        if (s.budgetName === undefined && !budgetGuardrailSettings.shape.budgetName.safeParse(budgetName).success) {
            throw new Error(`${name}: budgetName: the default ${JSON.stringify(budgetName)} (the component's name and the stack's) is not a budget name; set one`);
        }
        super("aws-blueprints:cost:BudgetGuardrail", name, "budget-guardrail", args, opts);
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;

        const { alerts, budget } = this.guardedBudget(name, s, budgetName);
        const { group, enforcement } = this.developersAndEnforcement(name, s, partition, identity.accountId);
        this.initialFullAccess(name, group, enforcement);
        const { enforceMachine, restoreMachine } = this.stateMachines(name, budgetName, { enforcement, alerts, group });
        const { failures, alertFunction } = this.alertPath(name, s, { budgetName, accountId: identity.accountId, alerts, enforceMachine });
        this.failureAlarms(name, { alerts, alertFunction, failures, enforceMachine, restoreMachine });

        if (s.createTestUser) {
            const testUser = this.testUser(name, group, identity.accountId);
            this.testUserName = testUser.userName;
            this.testUserPassword = testUser.password;
            this.consoleSignInUrl = testUser.consoleSignInUrl;
        }
        if (s.createTestFleet) {
            this.testFleet = this.spotTestFleet(name, s);
        }

        this.budgetName = budget.name;
        this.topicArn = alerts.topicArn;
        this.groupName = group.name;
        this.groupArn = group.arn;
        this.enforceStateMachineArn = enforceMachine.arn;
        this.restoreStateMachineArn = restoreMachine.arn;
        this.alertFunctionName = alertFunction.functionName;
        this.enforcementFunctionName = enforcement.functionName;
        this.failureQueueUrl = failures.url;
        this.registerOutputs({
            budgetName: this.budgetName,
            topicArn: this.topicArn,
            groupName: this.groupName,
            groupArn: this.groupArn,
            enforceStateMachineArn: this.enforceStateMachineArn,
            restoreStateMachineArn: this.restoreStateMachineArn,
            alertFunctionName: this.alertFunctionName,
            enforcementFunctionName: this.enforcementFunctionName,
            failureQueueUrl: this.failureQueueUrl,
            testUserName: this.testUserName,
            testUserPassword: this.testUserPassword,
            consoleSignInUrl: this.consoleSignInUrl,
            testFleetGroupName: this.testFleet?.autoScalingGroupName,
        });
    }

    /** The alerts topic and the budget that notifies it, at the enforcement threshold (actual) and the warning one (forecast). */
    private guardedBudget(
        name: string,
        s: ResolvedArgs<typeof budgetGuardrailSettings>,
        budgetName: string,
    ): { alerts: EncryptedTopic; budget: aws.budgets.Budget } {
        const alerts = new EncryptedTopic(
            `${name}-alerts`,
            {
                displayName: "Budget guardrail",
                publishingServices: ["budgets.amazonaws.com", "cloudwatch.amazonaws.com"],
                email: s.notificationEmail,
                protect: this.protectStateful,
            },
            { parent: this },
        );

        const budget = new aws.budgets.Budget(
            `${name}-budget`,
            {
                name: budgetName,
                budgetType: "COST",
                limitAmount: s.limitAmount.toFixed(2),
                limitUnit: s.currency,
                timeUnit: s.timeUnit,
                costFilters: [
                    { name: "Service", values: [s.service] },
                    { name: "TagKeyValue", values: [`user:${s.projectTag.key}$${s.projectTag.value}`] },
                ],
                notifications: [
                    {
                        notificationType: "ACTUAL",
                        comparisonOperator: "GREATER_THAN",
                        threshold: s.enforceAtPercent,
                        thresholdType: "PERCENTAGE",
                        subscriberSnsTopicArns: [alerts.topicArn],
                    },
                    {
                        notificationType: "FORECASTED",
                        comparisonOperator: "GREATER_THAN",
                        threshold: s.forecastWarningPercent,
                        thresholdType: "PERCENTAGE",
                        subscriberSnsTopicArns: [alerts.topicArn],
                    },
                ],
            },
            // Budgets checks that it may publish (topic and key policies) when the notification is created.
            { parent: this, dependsOn: [alerts] },
        );
        return { alerts, budget };
    }

    /** The developers' group and the enforcement function, which may swap only the two EC2 policies on it. */
    private developersAndEnforcement(
        name: string,
        s: ResolvedArgs<typeof budgetGuardrailSettings>,
        partition: pulumi.Output<string>,
        accountId: pulumi.Output<string>,
    ): { group: aws.iam.Group; enforcement: HandlerFunction } {
        const fullAccessArn = pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonEC2FullAccess`;
        const readOnlyArn = pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonEC2ReadOnlyAccess`;
        const group = new aws.iam.Group(`${name}-developers`, { path: "/blueprints/" }, { parent: this });
        // The function may also act on earlier groups of this guardrail (auto-named `<name>-developers-<suffix>`):
        // when the group is replaced, the deployment's invocation releases the old group after the function's
        // policy already names the new one, and IAM cannot delete a group that still has policies attached.
        const groups = [group.arn, pulumi.interpolate`arn:${partition}:iam::${accountId}:group/blueprints/${name}-developers-*`];

        const enforcement = new HandlerFunction(
            `${name}-action`,
            {
                description: "Swaps the project group's EC2 policy between AmazonEC2FullAccess and AmazonEC2ReadOnlyAccess",
                statements: [
                    {
                        sid: "SwapEc2PoliciesOnProjectGroup",
                        actions: ["iam:AttachGroupPolicy", "iam:DetachGroupPolicy"],
                        resources: groups,
                        conditions: { ArnEquals: { "iam:PolicyARN": pulumi.all([fullAccessArn, readOnlyArn]) } },
                    },
                    { sid: "ReadProjectGroupPolicies", actions: ["iam:ListAttachedGroupPolicies"], resources: groups },
                ],
                environment: {
                    GROUP_NAME: group.name,
                    FULL_ACCESS_POLICY_ARN: fullAccessArn,
                    READ_ONLY_POLICY_ARN: readOnlyArn,
                },
                timeoutSeconds: 30,
                memorySizeMb: s.memorySizeMb,
                logRetentionDays: this.logRetentionDays,
                protect: this.protectStateful,
                callback: enforcementHandler,
            },
            { parent: this },
        );
        return { group, enforcement };
    }

    /** The group's initial EC2 full access, granted by invoking the enforcement function in restore mode. */
    private initialFullAccess(name: string, group: aws.iam.Group, enforcement: HandlerFunction): void {
        // Developers start with EC2 full access. The grant is an invocation of the same idempotent function, not
        // a managed attachment: Pulumi would otherwise re-attach full access on the next refresh and update,
        // undoing the guardrail. On deletion the function detaches both policies so IAM can delete the group.
        // With lifecycleScope CRUD the provider sends the input recorded in the invocation's state, plus
        // `tf: { action, prev_input }`, on update and delete (internal/service/lambda/invocation.go, buildInput),
        // so the input names the group: a delete releases the group this invocation granted, not whichever group
        // the function names by then. A replacement (a new group ARN) deletes the old invocation before creating
        // the new one, so when the ARN changes but the name does not (a new path), the release comes before the
        // grant rather than undoing it.
        new aws.lambda.Invocation(
            `${name}-group-access`,
            {
                functionName: enforcement.functionName,
                input: group.name.apply((groupName) =>
                    JSON.stringify({ mode: "restore", groupName, reason: "initial EC2 full access for the project group" }),
                ),
                lifecycleScope: "CRUD",
                triggers: { groupArn: group.arn },
            },
            { parent: this, dependsOn: [enforcement], deleteBeforeReplace: true },
        );
    }

    /**
     * The enforce and restore state machines (each with its log group) and their role, which may invoke the
     * enforcement function and publish to the alerts topic.
     */
    private stateMachines(
        name: string,
        budgetName: string,
        on: { enforcement: HandlerFunction; alerts: EncryptedTopic; group: aws.iam.Group },
    ): { enforceMachine: aws.sfn.StateMachine; restoreMachine: aws.sfn.StateMachine } {
        const { enforcement, alerts, group } = on;
        const stateMachineLogs = (mode: GuardrailMode) =>
            new aws.cloudwatch.LogGroup(
                `${name}-${mode}-logs`,
                { namePrefix: `/aws/vendedlogs/states/${name}-${mode}-`, retentionInDays: this.logRetentionDays },
                this.stateful(),
            );
        const enforceLogs = stateMachineLogs("enforce");
        const restoreLogs = stateMachineLogs("restore");
        const statesRole = new ServiceRole(
            `${name}-states`,
            {
                service: "states.amazonaws.com",
                description: `Runs the ${name} enforcement and restore state machines`,
                statements: [
                    {
                        sid: "InvokeActionFunction",
                        actions: ["lambda:InvokeFunction"],
                        resources: [enforcement.arn, pulumi.interpolate`${enforcement.arn}:*`],
                    },
                    ...alerts.publishStatements(),
                    logDeliveryStatement("DeliverExecutionLogs"),
                ],
            },
            { parent: this },
        );
        const stateMachine = (mode: GuardrailMode, logs: aws.cloudwatch.LogGroup) =>
            new aws.sfn.StateMachine(
                `${name}-${mode}`,
                {
                    type: "STANDARD",
                    roleArn: statesRole.arn,
                    definition: pulumi
                        .all([enforcement.arn, alerts.topicArn, group.name])
                        .apply(([functionArn, topicArn, groupName]) =>
                            JSON.stringify(guardrailDefinition({ mode, functionArn, topicArn, groupName, budgetName })),
                        ),
                    loggingConfiguration: { logDestination: pulumi.interpolate`${logs.arn}:*`, includeExecutionData: true, level: "ALL" },
                },
                { parent: this, dependsOn: [statesRole.policy] },
            );
        const enforceMachine = stateMachine("enforce", enforceLogs);
        const restoreMachine = stateMachine("restore", restoreLogs);
        return { enforceMachine, restoreMachine };
    }

    /**
     * The path from a budget notification to enforcement: the alert function subscribed to the topic (Budgets'
     * and alarms' messages only), retried twice, with a queue for what it gives up on.
     */
    private alertPath(
        name: string,
        s: ResolvedArgs<typeof budgetGuardrailSettings>,
        on: { budgetName: string; accountId: pulumi.Output<string>; alerts: EncryptedTopic; enforceMachine: aws.sfn.StateMachine },
    ): { failures: aws.sqs.Queue; alertFunction: HandlerFunction } {
        const { budgetName, accountId, alerts, enforceMachine } = on;
        const failures = new aws.sqs.Queue(
            `${name}-failures`,
            { sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 24 * 3600 },
            this.stateful(),
        );
        const alertFunction = new HandlerFunction(
            `${name}-alert`,
            {
                description: "Reads AWS Budgets notifications and starts enforcement when the guarded budget's ACTUAL spend is exceeded",
                statements: [
                    { sid: "StartEnforcement", actions: ["states:StartExecution"], resources: [enforceMachine.arn] },
                    { sid: "FailureDestination", actions: ["sqs:SendMessage"], resources: [failures.arn] },
                ],
                environment: {
                    BUDGET_NAME: budgetName,
                    ACCOUNT_ID: accountId,
                    TOPIC_ARN: alerts.topicArn,
                    STATE_MACHINE_ARN: enforceMachine.arn,
                },
                timeoutSeconds: 30,
                memorySizeMb: s.memorySizeMb,
                logRetentionDays: this.logRetentionDays,
                protect: this.protectStateful,
                callback: alertHandler,
            },
            { parent: this },
        );
        new aws.lambda.FunctionEventInvokeConfig(
            `${name}-alert-async`,
            {
                functionName: alertFunction.functionName,
                maximumRetryAttempts: 2,
                maximumEventAgeInSeconds: 6 * 3600,
                destinationConfig: { onFailure: { destination: failures.arn } },
            },
            { parent: this },
        );
        const permission = new aws.lambda.Permission(
            `${name}-alert-invoke`,
            { action: "lambda:InvokeFunction", function: alertFunction.functionName, principal: "sns.amazonaws.com", sourceArn: alerts.topicArn },
            { parent: this },
        );
        new aws.sns.TopicSubscription(
            `${name}-alert-subscription`,
            {
                topic: alerts.topicArn,
                protocol: "lambda",
                endpoint: alertFunction.arn,
                // The state machines' own notices carry an origin attribute; Budgets and alarm messages do not.
                filterPolicy: JSON.stringify({ origin: [{ exists: false }] }),
            },
            { parent: this, dependsOn: [permission] },
        );
        return { failures, alertFunction };
    }

    /** Alarms on the topic: the alert function failing, notifications it gave up on, a state machine failing. */
    private failureAlarms(
        name: string,
        on: { alerts: EncryptedTopic; alertFunction: HandlerFunction; failures: aws.sqs.Queue; enforceMachine: aws.sfn.StateMachine; restoreMachine: aws.sfn.StateMachine },
    ): void {
        const { alerts, alertFunction, failures, enforceMachine, restoreMachine } = on;
        functionAlarm(
            `${name}-alert-errors`,
            {
                functionName: alertFunction.functionName,
                metric: "Errors",
                description: "The budget alert function failed; a budget notification may not have been acted on",
                topicArn: alerts.topicArn,
            },
            { parent: this },
        );
        failureQueueAlarm(
            `${name}-failed-alerts`,
            {
                queueName: failures.name,
                description: "Budget notifications the alert function gave up on (see the failure queue)",
                topicArn: alerts.topicArn,
            },
            { parent: this },
        );
        for (const [mode, machine] of [["enforce", enforceMachine], ["restore", restoreMachine]] as const) {
            topicAlarm(
                `${name}-${mode}-failed`,
                {
                    description: `The budget guardrail ${mode} state machine failed`,
                    namespace: "AWS/States",
                    metricName: "ExecutionsFailed",
                    dimensions: { StateMachineArn: machine.arn },
                    statistic: "Sum",
                    comparison: "GreaterThanOrEqualToThreshold",
                    threshold: 1,
                    topicArn: alerts.topicArn,
                },
                { parent: this },
            );
        }
    }

    /** A console user in the developers group, to try the guardrail with: it must change its password at first sign-in. */
    private testUser(name: string, group: aws.iam.Group, accountId: pulumi.Output<string>): { userName: pulumi.Output<string>; password: pulumi.Output<string>; consoleSignInUrl: pulumi.Output<string> } {
        const user = new aws.iam.User(`${name}-test-user`, { path: "/blueprints/", forceDestroy: true }, { parent: this });
        new aws.iam.UserGroupMembership(`${name}-test-user-groups`, { user: user.name, groups: [group.name] }, { parent: this });
        const ownPassword: Statement[] = [
            { sid: "ChangeOwnPassword", actions: ["iam:ChangePassword"], resources: [user.arn] },
            // GetAccountPasswordPolicy supports no resource ARNs.
            { sid: "ReadPasswordPolicy", actions: ["iam:GetAccountPasswordPolicy"], resources: ["*"] },
        ];
        // AWS requires a new password at first sign-in, which the user may only set with iam:ChangePassword.
        new aws.iam.UserPolicy(`${name}-test-user-password`, { user: user.name, policy: policyDocument(ownPassword) }, { parent: this });
        const login = new aws.iam.UserLoginProfile(
            `${name}-test-user-login`,
            { user: user.name, passwordResetRequired: true, passwordLength: 24 },
            // The user's own password change would otherwise show as drift on every refresh.
            { parent: this, additionalSecretOutputs: ["password"], ignoreChanges: ["passwordResetRequired", "passwordLength"] },
        );
        return { userName: user.name, password: pulumi.secret(login.password), consoleSignInUrl: pulumi.interpolate`https://${accountId}.signin.aws.amazon.com/console` };
    }

    /** A Spot test fleet carrying the project tag, so what its instances cost counts against the guarded budget. */
    private spotTestFleet(name: string, s: ResolvedArgs<typeof budgetGuardrailSettings>): SpotCapacity {
        return new SpotCapacity(
            `${name}-test-fleet`,
            {
                tags: s.tags,
                protect: s.protect,
                logRetentionDays: s.logRetentionDays,
                scenario: "budget-guardrail",
                instanceTypes: s.testFleetInstanceTypes,
                desiredCapacity: s.testFleetSize,
                minSize: 0,
                maxSize: s.testFleetSize,
                instanceTags: { [s.projectTag.key]: s.projectTag.value },
                notificationEmail: s.notificationEmail,
            },
            { parent: this },
        );
    }
}

// The functions' handlers, defined once here so that each is serialized once per program (see HandlerFunction's
// callback); their configuration comes from the function's environment.
const enforcementHandler = async (event: unknown) => {
    // SDK v3 ships with the Lambda runtime; required here so it is neither serialized nor bundled.
    const { IAM } = require("@aws-sdk/client-iam");
    const result = await swapGroupPolicy(event, enforcementConfigFromEnvironment(process.env), {
        iam: new IAM({}),
        log: (message, data) => console.log(JSON.stringify({ message, ...data })),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    console.log(JSON.stringify(result));
    return result;
};

const alertHandler = async (event: unknown) => {
    // SDK v3 ships with the Lambda runtime; required here so it is neither serialized nor bundled.
    const { SFN } = require("@aws-sdk/client-sfn");
    const result = await handleBudgetAlert(event, alertConfigFromEnvironment(process.env), {
        sfn: new SFN({}),
        log: (message, data) => console.log(JSON.stringify({ message, ...data })),
    });
    console.log(JSON.stringify(result));
    return result;
};

// The scenario: `aws-blueprints:budgetGuardrail` builds this component from its settings; its outputs are the stack output of the
// same name. The registry (scenarios/index.ts) is generated from these entries.
export const budgetGuardrail = defineScenario({
    key: "budgetGuardrail",
    readme: { number: 5, title: "Serverless budget guardrail (\"freedom with guardrails\")" },
    declaration: budgetGuardrailSettings,
    build: (settings, shared) => {
        const guardrail = new BudgetGuardrail("budget-guardrail", { ...shared, ...settings });
        return {
            // testUserPassword is a Pulumi secret: `pulumi stack output budgetGuardrail --show-secrets` reveals it to whoever may decrypt the stack.
            ...pick(guardrail, ["budgetName", "topicArn", "groupName", "enforceStateMachineArn", "restoreStateMachineArn", "alertFunctionName", "enforcementFunctionName", "failureQueueUrl", "testUserName", "testUserPassword", "consoleSignInUrl"]),
            testFleetGroupName: guardrail.testFleet?.autoScalingGroupName,
        };
    },
});
