// Deletes every snapshot an Ops Automator engine took, when the stack that runs it is destroyed: the snapshots are
// not Pulumi resources, and once the engine is gone nothing else knows its marker. Run from a managed invocation
// (lifecycle scope CRUD) of the engine's own function, whose role may delete only snapshots carrying its marker.
import type { EC2 } from "@aws-sdk/client-ec2";
import { lifecycleAction } from "../shared/lifecycle";
import { ownSnapshots } from "./snapshotScheduler";

export interface SnapshotCleanupDeps {
    readonly ec2: Pick<EC2, "describeSnapshots" | "deleteSnapshot">;
    readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

export interface SnapshotCleanupResult {
    readonly action: string;
    readonly deleted: readonly string[];
}

/** Is this event the engine's cleanup invocation (rather than a scheduled run)? */
export function isSnapshotCleanup(event: unknown): boolean {
    return lifecycleAction(event) !== undefined && (event as { cleanup?: unknown }).cleanup === "snapshots";
}

/**
 * On `delete`, deletes every snapshot carrying the engine's marker (in the function's region) and returns their ids;
 * on create and update, does nothing. A snapshot already gone counts as deleted; any other failure throws after the
 * rest were tried, so `pulumi destroy` stops and says which remain.
 */
export async function cleanUpSnapshots(event: unknown, markerValue: string, deps: SnapshotCleanupDeps): Promise<SnapshotCleanupResult> {
    const action = lifecycleAction(event);
    if (!action) throw new Error("not a managed invocation event (no tf.action)");
    if (action !== "delete") return { action, deleted: [] };
    if (!markerValue) throw new Error("the engine gave no snapshot marker value");
    const log = deps.log ?? (() => undefined);
    const snapshots = await ownSnapshots(deps.ec2, markerValue);
    const deleted: string[] = [];
    const failed: string[] = [];
    for (const s of snapshots) {
        if (!s.SnapshotId) continue;
        try {
            await deps.ec2.deleteSnapshot({ SnapshotId: s.SnapshotId });
            deleted.push(s.SnapshotId);
        } catch (err) {
            const name = (err as { name?: string }).name;
            if (name === "InvalidSnapshot.NotFound") {
                deleted.push(s.SnapshotId);
                continue;
            }
            failed.push(`${s.SnapshotId}: ${name ?? "Error"}: ${(err as Error).message}`);
        }
    }
    log("snapshots deleted on destroy", { marker: markerValue, deleted, failed });
    if (failed.length > 0) throw new Error(`could not delete ${failed.length} of ${snapshots.length} snapshots: ${failed.join("; ")}`);
    return { action, deleted };
}
