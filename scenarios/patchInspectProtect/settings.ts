// The one declaration of every key of `aws-blueprints:patchInspectProtect`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { instanceType, wholeNumber } from "../../components/settings";

const hhmm = z
    .union([z.string(), z.number().int()])
    // An unquoted 0900 in YAML is the number 900.
    .transform((v) => (typeof v === "number" ? String(v).padStart(4, "0") : v))
    .pipe(z.string().regex(/^([01]\d|2[0-3])[0-5]\d$/, "must be a time HHMM from 0000 to 2359, quoted in YAML like \"0900\""));

export const patchInspectProtectSettings = z
    .object({
        enabled: enabled(),
        instanceType: instanceType.default("t3.medium").describe("Instance type of the Windows server."),
        windowsServerVersion: z.enum(["2019", "2022", "2025"]).default("2022").describe("Windows Server release of the instance."),
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0").optional().meta({ description: "VPC of the instance (with subnetId).", whenUnset: "the default VPC" }),
        subnetId: z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0123456789abcdef0").optional().meta({ description: "Subnet of the instance (with vpcId); needs outbound HTTPS.", whenUnset: "a default subnet of the default VPC" }),
        rootVolumeGb: wholeNumber(30, 16384).default(50).describe("Root volume in GiB."),
        dataVolumeGb: wholeNumber(1, 16384).default(20).describe("Extra data volume in GiB."),
        patchGroup: z.string().min(1).max(256).default("Windows Servers").describe("The Patch Group tag value."),
        approveAfterDays: wholeNumber(0, 360).default(7).describe("Days after release before a security update is approved."),
        maintenanceSchedule: z
            .string()
            .regex(/^(cron|rate)\(.+\)$/, "must be a cron(...) or rate(...) expression like cron(0 22 ? * SUN *)")
            .default("cron(0 22 ? * SUN *)").describe("Maintenance window schedule (UTC)."),
        maintenanceDurationHours: wholeNumber(2, 24).default(3).describe("Maintenance window length in hours."),
        enableInspector: z.boolean().default(true).describe("Enable Amazon Inspector for EC2 in the account and region."),
        minimumSeverity: z.enum(["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"]).default("HIGH").describe("Lowest Inspector finding severity that is emailed."),
        snapshotTimes: z.array(hhmm).max(30).default(["0900", "1000", "1100", "1200", "1300", "1400", "1500", "1600"]).meta({ description: "Local times of the instance's snapshot tags.", whenUnset: "the post's 0900 to 1600, hourly" }),
        snapshotRetentionDays: wholeNumber(1, 3650).default(3).describe("Retention of the scheduled snapshots in days."),
        snapshotTimeZone: z
            .string()
            .refine(isTimeZone, { message: "must be utc or an IANA time zone such as America/Los_Angeles" })
            .default("utc").describe("Time zone of the snapshot times: utc or an IANA name."),
        snapshotDays: z
            .string()
            .regex(/^(all|weekdays|(mon|tue|wed|thu|fri|sat|sun)(,(mon|tue|wed|thu|fri|sat|sun))*)$/i, "must be all, weekdays or a list like mon,wed,fri")
            .default("weekdays").describe("Snapshot days: all, weekdays or a list like mon,wed,fri."),
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
