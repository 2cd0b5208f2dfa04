// The change-set inspection rule: a change that deletes or replaces resources is not a safe update.
// One pure function serves the CloudFormation deploy workflow (change sets) and the guard over this
// project's own Pulumi previews (steps mapped to the same shape).

/** What happens to one resource, in CloudFormation change-set terms. */
export type ChangeAction = "Add" | "Modify" | "Remove" | "Import" | "Dynamic";

/** Whether a Modify replaces the resource: CloudFormation says True, False or Conditional. */
export type Replacement = "True" | "False" | "Conditional";

export interface ResourceChangeSummary {
    /** Logical id (CloudFormation) or URN (Pulumi). */
    readonly id: string;
    /** Resource type, e.g. `AWS::S3::Bucket` or `aws:s3/bucket:Bucket`. */
    readonly resourceType: string;
    readonly action: ChangeAction;
    readonly replacement?: Replacement;
    /** Why the resource is replaced (properties), when known. */
    readonly reasons?: readonly string[];
}

export interface InspectionOptions {
    /** A Conditional replacement counts as unsafe (it may replace). @default true */
    readonly conditionalIsUnsafe?: boolean;
    /** Ids whose deletion or replacement has been explicitly allowed. @default [] */
    readonly allowedIds?: readonly string[];
}

// Local constants for the functions below (closure serialization would capture `exports` for exported ones).
const SAFE_VERDICT = "CAN-SAFELY-UPDATE-EXISTING-STACK";
const UNSAFE_VERDICT = "RESOURCES-BEING-DELETED-OR-REPLACED";
export const SAFE: typeof SAFE_VERDICT = SAFE_VERDICT;
export const UNSAFE: typeof UNSAFE_VERDICT = UNSAFE_VERDICT;

export interface UnsafeChange {
    readonly change: ResourceChangeSummary;
    /** `delete`, `replace` or `conditional-replace`. */
    readonly kind: "delete" | "replace" | "conditional-replace";
}

export interface Inspection {
    readonly verdict: typeof SAFE | typeof UNSAFE;
    readonly unsafe: readonly UnsafeChange[];
    /** Unsafe changes that were explicitly allowed. */
    readonly allowed: readonly UnsafeChange[];
}

const ACTIONS = ["Add", "Modify", "Remove", "Import", "Dynamic"];
const REPLACEMENTS = ["True", "False", "Conditional"];

function classify(c: ResourceChangeSummary, conditionalIsUnsafe: boolean): UnsafeChange["kind"] | undefined {
    if (c.action === "Remove") return "delete";
    // Dynamic changes are decided at execution time; a possible replacement is treated like Conditional.
    if (c.action === "Modify" || c.action === "Dynamic") {
        if (c.replacement === "True") return "replace";
        if (c.replacement === "Conditional" && conditionalIsUnsafe) return "conditional-replace";
    }
    return undefined;
}

/** Applies the rule to a list of changes. Throws on malformed input instead of calling it safe. */
export function inspectChanges(changes: readonly ResourceChangeSummary[], options: InspectionOptions = {}): Inspection {
    if (!Array.isArray(changes)) throw new Error("changes must be a list");
    const conditionalIsUnsafe = options.conditionalIsUnsafe ?? true;
    const allowedIds = new Set(options.allowedIds ?? []);
    const unsafe: UnsafeChange[] = [];
    const allowed: UnsafeChange[] = [];
    changes.forEach((c, i) => {
        if (!c || typeof c.id !== "string" || !ACTIONS.includes(c.action)) {
            throw new Error(`change ${i} is malformed: ${JSON.stringify(c)}`);
        }
        if (c.replacement !== undefined && !REPLACEMENTS.includes(c.replacement)) {
            throw new Error(`change ${i} (${c.id}) has an unknown replacement value ${JSON.stringify(c.replacement)}`);
        }
        const kind = classify(c, conditionalIsUnsafe);
        if (!kind) return;
        (allowedIds.has(c.id) ? allowed : unsafe).push({ change: c, kind });
    });
    return { verdict: unsafe.length > 0 ? UNSAFE_VERDICT : SAFE_VERDICT, unsafe, allowed };
}

/** CloudFormation DescribeChangeSet `Changes` entries -> summaries (non-resource changes are skipped). */
export function fromCloudFormationChanges(changes: readonly unknown[]): ResourceChangeSummary[] {
    return changes.flatMap((raw, i) => {
        const change = raw as { Type?: string; ResourceChange?: Record<string, unknown> };
        if (change?.Type !== "Resource") return [];
        const rc = change.ResourceChange;
        if (!rc || typeof rc.LogicalResourceId !== "string" || typeof rc.Action !== "string") {
            throw new Error(`change set entry ${i} has no ResourceChange with LogicalResourceId and Action`);
        }
        const details = Array.isArray(rc.Details) ? (rc.Details as Array<{ Target?: { Name?: string; RequiresRecreation?: string } }>) : [];
        const reasons = details.filter((d) => d.Target?.RequiresRecreation && d.Target.RequiresRecreation !== "Never").map((d) => d.Target?.Name ?? "?");
        return [
            {
                id: rc.LogicalResourceId,
                resourceType: String(rc.ResourceType ?? "unknown"),
                action: rc.Action as ChangeAction,
                replacement: rc.Replacement as Replacement | undefined,
                ...(reasons.length ? { reasons } : {}),
            },
        ];
    });
}

/** One line per unsafe change, for failure causes and reports. */
export function describeUnsafe(unsafe: readonly UnsafeChange[]): string[] {
    return unsafe.map(({ change, kind }) => {
        const why = change.reasons?.length ? ` (${change.reasons.join(", ")})` : "";
        return `${change.id} [${change.resourceType}]: ${kind}${why}`;
    });
}
