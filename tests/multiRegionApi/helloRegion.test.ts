import assert from "node:assert/strict";
import { allowedOrigin, corsHeaders, proxyEvent } from "../../handlers/multiRegionApi/apiProxy";
import { answeringRegion, configFromEnvironment, helloRegion, regionOfFunctionArn } from "../../handlers/multiRegionApi/helloRegion";
import { functionArn, restRequest } from "./events";

const get = restRequest("/helloworld");
const arn = functionArn;
const config = { runtimeRegion: "us-east-1", allowOrigin: "*" };

describe("helloRegion handler", () => {
    it("answers the post's message with the region from the invoked function's ARN", () => {
        const result = helloRegion(get, { invokedFunctionArn: arn("us-west-2") }, config);
        assert.equal(result.statusCode, 200);
        assert.deepEqual(JSON.parse(result.body), { message: "Hello from us-west-2" });
        assert.deepEqual(result.headers, { "Content-Type": "application/json", "Cache-Control": "no-store", "Access-Control-Allow-Origin": "*" });
    });

    it("prefers the ARN to AWS_REGION, and reads qualified and non-aws-partition ARNs", () => {
        assert.equal(answeringRegion({ invokedFunctionArn: arn("eu-west-1") }, "us-east-1"), "eu-west-1");
        assert.equal(answeringRegion({ invokedFunctionArn: `${arn("ap-southeast-2")}:live` }, undefined), "ap-southeast-2");
        assert.equal(regionOfFunctionArn(arn("us-gov-west-1", "aws-us-gov")), "us-gov-west-1");
    });

    it("falls back to AWS_REGION when the context is missing or malformed", () => {
        const malformed: unknown[] = [
            undefined,
            null,
            "context",
            {},
            { invokedFunctionArn: 42 },
            { invokedFunctionArn: "" },
            { invokedFunctionArn: "not-an-arn" },
            { invokedFunctionArn: "arn:aws:sqs:us-west-2:123456789012:queue" },
            { invokedFunctionArn: "arn:aws:lambda:US-WEST-2:123456789012:function:f" },
            { invokedFunctionArn: "arn:aws:lambda:us-west-2:123456789012:layer:f" },
            { invokedFunctionArn: "arn:aws:lambda:us-west-2" },
        ];
        for (const context of malformed) {
            const result = helloRegion(get, context, { runtimeRegion: "sa-east-1", allowOrigin: "*" });
            assert.deepEqual(JSON.parse(result.body), { message: "Hello from sa-east-1" }, JSON.stringify(context));
        }
    });

    it("throws rather than guess when neither the context nor AWS_REGION names a region", () => {
        assert.throws(
            () => helloRegion(get, { invokedFunctionArn: "garbage" }, { allowOrigin: "*" }),
            /helloRegion: cannot tell the region: context\.invokedFunctionArn is "garbage" and AWS_REGION is not set/,
        );
        assert.throws(() => answeringRegion(undefined, "mars-north-1a"), /cannot tell the region: context\.invokedFunctionArn is missing/);
    });

    it("allows one configured origin and varies by Origin then", () => {
        const result = helloRegion(get, { invokedFunctionArn: arn("us-east-1") }, { allowOrigin: "https://d111111abcdef8.cloudfront.net" });
        assert.equal(result.headers["Access-Control-Allow-Origin"], "https://d111111abcdef8.cloudfront.net");
        assert.equal(result.headers.Vary, "Origin");
        assert.deepEqual(corsHeaders("*"), { "Access-Control-Allow-Origin": "*" });
    });

    it("answers 405 with Allow to methods the resource does not serve", () => {
        const result = helloRegion({ ...get, httpMethod: "POST" }, { invokedFunctionArn: arn("us-east-1") }, config);
        assert.equal(result.statusCode, 405);
        assert.equal(result.headers.Allow, "GET, OPTIONS");
        assert.equal(result.headers["Access-Control-Allow-Origin"], "*");
    });

    it("refuses events that are not API Gateway proxy events, naming what is wrong", () => {
        for (const event of [undefined, null, "GET", 42, [], ["GET"]]) {
            assert.throws(() => helloRegion(event, {}, config), /helloRegion: expected an API Gateway proxy event object; got /, String(event));
        }
        for (const event of [{}, { httpMethod: 5 }, { httpMethod: "get" }, { httpMethod: "" }, { Records: [] }]) {
            assert.throws(() => helloRegion(event, {}, config), /helloRegion: the event has no valid httpMethod/, JSON.stringify(event));
        }
        assert.throws(() => proxyEvent({ httpMethod: "GET", path: 7 }, "h"), /h: the event's path must be a string; got 7/);
    });

    it("reads its settings from the environment and rejects malformed ones", () => {
        assert.deepEqual(configFromEnvironment({ AWS_REGION: "eu-central-1", ALLOW_ORIGIN: "*" }), { runtimeRegion: "eu-central-1", allowOrigin: "*" });
        assert.deepEqual(configFromEnvironment({ ALLOW_ORIGIN: "https://status.example.com" }), { runtimeRegion: undefined, allowOrigin: "https://status.example.com" });
        assert.throws(() => configFromEnvironment({ AWS_REGION: "us-east-1" }), /ALLOW_ORIGIN is not set/);
        assert.throws(() => configFromEnvironment({ ALLOW_ORIGIN: "https://example.com/page" }), /ALLOW_ORIGIN must be "\*" or one origin .*; got "https:\/\/example.com\/page"/);
        assert.throws(() => configFromEnvironment({ ALLOW_ORIGIN: "*", AWS_REGION: "Ohio" }), /AWS_REGION must be an AWS region like us-east-1; got "Ohio"/);
    });

    it("accepts exactly the origins browsers send", () => {
        for (const ok of ["*", "https://example.com", "https://a.b.example.com:8443", "http://localhost", "http://localhost:3000"]) {
            assert.equal(allowedOrigin(ok, "X"), ok);
        }
        for (const bad of ["http://example.com", "https://example.com/", "example.com", "https://*.example.com", "*, https://a.com"]) {
            assert.throws(() => allowedOrigin(bad, "X"), /X must be "\*" or one origin/, bad);
        }
    });
});
