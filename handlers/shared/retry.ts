// Retrying AWS calls a handler may safely repeat.
//
// The first call of a function that runs right after its role was created: IAM is eventually consistent, so a role
// and policy created moments before a deployment invokes the function may not have reached the service being called
// yet, which then refuses the call with AccessDenied. AWS's advice is to retry:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency
//
// A transient failure (throttling, a 5xx, a timeout) that outlasted the SDK's own three attempts, where no orchestrator
// retries the handler and the call is safe to repeat (a read, or a change that re-reads what it changes).

export interface PermissionRetry {
    /** Waits the given number of milliseconds (injected, so tests need not wait). */
    readonly sleep: (ms: number) => Promise<void>;
    /** Calls in all, the first included. */
    readonly attempts: number;
    /** Wait after the first refusal; the n-th refusal waits n times this. */
    readonly delayMs: number;
    /** Told about each refusal that is retried. */
    readonly onRetry?: (attempt: number, err: unknown) => void;
}

function errorNameOf(err: unknown): string {
    return typeof err === "object" && err !== null ? String((err as Record<string, unknown>).name ?? "") : "";
}

/** Whether an AWS SDK error is a permission refusal (AccessDenied, AccessDeniedException). */
export function isAccessDenied(err: unknown): boolean {
    return /^AccessDenied/.test(errorNameOf(err));
}

/**
 * The names the AWS SDK gives throttling, a service failure and a request that timed out. A state machine's Retry
 * matches a task's error by these names, so a workflow retries what the handlers retry.
 */
export const TRANSIENT_ERROR_NAMES = [
    "Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "ServiceFailure", "ServiceUnavailable",
    "InternalFailure", "TimeoutError", "RequestTimeout", "RequestTimeoutException",
] as const;

/**
 * Throttling, a service error, or a request that timed out or lost its connection (the SDK's transient error names,
 * its server-fault marker or a 5xx status, and Node's socket codes).
 */
export function isTransient(err: unknown): boolean {
    if ((TRANSIENT_ERROR_NAMES as readonly string[]).includes(errorNameOf(err))) return true;
    if (typeof err !== "object" || err === null) return false;
    const e = err as Record<string, unknown>;
    if (typeof e.code === "string" && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT)$/.test(e.code)) return true;
    const status = typeof e.$metadata === "object" && e.$metadata !== null ? (e.$metadata as Record<string, unknown>).httpStatusCode : undefined;
    return e.$fault === "server" || (typeof status === "number" && status >= 500);
}

/**
 * Runs `call`, retrying it while it fails with an error `retryable` accepts, at most `attempts` calls in all with
 * linearly growing waits; the last such error, and any other, is thrown as it came.
 */
export async function retryWhile<T>(call: () => Promise<T>, retryable: (err: unknown) => boolean, retry: PermissionRetry): Promise<T> {
    if (!Number.isInteger(retry.attempts) || retry.attempts < 1) throw new Error(`attempts must be a positive integer; got ${retry.attempts}`);
    for (let attempt = 1; ; attempt++) {
        try {
            return await call();
        } catch (err) {
            if (!retryable(err) || attempt >= retry.attempts) throw err;
            retry.onRetry?.(attempt, err);
            await retry.sleep(retry.delayMs * attempt);
        }
    }
}

/** Runs `call`, retrying it while AWS refuses it with AccessDenied (see retryWhile). */
export async function retryWhileAccessDenied<T>(call: () => Promise<T>, retry: PermissionRetry): Promise<T> {
    return retryWhile(call, isAccessDenied, retry);
}
