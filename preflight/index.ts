// The preflight of a stack: from one offline evaluation of what it will create, read-only checks of the target
// account and regions (identity, network, quotas, what exists already, names the settings point at, the services it
// relies on, deletions a deployed stack would make), reported as findings that name the setting or resource, what
// AWS would do and what to change. Modelled on CloudFormation's pre-deployment validation
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/validate-stack-deployments.html).
import { AWS_CONFIG_KEYS } from "../components/providers";
import { PROJECT_KEYS, parseSettings } from "../scenarios";
import type { ProgramRun } from "../engine/evaluate";
import { stackConfig } from "../engine/evaluate";
import { AwsClients } from "./clients";
import { deletionChecks } from "./deletions";
import { dnsChecks } from "./dns";
import { existingChecks } from "./existing";
import { callerIdentity, Identity, identityFindings } from "./identity";
import { Check, CheckContext, Finding, PlannedResource, StackModel } from "./model";
import { networkChecks } from "./network";
import { quotaChecks } from "./quotas";
import { serviceChecks } from "./services";
import type { DeployedResource } from "./state";

export type { Finding } from "./model";

/** Builds what the checks read from a stack's configuration and its offline evaluation. */
export function stackModel(run: ProgramRun, deployed?: readonly DeployedResource[]): StackModel {
    const config = stackConfig(run.stack);
    const region = config["aws:region"];
    if (!region) throw new Error(`stack ${run.stack} sets no aws:region`);
    const aws: Record<string, unknown> = {};
    for (const [key, kind] of Object.entries(AWS_CONFIG_KEYS)) {
        const raw = config[`aws:${key}`];
        if (raw !== undefined) aws[key] = kind === "json" ? JSON.parse(raw) : raw;
    }
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) if (key.startsWith("aws-blueprints:")) raw[key.slice("aws-blueprints:".length)] = value;
    const settings = parseSettings(raw, region, { stack: run.stack }) as unknown as Record<string, unknown>;
    const sections = Object.fromEntries(Object.entries(settings).filter(([key, value]) => PROJECT_KEYS.includes(key) && (value as { enabled?: boolean })?.enabled === true));
    const providers = new Map(run.resources.filter((r) => r.type === "pulumi:providers:aws").map((p) => [p.urn, p.inputs.region as string]));
    const resources: PlannedResource[] = run.resources.map((r) => ({
        ...r,
        region: (typeof r.inputs.region === "string" && r.inputs.region) || (r.provider && providers.get(r.provider.slice(0, r.provider.lastIndexOf("::")))) || region,
    }));
    const regions = [...new Set([region, ...resources.filter((r) => r.custom && r.type !== "pulumi:providers:aws").map((r) => r.region)])];
    return { stack: run.stack, region, regions, resources, aws, sections, deployed };
}

export interface PreflightOptions {
    readonly run: ProgramRun;
    readonly clients: AwsClients;
    /** The deployed stack's resources; undefined for a stack not deployed yet. */
    readonly deployed?: readonly DeployedResource[];
    /** Evaluates the stack again (under the mocks' account facts, e.g. without a default VPC). */
    readonly evaluate: (model: StackModel) => Promise<unknown>;
}

export interface PreflightReport {
    readonly stack: string;
    readonly identity: Identity;
    readonly regions: readonly string[];
    readonly deployed: boolean;
    readonly findings: readonly Finding[];
}

const ORDER = ["identity", "network", "quotas", "existing", "dns", "services", "deletions"];

export async function runPreflight(options: PreflightOptions): Promise<PreflightReport> {
    const model = stackModel(options.run, options.deployed);
    const identity = await callerIdentity(model, options.clients);
    const context: CheckContext = { model, clients: options.clients, accountId: identity.accountId };
    const checks: Check[] = [networkChecks(options.evaluate), quotaChecks, existingChecks, dnsChecks, serviceChecks, deletionChecks];
    const found = (await Promise.all(checks.map((check) => check(context)))).flat();
    const findings = [...identityFindings(model, identity), ...found].sort(
        (a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) || ORDER.indexOf(a.check) - ORDER.indexOf(b.check),
    );
    return { stack: model.stack, identity, regions: model.regions, deployed: options.deployed !== undefined, findings };
}

export function failed(report: PreflightReport): boolean {
    return report.findings.some((f) => f.severity === "error");
}

/** The report for a terminal or a CI log. */
export function renderReport(report: PreflightReport): string {
    const { identity } = report;
    const into = identity.targetAccountId === identity.accountId ? "" : `, deploying into ${identity.targetAccountId}`;
    const lines = [
        `Preflight of stack ${report.stack}: account ${identity.accountId} (${identity.arn}${into}), ${report.regions.join(", ")}`,
        report.deployed ? "Compared with the deployed stack's export." : "As a stack not deployed yet (give --state <pulumi stack export> for a deployed one).",
        "",
    ];
    for (const f of report.findings) {
        lines.push(`${f.severity === "error" ? "error  " : "warning"} [${f.check}] ${f.subject}${f.region ? ` (${f.region})` : ""}`);
        lines.push(`        ${f.problem}`);
        lines.push(`        fix: ${f.fix}`);
    }
    const errors = report.findings.filter((f) => f.severity === "error").length;
    const warnings = report.findings.length - errors;
    if (report.findings.length > 0) lines.push("");
    lines.push(
        errors > 0
            ? `${errors} error(s), ${warnings} warning(s): pulumi up would fail; fix the errors first.`
            : `No errors, ${warnings} warning(s): nothing found that would fail pulumi up.`,
    );
    return `${lines.join("\n")}\n`;
}

/** The report for machines (`--json`). */
export function reportJson(report: PreflightReport): string {
    const errors = report.findings.filter((f) => f.severity === "error").length;
    return `${JSON.stringify(
        {
            stack: report.stack,
            accountId: report.identity.accountId,
            callerArn: report.identity.arn,
            targetAccountId: report.identity.targetAccountId,
            regions: report.regions,
            deployed: report.deployed,
            findings: report.findings,
            summary: { errors, warnings: report.findings.length - errors, passed: errors === 0 },
        },
        null,
        2,
    )}\n`;
}
