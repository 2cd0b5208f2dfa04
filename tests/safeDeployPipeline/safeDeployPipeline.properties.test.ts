// Properties of the pipeline's handlers: the trigger under hostile jobs, input files and archives, repeated
// invocations and failing AWS calls; the change-set inspection under hostile task input.
import fc from "fast-check";
import assert from "node:assert/strict";
import { inspectChangeSet } from "../../handlers/safeDeployPipeline/changeSetInspection";
import { handlePipelineJob } from "../../handlers/safeDeployPipeline/pipelineTrigger";
import { cleanUpSampleStack } from "../../handlers/safeDeployPipeline/sampleCleanup";
import { createZip, readZip } from "../../handlers/safeDeployPipeline/zipArchive";
import { transientFaults } from "../faults";
import { FakeCloudFormation, FakeCodePipeline, FakeS3, FakeSfn } from "../hostile/fakes";
import { hostileObject, hostileString, hostileValue, JS_NAMES, mutatedEvent } from "../hostile/generators";
import { holds, outcome } from "../hostile/properties";
import { EXECUTION, JOB, jobEvent, SAMPLE_STACK, sampleCleanupEvent, TEMPLATE, triggerConfig } from "./events";

const ARTIFACT = "artifacts-bucket/deploy-pipeline/SourceOutp/AbCdEf1";
const DEPLOY = { stackName: "blueprints-dev-app", parameters: { Retention: 600, Name: "x" }, capabilities: ["CAPABILITY_IAM"] };
const config = triggerConfig;

/** The job as the pipeline sends it, naming its input file. */
const pipelineJob = (continuationToken?: string) => jobEvent({ userParameters: '{"inputFile":"deploy.json"}', continuationToken });

describe("safe deploy pipeline: properties", () => {
    let s3: FakeS3;
    let sfn: FakeSfn;
    let cp: FakeCodePipeline;
    beforeEach(() => {
        s3 = new FakeS3();
        sfn = new FakeSfn();
        cp = new FakeCodePipeline();
        reset();
    });
    afterEach(() => [s3, sfn, cp].forEach((f) => f.restore()));

    function reset(files: Record<string, string | Uint8Array> = { "deploy.json": JSON.stringify(DEPLOY), "template.yaml": TEMPLATE }) {
        s3.objects.clear();
        s3.objects.set(ARTIFACT, createZip(files));
        sfn.executions.clear();
        cp.jobs.clear();
        cp.addJob(JOB);
        for (const f of [s3, sfn, cp]) f.clearLog();
    }
    const invoke = (event: unknown) => handlePipelineJob(event, config, { s3: s3.client, sfn: sfn.client, codepipeline: cp.client });

    /** Every invocation that names the job ends with its result reported, unless it throws for a retry. */
    function assertReported(result: { value: any } | { error: Error }): void {
        if ("value" in result && result.value.status !== "already-reported") assert.notEqual(cp.jobs.get(JOB)?.status, "InProgress", "the job's result was reported");
        const running = [...sfn.executions.values()].filter((e) => e.status === "RUNNING");
        if (cp.jobs.get(JOB)?.status === "Failed") assert.equal(running.length, 0, "a failed job leaves no deployment running");
    }

    it("on any variant of a real job, reports the job's result once, or fails as MalformedEventError having done nothing", async () => {
        await holds(
            fc.asyncProperty(mutatedEvent(pipelineJob()), async (event) => {
                reset();
                // A job CodePipeline does not know cannot be reported: that AWS error is thrown for Lambda to retry.
                const result = await outcome(() => invoke(event), ["MalformedEventError", "JobNotFoundException"]);
                if ("error" in result && result.error.name === "MalformedEventError") assert.equal(sfn.changes().length + s3.changes().length + cp.changes().length, 0);
                if ("error" in result) assert.ok([...sfn.executions.values()].every((e) => e.status !== "RUNNING"), "no deployment left running unobserved");
                else assertReported(result);
            }),
            150,
        );
    });

    it("on any input file a person commits, deploys only a valid stack request, or fails the job saying why", async () => {
        const deploy = fc.oneof(
            fc.record({ stackName: fc.oneof(fc.constant("blueprints-dev-app"), hostileString()), parameters: hostileObject(), capabilities: fc.oneof(hostileValue(), fc.array(fc.constantFrom("CAPABILITY_IAM", ...JS_NAMES))) }, { requiredKeys: [] }),
            hostileObject(),
            hostileValue(),
        );
        const text = fc.oneof(deploy.map((d) => JSON.stringify(d) ?? "undefined"), hostileString());
        await holds(
            fc.asyncProperty(text, fc.oneof(fc.constant("template.yaml"), hostileString().filter((n) => Buffer.byteLength(n) < 1_000)), async (deployJson, templateName) => {
                reset({ "deploy.json": deployJson, [templateName]: TEMPLATE });
                const result = await outcome(() => invoke(pipelineJob()), []);
                assert.ok("value" in result);
                assertReported(result);
                if (sfn.executions.size > 0) {
                    const input = JSON.parse([...sfn.executions.values()][0].input);
                    assert.ok(input.stackName.startsWith("blueprints-dev-"));
                    assert.equal(cp.jobs.get(JOB)?.status, "Succeeded");
                } else {
                    assert.equal(cp.jobs.get(JOB)?.status, "Failed");
                    assert.equal(cp.jobs.get(JOB)?.result.failureDetails.type, "ConfigurationError");
                }
            }),
            150,
        );
    });

    it("reads any bytes as an archive, or refuses them with a ZipError; never a runtime error", async () => {
        const valid = createZip({ "deploy.json": JSON.stringify(DEPLOY), "template.yaml": TEMPLATE });
        const bytes = fc.oneof(
            fc.uint8Array({ maxLength: 300 }),
            fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.nat({ max: valid.length })).map(([at, byte, cut]) => {
                const copy = Buffer.from(valid);
                copy[at] = byte;
                return copy.subarray(0, Math.max(cut, 22));
            }),
        );
        await holds(
            fc.asyncProperty(bytes, async (archive) => {
                await outcome(() => readZip(archive), ["ZipError"]);
            }),
            300,
        );
    });

    it("pins: a deflated entry that expands far beyond its declared size (a ZIP bomb) is refused, not inflated", () => {
        const bomb = Buffer.from(createZip({ "template.yaml": "\0".repeat(8 * 1024 * 1024) }));
        const central = bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
        bomb.writeUInt32LE(10, central + 24);
        assert.throws(() => readZip(bomb), { name: "ZipError", message: /template.yaml does not inflate to its declared 10 bytes/ });
    });

    describe("repeated invocation (CodePipeline invokes the function asynchronously: at least once)", () => {
        it("pins: a second invocation of a job already reported leaves its execution running and reports nothing", async () => {
            assert.equal((await invoke(pipelineJob())).status, "started");
            const again = await invoke(pipelineJob());
            assert.deepEqual(again, { status: "already-reported", jobId: JOB, executionArn: EXECUTION });
            assert.equal(sfn.executions.get(EXECUTION)?.status, "RUNNING", "the deployment the pipeline watches goes on");
            assert.equal(sfn.executions.size, 1);
        });

        it("a second invocation after the execution ended reports nothing new and starts nothing", async () => {
            await invoke(pipelineJob());
            sfn.executions.get(EXECUTION)!.status = "SUCCEEDED";
            assert.equal((await invoke(pipelineJob())).status, "already-reported");
            assert.equal(sfn.executions.size, 1);
        });

        it("when the success report landed but its answer was lost, the deployment goes on", async () => {
            cp.fail("PutJobSuccessResult", transientFaults[2][1], { after: true });
            const result = await invoke(pipelineJob());
            assert.equal(result.status, "already-reported");
            assert.equal(sfn.executions.get(EXECUTION)?.status, "RUNNING");
            assert.equal(cp.jobs.get(JOB)?.status, "Succeeded");
        });

        it("an invocation that died after starting the execution is completed by the retry with the execution's outcome", async () => {
            await invoke(pipelineJob());
            cp.jobs.set(JOB, { status: "InProgress" });
            sfn.executions.get(EXECUTION)!.status = "FAILED";
            const retry = await invoke(pipelineJob());
            assert.equal(retry.status, "failed");
            assert.equal(cp.jobs.get(JOB)?.status, "Failed");
        });

        it("a repeated continuation reports nothing twice", async () => {
            await invoke(pipelineJob());
            const next = "1f2e3d4c-0000-4000-8000-00000000beef";
            cp.addJob(next);
            const continuation = { "CodePipeline.job": { ...pipelineJob(EXECUTION)["CodePipeline.job"], id: next } };
            assert.equal((await invoke(continuation)).status, "running");
            assert.equal((await invoke(continuation)).status, "already-reported");
        });
    });

    describe("failing AWS calls", () => {
        for (const [what, fault] of transientFaults) {
            for (const command of ["GetObject", "PutObject", "StartExecution"]) {
                it(`${command} failing with ${what} fails the job with the reason, and leaves nothing running`, async () => {
                    ({ GetObject: s3, PutObject: s3, StartExecution: sfn } as const)[command as "GetObject"].fail(command, fault);
                    const result = await invoke(pipelineJob());
                    assert.equal(result.status, "failed");
                    assert.equal(cp.jobs.get(JOB)?.status, "Failed");
                    assert.ok([...sfn.executions.values()].every((e) => e.status !== "RUNNING"));
                });
            }

            it(`PutJobSuccessResult failing with ${what} fails the job, then stops the execution it started`, async () => {
                cp.fail("PutJobSuccessResult", fault);
                const result = await invoke(pipelineJob());
                assert.equal(result.status, "failed");
                assert.equal(sfn.executions.get(EXECUTION)?.status, "ABORTED");
            });

            it(`PutJobFailureResult failing with ${what} as well makes the invocation throw, for Lambda to retry`, async () => {
                s3.fail("GetObject", fault);
                cp.fail("PutJobFailureResult", fault);
                await assert.rejects(invoke(pipelineJob()), { name: fault().name });
                const retry = await invoke(pipelineJob());
                assert.equal(retry.status, "started");
            });
        }
    });

    describe("sample stack cleanup (a managed invocation on pulumi destroy)", () => {
        let cfn: FakeCloudFormation;
        beforeEach(() => (cfn = new FakeCloudFormation()));
        afterEach(() => cfn.restore());
        const OTHER = "blueprints-dev-other";
        function stacks(deleting = 2, deleteFails = false) {
            cfn.stacks.clear();
            cfn.stacks.set(SAMPLE_STACK, { status: "UPDATE_COMPLETE", deleting, deleteFails });
            cfn.stacks.set(OTHER, { status: "CREATE_COMPLETE" });
            cfn.clearLog();
        }
        const cleanUp = (event: unknown, maxPolls = 5) => cleanUpSampleStack(event, { pollSeconds: 10, maxPolls }, { cloudformation: cfn.client, sleep: async () => undefined });
        const ERRORS = ["StackDeleteFailed", "StackDeleteTimeout", { name: "Error", message: /^(not a managed invocation event|stackName must be a CloudFormation stack name)/ }];

        it("on any variant of the invocation, deletes only the stack it names, only on delete, and reports it gone only when it is", async () => {
            await holds(
                fc.asyncProperty(fc.oneof(mutatedEvent(sampleCleanupEvent("delete")), mutatedEvent(sampleCleanupEvent("update")), mutatedEvent(sampleCleanupEvent("delete", OTHER))), async (event: any) => {
                    stacks();
                    const result = await outcome(() => cleanUp(event), ERRORS);
                    for (const c of cfn.changes()) {
                        assert.equal(event?.tf?.action, "delete", "a stack is deleted on the deployment's delete only");
                        assert.equal(c.input.StackName, event.stackName, "only the stack the invocation names");
                    }
                    if ("value" in result && result.value.outcome === "deleted") assert.equal(cfn.stacks.get(result.value.stackName!)?.status, "DELETE_COMPLETE");
                    if ("error" in result && result.error.name === "Error") assert.equal(cfn.calls.length, 0, "a malformed invocation calls nothing");
                }),
                100,
            );
        });

        it("a delete repeated, or retried after any call failed (before or after its effect), finds the stack absent and succeeds", async () => {
            await holds(
                fc.asyncProperty(fc.constantFrom("DescribeStacks", "DeleteStack"), fc.constantFrom(...transientFaults), fc.nat({ max: 2 }), fc.boolean(), async (command, [, fault], skip, after) => {
                    stacks();
                    cfn.fail(command, fault, { skip, after });
                    const first = await outcome(() => cleanUp(sampleCleanupEvent("delete")), [fault().name]);
                    if ("value" in first) assert.equal(cfn.stacks.get(SAMPLE_STACK)?.status, "DELETE_COMPLETE");
                    cfn.clearLog();
                    const retry = await cleanUp(sampleCleanupEvent("delete"));
                    assert.ok(["deleted", "absent"].includes(retry.outcome!));
                    assert.equal((await cleanUp(sampleCleanupEvent("delete"))).outcome, "absent");
                    assert.equal(cfn.stacks.get(OTHER)?.status, "CREATE_COMPLETE");
                }),
                40,
            );
        });

        it("a stack CloudFormation cannot delete, or one still deleting when the polls run out, fails the destroy by name", async () => {
            stacks(2, true);
            await assert.rejects(cleanUp(sampleCleanupEvent("delete")), { name: "StackDeleteFailed", message: /failed to delete: \[Queue\]/ });
            stacks(10);
            await assert.rejects(cleanUp(sampleCleanupEvent("delete"), 3), { name: "StackDeleteTimeout" });
        });
    });

    describe("change-set inspection", () => {
        let cfn: FakeCloudFormation;
        const ID = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/deploy-job-1/0a1b2c3d-0000-4000-8000-000000000002";
        before(() => {
            cfn = new FakeCloudFormation();
            cfn.changeSets.set(ID, {
                Status: "CREATE_COMPLETE",
                StackName: "blueprints-dev-app",
                ChangeSetName: "deploy-job-1",
                Changes: [{ Type: "Resource", ResourceChange: { Action: "Modify", LogicalResourceId: "Queue", ResourceType: "AWS::SQS::Queue", Replacement: "True", Details: [] } }],
            });
        });
        after(() => cfn.restore());

        it("on any task input, inspects the named change set or fails with a named error, reading nothing else", async () => {
            await holds(
                fc.asyncProperty(mutatedEvent({ changeSetId: ID }), async (event) => {
                    cfn.clearLog();
                    const result = await outcome(() => inspectChangeSet(event, { conditionalIsUnsafe: true }, { cloudformation: cfn.client }), [
                        "MalformedInspectionRequestError",
                        { name: "ChangeSetNotFound", message: /does not exist/ },
                    ]);
                    if ("value" in result) assert.equal(result.value.verdict, "RESOURCES-BEING-DELETED-OR-REPLACED");
                    for (const call of cfn.calls) assert.equal(call.input.ChangeSetName, (event as any).changeSetId);
                }),
                100,
            );
        });
    });
});
