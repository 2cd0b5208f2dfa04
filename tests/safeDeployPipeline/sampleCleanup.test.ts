import { CloudFormation, CloudFormationClient, DeleteStackCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import { cleanUpSampleStack } from "../../handlers/safeDeployPipeline/sampleCleanup";
import { accessDenied, awsError, throttling } from "../faults";
import { SAMPLE_STACK, sampleCleanupEvent } from "./events";

const NAME = SAMPLE_STACK;
const stack = (StackStatus: string, StackStatusReason?: string) => ({ Stacks: [{ StackName: NAME, StackStatus, StackStatusReason, CreationTime: new Date(0) }] as any });
const missing = () => awsError("ValidationError", `Stack with id ${NAME} does not exist`);
const event = (action: string) => sampleCleanupEvent(action);

describe("sample stack cleanup handler (runs on pulumi destroy)", () => {
    const cfn = mockClient(CloudFormationClient);
    const slept: number[] = [];
    const deps = () => ({ cloudformation: new CloudFormation({ region: "us-east-1" }), sleep: async (ms: number) => void slept.push(ms) });
    const options = { pollSeconds: 10, maxPolls: 3 };
    beforeEach(() => {
        cfn.reset();
        slept.length = 0;
    });
    after(() => cfn.restore());

    it("on create and update it touches nothing", async () => {
        for (const action of ["create", "update"]) {
            assert.deepEqual(await cleanUpSampleStack(event(action), options, deps()), { action, stackName: NAME });
        }
        assert.equal(cfn.calls().length, 0);
    });

    it("on delete it deletes the stack and waits until CloudFormation has removed it", async () => {
        cfn.on(DescribeStacksCommand).resolvesOnce(stack("UPDATE_COMPLETE")).resolvesOnce(stack("DELETE_IN_PROGRESS")).rejects(missing());
        cfn.on(DeleteStackCommand).resolves({});
        assert.deepEqual(await cleanUpSampleStack(event("delete"), options, deps()), { action: "delete", stackName: NAME, outcome: "deleted" });
        assert.deepEqual(cfn.commandCalls(DeleteStackCommand).map((c) => c.args[0].input), [{ StackName: NAME }]);
        assert.deepEqual(slept, [10_000, 10_000]);
    });

    it("a stack never created, or already deleted, is not an error (destroy goes on)", async () => {
        cfn.on(DescribeStacksCommand).rejects(missing());
        assert.equal((await cleanUpSampleStack(event("delete"), options, deps())).outcome, "absent");
        cfn.reset();
        cfn.on(DescribeStacksCommand).resolves(stack("DELETE_COMPLETE"));
        assert.equal((await cleanUpSampleStack(event("delete"), options, deps())).outcome, "absent");
        assert.equal(cfn.commandCalls(DeleteStackCommand).length, 0);
    });

    it("a failed deletion fails the destroy with CloudFormation's reason", async () => {
        cfn.on(DescribeStacksCommand).resolvesOnce(stack("CREATE_COMPLETE")).resolves(stack("DELETE_FAILED", "The following resource(s) failed to delete: [WorkQueue]."));
        cfn.on(DeleteStackCommand).resolves({});
        await assert.rejects(cleanUpSampleStack(event("delete"), options, deps()), { name: "StackDeleteFailed", message: /WorkQueue/ });
    });

    it("gives up after its polls rather than outlive the function", async () => {
        cfn.on(DescribeStacksCommand).resolves(stack("DELETE_IN_PROGRESS"));
        cfn.on(DeleteStackCommand).resolves({});
        await assert.rejects(cleanUpSampleStack(event("delete"), options, deps()), { name: "StackDeleteTimeout", message: /30 seconds/ });
    });

    it("AWS faults surface: denied, throttled", async () => {
        cfn.on(DescribeStacksCommand).rejects(accessDenied("cloudformation:DescribeStacks"));
        await assert.rejects(cleanUpSampleStack(event("delete"), options, deps()), { name: "AccessDenied" });
        cfn.reset();
        cfn.on(DescribeStacksCommand).resolves(stack("CREATE_COMPLETE"));
        cfn.on(DeleteStackCommand).rejects(throttling());
        await assert.rejects(cleanUpSampleStack(event("delete"), options, deps()), { name: "ThrottlingException" });
    });

    it("refuses an event that is not a managed invocation's, or names no stack", async () => {
        await assert.rejects(cleanUpSampleStack({ stackName: NAME }, options, deps()), /no tf\.action/);
        await assert.rejects(cleanUpSampleStack({ tf: { action: "delete" } }, options, deps()), /stackName must be/);
    });
});
