// The one declaration of every key of `aws-blueprints:multiRegionApi`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { awsRegion, hostName, lambdaMemoryMb, wholeNumber } from "../../components/settings";
import { CLOUDFRONT_PRICE_CLASSES, HEALTH_CHECKER_REGIONS } from "./regions";

export const multiRegionApiSettings = z
    .object({
        enabled: enabled(),
        domainName: hostName.optional().meta({ description: "The API's one public name, served from every region, e.g. `api.example.com`.", whenUnset: "none (required)" }),
        hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, "must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ").optional().meta({ description: "Public Route 53 hosted zone that holds `domainName` (and `clientDomainName`). **Needs a real zone you control.**", whenUnset: "none (required)" }),
        regions: z.array(awsRegion).min(2, "needs two or more regions to fail over between").default(["us-east-1", "us-west-2"]).describe("Regions the API runs in: two or more, each once; each gets its own AWS provider."),
        unhealthyRegions: z.array(awsRegion).default([]).describe("Regions whose health endpoint reports `fail` (HTTP 503): change this one value to rehearse failover."),
        corsAllowOrigin: z
            .string()
            .regex(
                /^(\*|https:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?|http:\/\/localhost(:\d{1,5})?)$/,
                'must be "*" or one origin like https://app.example.com (scheme and host, no path)',
            )
            .optional().meta({ description: "`Access-Control-Allow-Origin` of the API: `\"*\"` or one origin like `https://app.example.com`.", whenUnset: "the client page's origin (`\"*\"` without the client)" }),
        deployClient: z.boolean().default(true).describe("Serve the browser test client from a private bucket through CloudFront."),
        clientPriceClass: z.enum(CLOUDFRONT_PRICE_CLASSES).default("PriceClass_100").describe("CloudFront price class of the client (`PriceClass_100`, `PriceClass_200` or `PriceClass_All`)."),
        clientDomainName: hostName.optional().meta({ description: "A name for the client page in the same hosted zone: adds a us-east-1 certificate, TLS 1.2+ and A/AAAA alias records.", whenUnset: "the distribution's `cloudfront.net` name" }),
        healthCheckerRegions: z.array(z.enum(HEALTH_CHECKER_REGIONS)).min(3, "needs at least three regions (leave it out for all)").optional().meta({ description: `Route 53 checker regions probing each region: three or more of ${HEALTH_CHECKER_REGIONS.map((r) => `\`${r}\``).join(", ")}. Fewer means fewer billed requests.`, whenUnset: "all eight" }),
        throttleRateLimit: z.number().positive("must be more than 0").max(10000, "must be at most 10000").default(50).describe("Requests per second each region's stage accepts."),
        throttleBurstLimit: wholeNumber(1, 5000).default(100).describe("Requests each region's stage accepts in a burst."),
        manageApiGatewayAccount: z.boolean().default(true).describe("Set each region's account-wide API Gateway CloudWatch Logs role, which access logging needs. It replaces any role already set in that account and region: turn it off when another stack manages it."),
        memorySizeMb: lambdaMemoryMb().default(128).describe("Memory of each handler in MB."),
    })
    .strict()
    .superRefine((s, ctx) => {
        const problem = (key: keyof typeof s, message: string) => ctx.addIssue({ code: "custom", path: [key], message, input: s[key] });
        if (s.enabled && s.domainName === undefined) problem("domainName", "is required when enabled: the API's public name, like api.example.com");
        if (s.enabled && s.hostedZoneId === undefined) problem("hostedZoneId", "is required when enabled: the Route 53 zone of domainName");
        const duplicate = s.regions.find((r, i) => s.regions.indexOf(r) !== i);
        if (duplicate) problem("regions", `lists ${duplicate} twice`);
        const stray = s.unhealthyRegions.filter((r) => !s.regions.includes(r));
        if (stray.length > 0) problem("unhealthyRegions", `must be among regions (${s.regions.join(", ")}); ${stray.join(", ")} is not`);
        if (s.clientDomainName !== undefined && s.clientDomainName === s.domainName) problem("clientDomainName", "must differ from domainName");
        if (s.clientDomainName !== undefined && !s.deployClient) problem("clientDomainName", "needs deployClient: true");
    });

export type MultiRegionApiSettings = z.output<typeof multiRegionApiSettings>;
