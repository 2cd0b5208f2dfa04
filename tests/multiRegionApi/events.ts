// The multi-region API's real-shaped requests, shared by its handlers' example tests and properties: what API
// Gateway's REST API sends a Lambda proxy integration (payload format 1.0), and the Lambda context's function ARN.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format

/** A request to `path` (`/helloworld` or `/healthcheck`) through the `prod` stage, as the Lambda proxy receives it. */
export function restRequest(path: string, method = "GET") {
    return {
        resource: path,
        path,
        httpMethod: method,
        headers: { Accept: "application/json", Host: "abc123.execute-api.us-east-1.amazonaws.com", "User-Agent": "Amazon-Route53-Health-Check-Service", "X-Forwarded-For": "203.0.113.7" },
        multiValueHeaders: { Accept: ["application/json"], Host: ["abc123.execute-api.us-east-1.amazonaws.com"] },
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        pathParameters: null,
        stageVariables: null,
        requestContext: {
            resourcePath: path,
            httpMethod: method,
            path: `/prod${path}`,
            stage: "prod",
            requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            identity: { sourceIp: "203.0.113.7", userAgent: "Amazon-Route53-Health-Check-Service" },
            apiId: "abc123",
        },
        body: null,
        isBase64Encoded: false,
    };
}

/** The Lambda context's ARN of the invoked function in `region` (in `partition`). */
export const functionArn = (region: string, partition = "aws") => `arn:${partition}:lambda:${region}:123456789012:function:api-${region}-hello-29e68a9`;
