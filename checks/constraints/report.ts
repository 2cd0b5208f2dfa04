// How the constraints layer's results read: findings naming resource, input, value, rule and source, and the
// coverage table (per resource type, how many of its inputs a constraint of AWS's data, a hand rule, their type
// alone or nothing checks, and how many the provider keeps to itself).
import type { Coverage, Finding, StackCheck } from "./check";
import { schemasVersion } from "./schemas";

function shown(value: unknown): string {
    const text = value === undefined ? "(unset)" : (JSON.stringify(value) ?? String(value));
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** One finding as a line: who, which input, which value, what AWS requires, where that is written. */
export function describeFinding(f: Finding): string {
    const named = f.autoNamed ? " (the name pulumi-aws generates)" : "";
    return `${f.urn}: ${f.path || "(resource)"} = ${shown(f.value)}${named}: ${f.rule} [${f.source}]`;
}

export function renderFindings(findings: readonly Finding[]): string {
    if (findings.length === 0) return "no input breaks a constraint AWS documents";
    return findings.map(describeFinding).join("\n");
}

export interface CoverageRow {
    readonly type: string;
    readonly inputs: number;
    readonly data: number;
    readonly hand: number;
    readonly typeOnly: number;
    readonly none: number;
    readonly provider: number;
}

/** Merges the coverage of several stacks: an input counts by the strongest check it had in any of them. */
export function mergeCoverage(checks: readonly StackCheck[]): Map<string, Map<string, Coverage>> {
    const rank: Record<Coverage, number> = { none: 0, provider: 1, type: 2, hand: 3, data: 4 };
    const merged = new Map<string, Map<string, Coverage>>();
    for (const check of checks) {
        for (const [type, paths] of check.coverage) {
            const into = merged.get(type) ?? new Map<string, Coverage>();
            merged.set(type, into);
            for (const [path, c] of paths) {
                const before = into.get(path);
                if (before === undefined || rank[c] > rank[before]) into.set(path, c);
            }
        }
    }
    return merged;
}

export function coverageRows(coverage: ReadonlyMap<string, ReadonlyMap<string, Coverage>>): CoverageRow[] {
    return [...coverage]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, paths]) => {
            const count = (c: Coverage) => [...paths.values()].filter((v) => v === c).length;
            return { type, inputs: paths.size, data: count("data"), hand: count("hand"), typeOnly: count("type"), none: count("none"), provider: count("provider") };
        });
}

/** The coverage table, with totals and the inputs nothing checks. */
export function renderCoverage(coverage: ReadonlyMap<string, ReadonlyMap<string, Coverage>>): string {
    const rows = coverageRows(coverage);
    const header = ["type", "inputs", "data", "hand rule", "type only", "nothing", "provider only"];
    const body = rows.map((r) => [r.type, r.inputs, r.data, r.hand, r.typeOnly, r.none, r.provider].map(String));
    const sum = (k: keyof CoverageRow) => String(rows.reduce((n, r) => n + (r[k] as number), 0));
    body.push(["total", sum("inputs"), sum("data"), sum("hand"), sum("typeOnly"), sum("none"), sum("provider")]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
    const unchecked = [...coverage].flatMap(([type, paths]) => [...paths].filter(([, c]) => c === "none").map(([p]) => `  ${type} ${p}`));
    return [
        `Inputs by how they are checked (data: a constraint in ${schemasVersion()} or an AWS SDK model enum; hand rule: checks/constraints/rules.ts;`,
        "type only: AWS's schema gives the property no constraint beyond its type; provider only: never sent to AWS)",
        "",
        line(header),
        ...body.map(line),
        ...(unchecked.length > 0 ? ["", "Inputs nothing checks:", ...unchecked.sort()] : []),
    ].join("\n");
}
