import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defineCommand, EXIT_USAGE, Io, parseCommand, progress, runCommand, stackName, UsageError, usage } from "../tools/cli";
import { authzCommand } from "../tools/authz";
import { constraintsCommand } from "../tools/constraints";
import { controlsCommand } from "../tools/controls";
import { diagramCommand } from "../tools/diagram";
import { docsCommand } from "../tools/docs";
import { generateCommand } from "../tools/generate";
import { guardCommand, runGuard } from "../tools/guard";
import { plansCommand } from "../tools/plan";
import { planDiff, planDiffCommand } from "../tools/planDiff";
import { policyCommand } from "../tools/policyCheck";
import { preflightCommand } from "../tools/preflight";
import { previewCommand } from "../tools/preview";
import { taggableCommand } from "../tools/taggableTypes";
import { ROOT } from "../engine/evaluate";
import { runTool } from "./processes";

/** Captures what a command writes. */
function buffers(tty = false): Io & { out: () => string; err: () => string } {
    let out = "";
    let err = "";
    return {
        stdout: { write: (t: string) => (out += t), isTTY: tty },
        stderr: { write: (t: string) => (err += t), isTTY: tty },
        out: () => out,
        err: () => err,
    };
}

const demo = defineCommand({
    invocation: "npm run demo --",
    summary: "A command to exercise the shared command line.",
    options: {
        stack: { type: "string", short: "s", value: "name", description: "stack (default: dev)" },
        allow: { type: "string", multiple: true, value: "urn", description: "repeatable" },
        json: { type: "boolean", description: "JSON" },
    },
    notes: ["Exit codes: 0 ok, 2 unusable command line."],
});

/** Every tool's npm script, its entry point and its command definition. */
const TOOLS = [
    { script: "preview", file: "tools/preview.ts", command: previewCommand, stack: true },
    { script: "policy", file: "tools/policyCheck.ts", command: policyCommand, stack: true, setup: true },
    { script: "controls", file: "tools/controls.ts", command: controlsCommand, stack: true, setup: true },
    { script: "plans:update", file: "tools/plan.ts", command: plansCommand, stack: true },
    { script: "plan:diff", file: "tools/planDiff.ts", command: planDiffCommand, stack: true },
    { script: "guard", file: "tools/guard.ts", command: guardCommand, stack: true },
    { script: "authz", file: "tools/authz.ts", command: authzCommand, stack: true, setup: true },
    { script: "preflight", file: "tools/preflight.ts", command: preflightCommand, stack: true, setup: true },
    { script: "constraints", file: "tools/constraints.ts", command: constraintsCommand, stack: true, setup: true },
    { script: "policy:taggable", file: "tools/taggableTypes.ts", command: taggableCommand, stack: false },
    { script: "docs", file: "tools/docs.ts", command: docsCommand, stack: false, setup: true },
    { script: "generate", file: "tools/generate.ts", command: generateCommand, stack: false, setup: true },
    { script: "diagram", file: "tools/diagram.ts", command: diagramCommand, stack: true, setup: true },
];

// Started when the file loads (see tests/processes.ts), side by side: each spends its time loading modules.
const unknownOptionRuns = TOOLS.map((t) => runTool(t.file, ["--no-such-option"], { setup: t.setup }));

describe("shared command line (tools/cli.ts)", () => {
    it("parses long, short, inline and repeated options with node:util parseArgs", () => {
        assert.deepEqual({ ...parseCommand(demo, ["-s", "prod", "--json"]) }, { stack: "prod", json: true });
        assert.deepEqual({ ...parseCommand(demo, ["--stack=prod"]) }, { stack: "prod" });
        assert.deepEqual({ ...parseCommand(demo, ["-sprod"]) }, { stack: "prod" });
        assert.deepEqual({ ...parseCommand(demo, ["--allow", "a", "--allow", "b"]) }, { allow: ["a", "b"] });
        assert.deepEqual({ ...parseCommand(demo, ["-h"]) }, { help: true });
    });

    it("turns every command line it cannot use into a one-line usage error", () => {
        const message = (argv: string[]) => {
            try {
                parseCommand(demo, argv);
            } catch (err) {
                assert.ok(err instanceof UsageError, String(err));
                assert.doesNotMatch(err.message, /\n/);
                return err.message;
            }
            assert.fail(`${argv.join(" ")} was accepted`);
        };
        assert.equal(message(["--bogus"]), "unknown option --bogus");
        assert.equal(message(["-x"]), "unknown option -x");
        assert.equal(message(["-s"]), "option -s, --stack needs a value");
        assert.equal(message(["--stack"]), "option -s, --stack needs a value");
        assert.match(message(["--stack", "--json"]), /^option --stack needs a value \(write --stack=<value>/);
        assert.equal(message(["--json=yes"]), "option --json takes no value");
        assert.match(message(["prod"]), /^unexpected argument prod;/);
    });

    it("prints the usage on --help (exit 0) and an error plus the usage on stderr for a bad command line (exit 2)", async () => {
        const help = buffers();
        assert.equal(await runCommand(demo, () => assert.fail("the handler must not run"), ["--help"], help), 0);
        assert.equal(help.out(), usage(demo));
        assert.equal(help.err(), "");
        assert.match(help.out(), /^Usage: npm run demo -- \[options\]\n/);
        assert.match(help.out(), /\n {2}-s, --stack <name> +stack \(default: dev\)\n/);
        assert.match(help.out(), /\n {6}--allow <urn> \.\.\. +repeatable\n/);
        assert.match(help.out(), /\n {2}-h, --help +show this help and exit\n/);
        assert.match(help.out(), /\nExit codes: 0 ok, 2 unusable command line\.\n$/);

        const bad = buffers();
        assert.equal(await runCommand(demo, () => assert.fail("the handler must not run"), ["--bogus"], bad), EXIT_USAGE);
        assert.equal(bad.out(), "");
        assert.equal(bad.err(), `error: unknown option --bogus\n\n${usage(demo)}`);
    });

    it("reports a failure as error: <message> with the failure code, and passes the handler's own code through", async () => {
        const failed = buffers();
        assert.equal(await runCommand(demo, () => { throw new Error("Pulumi.x.yaml: no such file"); }, [], failed), 1);
        assert.equal(failed.err(), "error: Pulumi.x.yaml: no such file\n");
        assert.equal(await runCommand(demo, () => { throw new Error("unreadable"); }, [], buffers(), 2), 2);
        assert.equal(await runCommand(demo, async () => 1, [], buffers()), 1);
        assert.equal(await runCommand(demo, () => undefined, [], buffers()), 0);
        const usageInHandler = buffers();
        assert.equal(await runCommand(demo, () => { throw new UsageError("--base is required"); }, [], usageInHandler), EXIT_USAGE);
        assert.match(usageInHandler.err(), /^error: --base is required\n\nUsage: npm run demo/);
    });

    it("takes -s/--stack in the forms pulumi --stack takes, and refuses anything else", () => {
        assert.equal(stackName("prod"), "prod");
        assert.equal(stackName("acme/prod"), "prod");
        assert.equal(stackName("acme/aws-blueprints/prod"), "prod");
        assert.throws(() => stackName("acme/other-project/prod"), /names project other-project, but this project is aws-blueprints/);
        assert.throws(() => stackName("../prod"), UsageError);
        assert.throws(() => stackName("a/b/c/d"), /is not a stack name/);
        assert.throws(() => stackName(""), /is not a stack name/);
    });

    it("shows progress on stderr only when it is a terminal", () => {
        const tty = buffers(true);
        const bar = progress(tty.stderr);
        bar.update("serializing handlers 3/17");
        bar.done();
        assert.equal(tty.err(), "\r\x1b[2Kserializing handlers 3/17\r\x1b[2K");
        const piped = buffers(false);
        progress(piped.stderr).update("evaluating program...");
        assert.equal(piped.err(), "");
    });

    it("gives every tool --help, a usage that names its npm script, and -s/--stack where a stack applies", async () => {
        for (const t of TOOLS) {
            const io = buffers();
            assert.equal(await runCommand(t.command, () => assert.fail(`${t.script} ran`), ["-h"], io), 0, t.script);
            assert.ok(io.out().startsWith(`Usage: npm run ${t.script} -- [options]\n`), io.out());
            assert.match(io.out(), /\nExit codes: 0 /, t.script);
            if (t.stack) assert.match(io.out(), /\n {2}-s, --stack <name>/, t.script);
            else assert.doesNotMatch(io.out(), /--stack/, t.script);
        }
    });

    it("refuses a missing required option with exit 2 before doing any work", async () => {
        const diff = buffers();
        assert.equal(await runCommand(planDiffCommand, planDiff, ["-s", "prod"], diff), EXIT_USAGE);
        assert.match(diff.err(), /^error: --base is required\n\nUsage: npm run plan:diff/);
        const guard = buffers();
        assert.equal(await runCommand(guardCommand, runGuard, ["--preview", "preview.json"], guard, EXIT_USAGE), EXIT_USAGE);
        assert.match(guard.err(), /^error: --stack is required\n\nUsage: npm run guard/);
    });

    it("every tool's entry point exits 2 with the error and its usage on stderr for an unknown option", async function () {
        this.timeout(120_000);
        const runs = await Promise.all(unknownOptionRuns);
        for (const [i, t] of TOOLS.entries()) {
            const run = runs[i];
            assert.equal(run.status, EXIT_USAGE, `${t.script}: ${run.stderr}`);
            assert.equal(run.stdout, "", t.script);
            assert.equal(run.stderr, `error: unknown option --no-such-option\n\n${usage(t.command)}`, t.script);
        }
    });

    it("writes all of a long report through a pipe: the last line arrives", async () => {
        // An unprotected stack whose preview deletes 1500 buckets: a report of several hundred KiB, far beyond the
        // 64 KiB a Linux pipe holds, from a tool that evaluates no program.
        const dir = mkdtempSync(path.join(os.tmpdir(), "cli-pipe-"));
        try {
            const file = path.join(dir, "preview.json");
            const steps = Array.from({ length: 1500 }, (_, i) => ({
                op: "delete",
                urn: `urn:pulumi:dev::aws-blueprints::aws-blueprints:security:SecurityGroupGuard$aws:s3/bucket:Bucket::bucket-${i}`,
                oldState: { type: "aws:s3/bucket:Bucket" },
            }));
            writeFileSync(file, JSON.stringify({ steps, changeSummary: { delete: 1500 }, diagnostics: [] }));
            const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "tools/guard.ts", "--preview", file, "-s", "dev"], {
                cwd: ROOT,
                env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
                stdio: ["ignore", "pipe", "pipe"],
            });
            const chunks: Buffer[] = [];
            child.stdout.on("data", (c: Buffer) => chunks.push(c));
            child.stderr.resume();
            const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
            const out = Buffer.concat(chunks).toString("utf8");
            assert.equal(status, 0);
            assert.ok(out.length > 256 * 1024, `only ${out.length} bytes`);
            assert.equal(out.split("\n").filter((l) => l.includes("bucket-")).length, 1500);
            assert.equal(out.trimEnd().split("\n").pop(), "<sub>pulumi preview change summary: delete 1500.</sub>");
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
