// AWS service errors as SDK v3 raises them, for fault injection with aws-sdk-client-mock.

/** An error shaped like an SDK v3 ServiceException (name = error code, HTTP metadata, fault kind). */
export function awsError(name: string, message: string, httpStatusCode = 400): Error {
    const err = new Error(message) as Error & Record<string, unknown>;
    err.name = name;
    err.$fault = httpStatusCode >= 500 ? "server" : "client";
    err.$metadata = { httpStatusCode, requestId: "00000000-0000-0000-0000-000000000000", attempts: 1 };
    return err;
}

export const throttling = () => awsError("ThrottlingException", "Rate exceeded");
export const ec2Throttling = () => awsError("RequestLimitExceeded", "Request limit exceeded.", 503);
export const accessDenied = (action = "the action") =>
    awsError("AccessDenied", `User is not authorized to perform: ${action}`, 403);
export const ec2Unauthorized = (action: string) =>
    awsError("UnauthorizedOperation", `You are not authorized to perform this operation. (${action})`, 403);
export const notFound = (code = "ResourceNotFoundException", what = "resource") => awsError(code, `The ${what} does not exist`);

/** A 500 from the service (its fault, retryable). */
export const serverError = (name = "InternalFailure") => awsError(name, "We encountered an internal error. Please try again.", 500);

/**
 * A request that timed out on the client: the SDK's node HTTP handler raises `TimeoutError` without a response
 * (no HTTP status), and the request may or may not have reached the service.
 */
export function timeoutError(): Error {
    const err = new Error("Connection timed out after 5000 ms") as Error & Record<string, unknown>;
    err.name = "TimeoutError";
    err.$metadata = { attempts: 1 };
    return err;
}

/** The three transient faults every AWS call is tested against: throttling, a 500, and a timeout. */
export const transientFaults: ReadonlyArray<readonly [string, () => Error]> = [
    ["throttling", throttling],
    ["a 500", () => serverError()],
    ["a timeout", timeoutError],
];
