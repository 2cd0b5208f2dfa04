// Records the AWS calls code makes through SDK v3 clients whose transport aws-sdk-client-mock replaces: which client,
// which command, with which input. The authorization simulation turns each recorded call into the IAM request AWS
// would judge (checks/authz/handlerCalls.ts).
import { mockClient } from "aws-sdk-client-mock";

/** One call as the client sent it. */
export interface SdkCall {
    /** The client class, e.g. `EC2Client`. */
    readonly client: string;
    /** The command class, e.g. `RevokeSecurityGroupIngressCommand`. */
    readonly command: string;
    readonly input: any;
    /** What the call answered; absent when it failed. */
    readonly output?: any;
    /** The error the call failed with (AWS has still authorized it: a NoSuchKey answer says what S3 checked). */
    readonly error?: unknown;
}

/** What a mocked command answers: a value, or a function of the input that returns (or throws) one. */
export type Answer = unknown | ((input: any) => unknown);

// Any SDK v3 client class: mockClient stubs `send` on its prototype.
type ClientClass = abstract new (...args: any[]) => { send: (...args: any[]) => unknown };

/**
 * Runs `run` with every command of the given clients answered from `answers` (by command name; `{}` otherwise) and
 * returns the calls in the order they were sent, each with its answer or error, and run's result or error. The mocks
 * are removed afterwards.
 */
export async function recordSdkCalls<T>(
    clients: readonly ClientClass[],
    answers: Readonly<Record<string, Answer>>,
    run: () => Promise<T>,
): Promise<{ calls: SdkCall[]; result?: T; error?: unknown }> {
    const calls: SdkCall[] = [];
    const mocks = clients.map((C) => {
        const mock = mockClient(C as any);
        mock.send.callsFake(async (command: { constructor: { name: string }; input: unknown }): Promise<any> => {
            const name = command.constructor.name;
            const index = calls.push({ client: C.name, command: name, input: command.input }) - 1;
            const answer = answers[name];
            try {
                const output = typeof answer === "function" ? await (answer as (input: unknown) => unknown)(command.input) : (answer ?? {});
                calls[index] = { ...calls[index], output };
                return output;
            } catch (error) {
                calls[index] = { ...calls[index], error };
                throw error;
            }
        });
        return mock;
    });
    try {
        return { calls, result: await run() };
    } catch (error) {
        return { calls, error };
    } finally {
        for (const m of mocks) m.restore();
    }
}
