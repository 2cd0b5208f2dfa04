// When the engine runs: the run intervals it supports and their EventBridge schedules.

/** Minutes between runs: divisors of 60, so runs fall on clock boundaries and each covers its own window. */
export const SCHEDULE_MINUTES: readonly number[] = [5, 10, 15, 20, 30, 60];

/** The EventBridge schedule of a run every `minutes` minutes, on clock boundaries (UTC). */
export function scheduleExpression(minutes: number): string {
    if (!SCHEDULE_MINUTES.includes(minutes)) {
        throw new Error(`scheduleMinutes must be one of ${SCHEDULE_MINUTES.join(", ")}; got ${minutes}`);
    }
    return minutes === 60 ? "cron(0 * * * ? *)" : `cron(0/${minutes} * * * ? *)`;
}
