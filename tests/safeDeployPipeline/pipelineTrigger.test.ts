import { CodePipeline, CodePipelineClient, PutJobFailureResultCommand, PutJobSuccessResultCommand } from "@aws-sdk/client-codepipeline";
import { GetObjectCommand, PutObjectCommand, S3, S3Client } from "@aws-sdk/client-s3";
import { DescribeExecutionCommand, SFN, SFNClient, StartExecutionCommand, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import {
    configFromEnvironment,
    handlePipelineJob,
    parseDeploymentRequest,
} from "../../handlers/safeDeployPipeline/pipelineTrigger";
import { createZip, crc32, readZip } from "../../handlers/safeDeployPipeline/zipArchive";
import { accessDenied, awsError, notFound, throttling } from "../faults";
import { EXECUTION, JOB, jobEvent, STATE_MACHINE, TEMPLATE, triggerConfig } from "./events";

const config = triggerConfig;

const body = (bytes: Buffer) => ({ transformToByteArray: async () => new Uint8Array(bytes) }) as any;
const revision = (files: Record<string, string>) => body(createZip(files));
const goodRevision = () =>
    revision({
        "deploy.json": JSON.stringify({ stackName: "blueprints-dev-app", parameters: { Retention: 600, Name: "x" }, capabilities: ["CAPABILITY_IAM"] }),
        "template.yaml": TEMPLATE,
    });

describe("pipeline trigger handler", () => {
    const cp = mockClient(CodePipelineClient);
    const sfn = mockClient(SFNClient);
    const s3 = mockClient(S3Client);
    const logged: Array<{ message: string; data?: Record<string, unknown> }> = [];
    const deps = () => ({
        codepipeline: new CodePipeline({ region: "us-east-1" }),
        sfn: new SFN({ region: "us-east-1" }),
        s3: new S3({ region: "us-east-1" }),
        log: (message: string, data?: Record<string, unknown>) => logged.push({ message, data }),
    });
    const failures = () => cp.commandCalls(PutJobFailureResultCommand).map((c) => c.args[0].input);
    const successes = () => cp.commandCalls(PutJobSuccessResultCommand).map((c) => c.args[0].input);
    const starts = () => sfn.commandCalls(StartExecutionCommand);
    const stagings = () => s3.commandCalls(PutObjectCommand);

    beforeEach(() => {
        cp.reset();
        sfn.reset();
        s3.reset();
        logged.length = 0;
        cp.on(PutJobSuccessResultCommand).resolves({});
        cp.on(PutJobFailureResultCommand).resolves({});
        s3.on(PutObjectCommand).resolves({});
        sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
        sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });
    });
    after(() => {
        cp.restore();
        sfn.restore();
        s3.restore();
    });

    describe("first invocation", () => {
        it("reads the input file and template from the artifact, stages the template, starts an execution and continues", async () => {
            s3.on(GetObjectCommand).resolves({ Body: goodRevision() });
            const result = await handlePipelineJob(jobEvent(), config, deps());
            assert.deepEqual(result, { status: "started", jobId: JOB, executionArn: EXECUTION, stackName: "blueprints-dev-app" });
            assert.deepEqual(s3.commandCalls(GetObjectCommand)[0].args[0].input, { Bucket: "artifacts-bucket", Key: "deploy-pipeline/SourceOutp/AbCdEf1" });
            const staged = stagings()[0].args[0].input;
            assert.equal(staged.Bucket, "artifacts-bucket");
            assert.equal(staged.Key, `deploy-templates/${JOB}/template.yaml`);
            assert.equal(Buffer.from(staged.Body as Uint8Array).toString("utf8"), TEMPLATE);
            const start = starts()[0].args[0].input;
            assert.equal(start.stateMachineArn, STATE_MACHINE);
            assert.equal(start.name, JOB);
            assert.deepEqual(JSON.parse(start.input!), {
                stackName: "blueprints-dev-app",
                templateUrl: `https://artifacts-bucket.s3.us-east-1.amazonaws.com/deploy-templates/${JOB}/template.yaml`,
                parameters: [
                    { ParameterKey: "Retention", ParameterValue: "600" },
                    { ParameterKey: "Name", ParameterValue: "x" },
                ],
                capabilities: ["CAPABILITY_IAM"],
                changeSetName: `deploy-${JOB}`,
                pipelineJobId: JOB,
            });
            assert.deepEqual(successes(), [
                {
                    jobId: JOB,
                    continuationToken: EXECUTION,
                    executionDetails: { summary: "Deploying stack blueprints-dev-app", externalExecutionId: EXECUTION, percentComplete: 0 },
                },
            ]);
            assert.equal(failures().length, 0);
            assert.ok(!JSON.stringify(logged).includes("secret"), "the artifact credentials are never logged");
        });

        it("uses the input file the action's UserParameters name", async () => {
            s3.on(GetObjectCommand).resolves({
                Body: revision({ "env/prod.json": JSON.stringify({ stackName: "blueprints-dev-prod", templateFile: "stacks/app.yaml" }), "stacks/app.yaml": TEMPLATE }),
            });
            const result = await handlePipelineJob(jobEvent({ userParameters: '{"inputFile":"env/prod.json"}' }), config, deps());
            assert.equal(result.status, "started");
            assert.equal(stagings()[0].args[0].input.Key, `deploy-templates/${JOB}/app.yaml`);
            assert.deepEqual(JSON.parse(starts()[0].args[0].input.input!).parameters, []);
        });
    });

    describe("re-invocation with the continuation token", () => {
        const describe = (status: string, extra: Record<string, unknown> = {}) =>
            sfn.on(DescribeExecutionCommand).resolves({
                executionArn: EXECUTION,
                stateMachineArn: STATE_MACHINE,
                status: status as any,
                startDate: new Date(),
                input: JSON.stringify({ stackName: "blueprints-dev-app" }),
                ...extra,
            });

        it("RUNNING: continues with the same token", async () => {
            describe("RUNNING");
            const result = await handlePipelineJob(jobEvent({ continuationToken: EXECUTION }), config, deps());
            assert.equal(result.status, "running");
            assert.deepEqual(successes()[0], {
                jobId: JOB,
                continuationToken: EXECUTION,
                executionDetails: { summary: "Still deploying blueprints-dev-app", externalExecutionId: EXECUTION },
            });
            assert.equal(starts().length, 0, "no second execution");
        });

        it("SUCCEEDED: reports success without a token", async () => {
            describe("SUCCEEDED");
            const result = await handlePipelineJob(jobEvent({ continuationToken: EXECUTION }), config, deps());
            assert.equal(result.status, "succeeded");
            assert.equal(successes()[0].continuationToken, undefined);
            assert.equal(successes()[0].executionDetails?.percentComplete, 100);
        });

        for (const [status, words] of [
            ["FAILED", "failed"],
            ["TIMED_OUT", "timed out"],
            ["ABORTED", "was aborted"],
        ]) {
            it(`${status}: reports the failure with the workflow's cause`, async () => {
                describe(status, status === "FAILED" ? { error: "RESOURCES-BEING-DELETED-OR-REPLACED", cause: "WorkQueue [AWS::SQS::Queue]: replace (QueueName)" } : {});
                const result = await handlePipelineJob(jobEvent({ continuationToken: EXECUTION }), config, deps());
                assert.equal(result.status, "failed");
                assert.equal(successes().length, 0);
                const [f] = failures();
                assert.equal(f.failureDetails?.type, "JobFailed");
                assert.equal(f.failureDetails?.externalExecutionId, EXECUTION);
                assert.match(f.failureDetails!.message!, new RegExp(`Deployment of blueprints-dev-app ${words}`));
                if (status === "FAILED") assert.match(f.failureDetails!.message!, /RESOURCES-BEING-DELETED-OR-REPLACED: WorkQueue/);
            });
        }

        it("a token that is not an execution of this state machine is refused", async () => {
            const result = await handlePipelineJob(jobEvent({ continuationToken: "arn:aws:states:us-east-1:123456789012:execution:other:x" }), config, deps());
            assert.equal(result.status, "failed");
            assert.equal(sfn.commandCalls(DescribeExecutionCommand).length, 0);
            assert.equal(failures()[0].failureDetails?.type, "ConfigurationError");
        });
    });

    describe("malformed input: a clear failure, nothing started or staged", () => {
        it("an event without a job throws (nothing can be reported)", async () => {
            await assert.rejects(handlePipelineJob({ Records: [] }, config, deps()), {
                name: "MalformedEventError",
                message: "the event is not a CodePipeline job (no CodePipeline.job.id)",
            });
            assert.equal(cp.calls().length + sfn.calls().length + s3.calls().length, 0);
        });

        for (const [label, files, pattern] of [
            ["no input file", { "template.yaml": TEMPLATE }, /the source artifact has no deploy\.json \(it holds: template\.yaml\)/],
            ["no template", { "deploy.json": '{"stackName":"blueprints-dev-app"}' }, /has no template\.yaml/],
            ["input not JSON", { "deploy.json": "stackName: x", "template.yaml": TEMPLATE }, /deploy\.json is not valid JSON/],
            ["a stack outside the prefix", { "deploy.json": '{"stackName":"prod-database"}', "template.yaml": TEMPLATE }, /stackName "prod-database" must start with "blueprints-dev-"/],
            ["a misspelt key", { "deploy.json": '{"stackName":"blueprints-dev-app","parameter":{}}', "template.yaml": TEMPLATE }, /unknown key\(s\) parameter/],
            ["an unknown capability", { "deploy.json": '{"stackName":"blueprints-dev-app","capabilities":["ALL"]}', "template.yaml": TEMPLATE }, /capabilities must be a list of/],
        ] as const) {
            it(`${label}: ConfigurationError`, async () => {
                s3.on(GetObjectCommand).resolves({ Body: revision(files as Record<string, string>) });
                const result = await handlePipelineJob(jobEvent(), config, deps());
                assert.equal(result.status, "failed");
                const [f] = failures();
                assert.equal(f.jobId, JOB);
                assert.equal(f.failureDetails?.type, "ConfigurationError");
                assert.match(f.failureDetails!.message!, pattern);
                assert.equal(starts().length, 0);
                assert.equal(stagings().length, 0);
                assert.equal(successes().length, 0);
            });
        }

        it("an artifact that is not a ZIP", async () => {
            s3.on(GetObjectCommand).resolves({ Body: body(Buffer.from("plain text")) });
            await handlePipelineJob(jobEvent(), config, deps());
            assert.match(failures()[0].failureDetails!.message!, /not a readable ZIP archive/);
            assert.equal(starts().length, 0);
        });

        it("UserParameters that are not JSON", async () => {
            const result = await handlePipelineJob(jobEvent({ userParameters: "deploy.json" }), config, deps());
            assert.equal(result.status, "failed");
            assert.match(failures()[0].failureDetails!.message!, /UserParameters must be a JSON object/);
            assert.equal(s3.calls().length, 0);
        });

        it("no input artifact", async () => {
            await handlePipelineJob(jobEvent({ artifacts: [] }), config, deps());
            assert.match(failures()[0].failureDetails!.message!, /exactly one input artifact/);
            assert.equal(starts().length, 0);
        });
    });

    describe("AWS failures surface and leave nothing half-done", () => {
        it("access denied reading the artifact: PermissionError, nothing started", async () => {
            s3.on(GetObjectCommand).rejects(accessDenied("s3:GetObject"));
            await handlePipelineJob(jobEvent(), config, deps());
            assert.equal(failures()[0].failureDetails?.type, "PermissionError");
            assert.match(failures()[0].failureDetails!.message!, /s3:GetObject/);
            assert.equal(starts().length, 0);
        });

        it("throttled StartExecution: failure reported, nothing running", async () => {
            s3.on(GetObjectCommand).resolves({ Body: goodRevision() });
            sfn.on(StartExecutionCommand).rejects(throttling());
            const result = await handlePipelineJob(jobEvent(), config, deps());
            assert.equal(result.status, "failed");
            assert.match(failures()[0].failureDetails!.message!, /ThrottlingException: Rate exceeded/);
            assert.equal(sfn.commandCalls(StopExecutionCommand).length, 0);
        });

        it("the job already has a result (a repeated invocation): the execution goes on, nothing else is reported", async () => {
            s3.on(GetObjectCommand).resolves({ Body: goodRevision() });
            cp.on(PutJobSuccessResultCommand).rejects(awsError("InvalidJobStateException", "The job is not in a state to accept results"));
            const result = await handlePipelineJob(jobEvent(), config, deps());
            assert.deepEqual(result, { status: "already-reported", jobId: JOB, executionArn: EXECUTION });
            assert.equal(sfn.commandCalls(StopExecutionCommand).length, 0);
            assert.equal(failures().length, 0);
        });

        it("the success report fails otherwise: the job is failed first, then the started execution is stopped", async () => {
            s3.on(GetObjectCommand).resolves({ Body: goodRevision() });
            cp.on(PutJobSuccessResultCommand).rejects(throttling());
            const result = await handlePipelineJob(jobEvent(), config, deps());
            assert.equal(result.status, "failed");
            assert.deepEqual(sfn.commandCalls(StopExecutionCommand)[0].args[0].input, { executionArn: EXECUTION, error: "PipelineJobFailed", cause: "ThrottlingException: Rate exceeded" });
            assert.match(failures()[0].failureDetails!.message!, /is stopped with this job/);
        });

        it("a missing execution on re-invocation fails the job", async () => {
            sfn.on(DescribeExecutionCommand).rejects(notFound("ExecutionDoesNotExist", "execution"));
            const result = await handlePipelineJob(jobEvent({ continuationToken: EXECUTION }), config, deps());
            assert.equal(result.status, "failed");
            assert.match(failures()[0].failureDetails!.message!, /ExecutionDoesNotExist/);
            assert.equal(successes().length, 0);
        });

        it("when even the failure cannot be reported, the invocation throws so Lambda retries", async () => {
            s3.on(GetObjectCommand).rejects(throttling());
            cp.on(PutJobFailureResultCommand).rejects(throttling());
            await assert.rejects(handlePipelineJob(jobEvent(), config, deps()), { name: "ThrottlingException" });
            assert.equal(starts().length, 0);
        });
    });

    describe("configuration and input rules", () => {
        it("reads its configuration from the environment and names a missing variable", () => {
            const env = {
                STATE_MACHINE_ARN: STATE_MACHINE,
                TEMPLATE_BUCKET: "b",
                TEMPLATE_PREFIX: "deploy-templates/",
                TEMPLATE_URL_BASE: "https://b.s3.us-east-1.amazonaws.com/",
                STACK_NAME_PREFIX: "blueprints-dev-",
            };
            assert.deepEqual(configFromEnvironment(env), {
                stateMachineArn: STATE_MACHINE,
                templateBucket: "b",
                templatePrefix: "deploy-templates/",
                templateUrlBase: "https://b.s3.us-east-1.amazonaws.com/",
                stackNamePrefix: "blueprints-dev-",
                defaultInputFile: "deploy.json",
            });
            assert.throws(() => configFromEnvironment({ ...env, STATE_MACHINE_ARN: undefined }), /STATE_MACHINE_ARN is not set/);
        });

        it("defaults the template file and stringifies parameter values", () => {
            assert.deepEqual(parseDeploymentRequest('{"stackName":"p-app","parameters":{"On":true}}', "deploy.json", "p-"), {
                stackName: "p-app",
                templateFile: "template.yaml",
                parameters: [{ ParameterKey: "On", ParameterValue: "true" }],
                capabilities: [],
            });
            assert.throws(() => parseDeploymentRequest('{"stackName":"p_app"}', "deploy.json", "p"), /must be a CloudFormation stack name/);
        });
    });
});

describe("zip archive", () => {
    it("round-trips files and matches the standard CRC-32", () => {
        const files = readZip(createZip({ "a.txt": "hello", "dir/b.json": "{}" }));
        assert.deepEqual([...files.keys()], ["a.txt", "dir/b.json"]);
        assert.equal(files.get("a.txt")!.toString(), "hello");
        assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926);
    });

    it("is deterministic, so an unchanged sample is not re-uploaded", () => {
        assert.deepEqual(createZip({ x: "1" }), createZip({ x: "1" }));
    });

    it("refuses what it cannot read", () => {
        assert.throws(() => readZip(Buffer.from("nope")), { name: "ZipError", message: "not a ZIP archive (no end-of-central-directory record)" });
        const corrupt = createZip({ "a.txt": "hello world" });
        corrupt[40] ^= 0xff;
        assert.throws(() => readZip(corrupt), /a\.txt/);
    });
});
