// Retrying the first AWS call of a function that runs right after its role was created.
//
// IAM is eventually consistent: a role and policy created moments before a deployment invokes the function may
// not have reached the service being called yet, which then refuses the call with AccessDenied. AWS's advice is to
// retry: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency

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
 * Runs `call`, retrying it while AWS refuses it with AccessDenied, at most `attempts` calls in all with linearly
 * growing waits; the last refusal, and any other error, is thrown as it came.
 */
export async function retryWhileAccessDenied<T>(call: () => Promise<T>, retry: PermissionRetry): Promise<T> {
    if (!Number.isInteger(retry.attempts) || retry.attempts < 1) throw new Error(`attempts must be a positive integer; got ${retry.attempts}`);
    for (let attempt = 1; ; attempt++) {
        try {
            return await call();
        } catch (err) {
            if (!isAccessDenied(err) || attempt >= retry.attempts) throw err;
            retry.onRetry?.(attempt, err);
            await retry.sleep(retry.delayMs * attempt);
        }
    }
}
