import { CloudFormation, CloudFormationClient, DescribeChangeSetCommand } from "@aws-sdk/client-cloudformation";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import { configFromEnvironment, inspectChangeSet } from "../../handlers/safeDeployPipeline/changeSetInspection";
import { accessDenied, awsError, throttling } from "../faults";

const ID = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/deploy-job-1/0a1b2c3d-0000-4000-8000-000000000002";

const change = (LogicalResourceId: string, Action: string, Replacement?: string, recreate?: string) => ({
    Type: "Resource",
    ResourceChange: {
        Action,
        LogicalResourceId,
        ResourceType: "AWS::SQS::Queue",
        ...(Replacement ? { Replacement } : {}),
        Details: recreate ? [{ Target: { Attribute: "Properties", Name: recreate, RequiresRecreation: "Always" } }] : [],
    },
});

describe("change set inspection handler", () => {
    const cfn = mockClient(CloudFormationClient);
    const deps = () => ({ cloudformation: new CloudFormation({ region: "us-east-1" }) });
    const page = (changes: unknown[], NextToken?: string) => ({
        ChangeSetId: ID,
        ChangeSetName: "deploy-job-1",
        StackName: "blueprints-dev-app",
        Status: "CREATE_COMPLETE" as const,
        Changes: changes as any,
        NextToken,
    });
    beforeEach(() => cfn.reset());
    after(() => cfn.restore());

    it("an in-place modification and an addition are safe", async () => {
        cfn.on(DescribeChangeSetCommand).resolves(page([change("WorkQueue", "Modify", "False"), change("NewQueue", "Add")]));
        const verdict = await inspectChangeSet({ changeSetId: ID }, { conditionalIsUnsafe: true }, deps());
        assert.deepEqual(verdict, { verdict: "CAN-SAFELY-UPDATE-EXISTING-STACK", changeCount: 2, unsafe: [], summary: "" });
        assert.deepEqual(cfn.commandCalls(DescribeChangeSetCommand)[0].args[0].input, { ChangeSetName: ID, NextToken: undefined });
    });

    it("reads every page and lists each deletion and replacement with its reason", async () => {
        cfn.on(DescribeChangeSetCommand, { ChangeSetName: ID, NextToken: undefined }).resolves(page([change("WorkQueue", "Modify", "True", "QueueName")], "page-2"));
        cfn.on(DescribeChangeSetCommand, { ChangeSetName: ID, NextToken: "page-2" }).resolves(page([change("DeadLetterQueue", "Remove")]));
        const verdict = await inspectChangeSet({ changeSetId: ID }, { conditionalIsUnsafe: true }, deps());
        assert.equal(verdict.verdict, "RESOURCES-BEING-DELETED-OR-REPLACED");
        assert.deepEqual(verdict.unsafe, ["WorkQueue [AWS::SQS::Queue]: replace (QueueName)", "DeadLetterQueue [AWS::SQS::Queue]: delete"]);
        assert.equal(
            verdict.summary,
            "Change set deploy-job-1 for stack blueprints-dev-app would delete or replace 2 resource(s): WorkQueue [AWS::SQS::Queue]: replace (QueueName); DeadLetterQueue [AWS::SQS::Queue]: delete",
        );
        assert.equal(cfn.commandCalls(DescribeChangeSetCommand).length, 2);
    });

    it("a conditional replacement is unsafe unless configured otherwise", async () => {
        cfn.on(DescribeChangeSetCommand).resolves(page([change("WorkQueue", "Modify", "Conditional")]));
        assert.equal((await inspectChangeSet({ changeSetId: ID }, { conditionalIsUnsafe: true }, deps())).verdict, "RESOURCES-BEING-DELETED-OR-REPLACED");
        assert.equal((await inspectChangeSet({ changeSetId: ID }, { conditionalIsUnsafe: false }, deps())).verdict, "CAN-SAFELY-UPDATE-EXISTING-STACK");
    });

    it("refuses a change set that is not CREATE_COMPLETE rather than judging part of it", async () => {
        cfn.on(DescribeChangeSetCommand).resolves({ ...page([]), Status: "CREATE_IN_PROGRESS" });
        await assert.rejects(inspectChangeSet({ changeSetId: ID }, { conditionalIsUnsafe: true }, deps()), /CREATE_IN_PROGRESS, not CREATE_COMPLETE/);
    });

    for (const [label, event] of [
        ["no id", {}],
        ["a name instead of an ARN", { changeSetId: "deploy-job-1" }],
        ["not an object", "deploy"],
    ] as const) {
        it(`malformed request (${label}): a clear error and no call`, async () => {
            await assert.rejects(inspectChangeSet(event, { conditionalIsUnsafe: true }, deps()), {
                name: "MalformedInspectionRequestError",
                message: /^changeSetId must be a change set ARN; got /,
            });
            assert.equal(cfn.calls().length, 0);
        });
    }

    it("a malformed change entry is an error, never a safe verdict", async () => {
        cfn.on(DescribeChangeSetCommand).resolves(page([{ Type: "Resource", ResourceChange: { Action: "Modify" } }]));
        await assert.rejects(inspectChangeSet({ changeSetId: ID }, { conditionalIsUnsafe: true }, deps()), /entry 0 has no ResourceChange/);
    });

    for (const [label, fault, pattern] of [
        ["throttling", throttling(), { name: "ThrottlingException" }],
        ["access denied", accessDenied("cloudformation:DescribeChangeSet"), /cloudformation:DescribeChangeSet/],
        ["a change set that does not exist", awsError("ChangeSetNotFoundException", "ChangeSet [deploy-job-1] does not exist", 404), { name: "ChangeSetNotFoundException" }],
    ] as const) {
        it(`${label}: the error surfaces (the workflow then deletes the change set)`, async () => {
            cfn.on(DescribeChangeSetCommand).rejects(fault);
            await assert.rejects(inspectChangeSet({ changeSetId: ID }, { conditionalIsUnsafe: true }, deps()), pattern as any);
        });
    }

    it("a failure on the second page fails the whole inspection", async () => {
        cfn.on(DescribeChangeSetCommand, { ChangeSetName: ID, NextToken: undefined }).resolves(page([change("A", "Add")], "p2"));
        cfn.on(DescribeChangeSetCommand, { ChangeSetName: ID, NextToken: "p2" }).rejects(throttling());
        await assert.rejects(inspectChangeSet({ changeSetId: ID }, { conditionalIsUnsafe: true }, deps()), { name: "ThrottlingException" });
    });

    it("reads whether a conditional replacement is unsafe from the environment", () => {
        assert.deepEqual(configFromEnvironment({}), { conditionalIsUnsafe: true });
        assert.deepEqual(configFromEnvironment({ CONDITIONAL_REPLACEMENT_IS_UNSAFE: "false" }), { conditionalIsUnsafe: false });
        assert.throws(() => configFromEnvironment({ CONDITIONAL_REPLACEMENT_IS_UNSAFE: "no" }), /must be true or false; got no/);
    });
});
