// Cancels the persistent Spot request behind a standalone Spot instance before the instance is terminated.
//
// A persistent request outlives its instance: terminating the instance reopens the request, and EC2 launches
// a new instance for it that no deployment tracks but the account pays for. Cancelling first, then
// terminating, is the order AWS documents:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-instances-cancel.html
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-requests.html (persistent requests)
import type { EC2 } from "@aws-sdk/client-ec2";
import { shown } from "../shared/text";

export interface SpotRequestCancelDeps {
    readonly ec2: Pick<EC2, "cancelSpotInstanceRequests">;
    readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

export interface SpotRequestCancelResult {
    readonly spotInstanceRequestId: string;
    /** The request's state after the call; `absent` when EC2 no longer knows the request. */
    readonly state: string;
}

const REQUEST_ID = /^sir-[0-9a-z]{8,}$/;

/** Throws unless `id` is a Spot instance request id (`sir-` and at least eight letters or digits). */
export function checkSpotRequestId(id: unknown): string {
    if (typeof id !== "string" || !REQUEST_ID.test(id)) {
        throw new Error(`spotInstanceRequestId must be a Spot instance request id like sir-0123abcd; got ${shown(id ?? null)}`);
    }
    return id;
}

function errorNameOf(err: unknown): string {
    return typeof err === "object" && err !== null ? String((err as Record<string, unknown>).name ?? (err as Record<string, unknown>).Code ?? "") : "";
}

/**
 * Cancels the request. Idempotent: a request already cancelled, closed or completed, or one EC2 has forgotten,
 * counts as cancelled. Any other answer, and any other error, is thrown, so a deletion stops before the instance
 * is terminated and the request can still relaunch it.
 */
export async function cancelSpotRequest(id: unknown, deps: SpotRequestCancelDeps): Promise<SpotRequestCancelResult> {
    const log = deps.log ?? (() => undefined);
    const spotInstanceRequestId = checkSpotRequestId(id);
    let state: string;
    try {
        const out = await deps.ec2.cancelSpotInstanceRequests({ SpotInstanceRequestIds: [spotInstanceRequestId] });
        const cancelled = (out.CancelledSpotInstanceRequests ?? []).find((r) => r.SpotInstanceRequestId === spotInstanceRequestId);
        state = String(cancelled?.State ?? "");
    } catch (err) {
        if (errorNameOf(err) === "InvalidSpotInstanceRequestID.NotFound") {
            log("spot request already gone", { spotInstanceRequestId });
            return { spotInstanceRequestId, state: "absent" };
        }
        throw err;
    }
    if (!["cancelled", "closed", "completed"].includes(state)) {
        throw new Error(`cancelling Spot request ${spotInstanceRequestId} left it ${state ? `in state ${state}` : "unreported"}; it may still launch instances`);
    }
    log("spot request cancelled", { spotInstanceRequestId, state });
    return { spotInstanceRequestId, state };
}
