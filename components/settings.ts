// The only module that reads stack configuration. Everything else receives typed, validated values.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

export const PROJECT = "aws-blueprints";

/** Retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group id like sg-0123456789abcdef0");
const iamPrincipalArn = z
    .string()
    .regex(
        /^arn:aws[a-z-]*:(iam|sts)::\d{12}:[A-Za-z0-9+=,.@_/*-]+$/,
        "must be an IAM user, role or assumed-role ARN (a trailing * matches any session or path suffix)",
    );

/** A scenario whose component has not been built yet: the section exists so stacks can name it, but it cannot be enabled. */
function pendingScenario(title: string) {
    return z
        .object({
            enabled: z
                .literal(false, { message: `${title} is not available in this version of aws-blueprints; set enabled: false` })
                .default(false),
        })
        .strict()
        .prefault({});
}

export const securityGroupGuardSchema = z
    .object({
        /** Build the scenario. @default false */
        enabled: z.boolean().default(false),
        /** Security groups to watch, by id. @default [] */
        monitoredGroupIds: z.array(securityGroupId).default([]),
        /** Security groups carrying this tag are watched too. @default none */
        monitoredTag: z
            .object({ key: z.string().min(1).max(128), value: z.string().max(256) })
            .strict()
            .optional(),
        /** Principals whose changes are accepted and never reverted (e.g. the deployment role). @default [] */
        approvedPrincipalArns: z.array(iamPrincipalArn).default([]),
        /** Create the post's sample "Web Server Security Group" (443 from anywhere) and watch it. @default true */
        createSampleGroup: z.boolean().default(true),
        /** VPC of the sample group. @default the region's default VPC */
        sampleGroupVpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0").optional(),
        /** Create a multi-region CloudTrail trail (only needed when the account has none). @default false */
        createTrail: z.boolean().default(false),
        /** Memory of the revert function in MB. @default 256 */
        memorySizeMb: z.number().int().min(128).max(10240).default(256),
    })
    .strict()
    .refine((s) => !s.enabled || s.monitoredGroupIds.length > 0 || s.monitoredTag !== undefined || s.createSampleGroup, {
        message: "nothing to monitor: set monitoredGroupIds, monitoredTag or createSampleGroup: true",
    });

const settingsSchema = z
    .object({
        environment: z
            .string()
            .regex(/^[a-z][a-z0-9-]{1,15}$/, "must be 2-16 lowercase letters, digits or dashes, starting with a letter"),
        owner: z.string().min(1, "must not be empty"),
        costCenter: z.string().min(1, "must not be empty"),
        notificationEmail: z
            .union([z.literal(""), z.email("must be an email address")])
            .transform((v) => (v === "" ? undefined : v))
            .optional(),
        logRetentionDays: z
            .number()
            .int()
            .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
                message: `must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
            }),
        protect: z.boolean(),
        region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "must be an AWS region like us-east-1"),
        compliantWebApp: pendingScenario("compliantWebApp (CJIS two-VPC web environment)"),
        windowsContainers: pendingScenario("windowsContainers (Windows containers on ECS)"),
        lambdaCanary: pendingScenario("lambdaCanary (Lambda canary deployments)"),
        spotFleet: pendingScenario("spotFleet (EC2 Spot capacity)"),
        budgetGuardrail: pendingScenario("budgetGuardrail (serverless cost controls)"),
        patchInspectProtect: pendingScenario("patchInspectProtect (Windows patching, Inspector, snapshots)"),
        multiRegionApi: pendingScenario("multiRegionApi (multi-region API with failover)"),
        sesTracking: pendingScenario("sesTracking (SES reputation and tracking)"),
        imageHandler: pendingScenario("imageHandler (serverless image handler)"),
        opsAutomator: pendingScenario("opsAutomator (Ops Automator engine)"),
        safeDeployPipeline: pendingScenario("safeDeployPipeline (safe stack-update pipeline)"),
        athenaAnalytics: pendingScenario("athenaAnalytics (Athena analytics workstation)"),
        securityGroupGuard: securityGroupGuardSchema.prefault({}),
        sniLoadBalancer: pendingScenario("sniLoadBalancer (ALB with multiple TLS certificates)"),
    })
    .strict();

type ParsedSettings = z.output<typeof settingsSchema>;
export type SecurityGroupGuardSettings = z.output<typeof securityGroupGuardSchema>;

export interface Settings extends ParsedSettings {
    /** Tags every taggable resource carries (the scenario tag is added per component). */
    readonly tags: Readonly<Record<string, string>>;
}

/** Keys whose raw config value is a plain string (everything else is JSON: numbers, booleans, objects). */
const STRING_KEYS = new Set(["environment", "owner", "costCenter", "notificationEmail"]);
const SCENARIO_KEYS = Object.keys(settingsSchema.shape).filter(
    (k) => !STRING_KEYS.has(k) && !["logRetentionDays", "protect", "region"].includes(k),
);

export class SettingsError extends Error {
    constructor(readonly problems: string[]) {
        super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "SettingsError";
    }
}

function configKey(path: readonly PropertyKey[]): string {
    const [head, ...rest] = path.map(String);
    const ns = head === "region" ? "aws:region" : `${PROJECT}:${head ?? ""}`;
    return rest.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : `${acc}.${p}`), ns);
}

function describe(value: unknown): string {
    if (value === undefined) return "nothing (the key is missing)";
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Validates raw configuration values (as the config system stores them: key -> string, objects as JSON).
 * Throws a SettingsError naming every bad key, its value and what is allowed.
 */
export function parseSettings(raw: Record<string, string | undefined>, region: string | undefined): Settings {
    const problems: string[] = [];
    const input: Record<string, unknown> = { region };
    for (const [key, value] of Object.entries(raw)) {
        if (value === undefined) continue;
        if (STRING_KEYS.has(key)) {
            input[key] = value;
            continue;
        }
        try {
            input[key] = JSON.parse(value);
        } catch {
            // A bare word where JSON was expected: keep it, the schema names the key and the type it wanted.
            input[key] = value;
        }
    }
    const result = settingsSchema.safeParse(input, { reportInput: true });
    if (!result.success) {
        for (const issue of result.error.issues) {
            const key = configKey(issue.path);
            const got = "input" in issue ? `; got ${describe(issue.input)}` : "";
            if (issue.code === "unrecognized_keys") {
                problems.push(`${key}: unknown key(s) ${issue.keys.join(", ")}`);
            } else {
                problems.push(`${key}: ${issue.message}${got}`);
            }
        }
        throw new SettingsError(problems);
    }
    const s = result.data;
    return {
        ...s,
        tags: { application: PROJECT, environment: s.environment, owner: s.owner, "cost-center": s.costCenter },
    };
}

/** Reads this stack's configuration once and validates it. */
export function loadSettings(): Settings {
    const config = new pulumi.Config(PROJECT);
    const raw: Record<string, string | undefined> = {};
    for (const key of [...STRING_KEYS, "logRetentionDays", "protect", ...SCENARIO_KEYS]) {
        raw[key] = config.get(key);
    }
    return parseSettings(raw, new pulumi.Config("aws").get("region"));
}
