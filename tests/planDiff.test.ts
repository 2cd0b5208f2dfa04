import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Plan, PlanResource, serializePlan } from "../tools/plan";
import { diffPlans, diffValues, MAX_CHARS, planAtRef, renderPlanDiffs, stacksAtRef, verifyRef } from "../tools/planDiff";
import { ROOT } from "../engine/evaluate";

const P = "urn:pulumi:prod::aws-blueprints::";
const APP = `${P}aws-blueprints:data:Archive::archive`;
const APP_T = "aws-blueprints:data:Archive";
const OPS = `${P}aws-blueprints:ops:Ops::ops`;

function res(type: string, name: string, parent: string | undefined, inputs: Record<string, unknown> = {}, extra: Partial<PlanResource> = {}): PlanResource {
    return { type, name, custom: !type.startsWith("aws-blueprints:"), ...(parent ? { parent } : {}), protect: false, retainOnDelete: false, aliases: [], inputs, ...extra };
}

function plan(resources: Record<string, PlanResource>): Plan {
    return { format: 1, project: "aws-blueprints", stack: "prod", resources };
}

const kept = { protect: true, retainOnDelete: true };
const policy = (actions: string[]) =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "arn:aws:s3:::archive-1234567/*" }] });

/** Before: an archive component with a bucket, a table, a key, a log group, a function and its role; an ops alarm. */
function planBefore(): Plan {
    return plan({
        [APP]: res(APP_T, "archive", undefined),
        [`${P}${APP_T}$aws:s3/bucket:Bucket::archive-data`]: res("aws:s3/bucket:Bucket", "archive-data", APP, { bucket: "archive-1234567" }, kept),
        [`${P}${APP_T}$aws:dynamodb/table:Table::archive-index`]: res("aws:dynamodb/table:Table", "archive-index", APP, { billingMode: "PAY_PER_REQUEST" }, kept),
        [`${P}${APP_T}$aws:kms/key:Key::archive-key`]: res("aws:kms/key:Key", "archive-key", APP, { enableKeyRotation: true }, kept),
        [`${P}${APP_T}$aws:cloudwatch/logGroup:LogGroup::archive-logs`]: res("aws:cloudwatch/logGroup:LogGroup", "archive-logs", APP, { retentionInDays: 365 }, kept),
        [`${P}${APP_T}$aws:iam/role:Role::archive-role`]: res("aws:iam/role:Role", "archive-role", APP, { inlinePolicy: policy(["s3:GetObject"]) }),
        [`${P}${APP_T}$aws:lambda/function:Function::archive-fn`]: res("aws:lambda/function:Function", "archive-fn", APP, {
            code: { bytes: 18240, files: 1, sha256: "a".repeat(64) },
            memorySize: 256,
            tags: { environment: "prod", owner: "platform-team" },
        }),
        [`${P}${APP_T}$aws:cloudwatch/metricAlarm:MetricAlarm::archive-errors`]: res("aws:cloudwatch/metricAlarm:MetricAlarm", "archive-errors", APP, { threshold: 1 }),
        [OPS]: res("aws-blueprints:ops:Ops", "ops", undefined),
    });
}

/**
 * After: the function changed (code, memory, a tag), the role gained an action, the bucket is gone, the log group moved
 * under `ops` without an alias, the table was renamed with an alias, the key lost its protection, the alarm was
 * removed and a queue was added.
 */
function planAfter(): Plan {
    const p = planBefore().resources;
    const moved = `${P}aws-blueprints:ops:Ops$aws:cloudwatch/logGroup:LogGroup::archive-logs`;
    const renamed = `${P}${APP_T}$aws:dynamodb/table:Table::archive-catalog`;
    return plan({
        [APP]: p[APP],
        [OPS]: p[OPS],
        [`${P}${APP_T}$aws:kms/key:Key::archive-key`]: { ...p[`${P}${APP_T}$aws:kms/key:Key::archive-key`], protect: false, retainOnDelete: false },
        [moved]: { ...p[`${P}${APP_T}$aws:cloudwatch/logGroup:LogGroup::archive-logs`], parent: OPS },
        [renamed]: { ...p[`${P}${APP_T}$aws:dynamodb/table:Table::archive-index`], name: "archive-catalog", aliases: [`${P}${APP_T}$aws:dynamodb/table:Table::archive-index`] },
        [`${P}${APP_T}$aws:iam/role:Role::archive-role`]: res("aws:iam/role:Role", "archive-role", APP, { inlinePolicy: policy(["s3:GetObject", "s3:PutObject"]) }),
        [`${P}${APP_T}$aws:lambda/function:Function::archive-fn`]: res("aws:lambda/function:Function", "archive-fn", APP, {
            code: { bytes: 18302, files: 1, sha256: "b".repeat(64) },
            memorySize: 512,
            tags: { environment: "prod", owner: "data-team" },
        }),
        [`${P}${APP_T}$aws:sqs/queue:Queue::archive-dlq`]: res("aws:sqs/queue:Queue", "archive-dlq", APP, { sqsManagedSseEnabled: true }, kept),
    });
}

describe("plan diff", () => {
    it("compares values property by property, looking inside JSON documents held in strings", () => {
        assert.deepEqual(diffValues({ a: 1, b: [1, 2], c: "x" }, { a: 1, b: [1, 3, 4], d: true }), [
            { path: "b[1]", before: 2, after: 3 },
            { path: "b[2]", after: 4 },
            { path: "c", before: "x" },
            { path: "d", after: true },
        ]);
        assert.deepEqual(diffValues({ policy: policy(["s3:GetObject"]) }, { policy: policy(["s3:GetObject", "s3:PutObject"]) }), [
            { path: "policy.Statement[0].Action[1]", after: "s3:PutObject" },
        ]);
        assert.deepEqual(diffValues({ "aws:SourceAccount": "1" }, { "aws:SourceAccount": "2" }), [{ path: '"aws:SourceAccount"', before: "1", after: "2" }]);
        assert.deepEqual(diffValues({ a: { b: 1 } }, { a: { b: 1 } }), []);
    });

    it("lists added, removed and changed resources and flags stateful removals and URN changes as danger", () => {
        const d = diffPlans("prod", planBefore(), planAfter());
        // A URN change is a delete and a create: the log group is both removed and added.
        assert.deepEqual(d.added.map((r) => r.name).sort(), ["archive-dlq", "archive-logs"]);
        assert.deepEqual(d.removed.map((r) => r.name).sort(), ["archive-data", "archive-errors", "archive-logs"]);
        assert.deepEqual(d.changed.map((r) => r.name).sort(), ["archive-catalog", "archive-fn", "archive-key", "archive-role"]);

        const fn = d.changed.find((c) => c.name === "archive-fn")!;
        assert.deepEqual(fn.changes, [
            { path: "code.bytes", before: 18240, after: 18302 },
            { path: "code.sha256", before: "a".repeat(64), after: "b".repeat(64) },
            { path: "memorySize", before: 256, after: 512 },
            { path: "tags.owner", before: "platform-team", after: "data-team" },
        ]);
        const role = d.changed.find((c) => c.name === "archive-role")!;
        assert.deepEqual(role.changes, [{ path: "inlinePolicy.Statement[0].Action[1]", after: "s3:PutObject" }]);

        // The alias covers the table's old URN: a rename, not a removal.
        const table = d.changed.find((c) => c.name === "archive-catalog")!;
        assert.equal(table.from, `${P}${APP_T}$aws:dynamodb/table:Table::archive-index`);
        assert.ok(!d.dangers.some((x) => x.type === "aws:dynamodb/table:Table"));

        assert.deepEqual(
            d.dangers.map((x) => [x.name, x.kind, x.successor, x.protect]),
            [
                ["archive-logs", "urn-change", `${P}aws-blueprints:ops:Ops$aws:cloudwatch/logGroup:LogGroup::archive-logs`, true],
                ["archive-data", "removed", undefined, true],
            ],
        );
        // The alarm holds no data: removed, not dangerous.
        assert.ok(!d.dangers.some((x) => x.name === "archive-errors"));
        assert.deepEqual(d.protectionLowered.map((x) => [x.name, x.changes.map((c) => c.path)]), [["archive-key", ["(protect)", "(retainOnDelete)"]]]);
    });

    it("renders Markdown for a pull request with the DANGER section first", () => {
        const md = renderPlanDiffs([diffPlans("prod", planBefore(), planAfter()), diffPlans("dev", undefined, { ...planAfter(), stack: "dev" })], "origin/main", {
            dev: ["`origin/main` has no `plans/dev.json`; every resource counts as added."],
        });
        assert.match(md, /^## Infrastructure plan diff against `origin\/main`/);
        assert.match(md, /⛔ \*\*DANGER: 2 stateful resource\(s\) would be deleted or re-created\.\*\*/);
        assert.match(md, /\| `prod` \| 2 \| 4 \| 3 \| ⛔ 2 \|/);
        assert.match(md, /\| `dev` \| 8 \| 0 \| 0 \| 0 \|/);
        const prod = md.slice(md.indexOf("### Stack `prod`"));
        assert.ok(prod.indexOf("DANGER") < prod.indexOf("#### Added"), "danger comes first");
        assert.match(prod, /`archive-data` `aws:s3\/bucket:Bucket` in `archive`.*Removed from the program\. `pulumi up` fails because it is protected; unprotected, Pulumi would delete it\./);
        assert.match(
            prod,
            /`archive-logs`.*Its URN changes to `urn:pulumi:prod::aws-blueprints::aws-blueprints:ops:Ops\$aws:cloudwatch\/logGroup:LogGroup::archive-logs` and no alias covers the old one\..*Add an alias for the old URN to keep it\./,
        );
        assert.match(prod, /Protection switched off on 1 stateful resource[\s\S]*`archive-key`.*\(protect\) `true` → `false`/);
        assert.match(prod, /renamed from <code>urn:pulumi:prod::aws-blueprints::aws-blueprints:data:Archive\$aws:dynamodb\/table:Table::archive-index<\/code> \(an alias keeps it\), no property changes/);
        assert.match(prod, /<details><summary><code>archive-fn<\/code> <code>aws:lambda\/function:Function<\/code> in <code>archive<\/code>: 4 properties<\/summary>/);
        assert.match(prod, /\| `memorySize` \| `256` \| `512` \|/);
        assert.match(prod, /\| `inlinePolicy.Statement\[0\].Action\[1\]` \| — \| `"s3:PutObject"` \|/);
        assert.match(md, /> `origin\/main` has no `plans\/dev.json`/);
    });

    it("says what happens to an unprotected or retained resource", () => {
        const base = planBefore();
        const bucketUrn = `${P}${APP_T}$aws:s3/bucket:Bucket::archive-data`;
        const unprotected = plan({ ...base.resources, [bucketUrn]: { ...base.resources[bucketUrn], protect: false, retainOnDelete: false } });
        const retained = plan({ ...base.resources, [bucketUrn]: { ...base.resources[bucketUrn], protect: false } });
        const without = plan(Object.fromEntries(Object.entries(base.resources).filter(([urn]) => urn !== bucketUrn)));
        assert.match(renderPlanDiffs([diffPlans("prod", unprotected, without)], "HEAD"), /Removed from the program\. Pulumi deletes it with its data\./);
        assert.match(renderPlanDiffs([diffPlans("prod", retained, without)], "HEAD"), /Pulumi drops it from the stack but leaves it in AWS \(retainOnDelete\)\./);
    });

    it("says so when nothing changed, and keeps a huge diff readable and under GitHub's comment limit", () => {
        assert.match(renderPlanDiffs([diffPlans("prod", planBefore(), planBefore())], "HEAD"), /No changes against `HEAD` \(9 resources\)/);
        const queues: Record<string, PlanResource> = {};
        for (let i = 0; i < 400; i++) {
            queues[`${P}aws:sqs/queue:Queue::q${i}`] = res("aws:sqs/queue:Queue", `q${i}`, undefined, { delaySeconds: i, tags: { n: String(i) } });
        }
        const retagged = Object.fromEntries(Object.entries(queues).map(([u, r]) => [u, { ...r, inputs: { ...r.inputs, tags: { n: "x" } } }]));
        const topics = Object.fromEntries(Array.from({ length: 200 }, (_, k) => [`${P}aws:sns/topic:Topic::t${k}`, res("aws:sns/topic:Topic", `t${k}`, undefined)]));
        const md = renderPlanDiffs([diffPlans("prod", plan(queues), plan({ ...retagged, ...topics }))], "HEAD");
        assert.match(md, /#### Added \(200\)[\s\S]*- … and 140 more/);
        assert.match(md, /… and 320 more changed resources\./);
        // Every removed stateful resource is listed; past the limit the comment is cut at a line with a pointer.
        const dropped = renderPlanDiffs([diffPlans("prod", plan(queues), plan({}))], "HEAD");
        assert.ok(dropped.length <= MAX_CHARS + 200, `${dropped.length} characters`);
        assert.match(dropped, /… truncated; run `npm run plan:diff -- --base HEAD` for the rest\./);
    });
});

describe("plan diff: plans at a git ref", () => {
    let repo: string;
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
    before(() => {
        repo = mkdtempSync(path.join(os.tmpdir(), "plan-diff-"));
        git("init", "-q");
        git("config", "user.email", "ci@example.com");
        git("config", "user.name", "ci");
        mkdirSync(path.join(repo, "plans"));
        writeFileSync(path.join(repo, "plans", "prod.json"), serializePlan(planBefore()));
        writeFileSync(path.join(repo, "README.md"), "x\n");
        git("add", ".");
        git("commit", "-q", "-m", "plans");
    });
    after(() => rmSync(repo, { recursive: true, force: true }));

    it("reads the committed plan at a ref and knows which stacks have one", () => {
        verifyRef("HEAD", repo);
        assert.deepEqual(stacksAtRef("HEAD", repo), ["prod"]);
        assert.deepEqual(planAtRef("HEAD", "prod", repo), planBefore());
        assert.equal(planAtRef("HEAD", "dev", repo), undefined);
        assert.throws(() => verifyRef("no-such-branch", repo), /--base no-such-branch is not a commit in this repository/);
    });

    it("fails clearly on a ref that does not exist, from the command line", () => {
        const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "tools/planDiff.ts", "--base", "refs/heads/no-such-branch-x"], {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
        });
        assert.equal(run.status, 1);
        assert.match(run.stderr, /--base refs\/heads\/no-such-branch-x is not a commit/);
        assert.equal(run.stdout, "");
    });
});
