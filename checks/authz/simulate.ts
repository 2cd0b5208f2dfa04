// Evaluates authorization requests with AWS's policy logic (@cloud-copilot/iam-simulate, a test-time tool) and
// explains each decision: the statement that allowed it, or the statement or missing grant that denied it.
import { getDenialReasons, getGrantReasons, runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import * as path from "node:path";

/**
 * iam-simulate's engine without its context-key validation. Its own runUnsafeSimulation loads the resource policy
 * without a name and then fails reading it, so this does the same with a named policy.
 */
function evaluateUnvalidated(simulation: Simulation): string {
    const dist = path.dirname(require.resolve("@cloud-copilot/iam-simulate"));
    const { loadPolicy } = require("@cloud-copilot/iam-policy");
    const { authorize } = require(path.join(dist, "core_engine", "CoreSimulatorEngine.js"));
    const { AwsRequestImpl } = require(path.join(dist, "request", "request.js"));
    const { RequestContextImpl } = require(path.join(dist, "requestContext.js"));
    const { DiscoveryContextKeyConstraints } = require(path.join(dist, "context_keys", "discoveryContextKeyConstraints.js"));
    const { request } = simulation;
    const analysis = authorize({
        request: new AwsRequestImpl(request.principal, request.resource, request.action, new RequestContextImpl(request.contextVariables)),
        sessionPolicy: undefined,
        identityPolicies: simulation.identityPolicies.map((p) => loadPolicy(p.policy, { name: p.name })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: simulation.resourcePolicy ? loadPolicy(simulation.resourcePolicy, { name: "resource" }) : undefined,
        permissionBoundaries: undefined,
        vpcEndpointPolicies: undefined,
        simulationParameters: { simulationMode: "Strict", discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
        serviceSettings: { s3: {} },
    });
    return analysis.result;
}
import type { AuthzRequest } from "./wires";

/** `unresolved`: the resource is chosen at run time (a state machine's input), so no single request can be judged. */
export type Decision = "allowed" | "denied" | "error" | "unresolved";

export interface AuthzResult {
    readonly request: AuthzRequest;
    readonly decision: Decision;
    /** Why: deciding statements for an allow; the denying statement or the missing grant for a denial. */
    readonly reasons: string[];
    /** The identity-policy statements that allowed it (policy name, statement Sid or 1-based index). */
    readonly grants?: readonly { policy: string; statement: string }[];
}

const statementName = (policy: any, index: number) => {
    const s = policy?.Statement?.[index - 1];
    return s?.Sid ? `statement ${s.Sid}` : `statement #${index}`;
};

/** Principals of one account in the same account as the resource (so identity policies alone may allow). */
function accountOf(arn: string): string | undefined {
    const parts = arn.split(":");
    return /^\d{12}$/.test(parts[4] ?? "") ? parts[4] : undefined;
}

export async function simulate(request: AuthzRequest, account: string): Promise<AuthzResult> {
    const resourcePolicy = request.resourcePolicy && request.resourcePolicy.Statement?.length ? request.resourcePolicy : undefined;
    if (request.unresolved) return { request, decision: "unresolved", reasons: [request.unresolved] };
    const simulation: Simulation = {
        request: {
            principal: request.principal,
            action: request.action,
            resource: { resource: request.resource, accountId: accountOf(request.resource) ?? account },
            contextVariables: request.context,
        },
        identityPolicies: request.identityPolicies,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy,
    };
    const response = await runSimulation(simulation, {});
    if (response.resultType === "error") {
        return { request, decision: "error", reasons: [response.errors.message, JSON.stringify(response.errors)] };
    }
    const ignored = response.resultType === "single" ? (response.result.ignoredContextKeys ?? []) : [];
    const unknown = ignored.filter((k) => !/^kms:EncryptionContext:/i.test(k));
    if (unknown.length > 0) {
        return { request, decision: "error", reasons: [`context keys ${unknown.join(", ")} do not apply to ${request.action}: the request is modelled wrongly`] };
    }
    if (ignored.length > 0) {
        // iam-simulate matches variable condition keys only after a "/" (aws:PrincipalTag/x), so it drops
        // kms:EncryptionContext:aws:logs:arn and the like; its unvalidated engine evaluates them as AWS does.
        const decision = evaluateUnvalidated(simulation);
        const note = `evaluated with ${ignored.join(", ")} by the unvalidated engine`;
        return decision === "Allowed"
            ? { request, decision: "allowed", reasons: [note] }
            : { request, decision: "denied", reasons: [`${decision} by ${request.resourcePolicyName ?? "the policies"}`, note] };
    }
    const analysis = response.resultType === "single" ? response.result.analysis : response.results[0]?.analysis;
    if (response.overallResult === "Allowed") {
        const grants = analysis ? getGrantReasons(analysis) : [];
        const reasons = grants.map((g) => {
            if (g.policyType === "resource") return `${request.resourcePolicyName ?? "resource policy"} ${statementName(resourcePolicy, g.statementIndex)}`;
            const policy = request.identityPolicies.find((p) => p.name === g.policyIdentifier)?.policy;
            return `${g.policyIdentifier} ${statementName(policy, g.statementIndex)}`;
        });
        const identity = grants
            .filter((g) => g.policyType !== "resource")
            .map((g) => {
                const policy = request.identityPolicies.find((p) => p.name === g.policyIdentifier)?.policy;
                return { policy: String(g.policyIdentifier), statement: policy?.Statement?.[g.statementIndex - 1]?.Sid ?? `#${g.statementIndex}` };
            });
        return { request, decision: "allowed", reasons, grants: identity };
    }
    const denials = analysis ? getDenialReasons(analysis) : [];
    const reasons = denials.map((d) => {
        const where = d.policyType === "resource" ? (request.resourcePolicyName ?? "resource policy") : d.policyType === "identity" ? "identity policies" : d.policyType;
        if (d.denialType === "Explicit") {
            const policy = d.policyType === "resource" ? resourcePolicy : request.identityPolicies.find((p) => p.name === d.policyIdentifier)?.policy;
            return `explicitly denied by ${where}${d.policyIdentifier ? ` ${d.policyIdentifier}` : ""} ${d.statementId ? `statement ${d.statementId}` : statementName(policy, d.statementIndex)}`;
        }
        const missing =
            d.policyType === "resource"
                ? resourcePolicy
                    ? `no statement of the ${where} allows ${request.principal} ${request.action} with context ${JSON.stringify(request.context)}`
                    : `there is no ${where}`
                : `no statement of the role's policies (${request.identityPolicies.map((p) => p.name).join(", ") || "none"}) allows ${request.action} on ${request.resource}`;
        return `implicitly denied: ${missing}`;
    });
    if (request.managedPolicies.length > 0) reasons.push(`(AWS managed policies not evaluated: ${request.managedPolicies.join(", ")})`);
    return { request, decision: "denied", reasons };
}

export async function simulateAll(requests: readonly AuthzRequest[], account: string): Promise<AuthzResult[]> {
    const results: AuthzResult[] = [];
    for (const r of requests) results.push(await simulate(r, account));
    return results;
}
