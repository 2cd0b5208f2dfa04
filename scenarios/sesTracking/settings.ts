// The one declaration of every key of `aws-blueprints:sesTracking`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { hostName } from "../../components/settings";
import { zoneIdRequired } from "./zones";

// SES places an account under review at a bounce rate of 5% or more and a complaint rate of 0.1% or more, and
// recommends staying below 2% bounces and 0.1% complaints ("Amazon SES sending review process FAQs",
// https://docs.aws.amazon.com/ses/latest/dg/faqs-enforcement.html; "Reputation metrics messages",
// https://docs.aws.amazon.com/ses/latest/dg/reputationdashboardmessages.html). An alarm at the review level fires only
// once the account is already under review, so thresholds must sit strictly below it.
export const sesTrackingSettings = z
    .object({
        enabled: enabled(),
        configurationSetName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, underscores or dashes").optional().meta({ description: "Name of the configuration set senders name in their requests.", whenUnset: "\"ses-tracking-<stack>\"" }),
        eventDestinations: z.array(z.enum(["sns", "cloudwatch"])).min(1, "must name sns and/or cloudwatch").default(["sns", "cloudwatch"]).describe("Where open, click, bounce and complaint events go: an encrypted SNS topic and/or CloudWatch metrics."),
        campaignTag: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "must be a message tag name: letters, digits, _ or -").optional().meta({ description: "A message tag (e.g. `campaign`) whose value becomes an extra dimension of the CloudWatch event metrics; needs `cloudwatch` in eventDestinations.", whenUnset: "none" }),
        bounceRateThreshold: z
            .number()
            .gt(0, "must be above 0")
            .lt(0.05, "must be below 0.05 (5%, the bounce rate at which SES places an account under review)")
            .default(0.02)
            .describe("Alarm when the bounce rate reaches this fraction (0.02 is AWS's recommended ceiling); below 0.05 (5%), where SES places an account under review."),
        complaintRateThreshold: z
            .number()
            .gt(0, "must be above 0")
            .lt(0.001, "must be below 0.001 (0.1%, the complaint rate at which SES places an account under review)")
            .default(0.0005)
            .describe("Alarm when the complaint rate reaches this fraction; below 0.001 (0.1%), where SES places an account under review."),
        domain: hostName.optional().meta({ description: "A domain to verify as a sending identity with Easy DKIM (2048-bit keys); its three CNAME records go to Route 53.", whenUnset: "none" }),
        hostedZoneId: z
            .string()
            .regex(/^Z[A-Z0-9]{1,32}$/, "must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ")
            .optional()
            .meta({
                description:
                    "Route 53 public hosted zone receiving the DKIM records. Required when `domain` has more than two labels (`mail.example.com` usually lives in the `example.com` zone; `example.co.uk` needs it too): a lookup by a name no zone has fails the run.",
                whenUnset: "the public zone named exactly like `domain`",
            }),
    })
    .strict()
    .superRefine((s, ctx) => {
        const problem = (key: keyof typeof s, message: string) => ctx.addIssue({ code: "custom", path: [key], message, input: s[key] });
        if (s.hostedZoneId !== undefined && s.domain === undefined) problem("hostedZoneId", "is only used with domain");
        const zoneProblem = s.domain !== undefined && s.hostedZoneId === undefined ? zoneIdRequired(s.domain) : undefined;
        if (zoneProblem) problem("hostedZoneId", zoneProblem);
        if (s.campaignTag !== undefined && !s.eventDestinations.includes("cloudwatch")) {
            problem("campaignTag", 'is a CloudWatch dimension: add "cloudwatch" to eventDestinations');
        }
    });

export type SesTrackingSettings = z.output<typeof sesTrackingSettings>;
