import assert from "node:assert/strict";
import { ProxyResult } from "../../handlers/multiRegionApi/apiProxy";
import { configFromEnvironment, healthCheck, healthOf } from "../../handlers/multiRegionApi/healthCheck";
import { restRequest } from "./events";

const get = restRequest("/healthcheck");

/** How Route 53 judges an HTTPS_STR_MATCH check: a 2xx/3xx status and the search string in the first 5,120 bytes of the body. */
function route53Healthy(result: ProxyResult, searchString = "ok"): boolean {
    return result.statusCode >= 200 && result.statusCode < 400 && result.body.slice(0, 5120).includes(searchString);
}

describe("healthCheck handler", () => {
    it("answers 200 {\"status\":\"ok\"} when STATUS is ok, which Route 53 counts as healthy", () => {
        const result = healthCheck(get, configFromEnvironment({ STATUS: "ok", ALLOW_ORIGIN: "*" }));
        assert.equal(result.statusCode, 200);
        assert.equal(result.body, '{"status":"ok"}');
        assert.equal(result.headers["Cache-Control"], "no-store", "a cached answer would hide a failing region");
        assert.equal(result.headers["Content-Type"], "application/json");
        assert.equal(result.headers["Access-Control-Allow-Origin"], "*");
        assert.equal(route53Healthy(result), true);
    });

    it("answers 503 {\"status\":\"fail\"} for any other STATUS, which Route 53 counts as unhealthy", () => {
        for (const status of ["fail", "FAIL", "degraded", "not ok", "okay"]) {
            const result = healthCheck(get, { status, allowOrigin: "*" });
            assert.equal(result.statusCode, 503, status);
            assert.equal(result.body, '{"status":"fail"}', status);
            assert.equal(route53Healthy(result), false, status);
        }
    });

    it("reads ok in any case with surrounding spaces", () => {
        for (const status of ["ok", "OK", " Ok "]) assert.equal(healthOf(status), "ok", status);
        assert.equal(healthOf("fail"), "fail");
    });

    it("refuses a missing STATUS or origin instead of reporting a health it was not told", () => {
        assert.throws(() => configFromEnvironment({ ALLOW_ORIGIN: "*" }), /STATUS is not set/);
        assert.throws(() => configFromEnvironment({ STATUS: "  ", ALLOW_ORIGIN: "*" }), /STATUS is not set/);
        assert.throws(() => configFromEnvironment({ STATUS: "ok" }), /ALLOW_ORIGIN is not set/);
        assert.deepEqual(configFromEnvironment({ STATUS: "fail", ALLOW_ORIGIN: "https://status.example.com" }), {
            status: "fail",
            allowOrigin: "https://status.example.com",
        });
    });

    it("answers 405 to other methods and throws on events that are not from API Gateway", () => {
        const result = healthCheck({ ...get, httpMethod: "DELETE" }, { status: "ok", allowOrigin: "*" });
        assert.equal(result.statusCode, 405);
        assert.equal(route53Healthy(result), false);
        for (const event of [null, "ping", { source: "aws.events" }]) {
            assert.throws(() => healthCheck(event, { status: "ok", allowOrigin: "*" }), /healthCheck: /, JSON.stringify(event));
        }
    });
});
