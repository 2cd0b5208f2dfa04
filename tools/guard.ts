// Preview guard: applies the change-set inspection rule (handlers/changeInspection.ts) to the JSON that
// `pulumi preview --json` writes. In a protected stack, deleting or replacing a stateful resource fails unless
// its URN is explicitly allowed; the report names every such step.
// Usage: npm run guard -- --preview <file> -s <name> [--config <file>] [--protected-stacks a,b] [--allow <urn> ...] [--output <file>]
// Exit codes: 0 safe (or the stack is not protected), 1 unsafe, 2 unusable input or command line.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import {
    describeUnsafe,
    inspectChanges,
    Inspection,
    ResourceChangeSummary,
    UnsafeChange,
} from "../handlers/safeDeployPipeline/changeInspection";
import { defineCommand, EXIT_USAGE, Io, main, required, STACK_OPTION, stackName, Values } from "./cli";
import { isStateful } from "./stateful";

export const DEFAULT_CONFIG = path.join(__dirname, "guard.config.json");

/** One step of `pulumi preview --json` (display.PreviewStep); only the fields the guard reads. */
export interface PreviewStep {
    readonly op: string;
    readonly urn: string;
    readonly provider?: string;
    readonly oldState?: { readonly type?: string; readonly protect?: boolean; readonly retainOnDelete?: boolean } | null;
    readonly newState?: { readonly type?: string; readonly protect?: boolean; readonly retainOnDelete?: boolean } | null;
    readonly diffReasons?: readonly string[] | null;
    readonly replaceReasons?: readonly string[] | null;
    readonly detailedDiff?: Readonly<Record<string, { readonly kind: string; readonly inputDiff?: boolean }>> | null;
}

/** The document `pulumi preview --json` writes (display.PreviewDigest). */
export interface PreviewDocument {
    readonly steps: readonly PreviewStep[];
    readonly changeSummary: Readonly<Record<string, number>>;
    readonly diagnostics: ReadonlyArray<{ readonly urn?: string; readonly message?: string; readonly severity?: string }>;
}

/** Parses and checks a preview document; anything that is not one is an error, never "no changes". */
export function parsePreview(text: string, source = "preview"): PreviewDocument {
    let doc: any;
    try {
        doc = JSON.parse(text);
    } catch (err) {
        throw new Error(`${source} is not JSON (${(err as Error).message}); write it with pulumi preview --json`);
    }
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new Error(`${source} is not a pulumi preview --json document`);
    if (doc.steps === undefined && doc.changeSummary === undefined) {
        throw new Error(`${source} has neither steps nor changeSummary; is it pulumi preview --json output?`);
    }
    if (doc.steps !== undefined && doc.steps !== null && !Array.isArray(doc.steps)) throw new Error(`${source}: steps must be a list`);
    const steps: PreviewStep[] = doc.steps ?? [];
    steps.forEach((s, i) => {
        if (!s || typeof s.op !== "string" || typeof s.urn !== "string" || !s.urn.startsWith("urn:pulumi:")) {
            throw new Error(`${source}: step ${i} has no op and URN: ${JSON.stringify(s)?.slice(0, 200)}`);
        }
    });
    const diagnostics = Array.isArray(doc.diagnostics) ? doc.diagnostics : [];
    return { steps, changeSummary: doc.changeSummary ?? {}, diagnostics };
}

function urnStack(urn: string): string {
    return urn.split("::")[0].slice("urn:pulumi:".length);
}

function urnName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

function stepType(step: PreviewStep): string {
    const qualified = step.urn.split("::")[2] ?? "";
    return step.newState?.type ?? step.oldState?.type ?? qualified.split("$").pop()!;
}

/** Steps that change nothing in the cloud: reads of external resources and state-only bookkeeping. */
const NO_CHANGE_OPS = new Set(["same", "read", "refresh", "read-replacement", "discard", "discard-replaced"]);
const REPLACE_OPS = new Set(["replace", "create-replacement", "import-replacement"]);
const DELETE_OPS = new Set(["delete", "delete-replaced", "remove-pending-replace"]);

/**
 * A Pulumi step in change-set terms: delete/delete-replaced -> Remove; replace/create-replacement -> Modify with
 * Replacement True; update -> Modify; create -> Add; import -> Import; reads and `same` are no change. An op this
 * guard does not know is Dynamic with a Conditional replacement, which the rule counts as unsafe.
 */
export function stepToChange(step: PreviewStep): ResourceChangeSummary | undefined {
    const base = { id: step.urn, resourceType: stepType(step) };
    const reasons = step.replaceReasons?.length ? { reasons: [...step.replaceReasons] } : {};
    if (NO_CHANGE_OPS.has(step.op)) return undefined;
    if (step.op === "create") return { ...base, action: "Add" };
    if (step.op === "update") return { ...base, action: "Modify", replacement: "False" };
    if (step.op === "import") return { ...base, action: "Import" };
    if (DELETE_OPS.has(step.op)) return { ...base, action: "Remove" };
    if (REPLACE_OPS.has(step.op)) return { ...base, action: "Modify", replacement: "True", ...reasons };
    return { ...base, action: "Dynamic", replacement: "Conditional", reasons: [`unrecognised op ${step.op}`] };
}

function severity(c: ResourceChangeSummary): number {
    if (c.action === "Modify" && c.replacement === "True") return 4;
    if (c.action === "Remove") return 3;
    if (c.action === "Dynamic") return 2;
    return c.action === "Modify" ? 1 : 0;
}

/**
 * One change per resource: a replacement appears as `replace` plus, with --show-replacement-steps, its
 * `create-replacement` and `delete-replaced` halves; together they are one replacement.
 */
export function changesFromPreview(doc: PreviewDocument): { changes: ResourceChangeSummary[]; ops: Map<string, string[]> } {
    const byUrn = new Map<string, ResourceChangeSummary>();
    const ops = new Map<string, string[]>();
    for (const step of doc.steps) {
        ops.set(step.urn, [...(ops.get(step.urn) ?? []), step.op]);
        const change = stepToChange(step);
        if (!change) continue;
        const prev = byUrn.get(step.urn);
        const reasons = [...new Set([...(prev?.reasons ?? []), ...(change.reasons ?? [])])];
        const winner = !prev || severity(change) > severity(prev) ? change : prev;
        byUrn.set(step.urn, { ...winner, ...(reasons.length ? { reasons } : {}) });
    }
    return { changes: [...byUrn.values()], ops };
}

// ---- configuration ----------------------------------------------------------------------------------------

const guardConfigSchema = z
    .object({
        /** Stacks in which deleting or replacing a stateful resource fails the guard. @default ["prod"] */
        protectedStacks: z.array(z.string().regex(/^[A-Za-z0-9_.-]+$/, "must be a stack name like prod")).default(["prod"]),
        /** Deletions or replacements accepted on purpose, by URN, each with why. @default [] */
        allowed: z
            .array(
                z
                    .object({
                        urn: z.string().regex(/^urn:pulumi:[^:]+::[^:]+::.+::.+$/, "must be a full resource URN (urn:pulumi:<stack>::<project>::<type>::<name>)"),
                        reason: z.string().trim().min(10, "must say why, in at least 10 characters"),
                    })
                    .strict(),
            )
            .default([]),
    })
    .strict();

export type GuardConfig = z.infer<typeof guardConfigSchema>;

/** Reads the guard configuration; a missing default file means the defaults (prod protected, nothing allowed). */
export function loadGuardConfig(file = DEFAULT_CONFIG, required = false): GuardConfig {
    if (!existsSync(file)) {
        if (required) throw new Error(`guard configuration ${file} does not exist`);
        return guardConfigSchema.parse({});
    }
    let raw: unknown;
    try {
        raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
        throw new Error(`${file} is not JSON: ${(err as Error).message}`);
    }
    const result = guardConfigSchema.safeParse(raw);
    if (!result.success) {
        const problems = result.error.issues.map((i) => `  - ${i.path.join(".") || "(root)"}: ${i.message}`);
        throw new Error(`invalid guard configuration ${file}:\n${problems.join("\n")}`);
    }
    return result.data;
}

// ---- the guard --------------------------------------------------------------------------------------------

export interface GuardResult {
    readonly stack: string;
    readonly protected: boolean;
    /** The rule applied to stateful resources. */
    readonly inspection: Inspection;
    /** Deletions and replacements of resources that hold no data (reported, never blocking). */
    readonly otherDestructive: readonly UnsafeChange[];
    readonly ops: ReadonlyMap<string, readonly string[]>;
    readonly changeSummary: Readonly<Record<string, number>>;
    /** Reasons for the allowed changes, by URN. */
    readonly allowedReasons: ReadonlyMap<string, string>;
    readonly exitCode: 0 | 1;
}

/** `org/prod` (Pulumi Cloud) and `prod` name the same stack; URNs carry only `prod`. */
export function shortStackName(stack: string): string {
    return stack.split("/").pop()!;
}

export function guardPreview(doc: PreviewDocument, stackName: string, config: GuardConfig): GuardResult {
    const stack = shortStackName(stackName);
    const errors = doc.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) {
        throw new Error(`the preview reported errors, so its steps may be incomplete:\n${errors.map((e) => `  - ${e.message?.trim()}`).join("\n")}`);
    }
    const foreign = doc.steps.find((s) => urnStack(s.urn) !== stack);
    if (foreign) throw new Error(`the preview is of stack ${urnStack(foreign.urn)}, not ${stack} (${foreign.urn})`);
    const { changes, ops } = changesFromPreview(doc);
    const stateful = changes.filter((c) => isStateful(c.resourceType));
    const inspection = inspectChanges(stateful, { allowedIds: config.allowed.map((a) => a.urn) });
    const other = inspectChanges(changes.filter((c) => !isStateful(c.resourceType)));
    const isProtected = config.protectedStacks.includes(stack);
    return {
        stack,
        protected: isProtected,
        inspection,
        otherDestructive: other.unsafe,
        ops,
        changeSummary: doc.changeSummary,
        allowedReasons: new Map(config.allowed.map((a) => [a.urn, a.reason])),
        exitCode: isProtected && inspection.unsafe.length > 0 ? 1 : 0,
    };
}

function code(text: string): string {
    return `\`${text.replace(/\|/g, "\\|").replace(/`/g, "'")}\``;
}

/** The op that names a resource's change best when a replacement shows up as several steps. */
const OP_PRIORITY = ["replace", "import-replacement", "create-replacement", "delete-replaced", "delete", "remove-pending-replace"];

function opText(result: GuardResult, u: UnsafeChange): string {
    const ops = result.ops.get(u.change.id) ?? [];
    const main = OP_PRIORITY.find((o) => ops.includes(o)) ?? ops[0] ?? u.kind;
    const extra = ops.filter((o) => o !== main);
    return `${code(main)}${extra.length ? ` (with ${extra.map(code).join(", ")})` : ""}`;
}

function row(result: GuardResult, u: UnsafeChange, extra = ""): string {
    const reasons = u.change.reasons?.length ? u.change.reasons.map(code).join(", ") : "—";
    return `| ${code(urnName(u.change.id))}<br><sub>${code(u.change.id)}</sub> | ${code(u.change.resourceType)} | ${opText(result, u)} | ${reasons} |${extra}`;
}

/** The Markdown report: verdict, then each unsafe, allowed and other destructive step. */
export function renderGuardReport(result: GuardResult, configFile = "tools/guard.config.json"): string {
    const { inspection } = result;
    const lines: string[] = [`## Preview guard: stack \`${result.stack}\`${result.protected ? " (protected)" : ""}`, ""];
    if (inspection.unsafe.length === 0) {
        lines.push(`✅ **${inspection.verdict}**: no stateful resource is deleted or replaced${inspection.allowed.length ? " except as allowed below" : ""}.`);
    } else if (result.protected) {
        lines.push(
            `⛔ **${inspection.verdict}**: ${inspection.unsafe.length} step(s) would delete or replace stateful resources in a protected stack. ` +
                "Do not deploy this; keep the resource (an alias for a rename) or, if the data may go, allow the URN with a reason in " +
                `${code(configFile)}.`,
        );
    } else {
        lines.push(
            `ℹ️ **${inspection.verdict}**: ${inspection.unsafe.length} step(s) would delete or replace stateful resources. ` +
                `\`${result.stack}\` is not a protected stack, so this does not fail.`,
        );
    }
    lines.push("");
    const header = ["| Resource | Type | Operation | Replace reasons |", "|---|---|---|---|"];
    if (inspection.unsafe.length > 0) {
        lines.push(`### ${result.protected ? "Unsafe" : "Deletions and replacements of stateful resources"}`, "", ...header);
        for (const u of inspection.unsafe) lines.push(row(result, u));
        lines.push("");
    }
    if (inspection.allowed.length > 0) {
        lines.push("### Allowed by configuration", "", "| Resource | Type | Operation | Replace reasons | Why allowed |", "|---|---|---|---|---|");
        for (const u of inspection.allowed) lines.push(row(result, u, ` ${result.allowedReasons.get(u.change.id) ?? ""} |`));
        lines.push("");
    }
    if (result.otherDestructive.length > 0) {
        lines.push("<details><summary>Deletions and replacements of resources that hold no data " + `(${result.otherDestructive.length})</summary>`, "", ...header);
        for (const u of result.otherDestructive) lines.push(row(result, u));
        lines.push("", "</details>", "");
    }
    const counts = Object.entries(result.changeSummary)
        .filter(([, n]) => n > 0)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([op, n]) => `${op} ${n}`)
        .join(", ");
    lines.push(`<sub>pulumi preview change summary: ${counts || "none"}.</sub>`);
    return `${lines.join("\n")}\n`;
}

export const guardCommand = defineCommand({
    invocation: "npm run guard --",
    summary: "Fails a protected stack's preview (pulumi preview --json) that deletes or replaces a stateful resource, and prints the Markdown report.",
    options: {
        preview: { type: "string", value: "file", description: "what `pulumi preview --json` wrote (required)" },
        stack: { ...STACK_OPTION, description: "the previewed stack: name, org/name or org/project/name (required)" },
        config: { type: "string", value: "file", description: "guard configuration (default: tools/guard.config.json; must exist when given)" },
        "protected-stacks": { type: "string", value: "a,b", description: "stacks to protect instead of the configuration's protectedStacks" },
        allow: { type: "string", value: "urn", multiple: true, description: "allow deleting or replacing this URN, repeatable" },
        output: { type: "string", value: "file", description: "also write the report to this file" },
    },
    notes: ["Exit codes: 0 safe (or the stack is not protected), 1 unsafe, 2 unusable preview, configuration or command line."],
});

export function runGuard(values: Values<typeof guardCommand.options>, io: Io): number {
    const previewFile = required(values.preview, "preview");
    const stack = stackName(required(values.stack, "stack"));
    const configFile = values.config ? path.resolve(values.config) : DEFAULT_CONFIG;
    const loaded = loadGuardConfig(configFile, values.config !== undefined);
    const protectedOverride = values["protected-stacks"];
    const config: GuardConfig = {
        protectedStacks: protectedOverride !== undefined ? protectedOverride.split(",").map((s) => s.trim()).filter(Boolean) : loaded.protectedStacks,
        allowed: [...loaded.allowed, ...(values.allow ?? []).map((urn) => ({ urn, reason: "allowed with --allow on the command line" }))],
    };
    const doc = parsePreview(readFileSync(path.resolve(previewFile), "utf8"), previewFile);
    const result = guardPreview(doc, stack, config);
    const report = renderGuardReport(result, path.relative(process.cwd(), configFile) || configFile);
    if (values.output) writeFileSync(path.resolve(values.output), report);
    io.stdout.write(report);
    for (const line of describeUnsafe(result.inspection.unsafe)) io.stderr.write(`${result.protected ? "unsafe" : "note"}: ${line}\n`);
    return result.exitCode;
}

// A guard that cannot read its input must never pass: every failure exits 2, like a usage error.
if (require.main === module) main(guardCommand, runGuard, { failureCode: EXIT_USAGE });
