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
