// GET /helloworld of the multi-region API: answers which region served the request.
import { allowedOrigin, jsonResponse, methodNotAllowed, ProxyResult, proxyEvent } from "./apiProxy";

export interface HelloConfig {
    /** The function's own region from the runtime (`AWS_REGION`), used when the context carries no usable ARN. */
    readonly runtimeRegion?: string;
    /** Access-Control-Allow-Origin of the responses. */
    readonly allowOrigin: string;
}

function isRegion(value: unknown): value is string {
    return typeof value === "string" && /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(value);
}

/** Reads the function's settings from its environment; throws naming a missing or malformed variable. */
export function configFromEnvironment(env: Readonly<Record<string, string | undefined>>): HelloConfig {
    const runtimeRegion = env.AWS_REGION;
    if (runtimeRegion !== undefined && runtimeRegion !== "" && !isRegion(runtimeRegion)) {
        throw new Error(`AWS_REGION must be an AWS region like us-east-1; got ${JSON.stringify(runtimeRegion)}`);
    }
    return { runtimeRegion: runtimeRegion || undefined, allowOrigin: allowedOrigin(env.ALLOW_ORIGIN, "ALLOW_ORIGIN") };
}

/** The region of a Lambda function ARN (`arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`), or undefined. */
export function regionOfFunctionArn(arn: unknown): string | undefined {
    if (typeof arn !== "string") return undefined;
    const parts = arn.split(":");
    if (parts.length < 7 || parts[0] !== "arn" || parts[2] !== "lambda" || parts[5] !== "function") return undefined;
    return isRegion(parts[3]) ? parts[3] : undefined;
}

/**
 * The region that is answering: from the invoked function's ARN in the Lambda context (as the original did),
 * else from the runtime's AWS_REGION. Throws when neither says, rather than claiming a region it does not know.
 */
export function answeringRegion(context: unknown, runtimeRegion: string | undefined): string {
    const arn = context !== null && typeof context === "object" ? (context as Record<string, unknown>).invokedFunctionArn : undefined;
    const region = regionOfFunctionArn(arn) ?? (isRegion(runtimeRegion) ? runtimeRegion : undefined);
    if (!region) {
        throw new Error(
            `helloRegion: cannot tell the region: context.invokedFunctionArn is ${JSON.stringify(arn) ?? "missing"} and AWS_REGION is ${JSON.stringify(runtimeRegion) ?? "not set"}`,
        );
    }
    return region;
}

/** `{"message": "Hello from <region>"}` for GET; 405 for other methods; throws on an event that is not from API Gateway. */
export function helloRegion(event: unknown, context: unknown, config: HelloConfig): ProxyResult {
    const request = proxyEvent(event, "helloRegion");
    if (request.httpMethod !== "GET") return methodNotAllowed(request.httpMethod, config.allowOrigin);
    const region = answeringRegion(context, config.runtimeRegion);
    return jsonResponse(200, { message: `Hello from ${region}` }, config.allowOrigin);
}
