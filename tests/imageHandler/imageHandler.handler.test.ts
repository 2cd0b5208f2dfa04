import { GetObjectCommand, S3, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import sharp from "sharp";
import {
    configFromEnvironment,
    handleImageRequest,
    HttpResponse,
    ImageHandlerConfig,
    parseImagePath,
} from "../../handlers/imageHandler/imageHandler";
import { accessDenied, awsError, throttling } from "../faults";

const config: ImageHandlerConfig = {
    bucket: "images-source",
    maxWidth: 2000,
    maxHeight: 1500,
    maxSourceBytes: 1_000_000,
    maxSourcePixels: 1_000_000,
    defaultQuality: 80,
};

/** A function URL (payload 2.0) GET request for a path. */
function get(rawPath: string, method = "GET") {
    return {
        version: "2.0",
        routeKey: "$default",
        rawPath,
        rawQueryString: "",
        headers: { host: "abc123.lambda-url.us-east-1.on.aws" },
        requestContext: { http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.7" }, stage: "$default" },
        isBase64Encoded: false,
    };
}

/** A real image made by sharp: a 64x48 gradient-ish picture (two colours, so resizing has something to do). */
async function picture(format: "png" | "jpeg" | "webp" = "png", width = 64, height = 48): Promise<Buffer> {
    const base = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 40 } } });
    const half = await sharp({ create: { width: Math.ceil(width / 2), height, channels: 3, background: { r: 20, g: 90, b: 220 } } })
        .png()
        .toBuffer();
    return base.composite([{ input: half, left: 0, top: 0 }]).toFormat(format).toBuffer();
}

/** The shape of a GetObject body as the SDK returns it (only what the handler uses). */
function objectBody(bytes: Buffer) {
    const calls = { read: 0, destroyed: 0 };
    return {
        calls,
        body: {
            transformToByteArray: async () => {
                calls.read++;
                return new Uint8Array(bytes);
            },
            destroy: () => {
                calls.destroyed++;
            },
        },
    };
}

async function decoded(response: HttpResponse) {
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.isBase64Encoded, true);
    return sharp(Buffer.from(response.body, "base64")).metadata();
}

function message(response: HttpResponse): string {
    assert.equal(response.headers["Content-Type"], "application/json");
    assert.equal(response.isBase64Encoded, false);
    return JSON.parse(response.body).message;
}

describe("image handler: Thumbor-style paths", () => {
    const limits = { maxWidth: 2000, maxHeight: 1500 };

    it("reads fit-in, size, filters and the key, in Thumbor's order", () => {
        assert.deepEqual(parseImagePath("/fit-in/100x100/image.jpg", limits), { key: "image.jpg", fit: "inside", width: 100, height: 100 });
        assert.deepEqual(parseImagePath("/300x200/photos/cat.png", limits), { key: "photos/cat.png", fit: "cover", width: 300, height: 200 });
        assert.deepEqual(parseImagePath("/filters:format(webp)/photos/cat.png", limits), { key: "photos/cat.png", fit: "cover", format: "webp" });
        assert.deepEqual(parseImagePath("/unsafe/fit-in/640x0/filters:format(jpg):quality(55)/a%20b/c%2Bd.png", limits), {
            key: "a b/c+d.png",
            fit: "inside",
            width: 640,
            format: "jpeg",
            quality: 55,
        });
        assert.deepEqual(parseImagePath("/x120/cat.png", limits), { key: "cat.png", fit: "cover", height: 120 });
        assert.deepEqual(parseImagePath("/0x0/cat.png", limits), { key: "cat.png", fit: "cover" }, "0x0 keeps the original size");
        assert.deepEqual(parseImagePath("/cat.png", limits), { key: "cat.png", fit: "cover" });
        assert.deepEqual(parseImagePath("/x", limits), { key: "x", fit: "cover" }, "a key named x is a key, not a size");
    });

    it("refuses what it cannot serve with a 400 that says why", () => {
        const cases: Array<[string, RegExp]> = [
            ["/3000x10/cat.png", /width 3000 is larger than the maximum 2000/],
            ["/10x1600/cat.png", /height 1600 is larger than the maximum 1500/],
            ["/-10x10/cat.png", /flipping .* not available/],
            ["/1.5x2/cat.png", /whole pixels/],
            ["/fit-in/cat.png", /fit-in needs a size/],
            ["/filters:format(bmp)/cat.png", /format "bmp" is not supported; use one of jpeg, png, webp, avif/],
            ["/filters:blur(3)/cat.png", /filter blur is not supported; supported filters: format, quality/],
            ["/filters:quality(0)/cat.png", /quality "0" must be a whole number from 1 to 100/],
            ["/filters:quality(101)/cat.png", /quality "101"/],
            ["/filters:format(webp):format(png)/cat.png", /format is given twice/],
            ["/filters:format(webp)quality(3)/cat.png", /cannot read the filters/],
            ["/filters:/cat.png", /names no filter/],
            ["/100x100/", /names no image key/],
            ["/", /names no image key/],
            ["/bad%E0%A4%A/cat.png", /not valid percent-encoding/],
            ["/a%00b.png", /control characters/],
            ["cat.png", /must start with \//],
            [`/${"k".repeat(1025)}`, /1024-byte limit/],
        ];
        for (const [path, expected] of cases) {
            assert.throws(() => parseImagePath(path, limits), (err: any) => err.name === "HttpError" && err.statusCode === 400 && expected.test(err.message), path);
        }
    });
});

describe("image handler: serving images", () => {
    const s3Mock = mockClient(S3Client);
    const deps = () => ({ s3: new S3({ region: "us-east-1" }), sharp });
    let png: Buffer;

    before(async () => {
        png = await picture("png");
    });
    beforeEach(() => s3Mock.reset());
    after(() => s3Mock.restore());

    function serve(bytes: Buffer, key = "photos/cat.png") {
        const { body, calls } = objectBody(bytes);
        s3Mock.on(GetObjectCommand, { Bucket: config.bucket, Key: key }).resolves({ Body: body as any, ContentLength: bytes.byteLength });
        return calls;
    }

    it("fits a 64x48 PNG inside 32x32, keeping PNG, with base64 body and long-lived caching", async () => {
        serve(png);
        const response = await handleImageRequest(get("/fit-in/32x32/photos/cat.png"), config, deps());
        const meta = await decoded(response);
        assert.deepEqual([meta.format, meta.width, meta.height], ["png", 32, 24]);
        assert.equal(response.headers["Content-Type"], "image/png");
        assert.equal(response.headers["Cache-Control"], "public, max-age=31536000, immutable");
        assert.deepEqual(s3Mock.commandCalls(GetObjectCommand).map((c) => c.args[0].input), [{ Bucket: "images-source", Key: "photos/cat.png" }]);
    });

    it("fills WxH exactly by cropping, and may enlarge for an exact size", async () => {
        serve(png);
        const cover = await decoded(await handleImageRequest(get("/32x32/photos/cat.png"), config, deps()));
        assert.deepEqual([cover.width, cover.height], [32, 32]);
        const larger = await decoded(await handleImageRequest(get("/128x96/photos/cat.png"), config, deps()));
        assert.deepEqual([larger.width, larger.height], [128, 96]);
    });

    it("never enlarges within fit-in, and keeps the aspect ratio for a single dimension", async () => {
        serve(png);
        const fitted = await decoded(await handleImageRequest(get("/fit-in/640x480/photos/cat.png"), config, deps()));
        assert.deepEqual([fitted.width, fitted.height], [64, 48]);
        const proportional = await decoded(await handleImageRequest(get("/16x0/photos/cat.png"), config, deps()));
        assert.deepEqual([proportional.width, proportional.height], [16, 12]);
    });

    it("converts with filters:format(webp) and combines it with fit-in and quality", async () => {
        serve(png);
        const webp = await handleImageRequest(get("/filters:format(webp)/photos/cat.png"), config, deps());
        const meta = await decoded(webp);
        assert.deepEqual([meta.format, meta.width, meta.height], ["webp", 64, 48]);
        assert.equal(webp.headers["Content-Type"], "image/webp");
        const small = await handleImageRequest(get("/fit-in/16x16/filters:format(webp):quality(40)/photos/cat.png"), config, deps());
        const smallMeta = await decoded(small);
        assert.deepEqual([smallMeta.format, smallMeta.width, smallMeta.height], ["webp", 16, 12]);
    });

    it("keeps JPEG as JPEG and can produce AVIF", async () => {
        serve(await picture("jpeg"), "a b.jpg");
        const jpeg = await handleImageRequest(get("/fit-in/32x32/a%20b.jpg"), config, deps());
        assert.equal((await decoded(jpeg)).format, "jpeg");
        assert.equal(jpeg.headers["Content-Type"], "image/jpeg");
        const avif = await handleImageRequest(get("/filters:format(avif)/a%20b.jpg"), config, deps());
        assert.equal((await decoded(avif)).format, "heif", "AVIF is a HEIF container");
        assert.equal(avif.headers["Content-Type"], "image/avif");
    });

    it("answers 404 for a missing key (S3 NoSuchKey)", async () => {
        s3Mock.on(GetObjectCommand).rejects(awsError("NoSuchKey", "The specified key does not exist.", 404));
        const response = await handleImageRequest(get("/fit-in/32x32/photos/gone.png"), config, deps());
        assert.equal(response.statusCode, 404);
        assert.match(message(response), /no image named "photos\/gone.png"/);
        assert.equal(response.headers["Cache-Control"], "public, max-age=60", "errors are cached briefly, so a later upload shows");
    });

    it("answers 400 for bad sizes and formats without reading S3", async () => {
        for (const path of ["/5000x10/photos/cat.png", "/filters:format(gif)/photos/cat.png", "/fit-in/photos/cat.png"]) {
            const response = await handleImageRequest(get(path), config, deps());
            assert.equal(response.statusCode, 400, path);
            assert.ok(message(response).length > 10);
        }
        assert.equal(s3Mock.calls().length, 0);
    });

    it("answers 405 for methods other than GET and HEAD without reading S3", async () => {
        const response = await handleImageRequest(get("/photos/cat.png", "POST"), config, deps());
        assert.equal(response.statusCode, 405);
        assert.equal(s3Mock.calls().length, 0);
        serve(png);
        assert.equal((await handleImageRequest(get("/photos/cat.png", "HEAD"), config, deps())).statusCode, 200);
    });

    it("throws on an event that is not an HTTP request, touching nothing", async () => {
        await assert.rejects(handleImageRequest({ detail: {} }, config, deps()), {
            name: "MalformedEventError",
            message: "Malformed image request event: it has no rawPath/path and HTTP method",
        });
        await assert.rejects(handleImageRequest("GET /cat.png", config, deps()), /not an object/);
        assert.equal(s3Mock.calls().length, 0);
    });

    it("bounds memory: refuses a source over the byte limit before reading its body", async () => {
        const { body, calls } = objectBody(png);
        s3Mock.on(GetObjectCommand).resolves({ Body: body as any, ContentLength: config.maxSourceBytes + 1 });
        const response = await handleImageRequest(get("/32x32/photos/cat.png"), config, deps());
        assert.equal(response.statusCode, 422);
        assert.match(message(response), /1000001 bytes; the limit is 1000000/);
        assert.deepEqual(calls, { read: 0, destroyed: 1 });
    });

    it("bounds memory: refuses a source with more pixels than allowed", async () => {
        serve(await picture("png", 64, 48));
        const response = await handleImageRequest(get("/32x32/photos/cat.png"), { ...config, maxSourcePixels: 1000 }, deps());
        assert.equal(response.statusCode, 422);
        assert.match(message(response), /3072 pixels; the limit is 1000/);
    });

    it("answers 422 for an object that is not an image", async () => {
        serve(Buffer.from("just some text, not an image"), "notes.txt");
        const response = await handleImageRequest(get("/32x32/notes.txt"), config, deps());
        assert.equal(response.statusCode, 422);
        assert.match(message(response), /"notes.txt" is not an image this service can read/);
    });

    it("lets throttling and access denied surface as failures (the function errors, CloudFront does not cache)", async () => {
        for (const fault of [awsError("SlowDown", "Please reduce your request rate.", 503), throttling(), accessDenied("s3:GetObject")]) {
            s3Mock.reset();
            s3Mock.on(GetObjectCommand).rejects(fault);
            await assert.rejects(handleImageRequest(get("/32x32/photos/cat.png"), config, deps()), (err: any) => err.name === fault.name);
            assert.equal(s3Mock.calls().length, 1, "one read, nothing else");
        }
    });
});

describe("image handler: configuration from the environment", () => {
    const env = {
        SOURCE_BUCKET: "images-source",
        MAX_WIDTH: "4000",
        MAX_HEIGHT: "3000",
        MAX_SOURCE_BYTES: "20971520",
        MAX_SOURCE_PIXELS: "50000000",
        DEFAULT_QUALITY: "80",
    };

    it("reads every limit", () => {
        assert.deepEqual(configFromEnvironment(env), {
            bucket: "images-source",
            maxWidth: 4000,
            maxHeight: 3000,
            maxSourceBytes: 20971520,
            maxSourcePixels: 50000000,
            defaultQuality: 80,
        });
    });

    it("refuses a missing or malformed value", () => {
        assert.throws(() => configFromEnvironment({ ...env, SOURCE_BUCKET: undefined }), /SOURCE_BUCKET is not set/);
        assert.throws(() => configFromEnvironment({ ...env, MAX_WIDTH: "wide" }), /MAX_WIDTH must be a positive whole number; got "wide"/);
        assert.throws(() => configFromEnvironment({ ...env, DEFAULT_QUALITY: "101" }), /DEFAULT_QUALITY must be 1-100/);
    });
});
