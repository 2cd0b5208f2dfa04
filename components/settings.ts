// The only module that reads stack configuration: the global keys, the values several scenarios declare, and the
// validation of a whole stack's configuration (values reserved for documentation are found by documentationValues.ts).
// Everything else receives typed, validated values.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DocumentationValuesError, findDocumentationOnlyValues } from "./documentationValues";
import { describeValue, keyPath, Scenario, setting } from "./scenario";

export const PROJECT = "aws-blueprints";
/** The configuration namespaces the program reads: its own keys and the AWS provider's. */
export const CONFIG_NAMESPACES = [PROJECT, "aws"] as const;

/** Retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

// ---- values several scenarios declare ---------------------------------------------------------------------

export const ipv4Cidr = z
    .string()
    .regex(
        /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(\d|[12]\d|3[0-2])$/,
        "must be an IPv4 CIDR block like 203.0.113.0/24",
    );
let knownInstanceTypes: ReadonlySet<string> | undefined;
/**
 * EC2's instance types as the AWS SDK's EC2 model lists them: a type EC2 does not have passes the pattern but fails
 * at launch. The deploying process has the SDK (npm ci installs it); it is loaded only when a stack names a type.
 */
function ec2InstanceTypes(): ReadonlySet<string> {
    knownInstanceTypes ??= new Set(Object.values(require("@aws-sdk/client-ec2")._InstanceType as Record<string, string>));
    return knownInstanceTypes;
}
export const instanceType = z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: "must be an EC2 instance type like m5.large", abort: true })
    .refine((t) => ec2InstanceTypes().has(t), "must be an EC2 instance type like m5.large: EC2 has no type of that name");
export const wholeNumber = (min: number, max: number) =>
    z.number().int(`must be a whole number from ${min} to ${max}`).min(min, `must be a whole number from ${min} to ${max}`).max(max, `must be a whole number from ${min} to ${max}`);

/** Memory a Lambda function may have, in MB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). */
export const LAMBDA_MEMORY_MB = { min: 128, max: 10240 } as const;
/** A function's memory in MB, as a setting: what Lambda accepts, from `min` where the handler needs more. */
export const lambdaMemoryMb = (min: number = LAMBDA_MEMORY_MB.min) => wholeNumber(min, LAMBDA_MEMORY_MB.max);

export const awsRegion = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "must be an AWS region like us-east-1");
export const hostName = z
    .string()
    .regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lowercase host name like api.example.com");

export const hostedZoneId = z.string().regex(/^Z[A-Z0-9]{1,31}$/, "must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ");
export const siteHostName = z
    .string()
    .regex(/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lowercase host name like www.example.com (or *.example.com)");

export const subnetId = z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0123456789abcdef0");
export const userTagKey = z
    .string()
    .min(1, "must not be empty")
    .max(128, "must be at most 128 characters")
    .refine((k) => !k.startsWith("aws:"), "must not start with aws: (reserved by AWS)");

/**
 * The keys every stack has besides the scenarios' sections. Their defaults are the CLI's too: `npm run docs` writes
 * them into Pulumi.yaml's `config` block, and a test fails when that block has drifted.
 */
export const globalSettings = z.object({
    environment: setting(
        z.string().regex(/^[a-z][a-z0-9-]{1,15}$/, "must be 2-16 lowercase letters, digits or dashes, starting with a letter"),
        "Environment name: part of resource names, the `environment` tag and what the stack's functions and policies select (tag values, name prefixes), so two stacks in one account need different ones. Set it when the stack's name is not one.",
        { whenUnset: "the stack's name", allowed: "2-16 lowercase letters, digits or dashes, starting with a letter" },
    ),
    owner: z.string().min(1, "must not be empty").default("platform-team").describe("Team or person accountable for the stack; becomes the `owner` tag."),
    costCenter: z.string().min(1, "must not be empty").default("engineering").describe("Cost centre for billing reports; becomes the `cost-center` tag."),
    notificationEmail: setting(
        z
            .union([z.literal(""), z.email("must be an email address")])
            .default("")
            .transform((v) => (v === "" ? undefined : v)),
        "Email address subscribed to every scenario's notification topic (confirm the email AWS sends). Empty means no email subscription. Changing it replaces each subscription: the new address gets a confirmation to accept, and the old one stops receiving.",
        { allowed: "empty, or an email address" },
    ),
    logRetentionDays: setting(
        z
            .number()
            .int()
            .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), { message: `must be one of ${LOG_RETENTION_DAYS.join(", ")}` })
            .default(30),
        "Retention of every CloudWatch log group the program creates, in days (a value CloudWatch Logs accepts).",
        { allowed: LOG_RETENTION_DAYS.join(", ") },
    ),
    protect: z
        .boolean()
        .default(false)
        .describe(
            "Protect stateful resources (buckets, tables, databases, keys, queues, log groups) from deletion by Pulumi; they are also retained if removed from the program. `true` in prod.",
        ),
    region: setting(z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "must be an AWS region like us-east-1"), "Region the stack deploys to: the AWS provider's own `aws:region` setting."),
});
export type GlobalSettings = z.output<typeof globalSettings>;

/**
 * The arguments every component takes besides its scenario's settings (`BlueprintArgs`), declared for the package
 * schema: what a stack sets once for all its components, a program or another language sets per component.
 */
export const blueprintArgsDeclaration = z.object({
    tags: z
        .record(z.string(), z.string())
        .optional()
        .describe("Tags merged into every taggable resource the component creates (`application` and `scenario` are added)."),
    protect: globalSettings.shape.protect.describe("Protect the component's stateful resources (buckets, tables, databases, keys, queues, log groups) from deletion by Pulumi; they are also retained if removed from the program."),
    logRetentionDays: globalSettings.shape.logRetentionDays.describe(`Retention of the component's CloudWatch log groups, in days: one of ${LOG_RETENTION_DAYS.join(", ")}.`),
    notificationEmail: z.string().optional().describe("Email address subscribed to the component's notification topics (confirm the email AWS sends); none when unset."),
});

/** Keys whose raw config value is a plain string (everything else is JSON: numbers, booleans, objects). */
const STRING_KEYS = new Set(["environment", "owner", "costCenter", "notificationEmail"]);

/** The validated configuration of a stack: the global keys, every scenario's section, and the tags. */
export type SettingsOf<R extends readonly Scenario[]> = GlobalSettings & { readonly [S in R[number] as S["key"]]: z.output<S["declaration"]> } & {
    /** Tags every taggable resource carries (the scenario tag is added per component). */
    readonly tags: Readonly<Record<string, string>>;
};

export class SettingsError extends Error {
    constructor(readonly problems: string[]) {
        super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "SettingsError";
    }
}

function configKey(path: readonly PropertyKey[]): string {
    const [head, ...rest] = path.map(String);
    return keyPath(rest, head === "region" ? "aws:region" : `${PROJECT}:${head ?? ""}`);
}

/** Edit distance (insertions, deletions, substitutions and swaps of two neighbours) between two words. */
export function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}

/**
 * The known key a misspelt one most likely meant: the nearest by edit distance (ignoring case) when it is close
 * for the word's length, or one the word is the start of (`limit` for `limitAmount`).
 */
export function closestKey(word: string, known: readonly string[]): string | undefined {
    const w = word.toLowerCase();
    let best: { key: string; distance: number } | undefined;
    for (const key of known) {
        const distance = editDistance(w, key.toLowerCase());
        if (!best || distance < best.distance) best = { key, distance };
    }
    if (best && best.distance <= Math.max(2, Math.floor(w.length / 3))) return best.key;
    if (w.length >= 4) return known.find((k) => k.toLowerCase().startsWith(w) || w.startsWith(k.toLowerCase()));
    return undefined;
}

function unknownKeyProblem(path: readonly PropertyKey[], key: string, known: readonly string[]): string {
    if (path.length === 0 && key === "region") return `${PROJECT}:region: unknown key; did you mean \`aws:region\`? (the region is the AWS provider's setting)`;
    const suggestion = closestKey(key, known);
    const hint = suggestion !== undefined ? `did you mean \`${suggestion}\`?` : `the known keys are ${known.join(", ")}`;
    return `${configKey([...path, key])}: unknown key; ${hint}`;
}

/** The object schemas a config path leads to (every option of a union), unwrapping defaults, optionals and pipes. */
function objectSchemasAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodObject[] {
    const def = (schema as any)._zod.def;
    switch (def.type) {
        case "default":
        case "prefault":
        case "optional":
        case "nullable":
        case "readonly":
        case "catch":
            return objectSchemasAt(def.innerType, path);
        case "pipe":
            return [...objectSchemasAt(def.in, path), ...objectSchemasAt(def.out, path)];
        case "union":
            return def.options.flatMap((o: z.ZodType) => objectSchemasAt(o, path));
    }
    if (path.length === 0) return def.type === "object" ? [schema as z.ZodObject] : [];
    const [head, ...rest] = path;
    if (def.type === "object") return def.shape[String(head)] ? objectSchemasAt(def.shape[String(head)], rest) : [];
    if (def.type === "array") return objectSchemasAt(def.element, rest);
    if (def.type === "record") return objectSchemasAt(def.valueType, rest);
    return [];
}

function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
    const keys = new Set(objectSchemasAt(schema, path).flatMap((o) => Object.keys(o.shape)));
    if (path.length === 0) keys.delete("region");
    return [...keys];
}

/** Where the configuration comes from, beyond the values themselves. */
export interface SettingsContext {
    /** The stack's name: the environment when `environment` is not set. */
    readonly stack?: string;
}

const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{1,15}$/;

// ---- the stack's settings: the global keys and every scenario's section ----------------------------------------

/**
 * The configuration of a program built from `scenarios`: one schema of the global keys and a section per scenario,
 * the project's keys, and the functions that validate raw values (parseSettings) or the running stack's
 * configuration (loadSettings).
 */
export function settingsFor<const R extends readonly Scenario[]>(scenarios: R) {
    const sections = Object.fromEntries(scenarios.map((sc) => [sc.key, sc.declaration.prefault({})]));
    const schema = globalSettings.extend(sections).strict().superRefine((all, ctx) => {
        const values = all as Record<string, unknown> & GlobalSettings;
        for (const sc of scenarios) {
            const section = values[sc.key] as { enabled: boolean };
            for (const problem of sc.checkWithGlobals?.(section as never, values) ?? []) {
                ctx.addIssue({ code: "custom", path: [sc.key, problem.key], message: problem.message, input: (section as Record<string, unknown>)[problem.key] });
            }
        }
    });
    /** Every key of the project's namespace (`aws-blueprints:<key>`); the region comes from `aws:region`. */
    const PROJECT_KEYS: readonly string[] = Object.keys(schema.shape).filter((k) => k !== "region");
    /** Top-level keys that switch a scenario on and off (`<key>.enabled`). */
    const SCENARIO_KEYS: readonly string[] = scenarios.map((sc) => sc.key);

    /**
     * Validates raw configuration values (as the config system stores them: key -> string, objects as JSON), keyed
     * without the `aws-blueprints:` prefix. Throws a SettingsError naming every bad or unknown key, its value and what
     * is allowed.
     */
    function parseSettings(raw: Record<string, string | undefined>, region: string | undefined, context: SettingsContext = {}): SettingsOf<R> {
        const problems: string[] = [];
        const input: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(raw)) {
            if (value === undefined) continue;
            if (!PROJECT_KEYS.includes(key)) {
                problems.push(unknownKeyProblem([], key, PROJECT_KEYS));
                continue;
            }
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
        input.region = region;
        if (input.environment === undefined && context.stack !== undefined) {
            if (ENVIRONMENT_NAME.test(context.stack)) input.environment = context.stack;
            else {
                problems.push(
                    `${PROJECT}:environment: is not set, and the stack name ${JSON.stringify(context.stack)} is not an environment name ` +
                        "(2-16 lowercase letters, digits or dashes, starting with a letter): set it, e.g. pulumi config set environment staging",
                );
                input.environment = "unset";
            }
        }
        const result = schema.safeParse(input, { reportInput: true });
        if (!result.success) {
            for (const issue of result.error.issues) {
                if (issue.code === "unrecognized_keys") {
                    const known = knownKeysAt(schema, issue.path);
                    for (const k of issue.keys) problems.push(unknownKeyProblem(issue.path, k, known));
                    continue;
                }
                const got = "input" in issue ? `; got ${describeValue(issue.input, "nothing (the key is missing)")}` : "";
                problems.push(`${configKey(issue.path)}: ${issue.message}${got}`);
            }
        }
        if (problems.length > 0 || !result.success) throw new SettingsError(problems);
        const s = result.data as unknown as GlobalSettings;
        return {
            ...s,
            tags: { application: PROJECT, environment: s.environment, owner: s.owner, "cost-center": s.costCenter },
        } as SettingsOf<R>;
    }

    /**
     * Reads this stack's whole configuration once and validates it: unknown keys of the project's namespace are
     * errors; documentation-only values are warnings in a preview and an error in an update, before any resource.
     */
    function loadSettings(): SettingsOf<R> {
        const config = pulumi.runtime.allConfig();
        const raw: Record<string, string> = {};
        for (const [key, value] of Object.entries(config)) {
            if (key.startsWith(`${PROJECT}:`)) raw[key.slice(PROJECT.length + 1)] = value;
        }
        const settings = parseSettings(raw, config["aws:region"], { stack: pulumi.getStack() });
        const placeholders = findDocumentationOnlyValues(config, CONFIG_NAMESPACES);
        if (placeholders.length > 0 && !pulumi.runtime.isDryRun()) throw new DocumentationValuesError(placeholders);
        for (const p of placeholders) {
            pulumi.log.warn(`${p.key} holds a documentation-only value (${p.reason}); pulumi up refuses it until you set your own`);
        }
        return settings;
    }

    return { schema, PROJECT_KEYS, SCENARIO_KEYS, parseSettings, loadSettings };
}
