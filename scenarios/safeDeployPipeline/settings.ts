// The one declaration of every key of `aws-blueprints:safeDeployPipeline`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { wholeNumber } from "../../components/settings";

export const safeDeployPipelineSettings = z
    .object({
        enabled: enabled(),
        stackNamePrefix: z
            .string()
            .regex(/^[A-Za-z][-A-Za-z0-9]{0,63}$/, "must start with a letter and hold up to 64 letters, digits or dashes")
            .optional()
            .meta({
                description:
                    "The pipeline may only create and change stacks whose names start with this. It must not be the beginning of another pipeline's prefix in the same account and region.",
                whenUnset: "\"blueprints-<environment>-App-\" (until this version \"blueprints-<environment>-\", which was the beginning of another environment's: prod's of prod-eu's)",
            }),
        source: z
            .discriminatedUnion("type", [
                z
                    .object({
                        type: z.literal("s3").describe("Where revisions come from: `s3` or `codestarConnection`."),
                        objectKey: z
                            .string()
                            .regex(/^[^/].{0,1023}$/, "must be a relative S3 key of at most 1024 characters")
                            .default("source/app.zip")
                            .describe("Key of the ZIP object (template and input file) in the created source bucket."),
                    })
                    .strict(),
                z
                    .object({
                        type: z.literal("codestarConnection").describe("Where revisions come from: `s3` or `codestarConnection`."),
                        connectionArn: z
                            .string()
                            .regex(
                                /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[-0-9a-f]+$/,
                                "must be a CodeStar connection ARN like arn:aws:codestar-connections:us-east-1:123456789012:connection/<id>",
                            )
                            .describe("ARN of an available CodeStar (CodeConnections) connection to GitHub, GitLab or Bitbucket."),
                        fullRepositoryId: z.string().regex(/^[^/\s]+\/[^/\s]+$/, "must be owner/repository").describe("`owner/repository`."),
                        branchName: z.string().regex(/\S/, "must not be empty").default("main").describe("Branch whose pushes run the pipeline."),
                    })
                    .strict(),
            ])
            .default({ type: "s3", objectKey: "source/app.zip" })
            .meta({
                description:
                    "Where revisions come from: `{ type: s3, objectKey }`, a ZIP object in the created source bucket, or `{ type: codestarConnection, connectionArn, fullRepositoryId, branchName }`, a GitHub, GitLab or Bitbucket repository through an existing CodeStar connection (CodeCommit is closed to new customers).",
                whenUnset: "{ type: s3, objectKey: source/app.zip }",
            }),
        deploySample: z
            .boolean()
            .optional()
            .meta({ description: "Upload the sample revision (a template of two SQS queues and its input file) so the first run deploys something; S3 source only.", whenUnset: "true for an S3 source" }),
        inputFile: z
            .string()
            .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))(?=.*\S).+$/, "must be a relative path inside the revision")
            .default("deploy.json")
            .describe(
                'Input file in each revision: `{ "stackName", "templateFile" (default template.yaml), "parameters": { name: value }, "capabilities": [...] }`.',
            ),
        deploymentRoleArn: z
            .string()
            .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]+$/, "must be an IAM role ARN like arn:aws:iam::123456789012:role/cfn-deployer")
            .optional()
            .meta({
                description: "Role CloudFormation uses for the stacks (passed as `RoleARN`), the only role the workflow may pass.",
                whenUnset: "a created role that may manage SQS queues named with the prefix, as the sample does",
            }),
        conditionalReplacementIsUnsafe: z.boolean().default(true).describe("A Modify with `Replacement: Conditional` counts as unsafe."),
        pollIntervalSeconds: wholeNumber(1, 300).default(15).describe("Seconds between two status checks of a stack or change set."),
        maxPolls: wholeNumber(1, 1000).default(120).describe("Status checks per wait before a deployment is declared stuck."),
    })
    .strict()
    .refine((s) => s.deploySample !== true || s.source.type === "s3", {
        message: "true needs source.type s3 (commit the sample to your repository instead)",
        path: ["deploySample"],
    });

export type SafeDeployPipelineSettings = z.output<typeof safeDeployPipelineSettings>;
