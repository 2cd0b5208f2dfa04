// The deploy state machine of the safe stack-update pipeline (README scenario 10), as a pure function of its inputs so
// tests validate it with asl-validator and run every branch in-process.
//
// Input (built by handlers/pipelineTrigger.ts): { stackName, templateUrl, parameters, capabilities, changeSetName }.
// A missing stack is created; a ROLLBACK_COMPLETE stack is deleted and recreated; an updatable stack gets a change
// set that is inspected (handlers/changeSetInspection.ts) and executed only when it deletes and replaces nothing.
// Every wait loop is bounded, every task retries throttling and routes any other error to cleanup -> SNS -> Fail.
import { TRANSIENT_ERROR_NAMES } from "../../handlers/shared/retry";

export interface DeployWorkflowOptions {
    /** Role CloudFormation uses for stack operations (passed as RoleARN). */
    readonly deploymentRoleArn: string;
    /** The change-set inspection function. */
    readonly inspectFunctionArn: string;
    /** Topic told about every failed or refused deployment. */
    readonly topicArn: string;
    /** Seconds between two status checks. */
    readonly pollIntervalSeconds: number;
    /** Status checks per wait loop before the deployment is declared stuck. */
    readonly maxPolls: number;
}

/** Stack states a change set can update. */
const UPDATABLE = ["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"];
/** The reasons CloudFormation gives for a change set without changes. */
const NO_CHANGES = ["The submitted information didn't contain changes*", "No updates are to be performed*"];
const LOOPS = ["stackStatusChecks", "stackDeletion", "stackCreation", "changeSetCreation", "stackUpdate", "changeSetDeletion"];

const CLEANUP = "Change Set To Delete?";

type State = Record<string, unknown>;

function sdk(action: string): string {
    return `arn:aws:states:::aws-sdk:cloudformation:${action}`;
}

/**
 * CloudFormation's query-protocol errors (Throttling, ValidationError) reach Step Functions as the generic
 * CloudFormation.CloudFormationException, so throttling cannot be told apart by name: the generic error is retried a
 * few times too (a validation error then fails some seconds later, which is harmless).
 */
function cfnRetry(includeGeneric = true): State[] {
    return [
        {
            ErrorEquals: ["CloudFormation.ThrottlingException", ...(includeGeneric ? ["CloudFormation.CloudFormationException"] : [])],
            IntervalSeconds: 2,
            MaxAttempts: 4,
            BackoffRate: 2,
            MaxDelaySeconds: 30,
            JitterStrategy: "FULL",
        },
    ];
}

const catchAll = (next = "Record Error", resultPath = "$.error"): State[] => [{ ErrorEquals: ["States.ALL"], ResultPath: resultPath, Next: next }];

/** DescribeStacks by name or id, keeping only the two fields every answer has. */
function describeStack(stackPath: string, next: string, extra: State = {}): State {
    return {
        Type: "Task",
        Resource: sdk("describeStacks"),
        Parameters: { "StackName.$": stackPath },
        ResultSelector: { "StackId.$": "$.Stacks[0].StackId", "StackStatus.$": "$.Stacks[0].StackStatus" },
        ResultPath: "$.stack",
        Retry: cfnRetry(),
        Catch: catchAll(),
        Next: next,
        ...extra,
    };
}

function describeChangeSet(next: string, withReason = false): State {
    return {
        Type: "Task",
        Resource: sdk("describeChangeSet"),
        Parameters: { "ChangeSetName.$": "$.changeSet.Id" },
        ResultSelector: {
            "Id.$": "$.ChangeSetId",
            "Status.$": "$.Status",
            ...(withReason ? { "StatusReason.$": "$.StatusReason" } : {}),
        },
        ResultPath: "$.changeSet",
        Retry: cfnRetry(),
        Catch: catchAll(),
        Next: next,
    };
}

function wait(seconds: number, next: string): State {
    return { Type: "Wait", Seconds: seconds, Next: next };
}

/** Adds one to a loop's counter (the other counters are copied: a Pass result replaces `$.polls` whole). */
function countPoll(loop: string, next: string): State {
    const parameters: Record<string, string> = {};
    for (const l of LOOPS) parameters[`${l}.$`] = l === loop ? `States.MathAdd($.polls.${l}, 1)` : `$.polls.${l}`;
    return { Type: "Pass", Parameters: parameters, ResultPath: "$.polls", Next: next };
}

function below(loop: string, max: number): State {
    return { Variable: `$.polls.${loop}`, NumericLessThan: max };
}

function status(path: string, value: string | readonly string[]): State {
    const values = typeof value === "string" ? [value] : value;
    const one = (v: string) => (v.includes("*") ? { Variable: path, StringMatches: v } : { Variable: path, StringEquals: v });
    return values.length === 1 ? one(values[0]) : { Or: values.map(one) };
}

/** `$.error.Cause` matches one of the patterns. */
function causeMatches(patterns: readonly string[]): State {
    const one = (p: string) => ({ Variable: "$.error.Cause", StringMatches: p });
    return patterns.length === 1 ? one(patterns[0]) : { Or: patterns.map(one) };
}

/** `$.error.Cause` is a string matching one of the patterns (a comparison on a missing field fails the execution). */
function causeIs(patterns: readonly string[]): State[] {
    return [{ Variable: "$.error.Cause", IsPresent: true }, { Variable: "$.error.Cause", IsString: true }, causeMatches(patterns)];
}

/** Records why the deployment failed, then cleans up. `cause` is a States.Format template (no apostrophes). */
function failure(error: string, cause: string, args: readonly string[]): State {
    return {
        Type: "Pass",
        Parameters: { error, "cause.$": `States.Format('${cause}', ${args.join(", ")})` },
        ResultPath: "$.failure",
        Next: CLEANUP,
    };
}

/** Seconds after which an execution is stopped whatever it waits for: every loop at its bound, plus a margin. */
export function workflowTimeoutSeconds(options: Pick<DeployWorkflowOptions, "pollIntervalSeconds" | "maxPolls">): number {
    return Math.min(LOOPS.length * options.maxPolls * (options.pollIntervalSeconds + 5) + 900, 365 * 24 * 3600);
}

/** The deploy state machine (Amazon States Language, JSONPath). */
export function deployWorkflowDefinition(o: DeployWorkflowOptions): Record<string, unknown> {
    if (!Number.isInteger(o.pollIntervalSeconds) || o.pollIntervalSeconds < 1) throw new Error(`pollIntervalSeconds must be a positive integer; got ${o.pollIntervalSeconds}`);
    if (!Number.isInteger(o.maxPolls) || o.maxPolls < 1) throw new Error(`maxPolls must be a positive integer; got ${o.maxPolls}`);
    const max = o.maxPolls;
    const every = o.pollIntervalSeconds;
    const stackOperation = {
        "TemplateURL.$": "$.templateUrl",
        "Parameters.$": "$.parameters",
        "Capabilities.$": "$.capabilities",
        RoleARN: o.deploymentRoleArn,
    };
    const states: Record<string, State> = {
        "Is Input Complete?": {
            Type: "Choice",
            Choices: [
                {
                    And: ["$.stackName", "$.templateUrl", "$.parameters", "$.capabilities", "$.changeSetName"].map((p) => ({ Variable: p, IsPresent: true })),
                    Next: "Start Deployment",
                },
            ],
            Default: "Input Rejected",
        },
        "Input Rejected": {
            Type: "Fail",
            Error: "MalformedInput",
            Cause: "The input needs stackName, templateUrl, parameters, capabilities and changeSetName",
        },
        "Start Deployment": {
            Type: "Pass",
            Result: Object.fromEntries(LOOPS.map((l) => [l, 0])),
            ResultPath: "$.polls",
            Next: "Check Stack Status",
        },
        // Every error is caught and told apart by its message, not its name: CloudFormation answers a missing stack
        // with a ValidationError ("Stack with id <name> does not exist",
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html), and the name a
        // Step Functions SDK integration gives a query-protocol error is not documented for it
        // (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html). Anything that is
        // neither a missing stack nor throttling (access denied, a timeout) fails the deployment.
        "Check Stack Status": describeStack("$.stackName", "Can Stack Be Updated?", {
            Retry: cfnRetry(false),
            Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Stack Missing Or Throttled?" }],
        }),
        "Stack Missing Or Throttled?": {
            Type: "Choice",
            Choices: [
                { And: [...causeIs(["*Stack with id * does not exist*"]), { Not: causeMatches(["*not authorized*", "*AccessDenied*"]) }], Next: "Create Stack" },
                { And: [...causeIs(["*Rate exceeded*", "*Throttling*"]), below("stackStatusChecks", max)], Next: "Count Stack Status Check" },
            ],
            Default: "Record Error",
        },
        "Count Stack Status Check": countPoll("stackStatusChecks", "Wait Before Checking Stack Again"),
        "Wait Before Checking Stack Again": wait(every, "Check Stack Status"),
        "Can Stack Be Updated?": {
            Type: "Choice",
            Choices: [
                { ...status("$.stack.StackStatus", UPDATABLE), Next: "Create Change Set" },
                { ...status("$.stack.StackStatus", "ROLLBACK_COMPLETE"), Next: "Delete Rolled Back Stack" },
                { ...status("$.stack.StackStatus", "*_IN_PROGRESS"), Next: "Stack Busy" },
            ],
            Default: "Stack In Failed State",
        },
        "Stack Busy": failure("StackBusy", "Stack {} is {}: another operation is in progress. Run the pipeline again when it has finished.", ["$.stackName", "$.stack.StackStatus"]),
        "Stack In Failed State": failure("StackInFailedState", "Stack {} is {} and cannot be updated. Repair or delete it (see its events), then run the pipeline again.", ["$.stackName", "$.stack.StackStatus"]),

        // A first creation that failed leaves ROLLBACK_COMPLETE, which can only be deleted.
        "Delete Rolled Back Stack": {
            Type: "Task",
            Resource: sdk("deleteStack"),
            Parameters: { "StackName.$": "$.stack.StackId", RoleARN: o.deploymentRoleArn },
            ResultPath: null,
            Retry: cfnRetry(),
            Catch: catchAll(),
            Next: "Wait For Stack Deletion",
        },
        "Wait For Stack Deletion": wait(every, "Check Stack Deletion"),
        // By stack id: a deleted stack is still described (DELETE_COMPLETE) by its id, not by its name.
        "Check Stack Deletion": describeStack("$.stack.StackId", "Count Stack Deletion Poll"),
        "Count Stack Deletion Poll": countPoll("stackDeletion", "Stack Deleted?"),
        "Stack Deleted?": {
            Type: "Choice",
            Choices: [
                { ...status("$.stack.StackStatus", "DELETE_COMPLETE"), Next: "Create Stack" },
                { And: [status("$.stack.StackStatus", "DELETE_IN_PROGRESS"), below("stackDeletion", max)], Next: "Wait For Stack Deletion" },
                { ...status("$.stack.StackStatus", "DELETE_IN_PROGRESS"), Next: "Stack Deletion Timed Out" },
            ],
            Default: "Stack Deletion Failed",
        },
        "Stack Deletion Timed Out": failure("StackDeletionTimedOut", "Stack {} (ROLLBACK_COMPLETE) is still {} after {} checks.", ["$.stackName", "$.stack.StackStatus", "$.polls.stackDeletion"]),
        "Stack Deletion Failed": failure("StackDeletionFailed", "Stack {} (ROLLBACK_COMPLETE) could not be deleted before recreating it: it is {}.", ["$.stackName", "$.stack.StackStatus"]),

        "Create Stack": {
            Type: "Task",
            Resource: sdk("createStack"),
            Parameters: { "StackName.$": "$.stackName", ...stackOperation, OnFailure: "ROLLBACK" },
            ResultSelector: { "StackId.$": "$.StackId" },
            ResultPath: "$.stack",
            Retry: cfnRetry(),
            Catch: catchAll(),
            Next: "Wait For Stack Creation",
        },
        "Wait For Stack Creation": wait(every, "Check Stack Creation"),
        "Check Stack Creation": describeStack("$.stack.StackId", "Count Stack Creation Poll"),
        "Count Stack Creation Poll": countPoll("stackCreation", "Stack Created?"),
        "Stack Created?": {
            Type: "Choice",
            Choices: [
                { ...status("$.stack.StackStatus", "CREATE_COMPLETE"), Next: "Stack Created" },
                { And: [status("$.stack.StackStatus", "CREATE_IN_PROGRESS"), below("stackCreation", max)], Next: "Wait For Stack Creation" },
                { ...status("$.stack.StackStatus", "CREATE_IN_PROGRESS"), Next: "Stack Creation Timed Out" },
            ],
            Default: "Stack Creation Failed",
        },
        "Stack Creation Timed Out": failure("StackCreationTimedOut", "Stack {} is still {} after {} checks.", ["$.stackName", "$.stack.StackStatus", "$.polls.stackCreation"]),
        "Stack Creation Failed": failure(
            "StackCreationFailed",
            "Stack {} could not be created: it is {} (see its events). Once it is ROLLBACK_COMPLETE the next run deletes and recreates it.",
            ["$.stackName", "$.stack.StackStatus"],
        ),
        "Stack Created": { Type: "Succeed" },

        "Create Change Set": {
            Type: "Task",
            Resource: sdk("createChangeSet"),
            Parameters: {
                "StackName.$": "$.stack.StackId",
                "ChangeSetName.$": "$.changeSetName",
                ChangeSetType: "UPDATE",
                Description: "Inspected by the safe deploy workflow before execution",
                ...stackOperation,
            },
            ResultSelector: { "Id.$": "$.Id" },
            ResultPath: "$.changeSet",
            Retry: cfnRetry(),
            Catch: catchAll(),
            Next: "Wait For Change Set",
        },
        "Wait For Change Set": wait(every, "Check Change Set Status"),
        "Check Change Set Status": describeChangeSet("Count Change Set Poll"),
        "Count Change Set Poll": countPoll("changeSetCreation", "Change Set Ready?"),
        "Change Set Ready?": {
            Type: "Choice",
            Choices: [
                { ...status("$.changeSet.Status", "CREATE_COMPLETE"), Next: "Inspect Change Set" },
                { ...status("$.changeSet.Status", "FAILED"), Next: "Read Change Set Failure" },
                { And: [status("$.changeSet.Status", ["CREATE_PENDING", "CREATE_IN_PROGRESS"]), below("changeSetCreation", max)], Next: "Wait For Change Set" },
                { ...status("$.changeSet.Status", ["CREATE_PENDING", "CREATE_IN_PROGRESS"]), Next: "Change Set Creation Timed Out" },
            ],
            Default: "Change Set In Unexpected State",
        },
        "Change Set Creation Timed Out": failure("ChangeSetCreationTimedOut", "Change set {} is still {} after {} checks.", ["$.changeSetName", "$.changeSet.Status", "$.polls.changeSetCreation"]),
        "Change Set In Unexpected State": failure("ChangeSetInUnexpectedState", "Change set {} is {} instead of being created.", ["$.changeSetName", "$.changeSet.Status"]),
        // Only a FAILED change set is sure to carry a StatusReason, so it is read on this path only.
        "Read Change Set Failure": describeChangeSet("Is Change Set Empty?", true),
        "Is Change Set Empty?": {
            Type: "Choice",
            Choices: [{ ...status("$.changeSet.StatusReason", NO_CHANGES), Next: "Delete Empty Change Set" }],
            Default: "Change Set Creation Failed",
        },
        "Change Set Creation Failed": failure("ChangeSetCreationFailed", "Change set {} could not be created: {}", ["$.changeSetName", "$.changeSet.StatusReason"]),
        "Delete Empty Change Set": {
            Type: "Task",
            Resource: sdk("deleteChangeSet"),
            Parameters: { "ChangeSetName.$": "$.changeSet.Id" },
            ResultPath: null,
            Retry: cfnRetry(),
            Catch: catchAll(),
            Next: "No Changes To Deploy",
        },
        "No Changes To Deploy": { Type: "Succeed" },

        "Inspect Change Set": {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke",
            Parameters: { FunctionName: o.inspectFunctionArn, Payload: { "changeSetId.$": "$.changeSet.Id" } },
            ResultSelector: {
                "verdict.$": "$.Payload.verdict",
                "changeCount.$": "$.Payload.changeCount",
                "unsafe.$": "$.Payload.unsafe",
                "summary.$": "$.Payload.summary",
            },
            ResultPath: "$.inspection",
            Retry: [
                {
                    // The Lambda service's own failures, and the inspection's read-only CloudFormation calls failing
                    // as the handlers' retries judge transient (throttling, a 5xx, a timeout).
                    ErrorEquals: ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException", ...TRANSIENT_ERROR_NAMES],
                    IntervalSeconds: 2,
                    MaxAttempts: 4,
                    BackoffRate: 2,
                    MaxDelaySeconds: 30,
                    JitterStrategy: "FULL",
                },
            ],
            Catch: catchAll(),
            Next: "Safe To Update?",
        },
        "Safe To Update?": {
            Type: "Choice",
            Choices: [{ Variable: "$.inspection.verdict", StringEquals: "CAN-SAFELY-UPDATE-EXISTING-STACK", Next: "Execute Change Set" }],
            Default: "Refuse Unsafe Change Set",
        },
        "Refuse Unsafe Change Set": {
            Type: "Pass",
            Parameters: { error: "RESOURCES-BEING-DELETED-OR-REPLACED", "cause.$": "$.inspection.summary" },
            ResultPath: "$.failure",
            Next: CLEANUP,
        },
        "Execute Change Set": {
            Type: "Task",
            Resource: sdk("executeChangeSet"),
            Parameters: { "ChangeSetName.$": "$.changeSet.Id" },
            ResultPath: "$.executed",
            Retry: cfnRetry(),
            Catch: catchAll(),
            Next: "Wait For Stack Update",
        },
        "Wait For Stack Update": wait(every, "Check Stack Update"),
        "Check Stack Update": describeStack("$.stack.StackId", "Count Stack Update Poll"),
        "Count Stack Update Poll": countPoll("stackUpdate", "Stack Updated?"),
        "Stack Updated?": {
            Type: "Choice",
            Choices: [
                { ...status("$.stack.StackStatus", "UPDATE_COMPLETE"), Next: "Stack Updated" },
                { And: [status("$.stack.StackStatus", "*_IN_PROGRESS"), below("stackUpdate", max)], Next: "Wait For Stack Update" },
                { ...status("$.stack.StackStatus", "*_IN_PROGRESS"), Next: "Stack Update Timed Out" },
                { ...status("$.stack.StackStatus", "UPDATE_ROLLBACK_COMPLETE"), Next: "Stack Update Rolled Back" },
            ],
            Default: "Stack Update Failed",
        },
        "Stack Update Timed Out": failure("StackUpdateTimedOut", "Stack {} is still {} after {} checks.", ["$.stackName", "$.stack.StackStatus", "$.polls.stackUpdate"]),
        "Stack Update Rolled Back": failure("StackUpdateRolledBack", "The update of stack {} failed and was rolled back (see its events); the stack is unchanged.", ["$.stackName"]),
        "Stack Update Failed": failure("StackUpdateFailed", "The update of stack {} failed: it is {} (see its events).", ["$.stackName", "$.stack.StackStatus"]),
        "Stack Updated": { Type: "Succeed" },

        // Failure path: record the error, delete a change set that was not executed (and confirm it is gone), notify, fail.
        "Record Error": {
            Type: "Pass",
            Parameters: { "error.$": "$.error.Error", "cause.$": "$.error.Cause" },
            ResultPath: "$.failure",
            Next: CLEANUP,
        },
        [CLEANUP]: {
            Type: "Choice",
            Choices: [
                {
                    And: [{ Variable: "$.changeSet.Id", IsPresent: true }, { Not: { Variable: "$.executed", IsPresent: true } }],
                    Next: "Delete Change Set",
                },
            ],
            Default: "Notify Failure",
        },
        "Delete Change Set": {
            Type: "Task",
            Resource: sdk("deleteChangeSet"),
            Parameters: { "ChangeSetName.$": "$.changeSet.Id" },
            ResultPath: null,
            Retry: cfnRetry(),
            Catch: [
                { ErrorEquals: ["CloudFormation.ChangeSetNotFoundException"], ResultPath: "$.cleanup", Next: "Notify Failure" },
                ...catchAll("Change Set Not Deleted", "$.cleanup"),
            ],
            Next: "Wait For Change Set Deletion",
        },
        "Wait For Change Set Deletion": wait(every, "Confirm Change Set Deleted"),
        "Confirm Change Set Deleted": {
            ...describeChangeSet("Count Change Set Deletion Poll"),
            Catch: [
                { ErrorEquals: ["CloudFormation.ChangeSetNotFoundException"], ResultPath: "$.cleanup", Next: "Notify Failure" },
                ...catchAll("Change Set Not Deleted", "$.cleanup"),
            ],
        },
        "Count Change Set Deletion Poll": countPoll("changeSetDeletion", "Change Set Deleted?"),
        "Change Set Deleted?": {
            Type: "Choice",
            Choices: [
                { ...status("$.changeSet.Status", "DELETE_COMPLETE"), Next: "Notify Failure" },
                { And: [status("$.changeSet.Status", ["DELETE_PENDING", "DELETE_IN_PROGRESS"]), below("changeSetDeletion", max)], Next: "Wait For Change Set Deletion" },
            ],
            Default: "Change Set Not Deleted",
        },
        "Change Set Not Deleted": {
            Type: "Pass",
            Parameters: {
                "error.$": "$.failure.error",
                "cause.$": "States.Format('{} The change set {} could not be deleted: delete it by hand.', $.failure.cause, $.changeSetName)",
            },
            ResultPath: "$.failure",
            Next: "Notify Failure",
        },
        "Notify Failure": {
            Type: "Task",
            Resource: "arn:aws:states:::sns:publish",
            Parameters: {
                TopicArn: o.topicArn,
                Subject: "Safe stack deployment failed",
                "Message.$": "States.Format('Deployment of stack {} stopped ({}). {} Execution: {}', $.stackName, $.failure.error, $.failure.cause, $$.Execution.Id)",
            },
            ResultPath: null,
            Retry: [{ ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "FULL" }],
            // The deployment fails either way; a lost notification must not hide that.
            Catch: catchAll("Deployment Failed", "$.notification"),
            Next: "Deployment Failed",
        },
        "Deployment Failed": { Type: "Fail", ErrorPath: "$.failure.error", CausePath: "$.failure.cause" },
    };
    return {
        Comment: "Creates a stack, or updates it through a change set only when nothing would be deleted or replaced",
        StartAt: "Is Input Complete?",
        TimeoutSeconds: workflowTimeoutSeconds(o),
        States: states,
    };
}
