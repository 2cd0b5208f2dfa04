// Action handler of the budget guardrail: swaps the project group's EC2 policy between full access and
// read-only access. Idempotent (reads what is attached first) and all-or-nothing where it can tell (undoes its own
// attach when the detach failed without effect), so a failed run leaves the group as it found it, or holding both
// policies when a detach's effect is unknown, never neither, and the execution fails visibly.
import type { IAM } from "@aws-sdk/client-iam";
import { hasErrorName, namedError } from "../shared/errors";
import { isTransient, retryWhileAccessDenied } from "../shared/retry";
import { shown } from "../shared/text";

/**
 * `enforce`: read-only instead of full access. `restore`: full access again. `release`: neither (the program
 * detaches both before it deletes the group, which IAM refuses while policies are attached).
 */
export type EnforcementMode = "enforce" | "restore" | "release";

export interface EnforcementConfig {
    /** The project's IAM group. */
    readonly groupName: string;
    /** ARN of AmazonEC2FullAccess in this partition. */
    readonly fullAccessPolicyArn: string;
    /** ARN of AmazonEC2ReadOnlyAccess in this partition. */
    readonly readOnlyPolicyArn: string;
}

export interface EnforcementDeps {
    readonly iam: Pick<IAM, "listAttachedGroupPolicies" | "attachGroupPolicy" | "detachGroupPolicy">;
    readonly log?: (message: string, data?: Record<string, unknown>) => void;
    /** Waits between permission retries. @default a timer */
    readonly sleep?: (ms: number) => Promise<void>;
}

export interface EnforcementResult {
    readonly mode: EnforcementMode;
    readonly groupName: string;
    /** Whether this run changed the group (false: it was already in the requested state). */
    readonly changed: boolean;
    readonly attached: string[];
    readonly detached: string[];
    /** Managed policies attached to the group when the run ended. */
    readonly attachedPolicies: string[];
}

export function invalidEnforcementRequest(message: string): Error {
    return namedError("InvalidEnforcementRequest", `Invalid enforcement request: ${message}`);
}

/** A transient AWS failure (throttling, service error): the state machine retries on this error name. */
export function retryableError(message: string, cause: unknown): Error {
    return namedError("RetryableError", message, { cause });
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function errorName(err: unknown): string {
    return isObject(err) ? String(err.name ?? err.Code ?? "") : "";
}

function isNoSuchEntity(err: unknown): boolean {
    return errorName(err) === "NoSuchEntity" || errorName(err) === "NoSuchEntityException";
}

// Not named `describe`: closure serialization leaves a name that is a global of the serializing process (mocha's
// `describe` in tests) uncaptured, so the archive would call that global instead.
function errorSummary(err: unknown): string {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * Rethrows AWS failures so the state machine can tell transient ones (retried) from the rest (fail the execution).
 * Every call here is safe to repeat: the swap reads the group's policies first, attaching an attached policy
 * succeeds, and a policy already detached is NoSuchEntity.
 */
function classify(err: unknown, what: string): Error {
    if (hasErrorName(err, "RetryableError") || hasErrorName(err, "InvalidEnforcementRequest")) return err;
    if (isTransient(err)) return retryableError(`${what}: ${errorSummary(err)}`, err);
    if (err instanceof Error) {
        err.message = `${what}: ${err.message}`;
        return err;
    }
    return new Error(`${what}: ${String(err)}`);
}

// The deployment invokes the function right after creating its role; IAM may refuse the first read for a few
// seconds. Five waits of 1-5 s (15 s in all) fit the function's 30 s timeout.
const PERMISSION_ATTEMPTS = 6;
const PERMISSION_DELAY_MS = 1000;

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html (GroupName pattern)
const GROUP_NAME = /^[\w+=,.@-]{1,128}$/;

type LifecycleAction = "create" | "update" | "delete";

/** The deployment's lifecycle action of an invocation, or undefined for a state machine's request. */
function lifecycleActionOf(event: unknown): LifecycleAction | undefined {
    if (!isObject(event) || !isObject(event.tf)) return undefined;
    const action = event.tf.action;
    if (action !== "create" && action !== "update" && action !== "delete") {
        throw invalidEnforcementRequest(`tf.action must be "create", "update" or "delete"; got ${shown(action ?? null)}`);
    }
    return action;
}

function groupNamed(value: unknown, where: string, fallback: string): string {
    if (value === undefined) return fallback;
    if (typeof value !== "string" || !GROUP_NAME.test(value)) {
        throw invalidEnforcementRequest(`${where} must be an IAM group name; got ${shown(value)}`);
    }
    return value;
}

/**
 * The group an invocation acts on. The state machines always act on the function's own group. The deployment's
 * lifecycle invocation names the group in its input, and the provider sends the input it recorded at creation on
 * update and delete, so a delete releases the group that invocation granted access to, even after the function
 * was switched to a replacement group. Inputs recorded before they carried a group name mean the function's group.
 */
export function targetGroupOf(event: unknown, config: EnforcementConfig): string {
    if (lifecycleActionOf(event) === undefined) return config.groupName;
    return groupNamed((event as Json).groupName, "groupName", config.groupName);
}

/**
 * The mode an invocation asks for: the state machines send `{ "mode": "enforce" | "restore" }`; the deployment's
 * lifecycle invocation sends `{ "mode": "restore", "groupName": ..., "tf": { "action": "create" | "update" | "delete",
 * "prev_input": ... } }`, and a delete releases the group.
 */
export function modeOf(event: unknown): EnforcementMode {
    if (isObject(event) && isObject(event.tf) && event.tf.action === "delete") return "release";
    const mode = isObject(event) ? event.mode : undefined;
    if (mode !== "enforce" && mode !== "restore") {
        throw invalidEnforcementRequest(`mode must be "enforce" or "restore"; got ${shown(mode ?? null)}`);
    }
    return mode;
}

async function attachedPolicies(groupName: string, deps: EnforcementDeps): Promise<string[]> {
    const arns: string[] = [];
    let marker: string | undefined;
    // IAM allows at most 20 managed policies per group, so a handful of pages at most.
    for (let page = 0; page < 10; page++) {
        const out = await deps.iam.listAttachedGroupPolicies({ GroupName: groupName, Marker: marker });
        for (const p of out.AttachedPolicies ?? []) if (p.PolicyArn) arns.push(p.PolicyArn);
        if (!out.IsTruncated || !out.Marker) return arns;
        marker = out.Marker;
    }
    throw new Error(`ListAttachedGroupPolicies on ${groupName} did not finish after 10 pages`);
}

/**
 * `enforce` leaves the group with AmazonEC2ReadOnlyAccess instead of AmazonEC2FullAccess; `restore` does the
 * reverse; `release` detaches both. The grant is attached before the other policy is detached, so the group is
 * never without EC2 read access mid-swap; if a detach fails without effect, this run's attach is undone and the error
 * is thrown. A call that failed but took effect (its answer lost) counts as done.
 */
export async function swapGroupPolicy(event: unknown, config: EnforcementConfig, deps: EnforcementDeps): Promise<EnforcementResult> {
    const log = deps.log ?? (() => undefined);
    const mode = modeOf(event);
    const groupName = targetGroupOf(event, config);
    // An update of the deployment's invocation on the group it already granted (a new group replaces the
    // invocation instead) leaves the group as the guardrail last left it, so editing the deployment never undoes
    // an enforcement.
    let keep = false;
    if (lifecycleActionOf(event) === "update") {
        const previous = isObject(event) && isObject(event.tf) ? event.tf.prev_input : undefined;
        keep = groupNamed(isObject(previous) ? previous.groupName : undefined, "tf.prev_input.groupName", config.groupName) === groupName;
    }
    const grants = mode === "enforce" ? [config.readOnlyPolicyArn] : mode === "restore" ? [config.fullAccessPolicyArn] : [];
    const revokes = [config.fullAccessPolicyArn, config.readOnlyPolicyArn].filter((p) => !grants.includes(p));

    let before: string[];
    try {
        before = await retryWhileAccessDenied(() => attachedPolicies(groupName, deps), {
            sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
            attempts: PERMISSION_ATTEMPTS,
            delayMs: PERMISSION_DELAY_MS,
            onRetry: (attempt, err) => log("permission not there yet; retrying", { groupName, attempt, error: errorSummary(err) }),
        });
    } catch (err) {
        if (mode === "release" && isNoSuchEntity(err)) {
            log("group already gone", { groupName });
            return { mode, groupName, changed: false, attached: [], detached: [], attachedPolicies: [] };
        }
        throw classify(err, `reading the policies of group ${groupName}`);
    }
    if (keep) {
        log("deployment update on the same group; policies left as they are", { groupName, attachedPolicies: before });
        return { mode, groupName, changed: false, attached: [], detached: [], attachedPolicies: before };
    }
    const toAttach = grants.filter((p) => !before.includes(p));
    const toDetach = revokes.filter((p) => before.includes(p));
    if (toAttach.length === 0 && toDetach.length === 0) {
        log("group already in the requested state", { mode, groupName, attachedPolicies: before });
        return { mode, groupName, changed: false, attached: [], detached: [], attachedPolicies: before };
    }

    // A call that failed may still have taken effect (a timeout after IAM applied it, the answer lost): the group's
    // policies, read again, tell which, so the error never claims a state the group is not in. Undefined: unreadable.
    const readAgain = async (): Promise<string[] | undefined> => {
        try {
            return await attachedPolicies(groupName, deps);
        } catch {
            return undefined;
        }
    };
    const attached: string[] = [];
    const detached: string[] = [];
    for (const grant of toAttach) {
        try {
            await deps.iam.attachGroupPolicy({ GroupName: groupName, PolicyArn: grant });
        } catch (err) {
            const now = await readAgain();
            if (!now?.includes(grant)) {
                throw classify(err, `attaching ${grant} to group ${groupName} (${now ? "nothing was changed" : "whether it took effect is unknown; a rerun completes the swap"})`);
            }
            log("attach took effect although its call failed", { groupName, policyArn: grant, error: errorSummary(err) });
        }
        attached.push(grant);
    }
    for (const revoke of toDetach) {
        try {
            await deps.iam.detachGroupPolicy({ GroupName: groupName, PolicyArn: revoke });
            detached.push(revoke);
        } catch (err) {
            if (isNoSuchEntity(err)) {
                // Detached by someone else since the read: the requested state holds.
                log("policy already detached", { groupName, policyArn: revoke });
                continue;
            }
            const now = await readAgain();
            if (now && !now.includes(revoke)) {
                log("detach took effect although its call failed", { groupName, policyArn: revoke, error: errorSummary(err) });
                detached.push(revoke);
                continue;
            }
            if (!now) {
                // Undoing the attach could leave the group with neither policy if the detach did land; keep it.
                const kept = attached.length > 0 ? `${attached.join(", ")} stays attached; ` : "";
                throw classify(err, `detaching ${revoke} from group ${groupName} (whether it took effect is unknown; ${kept}a rerun completes the swap)`);
            }
            for (const grant of attached) {
                try {
                    await deps.iam.detachGroupPolicy({ GroupName: groupName, PolicyArn: grant });
                } catch (undoErr) {
                    throw classify(
                        err,
                        `detaching ${revoke} from group ${groupName} failed, and undoing the attach of ${grant} failed too (${errorSummary(undoErr)}); a rerun completes the swap`,
                    );
                }
            }
            const state =
                detached.length === 0
                    ? `${attached.length > 0 ? "the attach was undone; " : ""}the group's policies are as they were`
                    : `${detached.join(", ")} already detached; a rerun completes the release`;
            throw classify(err, `detaching ${revoke} from group ${groupName} (${state})`);
        }
    }
    const after = [...before.filter((a) => !revokes.includes(a)), ...attached];
    log("group policy swapped", { mode, groupName, attached, detached });
    return { mode, groupName, changed: true, attached, detached, attachedPolicies: after };
}

/** Reads the function's configuration from its environment variables; throws naming a missing one. */
export function configFromEnvironment(env: Readonly<Record<string, string | undefined>>): EnforcementConfig {
    const required = (key: string): string => {
        const v = env[key];
        if (!v) throw new Error(`${key} is not set`);
        return v;
    };
    return {
        groupName: required("GROUP_NAME"),
        fullAccessPolicyArn: required("FULL_ACCESS_POLICY_ARN"),
        readOnlyPolicyArn: required("READ_ONLY_POLICY_ARN"),
    };
}
