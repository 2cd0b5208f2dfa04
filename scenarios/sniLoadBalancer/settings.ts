// The one declaration of every key of `aws-blueprints:sniLoadBalancer`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { hostedZoneId, siteHostName, wholeNumber } from "../../components/settings";
import { CERTIFICATE_KEY_ALGORITHMS, certificateCount, MAX_EXTRA_CERTIFICATES, siteHostNames } from "./certificates";

/** One TLS site of an SNI load balancer. */
export const sniSiteSchema = z
    .object({
        domainName: siteHostName.refine((d) => d.length <= 64, {
            message: "must be at most 64 characters (ACM's limit for a certificate's name); put longer names in alternativeNames",
        }).describe("Host name served, e.g. `www.example.com`: the name of the site's certificates (at most 64 characters) and the first host of its routing rule."),
        alternativeNames: z.array(siteHostName).default([]).describe("More names on the same certificates and routing rule, in the same hosted zone, e.g. `example.com` or `*.example.com`."),
        hostedZoneId: hostedZoneId.optional().meta({ description: "Route 53 public hosted zone of the site's names.", whenUnset: "the section's hostedZoneId" }),
        keyAlgorithms: z
            .array(z.enum(CERTIFICATE_KEY_ALGORITHMS))
            .min(1, "must name at least one key algorithm")
            .refine((list) => new Set(list).size === list.length, "must not name an algorithm twice")
            .default(["RSA_2048"])
            .describe("One certificate per key algorithm (`RSA_2048`, `EC_prime256v1`, `EC_secp384r1`); RSA and ECDSA may coexist and the load balancer picks per client."),
    })
    .strict();

/** A site as another program gives it: the keys with defaults may be left out. */
export type SniSite = z.input<typeof sniSiteSchema>;

/**
 * Problems of a list of sites: a zone for each, each host name on one site only, and no more certificates than one
 * HTTPS listener takes.
 */
export function checkSites(
    sites: readonly z.output<typeof sniSiteSchema>[],
    zone: string | undefined,
    problem: (path: (string | number)[], message: string, input: unknown) => void,
): void {
    const siteOf = new Map<string, number>();
    sites.forEach((site, i) => {
        if (site.hostedZoneId === undefined && zone === undefined) problem(["sites", i, "hostedZoneId"], "is required: set it on the site or the section's hostedZoneId", undefined);
        siteHostNames(site).forEach((host, j) => {
            const path = j === 0 ? ["sites", i, "domainName"] : ["sites", i, "alternativeNames", j - 1];
            const first = siteOf.get(host);
            if (first === undefined) siteOf.set(host, i);
            else problem(path, first === i ? "is already a name of this site" : `is also a name of sites[${first}]; each host name routes to one site`, host);
        });
    });
    const certificates = certificateCount(sites);
    if (certificates - 1 > MAX_EXTRA_CERTIFICATES) {
        problem(["sites"], `need ${certificates} certificates; one HTTPS listener takes ${MAX_EXTRA_CERTIFICATES + 1} (a default and ${MAX_EXTRA_CERTIFICATES} more)`, `${sites.length} sites`);
    }
}

export const sniLoadBalancerSettings = z
    .object({
        enabled: enabled(),
        hostedZoneId: hostedZoneId.optional().meta({
            description: "Route 53 public hosted zone (a real one you control) for the DNS validation and alias records of sites that name none.",
            whenUnset: "none (each site names its zone)",
        }),
        sites: z
            .array(sniSiteSchema)
            .default([])
            .describe("The TLS sites, in order, each with its own certificates, target group and routing rule (a host name belongs to one site only); the first site's first certificate is the listener's default. At least one when enabled."),
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0").optional().meta({ description: "VPC of the load balancer; set together with subnetIds, or neither.", whenUnset: "the region's default VPC" }),
        subnetIds: z
            .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0123456789abcdef0"))
            .min(2, "must name subnets in at least two Availability Zones")
            .optional().meta({ description: "Public subnets of vpcId in two or more Availability Zones; set together with vpcId.", whenUnset: "the default VPC's default subnets" }),
        targetPort: wholeNumber(1, 65535).default(80).describe("Port the targets listen on."),
        targetProtocol: z.enum(["HTTP", "HTTPS"]).default("HTTP").describe("Protocol from the load balancer to the targets."),
        healthCheckPath: z.string().regex(/^\/\S{0,1023}$/, "must be a path starting with /").default("/").describe("Path of the targets' health check."),
        ipAddressType: z.enum(["ipv4", "dualstack"]).default("ipv4").describe("`dualstack` answers IPv6 clients too (the subnets need IPv6 CIDRs) and adds AAAA alias records."),
        accessLogRetentionDays: wholeNumber(1, 3650).default(90).describe("Days access logs are kept in their bucket."),
        certificateExpiryAlarmDays: wholeNumber(1, 59)
            .default(45)
            .describe("Alarm when a certificate has fewer days left; ACM renews DNS-validated certificates from 60 days before expiry, so the alarm means renewal failed."),
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
