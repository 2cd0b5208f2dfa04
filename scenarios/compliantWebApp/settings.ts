// The one declaration of every key of `aws-blueprints:compliantWebApp`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { hostedZoneId, instanceType, ipv4Cidr, siteHostName, wholeNumber } from "../../components/settings";
import { siteHostNames } from "../sniLoadBalancer/certificates";
import { checkSites, sniSiteSchema } from "../sniLoadBalancer/settings";
import { cidrsOverlap, parseCidr } from "./cidr";

const mysqlUser = z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, "must be 1-32 letters, digits or _, starting with a letter")
    .refine((u) => !["root", "rdsadmin", "rdsrepladmin"].includes(u.toLowerCase()), { message: "is reserved by MySQL or RDS" });

const serverTierSchema = (instanceTypeDefault: string) =>
    z
        .object({
            instanceType: instanceType.default(instanceTypeDefault).describe("EC2 instance type; Graviton types (t4g, m7g, ...) get the arm64 image."),
            minSize: wholeNumber(1, 100).default(1).describe("Fewest instances."),
            maxSize: wholeNumber(1, 100).default(2).describe("Most instances (at least minSize)."),
            cpuTargetPercent: wholeNumber(10, 90).default(50).describe("Average CPU utilisation, in percent, the target-tracking policy keeps the group at."),
            rootVolumeGb: wholeNumber(8, 1024).default(20).describe("Size of the encrypted root volume in GiB."),
        })
        .strict()
        .superRefine((t, ctx) => {
            if (t.maxSize < t.minSize) ctx.addIssue({ code: "custom", path: ["maxSize"], message: `must be at least minSize (${t.minSize})`, input: t.maxSize });
        });

export const compliantWebAppSettings = z
    .object({
        enabled: enabled(),
        hostedZoneId: hostedZoneId.optional().meta({
            description: "Route 53 public hosted zone (a real one you control) for the certificates' DNS validation and the alias records of the sites and the internal name. Required when enabled.",
            whenUnset: "none",
        }),
        sites: z
            .array(sniSiteSchema)
            .default([])
            .describe("Public sites of the web tier, served by SNI on one load balancer, each as a site of `sniLoadBalancer` (`domainName`, `alternativeNames`, `hostedZoneId`, `keyAlgorithms`). At least one when enabled."),
        internalDomainName: siteHostName
            .refine((d) => d.length <= 64, { message: "must be at most 64 characters (ACM's limit for a certificate's name)" })
            .optional()
            .meta({
                description: "Name of the internal (app-tier) load balancer in the zone, e.g. `app-internal.example.com`, with a certificate of its own; not one of the sites' names. Required when enabled.",
                whenUnset: "none",
            }),
        network: z
            .object({
                productionCidr: ipv4Cidr.default("10.0.0.0/16").describe("Range of the production VPC, /16 to /22; its subnets are sixteenths of it."),
                managementCidr: ipv4Cidr.default("10.1.0.0/16").describe("Range of the management VPC, /16 to /22, not overlapping the production VPC (the two are peered)."),
                availabilityZones: wholeNumber(2, 3).default(2).describe("Availability Zones of both VPCs."),
                natGateways: z.enum(["single", "perAz"]).default("single").describe("NAT gateways of the production VPC: `single` (cheap) or `perAz` (an AZ outage leaves the others online)."),
                managementNatGateways: z.enum(["none", "single", "perAz"]).default("none").describe("NAT gateways of the management VPC, whose private subnets hold nothing by default."),
            })
            .strict()
            .prefault({})
            .describe("The production and management VPCs."),
        web: serverTierSchema("t4g.micro").prefault({}).meta({ description: "The web (reverse-proxy) tier behind the public load balancer.", whenUnset: "t4g.micro, 1-2 instances, 50% CPU, 20 GiB" }),
        app: serverTierSchema("t4g.micro").prefault({}).meta({ description: "The app tier behind the internal load balancer.", whenUnset: "t4g.micro, 1-2 instances, 50% CPU, 20 GiB" }),
        database: z
            .object({
                instanceClass: z.string().regex(/^db\.[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an RDS instance class like db.t4g.micro").default("db.t4g.micro").describe("RDS instance class."),
                engineVersion: z.enum(["8.0", "8.4"]).default("8.4").describe("MySQL major version; minor versions upgrade automatically."),
                allocatedStorageGb: wholeNumber(20, 65536).default(20).describe("Initial gp3 storage in GiB."),
                maxAllocatedStorageGb: wholeNumber(20, 65536).default(100).describe("Storage autoscaling ceiling in GiB (at least allocatedStorageGb)."),
                multiAz: z.boolean().default(false).describe("A synchronous standby in another AZ."),
                backupRetentionDays: wholeNumber(1, 35).default(7).describe("Days automated backups are kept."),
                deletionProtection: z.boolean().optional().meta({ description: "Refuse deletion of the database.", whenUnset: "the stack's protect setting" }),
                masterUsername: mysqlUser.default("dbadmin").describe("Master user; RDS generates its password and keeps it in Secrets Manager."),
                iamDatabaseUser: mysqlUser.default("app_user").describe("The user the app tier connects as with IAM authentication (`rds-db:connect`); not the master user."),
            })
            .strict()
            .superRefine((d, ctx) => {
                if (d.maxAllocatedStorageGb < d.allocatedStorageGb) {
                    ctx.addIssue({ code: "custom", path: ["maxAllocatedStorageGb"], message: `must be at least allocatedStorageGb (${d.allocatedStorageGb})`, input: d.maxAllocatedStorageGb });
                }
                if (d.iamDatabaseUser === d.masterUsername) {
                    ctx.addIssue({ code: "custom", path: ["iamDatabaseUser"], message: `must differ from masterUsername ("${d.masterUsername}"), which keeps its password`, input: d.iamDatabaseUser });
                }
            })
            .prefault({})
            .describe("The MySQL database of the app tier."),
        bastion: z
            .object({
                allowedCidr: ipv4Cidr
                    // Only a CIDR block has a prefix and host bits to judge.
                    .refine((c) => Number(c.split("/")[1]) >= 8, { message: "must be a known network, /8 or narrower: SSH is never open to the internet", when: (p) => p.issues.length === 0 })
                    .refine((c) => parseCidr(c) !== undefined, { message: "must be a network address (host bits zero) like 203.0.113.0/24", when: (p) => p.issues.length === 0 })
                    .describe("The only network allowed to SSH in, e.g. an office range; /8 or narrower (never 0.0.0.0/0)."),
                keyName: z.string().regex(/^[\x20-\x7e]{1,255}$/, "must name an EC2 key pair (1-255 printable ASCII characters)").describe("EC2 key pair for SSH."),
                instanceType: instanceType.default("t4g.nano").describe("Instance type of the bastion."),
            })
            .strict()
            .optional()
            .meta({
                description: "An SSH bastion in the management VPC, reached by SSH only from allowedCidr, with MySQL to the database through the peering.",
                whenUnset: "none (Session Manager reaches every instance)",
            }),
        createConfigRecorder: z
            .boolean()
            .default(false)
            .describe(
                "Create the AWS Config recorder and delivery channel. An account has one of each per region, so turn it on in one stack per account and region, where nothing records yet (no Control Tower, Security Hub or other stack's recorder); the rules are created either way and AWS refuses them where no recorder runs. A stack that created its recorder when this defaulted to on deletes it on its next `pulumi up` unless it sets `true`.",
            ),
        auditRetentionDays: wholeNumber(365, 3653).default(365).describe("Days CloudTrail and Config files stay in the audit bucket; at least a year (CJIS)."),
        accessLogRetentionDays: wholeNumber(1, 3650).default(90).describe("Days load-balancer access logs are kept."),
    })
    .strict()
    .superRefine((s, ctx) => {
        const problem = (path: (string | number)[], message: string, input: unknown) => ctx.addIssue({ code: "custom", path, message, input });
        if (!s.enabled) return;
        if (s.hostedZoneId === undefined) problem(["hostedZoneId"], "is required when enabled: the public Route 53 zone of the sites", undefined);
        if (s.sites.length === 0) problem(["sites"], "needs at least one site when enabled, like [{ domainName: www.example.com }]", s.sites);
        const internal = s.internalDomainName;
        if (internal === undefined) problem(["internalDomainName"], "is required when enabled: the internal load balancer's name, like app-internal.example.com", undefined);
        else if (s.sites.some((site) => siteHostNames(site).includes(internal))) {
            problem(["internalDomainName"], "is also a public site; give the internal load balancer a name of its own", internal);
        }
        checkSites(s.sites, s.hostedZoneId, problem);
        const networks = (["productionCidr", "managementCidr"] as const).map((key) => {
            const cidr = parseCidr(s.network[key]);
            const fits = cidr !== undefined && cidr.prefix >= 16 && cidr.prefix <= 22;
            if (!fits) problem(["network", key], "must be a /16 to /22 network address like 10.0.0.0/16", s.network[key]);
            return fits;
        });
        if (networks.every((fits) => fits) && cidrsOverlap(s.network.productionCidr, s.network.managementCidr)) {
            problem(["network", "managementCidr"], `overlaps productionCidr (${s.network.productionCidr}); peered VPCs need distinct ranges`, s.network.managementCidr);
        }
    });

export type CompliantWebAppSettings = z.output<typeof compliantWebAppSettings>;
