// What the SDK's real clients do with the faults the handlers' tests inject. aws-sdk-client-mock replaces a client's
// `send`, so the middleware stack, and with it the retry strategy, never runs under it: a rejected mock is one
// failure the handler sees at once. In Lambda, the same client (created with `{}`: standard retry mode, 3 attempts)
// retries throttling, 5xx answers and timeouts itself before the handler sees anything, non-idempotent calls
// (Publish, CreateSnapshots) included. These tests drive a real client through a fake HTTP handler to pin that.
import { SFN } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { throttling } from "../faults";

type Answer = { status: number; type?: string } | { throw: string };

/** A real SFN client whose HTTP layer answers from `answers` (then 200), with the retry strategy's waits cut to 0. */
async function clientAnswering(answers: Answer[]) {
    const requests: string[] = [];
    const requestHandler = {
        handle: async (request: { headers: Record<string, string> }) => {
            requests.push(request.headers["amz-sdk-request"] ?? "");
            const answer = answers.shift() ?? { status: 200 };
            if ("throw" in answer) throw Object.assign(new Error(`socket ${answer.throw}`), { name: answer.throw });
            const body = answer.status === 200 ? JSON.stringify({ executionArn: "arn:aws:states:us-east-1:123456789012:execution:sm:x", startDate: 0 }) : JSON.stringify({ __type: answer.type, message: "fault" });
            return {
                response: {
                    statusCode: answer.status,
                    reason: "",
                    headers: { "content-type": "application/x-amz-json-1.0", ...(answer.type ? { "x-amzn-errortype": answer.type } : {}) },
                    body: Readable.from([Buffer.from(body)]),
                },
            };
        },
    };
    const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
    // The default strategy (standard mode, 3 attempts) decides what is retried; only its waits are removed.
    const standard: any = await new SFN({ region: "us-east-1", credentials }).config.retryStrategy();
    const retryStrategy = {
        acquireInitialRetryToken: (scope: string) => standard.acquireInitialRetryToken(scope),
        refreshRetryTokenForRetry: async (token: unknown, error: unknown) => Object.assign(Object.create(await standard.refreshRetryTokenForRetry(token, error)), { getRetryDelay: () => 0 }),
        recordSuccess: (token: unknown) => standard.recordSuccess(token),
    };
    const client = new SFN({ region: "us-east-1", credentials, requestHandler: requestHandler as any, retryStrategy });
    return { client, requests };
}

const start = (client: SFN) => client.startExecution({ stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:sm", name: "x", input: "{}" });

describe("the SDK's own retries, which aws-sdk-client-mock bypasses", () => {
    it("a mocked client fails at the first rejection: the handler sees every injected fault at once", async () => {
        const client = new SFN({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
        const mock = mockClient(client);
        try {
            mock.rejects(throttling());
            await assert.rejects(start(client), { name: "ThrottlingException" });
            assert.equal(mock.calls().length, 1);
        } finally {
            mock.restore();
        }
    });

    for (const [what, fault] of [
        ["throttling", { status: 400, type: "ThrottlingException" }],
        ["a 500", { status: 500, type: "InternalFailure" }],
        ["a timeout", { throw: "TimeoutError" }],
    ] as const) {
        it(`a real client retries ${what} twice more before the handler sees it, and succeeds if an attempt does`, async () => {
            const failing = await clientAnswering([fault, fault, fault]);
            const err: any = await start(failing.client).then(
                () => assert.fail("expected a failure"),
                (e) => e,
            );
            assert.equal(failing.requests.length, 3, "three attempts in all");
            assert.deepEqual(
                failing.requests.map((r) => /attempt=(\d+)/.exec(r)?.[1]),
                ["1", "2", "3"],
                "the SDK numbers its attempts in the amz-sdk-request header",
            );
            assert.equal(err.$metadata.attempts, 3);
            const recovering = await clientAnswering([fault]);
            assert.ok((await start(recovering.client)).executionArn);
            assert.equal(recovering.requests.length, 2, "the second attempt succeeded: the handler never saw the fault");
        });
    }

    it("a real client does not retry a client error such as AccessDenied", async () => {
        const { client, requests } = await clientAnswering([{ status: 400, type: "AccessDeniedException" }]);
        await assert.rejects(start(client), { name: "AccessDeniedException" });
        assert.equal(requests.length, 1);
    });
});
