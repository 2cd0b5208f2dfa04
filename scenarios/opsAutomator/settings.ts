// The one declaration of every key of `aws-blueprints:opsAutomator`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { wholeNumber } from "../../components/settings";

export const opsAutomatorSettings = z
    .object({
        enabled: enabled(),
        scheduleMinutes: z
            .number()
            .refine((m) => [5, 10, 15, 20, 30, 60].includes(m), { message: "must be 5, 10, 15, 20, 30 or 60 (a divisor of 60)" })
            .default(5).describe("Minutes between runs: 5, 10, 15, 20, 30 or 60."),
        snapshotTask: z.boolean().default(true).describe("Seed the task table with the EBS snapshot scheduler, enabled (created once, then left to operators)."),
        deleteExpiredSnapshots: z.boolean().default(true).describe("Seed of the snapshot task: it deletes its snapshots once their retention has passed."),
        defaultRetentionDays: wholeNumber(1, 3650).default(15).describe("Seed of the snapshot task: retention in days of schedule tags that leave it out."),
        memorySizeMb: wholeNumber(128, 10240).default(256).describe("Memory of the runner in MB."),
        timeoutSeconds: wholeNumber(30, 900).default(300).describe("Timeout of one run in seconds."),
    })
    .strict();

export type OpsAutomatorSettings = z.output<typeof opsAutomatorSettings>;
