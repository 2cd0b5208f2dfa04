// Process-wide settings that make a Pulumi evaluation of this program fast, for `pulumi preview`/`pulumi up` and the
// offline tools alike. Imported first by index.ts (and by the test setup); changes nothing that is deployed.
//
// `@pulumi/pulumi` wraps every internal promise in `debuggablePromise` (runtime/debuggable.js), which records
// `new Error().stack`, tens of thousands of times per evaluation, only to print it in a promise-leak report when
// PULUMI_DEBUG_PROMISE_LEAKS is set. Under ts-node each of those stacks is also mapped frame by frame through source
// maps: the largest single cost of an evaluation. Without that variable the recorded text is never read, so the
// wrapper below records it with no frames; leak detection itself and every other stack trace (the errors a user sees,
// the source positions sent to the engine, rendered through the source maps to the TypeScript line) are unchanged.

const WRAPPED = Symbol.for("aws-blueprints.debuggablePromise");

type DebuggablePromise = ((p: Promise<unknown>, ctx: unknown) => Promise<unknown>) & { [WRAPPED]?: true };

/** Makes the SDK's promise bookkeeping skip capturing stack frames unless PULUMI_DEBUG_PROMISE_LEAKS asks for them. Idempotent. */
export function skipPromiseStackCapture(): void {
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return;
    const debuggable: { debuggablePromise?: DebuggablePromise } = require("@pulumi/pulumi/runtime/debuggable");
    const original = debuggable.debuggablePromise;
    if (typeof original !== "function" || original[WRAPPED]) return;
    debuggable.debuggablePromise = Object.assign(
        (p: Promise<unknown>, ctx: unknown) => {
            const limit = Error.stackTraceLimit;
            Error.stackTraceLimit = 0;
            try {
                return original(p, ctx);
            } finally {
                Error.stackTraceLimit = limit;
            }
        },
        { [WRAPPED]: true as const },
    );
}

skipPromiseStackCapture();
