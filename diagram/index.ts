// The architecture diagram of a stack's evaluation: the requests the authorization checks enumerate (service wires,
// handler calls, instance calls) drawn over the resources the program registered.
import type { ProgramRun, RecordedResource } from "../engine/evaluate";
import { enumerateHandlerCalls } from "../checks/authz/handlerCalls";
import { enumerateInstanceCalls } from "../checks/authz/instanceCalls";
import { AuthzRequest, enumerateWires } from "../checks/authz/wires";
import { componentCounts } from "../tools/preview";
import { SCENARIO_KEYS } from "../scenarios";
import { Architecture, buildArchitecture, DiagramGroup } from "./model";

export type { Architecture } from "./model";

const enumerated = new WeakMap<readonly RecordedResource[], Promise<AuthzRequest[]>>();

/**
 * Every request of a stack the authorization checks judge: what AWS services do to its resources, the calls its
 * handlers make and the calls of its instance roles (checks/authz/report.ts judges the same list). Once per run.
 */
export function stackRequests(resources: readonly RecordedResource[]): Promise<AuthzRequest[]> {
    if (!enumerated.has(resources)) {
        enumerated.set(
            resources,
            (async () => {
                const handlers = await enumerateHandlerCalls(resources);
                if (handlers.problems.length > 0) throw new Error(`handler calls cannot be enumerated:\n${handlers.problems.join("\n")}`);
                return [...enumerateWires(resources), ...handlers.requests, ...enumerateInstanceCalls(resources).requests];
            })(),
        );
    }
    return enumerated.get(resources)!;
}

/** The architecture of an evaluated stack; with `scenario`, that scenario's component and what it talks to. */
export async function architectureOf(run: ProgramRun, scenario?: string): Promise<Architecture> {
    const components = componentCounts(run.resources, SCENARIO_KEYS);
    const scenarioOf = new Map(components.filter((c) => c.scenario).map((c) => [c.urn, c.scenario!]));
    const whole = buildArchitecture(run.resources, await stackRequests(run.resources), { scenarioOf });
    if (scenario === undefined) return whole;
    const component = components.find((c) => c.scenario === scenario);
    if (!component) throw new Error(`stack ${run.stack} builds no component of scenario ${scenario}`);
    return focus(whole, whole.componentOf.get(component.urn)!);
}

/** One component's part of an architecture: its groups and nodes, and the nodes outside it that its edges reach. */
export function focus(a: Architecture, componentGroup: string): Architecture {
    const groups = new Map(a.groups.map((g) => [g.id, g]));
    const inside = (g: string | undefined): boolean => g !== undefined && (g === componentGroup || inside(groups.get(g)?.parent));
    const kept = new Set(a.nodes.filter((n) => inside(n.group)).map((n) => n.id));
    const edges = a.edges.filter((e) => kept.has(e.from) || kept.has(e.to));
    const neighbours = new Set(edges.flatMap((e) => [e.from, e.to]).filter((id) => !kept.has(id)));
    return {
        ...a,
        groups: a.groups.filter((g: DiagramGroup) => inside(g.id)),
        // A neighbour in another component is drawn outside, as context.
        nodes: a.nodes.filter((n) => kept.has(n.id) || neighbours.has(n.id)).map((n) => (kept.has(n.id) ? n : { ...n, group: undefined })),
        edges,
        placements: a.placements.filter((p) => (p.edge ? edges.some((e) => e.id === p.edge) : kept.has(p.inside!))),
    };
}
