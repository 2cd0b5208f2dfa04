// The one declaration of every key of `aws-blueprints:compliantWebApp`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { hostedZoneId, instanceType, ipv4Cidr, siteHostName, wholeNumber } from "../../components/settings";
import { checkSites, sniSiteSchema } from "../sniLoadBalancer/settings";
import { cidrsOverlap, parseCidr } from "./network";

const mysqlUser = z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, "must be 1-32 letters, digits or _, starting with a letter")
    .refine((u) => !["root", "rdsadmin", "rdsrepladmin"].includes(u.toLowerCase()), { message: "is reserved by MySQL or RDS" });

const serverTierSchema = (instanceTypeDefault: string) =>
    z
        .object({
            instanceType: instanceType.default(instanceTypeDefault).meta({ description: "EC2 instance type; Graviton types (t4g, m7g, ...) get the arm64 image.", whenUnset: "\"t4g.micro\"" }),
            minSize: wholeNumber(1, 100).default(1).describe("Fewest instances."),
            maxSize: wholeNumber(1, 100).default(2).describe("Most instances."),
            cpuTargetPercent: wholeNumber(10, 90).default(50).describe("Average CPU % the target-tracking policy keeps."),
            rootVolumeGb: wholeNumber(8, 1024).default(20).describe("Encrypted root volume in GiB."),
        })
        .strict()
        .superRefine((t, ctx) => {
            if (t.maxSize < t.minSize) ctx.addIssue({ code: "custom", path: ["maxSize"], message: `must be at least minSize (${t.minSize})`, input: t.maxSize });
        });

export const compliantWebAppSettings = z
    .object({
        enabled: enabled(),
        hostedZoneId: hostedZoneId.optional().meta({ description: "Route 53 public hosted zone of the sites and the internal name (required when enabled).", whenUnset: "none" }),
        sites: z.array(sniSiteSchema).default([]).describe("Public sites of the web tier (at least one when enabled)."),
        internalDomainName: siteHostName.optional().meta({ description: "Name of the internal load balancer in the zone, e.g. app-internal.example.com (required when enabled).", whenUnset: "none" }),
        network: z
            .object({
                productionCidr: ipv4Cidr.default("10.0.0.0/16").describe("Production VPC (/16 to /22)."),
                managementCidr: ipv4Cidr.default("10.1.0.0/16").describe("Management VPC; must not overlap the production VPC."),
                availabilityZones: wholeNumber(2, 3).default(2).describe("Availability Zones of both VPCs."),
                natGateways: z.enum(["single", "perAz"]).default("single").describe("NAT gateways of the production VPC: \"single\" (cheap) or \"perAz\" (survives an AZ outage)."),
                managementNatGateways: z.enum(["none", "single", "perAz"]).default("none").describe("NAT gateways of the management VPC."),
            })
            .strict()
            .prefault({}),
        web: serverTierSchema("t4g.micro").prefault({}).meta({ description: "The web (reverse-proxy) tier.", whenUnset: "t4g.micro, 1-2 instances, 50% CPU" }),
        app: serverTierSchema("t4g.micro").prefault({}).meta({ description: "The app tier.", whenUnset: "t4g.micro, 1-2 instances, 50% CPU" }),
        database: z
            .object({
                instanceClass: z.string().regex(/^db\.[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an RDS instance class like db.t4g.micro").default("db.t4g.micro").describe("RDS instance class."),
                engineVersion: z.enum(["8.0", "8.4"]).default("8.4").describe("MySQL major version."),
                allocatedStorageGb: wholeNumber(20, 65536).default(20).describe("Initial storage in GiB."),
                maxAllocatedStorageGb: wholeNumber(20, 65536).default(100).describe("Storage autoscaling ceiling in GiB."),
                multiAz: z.boolean().default(false).describe("A synchronous standby in another AZ."),
                backupRetentionDays: wholeNumber(1, 35).default(7).describe("Days of automated backups."),
                deletionProtection: z.boolean().optional().meta({ description: "Refuse deletion.", whenUnset: "the stack's protect setting" }),
                masterUsername: mysqlUser.default("dbadmin").describe("Master user (its password is generated and kept by RDS in Secrets Manager)."),
                iamDatabaseUser: mysqlUser.default("app_user").describe("The user the app tier connects as with IAM authentication."),
            })
            .strict()
            .superRefine((d, ctx) => {
                if (d.maxAllocatedStorageGb < d.allocatedStorageGb) {
                    ctx.addIssue({ code: "custom", path: ["maxAllocatedStorageGb"], message: `must be at least allocatedStorageGb (${d.allocatedStorageGb})`, input: d.maxAllocatedStorageGb });
                }
                if (d.iamDatabaseUser === d.masterUsername) {
                    ctx.addIssue({ code: "custom", path: ["iamDatabaseUser"], message: "must differ from masterUsername", input: d.iamDatabaseUser });
                }
            })
            .prefault({}),
        bastion: z
            .object({
                allowedCidr: ipv4Cidr.refine((c) => Number(c.split("/")[1]) >= 8, {
                    message: "must be a known network, /8 or narrower: SSH is never open to the internet",
                }).describe("The only network allowed to SSH in, /8 or narrower (never 0.0.0.0/0)."),
                keyName: z.string().min(1, "must name an EC2 key pair").max(255).describe("EC2 key pair for SSH."),
                instanceType: instanceType.default("t4g.nano").describe("Instance type."),
            })
            .strict()
            .optional().meta({ description: "An SSH bastion in the management VPC.", whenUnset: "none (Session Manager reaches every instance)" }),
        createConfigRecorder: z.boolean().default(false).describe("Create the AWS Config recorder and delivery channel: one per account and region, so on in one stack only, where nothing else records (the rules need a recorder)."),
        auditRetentionDays: wholeNumber(365, 3653).default(365).describe("Days CloudTrail and Config files stay in the audit bucket (CJIS: a year or more)."),
        accessLogRetentionDays: wholeNumber(1, 3650).default(90).describe("Days load-balancer access logs are kept."),
    })
    .strict()
    .superRefine((s, ctx) => {
        const problem = (path: (string | number)[], message: string, input: unknown) => ctx.addIssue({ code: "custom", path, message, input });
        if (!s.enabled) return;
        if (s.hostedZoneId === undefined) problem(["hostedZoneId"], "is required when enabled: the public Route 53 zone of the sites", undefined);
        if (s.sites.length === 0) problem(["sites"], "needs at least one site when enabled, like [{ domainName: www.example.com }]", s.sites);
        if (s.internalDomainName === undefined) problem(["internalDomainName"], "is required when enabled: the internal load balancer's name, like app-internal.example.com", undefined);
        checkSites(s.sites, s.hostedZoneId, problem);
        const networks = (["productionCidr", "managementCidr"] as const).map((key) => {
            const cidr = parseCidr(s.network[key]);
            if (!cidr || cidr.prefix < 16 || cidr.prefix > 22) problem(["network", key], "must be a /16 to /22 network address like 10.0.0.0/16", s.network[key]);
            return cidr;
        });
        if (networks.every((n) => n) && cidrsOverlap(s.network.productionCidr, s.network.managementCidr)) {
            problem(["network", "managementCidr"], `overlaps productionCidr (${s.network.productionCidr}); peered VPCs need distinct ranges`, s.network.managementCidr);
        }
    });

export type CompliantWebAppSettings = z.output<typeof compliantWebAppSettings>;
