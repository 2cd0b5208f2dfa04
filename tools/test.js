// npm test: the type-check and the mocha suite side by side (they are independent and the machine has two cores).
// Mocha's report streams as it runs; the type-checker's output follows it. Exits non-zero when either fails.
// Extra arguments go to mocha: npm test -- --grep "SpotCapacity"
//
// npm run test:quick (--quick): the inner loop. Handler and component tests only, without the type-check, the
// whole-stack evaluations and the tools run as processes, plus `npm run generate -- --check --quick` (the generated
// files that need no stack evaluated: pages' tables, README scenario table, Pulumi.yaml, the all-scenarios stack);
// names narrow it to the test files whose name starts
// with one of them, or to a scenario's folder of tests: npm run test:quick -- spotFleet securityGroup
"use strict";
const { spawn } = require("node:child_process");
const { readdirSync } = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const bin = (name) => path.join(ROOT, "node_modules", ".bin", name);
// Incremental type-checking: a warm clone re-checks only what changed; a fresh clone checks everything once.
const TSC_ARGS = ["--noEmit", "--noCheck", "false", "--incremental", "--tsBuildInfoFile", path.join(ROOT, "node_modules", ".cache", "aws-blueprints", "tsbuildinfo")];
// Test files that evaluate whole stacks or run the tools as processes: left out of the quick loop.
const WHOLE_PROGRAM = new Set(["account", "authz", "cli", "constraints", "examples", "guard", "plan", "planDiff", "policy", "preflight", "preview", "stack", "workflows"]);

function run(name, command, args, live) {
    const started = Date.now();
    return new Promise((resolve) => {
        const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", live ? "inherit" : "pipe", live ? "inherit" : "pipe"] });
        let output = "";
        if (!live) {
            child.stdout.on("data", (chunk) => (output += chunk));
            child.stderr.on("data", (chunk) => (output += chunk));
        }
        child.on("error", (err) => resolve({ name, code: 1, output: `${err.message}\n`, seconds: 0 }));
        child.on("close", (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0), output, seconds: (Date.now() - started) / 1000 }));
    });
}

function quickFiles(names) {
    // tests/<scenario>/*.test.ts plus the cross-cutting tests/*.test.ts; a name picks a scenario folder or file names.
    const entries = readdirSync(path.join(ROOT, "tests"), { withFileTypes: true });
    const candidates = entries.flatMap((e) =>
        e.isDirectory()
            ? readdirSync(path.join(ROOT, "tests", e.name)).map((f) => ({ folder: e.name, file: f }))
            : [{ folder: undefined, file: e.name }],
    );
    const files = candidates
        .filter(({ folder, file }) => file.endsWith(".test.ts") && (folder !== undefined || !WHOLE_PROGRAM.has(file.slice(0, -".test.ts".length))))
        .filter(({ folder, file }) => names.length === 0 || names.some((n) => file.startsWith(n) || (folder !== undefined && folder.startsWith(n))))
        .map(({ folder, file }) => path.join("tests", ...(folder ? [folder] : []), file));
    if (files.length === 0) throw new Error(`no handler or component test file or scenario folder starts with ${names.join(" or ")}`);
    return files;
}

async function main() {
    const args = process.argv.slice(2);
    if (args[0] === "--quick") {
        const files = quickFiles(args.slice(1));
        // Two workers on two cores once there are enough files to share; beside them, the check of the generated
        // files that needs no stack evaluated (npm test checks the plans and controls).
        const [tests, generated] = await Promise.all([
            run("tests", bin("mocha"), [...(files.length > 4 ? ["--parallel", "--jobs", "2"] : []), ...files], true),
            run("generated files", process.execPath, ["-r", "ts-node/register/transpile-only", "-r", "./engine/register.ts", "tools/generate.ts", "--check", "--quick"], false),
        ]);
        process.stdout.write(generated.output);
        process.exitCode = tests.code !== 0 || generated.code !== 0 ? 1 : 0;
        return;
    }
    const [tests, typecheck] = await Promise.all([
        run("tests", bin("mocha"), args.length > 0 ? args : ["tests/**/*.test.ts"], true),
        run("typecheck", bin("tsc"), TSC_ARGS, false),
    ]);
    if (typecheck.output) process.stdout.write(typecheck.output);
    for (const r of [tests, typecheck]) console.log(`${r.name}: ${r.code === 0 ? "ok" : `failed (exit ${r.code})`} in ${r.seconds.toFixed(1)} s`);
    process.exitCode = tests.code !== 0 || typecheck.code !== 0 ? 1 : 0;
}

main().catch((err) => {
    console.error(`error: ${err.message}`);
    process.exitCode = 2;
});
