// Runs the CrossGuard policies offline over the resources a stack registers under mocks, calling each
// policy's own validateResource / validateStack exactly as the policy analyzer would.
// Usage: npm run policy -- --stack prod   (exits 1 on any mandatory violation)
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies, StackSubject } from "../policy/rules";
import type { RecordedResource } from "../tests/mocks";

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

async function main(): Promise<void> {
    const { runProgram } = await import("../tests/harness");
    const i = process.argv.indexOf("--stack");
    const stack = i >= 0 ? process.argv[i + 1] : "dev";
    const run = await runProgram(stack);
    const violations = await runPolicies(run.resources);
    console.log(`# Policy findings for ${stack}\n\n${renderViolations(violations)}`);
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
    if (mandatory.length > 0) {
        console.error(`\n${mandatory.length} mandatory violation(s)`);
        process.exit(1);
    }
}

if (require.main === module) {
    main().then(
        () => process.exit(0),
        (err) => {
            console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
            process.exit(1);
        },
    );
}
