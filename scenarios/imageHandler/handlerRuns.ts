// How the authorization check (checks/authz/handlerCalls.ts) exercises this scenario's Lambda handlers, keyed by
// component type and function role (the HandlerFunction's name after the component's): the SDK clients to record
// and representative invocations built from the stack, or why a function makes no AWS call. npm run authz and
// npm test run every function of a stack this way; a function without an entry fails them.
import { S3Client } from "@aws-sdk/client-s3";
import type { HandlerRuns } from "../../checks/authz/handlerCalls";

export const handlerRuns: HandlerRuns = {
    "aws-blueprints:media:ImageHandler/resize": {
        clients: [S3Client],
        scenarios: ({ env }) => {
            // A function URL request as CloudFront's origin access control signs it (payload format 2.0).
            const get = (rawPath: string) => ({
                version: "2.0",
                routeKey: "$default",
                rawPath,
                rawQueryString: "",
                headers: { host: "abcdefghij.lambda-url.us-east-1.on.aws" },
                requestContext: { http: { method: "GET", path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.7" }, stage: "$default" },
                isBase64Encoded: false,
            });
            const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
            return [
                { name: "an image is resized", event: get("/fit-in/32x32/photos/cat.png"), answers: { GetObjectCommand: { ContentLength: png.length, Body: { transformToByteArray: async () => new Uint8Array(png) } } } },
                {
                    name: "a missing image is told apart from a forbidden one",
                    event: get("/32x32/photos/missing.png"),
                    answers: {
                        GetObjectCommand: () => {
                            throw Object.assign(new Error(`The specified key does not exist. (${env.SOURCE_BUCKET})`), { name: "NoSuchKey", $metadata: { httpStatusCode: 404 } });
                        },
                    },
                },
            ];
        },
    },
};
