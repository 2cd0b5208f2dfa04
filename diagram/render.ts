// Renders an architecture as Graphviz DOT, as SVG (Graphviz compiled to WebAssembly, so no native binary and the same
// bytes on every machine) and as Mermaid (which GitHub renders in comments and Markdown).
import type { Architecture, DiagramEdge, DiagramGroup, DiagramNode, Flow } from "./model";
import type { Category } from "./kinds";

/** Marks of the pull-request diagram. */
export type Change = "added" | "changed" | "replaced" | "deleted";

export interface RenderOptions {
    readonly title?: string;
    /** Change of each node, by node id (the pull-request diagram). */
    readonly changes?: ReadonlyMap<string, Change>;
}

const FILL: Readonly<Record<Category, string>> = {
    compute: "#fdebd3",
    integration: "#f9dde9",
    storage: "#ddf0dc",
    security: "#fbe3e1",
    network: "#e3e9fb",
    monitoring: "#efe4f7",
    delivery: "#e0f2f4",
    external: "#ffffff",
};
const BORDER: Readonly<Record<Category, string>> = {
    compute: "#d97a05",
    integration: "#c2306d",
    storage: "#3c8a2e",
    security: "#c7362b",
    network: "#4566c4",
    monitoring: "#7d4bb3",
    delivery: "#1f8a96",
    external: "#6b6b6b",
};
const EDGE_COLOR: Readonly<Record<Flow, string>> = {
    traffic: "#2b55c9",
    invoke: "#d97a05",
    event: "#c2306d",
    message: "#c2306d",
    data: "#3c8a2e",
    control: "#444444",
    logs: "#8a8a8a",
    encrypt: "#c7362b",
};
const GROUP_STYLE: Readonly<Record<DiagramGroup["kind"], string>> = {
    component: 'style="rounded" color="#232f3e" penwidth=1.4 fontsize=13',
    region: 'style="rounded,dashed" color="#147eba" fontsize=12',
    vpc: 'style="rounded" color="#3c8a2e" penwidth=1.2 fontsize=12',
    tier: 'style="rounded,filled" color="#b9d7b4" fillcolor="#f4faf3" fontsize=11',
};
const CHANGE_COLOR: Readonly<Record<Change, string>> = { added: "#1a7f37", changed: "#bf8700", replaced: "#cf222e", deleted: "#cf222e" };

const FONT = "Helvetica,Arial,sans-serif";

const esc = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const quote = (text: string) => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/** Long names wrap at dashes so a node stays narrow. */
export function wrap(text: string, width = 24): string[] {
    if (text.length <= width) return [text];
    const parts = text.split(/(?<=[-_./ ])/);
    const lines: string[] = [];
    let line = "";
    for (const part of parts) {
        if (line && (line + part).length > width) {
            lines.push(line);
            line = part;
        } else line += part;
    }
    if (line) lines.push(line);
    return lines;
}

function nodeLabel(n: DiagramNode, change?: Change): string {
    const rows = [
        ...wrap(n.label).map((l) => `<b>${esc(l)}</b>`),
        ...(n.kind ? wrap(n.kind, 30) : []).map((l) => `<font point-size="10" color="#444444">${esc(l)}</font>`),
        ...n.details.flatMap((d) => wrap(d, 40)).map((d) => `<font point-size="9" color="#555555">${esc(d)}</font>`),
    ];
    if (change) rows.unshift(`<font point-size="9" color="${CHANGE_COLOR[change]}"><b>${change.toUpperCase()}</b></font>`);
    return `<${rows.join("<br/>")}>`;
}

function edgeLabelLines(label: string): string {
    return label
        .split("\n")
        .flatMap((l) => wrap(l, 28))
        .join("\n");
}

function nodeStatement(n: DiagramNode, change?: Change): string {
    const style = n.external ? 'style="rounded,dashed"' : 'style="rounded,filled"';
    const color = change ? CHANGE_COLOR[change] : BORDER[n.category];
    const pen = change ? 2.4 : 1.1;
    const dashed = change === "deleted" ? 'style="rounded,dashed,filled"' : style;
    return `${quote(n.id)} [label=${nodeLabel(n, change)} ${dashed} fillcolor="${FILL[n.category]}" color="${color}" penwidth=${pen}];`;
}

function edgeStatement(e: DiagramEdge): string {
    const style = e.unresolved ? "dashed" : e.flow === "encrypt" || e.flow === "logs" ? "dotted" : "solid";
    const pen = e.flow === "traffic" ? 1.8 : 1.1;
    return `${quote(e.from)} -> ${quote(e.to)} [label=${quote(edgeLabelLines(e.label))} color="${EDGE_COLOR[e.flow]}" fontcolor="#333333" style=${style} penwidth=${pen}];`;
}

/** Graphviz DOT of an architecture, deterministic (nodes, groups and edges in id order). */
export function toDot(a: Architecture, options: RenderOptions = {}, rankdir: "LR" | "TB" = "LR"): string {
    const lines = [
        "digraph architecture {",
        `  graph [rankdir=${rankdir} fontname=${quote(FONT)} fontsize=12 nodesep=0.35 ranksep=0.6 pad=0.2 newrank=true compound=true${options.title ? ` label=${quote(options.title)} labelloc=t fontsize=16` : ""}];`,
        `  node [shape=box fontname=${quote(FONT)} fontsize=11 margin="0.2,0.07"];`,
        `  edge [fontname=${quote(FONT)} fontsize=9 arrowsize=0.7];`,
    ];
    const children = new Map<string | undefined, DiagramGroup[]>();
    for (const g of a.groups) children.set(g.parent, [...(children.get(g.parent) ?? []), g]);
    const nodesIn = new Map<string | undefined, DiagramNode[]>();
    for (const n of a.nodes) nodesIn.set(n.group, [...(nodesIn.get(n.group) ?? []), n]);
    const emit = (group: string | undefined, indent: string) => {
        for (const n of nodesIn.get(group) ?? []) lines.push(`${indent}${nodeStatement(n, options.changes?.get(n.id))}`);
        for (const g of (children.get(group) ?? []).sort((x, y) => x.id.localeCompare(y.id))) {
            lines.push(`${indent}subgraph ${quote(`cluster_${g.id}`)} {`);
            // Two spaces of slack: browsers' fonts run a little wider than Graphviz's estimate of them.
            lines.push(`${indent}  label=${quote(`${g.label}  `)} labeljust=l ${GROUP_STYLE[g.kind]};`);
            emit(g.id, `${indent}  `);
            lines.push(`${indent}}`);
        }
    };
    emit(undefined, "  ");
    for (const e of a.edges) lines.push(`  ${edgeStatement(e)}`);
    lines.push("}");
    return `${lines.join("\n")}\n`;
}

let graphviz: Promise<{ dot(source: string, format?: "svg"): string; unflatten(source: string, maxMinlen?: number, fans?: boolean, chainLimit?: number): string }> | undefined;

function loadGraphviz() {
    // The package is an ES module; a dynamic import loads it from this CommonJS project.
    graphviz ??= import("@hpcc-js/wasm-graphviz").then((m) => m.Graphviz.load());
    return graphviz;
}

/** Width and height of an SVG Graphviz wrote, in points. */
export function svgSize(svg: string): { width: number; height: number } {
    const m = /<svg width="([\d.]+)pt" height="([\d.]+)pt"/.exec(svg);
    if (!m) throw new Error("not an SVG Graphviz wrote");
    return { width: Number(m[1]), height: Number(m[2]) };
}

/** The widest diagram a page shows at full size: GitHub's Markdown column is about 880 pixels. */
export const PAGE_WIDTH_PT = 900;

/**
 * SVG of an architecture. It is laid out left to right, as data flows; a diagram that would be wider than a page is
 * laid out top to bottom instead when that is narrower. The output carries no comments with versions or titles, so
 * the same architecture gives the same bytes.
 */
export async function toSvg(a: Architecture, options: RenderOptions = {}): Promise<string> {
    const gv = await loadGraphviz();
    const layouts = [
        () => gv.dot(toDot(a, options, "LR")),
        () => gv.dot(toDot(a, options, "TB")),
        // unflatten staggers the leaves of a wide rank over a few ranks (https://graphviz.org/docs/cli/unflatten/).
        () => gv.dot(gv.unflatten(toDot(a, options, "TB"), 3, true, 3)),
        () => gv.dot(gv.unflatten(toDot(a, options, "LR"), 3, true, 3)),
    ];
    let narrowest: string | undefined;
    for (const layout of layouts) {
        const svg = layout();
        if (svgSize(svg).width <= PAGE_WIDTH_PT) return tidySvg(svg);
        if (!narrowest || svgSize(svg).width < svgSize(narrowest).width) narrowest = svg;
    }
    return tidySvg(narrowest!);
}

/** Graphviz's SVG without the version comment and the per-element comments, with a final newline. */
export function tidySvg(svg: string): string {
    return `${svg
        .replace(/<!-- Generated by graphviz[\s\S]*?-->\n/, "")
        .replace(/<!--[^>]*-->\n/g, "")
        .trimEnd()}\n`;
}

// ---- Mermaid ----------------------------------------------------------------------------------------------

const mq = (text: string) => text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");

/** Mermaid flowchart of an architecture; `changes` marks nodes with a class per kind of change. */
export function toMermaid(a: Architecture, options: RenderOptions = {}): string {
    const lines = ["flowchart LR"];
    const children = new Map<string | undefined, DiagramGroup[]>();
    for (const g of a.groups) children.set(g.parent, [...(children.get(g.parent) ?? []), g]);
    const nodesIn = new Map<string | undefined, DiagramNode[]>();
    for (const n of a.nodes) nodesIn.set(n.group, [...(nodesIn.get(n.group) ?? []), n]);
    const emit = (group: string | undefined, indent: string) => {
        for (const n of nodesIn.get(group) ?? []) {
            const change = options.changes?.get(n.id);
            const name = mq(change ? `${change.toUpperCase()}: ${n.label}` : n.label);
            const label = n.kind ? `${name}<br/><small>${mq(n.kind)}</small>` : name;
            lines.push(`${indent}${n.id}${n.external ? `(["${label}"])` : `["${label}"]`}`);
        }
        for (const g of (children.get(group) ?? []).sort((x, y) => x.id.localeCompare(y.id))) {
            lines.push(`${indent}subgraph ${g.id}["${mq(g.label)}"]`);
            emit(g.id, `${indent}  `);
            lines.push(`${indent}end`);
        }
    };
    emit(undefined, "  ");
    for (const e of a.edges) {
        const arrow = e.unresolved || e.flow === "encrypt" || e.flow === "logs" ? "-.->" : e.flow === "traffic" ? "==>" : "-->";
        const label = e.label.split("\n").map(mq).join("<br/>");
        lines.push(`  ${e.from} ${arrow}|"${label}"| ${e.to}`);
    }
    if (options.changes && options.changes.size > 0) {
        lines.push(
            "  classDef added stroke:#1a7f37,stroke-width:3px,fill:#dafbe1",
            "  classDef changed stroke:#bf8700,stroke-width:3px,fill:#fff8c5",
            "  classDef replaced stroke:#cf222e,stroke-width:3px,fill:#ffebe9",
            "  classDef deleted stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 5,fill:#f6f8fa",
        );
        const byChange = new Map<Change, string[]>();
        for (const [id, change] of [...options.changes].sort(([x], [y]) => x.localeCompare(y))) byChange.set(change, [...(byChange.get(change) ?? []), id]);
        for (const [change, ids] of byChange) lines.push(`  class ${ids.join(",")} ${change}`);
    }
    return `${lines.join("\n")}\n`;
}
