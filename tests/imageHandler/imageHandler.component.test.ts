import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import sharp from "sharp";
import { ImageHandler, ImageHandlerArgs } from "../../scenarios/imageHandler/component";
import { archiveFiles, build, json, promiseOf, RecordedResource, Resources, ROOT } from "../../engine/evaluate";
import { assertActionsExist, grants, handlerStatements, list } from "../iam";
import { clearRecorded, recordedResources } from "../../engine/mocks";

async function handler(args: ImageHandlerArgs = {}) {
    const { value, resources } = await build(() => new ImageHandler("images", args));
    return { images: value, r: new Resources(resources) };
}

let built: ReturnType<typeof handler> | undefined;
/** The component with default arguments, built once (building bundles sharp, which takes seconds). */
function defaults() {
    built ??= handler();
    return built;
}

/** The packages (directories under node_modules) an archive carries, besides the serialized handler. */
function bundled(files: Map<string, { path?: string }>): string[] {
    return [...files.keys()].filter((k) => k !== "__index.js").sort();
}

/**
 * Runs the function's archive in a separate Node.js process, from a directory outside the project, as Lambda would:
 * only the archive's node_modules can satisfy `require("sharp")` and sharp's native packages. The AWS SDK (part of
 * the Lambda runtime) and aws-sdk-client-mock come from the project. Reports the response and which libvips was loaded.
 */
async function runArchiveInLambdaLikeProcess(fn: RecordedResource, event: unknown, image: Buffer, key: string) {
    const files = await archiveFiles(fn);
    const dir = mkdtempSync(path.join(tmpdir(), "image-handler-archive-"));
    try {
        for (const [name, file] of files) {
            if (file.text !== undefined) writeFileSync(path.join(dir, name), file.text);
            else cpSync(path.resolve(ROOT, file.path!), path.join(dir, name), { recursive: true });
        }
        writeFileSync(path.join(dir, "image.bin"), image);
        writeFileSync(
            path.join(dir, "run.cjs"),
            `
const Module = require("node:module");
const fs = require("node:fs");
const root = process.env.PROJECT_ROOT;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, isMain, options) {
    if (request.startsWith("@aws-sdk/") || request === "aws-sdk-client-mock") return resolve.call(this, request, parent, isMain, { paths: [root] });
    return resolve.call(this, request, parent, isMain, options);
};
const { mockClient } = require("aws-sdk-client-mock");
const { S3Client, GetObjectCommand } = require("@aws-sdk/client-s3");
const bytes = fs.readFileSync(__dirname + "/image.bin");
const s3 = mockClient(S3Client);
s3.on(GetObjectCommand, { Key: process.argv[3] }).resolves({ ContentLength: bytes.length, Body: { transformToByteArray: async () => new Uint8Array(bytes) } });
require("./__index.js").handler(JSON.parse(process.argv[2]), {}).then((response) => {
    const maps = fs.readFileSync("/proc/self/maps", "utf8").split("\\n").filter((l) => l.includes("libvips-cpp")).map((l) => l.trim().split(/\\s+/).pop());
    const result = { response, libvips: [...new Set(maps)], reads: s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input) };
    fs.writeFileSync(__dirname + "/result.json", JSON.stringify(result));
});
`,
        );
        const env: Record<string, string> = { PATH: process.env.PATH ?? "", PROJECT_ROOT: ROOT, ...fn.inputs.environment.variables };
        const out = spawnSync(process.execPath, ["run.cjs", JSON.stringify(event), key], { cwd: dir, env, encoding: "utf8" });
        assert.equal(out.status, 0, out.stderr);
        const logged = out.stdout.trim().split("\n").map((line) => JSON.parse(line));
        return { dir, logged, ...JSON.parse(readFileSync(path.join(dir, "result.json"), "utf8")) };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

describe("ImageHandler component", () => {
    it("keeps source images in a private, encrypted, versioned bucket that refuses plain HTTP", async () => {
        const { r, images } = await defaults();
        const bucket = r.one("aws:s3/bucket:Bucket");
        assert.equal(await promiseOf(images.sourceBucketName), bucket.outputs.bucket);
        const block = r.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
        assert.deepEqual(
            [block.inputs.bucket, block.inputs.blockPublicAcls, block.inputs.blockPublicPolicy, block.inputs.ignorePublicAcls, block.inputs.restrictPublicBuckets],
            [bucket.outputs.id, true, true, true, true],
        );
        const sse = r.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
        assert.equal(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
        assert.equal(r.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule.objectOwnership, "BucketOwnerEnforced");
        assert.equal(r.one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration.status, "Enabled");
        const policy = json(r.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
        assert.deepEqual(policy.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.equal(policy.Statement[0].Effect, "Deny");
    });

    it("runs sharp on x86_64 Node.js 22 with the size limits in its environment", async () => {
        const { r } = await handler({ memorySizeMb: 2048, maxWidth: 3000, maxHeight: 2000, defaultQuality: 70 });
        const fn = r.one("aws:lambda/function:Function");
        assert.equal(fn.inputs.runtime, "nodejs22.x");
        assert.deepEqual(fn.inputs.architectures, ["x86_64"], "the installed sharp binaries are linux-x64 (glibc)");
        assert.equal(fn.inputs.memorySize, 2048);
        assert.ok(fn.inputs.timeout < 30, "answers before CloudFront's 30 s origin timeout");
        assert.deepEqual(fn.inputs.environment.variables, {
            SOURCE_BUCKET: r.one("aws:s3/bucket:Bucket").outputs.bucket,
            MAX_WIDTH: "3000",
            MAX_HEIGHT: "2000",
            MAX_SOURCE_BYTES: String(20 * 1024 * 1024),
            MAX_SOURCE_PIXELS: "50000000",
            DEFAULT_QUALITY: "70",
        });
    });

    it("may only read the source bucket (GetObject on its objects, ListBucket so missing keys are 404s)", async () => {
        const { r } = await defaults();
        const bucket = r.one("aws:s3/bucket:Bucket");
        const statements = handlerStatements(r, "images-resize");
        assert.deepEqual(grants(statements, "s3:GetObject").map((s) => s.Resource), [`${bucket.outputs.arn}/*`]);
        assert.deepEqual(grants(statements, "s3:ListBucket").map((s) => s.Resource), [bucket.outputs.arn]);
        const actions = statements.flatMap((s) => list(s.Action)).sort();
        assert.deepEqual(actions, ["logs:CreateLogStream", "logs:PutLogEvents", "s3:GetObject", "s3:ListBucket"]);
        await assertActionsExist(statements);
    });

    it("bundles sharp with its linux-x64 binaries and nothing else", async () => {
        const { r } = await defaults();
        const files = await archiveFiles(r.one("aws:lambda/function:Function"));
        // sharp, its two small runtime dependencies, and the platform packages npm installs as optional dependencies.
        assert.deepEqual(bundled(files), [
            "node_modules/@img/colour",
            "node_modules/@img/sharp-libvips-linux-x64",
            "node_modules/@img/sharp-linux-x64",
            "node_modules/detect-libc",
            "node_modules/sharp",
        ]);
        for (const name of bundled(files)) {
            const source = files.get(name)!.path!;
            assert.equal(path.resolve(ROOT, source), path.join(ROOT, name), `${name} is copied from the project's node_modules`);
            assert.equal(JSON.parse(readFileSync(path.join(ROOT, name, "package.json"), "utf8")).name, name.slice("node_modules/".length));
        }
        const linux = JSON.parse(readFileSync(path.join(ROOT, "node_modules/@img/sharp-linux-x64/package.json"), "utf8"));
        assert.deepEqual([linux.os, linux.cpu, linux.libc], [["linux"], ["x64"], ["glibc"]], "Lambda's Amazon Linux 2023 is glibc");
        const code = files.get("__index.js")!.text!;
        assert.match(code, /require\("sharp"\)/);
        assert.match(code, /require\("@aws-sdk\/client-s3"\)/);
        assert.doesNotMatch(code, /require\("@pulumi\//);
    });

    it("is reached only through CloudFront: IAM-authenticated function URL, origin access control, scoped invoke grants", async () => {
        const { r } = await defaults();
        const fn = r.one("aws:lambda/function:Function");
        const url = r.one("aws:lambda/functionUrl:FunctionUrl");
        assert.deepEqual([url.inputs.functionName, url.inputs.authorizationType, url.inputs.invokeMode], [fn.outputs.name, "AWS_IAM", "BUFFERED"]);
        const oac = r.one("aws:cloudfront/originAccessControl:OriginAccessControl");
        assert.deepEqual(
            [oac.inputs.originAccessControlOriginType, oac.inputs.signingBehavior, oac.inputs.signingProtocol],
            ["lambda", "always", "sigv4"],
        );
        const cdn = r.one("aws:cloudfront/distribution:Distribution");
        const [origin] = cdn.inputs.origins;
        assert.equal(origin.domainName, new URL(url.outputs.functionUrl).host);
        assert.equal(origin.originAccessControlId, oac.outputs.id);
        assert.equal(origin.customOriginConfig.originProtocolPolicy, "https-only");
        assert.deepEqual(origin.customOriginConfig.originSslProtocols, ["TLSv1.2"]);
        const permissions = r.ofType("aws:lambda/permission:Permission");
        assert.equal(permissions.length, 2);
        for (const p of permissions) {
            assert.deepEqual([p.inputs.principal, p.inputs.sourceArn, p.inputs.function], ["cloudfront.amazonaws.com", cdn.outputs.arn, fn.outputs.name]);
        }
        const urlGrant = permissions.find((p) => p.inputs.action === "lambda:InvokeFunctionUrl")!;
        assert.equal(urlGrant.inputs.functionUrlAuthType, "AWS_IAM");
        const invokeGrant = permissions.find((p) => p.inputs.action === "lambda:InvokeFunction")!;
        assert.equal(invokeGrant.inputs.invokedViaFunctionUrl, true, "CloudFront may invoke only through the URL");
    });

    it("caches by path with compression and long TTLs, on the configured price class", async () => {
        const { r, images } = await handler({ priceClass: "PriceClass_200", defaultTtlSeconds: 3600 });
        const cdn = r.one("aws:cloudfront/distribution:Distribution");
        assert.equal(cdn.inputs.priceClass, "PriceClass_200");
        const behavior = cdn.inputs.defaultCacheBehavior;
        assert.equal(behavior.compress, true);
        assert.equal(behavior.viewerProtocolPolicy, "redirect-to-https");
        assert.deepEqual([behavior.allowedMethods, behavior.cachedMethods], [["GET", "HEAD"], ["GET", "HEAD"]]);
        const cache = r.one("aws:cloudfront/cachePolicy:CachePolicy");
        assert.equal(behavior.cachePolicyId, cache.outputs.id);
        const key = cache.inputs.parametersInCacheKeyAndForwardedToOrigin;
        assert.deepEqual(
            [key.cookiesConfig.cookieBehavior, key.headersConfig.headerBehavior, key.queryStringsConfig.queryStringBehavior],
            ["none", "none", "none"],
            "the path alone is the cache key",
        );
        assert.deepEqual([key.enableAcceptEncodingGzip, key.enableAcceptEncodingBrotli], [true, true]);
        assert.deepEqual([cache.inputs.minTtl, cache.inputs.defaultTtl, cache.inputs.maxTtl], [0, 3600, 31536000]);
        const headers = r.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy");
        assert.equal(behavior.responseHeadersPolicyId, headers.outputs.id);
        assert.equal(headers.inputs.securityHeadersConfig.contentTypeOptions.override, true);
        assert.equal(await promiseOf(images.url), `https://${cdn.outputs.domainName}`);
        assert.equal((await defaults()).r.one("aws:cloudfront/distribution:Distribution").inputs.priceClass, "PriceClass_100", "the default");
    });

    it("alarms on function errors and throttles to an encrypted topic", async () => {
        const { r, images } = await handler({ notificationEmail: "media@example.com" });
        const fn = r.one("aws:lambda/function:Function");
        const topicArn = await promiseOf(images.alertsTopicArn);
        const alarms = r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.deepEqual(alarms.map((a) => a.inputs.metricName).sort(), ["Errors", "Throttles"]);
        for (const a of alarms) {
            assert.equal(a.inputs.namespace, "AWS/Lambda");
            assert.deepEqual(a.inputs.dimensions, { FunctionName: fn.outputs.name });
            assert.deepEqual([a.inputs.comparisonOperator, a.inputs.threshold], ["GreaterThanOrEqualToThreshold", 1]);
            assert.deepEqual(a.inputs.alarmActions, [topicArn]);
        }
        assert.equal(r.one("aws:sns/topic:Topic").inputs.kmsMasterKeyId, r.one("aws:kms/key:Key").outputs.arn);
        assert.equal(r.one("aws:sns/topicSubscription:TopicSubscription").inputs.endpoint, "media@example.com");
    });

    it("protects the source bucket, its key and log group when asked", async () => {
        const { r } = await handler({ protect: true });
        for (const type of ["aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"]) {
            assert.equal(r.one(type).protect, true, type);
        }
        assert.equal(r.one("aws:s3/bucket:Bucket").inputs.forceDestroy, false);
        assert.equal((await defaults()).r.one("aws:s3/bucket:Bucket").inputs.forceDestroy, true, "dev buckets may be emptied on destroy");
    });

    it("refuses bad arguments before creating any resource", async () => {
        const cases: Array<[ImageHandlerArgs, RegExp]> = [
            [{ priceClass: "PriceClass_50" as any }, /priceClass: .*"PriceClass_100"\|"PriceClass_200"\|"PriceClass_All"; got "PriceClass_50"/],
            [{ timeoutSeconds: 30 }, /timeoutSeconds must be 3-29 \(below CloudFront's origin timeout\); got 30/],
            [{ memorySizeMb: 256 }, /memorySizeMb: must be a whole number from 512 to 10240; got 256/],
            [{ memorySizeMb: 512, maxSourceMegapixels: 50 }, /memorySizeMb: is too small for maxSourceMegabytes 20 and maxSourceMegapixels 50 \(about 593 MB needed, at most 75% of memory\).*; got 512/],
            [{ defaultQuality: 0 }, /defaultQuality: must be a whole number from 1 to 100; got 0/],
            [{ maxWidth: 20000 }, /maxWidth: must be a whole number from 1 to 16383; got 20000/],
            [{ architecture: "arm64" }, /Lambda binaries for arm64 are not installed \(@img\/sharp-linux-arm64, @img\/sharp-libvips-linux-arm64\); run npm install --os=linux --cpu=arm64 --libc=glibc --include=optional sharp/],
        ];
        clearRecorded();
        await build(() => {
            for (const [args, expected] of cases) assert.throws(() => new ImageHandler("bad", args), expected);
        });
        assert.deepEqual(recordedResources().filter((x) => x.custom).map((x) => x.type), []);
    });

    it("ships a handler that works from its archive alone: resizes a real PNG with the bundled linux-x64 libvips", async () => {
        const { r } = await defaults();
        const fn = r.one("aws:lambda/function:Function");
        const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 10, g: 120, b: 200 } } }).png().toBuffer();
        const event = {
            version: "2.0",
            rawPath: "/fit-in/32x32/filters:format(webp)/photos/cat.png",
            rawQueryString: "",
            headers: {},
            requestContext: { http: { method: "GET", path: "/fit-in/32x32/filters:format(webp)/photos/cat.png" } },
            isBase64Encoded: false,
        };
        const run = await runArchiveInLambdaLikeProcess(fn, event, png, "photos/cat.png");
        assert.equal(run.response.statusCode, 200, run.response.body);
        assert.equal(run.response.headers["Content-Type"], "image/webp");
        assert.equal(run.response.headers["Cache-Control"], "public, max-age=31536000, immutable");
        const meta = await sharp(Buffer.from(run.response.body, "base64")).metadata();
        assert.deepEqual([meta.format, meta.width, meta.height], ["webp", 32, 24]);
        assert.deepEqual(run.reads, [{ Bucket: fn.inputs.environment.variables.SOURCE_BUCKET, Key: "photos/cat.png" }]);
        assert.equal(run.logged[run.logged.length - 1].message, "served", "the outcome is logged as JSON");
        assert.ok(run.libvips.length > 0, "libvips was loaded");
        for (const lib of run.libvips) {
            assert.ok(lib.startsWith(path.join(run.dir, "node_modules/@img/sharp-libvips-linux-x64/")), `libvips came from the archive: ${lib}`);
        }
    });

    it("ships a handler whose path errors survive serialization: a 400 with the reason, nothing read", async () => {
        const { r } = await defaults();
        const rawPath = "/filters:blur(3)/photos/cat.png";
        const event = { version: "2.0", rawPath, rawQueryString: "", headers: {}, requestContext: { http: { method: "GET", path: rawPath } }, isBase64Encoded: false };
        const run = await runArchiveInLambdaLikeProcess(r.one("aws:lambda/function:Function"), event, Buffer.alloc(0), "photos/cat.png");
        assert.equal(run.response.statusCode, 400, run.response.body);
        assert.deepEqual(JSON.parse(run.response.body), { message: "the filter blur is not supported; supported filters: format, quality" });
        assert.deepEqual(run.reads, []);
        const rejected = run.logged.find((l: { message: string }) => l.message === "rejected path");
        assert.equal(rejected?.status, 400, "the log names the status");
    });
});
