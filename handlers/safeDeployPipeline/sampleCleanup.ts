// Deletes the pipeline's sample CloudFormation stack when the Pulumi stack is destroyed: the pipeline created it, so
// Pulumi does not know it, and once the sample deployment role is gone CloudFormation can no longer delete it. Run
// from a managed invocation (lifecycle scope CRUD) that depends on that role, so the role is still there.
import type { CloudFormation, Stack } from "@aws-sdk/client-cloudformation";
import { namedError } from "../shared/errors";
import { lifecycleAction } from "../shared/lifecycle";

export interface SampleCleanupDeps {
    readonly cloudformation: Pick<CloudFormation, "describeStacks" | "deleteStack">;
    readonly sleep: (ms: number) => Promise<void>;
    readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

export interface SampleCleanupOptions {
    /** Seconds between two looks at a stack being deleted. */
    readonly pollSeconds: number;
    /** Looks before giving up (the function's time limit must cover them). */
    readonly maxPolls: number;
}

export interface SampleCleanupResult {
    readonly action: string;
    readonly stackName?: string;
    /** What became of the stack: deleted now, or not there to begin with. */
    readonly outcome?: "deleted" | "absent";
}

const isMissing = (err: unknown): boolean =>
    (err as { name?: string }).name === "ValidationError" && /does not exist/.test(String((err as Error).message));

async function current(cf: SampleCleanupDeps["cloudformation"], stackName: string): Promise<Stack | undefined> {
    try {
        const stack = (await cf.describeStacks({ StackName: stackName })).Stacks?.[0];
        return stack?.StackStatus === "DELETE_COMPLETE" ? undefined : stack;
    } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
    }
}

/** On `delete`, deletes the stack named in the event and waits until it is gone; on create and update, nothing. */
export async function cleanUpSampleStack(event: unknown, options: SampleCleanupOptions, deps: SampleCleanupDeps): Promise<SampleCleanupResult> {
    const action = lifecycleAction(event);
    if (!action) throw new Error("not a managed invocation event (no tf.action)");
    const stackName = (event as { stackName?: unknown }).stackName;
    if (typeof stackName !== "string" || !/^[A-Za-z][-A-Za-z0-9]{0,127}$/.test(stackName)) {
        throw new Error(`stackName must be a CloudFormation stack name; got ${JSON.stringify(stackName)}`);
    }
    if (action !== "delete") return { action, stackName };
    const log = deps.log ?? (() => undefined);
    if (!(await current(deps.cloudformation, stackName))) {
        log("sample stack absent", { stackName });
        return { action, stackName, outcome: "absent" };
    }
    await deps.cloudformation.deleteStack({ StackName: stackName });
    for (let poll = 0; poll < options.maxPolls; poll++) {
        await deps.sleep(options.pollSeconds * 1000);
        const stack = await current(deps.cloudformation, stackName);
        if (!stack) {
            log("sample stack deleted", { stackName });
            return { action, stackName, outcome: "deleted" };
        }
        if (stack.StackStatus === "DELETE_FAILED") {
            throw namedError("StackDeleteFailed", `${stackName} could not be deleted: ${stack.StackStatusReason ?? "no reason given"}`);
        }
    }
    throw namedError("StackDeleteTimeout", `${stackName} was still being deleted after ${options.maxPolls * options.pollSeconds} seconds`);
}
