// The one declaration of every key of `aws-blueprints:patchInspectProtect`: type, range, default and description.
import { z } from "zod";
import { enabled, setting } from "../../components/scenario";
import { instanceType, wholeNumber } from "../../components/settings";

const hhmm = z
    .union([z.string(), z.number().int()])
    // An unquoted 0900 in YAML is the number 900.
    .transform((v) => (typeof v === "number" ? String(v).padStart(4, "0") : v))
    .pipe(z.string().regex(/^([01]\d|2[0-3])[0-5]\d$/, "must be a time HHMM from 0000 to 2359, quoted in YAML like \"0900\""));

/** Amazon Inspector's finding severities, lowest first. */
export const INSPECTOR_SEVERITIES = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;

export const patchInspectProtectSettings = z
    .object({
        enabled: enabled(),
        instanceType: instanceType.default("t3.medium").describe("Instance type of the Windows server."),
        windowsServerVersion: z.enum(["2019", "2022", "2025"]).default("2022").describe("Windows Server release of the instance; the AMI is the latest English Full Base image from its SSM public parameter."),
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0").optional().meta({ description: "VPC of the instance, given with `subnetId`; required where the region has no default VPC (landing-zone accounts), and the run fails naming it otherwise.", whenUnset: "the region's default VPC" }),
        subnetId: z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0123456789abcdef0").optional().meta({ description: "Subnet of the instance, given with `vpcId`; it needs outbound HTTPS to Systems Manager (NAT, a public IP or VPC endpoints).", whenUnset: "a default subnet of the default VPC" }),
        rootVolumeGb: wholeNumber(30, 16384).default(50).describe("Root volume in GiB (Windows needs at least 30)."),
        dataVolumeGb: wholeNumber(1, 16384).default(20).describe("Size of the extra data volume in GiB."),
        patchGroup: setting(
            z
                .string()
                .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u, "must be a tag value: 1-256 letters, digits, spaces and _ . : / = + - @")
                .optional(),
            "Value of the `Patch Group` tag, the patch baseline's registration and the maintenance window's target. A patch group has one baseline per operating system in a region, so two stacks in one account need different ones.",
            { whenUnset: "`Windows Servers <environment>`" },
        ),        approveAfterDays: wholeNumber(0, 360).default(7).describe("Days after release before a security update is approved."),
        maintenanceSchedule: z
            .string()
            .regex(/^(cron|rate)\(.+\)$/, "must be a cron(...) or rate(...) expression like cron(0 22 ? * SUN *)")
            .default("cron(0 22 ? * SUN *)").describe("Maintenance window schedule (UTC); the default is Sundays at 22:00."),
        maintenanceDurationHours: wholeNumber(2, 24).default(3).describe("Maintenance window length in hours; the last hour starts no new task."),
        enableInspector: z.boolean().default(true).describe("Enable Amazon Inspector EC2 scanning for the whole account and region (one stack per account and region should own it)."),
        minimumSeverity: z.enum(INSPECTOR_SEVERITIES).default("HIGH").describe("Lowest Inspector finding severity that is emailed."),
        snapshotTimes: z.array(hhmm).max(30).default(["0900", "1000", "1100", "1200", "1300", "1400", "1500", "1600"]).meta({ description: "Local times (HHMM) of the instance's snapshot tags, at most 30; quote them in YAML.", whenUnset: "the post's 0900 to 1600, hourly" }),
        snapshotRetentionDays: wholeNumber(1, 3650).default(3).describe("Retention of the scheduled snapshots in days, written into the tags."),
        snapshotTimeZone: z
            .string()
            .refine(isTimeZone, { message: "must be utc or an IANA time zone such as America/Los_Angeles" })
            .default("utc").describe("Time zone of the snapshot times: `utc` or an IANA name like `America/Los_Angeles` (the post meant Pacific business hours)."),
        snapshotDays: z
            .string()
            .regex(/^(all|weekdays|(mon|tue|wed|thu|fri|sat|sun)(,(mon|tue|wed|thu|fri|sat|sun))*)$/i, "must be all, weekdays or a list like mon,wed,fri")
            .default("weekdays").describe("Days the snapshots are taken: `all`, `weekdays` or a list like `mon,wed,fri`."),
    })
    .strict()
    .superRefine((s, ctx) => {
        if ((s.vpcId === undefined) !== (s.subnetId === undefined)) {
            const missing = s.vpcId === undefined ? "vpcId" : "subnetId";
            ctx.addIssue({ code: "custom", path: [missing], message: `set vpcId and subnetId together`, input: undefined });
        }
    });

function isTimeZone(zone: string): boolean {
    if (/^(utc|gmt)$/i.test(zone)) return true;
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: zone });
        return true;
    } catch {
        return false;
    }
}

export type PatchInspectProtectSettings = z.output<typeof patchInspectProtectSettings>;
