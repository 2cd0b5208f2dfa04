// The diagrams the documentation shows, generated from the code: each scenario page's architecture.svg, drawn from
// the scenario's example stack (filled in as the tests deploy it), and the README's overview of what Pulumi.dev.yaml
// deploys. `npm run docs` writes them; `npm test` fails when a committed one is stale.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ROOT, runStack } from "../engine/evaluate";
import { SCENARIO_KEYS } from "../scenarios";
import { runExample } from "../engine/examples";
import { architectureOf } from ".";
import { Architecture, DiagramEdge, DiagramNode } from "./model";
import { toSvg } from "./render";

/** Where each scenario page's diagram lives, beside its README. */
export const scenarioDiagram = (key: string) => `scenarios/${key}/architecture.svg`;
/** The README's overview of the dev stack. */
export const OVERVIEW = "docs/architecture-dev.svg";
export const OVERVIEW_STACK = "dev";

/**
 * The dev stack at a glance: each scenario one node saying what it holds, the AWS services around them, and the
 * flows between the two.
 */
export function overview(a: Architecture): Architecture {
    const groups = new Map(a.groups.map((g) => [g.id, g]));
    const componentOf = (n: DiagramNode): string | undefined => {
        let g = n.group;
        while (g && groups.get(g)?.parent) g = groups.get(g)!.parent;
        return g;
    };
    const collapsed = new Map<string, string>();
    const nodes = new Map<string, DiagramNode>();
    for (const n of a.nodes) {
        const c = componentOf(n);
        if (!c) {
            collapsed.set(n.id, n.id);
            nodes.set(n.id, n);
            continue;
        }
        collapsed.set(n.id, c);
        const members = a.nodes.filter((m) => componentOf(m) === c);
        if (nodes.has(c)) continue;
        const kinds = new Map<string, number>();
        for (const m of members) kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + (m.kind === "CloudWatch alarms" ? Number(/^\d+/.exec(m.label)?.[0] ?? 1) : 1));
        const group = groups.get(c)!;
        const key = /\(([^)]+)\)$/.exec(group.label)?.[1];
        nodes.set(c, {
            id: c,
            name: group.label,
            label: key ?? group.label,
            kind: group.label.split(" ")[0],
            category: "delivery",
            external: false,
            urns: members.flatMap((m) => m.urns),
            details: [[...kinds].sort(([x], [y]) => x.localeCompare(y)).map(([k, count]) => `${count} ${count > 1 && !k.endsWith("s") ? `${k}s` : k}`).join(", ")],
        });
    }
    const edges = new Map<string, DiagramEdge>();
    for (const e of a.edges) {
        const from = collapsed.get(e.from)!;
        const to = collapsed.get(e.to)!;
        if (from === to) continue;
        const id = `${from}->${to}`;
        const old = edges.get(id);
        const labels = [...new Set([...(old ? old.label.split("\n") : []), ...e.label.split("\n")])];
        const shown = labels.length > 3 ? [...labels.slice(0, 2), `+${labels.length - 2} more`] : labels;
        edges.set(id, { ...e, id, from, to, label: shown.join("\n"), requests: [...(old?.requests ?? []), ...e.requests] });
    }
    return { ...a, groups: [], nodes: [...nodes.values()].sort((x, y) => x.id.localeCompare(y.id)), edges: [...edges.values()].sort((x, y) => x.id.localeCompare(y.id)), placements: [] };
}

/** What each generated diagram holds, by path relative to the repository. */
export async function expectedDiagrams(): Promise<Map<string, string>> {
    const files = new Map<string, string>();
    for (const key of [...SCENARIO_KEYS].sort()) files.set(scenarioDiagram(key), await toSvg(await architectureOf(await runExample(key), key)));
    files.set(OVERVIEW, await toSvg(overview(await architectureOf(await runStack(OVERVIEW_STACK)))));
    return files;
}

/**
 * The diagrams as one generator among the repository's generated files: `files` it owns, `generate()` writes the
 * stale ones (returning them), `check()` names each stale one and the command that fixes it.
 */
export const diagramGenerator = {
    name: "architecture diagrams",
    files: [...[...SCENARIO_KEYS].sort().map(scenarioDiagram), OVERVIEW],
    async generate(root = ROOT): Promise<string[]> {
        const written: string[] = [];
        for (const [rel, svg] of await expectedDiagrams()) {
            const file = path.join(root, rel);
            if (existsSync(file) && readFileSync(file, "utf8") === svg) continue;
            writeFileSync(file, svg);
            written.push(rel);
        }
        return written;
    },
    async check(root = ROOT): Promise<string[]> {
        const problems: string[] = [];
        for (const [rel, svg] of await expectedDiagrams()) {
            const file = path.join(root, rel);
            if (!existsSync(file)) problems.push(`${rel}: missing; run npm run docs`);
            else if (readFileSync(file, "utf8") !== svg) problems.push(`${rel}: differs from what the code draws; run npm run docs`);
        }
        return problems;
    },
};
