// Least-privilege Lambda functions built from TypeScript callbacks.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ServiceRole, Statement } from "./iam";
import { bundledModules, PACKAGE_MANIFEST, packageDir, serializeOwnModulesByValue } from "./packaging";
import { LAMBDA_MEMORY_MB } from "./settings";

export interface HandlerFunctionArgs<E, R> {
    /** What the function does; becomes its description. */
    readonly description: string;
    /**
     * The handler. Build SDK clients inside it (`require` them there): module-level SDK imports break closure
     * serialization and would be bundled into the archive. Define it at module level where it captures nothing of
     * the instance (its configuration comes from `environment`): the same function is then serialized once per
     * program, however many instances use it.
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
    /**
     * Platform-specific packages that a bundled package loads at run time but npm installs as optional dependencies
     * (sharp's `@img/sharp-linux-x64`, for example). Pulumi's bundling follows `dependencies` only, so without this
     * they would be left out of the archive. Each must be installed in node_modules. @default []
     */
    readonly nativePackages?: readonly string[];
    /** Concurrency reserved for the function. @default unreserved */
    readonly reservedConcurrency?: number;
    /** Protect the log group from deletion. @default false */
    readonly protect?: boolean;
}

export const LAMBDA_RUNTIME = aws.lambda.Runtime.NodeJS22dX;

/** The archive's module and export, as CallbackFunction names them (`__index.handler`). */
const HANDLER_MODULE = "__index";
const HANDLER_EXPORT = "handler";

type SerializedFunction = Awaited<ReturnType<typeof pulumi.runtime.serializeFunction>>;
const closureCache = new WeakMap<object, Map<string, Promise<SerializedFunction>>>();

/**
 * The handler's serialized closure. Serializing parses every function the handler reaches and looks each captured
 * object up among the loaded modules, the largest part of building a function; the result depends only on the
 * function object (what it captures is fixed once it exists), the globals in scope (a global of the same name
 * replaces a captured function) and the working directory (module paths are relative to it), so a function defined
 * once at module level is serialized once per combination of those.
 */
function serializedHandler(callback: (...args: any[]) => unknown): Promise<SerializedFunction> {
    const environment = `${process.cwd()}\0${Object.getOwnPropertyNames(globalThis).sort().join(",")}`;
    let byEnvironment = closureCache.get(callback);
    if (!byEnvironment) closureCache.set(callback, (byEnvironment = new Map()));
    let closure = byEnvironment.get(environment);
    if (!closure) {
        closure = pulumi.runtime.serializeFunction(callback, {
            serialize: () => true,
            exportName: HANDLER_EXPORT,
            isFactoryFunction: false,
            allowSecrets: true,
        });
        byEnvironment.set(environment, closure);
    }
    return closure;
}

/**
 * A Node.js 22 Lambda function from a TypeScript callback, with its own role (only the given statements plus
 * its log group), its own log group with a retention, and an archive holding just the serialized handler.
 * Never uses CallbackFunction's default role, which attaches nine *FullAccess managed policies.
 */
export class HandlerFunction<E = unknown, R = unknown> extends pulumi.ComponentResource {
    readonly function: aws.lambda.Function;
    readonly role: aws.iam.Role;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly arn: pulumi.Output<string>;
    readonly functionName: pulumi.Output<string>;
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: HandlerFunctionArgs<E, R>, opts?: pulumi.ComponentResourceOptions) {
        const { timeout, memory, packages } = checkedArgs(name, args);
        super("aws-blueprints:shared:HandlerFunction", name, {}, opts);

        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { retentionInDays: args.logRetentionDays ?? 30 },
            { parent: this, protect: args.protect, retainOnDelete: args.protect || undefined },
        );
        const logStatement: Statement = {
            sid: "OwnLogGroup",
            actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
            resources: [pulumi.interpolate`${this.logGroup.arn}:*`],
        };
        const role = new ServiceRole(
            `${name}`,
            { service: "lambda.amazonaws.com", description: `Execution role of ${name}`, statements: [logStatement, ...args.statements] },
            { parent: this },
        );
        this.role = role.role;

        const code = this.archive(name, args.callback, packages);
        this.function = new aws.lambda.Function(
            `${name}`,
            {
                description: args.description,
                code,
                handler: `${HANDLER_MODULE}.${HANDLER_EXPORT}`,
                role: this.role.arn,
                runtime: LAMBDA_RUNTIME,
                architectures: [args.architecture ?? "arm64"],
                timeout,
                memorySize: memory,
                reservedConcurrentExecutions: args.reservedConcurrency,
                environment: args.environment ? { variables: { ...args.environment } } : undefined,
                loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
            },
            // The role's permissions must exist before the first invocation.
            { parent: this, dependsOn: [role.policy] },
        );
        this.arn = this.function.arn;
        this.functionName = this.function.name;
        this.roleArn = this.role.arn;
        this.registerOutputs({ arn: this.arn, functionName: this.functionName, roleArn: this.roleArn });
    }

    /** The deployment package: the serialized handler and the packages it loads, taken from this package's node_modules. */
    private archive(name: string, callback: HandlerFunctionArgs<E, R>["callback"], packages: readonly string[]) {
        // What CallbackFunction builds (its archive layout, handler and role), with the packages taken from this
        // package's own node_modules rather than the working directory's (see bundledModules).
        serializeOwnModulesByValue();
        const closure = serializedHandler(callback);
        const code = pulumi.output(
            new pulumi.asset.AssetArchive(
                closure.then((c) => ({
                    [`${HANDLER_MODULE}.js`]: new pulumi.asset.StringAsset(c.text),
                    ...bundledModules(packages),
                })),
            ),
        );
        // As CallbackFunction does: a captured secret makes the archive a secret, with a warning.
        (code as unknown as { isSecret: Promise<boolean> }).isSecret = closure.then((c) => {
            if (c.containsSecrets) {
                pulumi.log.warn(`A secret value was captured and serialized into the body of the Lambda Function '${name}'; it is stored encrypted in the state but is in plain text in the deployment package.`, this);
            }
            return c.containsSecrets;
        });
        return code;
    }
}

/** The function's timeout, memory and packages, checked before anything registers: a bad one creates nothing. */
function checkedArgs(name: string, args: HandlerFunctionArgs<never, unknown>): { timeout: number; memory: number; packages: string[] } {
    const timeout = args.timeoutSeconds ?? 30;
    if (timeout < 1 || timeout > 900) throw new Error(`${name}: timeoutSeconds must be 1-900; got ${timeout}`);
    const memory = args.memorySizeMb ?? 256;
    if (!Number.isInteger(memory) || memory < LAMBDA_MEMORY_MB.min || memory > LAMBDA_MEMORY_MB.max) {
        throw new Error(`${name}: memorySizeMb must be ${LAMBDA_MEMORY_MB.min}-${LAMBDA_MEMORY_MB.max}; got ${memory}`);
    }
    const bundled = args.bundledPackages ?? [];
    const dependencies = Object.keys(PACKAGE_MANIFEST.dependencies ?? {});
    for (const p of bundled) {
        if (!dependencies.includes(p)) throw new Error(`${name}: bundledPackages "${p}" is not in package.json dependencies`);
    }
    const native = args.nativePackages ?? [];
    if (native.length > 0 && bundled.length === 0) throw new Error(`${name}: nativePackages needs the bundledPackages that load them`);
    for (const p of native) {
        if (!packageDir(p)) {
            throw new Error(`${name}: nativePackages "${p}" is not installed in node_modules, so the function would fail to load it`);
        }
    }
    return { timeout, memory, packages: [...bundled, ...native] };
}

/**
 * An EventBridge rule's target that invokes `fn`, and the resource policy letting EventBridge invoke it for this rule
 * only; the target waits for the permission, so the rule's first event is not refused. Events EventBridge cannot
 * deliver after `maximumRetryAttempts` (or an hour) go to `deadLetterArn` when given
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html).
 */
export function ruleInvokesFunction(
    name: string,
    args: {
        readonly rule: aws.cloudwatch.EventRule;
        readonly fn: HandlerFunction;
        readonly maximumRetryAttempts: number;
        readonly deadLetterArn?: pulumi.Input<string>;
    },
    opts: { readonly parent: pulumi.Resource; readonly dependsOn?: readonly pulumi.Resource[] },
): aws.cloudwatch.EventTarget {
    const permission = new aws.lambda.Permission(
        `${name}-invoke`,
        { action: "lambda:InvokeFunction", function: args.fn.functionName, principal: "events.amazonaws.com", sourceArn: args.rule.arn },
        { parent: opts.parent },
    );
    return new aws.cloudwatch.EventTarget(
        `${name}-target`,
        {
            rule: args.rule.name,
            arn: args.fn.arn,
            retryPolicy: { maximumRetryAttempts: args.maximumRetryAttempts, maximumEventAgeInSeconds: 3600 },
            ...(args.deadLetterArn !== undefined ? { deadLetterConfig: { arn: args.deadLetterArn } } : {}),
        },
        { parent: opts.parent, dependsOn: [permission, ...(opts.dependsOn ?? [])] },
    );
}
