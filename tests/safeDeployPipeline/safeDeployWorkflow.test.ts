import assert from "node:assert/strict";
import { deployWorkflowDefinition, DeployWorkflowOptions, workflowTimeoutSeconds } from "../../scenarios/safeDeployPipeline/safeDeployWorkflow";

const aslValidator = require("asl-validator");
const { StateMachine } = require("aws-local-stepfunctions");

const ROLE = "arn:aws:iam::123456789012:role/deployer";
const INSPECT = "arn:aws:lambda:us-east-1:123456789012:function:inspect";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";
const STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/blueprints-dev-app/0a1b2c3d-0000-4000-8000-000000000001";
const CHANGE_SET_ID = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/deploy-job-1/0a1b2c3d-0000-4000-8000-000000000002";
const OPTIONS: DeployWorkflowOptions = { deploymentRoleArn: ROLE, inspectFunctionArn: INSPECT, topicArn: TOPIC, pollIntervalSeconds: 15, maxPolls: 3 };
const INPUT = {
    stackName: "blueprints-dev-app",
    templateUrl: "https://artifacts.s3.us-east-1.amazonaws.com/deploy-templates/job-1/template.yaml",
    parameters: [{ ParameterKey: "MessageRetentionSeconds", ParameterValue: "600" }],
    capabilities: [],
    changeSetName: "deploy-job-1",
    pipelineJobId: "job-1",
};
const SAFE = { verdict: "CAN-SAFELY-UPDATE-EXISTING-STACK", changeCount: 1, unsafe: [], summary: "" };
const UNSAFE = {
    verdict: "RESOURCES-BEING-DELETED-OR-REPLACED",
    changeCount: 2,
    unsafe: ["WorkQueue [AWS::SQS::Queue]: replace (QueueName)"],
    summary: "Change set deploy-job-1 for stack blueprints-dev-app would delete or replace 1 resource(s): WorkQueue [AWS::SQS::Queue]: replace (QueueName)",
};

/** An error as a Step Functions AWS SDK integration raises it. */
function sfnError(name: string, cause: string): Error {
    const err = new Error(cause);
    err.name = name;
    return err;
}
const notFound = () => sfnError("CloudFormation.CloudFormationException", "Stack with id blueprints-dev-app does not exist (Service: CloudFormation, Status Code: 400, Request ID: 1)");
const throttled = () => sfnError("CloudFormation.CloudFormationException", "Rate exceeded (Service: CloudFormation, Status Code: 400, Request ID: 2)");

type Answer = unknown | (() => unknown);

/** Local stand-ins for the workflow's tasks: each state answers from a queue (the last answer repeats). */
interface World {
    readonly [state: string]: Answer[];
}

interface Run {
    readonly path: string[];
    readonly calls: Array<{ state: string; input: any }>;
    readonly output?: any;
    readonly error?: { name: string; cause: string };
}

const stack = (status: string) => ({ Stacks: [{ StackId: STACK_ID, StackName: INPUT.stackName, StackStatus: status, CreationTime: "2026-11-26T10:00:00Z" }] });
const changeSet = (Status: string, StatusReason?: string) => ({
    ChangeSetId: CHANGE_SET_ID,
    ChangeSetName: "deploy-job-1",
    StackId: STACK_ID,
    Status,
    ExecutionStatus: Status === "CREATE_COMPLETE" ? "AVAILABLE" : "UNAVAILABLE",
    ...(StatusReason ? { StatusReason } : {}),
    Changes: [],
});

const machines = new Map<string, { definition: any; machine: any }>();

/** The workflow for these options, validated once: building a StateMachine validates the whole definition. */
function workflow(options: DeployWorkflowOptions): { definition: any; machine: any } {
    const key = JSON.stringify(options);
    let built = machines.get(key);
    if (!built) {
        const definition = deployWorkflowDefinition(options);
        built = { definition, machine: new StateMachine(definition, { validationOptions: { checkArn: false } }) };
        machines.set(key, built);
    }
    return built;
}

async function run(world: World, input: unknown = INPUT, options: DeployWorkflowOptions = OPTIONS): Promise<Run> {
    const { definition, machine } = workflow(options);
    const calls: Array<{ state: string; input: any }> = [];
    const answered: Record<string, number> = {};
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    const taskStates = Object.entries(definition.States as Record<string, any>).filter(([, s]) => s.Type === "Task").map(([n]) => n);
    for (const state of taskStates) {
        handlers[state] = async (taskInput: unknown) => {
            calls.push({ state, input: taskInput });
            const queue = world[state];
            if (!queue) throw new Error(`unexpected call to ${state}`);
            const i = Math.min(answered[state] ?? 0, queue.length - 1);
            answered[state] = (answered[state] ?? 0) + 1;
            const answer = queue[i];
            const value = typeof answer === "function" ? (answer as () => unknown)() : answer;
            if (value instanceof Error) throw value;
            return value;
        };
    }
    const zero = (type: string) =>
        Object.fromEntries(Object.entries(definition.States as Record<string, any>).filter(([, s]) => s.Type === type || (type === "Retry" && s.Retry)).map(([n]) => [n, 0]));
    const execution = machine.run(input, {
        overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides: zero("Wait"), retryIntervalOverrides: zero("Retry") },
        context: { Execution: { Id: "arn:aws:states:us-east-1:123456789012:execution:deploy:job-1", Input: input } },
    });
    const path: string[] = [];
    const logging = (async () => {
        for await (const event of execution.eventLogs) if (event.type === "StateEntered") path.push(event.state.name);
    })();
    try {
        const output = await execution.result;
        await logging;
        return { path, calls, output };
    } catch (err: any) {
        await logging.catch(() => undefined);
        const failure = err.cause ?? err;
        return { path, calls, error: { name: failure.name, cause: failure.message } };
    }
}

const called = (r: Run, state: string) => r.calls.filter((c) => c.state === state);
const published = (r: Run) => called(r, "Notify Failure").map((c) => c.input);

describe("safe deploy workflow definition", () => {
    it("is valid Amazon States Language", () => {
        const { isValid, errorsText } = aslValidator(deployWorkflowDefinition(OPTIONS));
        assert.equal(isValid, true, errorsText?.("\n"));
    });

    it("uses SDK integrations for every single CloudFormation call and a Lambda only to inspect", () => {
        const states = deployWorkflowDefinition(OPTIONS).States as Record<string, any>;
        const resources = Object.values(states).filter((s) => s.Type === "Task").map((s) => s.Resource);
        assert.deepEqual([...new Set(resources)].sort(), [
            "arn:aws:states:::aws-sdk:cloudformation:createChangeSet",
            "arn:aws:states:::aws-sdk:cloudformation:createStack",
            "arn:aws:states:::aws-sdk:cloudformation:deleteChangeSet",
            "arn:aws:states:::aws-sdk:cloudformation:deleteStack",
            "arn:aws:states:::aws-sdk:cloudformation:describeChangeSet",
            "arn:aws:states:::aws-sdk:cloudformation:describeStacks",
            "arn:aws:states:::aws-sdk:cloudformation:executeChangeSet",
            "arn:aws:states:::lambda:invoke",
            "arn:aws:states:::sns:publish",
        ]);
        assert.equal(states["Inspect Change Set"].Parameters.FunctionName, INSPECT);
        assert.equal(states["Notify Failure"].Parameters.TopicArn, TOPIC);
    });

    it("gives every task a throttling retry and a catch, and passes only the deployment role", () => {
        const states = deployWorkflowDefinition(OPTIONS).States as Record<string, any>;
        for (const [name, s] of Object.entries(states).filter(([, s]) => s.Type === "Task")) {
            assert.ok(s.Retry?.length > 0, `${name} retries`);
            const retried = s.Retry.flatMap((r: any) => r.ErrorEquals);
            assert.ok(retried.some((e: string) => /Throttl|TooManyRequests|TaskFailed/.test(e)), `${name} retries throttling`);
            assert.ok(s.Catch?.some((c: any) => c.ErrorEquals.includes("States.ALL")), `${name} catches everything`);
            if (s.Parameters?.RoleARN !== undefined) assert.equal(s.Parameters.RoleARN, ROLE, `${name} passes the deployment role`);
        }
        for (const name of ["Create Stack", "Create Change Set", "Delete Rolled Back Stack"]) assert.equal(states[name].Parameters.RoleARN, ROLE);
        const inspectionRetried = states["Inspect Change Set"].Retry.flatMap((r: any) => r.ErrorEquals);
        for (const name of ["ThrottlingException", "Throttling", "TimeoutError", "InternalFailure", "ServiceUnavailable"]) {
            assert.ok(inspectionRetried.includes(name), `the read-only inspection retries ${name}, as its handler's callers judge it transient`);
        }
    });

    it("bounds every wait loop and the whole execution", () => {
        const definition = deployWorkflowDefinition(OPTIONS);
        const states = definition.States as Record<string, any>;
        const waits = Object.entries(states).filter(([, s]) => s.Type === "Wait");
        assert.ok(waits.length >= 6);
        for (const [name, s] of waits) assert.equal(s.Seconds, 15, `${name} waits the poll interval`);
        const bounds = JSON.stringify(states).match(/"NumericLessThan":3/g) ?? [];
        assert.equal(bounds.length, 6, "one bound per loop");
        assert.equal(definition.TimeoutSeconds, workflowTimeoutSeconds(OPTIONS));
        assert.equal(workflowTimeoutSeconds(OPTIONS), 6 * 3 * 20 + 900);
        assert.throws(() => deployWorkflowDefinition({ ...OPTIONS, maxPolls: 0 }), /maxPolls must be a positive integer; got 0/);
        assert.throws(() => deployWorkflowDefinition({ ...OPTIONS, pollIntervalSeconds: 1.5 }), /pollIntervalSeconds/);
    });
});

describe("safe deploy workflow branches (run in-process)", () => {
    it("creates a missing stack and waits until CREATE_COMPLETE", async () => {
        const r = await run({
            "Check Stack Status": [notFound()],
            "Create Stack": [{ StackId: STACK_ID }],
            "Check Stack Creation": [stack("CREATE_IN_PROGRESS"), stack("CREATE_COMPLETE")],
        });
        assert.equal(r.error, undefined, JSON.stringify(r.error));
        assert.equal(r.path.at(-1), "Stack Created");
        const create = called(r, "Create Stack")[0].input;
        assert.deepEqual(create, {
            StackName: INPUT.stackName,
            TemplateURL: INPUT.templateUrl,
            Parameters: INPUT.parameters,
            Capabilities: [],
            RoleARN: ROLE,
            OnFailure: "ROLLBACK",
        });
        assert.deepEqual(called(r, "Check Stack Creation").map((c) => c.input), [{ StackName: STACK_ID }, { StackName: STACK_ID }]);
        assert.equal(published(r).length, 0);
    });

    it("a failed creation is reported with the stack status, and nothing is left to clean up", async () => {
        const r = await run({
            "Check Stack Status": [notFound()],
            "Create Stack": [{ StackId: STACK_ID }],
            "Check Stack Creation": [stack("ROLLBACK_IN_PROGRESS")],
            "Notify Failure": [{ MessageId: "1" }],
        });
        assert.equal(r.error?.name, "StackCreationFailed");
        assert.match(r.error!.cause, /Stack blueprints-dev-app could not be created: it is ROLLBACK_IN_PROGRESS/);
        assert.equal(called(r, "Delete Change Set").length, 0);
        assert.match(published(r)[0].Message, /StackCreationFailed/);
    });

    it("a stuck creation stops after maxPolls checks", async () => {
        const r = await run({
            "Check Stack Status": [notFound()],
            "Create Stack": [{ StackId: STACK_ID }],
            "Check Stack Creation": [stack("CREATE_IN_PROGRESS")],
            "Notify Failure": [{ MessageId: "1" }],
        });
        assert.equal(r.error?.name, "StackCreationTimedOut");
        assert.equal(called(r, "Check Stack Creation").length, 3);
        assert.match(r.error!.cause, /still CREATE_IN_PROGRESS after 3 checks/);
    });

    it("deletes a ROLLBACK_COMPLETE stack, waits for DELETE_COMPLETE by stack id, then recreates it", async () => {
        const r = await run({
            "Check Stack Status": [stack("ROLLBACK_COMPLETE")],
            "Delete Rolled Back Stack": [{}],
            "Check Stack Deletion": [stack("DELETE_IN_PROGRESS"), stack("DELETE_COMPLETE")],
            "Create Stack": [{ StackId: STACK_ID }],
            "Check Stack Creation": [stack("CREATE_COMPLETE")],
        });
        assert.equal(r.path.at(-1), "Stack Created", JSON.stringify(r.error));
        assert.deepEqual(called(r, "Delete Rolled Back Stack")[0].input, { StackName: STACK_ID, RoleARN: ROLE });
        assert.deepEqual(called(r, "Check Stack Deletion")[0].input, { StackName: STACK_ID });
        assert.ok(r.path.indexOf("Create Stack") > r.path.indexOf("Stack Deleted?"));
    });

    it("a ROLLBACK_COMPLETE stack that cannot be deleted fails clearly instead of looping", async () => {
        const r = await run({
            "Check Stack Status": [stack("ROLLBACK_COMPLETE")],
            "Delete Rolled Back Stack": [{}],
            "Check Stack Deletion": [stack("DELETE_FAILED")],
            "Notify Failure": [{ MessageId: "1" }],
        });
        assert.equal(r.error?.name, "StackDeletionFailed");
        assert.equal(called(r, "Create Stack").length, 0);
    });

    for (const [status, error] of [
        ["UPDATE_ROLLBACK_FAILED", "StackInFailedState"],
        ["DELETE_FAILED", "StackInFailedState"],
        ["UPDATE_IN_PROGRESS", "StackBusy"],
        ["REVIEW_IN_PROGRESS", "StackBusy"],
    ]) {
        it(`a stack in ${status} fails clearly (${error}) without touching it`, async () => {
            const r = await run({ "Check Stack Status": [stack(status)], "Notify Failure": [{ MessageId: "1" }] });
            assert.equal(r.error?.name, error);
            assert.match(r.error!.cause, new RegExp(`Stack blueprints-dev-app is ${status}`));
            assert.deepEqual(r.calls.map((c) => c.state), ["Check Stack Status", "Notify Failure"]);
        });
    }

    it("a safe change set is executed and the workflow waits for UPDATE_COMPLETE", async () => {
        const r = await run({
            "Check Stack Status": [stack("UPDATE_COMPLETE")],
            "Create Change Set": [{ Id: CHANGE_SET_ID, StackId: STACK_ID }],
            "Check Change Set Status": [changeSet("CREATE_PENDING"), changeSet("CREATE_COMPLETE")],
            "Inspect Change Set": [{ StatusCode: 200, Payload: SAFE }],
            "Execute Change Set": [{}],
            "Check Stack Update": [stack("UPDATE_IN_PROGRESS"), stack("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"), stack("UPDATE_COMPLETE")],
        });
        assert.equal(r.path.at(-1), "Stack Updated", JSON.stringify(r.error));
        assert.deepEqual(called(r, "Create Change Set")[0].input, {
            StackName: STACK_ID,
            ChangeSetName: "deploy-job-1",
            ChangeSetType: "UPDATE",
            Description: "Inspected by the safe deploy workflow before execution",
            TemplateURL: INPUT.templateUrl,
            Parameters: INPUT.parameters,
            Capabilities: [],
            RoleARN: ROLE,
        });
        assert.deepEqual(called(r, "Inspect Change Set")[0].input, { FunctionName: INSPECT, Payload: { changeSetId: CHANGE_SET_ID } });
        assert.deepEqual(called(r, "Execute Change Set")[0].input, { ChangeSetName: CHANGE_SET_ID });
        assert.equal(called(r, "Check Stack Update").length, 3);
        assert.equal(called(r, "Delete Change Set").length, 0);
    });

    it("an unsafe change set is deleted (and confirmed gone), never executed, and the failure lists the resources", async () => {
        const r = await run({
            "Check Stack Status": [stack("CREATE_COMPLETE")],
            "Create Change Set": [{ Id: CHANGE_SET_ID, StackId: STACK_ID }],
            "Check Change Set Status": [changeSet("CREATE_COMPLETE")],
            "Inspect Change Set": [{ StatusCode: 200, Payload: UNSAFE }],
            "Delete Change Set": [{}],
            "Confirm Change Set Deleted": [changeSet("DELETE_IN_PROGRESS"), sfnError("CloudFormation.ChangeSetNotFoundException", "ChangeSet [deploy-job-1] does not exist")],
            "Notify Failure": [{ MessageId: "1" }],
        });
        assert.equal(called(r, "Execute Change Set").length, 0, "never executed");
        assert.deepEqual(called(r, "Delete Change Set")[0].input, { ChangeSetName: CHANGE_SET_ID });
        assert.equal(called(r, "Confirm Change Set Deleted").length, 2);
        assert.deepEqual(r.error, { name: "RESOURCES-BEING-DELETED-OR-REPLACED", cause: UNSAFE.summary });
        const message = published(r)[0];
        assert.equal(message.TopicArn, TOPIC);
        assert.match(message.Message, /WorkQueue \[AWS::SQS::Queue\]: replace \(QueueName\)/);
        assert.match(message.Message, /Execution: arn:aws:states:us-east-1:123456789012:execution:deploy:job-1/);
    });

    it("a change set that will not go away is reported as such", async () => {
        const r = await run({
            "Check Stack Status": [stack("CREATE_COMPLETE")],
            "Create Change Set": [{ Id: CHANGE_SET_ID, StackId: STACK_ID }],
            "Check Change Set Status": [changeSet("CREATE_COMPLETE")],
            "Inspect Change Set": [{ StatusCode: 200, Payload: UNSAFE }],
            "Delete Change Set": [{}],
            "Confirm Change Set Deleted": [changeSet("DELETE_FAILED")],
            "Notify Failure": [{ MessageId: "1" }],
        });
        assert.equal(r.error?.name, "RESOURCES-BEING-DELETED-OR-REPLACED");
        assert.match(r.error!.cause, /could not be deleted: delete it by hand/);
        assert.equal(called(r, "Execute Change Set").length, 0);
    });

    it("an empty change set (no changes) is success, with the change set deleted", async () => {
        const reason = "The submitted information didn't contain changes. Submit different information to create a change set.";
        const r = await run({
            "Check Stack Status": [stack("UPDATE_COMPLETE")],
            "Create Change Set": [{ Id: CHANGE_SET_ID, StackId: STACK_ID }],
            "Check Change Set Status": [changeSet("FAILED")],
            "Read Change Set Failure": [changeSet("FAILED", reason)],
            "Delete Empty Change Set": [{}],
        });
        assert.equal(r.error, undefined, JSON.stringify(r.error));
        assert.equal(r.path.at(-1), "No Changes To Deploy");
        assert.deepEqual(called(r, "Delete Empty Change Set")[0].input, { ChangeSetName: CHANGE_SET_ID });
        assert.equal(called(r, "Inspect Change Set").length, 0);
    });

    it("a change set that failed for another reason fails the deployment and is deleted", async () => {
        const r = await run({
            "Check Stack Status": [stack("UPDATE_COMPLETE")],
            "Create Change Set": [{ Id: CHANGE_SET_ID, StackId: STACK_ID }],
            "Check Change Set Status": [changeSet("FAILED")],
            "Read Change Set Failure": [changeSet("FAILED", "Template format error: Unresolved resource dependencies [Queue]")],
            "Delete Change Set": [{}],
            "Confirm Change Set Deleted": [sfnError("CloudFormation.ChangeSetNotFoundException", "gone")],
            "Notify Failure": [{ MessageId: "1" }],
        });
        assert.equal(r.error?.name, "ChangeSetCreationFailed");
        assert.match(r.error!.cause, /could not be created: Template format error/);
        assert.equal(called(r, "Delete Change Set").length, 1);
    });

    it("a change set stuck in CREATE_PENDING stops after maxPolls and is cleaned up", async () => {
        const r = await run({
            "Check Stack Status": [stack("UPDATE_COMPLETE")],
            "Create Change Set": [{ Id: CHANGE_SET_ID, StackId: STACK_ID }],
            "Check Change Set Status": [changeSet("CREATE_PENDING")],
            "Delete Change Set": [{}],
            "Confirm Change Set Deleted": [changeSet("DELETE_COMPLETE")],
            "Notify Failure": [{ MessageId: "1" }],
        });
        assert.equal(r.error?.name, "ChangeSetCreationTimedOut");
        assert.equal(called(r, "Check Change Set Status").length, 3);
        assert.equal(called(r, "Delete Change Set").length, 1);
    });

    it("an update that rolls back is reported; the executed change set is not deleted", async () => {
        const r = await run({
            "Check Stack Status": [stack("UPDATE_COMPLETE")],
            "Create Change Set": [{ Id: CHANGE_SET_ID, StackId: STACK_ID }],
            "Check Change Set Status": [changeSet("CREATE_COMPLETE")],
            "Inspect Change Set": [{ StatusCode: 200, Payload: SAFE }],
            "Execute Change Set": [{}],
            "Check Stack Update": [stack("UPDATE_ROLLBACK_IN_PROGRESS"), stack("UPDATE_ROLLBACK_COMPLETE")],
            "Notify Failure": [{ MessageId: "1" }],
        });
        assert.equal(r.error?.name, "StackUpdateRolledBack");
        assert.equal(called(r, "Delete Change Set").length, 0);
    });

    it("throttling is retried; the deployment goes on", async () => {
        const r = await run({
            "Check Stack Status": [throttled(), stack("UPDATE_COMPLETE")],
            "Create Change Set": [sfnError("CloudFormation.CloudFormationException", "Rate exceeded"), { Id: CHANGE_SET_ID, StackId: STACK_ID }],
            "Check Change Set Status": [changeSet("CREATE_COMPLETE")],
            "Inspect Change Set": [sfnError("Lambda.TooManyRequestsException", "Rate exceeded"), { StatusCode: 200, Payload: SAFE }],
            "Execute Change Set": [{}],
            "Check Stack Update": [stack("UPDATE_COMPLETE")],
        });
        assert.equal(r.path.at(-1), "Stack Updated", JSON.stringify(r.error));
        assert.ok(r.path.includes("Wait Before Checking Stack Again"), "a throttled status check waits and checks again");
        assert.equal(called(r, "Create Change Set").length, 2);
        assert.equal(called(r, "Inspect Change Set").length, 2);
    });

    it("access denied on the change set: deleted, notified, failed with the AWS error", async () => {
        const denied = sfnError("CloudFormation.CloudFormationException", "User is not authorized to perform: cloudformation:DescribeChangeSet (Service: CloudFormation, Status Code: 403)");
        const r = await run({
            "Check Stack Status": [stack("UPDATE_COMPLETE")],
            "Create Change Set": [{ Id: CHANGE_SET_ID, StackId: STACK_ID }],
            "Check Change Set Status": [denied],
            "Delete Change Set": [{}],
            "Confirm Change Set Deleted": [sfnError("CloudFormation.ChangeSetNotFoundException", "gone")],
            "Notify Failure": [{ MessageId: "1" }],
        });
        assert.equal(r.error?.name, "CloudFormation.CloudFormationException");
        assert.match(r.error!.cause, /not authorized/);
        assert.equal(called(r, "Check Change Set Status").length, 5, "retried (the generic error may be throttling), then caught");
        assert.equal(called(r, "Delete Change Set").length, 1, "cleanup deletes the change set");
        assert.equal(called(r, "Execute Change Set").length, 0);
    });

    it("an inspection that fails is never taken as safe", async () => {
        const r = await run({
            "Check Stack Status": [stack("UPDATE_COMPLETE")],
            "Create Change Set": [{ Id: CHANGE_SET_ID, StackId: STACK_ID }],
            "Check Change Set Status": [changeSet("CREATE_COMPLETE")],
            "Inspect Change Set": [sfnError("MalformedInspectionRequestError", "changeSetId must be a change set ARN")],
            "Delete Change Set": [{}],
            "Confirm Change Set Deleted": [sfnError("CloudFormation.ChangeSetNotFoundException", "gone")],
            "Notify Failure": [{ MessageId: "1" }],
        });
        assert.equal(r.error?.name, "MalformedInspectionRequestError");
        assert.equal(called(r, "Execute Change Set").length, 0);
        assert.equal(called(r, "Delete Change Set").length, 1);
    });

    it("an unexpected DescribeStacks error is not mistaken for a missing stack", async () => {
        const r = await run({
            "Check Stack Status": [sfnError("CloudFormation.CloudFormationException", "User is not authorized to perform: cloudformation:DescribeStacks")],
            "Notify Failure": [{ MessageId: "1" }],
        });
        assert.equal(r.error?.name, "CloudFormation.CloudFormationException");
        assert.equal(called(r, "Create Stack").length, 0);
    });

    // The error name Step Functions gives CloudFormation's ValidationError is not documented for the SDK integration:
    // a missing stack is recognised by CloudFormation's message whatever the name.
    const ERROR_NAMES = [
        "CloudFormation.CloudFormationException",
        "CloudFormation.ValidationErrorException",
        "CloudFormation.ValidationException",
        "CloudFormation.AmazonCloudFormationException",
        "States.TaskFailed",
    ];
    const MISSING = "Stack with id blueprints-dev-app does not exist (Service: CloudFormation, Status Code: 400, Request ID: 3a1b2c3d-0000-4000-8000-000000000003)";
    for (const name of ERROR_NAMES) {
        it(`a missing stack reported as ${name} is created`, async () => {
            const r = await run({
                "Check Stack Status": [sfnError(name, MISSING)],
                "Create Stack": [{ StackId: STACK_ID }],
                "Check Stack Creation": [stack("CREATE_COMPLETE")],
            });
            assert.equal(r.error, undefined, JSON.stringify(r.error));
            assert.equal(r.path.at(-1), "Stack Created");
            assert.equal(called(r, "Check Stack Status").length, 1, "a missing stack is not retried");
            assert.equal(called(r, "Create Stack").length, 1);
        });

        it(`access denied reported as ${name} fails the deployment instead of creating the stack`, async () => {
            const denied = "User: arn:aws:sts::123456789012:assumed-role/deploy-workflow-role/x is not authorized to perform: cloudformation:DescribeStacks on resource: arn:aws:cloudformation:us-east-1:123456789012:stack/blueprints-dev-app/* because no identity-based policy allows the cloudformation:DescribeStacks action (Service: CloudFormation, Status Code: 403, Request ID: 4)";
            const r = await run({ "Check Stack Status": [sfnError(name, denied)], "Notify Failure": [{ MessageId: "1" }] });
            assert.equal(r.error?.name, name);
            assert.match(r.error!.cause, /not authorized/);
            assert.equal(called(r, "Create Stack").length, 0);
            assert.match(published(r)[0].Message, new RegExp(`stopped \\(${name.replace(/\./g, "\\.")}\\)`));
        });

        it(`throttling reported as ${name} is checked again, and fails once the checks are used up`, async () => {
            const r = await run({
                "Check Stack Status": [sfnError(name, "Rate exceeded (Service: CloudFormation, Status Code: 400, Request ID: 5)")],
                "Notify Failure": [{ MessageId: "1" }],
            });
            assert.equal(r.error?.name, name);
            assert.equal(r.path.filter((s) => s === "Wait Before Checking Stack Again").length, 3, "one wait per allowed check");
            assert.equal(called(r, "Create Stack").length, 0);
        });
    }

    it("a message that merely mentions a missing thing is not a missing stack", async () => {
        const r = await run({
            "Check Stack Status": [sfnError("CloudFormation.CloudFormationException", "AccessDenied: the role does not exist or is not authorized")],
            "Notify Failure": [{ MessageId: "1" }],
        });
        assert.equal(called(r, "Create Stack").length, 0);
        assert.equal(r.error?.name, "CloudFormation.CloudFormationException");
    });

    it("a lost notification still fails the deployment with the original cause", async () => {
        const r = await run({
            "Check Stack Status": [stack("UPDATE_ROLLBACK_FAILED")],
            "Notify Failure": [sfnError("SNS.AuthorizationErrorException", "denied")],
        });
        assert.equal(r.error?.name, "StackInFailedState");
        assert.equal(called(r, "Notify Failure").length, 4, "retried three times");
    });

    it("an incomplete input is rejected before any call", async () => {
        const r = await run({}, { stackName: "blueprints-dev-app" });
        assert.equal(r.error?.name, "MalformedInput");
        assert.equal(r.calls.length, 0);
    });
});
