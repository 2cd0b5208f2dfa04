import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { handlerSizes, renderTree } from "../tools/preview";
import { ROOT, runStack } from "./harness";

function preview(...args: string[]) {
    return spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "tools/preview.ts", ...args], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
    });
}

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

    it("prints the tree, handler sizes and a create summary from the command line", () => {
        const out = preview("--stack", "prod");
        assert.equal(out.status, 0, out.stderr);
        assert.match(out.stdout, /SecurityGroupGuard\s+sg-guard/);
        assert.match(out.stdout, /aws:kms\/key:Key\s+sg-guard-alerts-key \[protect\]/);
        assert.match(out.stdout, /sg-guard-revert\s+\d+\.\d KiB {2}1 file\(s\)/);
        assert.match(out.stdout, /\+ \d+ to create \(\d+ protected\)/);
    });

    it("exits non-zero with the message on a configuration error", () => {
        const file = path.join(ROOT, "Pulumi.previewcheck.yaml");
        writeFileSync(file, "config:\n  aws:region: us-east-1\n  aws-blueprints:environment: previewcheck\n  aws-blueprints:logRetentionDays: 10\n");
        try {
            const out = preview("--stack", "previewcheck");
            assert.equal(out.status, 1);
            assert.match(out.stderr, /aws-blueprints:logRetentionDays: must be one of/);
            assert.equal(out.stdout, "");
        } finally {
            rmSync(file, { force: true });
        }
    });

    it("exits non-zero for a stack without a configuration file", () => {
        const out = preview("--stack", "nosuchstack");
        assert.equal(out.status, 1);
        assert.match(out.stderr, /Pulumi\.nosuchstack\.yaml/);
    });
});
