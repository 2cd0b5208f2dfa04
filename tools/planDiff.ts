// Offline plan diff: compares each stack's committed plan at a git ref with the plan of the working tree
// (regenerated in-process, so it shows what the code does even when a plan file was not updated) and prints
// Markdown for a pull-request comment. Removing or renaming a stateful resource without an alias is DANGER.
// Usage: npm run plan:diff -- --base <git-ref> [-s <name> ...] [--output <file>]   (npm run plan:diff -- --help)
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ROOT, runStack } from "../engine/evaluate";
import { changeDiagram } from "../diagram/changes";
import { defineCommand, Io, main, required, STACK_OPTION, stackName, Values } from "./cli";
import { buildPlan, committedStacks, configuredStacks, parsePlan, Plan, PlanResource, planPath, serializePlan } from "./plan";
import { isStateful } from "./stateful";

/** One property that differs; `path` is relative to the resource (`tags.owner`, `policy.Statement[0].Action`). */
export interface PropertyChange {
    readonly path: string;
    readonly before?: unknown;
    readonly after?: unknown;
}

export interface ResourceRef {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent?: string;
}

export interface ResourceChange extends ResourceRef {
    /** The URN before, when the resource was renamed under an alias. */
    readonly from?: string;
    readonly changes: readonly PropertyChange[];
}

export interface Danger extends ResourceRef {
    /** `removed`: gone from the program; `urn-change`: re-created under a new URN (delete + create). */
    readonly kind: "removed" | "urn-change";
    /** The new URN of a `urn-change`. */
    readonly successor?: string;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
}

export interface PlanDiff {
    readonly stack: string;
    readonly added: readonly ResourceRef[];
    readonly removed: readonly ResourceRef[];
    /** Changed in place, or renamed under an alias (then `from` is set). */
    readonly changed: readonly ResourceChange[];
    readonly dangers: readonly Danger[];
    /** Stateful resources whose protect or retainOnDelete was switched off. */
    readonly protectionLowered: readonly ResourceChange[];
    readonly resourcesBefore: number;
    readonly resourcesAfter: number;
}

function parseJsonContainer(value: unknown): unknown {
    if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return undefined;
    try {
        const parsed = JSON.parse(value);
        return parsed && typeof parsed === "object" ? parsed : undefined;
    } catch {
        return undefined;
    }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

function join(base: string, key: string | number): string {
    if (typeof key === "number") return `${base}[${key}]`;
    const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
    return base ? `${base}.${safe}` : safe;
}

/** Property-by-property differences; JSON documents held in strings (policies, patterns) are compared structurally. */
export function diffValues(before: unknown, after: unknown, at = ""): PropertyChange[] {
    if (before === after) return [];
    if (before === undefined) return [{ path: at, after }];
    if (after === undefined) return [{ path: at, before }];
    const jsonBefore = parseJsonContainer(before);
    const jsonAfter = parseJsonContainer(after);
    if (jsonBefore !== undefined && jsonAfter !== undefined) return diffValues(jsonBefore, jsonAfter, at);
    if (Array.isArray(before) && Array.isArray(after)) {
        const out: PropertyChange[] = [];
        for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...diffValues(before[i], after[i], join(at, i)));
        return out;
    }
    if (isPlainObject(before) && isPlainObject(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
        return keys.flatMap((k) => diffValues(before[k], after[k], join(at, k)));
    }
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: at, before, after }];
}

function resourceChanges(before: PlanResource, after: PlanResource): PropertyChange[] {
    const options = (r: PlanResource) => ({ parent: r.parent, provider: r.provider, protect: r.protect, retainOnDelete: r.retainOnDelete });
    const optionChanges = diffValues(options(before), options(after)).map((c) => ({ ...c, path: `(${c.path})` }));
    return [...optionChanges, ...diffValues(before.inputs, after.inputs)];
}

function ref(urn: string, r: PlanResource): ResourceRef {
    return { urn, type: r.type, name: r.name, ...(r.parent ? { parent: r.parent } : {}) };
}

const EMPTY: Plan = { format: 1, project: "", stack: "", resources: {} };

/** Compares two plans of a stack. A missing `before` (no plan at the base) means everything is added. */
export function diffPlans(stack: string, before: Plan | undefined, after: Plan): PlanDiff {
    const old = (before ?? EMPTY).resources;
    const now = after.resources;
    // Old URN -> new URN for resources whose aliases cover a URN that disappeared.
    const renamedTo = new Map<string, string>();
    for (const [urn, r] of Object.entries(now)) {
        if (old[urn]) continue;
        for (const alias of r.aliases) if (old[alias] && !now[alias] && !renamedTo.has(alias)) renamedTo.set(alias, urn);
    }
    const renamedFrom = new Map([...renamedTo].map(([from, to]) => [to, from]));

    const added: ResourceRef[] = [];
    const removed: ResourceRef[] = [];
    const changed: ResourceChange[] = [];
    const dangers: Danger[] = [];
    const protectionLowered: ResourceChange[] = [];

    for (const [urn, r] of Object.entries(now).sort(([a], [b]) => a.localeCompare(b))) {
        const from = old[urn] ? urn : renamedFrom.get(urn);
        if (!from) {
            added.push(ref(urn, r));
            continue;
        }
        const prev = old[from];
        const changes = resourceChanges(prev, r);
        if (changes.length > 0 || from !== urn) changed.push({ ...ref(urn, r), ...(from !== urn ? { from } : {}), changes });
        const lowered = (prev.protect && !r.protect) || (prev.retainOnDelete && !r.retainOnDelete);
        if (lowered && isStateful(r.type)) {
            protectionLowered.push({ ...ref(urn, r), changes: changes.filter((c) => c.path === "(protect)" || c.path === "(retainOnDelete)") });
        }
    }
    const addedUrns = new Set(added.map((a) => a.urn));
    for (const [urn, r] of Object.entries(old).sort(([a], [b]) => a.localeCompare(b))) {
        if (now[urn] || renamedTo.has(urn)) continue;
        removed.push(ref(urn, r));
        if (!r.custom || !isStateful(r.type)) continue;
        // The likely successor: same type and name under another parent, else the one new resource of that type beside it.
        const candidates = [...addedUrns].filter((u) => now[u].type === r.type);
        const sameName = candidates.filter((u) => now[u].name === r.name);
        const sameParent = candidates.filter((u) => now[u].parent === r.parent);
        const successor = sameName.length === 1 ? sameName[0] : sameParent.length === 1 ? sameParent[0] : undefined;
        dangers.push({
            ...ref(urn, r),
            kind: successor ? "urn-change" : "removed",
            ...(successor ? { successor } : {}),
            protect: r.protect,
            retainOnDelete: r.retainOnDelete,
        });
    }
    return {
        stack,
        added,
        removed,
        changed,
        dangers,
        protectionLowered,
        resourcesBefore: Object.keys(old).length,
        resourcesAfter: Object.keys(now).length,
    };
}

export function hasChanges(d: PlanDiff): boolean {
    return d.added.length + d.removed.length + d.changed.length > 0;
}

// ---- Markdown ---------------------------------------------------------------------------------------------

const CELL_LIMIT = 160;
const ROWS_PER_RESOURCE = 40;
/** Longer lists are cut so every stack's section fits in one comment; DANGER entries are never cut. */
const ITEMS_PER_LIST = 60;
const CHANGED_PER_STACK = 80;

function code(text: string): string {
    const clean = text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
    return clean.includes("`") ? `<code>${html(clean)}</code>` : `\`${clean}\``;
}

function html(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function cell(value: unknown): string {
    if (value === undefined) return "—";
    let text = JSON.stringify(value);
    if (text.length > CELL_LIMIT) text = `${text.slice(0, CELL_LIMIT - 1)}…`;
    return code(text);
}

/** A short label: name and type, plus the parent component's name (HTML for use inside `<summary>`). */
function label(r: ResourceRef, asHtml = false): string {
    const wrap = asHtml ? (t: string) => `<code>${html(t)}</code>` : code;
    const parent = r.parent ? ` in ${wrap(r.parent.slice(r.parent.lastIndexOf("::") + 2))}` : "";
    return `${wrap(r.name)} ${wrap(r.type)}${parent}`;
}

function dangerText(d: Danger): string {
    const renamed = d.kind === "urn-change";
    const what = renamed ? `Its URN changes to ${code(d.successor!)} and no alias covers the old one.` : "Removed from the program.";
    const fresh = renamed ? " and creates a new, empty one" : "";
    const consequence = d.protect
        ? `\`pulumi up\` fails because it is protected; unprotected, Pulumi would delete it${renamed ? " and create a new, empty one" : ""}.`
        : d.retainOnDelete
          ? `Pulumi drops it from the stack but leaves it in AWS (retainOnDelete)${renamed ? " and creates a new, empty one beside it" : ""}.`
          : `Pulumi deletes it with its data${fresh}.`;
    const fix = renamed ? "Add an alias for the old URN to keep it." : "Keep it in the program unless the data may go.";
    return `${what} ${consequence} ${fix}`;
}

function renderStack(d: PlanDiff, base: string, notes: readonly string[], diagram = ""): string[] {
    const lines: string[] = [`### Stack \`${d.stack}\``, ""];
    for (const note of notes) lines.push(`> ${note}`, "");
    if (!hasChanges(d)) {
        lines.push(`No changes against \`${base}\` (${d.resourcesAfter} resources).`, "");
        return lines;
    }
    if (d.dangers.length > 0) {
        lines.push(`#### ⛔ DANGER: ${d.dangers.length} stateful resource(s) removed or renamed without an alias`, "");
        lines.push("| Resource | What happens |", "|---|---|");
        for (const x of d.dangers) lines.push(`| ${label(x)}<br>${code(x.urn)} | ${dangerText(x)} |`);
        lines.push("");
    }
    if (d.protectionLowered.length > 0) {
        lines.push(`#### ⚠️ Protection switched off on ${d.protectionLowered.length} stateful resource(s)`, "");
        for (const x of d.protectionLowered) {
            lines.push(`- ${label(x)}: ${x.changes.map((c) => `${c.path} ${cell(c.before)} → ${cell(c.after)}`).join(", ")}`);
        }
        lines.push("");
    }
    const list = (title: string, items: readonly ResourceRef[]) => {
        if (items.length === 0) return;
        lines.push(`#### ${title} (${items.length})`, "");
        for (const x of items.slice(0, ITEMS_PER_LIST)) lines.push(`- ${label(x)}`);
        if (items.length > ITEMS_PER_LIST) lines.push(`- … and ${items.length - ITEMS_PER_LIST} more`);
        lines.push("");
    };
    list("Added", d.added);
    list("Removed", d.removed);
    if (d.changed.length > 0) {
        lines.push(`#### Changed (${d.changed.length})`, "");
        for (const x of d.changed.slice(0, CHANGED_PER_STACK)) {
            const renamed = x.from ? ` — renamed from <code>${html(x.from)}</code> (an alias keeps it)` : "";
            if (x.changes.length === 0) {
                lines.push(`- ${label(x, true)}${renamed}, no property changes`, "");
                continue;
            }
            const count = `${x.changes.length} propert${x.changes.length === 1 ? "y" : "ies"}`;
            lines.push(`<details><summary>${label(x, true)}: ${count}${renamed}</summary>`, "");
            lines.push("| Property | Before | After |", "|---|---|---|");
            for (const c of x.changes.slice(0, ROWS_PER_RESOURCE)) lines.push(`| ${code(c.path || "(value)")} | ${cell(c.before)} | ${cell(c.after)} |`);
            if (x.changes.length > ROWS_PER_RESOURCE) lines.push(`| … | ${x.changes.length - ROWS_PER_RESOURCE} more | |`);
            lines.push("", "</details>", "");
        }
        if (d.changed.length > CHANGED_PER_STACK) lines.push(`… and ${d.changed.length - CHANGED_PER_STACK} more changed resources.`, "");
    }
    if (diagram) lines.push(diagram);
    return lines;
}

/** GitHub rejects comments over 65,536 characters. */
export const MAX_CHARS = 60_000;

/** Markdown for a pull-request comment: a summary table, then each stack (DANGER first). */
export function renderPlanDiffs(
    diffs: readonly PlanDiff[],
    base: string,
    notes: Readonly<Record<string, readonly string[]>> = {},
    diagrams: Readonly<Record<string, string>> = {},
): string {
    const totalDanger = diffs.reduce((n, d) => n + d.dangers.length, 0);
    const lines: string[] = [
        `## Infrastructure plan diff against \`${base}\``,
        "",
        totalDanger > 0
            ? `⛔ **DANGER: ${totalDanger} stateful resource(s) would be deleted or re-created.** Details below.`
            : "No stateful resource is removed or renamed without an alias.",
        "",
        "| Stack | Added | Changed | Removed | Danger |",
        "|---|---:|---:|---:|---:|",
        ...diffs.map((d) => `| \`${d.stack}\` | ${d.added.length} | ${d.changed.length} | ${d.removed.length} | ${d.dangers.length ? `⛔ ${d.dangers.length}` : 0} |`),
        "",
    ];
    for (const d of diffs) lines.push(...renderStack(d, base, notes[d.stack] ?? [], diagrams[d.stack]));
    lines.push("<sub>Offline plans (`plans/<stack>.json`, built under mocks). Replacements that only the provider can predict show up in the `pulumi preview` comment and its guard.</sub>");
    let text = lines.join("\n");
    if (text.length > MAX_CHARS) {
        const cut = text.lastIndexOf("\n", MAX_CHARS - 200);
        text = `${text.slice(0, cut)}\n\n… truncated; run \`npm run plan:diff -- --base ${base}\` for the rest.`;
    }
    return `${text}\n`;
}

// ---- git --------------------------------------------------------------------------------------------------

function git(args: string[], cwd: string): string {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
}

/** Fails clearly when the ref does not name a commit. */
export function verifyRef(ref: string, cwd = ROOT): void {
    try {
        git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], cwd);
    } catch {
        throw new Error(`--base ${ref} is not a commit in this repository (fetch it first, e.g. git fetch origin main)`);
    }
}

/** Stacks with a committed plan at the ref. */
export function stacksAtRef(ref: string, cwd = ROOT): string[] {
    return git(["ls-tree", "--name-only", ref, "plans/"], cwd)
        .split("\n")
        .map((f) => /^plans\/(.+)\.json$/.exec(f.trim())?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** The plan committed at the ref, or undefined when that commit has none for the stack. */
export function planAtRef(ref: string, stack: string, cwd = ROOT): Plan | undefined {
    if (!stacksAtRef(ref, cwd).includes(stack)) return undefined;
    return parsePlan(git(["show", `${ref}:plans/${stack}.json`], cwd), `${ref}:plans/${stack}.json`);
}

export const planDiffCommand = defineCommand({
    invocation: "npm run plan:diff --",
    summary: "Compares each stack's committed plan at a git ref with the plan of the working tree and prints Markdown.",
    options: {
        base: { type: "string", value: "git-ref", description: "commit to compare with, e.g. origin/main (required)" },
        stack: { ...STACK_OPTION, multiple: true, description: "stack to compare, repeatable (default: every stack with a plan at the ref or here)" },
        output: { type: "string", value: "file", description: "also write the Markdown to this file" },
    },
    notes: ["Exit codes: 0 compared (dangers are reported, not failed), 1 bad ref or program error, 2 unusable command line."],
});

export async function planDiff(values: Values<typeof planDiffCommand.options>, io: Io): Promise<number> {
    const base = required(values.base, "base");
    verifyRef(base);
    const requested = (values.stack ?? []).map((s) => stackName(s));
    const stacks = requested.length > 0 ? requested : [...new Set([...stacksAtRef(base), ...committedStacks()])].sort();
    const configured = configuredStacks();
    const diffs: PlanDiff[] = [];
    const notes: Record<string, string[]> = {};
    const diagrams: Record<string, string> = {};
    for (const stack of stacks) {
        if (!configured.includes(stack)) {
            diffs.push(diffPlans(stack, planAtRef(base, stack), { ...EMPTY, stack }));
            notes[stack] = [`\`Pulumi.${stack}.yaml\` is gone from the working tree; this compares against an empty program.`];
            continue;
        }
        const before = planAtRef(base, stack);
        const after = await buildPlan(stack);
        const stackNotes: string[] = [];
        if (!before) stackNotes.push(`\`${base}\` has no \`plans/${stack}.json\`; every resource counts as added.`);
        const file = planPath(stack);
        if (!existsSync(file) || readFileSync(file, "utf8") !== serializePlan(after)) {
            stackNotes.push(`⚠️ \`plans/${stack}.json\` in this branch does not match the program; run \`npm run plans:update\` and commit it.`);
        }
        notes[stack] = stackNotes;
        const diff = diffPlans(stack, before, after);
        diffs.push(diff);
        diagrams[stack] = await changeDiagram(diff, await runStack(stack));
    }
    const markdown = renderPlanDiffs(diffs, base, notes, diagrams);
    if (values.output) writeFileSync(path.resolve(values.output), markdown);
    io.stdout.write(markdown);
    return 0;
}

if (require.main === module) main(planDiffCommand, planDiff);
