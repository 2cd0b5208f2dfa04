// The demo target of the canary deployer: a function whose "stable" and "candidate" releases are two published
// versions, so a rollout can be tried right after deployment.
//
// Neither @pulumi/aws nor CloudFormation can publish two different versions of one function in a single
// deployment (a version is a snapshot of $LATEST, and Pulumi manages one $LATEST state). The publisher below
// runs once at deployment time (an aws.lambda.Invocation): it publishes $LATEST as the stable release,
// switches $LATEST's DEMO_RELEASE variable to "candidate", publishes that as the candidate release, and puts
// $LATEST back exactly as Pulumi configured it, so the program sees no drift.
import type { FunctionConfiguration, Lambda } from "@aws-sdk/client-lambda";
import { retryWhileAccessDenied } from "../shared/retry";
import { shown } from "../shared/text";

export type Release = "stable" | "candidate";

export interface DemoResponse {
    readonly release: string;
    readonly version: string;
    readonly message: string;
}

/**
 * The demo function's behaviour: report which release and version answered. The candidate release fails
 * events carrying `"simulateFailure": true`, so a rollback can be watched on purpose.
 */
export function demoResponse(event: unknown, release: string | undefined, version: string | undefined): DemoResponse {
    const r = release ?? "unknown";
    const fail = typeof event === "object" && event !== null && (event as Record<string, unknown>).simulateFailure === true;
    if (fail && r === "candidate") throw new Error("simulated failure in the candidate release");
    return { release: r, version: version ?? "unknown", message: `Hello from the ${r} release (version ${version ?? "unknown"})` };
}

export interface PublisherConfig {
    /** The only function this publisher works on. */
    readonly functionName: string;
}

export interface PublisherDeps {
    readonly lambda: Pick<Lambda, "getFunctionConfiguration" | "listVersionsByFunction" | "publishVersion" | "updateFunctionConfiguration">;
    readonly sleep: (ms: number) => Promise<void>;
    readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

export interface PublishedVersions {
    readonly functionName: string;
    readonly stableVersion: string;
    readonly candidateVersion: string;
}

// Module constants stay unexported: exported consts are read through `exports`, which closure
// serialization would then capture whole.
const RELEASE_VARIABLE = "DEMO_RELEASE";
// Configuration updates settle in seconds; three waits of at most a minute fit the publisher's 300 s timeout.
const POLL_ATTEMPTS = 30;
const POLL_MS = 2000;
// A new role's permissions take a few seconds to reach Lambda; the first read may be refused meanwhile.
const PERMISSION_ATTEMPTS = 6;

/** The environment variable that tells the demo function which release it is. */
export function releaseVariable(): string {
    return RELEASE_VARIABLE;
}

/** Waits until $LATEST has no update in progress. */
async function settled(functionName: string, deps: PublisherDeps): Promise<FunctionConfiguration> {
    for (let attempt = 1; ; attempt++) {
        const config: FunctionConfiguration = await retryWhileAccessDenied(() => deps.lambda.getFunctionConfiguration({ FunctionName: functionName }), {
            sleep: deps.sleep,
            attempts: PERMISSION_ATTEMPTS,
            delayMs: POLL_MS,
        });
        if (config.State === "Failed" || config.LastUpdateStatus === "Failed") {
            throw new Error(`${functionName} is in a failed state: ${config.StateReason ?? config.LastUpdateStatusReason ?? "no reason given"}`);
        }
        const busy = config.State === "Pending" || config.LastUpdateStatus === "InProgress";
        if (!busy) return config;
        if (attempt >= POLL_ATTEMPTS) throw new Error(`${functionName} is still updating after ${(POLL_ATTEMPTS * POLL_MS) / 1000} s`);
        await deps.sleep(POLL_MS);
    }
}

async function allVersions(functionName: string, deps: PublisherDeps): Promise<FunctionConfiguration[]> {
    const versions: FunctionConfiguration[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 100; page++) {
        const out = await deps.lambda.listVersionsByFunction({ FunctionName: functionName, Marker: marker });
        versions.push(...(out.Versions ?? []).filter((v) => v.Version !== "$LATEST"));
        marker = out.NextMarker;
        if (!marker) break;
    }
    return versions;
}

function sameVariables(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
    const left = a ?? {};
    const keys = new Set([...Object.keys(left), ...Object.keys(b)]);
    return [...keys].every((k) => left[k] === b[k]);
}

/**
 * Makes sure the function has a published stable and candidate version of its current code, and returns their
 * numbers. Idempotent: versions that already match the current code and release are reused. $LATEST is
 * restored even when publishing fails.
 */
export async function publishDemoVersions(event: unknown, config: PublisherConfig, deps: PublisherDeps): Promise<PublishedVersions> {
    const log = deps.log ?? (() => undefined);
    const e = (typeof event === "object" && event !== null ? event : {}) as Record<string, unknown>;
    if (e.functionName !== config.functionName) {
        throw new Error(`this publisher only works on ${config.functionName}; got functionName ${shown(e.functionName)}`);
    }
    if (typeof e.codeSha256 !== "string" || e.codeSha256.length === 0) {
        throw new Error(`codeSha256 must be the deployed code's hash; got ${shown(e.codeSha256)}`);
    }
    const functionName = config.functionName;
    let latest = await settled(functionName, deps);
    if (latest.CodeSha256 !== e.codeSha256) {
        throw new Error(`${functionName}'s code (${latest.CodeSha256}) is not the code this deployment uploaded (${e.codeSha256}); run the deployment again`);
    }
    if (latest.Environment?.Variables?.[RELEASE_VARIABLE] === "candidate") {
        // An earlier run switched $LATEST to the candidate and could not switch it back (its error said so). Only this
        // publisher sets "candidate", so putting "stable" back completes that run's restore, and its retry can go on.
        log("restoring the stable release left by an earlier run");
        await deps.lambda.updateFunctionConfiguration({ FunctionName: functionName, Environment: { Variables: { ...latest.Environment.Variables, [RELEASE_VARIABLE]: "stable" } } });
        latest = await settled(functionName, deps);
    }
    const variables = { ...(latest.Environment?.Variables ?? {}) };
    if (variables[RELEASE_VARIABLE] !== "stable") {
        throw new Error(`${functionName}'s $LATEST must have ${RELEASE_VARIABLE}=stable; found ${shown(variables[RELEASE_VARIABLE] ?? null)}`);
    }
    const candidateVariables = { ...variables, [RELEASE_VARIABLE]: "candidate" };
    const versions = await allVersions(functionName, deps);
    const find = (vars: Record<string, string>) =>
        versions.find((v) => v.CodeSha256 === latest.CodeSha256 && sameVariables(v.Environment?.Variables, vars))?.Version;

    let stableVersion = find(variables);
    if (!stableVersion) {
        const published = await deps.lambda.publishVersion({
            FunctionName: functionName,
            CodeSha256: latest.CodeSha256,
            RevisionId: latest.RevisionId,
            Description: "aws-blueprints canary demo: stable release",
        });
        stableVersion = published.Version!;
        log("published the stable release", { version: stableVersion });
    }

    let candidateVersion = find(candidateVariables);
    if (!candidateVersion) {
        let failure: unknown;
        try {
            await deps.lambda.updateFunctionConfiguration({ FunctionName: functionName, Environment: { Variables: candidateVariables } });
            const switched = await settled(functionName, deps);
            const published = await deps.lambda.publishVersion({
                FunctionName: functionName,
                CodeSha256: switched.CodeSha256,
                RevisionId: switched.RevisionId,
                Description: "aws-blueprints canary demo: candidate release",
            });
            candidateVersion = published.Version!;
            log("published the candidate release", { version: candidateVersion });
        } catch (err) {
            failure = err;
        }
        try {
            await deps.lambda.updateFunctionConfiguration({ FunctionName: functionName, Environment: { Variables: variables } });
            await settled(functionName, deps);
        } catch (restoreErr) {
            const first = failure instanceof Error ? `${failure.message}; then ` : "";
            throw new Error(`${first}restoring ${functionName}'s $LATEST environment failed: ${restoreErr instanceof Error ? restoreErr.message : String(restoreErr)}`);
        }
        if (failure) throw failure;
    }
    if (stableVersion === candidateVersion) throw new Error(`Lambda returned version ${stableVersion} for both releases of ${functionName}`);
    return { functionName, stableVersion, candidateVersion: candidateVersion! };
}
