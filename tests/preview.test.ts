import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { EXIT_USAGE, Io, runCommand, UsageError } from "../tools/cli";
import {
    componentCounts,
    handlerSizes,
    preview as previewHandler,
    previewCommand,
    PreviewJson,
    previewJson,
    renderPreview,
    renderTree,
    scenarioSettings,
    scenarioTag,
    selectScenario,
} from "../tools/preview";
import { ROOT, Resources, runStack } from "../engine/evaluate";
import { SCENARIO_KEYS } from "../scenarios";
import { runTool } from "./processes";

// Started when the file loads (see tests/processes.ts): a whole prod evaluation in a process of its own.
const prodPreview = runTool("tools/preview.ts", ["-s", "prod"]);

describe("offline preview", () => {
    it("renders each resource nested under its component, like pulumi preview", async () => {
        const run = await runStack("dev");
        const lines = renderTree("dev", run.resources);
        assert.match(lines[1], /^ \+ {2}pulumi:pulumi:Stack\s+aws-blueprints-dev$/);
        const guard = lines.findIndex((l) => /^ \+ {2}[├└]─ aws-blueprints:security:SecurityGroupGuard\s+sg-guard$/.test(l));
        assert.ok(guard > 0, lines.join("\n"));
        // One level per ancestor: "│  " under a parent with later siblings, "   " under a last child.
        assert.ok(lines.some((l) => /^ \+ {2}[│ ] {2}[├└]─ aws-blueprints:shared:HandlerFunction\s+sg-guard-revert$/.test(l)));
        assert.ok(lines.some((l) => /^ \+ {2}[│ ] {2}│ {2}[├└]─ aws:lambda\/function:Function\s+sg-guard-revert$/.test(l)));
        assert.equal(lines.length, run.resources.length + 2);
        const sizes = await handlerSizes(run.resources);
        const functions = run.resources.filter((r) => r.type === "aws:lambda/function:Function" && r.inputs.code?.assets);
        assert.equal(sizes.length, functions.length);
        const guardHandler = sizes.find((s) => s.name === "sg-guard-revert")!;
        assert.ok(guardHandler.bytes > 1000 && guardHandler.bytes < 200_000, `handler is ${guardHandler.bytes} bytes`);
    });

    it("prints the tree, handler sizes, counts per component and the create summary last, whole through a pipe", async () => {
        // prod's preview is over 100 KiB: more than a pipe holds, so an exit right after the write would lose its end.
        const { status, stdout, stderr } = await prodPreview;
        assert.equal(status, 0, stderr);
        // stderr is a pipe, not a terminal: no progress on it, only prod's warnings about documentation-only values.
        const warnings = stderr.split("\n").filter(Boolean);
        assert.ok(warnings.length > 0);
        for (const w of warnings) assert.match(w, /^warning: .* holds a documentation-only value /);
        assert.ok(stdout.length > 64 * 1024, `${stdout.length} bytes`);
        assert.match(stdout, /^Previewing update \(prod\) offline/);
        assert.match(stdout, /SecurityGroupGuard\s+sg-guard/);
        assert.match(stdout, /aws:kms\/key:Key\s+sg-guard-alerts-key \[protect\]/);
        assert.match(stdout, /sg-guard-revert\s+\d+\.\d KiB {2}1 file\(s\)/);
        assert.match(stdout, /\nResources by component:\n {4}athenaAnalytics +athena-analytics +aws-blueprints:analytics:AthenaAnalytics +\d+ \(\d+ protected\)\n/);
        assert.match(stdout.trimEnd().split("\n").pop()!, /^ {4}\+ \d+ to create \(\d+ protected\)$/);
    });

    // In-process: the entry point's own exit codes are checked by spawning it once (above, and in tests/cli.test.ts).
    it("exits non-zero with the message on a configuration error", async () => {
        const file = path.join(ROOT, "Pulumi.previewcheck.yaml");
        writeFileSync(file, "config:\n  aws:region: us-east-1\n  aws-blueprints:environment: previewcheck\n  aws-blueprints:logRetentionDays: 10\n");
        try {
            const io = buffers(false);
            assert.equal(await runCommand(previewCommand, previewHandler, ["--stack", "previewcheck"], io), 1);
            assert.match(io.err(), /aws-blueprints:logRetentionDays: must be one of/);
            assert.equal(io.out(), "");
        } finally {
            rmSync(file, { force: true });
        }
    });

    it("exits non-zero for a stack without a configuration file", async () => {
        const io = buffers(false);
        assert.equal(await runCommand(previewCommand, previewHandler, ["--stack", "nosuchstack"], io), 1);
        assert.match(io.err(), /Pulumi\.nosuchstack\.yaml/);
    });
});

function buffers(tty: boolean): Io & { out: () => string; err: () => string } {
    let out = "";
    let err = "";
    return {
        stdout: { write: (t: string) => (out += t), isTTY: false },
        stderr: { write: (t: string) => (err += t), isTTY: tty },
        out: () => out,
        err: () => err,
    };
}

describe("offline preview: scenarios, counts and JSON", () => {
    it("knows every scenario section of the configuration and whether the stack enables it", () => {
        const all = scenarioSettings("all");
        assert.deepEqual([...all.keys()].sort(), [...SCENARIO_KEYS].sort());
        for (const key of SCENARIO_KEYS) assert.equal(all.get(key), true, key);
        assert.equal(scenarioSettings("dev").get("compliantWebApp"), false);
        assert.equal(all.has("environment"), false);
        assert.equal(all.has("protect"), false);
        assert.equal(scenarioTag("securityGroupGuard"), "security-group-guard");
    });

    it("counts each top-level component with everything below it, named by its scenario section", async () => {
        const run = await runStack("all");
        const counts = componentCounts(run.resources, scenarioSettings("all").keys());
        assert.equal(counts.length, SCENARIO_KEYS.length);
        assert.equal(counts.reduce((sum, c) => sum + c.resources, 0), run.resources.length);
        const r = new Resources(run.resources);
        const guard = counts.find((c) => c.name === "sg-guard")!;
        assert.equal(guard.scenario, "securityGroupGuard");
        assert.equal(guard.type, "aws-blueprints:security:SecurityGroupGuard");
        assert.equal(guard.resources, 1 + r.descendants(guard.urn).length);
        // The CJIS web application's component is named cjis; its tag, not its name, maps it.
        assert.equal(counts.find((c) => c.name === "cjis")!.scenario, "compliantWebApp");
        const text = renderPreview(run, [], counts);
        assert.match(text, new RegExp(`\\n {4}securityGroupGuard +sg-guard +aws-blueprints:security:SecurityGroupGuard +${guard.resources}\\n`));
        assert.match(text, new RegExp(`\\n {4}\\+ ${run.resources.length + 1} to create\\n$`));
    });

    it("limits the tree, outputs and counts to one scenario with --scenario", async () => {
        const run = await runStack("all");
        const scenarios = scenarioSettings("all");
        const only = selectScenario(run, "spotFleet", scenarios);
        const r = new Resources(run.resources);
        const fleet = r.one("aws-blueprints:compute:SpotFleet", "spot-fleet");
        assert.deepEqual(only.resources.map((x) => x.urn).sort(), [fleet.urn, ...r.descendants(fleet.urn).map((x) => x.urn)].sort());
        assert.deepEqual(Object.keys(only.exports), ["spotFleet"]);
        assert.deepEqual(only.exports.spotFleet, run.exports.spotFleet);
        const text = renderPreview(only, [], componentCounts(only.resources, scenarios.keys()), "spotFleet");
        assert.match(text, /^Previewing update \(all, scenario spotFleet only\)/);
        assert.doesNotMatch(text, /sg-guard/);
        assert.match(text, new RegExp(`\\n {4}\\+ ${only.resources.length + 1} to create\\n$`));
    });

    it("refuses an unknown scenario key, naming the known ones, and a scenario the stack does not enable", async () => {
        const run = await runStack("dev");
        const scenarios = scenarioSettings("dev");
        assert.throws(
            () => selectScenario(run, "spotfleet", scenarios),
            (err: Error) => err instanceof UsageError && err.message === `--scenario spotfleet is not a scenario; known: ${[...scenarios.keys()].join(", ")}`,
        );
        assert.throws(() => selectScenario(run, "spotFleet", new Map([["spotFleet", false]])), /scenario spotFleet is not enabled in stack dev \(set aws-blueprints:spotFleet\.enabled to true in Pulumi\.dev\.yaml\)/);
        const io = buffers(false);
        assert.equal(await runCommand(previewCommand, previewHandler, ["--scenario", "nope"], io), EXIT_USAGE);
        assert.match(io.err(), /^error: --scenario nope is not a scenario; known: athenaAnalytics, .*spotFleet.*\n\nUsage: npm run preview/);
    });

    it("prints JSON for machines with -s, --scenario and --json, with progress on a terminal's stderr", async () => {
        const io = buffers(true);
        assert.equal(await runCommand(previewCommand, previewHandler, ["-s", "dev", "--scenario", "securityGroupGuard", "--json"], io), 0, io.err());
        const doc: PreviewJson = JSON.parse(io.out());
        assert.equal(doc.stack, "dev");
        assert.equal(doc.scenario, "securityGroupGuard");
        const stack = doc.resources[0];
        assert.deepEqual(stack, {
            urn: "urn:pulumi:dev::aws-blueprints::pulumi:pulumi:Stack::aws-blueprints-dev",
            type: "pulumi:pulumi:Stack",
            name: "aws-blueprints-dev",
            parent: null,
            custom: false,
            protect: false,
        });
        const urns = new Set(doc.resources.map((x) => x.urn));
        for (const x of doc.resources.slice(1)) assert.ok(urns.has(x.parent!), `${x.urn} has parent ${x.parent}`);
        const component = doc.resources.find((x) => x.parent === stack.urn)!;
        assert.equal(component.type, "aws-blueprints:security:SecurityGroupGuard");
        assert.equal(doc.resources.filter((x) => x.parent === stack.urn).length, 1);
        assert.deepEqual(Object.keys(doc.outputs), ["securityGroupGuard"]);
        assert.ok(doc.handlers.some((h) => h.name === "sg-guard-revert" && h.bytes > 1000));
        assert.equal(doc.summary.create, doc.resources.length);
        assert.deepEqual(doc.summary.components.map((c) => [c.scenario, c.resources]), [["securityGroupGuard", doc.resources.length - 1]]);
        assert.match(io.err(), /evaluating program \(stack dev\)\.\.\./);
        assert.match(io.err(), new RegExp(`serializing handlers ${doc.handlers.length}/${doc.handlers.length}`));
        assert.ok(io.err().endsWith("\r\x1b[2K"), "the progress line is cleared");
    });

    it("emits the same facts as JSON as in the tree", async () => {
        const run = await runStack("all");
        const counts = componentCounts(run.resources, scenarioSettings("all").keys());
        const doc = previewJson(run, [], counts);
        assert.equal(doc.resources.length, run.resources.length + 1);
        assert.equal(doc.summary.protected, run.resources.filter((x) => x.protect).length);
        assert.deepEqual(doc.summary.components, counts);
        assert.deepEqual(JSON.parse(JSON.stringify(doc)).outputs.environment, "all");
    });
});
