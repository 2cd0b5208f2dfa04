import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    changesFromPreview,
    GuardConfig,
    guardPreview,
    loadGuardConfig,
    parsePreview,
    PreviewStep,
    renderGuardReport,
    stepToChange,
} from "../tools/guard";
import { runTool } from "./processes";

const FIXTURES = path.join(__dirname, "fixtures", "preview");
const ROUTINE = path.join(FIXTURES, "prod-routine.json");
const DESTRUCTIVE = path.join(FIXTURES, "prod-destructive.json");
const PROD: GuardConfig = { protectedStacks: ["prod"], allowed: [] };
const GUARD_URN = "urn:pulumi:prod::aws-blueprints::aws-blueprints:security:SecurityGroupGuard";
const BUCKET = `${GUARD_URN}$aws:s3/bucket:Bucket::sg-guard-trail-logs`;
const QUEUE = `${GUARD_URN}$aws:sqs/queue:Queue::sg-guard-failures`;

function fixture(file: string, replace?: [string, string]): string {
    const text = readFileSync(file, "utf8");
    return replace ? text.split(replace[0]).join(replace[1]) : text;
}

function step(op: string, type = "aws:s3/bucket:Bucket", extra: Partial<PreviewStep> = {}): PreviewStep {
    const urn = `${GUARD_URN}$${type}::x`;
    return { op, urn, oldState: { type }, newState: { type }, ...extra };
}

describe("preview guard: pulumi steps in change-set terms", () => {
    it("maps every op onto the inspection rule's actions", () => {
        assert.equal(stepToChange(step("same")), undefined);
        assert.equal(stepToChange(step("read")), undefined);
        assert.equal(stepToChange(step("refresh")), undefined);
        assert.deepEqual(stepToChange(step("create")), { id: step("create").urn, resourceType: "aws:s3/bucket:Bucket", action: "Add" });
        assert.deepEqual(stepToChange(step("update")), { id: step("update").urn, resourceType: "aws:s3/bucket:Bucket", action: "Modify", replacement: "False" });
        assert.equal(stepToChange(step("import"))!.action, "Import");
        assert.equal(stepToChange(step("delete"))!.action, "Remove");
        assert.equal(stepToChange(step("delete-replaced"))!.action, "Remove");
        for (const op of ["replace", "create-replacement", "import-replacement"]) {
            const c = stepToChange(step(op, "aws:s3/bucket:Bucket", { replaceReasons: ["bucket"] }))!;
            assert.deepEqual([c.action, c.replacement, c.reasons], ["Modify", "True", ["bucket"]], op);
        }
    });

    it("treats an op it does not know as a possible replacement, never as safe", () => {
        const c = stepToChange(step("teleport"))!;
        assert.deepEqual([c.action, c.replacement], ["Dynamic", "Conditional"]);
        const result = guardPreview({ steps: [step("teleport")], changeSummary: {}, diagnostics: [] }, "prod", PROD);
        assert.equal(result.exitCode, 1);
        assert.equal(result.inspection.unsafe[0].kind, "conditional-replace");
    });

    it("takes the type from the step's state, or from the URN when the state is absent", () => {
        const urn = `${GUARD_URN}$aws:dynamodb/table:Table::orders`;
        assert.equal(stepToChange({ op: "delete", urn })!.resourceType, "aws:dynamodb/table:Table");
    });

    it("folds the three steps of one replacement into one change", () => {
        const doc = parsePreview(fixture(DESTRUCTIVE), "fixture");
        const { changes, ops } = changesFromPreview(doc);
        assert.deepEqual(ops.get(BUCKET), ["create-replacement", "replace", "delete-replaced"]);
        const bucket = changes.filter((c) => c.id === BUCKET);
        assert.equal(bucket.length, 1);
        assert.deepEqual([bucket[0].action, bucket[0].replacement, bucket[0].reasons], ["Modify", "True", ["bucket"]]);
    });
});

describe("preview guard over realistic previews", () => {
    it("passes a routine prod preview: creates, updates, reads, imports, and deletes or replacements of resources without data", () => {
        const doc = parsePreview(fixture(ROUTINE), "routine");
        assert.deepEqual(
            [...new Set(doc.steps.map((s) => s.op))].sort(),
            ["create", "delete", "import", "read", "replace", "same", "update"],
        );
        const result = guardPreview(doc, "prod", PROD);
        assert.equal(result.exitCode, 0);
        assert.equal(result.inspection.verdict, "CAN-SAFELY-UPDATE-EXISTING-STACK");
        // The log group update (stateful, in place) and the key import are not unsafe.
        assert.deepEqual(result.inspection.unsafe, []);
        assert.deepEqual(
            result.otherDestructive.map((u) => [u.change.resourceType, u.kind]),
            [
                ["aws:cloudwatch/metricAlarm:MetricAlarm", "delete"],
                ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "replace"],
            ],
        );
        const report = renderGuardReport(result);
        assert.match(report, /✅ \*\*CAN-SAFELY-UPDATE-EXISTING-STACK\*\*/);
        assert.match(report, /sg-guard-web-https.*`replace` \| `cidrIpv4`/);
        assert.match(report, /create 1, delete 1, import 1, read 1, replace 1, same 27, update 2/);
    });

    it("fails a prod preview that replaces the trail bucket and deletes the failure queue, naming each step", () => {
        const doc = parsePreview(fixture(DESTRUCTIVE), "destructive");
        assert.ok(["create-replacement", "replace", "delete-replaced", "delete"].every((op) => doc.steps.some((s) => s.op === op)));
        const result = guardPreview(doc, "prod", PROD);
        assert.equal(result.exitCode, 1);
        assert.equal(result.inspection.verdict, "RESOURCES-BEING-DELETED-OR-REPLACED");
        assert.deepEqual(
            result.inspection.unsafe.map((u) => [u.change.id, u.kind, u.change.reasons]),
            [
                [BUCKET, "replace", ["bucket"]],
                [QUEUE, "delete", undefined],
            ],
        );
        // The queue policy holds no data: reported, not blocking.
        assert.deepEqual(result.otherDestructive.map((u) => u.change.resourceType), ["aws:sqs/queuePolicy:QueuePolicy"]);
        const report = renderGuardReport(result);
        assert.match(report, /⛔ \*\*RESOURCES-BEING-DELETED-OR-REPLACED\*\*: 2 step\(s\)/);
        assert.match(report, /\| `sg-guard-trail-logs`.*\| `aws:s3\/bucket:Bucket` \| `replace` \(with `create-replacement`, `delete-replaced`\) \| `bucket` \|/);
        assert.match(report, /\| `sg-guard-failures`.*\| `aws:sqs\/queue:Queue` \| `delete` \| — \|/);
    });

    it("only reports the same changes in a stack that is not protected", () => {
        const doc = parsePreview(fixture(DESTRUCTIVE, ["urn:pulumi:prod::", "urn:pulumi:dev::"]), "dev");
        const result = guardPreview(doc, "dev", PROD);
        assert.equal(result.protected, false);
        assert.equal(result.exitCode, 0);
        assert.equal(result.inspection.unsafe.length, 2);
        assert.match(renderGuardReport(result), /`dev` is not a protected stack, so this does not fail/);
    });

    it("protects the stacks the configuration names", () => {
        const doc = parsePreview(fixture(DESTRUCTIVE, ["urn:pulumi:prod::", "urn:pulumi:staging::"]), "staging");
        assert.equal(guardPreview(doc, "staging", PROD).exitCode, 0);
        assert.equal(guardPreview(doc, "staging", { protectedStacks: ["prod", "staging"], allowed: [] }).exitCode, 1);
        assert.equal(guardPreview(doc, "acme/staging", { protectedStacks: ["staging"], allowed: [] }).exitCode, 1, "Pulumi Cloud org/stack names");
    });

    it("accepts a deletion allowed by URN with a reason, and only that one", () => {
        const doc = parsePreview(fixture(DESTRUCTIVE), "destructive");
        const reason = "the failure queue moved to the shared alerts stack";
        const one = guardPreview(doc, "prod", { protectedStacks: ["prod"], allowed: [{ urn: QUEUE, reason }] });
        assert.equal(one.exitCode, 1);
        assert.deepEqual(one.inspection.unsafe.map((u) => u.change.id), [BUCKET]);
        assert.deepEqual(one.inspection.allowed.map((u) => u.change.id), [QUEUE]);
        assert.match(renderGuardReport(one), new RegExp(`### Allowed by configuration[\\s\\S]*sg-guard-failures[\\s\\S]*${reason}`));
        const both = guardPreview(doc, "prod", { protectedStacks: ["prod"], allowed: [{ urn: QUEUE, reason }, { urn: BUCKET, reason }] });
        assert.equal(both.exitCode, 0);
        assert.match(renderGuardReport(both), /no stateful resource is deleted or replaced except as allowed below/);
    });

    it("passes a preview with nothing to do", () => {
        const result = guardPreview(parsePreview('{ "changeSummary": { "same": 30 } }'), "prod", PROD);
        assert.equal(result.exitCode, 0);
        assert.match(renderGuardReport(result), /same 30/);
    });

    it("refuses a preview of another stack, so a wrong --stack cannot skip protection", () => {
        const doc = parsePreview(fixture(DESTRUCTIVE), "destructive");
        assert.throws(() => guardPreview(doc, "dev", PROD), /the preview is of stack prod, not dev/);
    });

    it("refuses a preview that reported errors, whose steps may be incomplete", () => {
        const doc = JSON.parse(fixture(ROUTINE));
        doc.diagnostics = [{ urn: doc.steps[3].urn, message: "error: AccessDenied: not authorized to perform lambda:GetFunction\n", severity: "error" }];
        assert.throws(() => guardPreview(parsePreview(JSON.stringify(doc)), "prod", PROD), /preview reported errors[\s\S]*AccessDenied/);
    });

    it("rejects documents that are not pulumi preview --json output", () => {
        assert.throws(() => parsePreview("Previewing update (prod)", "p.json"), /p.json is not JSON/);
        assert.throws(() => parsePreview("[]", "p.json"), /not a pulumi preview --json document/);
        assert.throws(() => parsePreview('{ "resources": [] }', "p.json"), /neither steps nor changeSummary/);
        assert.throws(() => parsePreview('{ "steps": {} }', "p.json"), /steps must be a list/);
        assert.throws(() => parsePreview('{ "steps": [{ "urn": "urn:pulumi:prod::p::t::n" }] }', "p.json"), /step 0 has no op and URN/);
    });
});

describe("preview guard configuration", () => {
    let dir: string;
    before(() => (dir = mkdtempSync(path.join(os.tmpdir(), "guard-config-"))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    function config(body: unknown): string {
        const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.json`);
        writeFileSync(file, typeof body === "string" ? body : JSON.stringify(body));
        return file;
    }

    it("protects prod and allows nothing by default, and the committed file says the same", () => {
        assert.deepEqual(loadGuardConfig(path.join(dir, "missing.json")), { protectedStacks: ["prod"], allowed: [] });
        assert.deepEqual(loadGuardConfig(), { protectedStacks: ["prod"], allowed: [] });
    });

    it("rejects bad entries naming the key and what is allowed", () => {
        assert.throws(() => loadGuardConfig(config({ allowed: [{ urn: "sg-guard-failures", reason: "moved to the shared stack" }] })), /allowed\.0\.urn: must be a full resource URN/);
        assert.throws(() => loadGuardConfig(config({ allowed: [{ urn: QUEUE, reason: "ok" }] })), /allowed\.0\.reason: must say why, in at least 10 characters/);
        assert.throws(() => loadGuardConfig(config({ protectedStacks: ["prod"], allow: [] })), /\(root\): Unrecognized key.*"allow"/);
        assert.throws(() => loadGuardConfig(config("{ protectedStacks: prod }")), /is not JSON/);
        assert.throws(() => loadGuardConfig(path.join(dir, "missing.json"), true), /does not exist/);
    });
});

// Started when the file loads (see tests/processes.ts); the output file's directory is made first.
const outDir = mkdtempSync(path.join(os.tmpdir(), "guard-out-"));
const guard = (...args: string[]) => runTool("tools/guard.ts", args);
const runs = {
    unsafe: guard("--preview", DESTRUCTIVE, "--stack", "prod", "--output", path.join(outDir, "guard.md")),
    routine: guard("--preview", ROUTINE, "--stack", "prod"),
    unprotected: guard("--preview", DESTRUCTIVE, "--stack", "prod", "--protected-stacks", "staging"),
    allowed: guard("--preview", DESTRUCTIVE, "--stack", "prod", "--allow", BUCKET, "--allow", QUEUE),
    missing: guard("--preview", "no-such-preview.json", "--stack", "prod"),
    noStack: guard("--preview", ROUTINE),
    short: guard("--preview", DESTRUCTIVE, "-s", "prod"),
    qualified: guard("--preview", DESTRUCTIVE, "--stack=acme/prod"),
    other: guard("--preview", DESTRUCTIVE, "-s", "dev"),
};

describe("preview guard command", () => {
    after(() => rmSync(outDir, { recursive: true, force: true }));

    it("exits 1 with the Markdown report for an unsafe prod preview, and writes --output", async () => {
        const run = await runs.unsafe;
        assert.equal(run.status, 1, run.stderr);
        assert.match(run.stdout, /^## Preview guard: stack `prod` \(protected\)/);
        assert.equal(readFileSync(path.join(outDir, "guard.md"), "utf8"), run.stdout);
        assert.match(run.stderr, /unsafe: .*sg-guard-trail-logs \[aws:s3\/bucket:Bucket\]: replace \(bucket\)/);
    });

    it("exits 0 for a routine preview, for an unprotected stack, and when --allow names every unsafe URN", async () => {
        assert.equal((await runs.routine).status, 0);
        assert.equal((await runs.unprotected).status, 0);
        assert.equal((await runs.allowed).status, 0);
    });

    it("exits 2, never 0, when it cannot read the preview", async () => {
        const missing = await runs.missing;
        assert.equal(missing.status, 2);
        assert.match(missing.stderr, /no-such-preview\.json/);
        const usage = await runs.noStack;
        assert.equal(usage.status, 2);
        assert.match(usage.stderr, /^error: --stack is required\n\nUsage: npm run guard -- \[options\]\n/);
        assert.equal(usage.stdout, "");
    });

    it("takes the stack as -s, and in the org/name form pulumi --stack takes", async () => {
        const short = await runs.short;
        assert.equal(short.status, 1, short.stderr);
        assert.match(short.stdout, /^## Preview guard: stack `prod` \(protected\)/);
        const qualified = await runs.qualified;
        assert.equal(qualified.status, 1, qualified.stderr);
        assert.equal(qualified.stdout, short.stdout);
        const other = await runs.other;
        assert.equal(other.status, 2);
        assert.match(other.stderr, /the preview is of stack prod, not dev/);
    });
});
