// How the handlers' properties run and what they accept: fixed seeds and bounded runs (reproducible, and a failure
// prints its shrunk counterexample and the seed to replay it), and deliberate errors only. Growth is never timed:
// the regular expressions are analysed (tests/hostile/regexes.test.ts), and work is counted in AWS calls and sizes.
import fc from "fast-check";
import assert from "node:assert/strict";

/** One seed for every property: a failure replays exactly with the same seed and path. */
const SEED = 20261126;

/**
 * Checks a property with a fixed seed and `runs` cases. A failing case is shrunk and printed with the seed and path.
 * `timeoutMs` fails a case that does not finish (a hang), far above what any case takes; it is no speed goal.
 */
export async function holds<Ts extends [unknown, ...unknown[]]>(
    property: fc.IAsyncPropertyWithHooks<Ts> | fc.IPropertyWithHooks<Ts>,
    runs: number,
    timeoutMs = 5_000,
): Promise<void> {
    // Not endOnFailure: it stops at the first failing case without shrinking it. A minute bounds a failure's shrinking
    // (a passing run ends long before); what was shrunk by then is reported.
    await fc.assert(property as fc.IAsyncProperty<Ts>, {
        seed: SEED,
        numRuns: runs,
        timeout: timeoutMs,
        interruptAfterTimeLimit: 60_000,
        markInterruptAsFailure: true,
        reporter: reporter as (details: fc.RunDetails<Ts>) => void,
    });
}

/** Fast-check's report of a failure, with very long values (a 100,000-character string) cut to their start and length. */
function reporter(details: fc.RunDetails<unknown>): void {
    if (!details.failed) return;
    const text = (fc.defaultReportMessage(details) ?? "property failed").replace(/[^\n]{300,}/g, (run) => `${run.slice(0, 240)}...(${run.length} characters)`);
    throw new Error(text.length > 6_000 ? `${text.slice(0, 6_000)}...` : text, { cause: details.errorInstance });
}

/** Errors the JavaScript engine raises on its own: a handler that throws one of these has a bug, whatever the input. */
const RUNTIME_ERRORS = ["TypeError", "RangeError", "ReferenceError", "SyntaxError", "EvalError", "URIError", "AggregateError"];
// V8's own wording. A handler's message may well say `time null is not an ISO 8601 time`: only V8's phrases count.
const RUNTIME_MESSAGES = /cannot read propert|cannot set propert|is not a function|is not iterable|is not a constructor|Cannot destructure|Maximum call stack|Invalid array length|Cannot convert (?:undefined or null|object to primitive)/i;

/** An error a handler may throw on purpose: its name, and for plain `Error`s a message it must match. */
export type Deliberate = string | { readonly name: string; readonly message: RegExp };

/** Asserts that `err` is one of the handler's deliberate, descriptive errors, never a JavaScript runtime error. */
export function assertDeliberate(err: unknown, allowed: readonly Deliberate[]): void {
    assert.ok(err instanceof Error, `threw something that is not an Error: ${String(err)}`);
    const where = `${err.name}: ${err.message.slice(0, 400)}\n${err.stack?.split("\n").slice(1, 4).join("\n") ?? ""}`;
    assert.ok(!RUNTIME_ERRORS.includes(err.name), `a JavaScript runtime error escaped: ${where}`);
    assert.ok(!RUNTIME_MESSAGES.test(err.message), `a JavaScript runtime error escaped under another name: ${where}`);
    assert.ok(err.message.trim().length > 0, `an error without a message: ${err.name}`);
    const ok = allowed.some((a) => (typeof a === "string" ? a === err.name : a.name === err.name && a.message.test(err.message)));
    assert.ok(ok, `not one of the handler's deliberate errors (${allowed.map((a) => (typeof a === "string" ? a : `${a.name} ${a.message}`)).join(", ")}): ${where}`);
}

/** Runs `run` and returns its result, or the error it threw after checking that the error is deliberate. */
export async function outcome<T>(run: () => Promise<T> | T, allowed: readonly Deliberate[]): Promise<{ value: T } | { error: Error }> {
    try {
        return { value: await run() };
    } catch (err) {
        assertDeliberate(err, allowed);
        return { error: err as Error };
    }
}
