// The tools run as separate processes, the way npm runs them. Each start costs a second or more of module loading,
// so a test file starts its end-to-end runs when mocha loads it, and they run beside the in-process tests on the
// machine's other core; the test that checks a run awaits it.
import { spawn } from "node:child_process";
import { ROOT } from "../engine/evaluate";

export interface ToolRun {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs a tool's entry point (`tools/<name>.ts`) with ts-node as the npm scripts do; `setup` preloads the test mocks. */
export function runTool(file: string, args: readonly string[], options: { readonly setup?: boolean } = {}): Promise<ToolRun> {
    const preload = ["-r", "ts-node/register/transpile-only", ...(options.setup ? ["-r", "./engine/register.ts"] : [])];
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [...preload, file, ...args], {
            cwd: ROOT,
            env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (c: Buffer) => out.push(c));
        child.stderr.on("data", (c: Buffer) => err.push(c));
        child.on("error", (e) => resolve({ status: null, stdout: "", stderr: e.message }));
        child.on("close", (status) => resolve({ status, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
    });
}
