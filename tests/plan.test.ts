import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildPlan, committedStacks, configuredStacks, parsePlan, Plan, planFromResources, planPath, serializePlan, summarizeAsset, withoutTestRunnerGlobals } from "../tools/plan";
import { diffPlans } from "../tools/planDiff";
import { handle } from "./fixtures/describingHandler";
import { archiveFiles, build, RecordedResource } from "../engine/evaluate";

const T = "urn:pulumi:test::aws-blueprints::";
const HANDLER = "exports.handler = async () => ({ statusCode: 200 });";

class Box extends pulumi.ComponentResource {
    constructor(type: string, name: string, opts?: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        this.registerOutputs({});
    }
}

/** An aliased component with a nested component, a protected bucket with its own alias, a secret and a function. */
function program(handler = HANDLER) {
    const outer = new Box("test:app:Outer", "shop", { aliases: [{ type: "test:legacy:Outer" }] });
    const inner = new Box("test:app:Inner", "shop-inner", { parent: outer });
    new aws.s3.Bucket("shop-data", {}, { parent: inner, protect: true, retainOnDelete: true, aliases: [{ name: "shop-files" }] });
    new aws.ssm.Parameter("shop-token", { type: "SecureString", value: pulumi.secret("tok-5f2a9c"), tags: { team: "shop" } }, { parent: outer });
    return new aws.lambda.Function(
        "shop-fn",
        {
            code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(handler) }),
            role: "arn:aws:iam::123456789012:role/shop-fn",
            runtime: "nodejs22.x",
            handler: "index.handler",
        },
        { parent: outer },
    );
}

async function planOf(create: () => unknown): Promise<{ plan: Plan; resources: readonly RecordedResource[] }> {
    const { resources } = await build(create);
    return { plan: await planFromResources("test", "aws-blueprints", resources), resources };
}

describe("plan snapshots", () => {
    let plan: Plan;
    before(async () => {
        plan = (await planOf(() => program())).plan;
    });

    it("keys resources by the URN the engine computes, with the whole parent type chain", () => {
        assert.deepEqual(Object.keys(plan.resources).sort(), [
            `${T}test:app:Outer$aws:lambda/function:Function::shop-fn`,
            `${T}test:app:Outer$aws:ssm/parameter:Parameter::shop-token`,
            `${T}test:app:Outer$test:app:Inner$aws:s3/bucket:Bucket::shop-data`,
            `${T}test:app:Outer$test:app:Inner::shop-inner`,
            `${T}test:app:Outer::shop`,
        ]);
        const bucket = plan.resources[`${T}test:app:Outer$test:app:Inner$aws:s3/bucket:Bucket::shop-data`];
        assert.equal(bucket.type, "aws:s3/bucket:Bucket");
        assert.equal(bucket.name, "shop-data");
        assert.equal(bucket.parent, `${T}test:app:Outer$test:app:Inner::shop-inner`);
        assert.equal(bucket.custom, true);
        assert.equal(plan.resources[`${T}test:app:Outer::shop`].parent, undefined);
    });

    it("records protect, retainOnDelete and every alias URN, including those inherited from aliased parents", () => {
        const bucket = plan.resources[`${T}test:app:Outer$test:app:Inner$aws:s3/bucket:Bucket::shop-data`];
        assert.equal(bucket.protect, true);
        assert.equal(bucket.retainOnDelete, true);
        // Own alias (shop-files), the provider's alias from BucketV2, and both again under the parent's old type.
        assert.deepEqual(bucket.aliases, [
            `${T}test:app:Outer$test:app:Inner$aws:s3/bucket:Bucket::shop-files`,
            `${T}test:app:Outer$test:app:Inner$aws:s3/bucketV2:BucketV2::shop-data`,
            `${T}test:legacy:Outer$test:app:Inner$aws:s3/bucket:Bucket::shop-data`,
            `${T}test:legacy:Outer$test:app:Inner$aws:s3/bucket:Bucket::shop-files`,
            `${T}test:legacy:Outer$test:app:Inner$aws:s3/bucketV2:BucketV2::shop-data`,
        ]);
        assert.deepEqual(plan.resources[`${T}test:app:Outer::shop`].aliases, [`${T}test:legacy:Outer::shop`]);
        assert.deepEqual(plan.resources[`${T}test:app:Outer$test:app:Inner::shop-inner`].aliases, [`${T}test:legacy:Outer$test:app:Inner::shop-inner`]);
        const fn = plan.resources[`${T}test:app:Outer$aws:lambda/function:Function::shop-fn`];
        assert.equal(fn.protect, false);
        assert.equal(fn.retainOnDelete, false);
    });

    it("redacts Pulumi secrets", () => {
        const param = plan.resources[`${T}test:app:Outer$aws:ssm/parameter:Parameter::shop-token`];
        assert.equal(param.inputs.value, "[secret]");
        assert.deepEqual(param.inputs.tags, { team: "shop" });
        const text = serializePlan(plan);
        assert.doesNotMatch(text, /tok-5f2a9c/);
        assert.doesNotMatch(text, /4dabf18193072939515e22adb298388d/);
    });

    it("replaces a function's code archive with its hash, size and file count", () => {
        const fn = plan.resources[`${T}test:app:Outer$aws:lambda/function:Function::shop-fn`];
        assert.deepEqual(Object.keys(fn.inputs.code as object), ["sha256", "bytes", "files"]);
        const code = fn.inputs.code as { sha256: string; bytes: number; files: number };
        assert.match(code.sha256, /^[0-9a-f]{64}$/);
        assert.equal(code.bytes, Buffer.byteLength(HANDLER));
        assert.equal(code.files, 1);
        assert.doesNotMatch(serializePlan(plan), /statusCode/);
    });

    it("is deterministic: sorted keys at every level, identical text on every run, a new hash when the handler changes", async () => {
        const again = (await planOf(() => program())).plan;
        assert.equal(serializePlan(again), serializePlan(plan));
        const parsed = JSON.parse(serializePlan(plan));
        const sortedEverywhere = (v: unknown): boolean =>
            Array.isArray(v)
                ? v.every(sortedEverywhere)
                : v !== null && typeof v === "object"
                  ? Object.keys(v).join("\n") === Object.keys(v).sort().join("\n") && Object.values(v).every(sortedEverywhere)
                  : true;
        assert.ok(sortedEverywhere(parsed));
        assert.ok(serializePlan(plan).endsWith("}\n"));
        const changed = (await planOf(() => program("exports.handler = async () => ({ statusCode: 204 });"))).plan;
        const d = diffPlans("test", plan, changed);
        assert.deepEqual(d.changed.map((c) => [c.name, c.changes.map((x) => x.path)]), [["shop-fn", ["code.sha256"]]]);
    });

    it("hashes bundled packages by content, leaving out per-platform native packages", async () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), "plan-archive-"));
        try {
            const pkg = (name: string, manifest: object, files: Record<string, string>) => {
                mkdirSync(path.join(dir, name, "lib"), { recursive: true });
                writeFileSync(path.join(dir, name, "package.json"), JSON.stringify(manifest));
                for (const [f, text] of Object.entries(files)) writeFileSync(path.join(dir, name, f), text);
            };
            pkg("imagelib", { name: "imagelib", version: "1.0.0" }, { "lib/index.js": "module.exports = 1;" });
            pkg("imagelib-linux-x64", { name: "imagelib-linux-x64", version: "1.0.0", os: ["linux"], cpu: ["x64"] }, { "lib/native.node": "\u0000ELF" });
            const archive = (extra: Record<string, pulumi.asset.Asset | pulumi.asset.Archive> = {}) =>
                new pulumi.asset.AssetArchive({
                    "__index.js": new pulumi.asset.StringAsset(HANDLER),
                    "node_modules/imagelib": new pulumi.asset.FileArchive(path.join(dir, "imagelib")),
                    ...extra,
                });
            const withoutNative = await summarizeAsset(archive());
            const withNative = await summarizeAsset(archive({ "node_modules/imagelib-linux-x64": new pulumi.asset.FileArchive(path.join(dir, "imagelib-linux-x64")) }));
            assert.deepEqual(withNative, withoutNative);
            assert.equal(withoutNative.files, 3);
            assert.equal(withoutNative.bytes, Buffer.byteLength(HANDLER) + readFileSync(path.join(dir, "imagelib", "package.json")).length + "module.exports = 1;".length);
            writeFileSync(path.join(dir, "imagelib", "lib", "index.js"), "module.exports = 2;");
            assert.notEqual((await summarizeAsset(archive())).sha256, withoutNative.sha256);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("serializes handlers as pulumi up does, even where a handler's function shares a test-runner global's name", async () => {
        const callback = () =>
            new aws.lambda.CallbackFunction("describing", { callback: async (event: unknown) => handle(event), role: "arn:aws:iam::123456789012:role/x" });
        const code = async (resources: readonly RecordedResource[]) =>
            (await archiveFiles(resources.find((r) => r.type === "aws:lambda/function:Function")!)).get("__index.js")!.text!;
        const underMocha = await code((await build(callback)).resources);
        const asDeployed = await withoutTestRunnerGlobals(async () => code((await build(callback)).resources));
        // Under mocha the serializer treats `describe` as mocha's global and leaves the handler's own function out.
        assert.doesNotMatch(underMocha, /return `<\$\{JSON\.stringify\(value\)\}>`/);
        assert.match(asDeployed, /return `<\$\{JSON\.stringify\(value\)\}>`/);
        assert.equal(typeof describe, "function", "mocha's globals are back");
    });

    it("refuses files that are not plans", () => {
        assert.throws(() => parsePlan("{", "plans/x.json"), /plans\/x.json is not JSON/);
        assert.throws(() => parsePlan('{"stack":"x"}', "plans/x.json"), /is not a plan/);
        assert.throws(() => parsePlan('{"format":9,"stack":"x","resources":{}}', "plans/x.json"), /plan format 9/);
        assert.throws(() => parsePlan('{"format":1,"stack":"x","resources":{"urn:pulumi:x::p::t::n":{"type":"t"}}}', "plans/x.json"), /resource urn:pulumi:x::p::t::n is malformed/);
    });
});

describe("committed plans", () => {
    // Every stack file has a committed plan, and every committed plan a stack file.
    const stacks = [...new Set([...configuredStacks(), ...committedStacks()])].sort();

    for (const stack of stacks) {
        it(`plans/${stack}.json matches what the program registers`, async function () {
            // A whole-program run; the program grows with every scenario.
            this.timeout(300_000);
            assert.ok(configuredStacks().includes(stack), `plans/${stack}.json has no Pulumi.${stack}.yaml; delete the plan or restore the stack`);
            // Built in-process exactly as `npm run plans:update` builds it.
            const fresh = await buildPlan(stack);
            const file = planPath(stack);
            if (!existsSync(file)) assert.fail(`plans/${stack}.json is missing. Run \`npm run plans:update\` and commit plans/.`);
            const text = readFileSync(file, "utf8");
            if (text === serializePlan(fresh)) return;
            let what = "its formatting differs";
            try {
                const d = diffPlans(stack, parsePlan(text, file), fresh);
                const names = (list: ReadonlyArray<{ urn: string }>) => list.slice(0, 5).map((r) => r.urn.slice(r.urn.lastIndexOf("::") + 2)).join(", ");
                what = [
                    d.added.length ? `${d.added.length} added (${names(d.added)})` : "",
                    d.removed.length ? `${d.removed.length} removed (${names(d.removed)})` : "",
                    d.changed.length ? `${d.changed.length} changed (${names(d.changed)})` : "",
                ]
                    .filter(Boolean)
                    .join("; ") || what;
            } catch (err) {
                what = (err as Error).message;
            }
            assert.fail(`plans/${stack}.json is stale: ${what}. Run \`npm run plans:update\` and commit plans/.`);
        });
    }

    it("holds no serialized handler code, only its hash", () => {
        for (const stack of ["dev", "prod"]) {
            const text = readFileSync(planPath(stack), "utf8");
            assert.doesNotMatch(text, /exports\.handler|__pulumiArchive|4dabf18193072939515e22adb298388d/);
            const plan = parsePlan(text, stack);
            for (const r of Object.values(plan.resources).filter((x) => x.type === "aws:lambda/function:Function")) {
                assert.deepEqual(Object.keys(r.inputs.code as object).sort(), ["bytes", "files", "sha256"]);
            }
        }
    });
});
