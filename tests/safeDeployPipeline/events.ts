// The pipeline's real-shaped events and configuration, shared by the trigger's example tests and its properties.
import { TriggerConfig } from "../../handlers/safeDeployPipeline/pipelineTrigger";

export const STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:deploy-workflow-1a2b3c4";
export const JOB = "0f1e2d3c-0000-4000-8000-00000000abcd";
export const EXECUTION = `arn:aws:states:us-east-1:123456789012:execution:deploy-workflow-1a2b3c4:${JOB}`;
export const TEMPLATE = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n";

export const triggerConfig: TriggerConfig = {
    stateMachineArn: STATE_MACHINE,
    templateBucket: "artifacts-bucket",
    templatePrefix: "deploy-templates/",
    templateUrlBase: "https://artifacts-bucket.s3.us-east-1.amazonaws.com/",
    stackNamePrefix: "blueprints-dev-",
    defaultInputFile: "deploy.json",
};

/** A job event as CodePipeline sends it to a Lambda invoke action. */
export function jobEvent(extra: { userParameters?: string; continuationToken?: string; artifacts?: unknown[] } = {}) {
    return {
        "CodePipeline.job": {
            id: JOB,
            accountId: "123456789012",
            data: {
                actionConfiguration: { configuration: { FunctionName: "trigger", ...(extra.userParameters !== undefined ? { UserParameters: extra.userParameters } : {}) } },
                inputArtifacts: extra.artifacts ?? [
                    { location: { s3Location: { bucketName: "artifacts-bucket", objectKey: "deploy-pipeline/SourceOutp/AbCdEf1" }, type: "S3" }, revision: null, name: "SourceOutput" },
                ],
                outputArtifacts: [],
                artifactCredentials: { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token" },
                ...(extra.continuationToken ? { continuationToken: extra.continuationToken } : {}),
            },
        },
    };
}

/** The sample stack the pipeline deploys, which its cleanup deletes on pulumi destroy. */
export const SAMPLE_STACK = "blueprints-dev-App-sample-app";

/** The deployment's managed invocation of the sample cleanup (aws.lambda.Invocation, lifecycle scope CRUD). */
export function sampleCleanupEvent(action: string, stackName: string = SAMPLE_STACK) {
    return { stackName, tf: { action, prev_input: { stackName } } };
}
