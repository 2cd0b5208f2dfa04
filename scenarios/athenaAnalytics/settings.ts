// The one declaration of every key of `aws-blueprints:athenaAnalytics`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { instanceType, wholeNumber } from "../../components/settings";

const workstationCidr = z
    .string()
    .regex(
        /^(((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(3[0-2]|[12]?\d)|[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|\d?\d))$/,
        "must be an IPv4 or IPv6 CIDR like 203.0.113.0/24",
    );

export const athenaAnalyticsSettings = z
    .object({
        enabled: enabled(),
        databaseName: z.string().regex(/^[a-z0-9_]{1,255}$/, "must be 1-255 lowercase letters, digits or underscores").optional().meta({ description: "Glue database holding the `billboard` table.", whenUnset: "`billboard_<stack>`" }),
        dataLocation: z
            .string()
            .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/([^/\s]+\/)*$/, "must be an S3 location like s3://my-bucket/billboard/ (ending with /)")
            .optional().meta({ description: "Where the comma-delimited Billboard data lives, as `s3://bucket/prefix/`.", whenUnset: "`billboard/` in a data bucket the scenario creates" }),
        bytesScannedCutoffMb: wholeNumber(10, 10_000_000).default(10240).describe("Athena cancels a query that scans more than this many MB (Athena's minimum is 10)."),
        resultsExpirationDays: wholeNumber(1, 3650).default(30).describe("Days query results are kept."),
        createWorkstation: z.boolean().default(true).describe("Create the RStudio Server workstation; without it, only the catalog, the workgroup and the queries."),
        instanceType: instanceType
            // Graviton families carry a "g" after the generation digit (t4g, m7g, c7gn, r8gd).
            .refine((t) => !/^[a-z]+\d+[a-z]*g[a-z]*(-[a-z]+)?\./.test(t), "must be an x86_64 type: RStudio Server comes from Posit's x86_64 package")
            .default("t3.large").describe("Instance type of the workstation: x86_64 (the post recommends t2.large or bigger)."),
        subnetId: z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0123456789abcdef0").optional().meta({ description: "Subnet of the workstation; required where the region has no default VPC (landing-zone accounts), and the run fails naming this key otherwise.", whenUnset: "a default subnet of the region's default VPC" }),
        subnetType: z.enum(["public", "private"]).default("public").describe("Whether the subnet is `public` (the instance gets a public IP) or `private` (no public IP; `subnetId` must then name a subnet with a NAT route)."),
        allowedCidr: workstationCidr.refine((c) => !/\/0$/.test(c), "must not be open to the whole internet; give your network's CIDR or leave it out for SSM port forwarding").optional().meta({ description: "IPv4 or IPv6 network allowed to reach RStudio on port 8787 (never the whole internet).", whenUnset: "none: RStudio listens on localhost, reached by SSM port forwarding" }),
        rootVolumeSizeGb: wholeNumber(20, 16384).default(50).describe("Encrypted root volume size in GB."),
        rstudioUser: z
            .string()
            .regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a Linux user name (lowercase letters, digits, _ or -)")
            .refine((u) => u !== "root", "must not be root")
            .default("rstudio").describe("Linux user RStudio signs in."),
        rstudioServerVersion: z.string().regex(/^\d{4}\.\d{2}\.\d+-\d+$/, "must be a version like 2024.12.1-563").default("2024.12.1-563").describe("RStudio Server version (Posit's RHEL 9 x86_64 package)."),
        rstudioServerSha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits").optional().meta({ description: "SHA-256 of that package, checked before installing.", whenUnset: "not checked beyond HTTPS" }),
    })
    .strict()
    .superRefine((s, ctx) => {
        if (s.createWorkstation && s.subnetType === "private" && s.subnetId === undefined) {
            ctx.addIssue({ code: "custom", path: ["subnetId"], input: s.subnetId, message: "is required with subnetType private: a private subnet with a NAT route" });
        }
    });

export type AthenaAnalyticsSettings = z.output<typeof athenaAnalyticsSettings>;
