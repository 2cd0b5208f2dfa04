// What the preflight knows about a stack before AWS sees it: what the program registers (from one offline evaluation),
// where each resource goes, the validated settings, the stack's `aws:` settings, and what a deployed stack already
// owns (its `pulumi stack export`). Every check reads this and reports findings.
import type { RecordedResource } from "../engine/evaluate";
import { AwsClients } from "./clients";
import type { DeployedResource } from "./state";

export type Severity = "error" | "warning";

/** Where account-wide quotas (S3 buckets) and global services (IAM, Route 53, CloudFront) answer. */
export const GLOBAL_REGION = "us-east-1";

/** One thing the account or region would refuse, or that would not work as the stack expects. */
export interface Finding {
    readonly severity: Severity;
    /** The check that found it (a module of preflight/). */
    readonly check: string;
    /** The setting or resource it is about, e.g. `compliantWebApp.createConfigRecorder` or `aws:ec2/vpc:Vpc cjis-production`. */
    readonly subject: string;
    readonly region?: string;
    /** What AWS would do (or what would not happen). */
    readonly problem: string;
    /** What to change. */
    readonly fix: string;
}

/** A resource the program registers, with the region it goes to. */
export interface PlannedResource extends RecordedResource {
    readonly region: string;
}

export interface StackModel {
    readonly stack: string;
    /** `aws:region`. */
    readonly region: string;
    /** Every region the stack deploys to: the stack's and each explicit provider's. */
    readonly regions: readonly string[];
    readonly resources: readonly PlannedResource[];
    /** The stack's `aws:` settings, by key without the namespace (`profile`, `assumeRoles`, ...), JSON values parsed. */
    readonly aws: Readonly<Record<string, unknown>>;
    /** The validated settings of each enabled scenario section (defaults applied), by section key. */
    readonly sections: Readonly<Record<string, unknown>>;
    /** The deployed stack's resources (`pulumi stack export`), or undefined for a stack not yet deployed. */
    readonly deployed?: readonly DeployedResource[];
}

/** What every check is given. */
export interface CheckContext {
    readonly model: StackModel;
    readonly clients: AwsClients;
    /** The account the preflight reads (the caller's). */
    readonly accountId: string;
}

export type Check = (context: CheckContext) => Promise<Finding[]>;

export function ofType(model: StackModel, type: string, region?: string): PlannedResource[] {
    return model.resources.filter((r) => r.type === type && (region === undefined || r.region === region));
}

/** Resources of a type the deployed stack already has in a region (they count as the stack's own). */
export function deployedOfType(model: StackModel, type: string, region?: string): DeployedResource[] {
    return (model.deployed ?? []).filter((r) => r.type === type && (region === undefined || r.region === region));
}

/**
 * The settings that hold a value, as `section.key.path` (e.g. `windowsContainers.certificateArn`): findings name
 * what the user wrote, not the resource the program made of it.
 */
export function settingPaths(model: StackModel, value: string): string[] {
    const found: string[] = [];
    const walk = (node: unknown, at: string) => {
        if (node === value) found.push(at);
        else if (Array.isArray(node)) node.forEach((x, i) => walk(x, `${at}[${i}]`));
        else if (node !== null && typeof node === "object") for (const [k, v] of Object.entries(node)) walk(v, at ? `${at}.${k}` : k);
    };
    walk(model.sections, "");
    return found;
}

/** The setting paths of a value joined for a message, or a fallback when no setting holds it (a default). */
export function settingsNaming(model: StackModel, value: string, fallback: string): string {
    const paths = settingPaths(model, value);
    return paths.length > 0 ? paths.join(", ") : fallback;
}

/** An AWS error's code (the SDK's exception name). */
export function errorName(err: unknown): string {
    return (err as { name?: string })?.name ?? "";
}

/** Runs a lookup; an error whose name is in `absent` means the thing does not exist. */
export async function exists(lookup: () => Promise<unknown>, absent: readonly string[]): Promise<boolean> {
    try {
        await lookup();
        return true;
    } catch (err) {
        if (absent.includes(errorName(err))) return false;
        throw err;
    }
}
