// Security controls matrix, generated from the program itself: each CJIS Security Policy 5.6 area and NIST
// SP 800-53 control -> the policy rules that check it -> the resources of a stack that satisfy, acknowledge
// or violate each rule. The reports in controls/ are committed; a test fails when they drift from the code.
// Usage: npm run controls -- -s prod   (no --stack: every committed stack; npm run controls -- --help)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { evaluate, Finding, rules } from "../policy/rules";
import type { RecordedResource } from "../engine/mocks";
import { defineCommand, Io, main, STACK_OPTION, stackName, Values } from "./cli";
import { subjectsOf } from "./policyCheck";

export const CONTROLS_DIR = path.resolve(__dirname, "..", "controls");
export const STACKS = ["dev", "prod"];

/** NIST SP 800-53 Rev. 5 control titles for the controls the rules map to. */
export const NIST_TITLES: Record<string, string> = {
    "AC-3": "Access Enforcement",
    "AC-4": "Information Flow Enforcement",
    "AC-6": "Least Privilege",
    "AU-2": "Event Logging",
    "AU-9": "Protection of Audit Information",
    "AU-11": "Audit Record Retention",
    "AU-12": "Audit Record Generation",
    "CA-6": "Authorization",
    "CM-6": "Configuration Settings",
    "CM-8": "System Component Inventory",
    "CP-9": "System Backup",
    "IA-9": "Service Identification and Authentication",
    "SA-9": "External System Services",
    "SC-7": "Boundary Protection",
    "SC-8": "Transmission Confidentiality and Integrity",
    "SC-12": "Cryptographic Key Establishment and Management",
    "SC-13": "Cryptographic Protection",
    "SC-28": "Protection of Information at Rest",
    "SI-2": "Flaw Remediation",
};

export interface ControlRow {
    readonly cjis: string;
    readonly nist: string;
    readonly rule: string;
    readonly severity: string;
    readonly enforcement: string;
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** `reported`: a finding of an advisory rule; `not exercised`: the stack has no resource the rule inspects. */
    readonly status: "satisfied" | "acknowledged" | "violated" | "reported" | "not exercised";
    readonly note: string;
}

/** One row per control, rule and inspected resource, sorted. */
export function controlRows(resources: readonly RecordedResource[]): ControlRow[] {
    const subjects = subjectsOf(resources);
    const findings = evaluate(subjects);
    const rows: ControlRow[] = [];
    for (const rule of rules) {
        const inspected = subjects.filter((s) => rule.appliesTo(s.type));
        if (inspected.length === 0) {
            for (const { cjis, nist: controls } of rule.controls) {
                for (const nist of controls) {
                    rows.push({ cjis, nist, rule: rule.name, severity: rule.severity, enforcement: rule.enforcementLevel, type: "", name: "", urn: "", status: "not exercised", note: "" });
                }
            }
        }
        for (const subject of inspected) {
            const mine: Finding[] = findings.filter((f) => f.rule === rule.name && f.urn === subject.urn);
            const open = mine.filter((f) => !f.acknowledged);
            const status = mine.length === 0 ? "satisfied" : open.length === 0 ? "acknowledged" : rule.enforcementLevel === "advisory" ? "reported" : "violated";
            const note =
                status === "satisfied"
                    ? ""
                    : status === "acknowledged"
                      ? `acknowledged: ${mine[0].acknowledged}; ${mine.map((f) => f.message).join("; ")}`
                      : open.map((f) => f.message).join("; ");
            for (const { cjis, nist: controls } of rule.controls) {
                for (const nist of controls) {
                    rows.push({ cjis, nist, rule: rule.name, severity: rule.severity, enforcement: rule.enforcementLevel, type: subject.type, name: subject.name, urn: subject.urn, status, note });
                }
            }
        }
    }
    // CJIS areas and NIST controls in numeric order (5.4 before 5.10, AU-2 before AU-11).
    const area = (c: string) => c.split(" ")[0].split(".").map((n) => n.padStart(3, "0")).join(".");
    const control = (n: string) => n.replace(/\d+/, (d) => d.padStart(3, "0"));
    const key = (r: ControlRow) => [area(r.cjis), control(r.nist), r.rule, r.type, r.name].join("|");
    return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function csvCell(v: string): string {
    return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function renderCsv(rows: readonly ControlRow[]): string {
    const header = ["cjis_area", "nist_control", "nist_title", "rule", "severity", "enforcement", "resource_type", "resource_name", "urn", "status", "note"];
    const lines = rows.map((r) =>
        [r.cjis, r.nist, NIST_TITLES[r.nist] ?? "", r.rule, r.severity, r.enforcement, r.type, r.name, r.urn, r.status, r.note].map(csvCell).join(","),
    );
    return `${[header.join(","), ...lines].join("\n")}\n`;
}

export function renderMarkdown(stack: string, rows: readonly ControlRow[]): string {
    const out: string[] = [
        `# Security controls matrix: stack \`${stack}\``,
        "",
        `Generated by \`npm run controls -- --stack ${stack}\` from the program and the policy rules in \`policy/rules.ts\`; do not edit by hand.`,
        "Each CJIS Security Policy 5.6 area lists the NIST SP 800-53 controls it relies on, the rules that check them, and the",
        "resources of this stack each rule inspected. Controls a stack does not exercise (no resource of the inspected types) show no rows.",
        "",
        "## Summary",
        "",
        "| CJIS area | NIST control | Rules | Satisfied | Acknowledged | Violated | Reported (advisory) |",
        "|---|---|---|---|---|---|---|",
    ];
    const groups = new Map<string, ControlRow[]>();
    for (const r of rows) groups.set(`${r.cjis}\u0000${r.nist}`, [...(groups.get(`${r.cjis}\u0000${r.nist}`) ?? []), r]);
    for (const [k, g] of groups) {
        const [cjis, nist] = k.split("\u0000");
        const count = (s: ControlRow["status"]) => g.filter((r) => r.status === s).length;
        out.push(`| ${cjis} | ${nist} ${NIST_TITLES[nist] ?? ""} | ${[...new Set(g.map((r) => r.rule))].join(", ")} | ${count("satisfied")} | ${count("acknowledged")} | ${count("violated")} | ${count("reported")} |`);
    }
    const unexercised = rows.filter((r) => r.status === "not exercised");
    if (unexercised.length > 0) {
        out.push("", "Rules with no resource to inspect in this stack: " + [...new Set(unexercised.map((r) => r.rule))].join(", ") + ".");
    }
    let currentArea = "";
    for (const [k, g] of groups) {
        const [cjis, nist] = k.split("\u0000");
        if (cjis !== currentArea) {
            out.push("", `## ${cjis}`);
            currentArea = cjis;
        }
        out.push("", `### ${nist} ${NIST_TITLES[nist] ?? ""}`, "");
        const rulesWithout = [...new Set(g.filter((x) => x.status === "not exercised").map((x) => x.rule))];
        if (rulesWithout.length > 0) out.push(`Not exercised in this stack: ${rulesWithout.join(", ")}.`, "");
        if (g.every((x) => x.status === "not exercised")) continue;
        out.push("| Rule | Resource | Type | Status |", "|---|---|---|---|");
        for (const r of g.filter((x) => x.status !== "not exercised")) {
            const status = r.status === "satisfied" ? "satisfied" : `**${r.status}**: ${r.note.replace(/\|/g, "\\|")}`;
            out.push(`| ${r.rule} | ${r.name} | \`${r.type}\` | ${status} |`);
        }
    }
    return `${out.join("\n")}\n`;
}

export const controlsCommand = defineCommand({
    invocation: "npm run controls --",
    summary: "Writes the security controls matrix of each stack to controls/<stack>.md and controls/<stack>.csv.",
    options: {
        stack: { ...STACK_OPTION, multiple: true, description: `stack to write, repeatable (default: ${STACKS.join(", ")})` },
    },
    notes: ["Exit codes: 0 written, 1 configuration or program error, 2 unusable command line."],
});

export async function writeControls(values: Values<typeof controlsCommand.options>, io: Io): Promise<number> {
    const { runProgram } = await import("../engine/evaluate");
    const stacks = values.stack?.length ? values.stack.map((s) => stackName(s)) : STACKS;
    mkdirSync(CONTROLS_DIR, { recursive: true });
    for (const stack of stacks) {
        const run = await runProgram(stack);
        const rows = controlRows(run.resources);
        for (const [file, text] of [[`${stack}.md`, renderMarkdown(stack, rows)], [`${stack}.csv`, renderCsv(rows)]]) {
            const target = path.join(CONTROLS_DIR, file);
            if (existsSync(target) && readFileSync(target, "utf8") === text) continue;
            writeFileSync(target, text);
            io.stdout.write(`wrote controls/${file} (${rows.length} rows)\n`);
        }
    }
    return 0;
}

if (require.main === module) main(controlsCommand, writeControls);
