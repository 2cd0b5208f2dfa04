// The account the stack deploys into: the one the user chose. The AWS provider refuses an account outside
// `aws:allowedAccountIds` or inside `aws:forbiddenAccountIds` before it changes anything
// (https://www.pulumi.com/registry/packages/aws/api-docs/provider/), and with `aws:assumeRoles` it deploys into the
// last role's account, which may not be the account of the credentials the preflight reads with.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsClients } from "./clients";
import type { Finding, StackModel } from "./model";

export interface Identity {
    /** The account of the credentials the preflight reads with. */
    readonly accountId: string;
    readonly arn: string;
    /** The account the stack deploys into: the last assumed role's, else the caller's. */
    readonly targetAccountId: string;
}

const ROLE_ACCOUNT = /^arn:aws[a-z-]*:iam::(\d{12}):role\//;

export async function callerIdentity(model: StackModel, clients: AwsClients): Promise<Identity> {
    const identity = await clients.in(STSClient, model.region).send(new GetCallerIdentityCommand({}));
    const roles = Array.isArray(model.aws.assumeRoles) ? (model.aws.assumeRoles as Array<{ roleArn?: string }>) : [];
    const lastRole = roles.length > 0 ? roles[roles.length - 1].roleArn : undefined;
    const accountId = identity.Account ?? "";
    return { accountId, arn: identity.Arn ?? "", targetAccountId: (lastRole && ROLE_ACCOUNT.exec(lastRole)?.[1]) || accountId };
}

export function identityFindings(model: StackModel, identity: Identity): Finding[] {
    const findings: Finding[] = [];
    const target = identity.targetAccountId;
    const list = (key: string) => (Array.isArray(model.aws[key]) ? (model.aws[key] as unknown[]).map(String) : undefined);
    const allowed = list("allowedAccountIds");
    const forbidden = list("forbiddenAccountIds");
    if (allowed && !allowed.includes(target)) {
        findings.push({
            severity: "error",
            check: "identity",
            subject: "aws:allowedAccountIds",
            problem: `the stack would deploy into account ${target}, which aws:allowedAccountIds (${allowed.join(", ")}) does not list: the AWS provider refuses to start`,
            fix: `use credentials (or aws:profile / aws:assumeRoles) of an allowed account, or add ${target} to aws:allowedAccountIds`,
        });
    }
    if (forbidden?.includes(target)) {
        findings.push({
            severity: "error",
            check: "identity",
            subject: "aws:forbiddenAccountIds",
            problem: `the stack would deploy into account ${target}, which aws:forbiddenAccountIds lists: the AWS provider refuses to start`,
            fix: "use credentials (or aws:profile / aws:assumeRoles) of another account",
        });
    }
    if (target !== identity.accountId) {
        findings.push({
            severity: "warning",
            check: "identity",
            subject: "aws:assumeRoles",
            problem: `the stack deploys into account ${target} through its assumed role, but the preflight read account ${identity.accountId} with your own credentials (it assumes no role: it only reads)`,
            fix: `run the preflight with credentials of account ${target}, e.g. a profile that assumes the role (AWS_PROFILE or aws:profile)`,
        });
    }
    return findings;
}
