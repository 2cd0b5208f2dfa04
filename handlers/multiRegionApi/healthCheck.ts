// GET /healthcheck of the multi-region API: the endpoint Route 53 health checkers call in each region.
import { allowedOrigin, jsonResponse, methodNotAllowed, ProxyResult, proxyEvent } from "./apiProxy";

export interface HealthConfig {
    /** The region's declared status (`STATUS`): "ok" is healthy, anything else is not. */
    readonly status: string;
    /** Access-Control-Allow-Origin of the responses. */
    readonly allowOrigin: string;
}

/** Reads the function's settings from its environment; throws naming a missing or malformed variable. */
export function configFromEnvironment(env: Readonly<Record<string, string | undefined>>): HealthConfig {
    const status = env.STATUS;
    if (status === undefined || status.trim() === "") {
        throw new Error('STATUS is not set: expected "ok" (healthy) or another word such as "fail" (unhealthy)');
    }
    return { status, allowOrigin: allowedOrigin(env.ALLOW_ORIGIN, "ALLOW_ORIGIN") };
}

/** "ok" when the declared status is ok (any case, surrounding spaces ignored), else "fail". */
export function healthOf(status: string): "ok" | "fail" {
    return status.trim().toLowerCase() === "ok" ? "ok" : "fail";
}

/**
 * 200 `{"status":"ok"}` when healthy, 503 `{"status":"fail"}` otherwise. Route 53's HTTPS_STR_MATCH check needs both a
 * 2xx/3xx status and the string "ok" in the body, so an unhealthy region fails on either count (the original always
 * answered 200). Other methods get 405; an event that is not from API Gateway throws.
 */
export function healthCheck(event: unknown, config: HealthConfig): ProxyResult {
    const request = proxyEvent(event, "healthCheck");
    if (request.httpMethod !== "GET") return methodNotAllowed(request.httpMethod, config.allowOrigin);
    const health = healthOf(config.status);
    return jsonResponse(health === "ok" ? 200 : 503, { status: health }, config.allowOrigin);
}
