// The one declaration of every key of `aws-blueprints:opsAutomator`: type, range, default and description.
import { z } from "zod";
import { enabled, setting } from "../../components/scenario";
import { lambdaMemoryMb, userTagKey, wholeNumber } from "../../components/settings";
import { SCHEDULE_MINUTES } from "./schedule";

const allowedMinutes = `${SCHEDULE_MINUTES.slice(0, -1).join(", ")} or ${SCHEDULE_MINUTES[SCHEDULE_MINUTES.length - 1]}`;

export const opsAutomatorSettings = z
    .object({
        enabled: enabled(),
        scheduleMinutes: z
            .number()
            .refine((m) => SCHEDULE_MINUTES.includes(m), { message: `must be ${allowedMinutes} (a divisor of 60)` })
            .default(5)
            .meta({
                description:
                    "Minutes between runs, a divisor of 60, so runs fall on clock boundaries and each covers its own window; a snapshot time between two runs is taken at the next.",
                allowed: allowedMinutes,
            }),
        snapshotTask: z
            .boolean()
            .default(true)
            .describe("Seed the task table with the EBS snapshot scheduler task, enabled; Pulumi creates the item once and then leaves it to operators. `false` deletes it, edits included, which stops the snapshots."),
        deleteExpiredSnapshots: z
            .boolean()
            .default(true)
            .describe("Delete this engine's snapshots once their retention has passed. Seeds the task item: later changes are made in the item."),
        defaultRetentionDays: wholeNumber(1, 3650)
            .default(15)
            .describe("Retention in days for schedule tags that leave it out. Seeds the task item: later changes are made in the item."),
        instanceTag: setting(
            z
                .object({
                    key: userTagKey.describe("Tag key, e.g. `environment`."),
                    value: z.string().max(256).describe("Tag value the instance must carry."),
                })
                .strict()
                .optional(),
            "Tag a scheduled instance must also carry for this engine to snapshot it, so two engines in one account each serve their own instances.",
            { whenUnset: "`environment` = the stack's environment" },
        ),
        memorySizeMb: lambdaMemoryMb().default(256).describe("Memory of the runner in MB."),
        timeoutSeconds: wholeNumber(30, 900).default(300).describe("Time limit of one run in seconds."),
    })
    .strict();

export type OpsAutomatorSettings = z.output<typeof opsAutomatorSettings>;
