// Properties of the multi-region API's functions behind API Gateway: any path, method, headers, query and body a client
// sends is answered (a 4xx for what the resource does not serve), never a thrown error, which API Gateway turns into a
// 502 and Route 53 counts against the region. Only an event that API Gateway would never send is refused.
import fc from "fast-check";
import assert from "node:assert/strict";
import { ProxyResult } from "../../handlers/multiRegionApi/apiProxy";
import { healthCheck } from "../../handlers/multiRegionApi/healthCheck";
import { helloRegion } from "../../handlers/multiRegionApi/helloRegion";
import { hostileObject, hostileString, hostileValue, JS_NAMES, mutatedEvent } from "../hostile/generators";
import { holds, outcome } from "../hostile/properties";
import { functionArn, restRequest } from "./events";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const context = { invokedFunctionArn: functionArn("eu-west-1"), awsRequestId: "8476a536-e9f4-11e8-9739-2dfe598c3fcd" };
const hello = { runtimeRegion: "eu-west-1", allowOrigin: "*" };

/** A request as API Gateway builds it from whatever a client sends: its path, method, headers, query and body. */
function clientRequest(resource: string): fc.Arbitrary<unknown> {
    return fc
        .record({
            path: fc.oneof(hostileString(), hostileString().map((p) => `${resource}/${p}`)),
            method: fc.constantFrom(...METHODS),
            headers: fc.oneof(fc.constant(null), hostileObject()),
            query: fc.oneof(fc.constant(null), hostileObject()),
            body: fc.oneof(fc.constant(null), hostileString()),
        })
        .map(({ path, method, headers, query, body }) => ({ ...restRequest(resource, method), path, headers, multiValueHeaders: headers, queryStringParameters: query, body }));
}

/** What every answer carries: JSON that no cache keeps, with CORS for the browser client. */
function assertAnswer(result: ProxyResult, allowed: number[]): void {
    assert.ok(allowed.includes(result.statusCode), `status ${result.statusCode}`);
    assert.equal(result.headers["Content-Type"], "application/json");
    assert.equal(result.headers["Cache-Control"], "no-store");
    assert.equal(result.headers["Access-Control-Allow-Origin"], "*");
    assert.doesNotThrow(() => JSON.parse(result.body));
}

describe("multi-region API: properties", () => {
    it("answers any client request to /healthcheck: 200 or 503 for GET by the region's status, 405 otherwise", async () => {
        await holds(
            fc.property(clientRequest("/healthcheck"), fc.oneof(fc.constantFrom("ok", " OK ", "fail"), hostileString()), (request: any, status) => {
                const result = healthCheck(request, { status, allowOrigin: "*" });
                assertAnswer(result, [200, 503, 405]);
                if (request.httpMethod !== "GET") assert.equal(result.statusCode, 405);
                else assert.equal(result.statusCode, status.trim().toLowerCase() === "ok" ? 200 : 503);
            }),
            200,
        );
    });

    it("answers any client request to /helloworld with the region, or 405, whatever the Lambda context holds", async () => {
        const anyContext = fc.oneof(fc.constant(context), hostileValue(), hostileString().map((invokedFunctionArn) => ({ invokedFunctionArn })));
        await holds(
            fc.property(clientRequest("/helloworld"), anyContext, (request: any, ctx) => {
                const result = helloRegion(request, ctx, hello);
                assertAnswer(result, [200, 405]);
                if (result.statusCode === 200) assert.match(JSON.parse(result.body).message, /^Hello from [a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/);
            }),
            200,
        );
    });

    it("on any variant of API Gateway's event, answers, or refuses as MalformedEventError only what API Gateway never sends", async () => {
        await holds(
            fc.asyncProperty(fc.oneof(mutatedEvent(restRequest("/healthcheck")), mutatedEvent(restRequest("/helloworld"))), fc.constantFrom(...JS_NAMES, "ok"), async (event: any, status) => {
                for (const run of [() => healthCheck(event, { status, allowOrigin: "*" }), () => helloRegion(event, context, hello)]) {
                    const result = await outcome(run, ["MalformedEventError"]);
                    const fromGateway = typeof event === "object" && event !== null && !Array.isArray(event) && typeof event.httpMethod === "string" && METHODS.includes(event.httpMethod) && (event.path == null || typeof event.path === "string");
                    if ("value" in result) assertAnswer(result.value, [200, 503, 405]);
                    else assert.ok(!fromGateway, `refused an event API Gateway sends: ${String(JSON.stringify(event)).slice(0, 200)}`);
                }
            }),
            200,
        );
    });

    it("a repeated request (a client's or Route 53's retry) gets the same answer: the functions change nothing and call no AWS API", () => {
        const request = restRequest("/healthcheck");
        assert.deepEqual(healthCheck(request, { status: "ok", allowOrigin: "*" }), healthCheck(request, { status: "ok", allowOrigin: "*" }));
        assert.deepEqual(helloRegion(request, context, hello), helloRegion(request, context, hello));
    });
});
