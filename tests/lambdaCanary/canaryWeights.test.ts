import assert from "node:assert/strict";
import {
    assertValidSchedule,
    canaryWeights,
    exponentialWeights,
    linearWeights,
    maximumExponentialSteps,
    maximumSteps,
    minimumWeight,
    strategyNames,
    weightsFor,
} from "../../handlers/lambdaCanary/canaryWeights";

function assertSchedule(weights: number[]): void {
    assert.equal(weights[weights.length - 1], 1, "ends at exactly 1");
    for (let i = 0; i < weights.length; i++) {
        assert.ok(weights[i] > 0 && weights[i] <= 1, `weight ${i} in (0, 1]`);
        if (i > 0) assert.ok(weights[i] > weights[i - 1], `weight ${i} rises`);
        if (i < weights.length - 1) assert.ok(weights[i] >= minimumWeight() && weights[i] < 1, `partial weight ${i} is a valid UpdateAlias weight`);
    }
}

describe("canary weight strategies", () => {
    it("offers linear, exponential and a single canary step", () => {
        assert.deepEqual(strategyNames(), ["linear", "exponential", "canary"]);
    });

    describe("linear (the post's strategy)", () => {
        it("shifts in equal increments and ends at exactly 1", () => {
            assert.deepEqual(linearWeights(10), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
            assert.deepEqual(linearWeights(4), [0.25, 0.5, 0.75, 1]);
            assert.deepEqual(linearWeights(3), [0.333333, 0.666667, 1]);
            assert.deepEqual(linearWeights(1), [1], "one step is a plain flip");
        });

        it("is a valid schedule for every step count it accepts", () => {
            for (let n = 1; n <= maximumSteps(); n++) assertSchedule(linearWeights(n));
        });

        it("refuses step counts outside 1-100 and non-integers", () => {
            for (const bad of [0, -1, 101, 2.5, Number.NaN]) {
                assert.throws(() => linearWeights(bad), /steps must be an integer from 1 to 100 for the linear strategy/);
            }
        });
    });

    describe("exponential (doubling)", () => {
        it("doubles each step and ends at exactly 1", () => {
            assert.deepEqual(exponentialWeights(4), [0.125, 0.25, 0.5, 1]);
            assert.deepEqual(exponentialWeights(2), [0.5, 1]);
            assert.deepEqual(exponentialWeights(1), [1]);
        });

        it("stops where the first step would route less than the minimum weight", () => {
            assert.equal(maximumExponentialSteps(), 10);
            const longest = exponentialWeights(10);
            assert.equal(longest[0], 2 ** -9);
            assertSchedule(longest);
            assert.throws(() => exponentialWeights(11), /steps must be an integer from 1 to 10 for the exponential strategy; got 11/);
        });
    });

    describe("single canary step", () => {
        it("routes the canary weight, then everything", () => {
            assert.deepEqual(canaryWeights(0.1), [0.1, 1]);
            assert.deepEqual(weightsFor("canary", undefined), [0.1, 1], "10% by default");
            assert.deepEqual(weightsFor("canary", 2, 0.05), [0.05, 1]);
        });

        it("refuses weights outside [0.001, 1) and any step count but 2", () => {
            for (const bad of [0, 1, 1.5, -0.1, 0.0001]) assert.throws(() => canaryWeights(bad), /canaryWeight must be at least 0.001 and below 1/);
            assert.throws(() => weightsFor("canary", 3), /the canary strategy has exactly 2 steps .*got steps 3.*intervalSeconds/);
        });
    });

    it("weightsFor dispatches by name and refuses unknown strategies", () => {
        assert.deepEqual(weightsFor("linear", 2), [0.5, 1]);
        assert.deepEqual(weightsFor("exponential", 3), [0.25, 0.5, 1]);
        assert.throws(() => weightsFor("geometric" as never, 3), /strategy must be one of linear, exponential, canary; got "geometric"/);
    });

    it("assertValidSchedule catches schedules that stall, fall, overshoot or stop short", () => {
        assert.throws(() => assertValidSchedule([]), /at least one weight/);
        assert.throws(() => assertValidSchedule([0.5, 0.9]), /last weight must be exactly 1/);
        assert.throws(() => assertValidSchedule([0.5, 0.5, 1]), /does not rise/);
        assert.throws(() => assertValidSchedule([0.6, 0.4, 1]), /does not rise/);
        assert.throws(() => assertValidSchedule([0, 1]), /must be in \(0, 1\]/);
        assert.doesNotThrow(() => assertValidSchedule([0.1, 1]));
    });
});
