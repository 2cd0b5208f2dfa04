/**
 * Named errors for handlers. Handlers ship through Pulumi's closure serialization, which rewrites
 * `class X extends Error { constructor(m) { super(m) } }` into an old-style constructor calling
 * `Error.call(this, m)`. That call returns a new object and leaves `this` untouched, so the deployed error has no
 * message, no stack and is not an Error at all. Handlers therefore throw real `Error`s distinguished by `name`;
 * `name` is also what Lambda reports as the error type, which Step Functions' `Retry`/`Catch` `ErrorEquals` match.
 */

/**
 * A real `new Error(message)` whose `name` is `name`, carrying `props` as extra properties (e.g. an HTTP status).
 * A `cause` in `props` becomes the standard error cause.
 */
export function namedError<P extends Record<string, unknown> = Record<never, never>>(name: string, message: string, props?: P): Error & P {
    const { cause, ...rest }: Record<string, unknown> = props ?? {};
    const err = (props && "cause" in props ? new Error(message, { cause }) : new Error(message)) as Error & P;
    Object.assign(err, rest);
    err.name = name;
    return err;
}

/** Whether `err` is an Error named `name`: the check that replaces `instanceof` for errors made by `namedError`. */
export function hasErrorName(err: unknown, name: string): err is Error {
    return err instanceof Error && err.name === name;
}
