// Properties of the image handler behind CloudFront: any path and method anyone on the internet sends.
import fc from "fast-check";
import assert from "node:assert/strict";
import sharp from "sharp";
import { handleImageRequest, HttpResponse, ImageHandlerConfig, parseImagePath } from "../../handlers/imageHandler/imageHandler";
import { transientFaults } from "../faults";
import { FakeS3 } from "../hostile/fakes";
import { hostileString, JS_NAMES, mutatedEvent, withValueAt } from "../hostile/generators";
import { holds, outcome } from "../hostile/properties";

const config: ImageHandlerConfig = { bucket: "images-source", maxWidth: 64, maxHeight: 48, maxSourceBytes: 100_000, maxSourcePixels: 10_000, defaultQuality: 80 };

/** A function URL (payload 2.0) request as CloudFront forwards it. */
function request(rawPath = "/fit-in/16x16/photos/cat.png", method = "GET") {
    return {
        version: "2.0",
        routeKey: "$default",
        rawPath,
        rawQueryString: "a=1&__proto__=x",
        headers: { host: "abc123.lambda-url.us-east-1.on.aws", "x-forwarded-for": "203.0.113.7" },
        requestContext: { http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.7" }, stage: "$default" },
        isBase64Encoded: false,
    };
}

/** Thumbor-like paths with every part open to hostile text: prefixes, sizes, filters (JavaScript's names among them) and keys. */
function thumborPath(): fc.Arbitrary<string> {
    const size = fc.oneof(
        fc.tuple(fc.integer({ min: -5, max: 100 }), fc.integer({ min: -5, max: 100 })).map(([w, h]) => `${w}x${h}`),
        fc.constantFrom("x", "0x0", "1.5x2", "99999999999999999999x1", "x-0", "007x", "-x-"),
        hostileString({ maxLength: 8 }),
    );
    const key = fc.oneof({ weight: 3, arbitrary: fc.constantFrom("photos/cat.png", "missing.png", "photos/%63at.png") }, hostileString());
    return fc
        .tuple(fc.boolean(), fc.boolean(), fc.option(size), fc.array(filter(), { maxLength: 3 }), key)
        .map(([unsafe, fitIn, s, filters, k]) =>
            ["", ...(unsafe ? ["unsafe"] : []), ...(fitIn ? ["fit-in"] : []), ...(s !== null ? [s] : []), ...(filters.length > 0 ? [`filters:${filters.join(":")}`] : []), k].join("/"),
        );
}

/** One Thumbor filter, its name and argument open to any text. */
function filter(): fc.Arbitrary<string> {
    return fc.oneof(
        fc.tuple(
            fc.oneof({ weight: 4, arbitrary: fc.constantFrom("format", "quality") }, fc.constantFrom(...JS_NAMES, "blur")),
            fc.oneof(fc.constantFrom("webp", "JPG", "png", "avif", "80", "0", "101"), fc.constantFrom(...JS_NAMES), hostileString({ maxLength: 6 })),
        ).map(
            ([name, arg]) => `${name}(${arg})`,
        ),
        hostileString({ maxLength: 10 }),
    );
}

function assertAnswer(response: HttpResponse, s3Calls: number): void {
    assert.ok([200, 400, 404, 405, 422].includes(response.statusCode), `status ${response.statusCode}`);
    if (response.statusCode !== 200) {
        assert.equal(response.headers["Content-Type"], "application/json");
        assert.ok(JSON.parse(response.body).message.length > 0);
    }
    if (response.statusCode === 400 || response.statusCode === 405) assert.equal(s3Calls, 0, "a refused request reads nothing");
    assert.ok(s3Calls <= 1);
}

describe("image handler: properties", () => {
    let s3: FakeS3;
    before(async () => {
        s3 = new FakeS3();
        const png = await sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 200, g: 40, b: 40 } } }).png().toBuffer();
        s3.objects.set(`${config.bucket}/photos/cat.png`, png);
    });
    after(() => s3.restore());
    const serve = (event: unknown) => {
        s3.clearLog();
        return handleImageRequest(event, config, { s3: s3.client, sharp });
    };

    it("answers any path with an image or a 4xx saying why, never an error the function throws (which would alarm)", async () => {
        await holds(
            fc.asyncProperty(fc.oneof(thumborPath(), hostileString().map((p) => `/${p}`), hostileString()), async (path) => {
                const response = await serve(request(path));
                assertAnswer(response, s3.calls.length);
                for (const call of s3.calls) assert.equal(call.command, "GetObject");
            }),
            300,
        );
    });

    it("answers any filters on an existing image with the image or a 400 (format and quality take any text)", async () => {
        await holds(
            fc.asyncProperty(fc.array(filter(), { minLength: 1, maxLength: 3 }), async (filters) => {
                const response = await serve(request(`/fit-in/16x16/filters:${filters.join(":")}/photos/cat.png`));
                assertAnswer(response, s3.calls.length);
                assert.ok([200, 400].includes(response.statusCode));
            }),
            200,
        );
    });

    it("answers any method: GET and HEAD are served, anything else is a 405", async () => {
        await holds(
            fc.asyncProperty(fc.oneof(fc.constantFrom("GET", "HEAD", "get", "POST", "DELETE", "OPTIONS"), hostileString()), async (method) => {
                const response = await serve(request("/photos/cat.png", method));
                assertAnswer(response, s3.calls.length);
                assert.equal(response.statusCode === 405, !["GET", "HEAD"].includes(method.toUpperCase()));
            }),
            100,
        );
    });

    it("on any variant of a real request, answers, or fails as MalformedEventError without reading S3", async () => {
        await holds(
            fc.asyncProperty(mutatedEvent(request()), async (event) => {
                const result = await outcome(() => serve(event), ["MalformedEventError"]);
                if ("value" in result) assertAnswer(result.value, s3.calls.length);
                else assert.equal(s3.calls.length, 0);
            }),
            150,
        );
    });

    it("pins: a format filter named like one of Object's built-ins is a 400, not a crash", async () => {
        for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
            assert.throws(() => parseImagePath(`/filters:format(${name})/photos/cat.png`, config), (err: any) => err.name === "HttpError" && err.statusCode === 400, name);
            const response = await serve(request(`/filters:format(${name})/photos/cat.png`));
            assert.equal(response.statusCode, 400, name);
            assert.match(JSON.parse(response.body).message, new RegExp(`format "${name.replace(/_/g, "_")}" is not supported`));
        }
    });

    for (const [what, fault] of transientFaults) {
        it(`a GetObject failing with ${what} fails the function (a 5xx to the viewer, counted by the errors alarm), reading once`, async () => {
            s3.clearLog();
            s3.fail("GetObject", fault);
            await assert.rejects(handleImageRequest(withValueAt(request(), ["rawPath"], "/photos/cat.png"), config, { s3: s3.client, sharp }), { name: fault().name });
            assert.equal(s3.calls.length, 1);
        });
    }
});
