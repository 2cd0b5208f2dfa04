import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { HandlerFunction } from "../components/lambda";
import { skipPromiseStackCapture } from "../components/runtime";
import { ROOT } from "../engine/evaluate";

const debuggable = require("@pulumi/pulumi/runtime/debuggable");
const state = require("@pulumi/pulumi/runtime/state");

describe("evaluation settings (components/runtime.ts)", () => {
    it("records the SDK's internal promises without stack frames, and still tracks them for leak reports", async () => {
        skipPromiseStackCapture();
        let settle!: (v: number) => void;
        const inner: any = new Promise<number>((resolve) => (settle = resolve));
        const tracked = debuggable.debuggablePromise(inner, "a test promise");
        assert.doesNotMatch(String(inner._debugStackTrace), /\n\s+at /);
        assert.equal(inner._debugCtx, "a test promise");
        assert.ok(state.getStore().leakCandidates.has(inner), "a pending promise is a leak candidate");
        settle(7);
        assert.equal(await tracked, 7);
        assert.ok(!state.getStore().leakCandidates.has(inner), "a settled promise is not");
    });

    it("wraps the SDK's function once, however often it is installed", () => {
        const wrapped = debuggable.debuggablePromise;
        skipPromiseStackCapture();
        assert.equal(debuggable.debuggablePromise, wrapped);
    });

    it("leaves the errors a user sees pointing at the TypeScript line", () => {
        const source = readFileSync(path.join(ROOT, "components", "lambda.ts"), "utf8").split("\n");
        const line = source.findIndex((l) => l.includes("timeoutSeconds must be 1-900")) + 1;
        assert.ok(line > 0);
        const err = (() => {
            try {
                new HandlerFunction("bad", { description: "x", callback: async () => undefined, statements: [], timeoutSeconds: 0 });
            } catch (e) {
                return e as Error;
            }
            return undefined;
        })();
        assert.ok(err, "an out-of-range timeout is refused");
        assert.match(String(err.stack), new RegExp(`components[\\\\/]lambda\\.ts:${line}:\\d+`));
    });

    it("records full stacks when PULUMI_DEBUG_PROMISE_LEAKS asks for them", function () {
        this.timeout(60_000);
        const script = [
            'require("./components/runtime");',
            'const d = require("@pulumi/pulumi/runtime/debuggable");',
            "const p = Promise.resolve(1);",
            'd.debuggablePromise(p, "x");',
            "process.stdout.write(String(p._debugStackTrace));",
        ].join("\n");
        const out = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, PULUMI_DEBUG_PROMISE_LEAKS: "1" },
        });
        assert.equal(out.status, 0, out.stderr);
        assert.match(out.stdout, /\n\s+at (Object\.)?debuggablePromise /);
    });

    it("lets the Pulumi language host run the program without type-checking it, while npm test checks types", () => {
        // The language host reads noCheck from tsconfig.json itself (no `extends`) to decide ts-node's transpileOnly.
        const tsconfig = ts.parseConfigFileTextToJson("tsconfig.json", readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
        assert.equal(tsconfig.config.compilerOptions.noCheck, true);
        const scripts = require("../package.json").scripts;
        assert.match(scripts.typecheck, /^tsc --noEmit --noCheck false$/);
        assert.match(readFileSync(path.join(ROOT, "tools", "test.js"), "utf8"), /"--noCheck", "false"/);
    });
});
