// Least-privilege Lambda functions built from TypeScript callbacks.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as packageJson from "../package.json";

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

/** The trust policy letting a service assume a role, limited to this account. */
export function serviceAssumeRolePolicy(service: string, accountId: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: service },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
        ],
    });
}

export interface HandlerFunctionArgs<E, R> {
    /** What the function does; becomes its description. */
    readonly description: string;
    /**
     * The handler. Build SDK clients inside it (`require` them there): module-level SDK imports break closure
     * serialization and would be bundled into the archive.
     */
    readonly callback: (event: E, context: unknown) => Promise<R>;
    /** Permissions besides writing its own logs. */
    readonly statements: readonly Statement[];
    /** Environment variables. @default {} */
    readonly environment?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Timeout in seconds. @default 30 */
    readonly timeoutSeconds?: number;
    /** Memory in MB. @default 256 */
    readonly memorySizeMb?: number;
    /** Instruction set. @default "arm64" (cheaper per GB-second; the runtime and SDK are the same) */
    readonly architecture?: "arm64" | "x86_64";
    /** Retention of the function's log group, in days. @default 30 */
    readonly logRetentionDays?: number;
    /** Packages from `dependencies` the handler requires at run time. @default [] (the archive holds only the handler) */
    readonly bundledPackages?: readonly string[];
    /** Concurrency reserved for the function. @default unreserved */
    readonly reservedConcurrency?: number;
    /** Protect the log group from deletion. @default false */
    readonly protect?: boolean;
}

export const LAMBDA_RUNTIME = aws.lambda.Runtime.NodeJS22dX;

/**
 * A Node.js 22 Lambda function from a TypeScript callback, with its own role (only the given statements plus
 * its log group), its own log group with a retention, and an archive holding just the serialized handler.
 * Never uses CallbackFunction's default role, which attaches nine *FullAccess managed policies.
 */
export class HandlerFunction<E = unknown, R = unknown> extends pulumi.ComponentResource {
    readonly function: aws.lambda.CallbackFunction<E, R>;
    readonly role: aws.iam.Role;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly arn: pulumi.Output<string>;
    readonly functionName: pulumi.Output<string>;
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: HandlerFunctionArgs<E, R>, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:shared:HandlerFunction", name, {}, opts);
        validateStatements(name, args.statements);
        const timeout = args.timeoutSeconds ?? 30;
        if (timeout < 1 || timeout > 900) throw new Error(`${name}: timeoutSeconds must be 1-900; got ${timeout}`);
        const memory = args.memorySizeMb ?? 256;
        if (memory < 128 || memory > 10240) throw new Error(`${name}: memorySizeMb must be 128-10240; got ${memory}`);
        const bundled = args.bundledPackages ?? [];
        const dependencies = Object.keys(packageJson.dependencies);
        for (const p of bundled) {
            if (!dependencies.includes(p)) throw new Error(`${name}: bundledPackages "${p}" is not in package.json dependencies`);
        }

        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { retentionInDays: args.logRetentionDays ?? 30 },
            { parent: this, protect: args.protect, retainOnDelete: args.protect || undefined },
        );
        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `Execution role of ${name}`,
                assumeRolePolicy: serviceAssumeRolePolicy("lambda.amazonaws.com", identity.accountId),
            },
            { parent: this },
        );
        const logStatement: Statement = {
            sid: "OwnLogGroup",
            actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
            resources: [pulumi.interpolate`${this.logGroup.arn}:*`],
        };
        const policy = new aws.iam.RolePolicy(
            `${name}-policy`,
            { role: this.role.name, policy: policyDocument([logStatement, ...args.statements]) },
            { parent: this },
        );

        this.function = new aws.lambda.CallbackFunction<E, R>(
            `${name}`,
            {
                description: args.description,
                callback: args.callback,
                role: this.role,
                runtime: LAMBDA_RUNTIME,
                architectures: [args.architecture ?? "arm64"],
                timeout,
                memorySize: memory,
                reservedConcurrentExecutions: args.reservedConcurrency,
                environment: args.environment ? { variables: { ...args.environment } } : undefined,
                loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
                codePathOptions: { extraExcludePackages: dependencies.filter((d) => !bundled.includes(d)) },
            },
            // The role's permissions must exist before the first invocation.
            { parent: this, dependsOn: [policy] },
        );
        this.arn = this.function.arn;
        this.functionName = this.function.name;
        this.roleArn = this.role.arn;
        this.registerOutputs({ arn: this.arn, functionName: this.functionName, roleArn: this.roleArn });
    }
}
