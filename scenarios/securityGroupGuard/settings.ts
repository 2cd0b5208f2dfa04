// The one declaration of every key of `aws-blueprints:securityGroupGuard`: type, range, default and description.
import { z } from "zod";
import { enabled, setting } from "../../components/scenario";
import { lambdaMemoryMb, userTagKey } from "../../components/settings";

const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group id like sg-0123456789abcdef0");
const iamPrincipalArn = z
    .string()
    .regex(
        /^arn:aws[a-z-]*:(iam|sts)::\d{12}:[A-Za-z0-9+=,.@_/*-]+$/,
        "must be an IAM user, role or assumed-role ARN (a trailing * matches any session or path suffix)",
    );

export const securityGroupGuardSettings = z
    .object({
        enabled: enabled(),
        monitoredGroupIds: z.array(securityGroupId).default([]).describe("Security group ids to watch."),
        monitoredTag: setting(
            z
                .object({
                    key: userTagKey.describe("Tag key, e.g. `guarded`."),
                    value: setting(z.string().max(256).optional(), "Tag value the group must carry, e.g. `true`.", {
                        whenUnset: "the stack's environment, so two stacks in one account watch different groups",
                    }),
                })
                .strict()
                .optional(),
            "Groups carrying this tag are watched too.",
            { whenUnset: "none" },
        ),
        approvedPrincipalArns: z
            .array(iamPrincipalArn)
            .default([])
            .describe(
                "IAM user or role, or STS assumed-role ARNs whose changes stand; a trailing `*` matches any suffix. Name a dedicated deployment role here (prod does) when the program manages rules in monitored groups.",
            ),
        exemptDeployingRole: z
            .boolean()
            .default(false)
            .describe(
                "Also exempt every session of the role running `pulumi up`. Off because that role is often a shared administrator role; the sample group's own HTTPS rule is left in place either way (its rule id is passed to the function, which is created after it).",
            ),
        createSampleGroup: z.boolean().default(true).describe('Create and watch the post\'s "Web Server Security Group" (443 from 0.0.0.0/0).'),
        sampleGroupVpcId: setting(
            z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0").optional(),
            "VPC of the sample group; required where the region has no default VPC (landing-zone accounts), and the run fails naming this key otherwise.",
            { whenUnset: "the region's default VPC" },
        ),
        createTrail: z
            .boolean()
            .default(false)
            .describe(
                "Create a multi-region trail (log-file validation, private encrypted versioned bucket). The guard needs a trail logging management events in the account; create one in one stack per account (the first copy of management events is free, each further one is billed) and leave it off where a trail exists (an organization trail, or the compliantWebApp audit trail).",
            ),
        memorySizeMb: lambdaMemoryMb().default(256).describe("Memory of the revert function in MB."),
    })
    .strict()
    .refine((s) => !s.enabled || s.monitoredGroupIds.length > 0 || s.monitoredTag !== undefined || s.createSampleGroup, {
        message: "nothing to monitor: set monitoredGroupIds, monitoredTag or createSampleGroup: true",
    });

export type SecurityGroupGuardSettings = z.output<typeof securityGroupGuardSettings>;
