// Traffic weights of a canary rollout: the share of an alias's traffic the new version receives after each
// step. Every schedule is strictly increasing and ends at exactly 1 (the new version becomes primary); the
// weights before the last are what UpdateAlias sends as AdditionalVersionWeights, which Lambda accepts
// strictly between 0 and 1. A schedule that cannot be made is an InvalidWeights error, named so that a caller tells
// it from a bug (a TypeError or RangeError the engine raises).
import { namedError } from "../shared/errors";

export type Strategy = "linear" | "exponential" | "canary";

// Module constants stay unexported: exported consts are read through `exports`, which closure
// serialization would then capture whole.
const STRATEGIES: readonly Strategy[] = ["linear", "exponential", "canary"];
// Below 0.1% a step routes too few invocations to judge the new version by, even on busy functions.
const MIN_WEIGHT = 0.001;
// Each step costs about twenty execution-history events; Step Functions keeps at most 25,000 per execution.
const MAX_STEPS = 100;
// Linear weights are rounded so notifications and logs show 0.333333, not 0.3333333333333333.
const DECIMALS = 1e6;

/** The weight strategies, by name. */
export function strategyNames(): Strategy[] {
    return [...STRATEGIES];
}

/** The smallest weight a step may route to the new version. */
export function minimumWeight(): number {
    return MIN_WEIGHT;
}

/** The largest number of steps any strategy accepts. */
export function maximumSteps(): number {
    return MAX_STEPS;
}

export function isStrategy(value: unknown): value is Strategy {
    return typeof value === "string" && (STRATEGIES as readonly string[]).includes(value);
}

function invalidWeights(message: string): Error {
    return namedError("InvalidWeights", message);
}

function requireSteps(strategy: string, steps: number, max: number): void {
    if (!Number.isInteger(steps) || steps < 1 || steps > max) {
        throw invalidWeights(`steps must be an integer from 1 to ${max} for the ${strategy} strategy; got ${JSON.stringify(steps)}`);
    }
}

/** `steps` equal increments: 1/steps, 2/steps, ..., 1 (the original post's only strategy). */
export function linearWeights(steps: number): number[] {
    requireSteps("linear", steps, MAX_STEPS);
    return Array.from({ length: steps }, (_, i) => (i + 1 === steps ? 1 : Math.round(((i + 1) / steps) * DECIMALS) / DECIMALS));
}

/** The largest step count the exponential strategy accepts while its first weight stays at or above the minimum. */
export function maximumExponentialSteps(): number {
    return Math.floor(1 - Math.log2(MIN_WEIGHT));
}

/** Doubling weights ending at 1: 2^(1-steps), ..., 0.25, 0.5, 1. Little traffic at first, most of the time at low risk. */
export function exponentialWeights(steps: number): number[] {
    requireSteps("exponential", steps, maximumExponentialSteps());
    return Array.from({ length: steps }, (_, i) => 2 ** (i + 1 - steps));
}

/** One canary step, then everything: [canaryWeight, 1]. */
export function canaryWeights(canaryWeight: number): number[] {
    if (typeof canaryWeight !== "number" || !Number.isFinite(canaryWeight) || canaryWeight < MIN_WEIGHT || canaryWeight >= 1) {
        throw invalidWeights(`canaryWeight must be at least ${MIN_WEIGHT} and below 1; got ${JSON.stringify(canaryWeight)}`);
    }
    return [canaryWeight, 1];
}

/** The canary weight when the input names none (10%, as in CodeDeploy's Canary10Percent configurations). */
export function defaultCanaryWeight(): number {
    return 0.1;
}

/**
 * The weights of a strategy. The canary strategy always has two steps (the canary, then 100%): `steps` may be
 * omitted or 2, and a longer canary is a longer interval.
 */
export function weightsFor(strategy: Strategy, steps: number | undefined, canaryWeight?: number): number[] {
    let weights: number[];
    switch (strategy) {
        case "linear":
            weights = linearWeights(steps as number);
            break;
        case "exponential":
            weights = exponentialWeights(steps as number);
            break;
        case "canary":
            if (steps !== undefined && steps !== 2) {
                throw invalidWeights(
                    `the canary strategy has exactly 2 steps (canaryWeight, then 100%); got steps ${JSON.stringify(steps)}. Hold the canary longer with intervalSeconds`,
                );
            }
            weights = canaryWeights(canaryWeight ?? defaultCanaryWeight());
            break;
        default:
            throw invalidWeights(`strategy must be one of ${STRATEGIES.join(", ")}; got ${JSON.stringify(strategy)}`);
    }
    assertValidSchedule(weights);
    return weights;
}

/** Throws unless the weights rise strictly, stay within (0, 1) before the last, and end at exactly 1. */
export function assertValidSchedule(weights: readonly number[]): void {
    if (weights.length === 0) throw invalidWeights("a rollout needs at least one weight");
    if (weights[weights.length - 1] !== 1) throw invalidWeights(`the last weight must be exactly 1; got ${weights[weights.length - 1]}`);
    weights.forEach((w, i) => {
        if (!Number.isFinite(w) || w <= 0 || w > 1) throw invalidWeights(`weight ${i} is ${w}; weights must be in (0, 1]`);
        if (i > 0 && w <= weights[i - 1]) throw invalidWeights(`weight ${i} (${w}) does not rise above weight ${i - 1} (${weights[i - 1]})`);
    });
}
