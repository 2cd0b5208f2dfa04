// The one declaration of every key of `aws-blueprints:securityGroupGuard`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { userTagKey } from "../../components/settings";

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
        monitoredGroupIds: z.array(securityGroupId).default([]).describe("Security groups to watch, by id."),
        monitoredTag: z
            .object({ key: userTagKey, value: z.string().max(256) })
            .strict()
            .optional().meta({ description: "Security groups carrying this tag are watched too.", whenUnset: "none" }),
        approvedPrincipalArns: z.array(iamPrincipalArn).default([]).describe("Principals whose changes are accepted and never reverted (e.g. the deployment role)."),
        exemptDeployingRole: z.boolean().default(false).describe("Also exempt every session of the role that runs `pulumi up`; that role is often a shared administrator role, so prefer naming a dedicated deployment role in approvedPrincipalArns."),
        createSampleGroup: z.boolean().default(true).describe("Create the post's sample \"Web Server Security Group\" (443 from anywhere) and watch it."),
        sampleGroupVpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0").optional().meta({ description: "VPC of the sample group; required where the region has no default VPC.", whenUnset: "the region's default VPC" }),
        createTrail: z.boolean().default(false).describe("Create a multi-region CloudTrail trail (only needed when the account has none)."),
        memorySizeMb: z.number().int().min(128).max(10240).default(256).describe("Memory of the revert function in MB."),
    })
    .strict()
    .refine((s) => !s.enabled || s.monitoredGroupIds.length > 0 || s.monitoredTag !== undefined || s.createSampleGroup, {
        message: "nothing to monitor: set monitoredGroupIds, monitoredTag or createSampleGroup: true",
    });

export type SecurityGroupGuardSettings = z.output<typeof securityGroupGuardSettings>;
