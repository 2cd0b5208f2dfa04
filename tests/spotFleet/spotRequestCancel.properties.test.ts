// Properties of the Spot request cancellation that runs when a standalone Spot instance is deleted: any id its state
// may hold, a deletion repeated (a `pulumi destroy` run again after a failure), and a failing CancelSpotInstanceRequests.
import fc from "fast-check";
import assert from "node:assert/strict";
import { cancelSpotRequest } from "../../handlers/spotFleet/spotRequestCancel";
import { transientFaults } from "../faults";
import { FakeEc2 } from "../hostile/fakes";
import { hostileString, JS_NAMES } from "../hostile/generators";
import { holds, outcome } from "../hostile/properties";

const ID = "sir-0123abcd";
const INVALID = { name: "Error", message: /^spotInstanceRequestId must be a Spot instance request id like sir-0123abcd; got / };
const DONE = ["cancelled", "closed", "completed", "absent"];

describe("Spot request cancellation: properties", () => {
    let ec2: FakeEc2;
    beforeEach(() => {
        ec2 = new FakeEc2();
        reset();
    });
    afterEach(() => ec2.restore());

    function reset(state = "active") {
        ec2.spotRequests.clear();
        ec2.spotRequests.set(ID, state);
        ec2.spotRequests.set("sir-0fffffff", "open");
        ec2.clearLog();
    }
    const cancel = (id: unknown) => cancelSpotRequest(id, { ec2: ec2.client });

    it("takes any id: cancels only the request it names, or refuses before any call", async () => {
        const id = fc.oneof(fc.constantFrom(ID, "sir-0fffffff", "sir-99999999", "sir-", "i-0123456789abcdef0", ...JS_NAMES), hostileString().map((s) => `sir-${s}`), hostileString(), fc.constantFrom(null, undefined, 42, {}, [ID]));
        await holds(
            fc.asyncProperty(id, fc.constantFrom("open", "active", "closed", "cancelled"), async (given, state) => {
                reset(state);
                const result = await outcome(() => cancel(given), [INVALID]);
                if ("error" in result) assert.equal(ec2.calls.length, 0, "a refused id calls nothing");
                else {
                    assert.ok(DONE.includes(result.value.state));
                    assert.equal(result.value.spotInstanceRequestId, given);
                }
                for (const c of ec2.changes()) assert.deepEqual(c.input.SpotInstanceRequestIds, [given]);
                assert.equal(ec2.spotRequests.get("sir-0fffffff"), given === "sir-0fffffff" ? "cancelled" : "open", "no other request is touched");
            }),
            150,
        );
    });

    describe("repeated deletion (a destroy run again after a failure)", () => {
        it("a request already cancelled, or forgotten by EC2, counts as cancelled", async () => {
            assert.equal((await cancel(ID)).state, "cancelled");
            assert.equal((await cancel(ID)).state, "cancelled");
            ec2.spotRequests.delete(ID);
            assert.equal((await cancel(ID)).state, "absent");
        });
    });

    describe("failing AWS calls", () => {
        for (const [what, fault] of transientFaults) {
            for (const after of [false, true]) {
                it(`CancelSpotInstanceRequests failing with ${what}${after ? " after its effect" : ""} fails the deletion (the instance is kept); the rerun completes it`, async () => {
                    ec2.fail("CancelSpotInstanceRequests", fault, { after });
                    await assert.rejects(cancel(ID), { name: fault().name });
                    assert.equal(ec2.spotRequests.get(ID), after ? "cancelled" : "active");
                    assert.equal((await cancel(ID)).state, "cancelled");
                });
            }
        }
    });
});
