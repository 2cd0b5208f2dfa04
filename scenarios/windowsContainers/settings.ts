// The one declaration of every key of `aws-blueprints:windowsContainers`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { instanceType, ipv4Cidr, wholeNumber } from "../../components/settings";

export const windowsContainersSettings = z
    .object({
        enabled: enabled(),
        windowsServer: z.enum(["2019-core", "2019-full", "2022-core", "2022-full", "2025-core", "2025-full"]).default("2022-full").describe("Windows Server release and installation option of the container instances; the AMI, the task's platform and its IIS image follow it."),
        instanceType: instanceType.default("m5.large").describe("Instance type of the container instances."),
        minInstances: wholeNumber(0, 100).default(1).describe("Fewest container instances (the post's cluster had 4): the lower bound of the Auto Scaling group the capacity provider scales."),
        maxInstances: wholeNumber(1, 100).default(4).describe("Most container instances: the upper bound of the Auto Scaling group the capacity provider scales."),
        rootVolumeGb: wholeNumber(30, 16384).default(50).describe("Root volume of each instance in GiB (Windows container images are large)."),
        availabilityZones: wholeNumber(2, 6).default(2).describe("Availability zones of the VPC."),
        natGateways: z.enum(["onePerAz", "single"]).default("onePerAz").describe("NAT gateways: `onePerAz` (one per availability zone, as the original) or `single` (cheaper, but one zone's outage cuts egress)."),
        vpcCidr: ipv4Cidr
            .refine((c) => {
                const prefix = /\/(\d+)$/.exec(c);
                return prefix === null || (Number(prefix[1]) >= 16 && Number(prefix[1]) <= 24);
            }, "must be a block from /16 to /24")
            .default("10.0.0.0/16")
            .describe("CIDR block of the VPC, from /16 to /24."),
        certificateArn: z
            .string()
            .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, "must be an ACM certificate ARN")
            .optional().meta({ description: "ACM certificate ARN for an HTTPS listener (HTTP then only redirects to it). Required when `protect` is true: a protected stack never forwards plain HTTP.", whenUnset: "none (HTTP only, to `ingressCidrs`)" }),
        ingressCidrs: z.array(ipv4Cidr).optional().meta({ description: "Networks allowed to reach the load balancer. Without `certificateArn` they must be named networks (not `0.0.0.0/0`): plain HTTP is never served to the whole internet.", whenUnset: "`[\"0.0.0.0/0\"]` with a certificate; required without" }),
        desiredTasks: wholeNumber(0, 1000).default(2).describe("Tasks the service starts with."),
        minTasks: wholeNumber(0, 1000).default(1).describe("Fewest tasks service auto scaling keeps."),
        maxTasks: wholeNumber(1, 1000).default(4).describe("Most tasks service auto scaling runs, at most `maxInstances`: each task holds host port 8080 on its instance."),
        scaleOutCpuPercent: wholeNumber(1, 100).default(60).describe("Average service CPU % above which a task is added, after 3 consecutive minutes."),
        scaleInCpuPercent: wholeNumber(0, 99).default(25).describe("Average service CPU % below which a task is removed, after 15 consecutive minutes."),
        containerInsights: z.boolean().default(false).describe("CloudWatch Container Insights on the cluster (billed per metric)."),
        keepImages: wholeNumber(1, 10000).default(20).describe("Images the ECR repository keeps (untagged ones expire after 7 days)."),
        accessLogRetentionDays: wholeNumber(1, 3650).default(90).describe("Days the load balancer's access logs are kept in their bucket."),
    })
    .strict()
    .superRefine((s, ctx) => {
        // Each problem names its own key and value (a plain refine would report the whole section as the value).
        const problem = (key: keyof typeof s, message: string) => ctx.addIssue({ code: "custom", path: [key], message, input: s[key] });
        const cidrs = s.ingressCidrs ?? [];
        if (s.enabled && s.certificateArn === undefined && (cidrs.length === 0 || cidrs.some((c) => c.endsWith("/0")))) {
            problem("ingressCidrs", "without certificateArn the load balancer serves plain HTTP: list the networks allowed (not 0.0.0.0/0), or set certificateArn");
        }
        if (s.minInstances > s.maxInstances) problem("minInstances", `must not exceed maxInstances (${s.maxInstances})`);
        if (s.desiredTasks < s.minTasks || s.desiredTasks > s.maxTasks) problem("desiredTasks", `must be between minTasks (${s.minTasks}) and maxTasks (${s.maxTasks})`);
        if (s.maxTasks > s.maxInstances) problem("maxTasks", `must not exceed maxInstances (${s.maxInstances}): each task holds host port 8080 on its instance`);
        if (s.scaleInCpuPercent >= s.scaleOutCpuPercent) problem("scaleInCpuPercent", `must be below scaleOutCpuPercent (${s.scaleOutCpuPercent})`);
    });

export type WindowsContainersSettings = z.output<typeof windowsContainersSettings>;

/**
 * The rule between this section and the global `protect`: a protected (production) stack never forwards plain HTTP,
 * its HTTP listener only redirects to HTTPS. The registry applies it to stack files, the component to other programs.
 */
export function protectedStackRules(s: { readonly certificateArn?: unknown }, globals: { readonly protect: boolean }): { key: "certificateArn"; message: string }[] {
    return globals.protect && s.certificateArn === undefined
        ? [{ key: "certificateArn", message: "required when protect is true: a protected stack serves HTTPS and only redirects HTTP" }]
        : [];
}
