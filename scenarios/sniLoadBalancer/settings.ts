// The one declaration of every key of `aws-blueprints:sniLoadBalancer`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { hostedZoneId, siteHostName, wholeNumber } from "../../components/settings";
import { CERTIFICATE_KEY_ALGORITHMS, certificateCount, MAX_EXTRA_CERTIFICATES } from "./component";

/** One TLS site of an SNI load balancer. */
export const sniSiteSchema = z
    .object({
        domainName: siteHostName.refine((d) => d.length <= 64, {
            message: "must be at most 64 characters (ACM's limit for a certificate's name); put longer names in alternativeNames",
        }).describe("Host name served; the certificate's name (at most 64 characters)."),
        alternativeNames: z.array(siteHostName).default([]).describe("More names on the same certificate and routing rule, in the same hosted zone."),
        hostedZoneId: hostedZoneId.optional().meta({ description: "Route 53 public hosted zone of the site's names.", whenUnset: "the section's hostedZoneId" }),
        keyAlgorithms: z.array(z.enum(CERTIFICATE_KEY_ALGORITHMS)).min(1, "must name at least one key algorithm").default(["RSA_2048"]).describe("One certificate per key algorithm; RSA and ECDSA may coexist and the load balancer picks per client."),
    })
    .strict();

/** Problems of a list of sites: a zone for each, and no more certificates than one HTTPS listener takes. */
export function checkSites(
    sites: readonly z.output<typeof sniSiteSchema>[],
    zone: string | undefined,
    problem: (path: (string | number)[], message: string, input: unknown) => void,
): void {
    sites.forEach((site, i) => {
        if (site.hostedZoneId === undefined && zone === undefined) problem(["sites", i, "hostedZoneId"], "is required: set it on the site or the section's hostedZoneId", undefined);
    });
    const certificates = certificateCount(sites);
    if (certificates - 1 > MAX_EXTRA_CERTIFICATES) {
        problem(["sites"], `need ${certificates} certificates; one HTTPS listener takes ${MAX_EXTRA_CERTIFICATES + 1} (a default and ${MAX_EXTRA_CERTIFICATES} more)`, `${sites.length} sites`);
    }
}

export const sniLoadBalancerSettings = z
    .object({
        enabled: enabled(),
        hostedZoneId: hostedZoneId.optional().meta({ description: "Route 53 public hosted zone for validation and alias records of sites that name none.", whenUnset: "none" }),
        sites: z.array(sniSiteSchema).default([]).describe("The TLS sites, each with its own certificates and routing rule (at least one when enabled)."),
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0").optional().meta({ description: "VPC of the load balancer (with subnetIds).", whenUnset: "the default VPC" }),
        subnetIds: z
            .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0123456789abcdef0"))
            .min(2, "must name subnets in at least two Availability Zones")
            .optional().meta({ description: "Public subnets in two or more AZs (with vpcId).", whenUnset: "the default VPC's default subnets" }),
        targetPort: wholeNumber(1, 65535).default(80).describe("Port the targets listen on."),
        targetProtocol: z.enum(["HTTP", "HTTPS"]).default("HTTP").describe("Protocol from the load balancer to the targets."),
        healthCheckPath: z.string().regex(/^\/\S{0,1023}$/, "must be a path starting with /").default("/").describe("Health-check path of the targets."),
        ipAddressType: z.enum(["ipv4", "dualstack"]).default("ipv4").describe("\"dualstack\" answers IPv6 clients too (the subnets need IPv6) and adds AAAA records."),
        accessLogRetentionDays: wholeNumber(1, 3650).default(90).describe("Days access logs are kept."),
        certificateExpiryAlarmDays: wholeNumber(1, 59).default(45).describe("Alarm when a certificate has fewer days left (ACM renews from 60 days before expiry)."),
    })
    .strict()
    .superRefine((s, ctx) => {
        const problem = (path: (string | number)[], message: string, input: unknown) => ctx.addIssue({ code: "custom", path, message, input });
        if (!s.enabled) return;
        if (s.sites.length === 0) problem(["sites"], "needs at least one site when enabled, like [{ domainName: www.example.com }]", s.sites);
        checkSites(s.sites, s.hostedZoneId, problem);
        if ((s.vpcId === undefined) !== (s.subnetIds === undefined)) {
            problem([s.vpcId === undefined ? "vpcId" : "subnetIds"], "set vpcId and subnetIds together (or neither, for the default VPC)", undefined);
        }
    });

export type SniLoadBalancerSettings = z.output<typeof sniLoadBalancerSettings>;
