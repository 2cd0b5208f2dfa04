// The deploy workflow's "Inspect Change Set" task: reads every page of a created change set and applies the
// project's one inspection rule (handlers/changeInspection.ts) to it.
import type { CloudFormation } from "@aws-sdk/client-cloudformation";
import { describeUnsafe, fromCloudFormationChanges, inspectChanges } from "./changeInspection";
import { namedError } from "../shared/errors";

export interface InspectionConfig {
    /** A Modify with Replacement Conditional counts as unsafe. */
    readonly conditionalIsUnsafe: boolean;
}

export interface InspectionDeps {
    readonly cloudformation: Pick<CloudFormation, "describeChangeSet">;
    readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

export interface ChangeSetVerdict {
    readonly verdict: "CAN-SAFELY-UPDATE-EXISTING-STACK" | "RESOURCES-BEING-DELETED-OR-REPLACED";
    /** Resource changes in the change set. */
    readonly changeCount: number;
    /** One line per resource that would be deleted or replaced. */
    readonly unsafe: string[];
    /** A sentence for the failure cause and the notification (empty when safe). */
    readonly summary: string;
}

export function malformedInspectionRequestError(message: string): Error {
    return namedError("MalformedInspectionRequestError", message);
}

/** A change set has at most a few pages (templates hold up to 500 resources); more means a broken token. */
const MAX_PAGES = 50;
/** Step Functions keeps a Fail state's cause up to 32,768 characters. */
const MAX_SUMMARY = 30000;

/** Inspects one change set: `{ changeSetId }` (its ARN). Throws on malformed input, an unfinished change set or any AWS failure. */
export async function inspectChangeSet(event: unknown, config: InspectionConfig, deps: InspectionDeps): Promise<ChangeSetVerdict> {
    const log = deps.log ?? (() => undefined);
    const id = typeof event === "object" && event !== null ? (event as Record<string, unknown>).changeSetId : undefined;
    if (typeof id !== "string" || !/^arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\d{12}:changeSet\/[A-Za-z][-A-Za-z0-9]*\/[-a-f0-9]+$/.test(id)) {
        throw malformedInspectionRequestError(`changeSetId must be a change set ARN; got ${JSON.stringify(id ?? null)}`);
    }
    const changes: unknown[] = [];
    let stackName = "";
    let changeSetName = "";
    let token: string | undefined;
    let pages = 0;
    do {
        if (++pages > MAX_PAGES) throw new Error(`change set ${id} has more than ${MAX_PAGES} pages of changes`);
        const page = await deps.cloudformation.describeChangeSet({ ChangeSetName: id, NextToken: token });
        if (page.Status !== "CREATE_COMPLETE") {
            throw new Error(`change set ${id} is ${page.Status ?? "in an unknown state"}, not CREATE_COMPLETE; it cannot be inspected`);
        }
        stackName = page.StackName ?? stackName;
        changeSetName = page.ChangeSetName ?? changeSetName;
        changes.push(...(page.Changes ?? []));
        token = page.NextToken;
    } while (token);

    const summaries = fromCloudFormationChanges(changes);
    const inspection = inspectChanges(summaries, { conditionalIsUnsafe: config.conditionalIsUnsafe });
    const unsafe = describeUnsafe(inspection.unsafe);
    const summary =
        unsafe.length === 0
            ? ""
            : `Change set ${changeSetName} for stack ${stackName} would delete or replace ${unsafe.length} resource(s): ${unsafe.join("; ")}`;
    log("change set inspected", { changeSetId: id, verdict: inspection.verdict, changes: summaries.length, unsafe });
    return {
        verdict: inspection.verdict,
        changeCount: summaries.length,
        unsafe,
        summary: summary.length > MAX_SUMMARY ? `${summary.slice(0, MAX_SUMMARY - 3)}...` : summary,
    };
}

/** Reads the function's configuration from its environment variables. */
export function configFromEnvironment(env: Readonly<Record<string, string | undefined>>): InspectionConfig {
    const raw = env.CONDITIONAL_REPLACEMENT_IS_UNSAFE ?? "true";
    if (raw !== "true" && raw !== "false") throw new Error(`CONDITIONAL_REPLACEMENT_IS_UNSAFE must be true or false; got ${raw}`);
    return { conditionalIsUnsafe: raw === "true" };
}
