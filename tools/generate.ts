// Regenerates every generated file of the repository, in the order one feeds the next: the registry (from the scenario
// folders; when it changes, the rest runs in a fresh process, which loads the new registry), the policy pack's list of
// taggable types (from the installed provider), the configuration reference and the all-scenarios test stack (from the
// declarations and the registry), the architecture diagrams (from the example stacks), then what each stack registers under
// the mocks (plans/), then the controls matrix (controls/). `--check` writes nothing and names each stale file with
// the command that regenerates it; `--quick` leaves out the generators that evaluate whole stacks.
// Usage: npm run generate [-- --check] [-- --quick]   (npm run generate -- --help)
//
// A new kind of generated file is one more entry in GENERATORS.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { defineCommand, Io, main, Values } from "./cli";
import { REGISTRY_FILE, renderPackageEntries, renderRegistry, ROOT } from "./registry";

// Everything else is loaded when its generator runs: each of those modules imports the registry, which names every
// scenario folder, so a folder deleted or renamed would stop this command before it could write the registry anew.
const docs = () => require("./docs") as typeof import("./docs");
const taggable = () => require("./taggableTypes") as typeof import("./taggableTypes");
const diagrams = () => (require("../diagram/pages") as typeof import("../diagram/pages")).diagramGenerator;
const plans = () => require("./plan") as typeof import("./plan");
const controls = () => require("./controls") as typeof import("./controls");
const evaluate = () => require("../engine/evaluate") as typeof import("../engine/evaluate");

/** One kind of generated file. */
export interface Generator {
    readonly name: string;
    /** What it writes, relative to the repository root. */
    readonly files: () => readonly string[];
    /** The command that runs this generator alone (what a stale file's message names). */
    readonly command: string;
    /** Its check evaluates whole stacks under the mocks (seconds each): `--quick` leaves it to `npm test`. */
    readonly evaluatesStacks: boolean;
    /** Writes what is stale; its report goes to `io`. Returns the exit code of the generator's own command. */
    readonly generate: (io: Io) => Promise<number>;
    /** One line per stale file, `<file>: <what differs>`; empty when every file is up to date. */
    readonly check: () => Promise<readonly string[]>;
}

/**
 * What the registry generator returns when it rewrote scenarios/index.ts: this process loaded the old registry, so the
 * generators after it run again in a fresh one.
 */
const REGISTRY_CHANGED = -1;

/** The registry and the package's copies of it, by path. */
function registryFiles(): Map<string, string> {
    return new Map([[REGISTRY_FILE, renderRegistry()], ...renderPackageEntries()]);
}

/** The generated file differs from `expected`, or is missing. */
function differs(rel: string, expected: string): boolean {
    const file = path.join(ROOT, rel);
    return !existsSync(file) || readFileSync(file, "utf8") !== expected;
}

export const GENERATORS: readonly Generator[] = [
    {
        name: "registry",
        files: () => [...registryFiles().keys()],
        command: "npm run generate",
        evaluatesStacks: false,
        generate: async (io) => {
            const stale = [...registryFiles()].filter(([rel, text]) => differs(rel, text));
            for (const [rel, text] of stale) {
                writeFileSync(path.join(ROOT, rel), text);
                io.stdout.write(`wrote ${rel}\n`);
            }
            return stale.length > 0 ? REGISTRY_CHANGED : 0;
        },
        check: async () => [...registryFiles()].filter(([rel, text]) => differs(rel, text)).map(([rel]) => `${rel}: differs from the scenario folders`),
    },
    {
        name: "taggable",
        files: () => [path.relative(ROOT, taggable().TAGGABLE_FILE)],
        command: "npm run policy:taggable",
        evaluatesStacks: false,
        generate: async (io) => taggable().writeTaggable({}, io),
        check: async () => (differs(path.relative(ROOT, taggable().TAGGABLE_FILE), taggable().renderTaggable()) ? [`${path.relative(ROOT, taggable().TAGGABLE_FILE)}: differs from the installed @pulumi/aws`] : []),
    },
    {
        name: "docs",
        files: () => [...docs().generatedFiles().keys()],
        command: "npm run docs",
        evaluatesStacks: false,
        generate: async (io) => {
            // The configuration reference only: the diagrams are the next entry's.
            for (const [rel, text] of docs().generatedFiles()) {
                if (!differs(rel, text)) continue;
                writeFileSync(path.join(ROOT, rel), text);
                io.stdout.write(`wrote ${rel}\n`);
            }
            return 0;
        },
        // staleness() names the file, the keys that drifted and `npm run docs`; only the file and the keys are kept.
        check: async () => docs().staleness().map((line) => line.replace(/; run npm run docs$/, "")),
    },
    {
        name: "diagrams",
        files: () => diagrams().files,
        command: "npm run docs",
        evaluatesStacks: true,
        generate: async (io) => {
            for (const rel of await diagrams().generate()) io.stdout.write(`wrote ${rel}\n`);
            return 0;
        },
        check: async () => (await diagrams().check()).map((line) => line.replace(/; run npm run docs$/, "")),
    },
    {
        name: "plans",
        files: () => plans().configuredStacks().map((s) => path.relative(ROOT, plans().planPath(s))),
        command: "npm run plans:update",
        evaluatesStacks: true,
        generate: (io) => plans().updatePlans({}, io),
        check: async () => {
            const stale: string[] = [];
            for (const stack of plans().configuredStacks()) {
                const rel = path.relative(ROOT, plans().planPath(stack));
                if (differs(rel, plans().serializePlan(await plans().buildPlan(stack)))) stale.push(`${rel}: differs from what the program registers`);
            }
            for (const stack of plans().committedStacks().filter((s) => !plans().configuredStacks().includes(s))) stale.push(`plans/${stack}.json: has no Pulumi.${stack}.yaml; delete it`);
            return stale;
        },
    },
    {
        name: "controls",
        files: () => controls().STACKS.flatMap((s) => [`controls/${s}.md`, `controls/${s}.csv`]),
        command: "npm run controls",
        evaluatesStacks: true,
        generate: (io) => controls().writeControls({}, io),
        check: async () => {
            const stale: string[] = [];
            for (const stack of controls().STACKS) {
                const rows = controls().controlRows((await evaluate().runStack(stack)).resources);
                const dir = path.relative(ROOT, controls().CONTROLS_DIR);
                if (differs(`${dir}/${stack}.md`, controls().renderMarkdown(stack, rows))) stale.push(`${dir}/${stack}.md: differs from the stack's resources`);
                if (differs(`${dir}/${stack}.csv`, controls().renderCsv(rows))) stale.push(`${dir}/${stack}.csv: differs from the stack's resources`);
            }
            return stale;
        },
    },
    // The Pulumi package schema and the consumers' URN contract, both read from the stack that turns every scenario on.
    ...[
        { name: "schema", command: "npm run schema", load: () => (require("./schema") as typeof import("./schema")).schemaGenerator },
        { name: "contract", command: "npm run contract", load: () => (require("./urnContract") as typeof import("./urnContract")).contractGenerator },
    ].map(({ name, command, load }): Generator => ({
        name,
        files: () => load().files.map((f) => path.relative(ROOT, f)),
        command,
        evaluatesStacks: true,
        generate: async (io) => {
            const generator = load();
            const stale = await generator.check();
            if (stale.length === 0) return 0;
            await generator.generate();
            for (const f of generator.files) io.stdout.write(`wrote ${path.relative(ROOT, f)}\n`);
            return 0;
        },
        check: async () => (await load().check()).map((line) => line.replace(/; run npm run [a-z]+$/, "")),
    })),
];

export const generateCommand = defineCommand({
    invocation: "npm run generate --",
    summary: `Regenerates every generated file, in order: ${GENERATORS.map((g) => `${g.name} (${g.command})`).join(", ")}.`,
    options: {
        check: { type: "boolean", description: "write nothing; exit 1 naming every stale file and the command that regenerates it" },
        quick: { type: "boolean", description: `only the generators that evaluate no stack (${GENERATORS.filter((g) => !g.evaluatesStacks).map((g) => g.name).join(", ")}); npm test checks the others` },
    },
    notes: ["Exit codes: 0 up to date or written, 1 stale (with --check) or a generator failed, 2 unusable command line."],
});

export async function runGenerate(values: Values<typeof generateCommand.options>, io: Io, all: readonly Generator[] = GENERATORS): Promise<number> {
    const generators = all.filter((g) => !values.quick || !g.evaluatesStacks);
    if (values.check) {
        let stale = 0;
        for (const g of generators) {
            const lines = await g.check();
            for (const line of lines) io.stderr.write(`${line}; run npm run generate (or ${g.command})\n`);
            stale += lines.length;
            // The other generators read the registry: against a stale one they would check the wrong scenarios.
            if (g.name === "registry" && lines.length > 0) {
                io.stderr.write(`the other generated files are checked once the registry is up to date\n`);
                break;
            }
        }
        if (stale === 0) io.stdout.write(`generated files: up to date (${generators.map((g) => g.name).join(", ")})\n`);
        return stale === 0 ? 0 : 1;
    }
    for (const g of generators) {
        io.stdout.write(`${g.name} (${g.command}):\n`);
        const code = await g.generate(io);
        if (code === REGISTRY_CHANGED) return rerun(io);
        if (code !== 0) return code;
    }
    return 0;
}

/** Runs this command again in a fresh process (same arguments), its output passed through. */
function rerun(io: Io): number {
    if (require.main !== module) {
        io.stderr.write(`error: ${REGISTRY_FILE} was rewritten; run npm run generate again for the rest\n`);
        return 1;
    }
    const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { cwd: process.cwd(), env: process.env, encoding: "utf8", maxBuffer: 1 << 28 });
    // The fresh process starts with the registry again, now up to date: its header would repeat this one's.
    io.stdout.write((child.stdout ?? "").replace(/^registry \(npm run generate\):\n/, ""));
    io.stderr.write(child.stderr ?? "");
    return child.status ?? 1;
}

if (require.main === module) main(generateCommand, (values, io) => runGenerate(values, io));
