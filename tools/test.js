// npm test: the type-check and the mocha suite side by side (they are independent and the machine has two cores).
// Mocha's report streams as it runs; the type-checker's output follows it. Exits non-zero when either fails.
// Extra arguments go to mocha: npm test -- --grep "SpotFleet"
"use strict";
const { spawn } = require("node:child_process");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const bin = (name) => path.join(ROOT, "node_modules", ".bin", name);
// Incremental type-checking: a warm clone re-checks only what changed; a fresh clone checks everything once.
const TSC_ARGS = ["--noEmit", "--noCheck", "false", "--incremental", "--tsBuildInfoFile", path.join(ROOT, "node_modules", ".cache", "aws-blueprints", "tsbuildinfo")];

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

async function main() {
    const mochaArgs = process.argv.slice(2);
    const [tests, typecheck] = await Promise.all([
        run("tests", bin("mocha"), mochaArgs.length > 0 ? mochaArgs : ["tests/**/*.test.ts"], true),
        run("typecheck", bin("tsc"), TSC_ARGS, false),
    ]);
    if (typecheck.output) process.stdout.write(typecheck.output);
    for (const r of [tests, typecheck]) console.log(`${r.name}: ${r.code === 0 ? "ok" : `failed (exit ${r.code})`} in ${r.seconds.toFixed(1)} s`);
    process.exitCode = tests.code !== 0 || typecheck.code !== 0 ? 1 : 0;
}

main();
