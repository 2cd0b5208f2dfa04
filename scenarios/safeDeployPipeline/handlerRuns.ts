// How the authorization check (checks/authz/handlerCalls.ts) exercises this scenario's Lambda handlers, keyed by
// component type and function role (the HandlerFunction's name after the component's): the SDK clients to record
// and representative invocations built from the stack, or why a function makes no AWS call. npm run authz and
// npm test run every function of a stack this way; a function without an entry fails them.
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { createZip } from "../../handlers/safeDeployPipeline/zipArchive";
import type { HandlerRuns } from "../../checks/authz/handlerCalls";

const zipBody = (files: Record<string, string>) => {
    const bytes = createZip(files);
    return { transformToByteArray: async () => new Uint8Array(bytes) };
};

export const handlerRuns: HandlerRuns = {
    "aws-blueprints:delivery:SafeDeployPipeline/inspect": {
        clients: [CloudFormationClient],
        scenarios: ({ ix }) => {
            // The stacks it inspects are the ones the pipeline's trigger may deploy.
            const trigger = ix.ofType("aws:lambda/function:Function").find((f) => f.inputs.environment?.variables?.STACK_NAME_PREFIX);
            const prefix = trigger?.inputs.environment.variables.STACK_NAME_PREFIX ?? "blueprints-";
            const stackName = `${prefix}app`;
            const changeSetId = `arn:aws:cloudformation:${ix.region}:${ix.account}:changeSet/deploy-1/0a1b2c3d-0000-4000-8000-000000000001`;
            return [
                {
                    name: "a change set of a stack the pipeline deploys",
                    event: { changeSetId },
                    answers: {
                        DescribeChangeSetCommand: {
                            Status: "CREATE_COMPLETE",
                            StackName: stackName,
                            StackId: `arn:aws:cloudformation:${ix.region}:${ix.account}:stack/${stackName}/0a1b2c3d-0000-4000-8000-000000000002`,
                            ChangeSetName: "deploy-1",
                            Changes: [],
                        },
                    },
                },
            ];
        },
    },
    "aws-blueprints:delivery:SafeDeployPipeline/sample-cleanup": {
        clients: [CloudFormationClient],
        scenarios: ({ ix, component }) => {
            // The invocation the stack records is the event the provider sends on destroy, plus the action.
            const invocation = ix.ofType("aws:lambda/invocation:Invocation").find((i) => i.parentUrn === component.urn && i.name.endsWith("-sample-cleanup"));
            const input = JSON.parse(invocation?.inputs.input ?? "{}");
            let deleted = false;
            const stack = { StackName: input.stackName, StackId: `arn:aws:cloudformation:${ix.region}:${ix.account}:stack/${input.stackName}/0a1b2c3d-0000-4000-8000-00000000000f`, StackStatus: "CREATE_COMPLETE", CreationTime: new Date(0) };
            return [
                {
                    name: "pulumi destroy deletes the sample stack",
                    event: { ...input, tf: { action: "delete", prev_input: input } },
                    // Deleted at once: the first look after the deletion finds it gone.
                    answers: {
                        DescribeStacksCommand: () => {
                            if (!deleted) return { Stacks: [stack] };
                            throw Object.assign(new Error(`Stack with id ${input.stackName} does not exist`), { name: "ValidationError" });
                        },
                        DeleteStackCommand: () => {
                            deleted = true;
                            return {};
                        },
                    },
                    immediateTimers: true,
                },
            ];
        },
    },
    "aws-blueprints:delivery:SafeDeployPipeline/trigger": {
        clients: [CodePipelineClient, SFNClient, S3Client],
        scenarios: ({ ix, env }) => {
            const pipeline = ix.ofType("aws:codepipeline/pipeline:Pipeline")[0];
            const store = [pipeline?.inputs.artifactStores ?? pipeline?.inputs.artifactStore].flat().filter(Boolean)[0];
            const bucket = store?.location ?? env.TEMPLATE_BUCKET;
            const execution = `${env.STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:job-1`;
            const job = (continuationToken?: string) => ({
                "CodePipeline.job": {
                    id: "11111111-2222-3333-4444-555555555555",
                    accountId: ix.account,
                    data: {
                        actionConfiguration: { configuration: { FunctionName: "trigger" } },
                        inputArtifacts: [{ name: "SourceOutput", location: { type: "S3", s3Location: { bucketName: bucket, objectKey: `${pipeline?.outputs.id ?? "pipeline"}/SourceOutp/AbCdEf1` } } }],
                        outputArtifacts: [],
                        artifactCredentials: { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token" },
                        ...(continuationToken ? { continuationToken } : {}),
                    },
                },
            });
            const files = {
                [env.DEFAULT_INPUT_FILE || "deploy.json"]: JSON.stringify({ stackName: `${env.STACK_NAME_PREFIX}app` }),
                "template.yaml": "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n",
            };
            return [
                {
                    name: "a new job starts a deployment",
                    event: job(),
                    answers: { GetObjectCommand: { Body: zipBody(files) }, StartExecutionCommand: { executionArn: execution, startDate: new Date() } },
                },
                { name: "a continued job follows it", event: job(execution), answers: { DescribeExecutionCommand: { executionArn: execution, status: "SUCCEEDED", output: "{}" } } },
                {
                    name: "a failed deployment is stopped and reported",
                    event: job(),
                    answers: {
                        GetObjectCommand: { Body: zipBody(files) },
                        StartExecutionCommand: { executionArn: execution, startDate: new Date() },
                        PutJobSuccessResultCommand: () => {
                            throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
                        },
                    },
                },
            ];
        },
    },
};
