// Runs the authorization simulation over a stack's recorded resources and renders the results for people.
import type { RecordedResource } from "../mocks";
import { AuthzResult, simulateAll } from "./simulate";
import { enumerateWires, StackIndex } from "./wires";

export async function authorizeStack(resources: readonly RecordedResource[]): Promise<AuthzResult[]> {
    return simulateAll(enumerateWires(resources), new StackIndex(resources).account);
}

/** Whether a stack's simulation holds: no request denied and none modelled wrongly. */
export const failures = (results: readonly AuthzResult[]) => results.filter((r) => r.decision === "denied" || r.decision === "error");

export function renderResults(results: readonly AuthzResult[], verbose = false): string {
    const lines: string[] = [];
    for (const r of results) {
        const q = r.request;
        const head = `${r.decision.toUpperCase().padEnd(10)} ${q.description}`;
        lines.push(head);
        if (r.decision !== "allowed" || verbose) {
            lines.push(`           ${q.principal} ${q.action} ${q.resource}`);
            for (const reason of r.reasons) lines.push(`           - ${reason}`);
        }
    }
    const count = (d: string) => results.filter((r) => r.decision === d).length;
    lines.push(`${results.length} requests: ${count("allowed")} allowed, ${count("denied")} denied, ${count("error")} errors, ${count("unresolved")} resolved only at run time`);
    return lines.join("\n");
}
