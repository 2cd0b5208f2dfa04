// The pull-request diagram: what a change adds, changes, replaces and deletes, drawn as Mermaid (GitHub renders it in
// comments) over the branch's architecture, with each touched node's neighbours for context. A change touching many
// nodes is summarised per component instead of drawn.
import type { ProgramRun } from "../engine/evaluate";
import { REPLACEMENTS } from "../checks/account/replacements";
import type { PlanDiff, ResourceRef } from "../tools/planDiff";
import { architectureOf } from ".";
import { NODE_TYPES } from "./kinds";
import type { Architecture, DiagramNode } from "./model";
import { Change, toMermaid } from "./render";

/** Above this many touched nodes the change is summarised per component. */
export const MAX_DRAWN = 25;

const RANK: readonly Change[] = ["replaced", "deleted", "added", "changed"];
const key = (type: string, name: string) => `${type}::${name}`;

/** Whether changing these inputs replaces a resource of the type (checks/account/replacements.ts). */
function replaces(type: string, paths: readonly string[]): boolean {
    const row = REPLACEMENTS[type];
    if (!row) return false;
    return paths.some((p) => row.replaceOn.some((input) => p === input || p.startsWith(`${input}.`) || p.startsWith(`${input}[`)));
}

/** Markdown (a heading and a Mermaid block, or a table) of one stack's change; empty when nothing changed. */
export async function changeDiagram(diff: PlanDiff, run: ProgramRun): Promise<string> {
    if (diff.added.length + diff.changed.length + diff.removed.length === 0) return "";
    const a = await architectureOf(run);
    // Plans carry the engine's URNs, the evaluation the mocks'; type and name identify a resource in both.
    const urnOf = new Map(run.resources.map((r) => [key(r.type, r.name), r.urn]));
    const marks = new Map<string, Change>();
    const mark = (node: string | undefined, change: Change) => {
        if (!node) return;
        const old = marks.get(node);
        if (!old || RANK.indexOf(change) < RANK.indexOf(old)) marks.set(node, change);
    };
    const nodeOfRef = (r: ResourceRef) => a.nodeOf.get(urnOf.get(key(r.type, r.name)) ?? "");
    const isOwn = (r: ResourceRef, node: string | undefined) => node !== undefined && a.nodes.find((n) => n.id === node)?.urns[0] === urnOf.get(key(r.type, r.name));
    const untraced: ResourceRef[] = [];
    for (const r of diff.added) {
        const node = nodeOfRef(r);
        if (node) mark(node, isOwn(r, node) ? "added" : "changed");
        else untraced.push(r);
    }
    for (const r of diff.changed) {
        const node = nodeOfRef(r);
        if (!node) untraced.push(r);
        else if (isOwn(r, node) && replaces(r.type, r.changes.map((c) => c.path))) mark(node, "replaced");
        else mark(node, "changed");
    }
    // A deleted resource is gone from the branch's architecture: a node it was is drawn again, marked, in its component.
    const deleted: DiagramNode[] = [];
    for (const r of diff.removed) {
        if (!NODE_TYPES[r.type]) {
            untraced.push(r);
            continue;
        }
        const id = `deleted_${r.type.split(":").pop()}_${r.name}`.replace(/[^A-Za-z0-9_]/g, "_");
        const component = r.parent ? a.groups.find((g) => g.kind === "component" && g.id === `c_${r.parent!.slice(r.parent!.lastIndexOf("::") + 2)}`.replace(/[^A-Za-z0-9_]/g, "_")) : undefined;
        deleted.push({ id, name: r.name, label: r.name, kind: NODE_TYPES[r.type].kind, category: NODE_TYPES[r.type].category, group: component?.id, external: false, urns: [], details: [] });
        mark(id, "deleted");
    }
    const lines = [`#### Diagram of the change to \`${diff.stack}\``, ""];
    if (marks.size > MAX_DRAWN) {
        lines.push(`${marks.size} nodes change, too many to draw; per component:`, "", "| Component | Added | Changed | Replaced | Deleted |", "|---|---:|---:|---:|---:|");
        const groups = new Map(a.groups.map((g) => [g.id, g]));
        const top = (g: string | undefined): string | undefined => (g && groups.get(g)?.parent ? top(groups.get(g)!.parent) : g);
        const all = [...a.nodes, ...deleted];
        const rows = new Map<string, Record<Change, number>>();
        for (const [id, change] of marks) {
            const g = top(all.find((n) => n.id === id)?.group);
            const label = g ? groups.get(g)!.label : "outside the components";
            const row = rows.get(label) ?? { added: 0, changed: 0, replaced: 0, deleted: 0 };
            row[change]++;
            rows.set(label, row);
        }
        for (const [label, r] of [...rows].sort(([x], [y]) => x.localeCompare(y))) lines.push(`| ${label} | ${r.added} | ${r.changed} | ${r.replaced} | ${r.deleted} |`);
        return `${lines.join("\n")}\n`;
    }
    const touched = new Set(marks.keys());
    const edges = a.edges.filter((e) => touched.has(e.from) || touched.has(e.to));
    const shown = new Set([...touched, ...edges.flatMap((e) => [e.from, e.to])]);
    const nodes = [...a.nodes, ...deleted].filter((n) => shown.has(n.id));
    const groups = new Map(a.groups.map((g) => [g.id, g]));
    const usedGroups = new Set<string>();
    for (const n of nodes) for (let g = n.group; g; g = groups.get(g)?.parent) usedGroups.add(g);
    const part: Architecture = { ...a, nodes, edges, groups: a.groups.filter((g) => usedGroups.has(g.id)) };
    if (marks.size > 0) lines.push("```mermaid", toMermaid(part, { changes: marks }).trimEnd(), "```", "");
    if (untraced.length > 0) lines.push(`Not drawn (plumbing outside any node): ${untraced.map((r) => `\`${r.name}\``).join(", ")}.`, "");
    return `${lines.join("\n")}\n`;
}
