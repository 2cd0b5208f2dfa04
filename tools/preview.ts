// Offline preview: runs the program for a stack under the mocks and prints what `pulumi preview` would create.
// Usage: npm run preview -- [-s <stack>] [--scenario <key>] [--json]   (npm run preview -- --help)
import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { parseSettings, SCENARIO_KEYS } from "../scenarios";
import { archiveFiles, ProgramRun, runProgram, RecordedResource, stackConfig } from "../engine/evaluate";
import { defineCommand, Io, main, progress, STACK_OPTION, stackName, UsageError, Values } from "./cli";

const PROJECT = "aws-blueprints";

export const previewCommand = defineCommand({
    invocation: "npm run preview --",
    summary: "Runs the program for a stack offline, under the mocks (no cloud calls), and prints what `pulumi preview` would create.",
    options: {
        stack: { ...STACK_OPTION, description: "stack to preview, configured by Pulumi.<name>.yaml (default: dev)" },
        scenario: { type: "string", value: "key", description: "only this scenario's component, by its configuration section, e.g. spotFleet" },
        json: { type: "boolean", description: "print JSON (resources, outputs, handler sizes, summary) instead of the tree" },
    },
    notes: [
        "Progress goes to stderr when it is a terminal.",
        "Exit codes: 0 previewed, 1 configuration or program error, 2 unusable command line.",
    ],
});

function kib(bytes: number): string {
    return `${(bytes / 1024).toFixed(1)} KiB`;
}

export interface HandlerSize {
    readonly name: string;
    /** The serialized handler (`__index.js`). */
    readonly bytes: number;
    /** Everything in the archive, bundled packages included (uncompressed). */
    readonly totalBytes: number;
    readonly files: number;
    readonly sha256: string;
}

/** Bytes of a file, or of every file below a directory (a bundled package). */
function directorySize(p: string): number {
    const stat = statSync(p);
    if (!stat.isDirectory()) return stat.size;
    return readdirSync(p).reduce((sum, entry) => sum + directorySize(path.join(p, entry)), 0);
}

/** Serialized size of every callback function's archive; `onProgress` hears of each function before its turn. */
export async function handlerSizes(
    resources: readonly RecordedResource[],
    onProgress: (done: number, total: number) => void = () => undefined,
): Promise<HandlerSize[]> {
    const sizes: HandlerSize[] = [];
    const functions = resources.filter((r) => r.type === "aws:lambda/function:Function" && r.inputs.code?.assets);
    for (const [i, fn] of functions.entries()) {
        onProgress(i + 1, functions.length);
        const files = await archiveFiles(fn);
        const text = [...files.values()].map((f) => f.text ?? "").join("");
        const packaged = [...files.values()].reduce((sum, f) => sum + (f.path ? directorySize(f.path) : 0), 0);
        sizes.push({
            name: fn.name,
            bytes: Buffer.byteLength(text),
            totalBytes: Buffer.byteLength(text) + packaged,
            files: files.size,
            sha256: createHash("sha256").update(text).digest("hex").slice(0, 12),
        });
    }
    return sizes.sort((a, b) => a.name.localeCompare(b.name));
}

/** Resources whose parent is not among them: children of the stack. */
function isTopLevel(r: RecordedResource, urns: ReadonlySet<string>): boolean {
    return !r.parentUrn || !urns.has(r.parentUrn);
}

/** Renders the resource tree the way `pulumi preview` does. */
export function renderTree(stack: string, resources: readonly RecordedResource[]): string[] {
    const rows: Array<[string, string]> = [["pulumi:pulumi:Stack", `${PROJECT}-${stack}`]];
    const byParent = new Map<string | undefined, RecordedResource[]>();
    const urns = new Set(resources.map((r) => r.urn));
    for (const r of resources) {
        const parent = isTopLevel(r, urns) ? undefined : r.parentUrn;
        byParent.set(parent, [...(byParent.get(parent) ?? []), r]);
    }
    const walk = (parent: string | undefined, prefix: string) => {
        const kids = (byParent.get(parent) ?? []).slice().sort((a, b) => (a.custom === b.custom ? a.name.localeCompare(b.name) : a.custom ? 1 : -1));
        kids.forEach((r, i) => {
            const last = i === kids.length - 1;
            const flags = r.protect ? " [protect]" : "";
            rows.push([`${prefix}${last ? "└─ " : "├─ "}${r.type}`, `${r.name}${flags}`]);
            walk(r.urn, `${prefix}${last ? "   " : "│  "}`);
        });
    };
    walk(undefined, "");
    const width = Math.max(...rows.map(([t]) => t.length)) + 2;
    return [` ${"".padEnd(3)}${"Type".padEnd(width)}Name`, ...rows.map(([t, n]) => ` +  ${t.padEnd(width)}${n}`)];
}

// ---- scenarios ----------------------------------------------------------------------------------------------

/** Every scenario of the registry, by its configuration section, with whether this stack enables it. */
export function scenarioSettings(stack: string): Map<string, boolean> {
    const config = stackConfig(stack);
    const prefix = `${PROJECT}:`;
    const raw = Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    const settings = parseSettings(raw, config["aws:region"], { stack }) as unknown as Readonly<Record<string, { readonly enabled: boolean }>>;
    return new Map([...SCENARIO_KEYS].sort().map((key) => [key, settings[key].enabled]));
}

/** `spotFleet` -> `spot-fleet`: a configuration section's name as its component's `scenario` tag. */
export function scenarioTag(key: string): string {
    return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Each resource with everything below it. */
function subtrees(resources: readonly RecordedResource[]): Map<string, RecordedResource[]> {
    const children = new Map<string, RecordedResource[]>();
    for (const r of resources) if (r.parentUrn) children.set(r.parentUrn, [...(children.get(r.parentUrn) ?? []), r]);
    const below = (urn: string): RecordedResource[] => (children.get(urn) ?? []).flatMap((c) => [c, ...below(c.urn)]);
    return new Map(resources.map((r) => [r.urn, [r, ...below(r.urn)]]));
}

/** The `scenario` tag most resources below a component carry (a component has no tags of its own). */
function scenarioOf(tree: readonly RecordedResource[]): string | undefined {
    const counts = new Map<string, number>();
    for (const r of tree) {
        const tag = r.inputs?.tags?.scenario;
        if (typeof tag === "string") counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

export interface ComponentCount {
    /** The configuration section of the scenario, when the component is one. */
    readonly scenario?: string;
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The component and everything below it. */
    readonly resources: number;
    readonly protected: number;
}

/** One entry per top-level resource (a scenario's component), with the size of its subtree. */
export function componentCounts(resources: readonly RecordedResource[], scenarioKeys: Iterable<string> = []): ComponentCount[] {
    const urns = new Set(resources.map((r) => r.urn));
    const trees = subtrees(resources);
    const byTag = new Map([...scenarioKeys].map((k) => [scenarioTag(k), k]));
    return resources
        .filter((r) => isTopLevel(r, urns))
        .map((r) => {
            const tree = trees.get(r.urn)!;
            const tag = scenarioOf(tree);
            const scenario = tag !== undefined ? byTag.get(tag) : undefined;
            return { ...(scenario ? { scenario } : {}), type: r.type, name: r.name, urn: r.urn, resources: tree.length, protected: tree.filter((x) => x.protect).length };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
}

/** Fails unless `key` is one of the stack's scenario sections (a usage error naming the known ones) and enabled. */
export function checkScenario(key: string, scenarios: ReadonlyMap<string, boolean>, stack: string): void {
    if (!scenarios.has(key)) throw new UsageError(`--scenario ${key} is not a scenario; known: ${[...scenarios.keys()].join(", ")}`);
    if (!scenarios.get(key)) throw new Error(`scenario ${key} is not enabled in stack ${stack} (set ${PROJECT}:${key}.enabled to true in Pulumi.${stack}.yaml)`);
}

/**
 * The part of a run that belongs to one scenario: its component's subtree and its export. `scenarios` are the
 * stack's scenario sections (see scenarioSettings); an unknown key is a usage error naming the known ones.
 */
export function selectScenario(run: ProgramRun, key: string, scenarios: ReadonlyMap<string, boolean>): ProgramRun {
    checkScenario(key, scenarios, run.stack);
    const component = componentCounts(run.resources, scenarios.keys()).find((c) => c.scenario === key);
    if (!component) throw new Error(`scenario ${key} is enabled in stack ${run.stack}, but no top-level component carries the scenario tag ${scenarioTag(key)}`);
    const tree = new Set(subtrees(run.resources).get(component.urn)!.map((r) => r.urn));
    return {
        stack: run.stack,
        exports: key in run.exports ? { [key]: run.exports[key] } : {},
        resources: run.resources.filter((r) => tree.has(r.urn)),
        warnings: run.warnings,
    };
}

// ---- output -----------------------------------------------------------------------------------------------

export function stackUrn(stack: string): string {
    return `urn:pulumi:${stack}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${stack}`;
}

/** What `--json` prints. */
export interface PreviewJson {
    readonly stack: string;
    readonly scenario: string | null;
    /** The stack resource first, then every resource; a top-level resource's parent is the stack. */
    readonly resources: ReadonlyArray<{ urn: string; type: string; name: string; parent: string | null; custom: boolean; protect: boolean }>;
    readonly outputs: Record<string, unknown>;
    readonly handlers: readonly HandlerSize[];
    readonly summary: { readonly create: number; readonly protected: number; readonly components: readonly ComponentCount[] };
}

export function previewJson(run: ProgramRun, sizes: readonly HandlerSize[], components: readonly ComponentCount[], scenario?: string): PreviewJson {
    const root = stackUrn(run.stack);
    const urns = new Set(run.resources.map((r) => r.urn));
    return {
        stack: run.stack,
        scenario: scenario ?? null,
        resources: [
            { urn: root, type: "pulumi:pulumi:Stack", name: `${PROJECT}-${run.stack}`, parent: null, custom: false, protect: false },
            ...run.resources.map((r) => ({
                urn: r.urn,
                type: r.type,
                name: r.name,
                parent: isTopLevel(r, urns) ? root : r.parentUrn!,
                custom: r.custom,
                protect: r.protect,
            })),
        ],
        outputs: run.exports,
        handlers: sizes,
        summary: { create: run.resources.length + 1, protected: run.resources.filter((r) => r.protect).length, components },
    };
}

/** The preview as text: tree, handler sizes, outputs, resources per component, and the create summary last. */
export function renderPreview(run: ProgramRun, sizes: readonly HandlerSize[], components: readonly ComponentCount[], scenario?: string): string {
    const scope = scenario ? `, scenario ${scenario} only` : "";
    const lines = [`Previewing update (${run.stack}${scope}) offline, under mocks: no cloud calls were made`, "", ...renderTree(run.stack, run.resources)];
    if (sizes.length > 0) {
        lines.push("", "Lambda handlers (serialized archive):");
        const w = Math.max(...sizes.map((s) => s.name.length)) + 2;
        for (const s of sizes) {
            const bundled = s.totalBytes > s.bytes ? `  (${kib(s.totalBytes)} with bundled packages)` : "";
            lines.push(`    ${s.name.padEnd(w)}${kib(s.bytes).padStart(10)}  ${s.files} file(s)  sha256 ${s.sha256}${bundled}`);
        }
    }
    lines.push("", "Outputs:");
    for (const [k, v] of Object.entries(run.exports)) lines.push(`    ${k}: ${JSON.stringify(v, null, 2)?.replace(/\n/g, "\n    ")}`);
    if (components.length > 0) {
        lines.push("", "Resources by component:");
        const keyWidth = Math.max(...components.map((c) => (c.scenario ?? "-").length)) + 2;
        const nameWidth = Math.max(...components.map((c) => c.name.length)) + 2;
        const typeWidth = Math.max(...components.map((c) => c.type.length)) + 2;
        for (const c of components) {
            const prot = c.protected ? ` (${c.protected} protected)` : "";
            lines.push(`    ${(c.scenario ?? "-").padEnd(keyWidth)}${c.name.padEnd(nameWidth)}${c.type.padEnd(typeWidth)}${String(c.resources).padStart(5)}${prot}`);
        }
    }
    const protectedCount = run.resources.filter((r) => r.protect).length;
    lines.push("", "Resources:", `    + ${run.resources.length + 1} to create${protectedCount ? ` (${protectedCount} protected)` : ""}`);
    return `${lines.join("\n")}\n`;
}

export async function preview(values: Values<typeof previewCommand.options>, io: Io): Promise<number> {
    const stack = stackName(values.stack ?? "dev");
    // A bad --scenario fails before the program's evaluation, which takes seconds.
    const early = values.scenario !== undefined ? scenarioSettings(stack) : undefined;
    if (early) checkScenario(values.scenario!, early, stack);
    const status = progress(io.stderr);
    let text: string;
    let warnings: readonly string[];
    try {
        status.update(`evaluating program (stack ${stack})...`);
        const full = await runProgram(stack);
        warnings = full.warnings;
        const scenarios = early ?? scenarioSettings(stack);
        const run = values.scenario !== undefined ? selectScenario(full, values.scenario, scenarios) : full;
        const sizes = await handlerSizes(run.resources, (i, n) => status.update(`serializing handlers ${i}/${n}`));
        const components = componentCounts(run.resources, scenarios.keys());
        text = values.json ? `${JSON.stringify(previewJson(run, sizes, components, values.scenario), null, 2)}\n` : renderPreview(run, sizes, components, values.scenario);
    } finally {
        status.done();
    }
    // As pulumi preview shows them: the program's warnings (documentation-only values, for one) on stderr.
    for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
    io.stdout.write(text);
    return 0;
}

if (require.main === module) main(previewCommand, preview);
