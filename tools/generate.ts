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
import { runStack } from "../engine/evaluate";
import { defineCommand, Io, main, Values } from "./cli";
import { CONTROLS_DIR, controlRows, renderCsv, renderMarkdown, STACKS as CONTROL_STACKS, writeControls } from "./controls";
import { diagramGenerator } from "../diagram/pages";
import { schemaGenerator } from "./schema";
import { contractGenerator } from "./urnContract";
import { generatedFiles, ROOT, staleness } from "./docs";
import { buildPlan, committedStacks, configuredStacks, planPath, serializePlan, updatePlans } from "./plan";
import { REGISTRY_FILE, renderRegistry } from "./registry";
import { renderTaggable, TAGGABLE_FILE, writeTaggable } from "./taggableTypes";

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

/** The generated file differs from `expected`, or is missing. */
function differs(rel: string, expected: string): boolean {
    const file = path.join(ROOT, rel);
    return !existsSync(file) || readFileSync(file, "utf8") !== expected;
}

export const GENERATORS: readonly Generator[] = [
    {
        name: "registry",
        files: () => [REGISTRY_FILE],
        command: "npm run generate",
        evaluatesStacks: false,
        generate: async (io) => {
            const text = renderRegistry();
            if (!differs(REGISTRY_FILE, text)) return 0;
            writeFileSync(path.join(ROOT, REGISTRY_FILE), text);
            io.stdout.write(`wrote ${REGISTRY_FILE}\n`);
            return REGISTRY_CHANGED;
        },
        check: async () => (differs(REGISTRY_FILE, renderRegistry()) ? [`${REGISTRY_FILE}: differs from the scenario folders`] : []),
    },
    {
        name: "taggable",
        files: () => [path.relative(ROOT, TAGGABLE_FILE)],
        command: "npm run policy:taggable",
        evaluatesStacks: false,
        generate: async (io) => writeTaggable({}, io),
        check: async () => (differs(path.relative(ROOT, TAGGABLE_FILE), renderTaggable()) ? [`${path.relative(ROOT, TAGGABLE_FILE)}: differs from the installed @pulumi/aws`] : []),
    },
    {
        name: "docs",
        files: () => [...generatedFiles().keys()],
        command: "npm run docs",
        evaluatesStacks: false,
        generate: async (io) => {
            // The configuration reference only: the diagrams are the next entry's.
            for (const [rel, text] of generatedFiles()) {
                if (!differs(rel, text)) continue;
                writeFileSync(path.join(ROOT, rel), text);
                io.stdout.write(`wrote ${rel}\n`);
            }
            return 0;
        },
        // staleness() names the file, the keys that drifted and `npm run docs`; only the file and the keys are kept.
        check: async () => staleness().map((line) => line.replace(/; run npm run docs$/, "")),
    },
    {
        name: "diagrams",
        files: () => diagramGenerator.files,
        command: "npm run docs",
        evaluatesStacks: true,
        generate: async (io) => {
            for (const rel of await diagramGenerator.generate()) io.stdout.write(`wrote ${rel}\n`);
            return 0;
        },
        check: async () => (await diagramGenerator.check()).map((line) => line.replace(/; run npm run docs$/, "")),
    },
    {
        name: "plans",
        files: () => configuredStacks().map((s) => path.relative(ROOT, planPath(s))),
        command: "npm run plans:update",
        evaluatesStacks: true,
        generate: (io) => updatePlans({}, io),
        check: async () => {
            const stale: string[] = [];
            for (const stack of configuredStacks()) {
                const rel = path.relative(ROOT, planPath(stack));
                if (differs(rel, serializePlan(await buildPlan(stack)))) stale.push(`${rel}: differs from what the program registers`);
            }
            for (const stack of committedStacks().filter((s) => !configuredStacks().includes(s))) stale.push(`plans/${stack}.json: has no Pulumi.${stack}.yaml; delete it`);
            return stale;
        },
    },
    {
        name: "controls",
        files: () => CONTROL_STACKS.flatMap((s) => [`controls/${s}.md`, `controls/${s}.csv`]),
        command: "npm run controls",
        evaluatesStacks: true,
        generate: (io) => writeControls({}, io),
        check: async () => {
            const stale: string[] = [];
            for (const stack of CONTROL_STACKS) {
                const rows = controlRows((await runStack(stack)).resources);
                const dir = path.relative(ROOT, CONTROLS_DIR);
                if (differs(`${dir}/${stack}.md`, renderMarkdown(stack, rows))) stale.push(`${dir}/${stack}.md: differs from the stack's resources`);
                if (differs(`${dir}/${stack}.csv`, renderCsv(rows))) stale.push(`${dir}/${stack}.csv: differs from the stack's resources`);
            }
            return stale;
        },
    },
    // The Pulumi package schema and the consumers' URN contract, both read from the stack that turns every scenario on.
    ...[
        { generator: schemaGenerator, command: "npm run schema" },
        { generator: contractGenerator, command: "npm run contract" },
    ].map(({ generator, command }): Generator => ({
        name: generator.name,
        files: () => generator.files.map((f) => path.relative(ROOT, f)),
        command,
        evaluatesStacks: true,
        generate: async (io) => {
            const stale = await generator.check();
            if (stale.length === 0) return 0;
            await generator.generate();
            for (const f of generator.files) io.stdout.write(`wrote ${path.relative(ROOT, f)}\n`);
            return 0;
        },
        check: async () => (await generator.check()).map((line) => line.replace(/; run npm run [a-z]+$/, "")),
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
            for (const line of await g.check()) {
                io.stderr.write(`${line}; run npm run generate (or ${g.command})\n`);
                stale++;
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
    io.stdout.write(child.stdout ?? "");
    io.stderr.write(child.stderr ?? "");
    return child.status ?? 1;
}

if (require.main === module) main(generateCommand, (values, io) => runGenerate(values, io));
