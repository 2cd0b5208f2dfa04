// Runs the authorization simulation over a stack's recorded resources and renders the results for people.
import type { RecordedResource } from "../../engine/mocks";
import { AuthzResult, simulateAll } from "./simulate";
import { enumerateHandlerCalls } from "./handlerCalls";
import { enumerateInstanceCalls } from "./instanceCalls";
import { enumerateWires, StackIndex } from "./wires";

/**
 * Every request of a stack: what AWS services do to its resources, every call its handlers make, then the known calls
 * of its instance roles. `unexercised` lists the component functions (type/role) no scenario's handlerRuns runs and the
 * instance profiles INSTANCE_CALLS does not know, so their calls are not judged.
 */
export async function authorizeStack(resources: readonly RecordedResource[]): Promise<AuthzResult[] & { unexercised?: string[] }> {
    const { requests, problems, unexercised } = await enumerateHandlerCalls(resources);
    if (problems.length > 0) throw new Error(`handler calls cannot be judged:\n${problems.join("\n")}`);
    const instances = enumerateInstanceCalls(resources);
    const results: AuthzResult[] & { unexercised?: string[] } = await simulateAll(
        [...enumerateWires(resources), ...requests, ...instances.requests],
        new StackIndex(resources).account,
    );
    results.unexercised = [...unexercised, ...instances.unexercised];
    return results;
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
    const unexercised = (results as { unexercised?: string[] }).unexercised ?? [];
    if (unexercised.length > 0) lines.push(`NOT RUN    handlers and instance roles whose calls are not exercised: ${unexercised.join(", ")}`);
    lines.push(`${results.length} requests: ${count("allowed")} allowed, ${count("denied")} denied, ${count("error")} errors, ${count("unresolved")} resolved only at run time`);
    return lines.join("\n");
}
