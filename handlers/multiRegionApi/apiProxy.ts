// API Gateway REST API Lambda-proxy requests and responses, shared by the multi-region API's handlers.
import { namedError } from "../shared/errors";
import { shown } from "../shared/text";

/** What a Lambda proxy integration must return: API Gateway turns it into the HTTP response. */
export interface ProxyResult {
    readonly statusCode: number;
    readonly headers: Record<string, string>;
    readonly body: string;
}

/** The part of a REST API proxy event the handlers read. */
export interface ProxyEvent {
    readonly httpMethod: string;
    readonly path?: string;
}

/** An event that is not API Gateway's: a wiring error, named as the other handlers name theirs. */
function malformedEventError(message: string): Error {
    return namedError("MalformedEventError", message);
}

/**
 * Checks that `event` is an API Gateway REST API proxy event. Anything else means the function was invoked by
 * something other than its API, which is a wiring error and must fail loudly rather than answer.
 */
export function proxyEvent(event: unknown, handler: string): ProxyEvent {
    if (event === null || typeof event !== "object" || Array.isArray(event)) {
        throw malformedEventError(`${handler}: expected an API Gateway proxy event object; got ${shown(event, 120)}`);
    }
    const { httpMethod, path } = event as Record<string, unknown>;
    if (typeof httpMethod !== "string" || !/^[A-Z]+$/.test(httpMethod)) {
        throw malformedEventError(`${handler}: the event has no valid httpMethod (is it an API Gateway REST proxy event?); got ${shown(httpMethod, 120)}`);
    }
    if (path !== undefined && path !== null && typeof path !== "string") {
        throw malformedEventError(`${handler}: the event's path must be a string; got ${shown(path, 120)}`);
    }
    return { httpMethod, path: typeof path === "string" ? path : undefined };
}

/**
 * The Access-Control-Allow-Origin value: `*`, or exactly one origin (`https://host[:port]`, or `http://localhost[:port]`
 * for local development). Throws on anything else, so a typo never turns into a header browsers silently reject.
 */
export function allowedOrigin(value: string | undefined, variable: string): string {
    if (value === undefined || value === "") throw new Error(`${variable} is not set: expected "*" or an origin like https://app.example.com`);
    if (value === "*" || /^https:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/.test(value) || /^http:\/\/localhost(:\d{1,5})?$/.test(value)) {
        return value;
    }
    throw new Error(`${variable} must be "*" or one origin like https://app.example.com (scheme and host, no path); got ${shown(value, 120)}`);
}

/** CORS headers of a simple GET response. A single origin varies by Origin so caches never serve it to another site. */
export function corsHeaders(allowOrigin: string): Record<string, string> {
    return allowOrigin === "*"
        ? { "Access-Control-Allow-Origin": "*" }
        : { "Access-Control-Allow-Origin": allowOrigin, Vary: "Origin" };
}

/** A JSON response that no cache keeps: every poll and every health check must reach a region. */
export function jsonResponse(statusCode: number, body: unknown, allowOrigin: string): ProxyResult {
    return {
        statusCode,
        headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...corsHeaders(allowOrigin) },
        body: JSON.stringify(body),
    };
}

/** The answer to a method the resource does not serve. */
export function methodNotAllowed(method: string, allowOrigin: string): ProxyResult {
    const response = jsonResponse(405, { message: `Method ${method} is not allowed; use GET` }, allowOrigin);
    return { ...response, headers: { ...response.headers, Allow: "GET, OPTIONS" } };
}
