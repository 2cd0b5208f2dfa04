// The one declaration of every key of `aws-blueprints:safeDeployPipeline`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";

export const safeDeployPipelineSettings = z
    .object({
        enabled: enabled(),
        stackNamePrefix: z
            .string()
            .regex(/^[A-Za-z][-A-Za-z0-9]{0,63}$/, "must start with a letter and hold up to 64 letters, digits or dashes")
            .optional().meta({ description: "The pipeline may only create and change stacks whose names start with this.", whenUnset: "\"blueprints-<environment>-\"" }),
        source: z
            .discriminatedUnion("type", [
                z
                    .object({
                        type: z.literal("s3"),
                        objectKey: z
                            .string()
                            .regex(/^[^/].{0,1023}$/, "must be a relative S3 key of at most 1024 characters")
                            .default("source/app.zip").describe("Key of the ZIP object in the source bucket."),
                    })
                    .strict(),
                z
                    .object({
                        type: z.literal("codestarConnection"),
                        connectionArn: z
                            .string()
                            .regex(
                                /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[-0-9a-f]+$/,
                                "must be a CodeStar connection ARN like arn:aws:codestar-connections:us-east-1:123456789012:connection/<id>",
                            ).describe("ARN of an available connection."),
                        fullRepositoryId: z.string().regex(/^[^/\s]+\/[^/\s]+$/, "must be owner/repository").describe("`owner/repository`."),
                        branchName: z.string().min(1, "must not be empty").default("main").describe("Branch whose pushes run the pipeline."),
                    })
                    .strict(),
            ])
            .default({ type: "s3", objectKey: "source/app.zip" }).meta({ description: "Where revisions come from: an S3 object (ZIP) or a CodeStar connection repository.", whenUnset: "{ type: s3, objectKey: source/app.zip }" }),
        deploySample: z.boolean().optional().meta({ description: "Upload the sample template and input file so the first run deploys something (S3 source only).", whenUnset: "true for an S3 source" }),
        inputFile: z
            .string()
            .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$)).+$/, "must be a relative path inside the revision")
            .default("deploy.json").describe("Input file in each revision (stack name, template file, parameters)."),
        deploymentRoleArn: z
            .string()
            .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]+$/, "must be an IAM role ARN like arn:aws:iam::123456789012:role/cfn-deployer")
            .optional().meta({ description: "Role CloudFormation uses for the stacks (the only role the workflow may pass).", whenUnset: "a created role for the sample's SQS queues" }),
        conditionalReplacementIsUnsafe: z.boolean().default(true).describe("A Modify with Replacement Conditional counts as unsafe."),
        pollIntervalSeconds: z.number().int().min(1).max(300).default(15).describe("Seconds between two status checks of a stack or change set."),
        maxPolls: z.number().int().min(1).max(1000).default(120).describe("Status checks per wait before a deployment is declared stuck."),
    })
    .strict()
    .refine((s) => s.deploySample !== true || s.source.type === "s3", {
        message: "true needs source.type s3 (commit the sample to your repository instead)",
        path: ["deploySample"],
    });

export type SafeDeployPipelineSettings = z.output<typeof safeDeployPipelineSettings>;
