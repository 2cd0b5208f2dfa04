// Cancels the persistent Spot request behind a standalone Spot instance before the instance is terminated.
//
// A persistent request outlives its instance: terminating the instance reopens the request, and EC2 launches
// a new instance for it that no deployment tracks but the account pays for. Cancelling first, then
// terminating, is the order AWS documents:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-instances-cancel.html
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-requests.html (persistent requests)
import type { EC2 } from "@aws-sdk/client-ec2";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { shown } from "../shared/text";

export interface SpotRequestCancelDeps {
    readonly ec2: Pick<EC2, "cancelSpotInstanceRequests">;
    readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

export interface SpotRequestCancelResult {
    readonly spotInstanceRequestId: string;
    /** The request's state after the call; `absent` when EC2 no longer knows the request. */
    readonly state: string;
}

const REQUEST_ID = /^sir-[0-9a-z]{8,}$/;

/** Throws unless `id` is a Spot instance request id (`sir-` and at least eight letters or digits). */
export function checkSpotRequestId(id: unknown): string {
    if (typeof id !== "string" || !REQUEST_ID.test(id)) {
        throw new Error(`spotInstanceRequestId must be a Spot instance request id like sir-0123abcd; got ${shown(id ?? null)}`);
    }
    return id;
}

function errorNameOf(err: unknown): string {
    return typeof err === "object" && err !== null ? String((err as Record<string, unknown>).name ?? (err as Record<string, unknown>).Code ?? "") : "";
}

/**
 * Cancels the request. Idempotent: a request already cancelled, closed or completed, or one EC2 has forgotten,
 * counts as cancelled. Any other answer, and any other error, is thrown, so a deletion stops before the instance
 * is terminated and the request can still relaunch it.
 */
export async function cancelSpotRequest(id: unknown, deps: SpotRequestCancelDeps): Promise<SpotRequestCancelResult> {
    const log = deps.log ?? (() => undefined);
    const spotInstanceRequestId = checkSpotRequestId(id);
    let state: string;
    try {
        const out = await deps.ec2.cancelSpotInstanceRequests({ SpotInstanceRequestIds: [spotInstanceRequestId] });
        const cancelled = (out.CancelledSpotInstanceRequests ?? []).find((r) => r.SpotInstanceRequestId === spotInstanceRequestId);
        state = String(cancelled?.State ?? "");
    } catch (err) {
        if (errorNameOf(err) === "InvalidSpotInstanceRequestID.NotFound") {
            log("spot request already gone", { spotInstanceRequestId });
            return { spotInstanceRequestId, state: "absent" };
        }
        throw err;
    }
    if (!["cancelled", "closed", "completed"].includes(state)) {
        throw new Error(`cancelling Spot request ${spotInstanceRequestId} left it ${state ? `in state ${state}` : "unreported"}; it may still launch instances`);
    }
    log("spot request cancelled", { spotInstanceRequestId, state });
    return { spotInstanceRequestId, state };
}

/**
 * The stack's `aws:` settings that choose who the deploying process is: the profile and credential files, static
 * keys, and the roles the AWS provider assumes in turn. A deletion run by the deploying process must act as the
 * provider does, or it cancels nothing in another account and reports the request gone (EC2 answers NotFound there).
 */
export interface DeployerIdentity {
    readonly profile?: string;
    readonly sharedConfigFiles?: readonly string[];
    readonly sharedCredentialsFiles?: readonly string[];
    readonly accessKey?: string;
    readonly secretKey?: string;
    readonly token?: string;
    readonly assumeRoles?: ReadonlyArray<{ readonly roleArn?: string; readonly sessionName?: string; readonly externalId?: string; readonly duration?: string }>;
}

/** Seconds of a Go duration the AWS provider takes for an assumed role's session ("1h", "15m", "3600s"). */
function durationSeconds(duration: string | undefined): number | undefined {
    const m = duration ? /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration) : null;
    return m && duration ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : undefined;
}

/**
 * The SDK credentials for a deployer identity, resolved as the AWS provider resolves them: static keys, else the
 * profile (and its files), else the SDK's default chain; then each role of `assumeRoles` assumed in turn with the
 * previous credentials. Undefined when nothing is set: the SDK's default chain, the provider's own default.
 * https://www.pulumi.com/registry/packages/aws/installation-configuration/
 */
export function deployerCredentials(identity: DeployerIdentity, region: string): AwsCredentialIdentityProvider | undefined {
    // Required here: the deploying process loads it when a deletion needs it.
    const { fromIni, fromTemporaryCredentials } = require("@aws-sdk/credential-providers");
    let credentials: AwsCredentialIdentityProvider | undefined;
    if (identity.accessKey && identity.secretKey) {
        const keys = { accessKeyId: identity.accessKey, secretAccessKey: identity.secretKey, sessionToken: identity.token };
        credentials = async () => keys;
    } else if (identity.profile || identity.sharedConfigFiles?.length || identity.sharedCredentialsFiles?.length) {
        credentials = fromIni({ profile: identity.profile, filepath: identity.sharedCredentialsFiles?.[0], configFilepath: identity.sharedConfigFiles?.[0] });
    }
    for (const role of identity.assumeRoles ?? []) {
        if (!role.roleArn) continue;
        credentials = fromTemporaryCredentials({
            masterCredentials: credentials,
            params: { RoleArn: role.roleArn, RoleSessionName: role.sessionName ?? "aws-blueprints-deployer", ExternalId: role.externalId, DurationSeconds: durationSeconds(role.duration) },
            clientConfig: { region },
        });
    }
    return credentials;
}
