// Least-privilege IAM: exact actions on named resources, rendered as inline policies of a role per service.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** One Allow statement of an inline IAM policy. */
export interface Statement {
    /** Statement id (letters and digits). */
    readonly sid?: string;
    /** Exact IAM actions, e.g. `ec2:RevokeSecurityGroupIngress`. Wildcards are refused. */
    readonly actions: readonly string[];
    /** Resource ARNs the actions apply to. `*` only for actions without resource-level permissions. */
    readonly resources: readonly pulumi.Input<string>[];
    /** IAM condition block: operator -> key -> value(s). */
    readonly conditions?: Readonly<Record<string, Readonly<Record<string, pulumi.Input<string | readonly string[]>>>>>;
}

/** Throws when a statement grants wildcard actions or names no resources. */
export function validateStatements(owner: string, statements: readonly Statement[]): void {
    statements.forEach((s, i) => {
        if (s.actions.length === 0) throw new Error(`${owner}: statement ${s.sid ?? i} has no actions`);
        if (s.resources.length === 0) throw new Error(`${owner}: statement ${s.sid ?? i} has no resources`);
        for (const action of s.actions) {
            if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) {
                throw new Error(
                    `${owner}: statement ${s.sid ?? i} action "${action}" must be one exact service:Action (no wildcards)`,
                );
            }
        }
    });
}

/** Renders statements as an IAM policy document (JSON string output). */
export function policyDocument(statements: readonly Statement[]): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: statements.map((s) => ({
            ...(s.sid ? { Sid: s.sid } : {}),
            Effect: "Allow",
            Action: [...s.actions],
            Resource: s.resources.length === 1 ? s.resources[0] : [...s.resources],
            ...(s.conditions ? { Condition: s.conditions } : {}),
        })),
    });
}

/**
 * Services documented to send `aws:SourceAccount` when they assume a role. A positive condition on a key the
 * caller does not send denies the AssumeRole call, so services not listed here (Lambda, EC2, CloudTrail, ...)
 * get no condition rather than a role they cannot use.
 */
const SOURCE_ACCOUNT_SERVICES = new Set(["states.amazonaws.com", "vpc-flow-logs.amazonaws.com", "scheduler.amazonaws.com"]);

/** The trust policy letting a service assume a role; limited to this account where the service supports it. */
export function serviceAssumeRolePolicy(service: string, accountId: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: service },
                Action: "sts:AssumeRole",
                ...(SOURCE_ACCOUNT_SERVICES.has(service) ? { Condition: { StringEquals: { "aws:SourceAccount": accountId } } } : {}),
            },
        ],
    });
}

/** The data-key actions a service needs to encrypt and decrypt with a KMS key (no key-pair actions). */
export const DATA_KEY_ACTIONS = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
];

/**
 * The key policy statement that lets CloudWatch Logs of one region encrypt the log groups whose ARN matches
 * `logGroupArn`, which CloudWatch Logs sends as `kms:EncryptionContext:aws:logs:arn`
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
 */
export function logsEncryptStatement(sid: string, region: pulumi.Input<string>, logGroupArn: pulumi.Input<string>) {
    return {
        Sid: sid,
        Effect: "Allow",
        Principal: { Service: pulumi.interpolate`logs.${region}.amazonaws.com` },
        Action: DATA_KEY_ACTIONS,
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
    };
}

/**
 * The key policy statement that gives a KMS key to its account: without it the key is unmanageable, and with it IAM
 * policies in the account decide who may use and administer the key.
 */
export function accountAdministersKey(accountRootArn: pulumi.Input<string>) {
    return { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: accountRootArn }, Action: "kms:*", Resource: "*" };
}

/**
 * What a Step Functions state machine's role needs to deliver execution logs to CloudWatch Logs. These
 * delivery actions support no resource ARNs, hence `*`.
 */
export function logDeliveryStatement(sid = "DeliverExecutionLogs"): Statement {
    return {
        sid,
        actions: [
            "logs:CreateLogDelivery",
            "logs:GetLogDelivery",
            "logs:UpdateLogDelivery",
            "logs:DeleteLogDelivery",
            "logs:ListLogDeliveries",
            "logs:PutResourcePolicy",
            "logs:DescribeResourcePolicies",
            "logs:DescribeLogGroups",
        ],
        resources: ["*"],
    };
}

export interface ServiceRoleArgs {
    /** Service principal that assumes the role, e.g. `states.amazonaws.com`. */
    readonly service: string;
    /** What the role is for. */
    readonly description: string;
    /** The role's only permissions. */
    readonly statements: readonly Statement[];
}

/**
 * A role one AWS service assumes on behalf of this account only, whose permissions are exactly the given
 * statements (one inline policy, no managed policies). Children: `${name}-role`, `${name}-policy`.
 */
export class ServiceRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly policy: aws.iam.RolePolicy;
    readonly arn: pulumi.Output<string>;

    constructor(name: string, args: ServiceRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:shared:ServiceRole", name, {}, opts);
        validateStatements(name, args.statements);
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        this.role = new aws.iam.Role(
            `${name}-role`,
            { description: args.description, assumeRolePolicy: serviceAssumeRolePolicy(args.service, identity.accountId) },
            { parent: this },
        );
        this.policy = new aws.iam.RolePolicy(
            `${name}-policy`,
            { role: this.role.name, policy: policyDocument(args.statements) },
            { parent: this },
        );
        this.arn = this.role.arn;
        this.registerOutputs({ arn: this.arn });
    }
}
