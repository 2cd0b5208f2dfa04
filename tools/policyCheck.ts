// Runs the CrossGuard policies offline over the resources a stack registers under mocks, calling each
// policy's own validateResource / validateStack exactly as the policy analyzer would.
// Usage: npm run policy -- -s prod   (exits 1 on any mandatory violation; npm run policy -- --help)
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies, StackSubject } from "../policy/rules";
import type { RecordedResource } from "../engine/mocks";
import { defineCommand, Io, main, STACK_OPTION, stackName, Values } from "./cli";

export const policyCommand = defineCommand({
    invocation: "npm run policy --",
    summary: "Runs the CrossGuard policy pack offline over the resources a stack registers under the mocks and prints the findings as Markdown.",
    options: {
        stack: { ...STACK_OPTION, description: "stack to check, configured by Pulumi.<name>.yaml (default: dev)" },
    },
    notes: ["Exit codes: 0 no mandatory violation, 1 a mandatory violation or a configuration or program error, 2 unusable command line."],
});

const SECRET_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Replaces Pulumi secret wrappers by their values (policies see plain values). */
export function unwrapSecrets(value: any): any {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
        if (value[SECRET_KEY] === SECRET_SIG) return unwrapSecrets(value.value);
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

export interface Violation {
    readonly policy: string;
    readonly enforcementLevel: string;
    readonly urn: string;
    readonly message: string;
}

type Policy = ResourceValidationPolicy | StackValidationPolicy;

class NotApplicable extends Error {}

function configOf(policy: Policy, overrides: Record<string, Record<string, unknown>>): any {
    const defaults = Object.fromEntries(
        Object.entries(policy.configSchema?.properties ?? {}).map(([k, schema]) => [k, (schema as { default?: unknown }).default]),
    );
    return { ...defaults, ...(overrides[policy.name] ?? {}) };
}

function options(r: RecordedResource) {
    return {
        protect: r.protect,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        retainOnDelete: r.retainOnDelete,
    } as any;
}

/** Stack subjects (inputs as props, with property dependencies) for direct rule evaluation. */
export function subjectsOf(resources: readonly RecordedResource[]): StackSubject[] {
    const byUrn = new Map<string, Omit<StackSubject, "propertyDependencies"> & { propertyDependencies: Record<string, StackSubject[]> }>();
    for (const r of resources) byUrn.set(r.urn, { type: r.type, name: r.name, urn: r.urn, props: unwrapSecrets(r.inputs), propertyDependencies: {} });
    for (const r of resources) {
        const s = byUrn.get(r.urn)!;
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
            s.propertyDependencies[k] = urns.map((u) => byUrn.get(u)).filter((d) => d !== undefined) as StackSubject[];
        }
    }
    return [...byUrn.values()];
}

function policyResources(resources: readonly RecordedResource[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    for (const r of resources) {
        byUrn.set(r.urn, {
            type: r.type,
            name: r.name,
            urn: r.urn,
            props: unwrapSecrets({ ...r.inputs, ...r.outputs }),
            opts: options(r),
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        } as unknown as PolicyResource);
    }
    for (const r of resources) {
        const p = byUrn.get(r.urn)! as any;
        p.parent = r.parentUrn ? byUrn.get(r.parentUrn) : undefined;
        p.dependencies = r.dependencies.map((u) => byUrn.get(u)).filter(Boolean);
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) p.propertyDependencies[k] = urns.map((u) => byUrn.get(u)).filter(Boolean);
    }
    return [...byUrn.values()];
}

/** Runs every policy of the pack over the recorded resources. */
export async function runPolicies(
    resources: readonly RecordedResource[],
    config: Record<string, Record<string, unknown>> = {},
    pack: readonly Policy[] = policies,
): Promise<Violation[]> {
    const violations: Violation[] = [];
    const notApplicable = (reason?: string): never => {
        throw new NotApplicable(reason);
    };
    for (const policy of pack) {
        const level = policy.enforcementLevel ?? "mandatory";
        if (level === "disabled") continue;
        const push = (urn: string) => (message: string, violationUrn?: string) =>
            violations.push({ policy: policy.name, enforcementLevel: level, urn: violationUrn ?? urn, message });
        if ("validateResource" in policy && policy.validateResource) {
            const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
            for (const r of resources) {
                const args = {
                    type: r.type,
                    name: r.name,
                    urn: r.urn,
                    props: unwrapSecrets(r.inputs),
                    opts: options(r),
                    stackTags: new Map<string, string>(),
                    getConfig: () => configOf(policy, config),
                    notApplicable,
                    isType: () => false,
                    asType: () => undefined,
                } as any;
                for (const validate of validations) {
                    try {
                        await validate(args, push(r.urn));
                    } catch (err) {
                        if (!(err instanceof NotApplicable)) throw err;
                    }
                }
            }
        }
        if ("validateStack" in policy && policy.validateStack) {
            const args = { resources: policyResources(resources), stackTags: new Map(), getConfig: () => configOf(policy, config), notApplicable } as any;
            try {
                await policy.validateStack(args, push(""));
            } catch (err) {
                if (!(err instanceof NotApplicable)) throw err;
            }
        }
    }
    return violations;
}

/** Markdown table of violations. */
export function renderViolations(violations: readonly Violation[]): string {
    if (violations.length === 0) return "No policy findings.";
    const rows = violations.map((v) => `| ${v.enforcementLevel} | ${v.policy} | ${v.urn.split("::").pop()} | ${v.message.replace(/\|/g, "\\|")} |`);
    return ["| level | policy | resource | finding |", "|---|---|---|---|", ...rows].join("\n");
}

/** A finding's text without the resource name every resource policy puts first, so equal findings group. */
function findingText(v: Violation): string {
    const name = v.urn.split("::").pop() ?? "";
    return name && v.message.startsWith(`${name}: `) ? v.message.slice(name.length + 2) : v.message;
}

export interface FindingGroup {
    readonly policy: string;
    readonly finding: string;
    /** Resource names, in the order found. */
    readonly resources: readonly string[];
}

/** Findings of one policy with the same text, whatever the resource: one row per FedRAMP service, not per resource. */
export function groupFindings(violations: readonly Violation[]): FindingGroup[] {
    const groups = new Map<string, { policy: string; finding: string; resources: string[] }>();
    for (const v of violations) {
        const finding = findingText(v);
        const key = `${v.policy}\u0000${finding}`;
        const group = groups.get(key) ?? { policy: v.policy, finding, resources: [] };
        group.resources.push(v.urn.split("::").pop() || "(stack)");
        groups.set(key, group);
    }
    return [...groups.values()].sort((a, b) => a.policy.localeCompare(b.policy) || b.resources.length - a.resources.length || a.finding.localeCompare(b.finding));
}

function countsByPolicy(violations: readonly Violation[]): string {
    const counts = new Map<string, number>();
    for (const v of violations) counts.set(v.policy, (counts.get(v.policy) ?? 0) + 1);
    return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([p, n]) => `${p} ${n}`).join(", ");
}

/** One line: mandatory and advisory counts, each per policy. */
export function policySummary(stack: string, violations: readonly Violation[]): string {
    const part = (level: string) => {
        const mine = violations.filter((v) => v.enforcementLevel === level);
        return `${mine.length} ${level}${mine.length ? ` (${countsByPolicy(mine)})` : ""}`;
    };
    return `Policy summary for ${stack}: ${part("mandatory")}, ${part("advisory")}`;
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The report: mandatory violations one per row, advisory findings grouped, and the summary as the last line. */
export function renderPolicyReport(stack: string, violations: readonly Violation[]): string {
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
    const advisory = violations.filter((v) => v.enforcementLevel === "advisory");
    const lines = [`# Policy findings for ${stack}`, "", "## Mandatory", ""];
    if (mandatory.length === 0) lines.push("No mandatory violations.");
    else {
        lines.push("| policy | resource | finding |", "|---|---|---|");
        for (const v of mandatory) lines.push(`| ${v.policy} | ${v.urn.split("::").pop() || "(stack)"} | ${cell(findingText(v))} |`);
    }
    lines.push("", "## Advisory", "");
    if (advisory.length === 0) lines.push("No advisory findings.");
    else {
        lines.push("| policy | resources | finding |", "|---|---|---|");
        for (const g of groupFindings(advisory)) {
            lines.push(`| ${g.policy} | ${g.resources.length === 1 ? g.resources[0] : `${g.resources.length} resources`} | ${cell(g.finding)} |`);
        }
    }
    lines.push("", policySummary(stack, violations));
    return `${lines.join("\n")}\n`;
}

/** 1 when any mandatory policy is violated: a deployment with the pack would stop there. */
export function policyExitCode(violations: readonly Violation[]): 0 | 1 {
    return violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0;
}

export async function policyCheck(values: Values<typeof policyCommand.options>, io: Io): Promise<number> {
    const stack = stackName(values.stack ?? "dev");
    const { runProgram } = await import("../engine/evaluate");
    const run = await runProgram(stack);
    const violations = await runPolicies(run.resources);
    io.stdout.write(renderPolicyReport(stack, violations));
    const code = policyExitCode(violations);
    if (code !== 0) io.stderr.write(`error: ${violations.filter((v) => v.enforcementLevel === "mandatory").length} mandatory policy violation(s) in ${stack}\n`);
    return code;
}

if (require.main === module) main(policyCommand, policyCheck);
