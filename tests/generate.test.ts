import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ROOT } from "../engine/evaluate";
import { Io } from "../tools/cli";
import { allStackYaml, renderScenarioTable } from "../tools/docs";
import { Generator, GENERATORS, runGenerate } from "../tools/generate";
import { REGISTRY_FILE, renderPackageEntries, renderRegistry } from "../tools/registry";
import { spawnSync } from "node:child_process";
import { SCENARIO_KEYS, SCENARIOS } from "../scenarios";

function buffers(): Io & { out: () => string; err: () => string } {
    let out = "";
    let err = "";
    return { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, out: () => out, err: () => err };
}

const fake = (name: string, stale: string[], evaluatesStacks = false): Generator => ({
    name,
    files: () => [`${name}.txt`],
    command: `npm run ${name}`,
    evaluatesStacks,
    generate: async () => 0,
    check: async () => stale,
});

describe("npm run generate (tools/generate.ts)", () => {
    it("runs the registry first, then the taggable types, the configuration reference and the diagrams, then the plans, the controls, the package schema and the URN contract, each by an npm script", () => {
        assert.deepEqual(GENERATORS.map((g) => g.name), ["registry", "taggable", "docs", "diagrams", "plans", "controls", "schema", "contract"]);
        const scripts = Object.keys(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>);
        for (const g of GENERATORS) assert.ok(scripts.includes(g.command.replace(/^npm run /, "")), `${g.name}: ${g.command} is no npm script`);
        assert.ok(GENERATORS.find((g) => g.name === "docs")!.files().includes("tests/stacks/Pulumi.all.yaml"));
    });

    it("--check names each stale file with the command that regenerates it, and exits 1", async () => {
        const io = buffers();
        assert.equal(await runGenerate({ check: true }, io, [fake("a", []), fake("b", ["b.txt: differs", "c.txt: missing"])]), 1);
        assert.equal(io.err(), "b.txt: differs; run npm run generate (or npm run b)\nc.txt: missing; run npm run generate (or npm run b)\n");
        assert.equal(io.out(), "");
    });

    it("--quick leaves out the generators that evaluate stacks", async () => {
        const io = buffers();
        assert.equal(await runGenerate({ check: true, quick: true }, io, [fake("a", []), fake("slow", ["x: stale"], true)]), 0);
        assert.equal(io.out(), "generated files: up to date (a)\n");
    });

    it("--check stops at a stale registry: the other generators would read the scenarios it no longer lists", async () => {
        const io = buffers();
        const broken: Generator = { ...fake("docs", []), check: async () => assert.fail("checked against a stale registry") };
        assert.equal(await runGenerate({ check: true }, io, [fake("registry", ["scenarios/index.ts: differs"]), broken]), 1);
        assert.match(io.err(), /scenarios\/index.ts: differs; run npm run generate[^]*checked once the registry is up to date/);
    });

    it("loads no scenario before the registry is written, so a folder deleted or renamed cannot stop it", () => {
        const probe = spawnSync(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "-e", 'require("./tools/generate"); console.log(Object.keys(require.cache).filter((f) => f.includes("/scenarios/")).join(" "))'],
            { cwd: ROOT, encoding: "utf8" },
        );
        assert.equal(probe.status, 0, probe.stderr);
        assert.equal(probe.stdout.trim(), "");
    });

    it("the files that need no stack evaluated are up to date", async () => {
        const io = buffers();
        assert.equal(await runGenerate({ check: true, quick: true }, io), 0, io.err());
    });

    it("the README's scenario table has one row per registry entry, in the registry's order", () => {
        const sections = renderScenarioTable()
            .split("\n")
            .map((line) => /^\| \d+ \| [^|]* \| `(\w+)` \| \[`scenarios\//.exec(line)?.[1])
            .filter((k): k is string => k !== undefined);
        assert.deepEqual(sections, [...SCENARIO_KEYS]);
    });

    it("the registry imports every scenario folder's entry, in the order of the README numbers", () => {
        const folders = readdirSync(path.join(ROOT, "scenarios"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
        assert.deepEqual([...SCENARIO_KEYS].sort(), folders.sort());
        const numbers = SCENARIOS.map((s) => s.readme.number);
        assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b));
        assert.equal(readFileSync(path.join(ROOT, REGISTRY_FILE), "utf8"), renderRegistry());
    });

    it("refuses a scenario folder whose component exports no entry under the folder's name", () => {
        const folder = (component: string) => {
            const root = mkdtempSync(path.join(tmpdir(), "registry-"));
            mkdirSync(path.join(root, "scenarios", "heartbeat"), { recursive: true });
            writeFileSync(path.join(root, "scenarios", "heartbeat", "component.ts"), component);
            return root;
        };
        const wrong = folder("export const beat = { key: \"heartbeat\", readme: { number: 14 } };\n");
        const right = folder("export const heartbeat = { key: \"heartbeat\", readme: { number: 14 } };\n");
        try {
            assert.throws(() => renderRegistry(wrong), /scenarios\/heartbeat\/component.ts exports no scenario entry `export const heartbeat = defineScenario/);
            assert.match(renderRegistry(right), /import \{ heartbeat \} from "\.\/heartbeat\/component";\n[^]*\n {4}heartbeat,\n\] as const;/);
        } finally {
            for (const root of [wrong, right]) rmSync(root, { recursive: true, force: true });
        }
    });

    it("the package exports each folder's one Blueprint class with its arguments' type, and the provider knows it by its type token", () => {
        const folder = (component: string) => {
            const root = mkdtempSync(path.join(tmpdir(), "package-"));
            mkdirSync(path.join(root, "scenarios", "heartbeat"), { recursive: true });
            writeFileSync(path.join(root, "scenarios", "heartbeat", "component.ts"), `class Blueprint {\n    constructor(..._args: unknown[]) {}\n}\n${component}export const heartbeat = { key: "heartbeat", readme: { number: 14 } };\n`);
            return root;
        };
        const component = 'export class Heartbeat extends Blueprint {\n    constructor() {\n        super("aws-blueprints:operations:Heartbeat");\n    }\n}\n';
        const right = folder(`export type HeartbeatArgs = {};\n${component}`);
        const noArgs = folder(component);
        const two = folder(`export type HeartbeatArgs = {};\n${component}${component.replace(/Heartbeat/g, "Pulse")}`);
        try {
            const entries = renderPackageEntries(right);
            assert.match(entries.get("lib/scenarios.ts")!, /^export \{ Heartbeat, type HeartbeatArgs \} from "\.\.\/scenarios\/heartbeat\/component";$/m);
            assert.match(entries.get("lib/componentTypes.ts")!, /^ {4}"aws-blueprints:operations:Heartbeat": scenarios\.Heartbeat,$/m);
            assert.throws(() => renderPackageEntries(noArgs), /scenarios\/heartbeat\/component.ts exports no HeartbeatArgs/);
            assert.throws(() => renderPackageEntries(two), /exports 2 classes extending Blueprint \(Heartbeat, Pulse\)/);
        } finally {
            for (const root of [right, noArgs, two]) rmSync(root, { recursive: true, force: true });
        }
    });

    it("the all-scenarios stack gains a section for a scenario it lacks, and turns on one that is off", () => {
        const committed = readFileSync(path.join(ROOT, "tests/stacks/Pulumi.all.yaml"), "utf8");
        assert.equal(allStackYaml(committed), committed, "the committed stack turns every scenario on");
        const last = SCENARIOS[SCENARIOS.length - 1].key;
        const without = committed.replace(new RegExp(`  aws-blueprints:${last}:\\n(    .*\\n|\\s*#.*\\n)*`), "");
        assert.ok(!without.includes(`aws-blueprints:${last}:`));
        const off = committed.replace(/(aws-blueprints:spotFleet:\n {4})enabled: true/, "$1enabled: false");
        assert.match(allStackYaml(without), new RegExp(`aws-blueprints:${last}:\\n {4}enabled: true`));
        assert.match(allStackYaml(off), /aws-blueprints:spotFleet:\n {4}enabled: true/);
    });
});
