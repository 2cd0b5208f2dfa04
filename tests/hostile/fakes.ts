// Stateful fakes of the AWS calls the handlers make, on the SDK's real clients (aws-sdk-client-mock stubs each
// client instance's `send`): what one delivery changes is what the next one reads, each call keeps the rule AWS
// applies to it (a conditional alias update, an idempotent StartExecution, a job result reported once, a message
// size limit), and any call can be made to fail before its effect or after it (the effect landed, the response was
// lost). Every call is recorded, so a property can tell whether a delivery changed anything.
//
// aws-sdk-client-mock replaces `send`, so the SDK's middleware stack, its retry strategy included, never runs here:
// one failing call is one failure the handler sees. tests/hostile/sdkRetries.test.ts shows what the real clients add.
import { CloudFormation } from "@aws-sdk/client-cloudformation";
import { CloudWatch } from "@aws-sdk/client-cloudwatch";
import { CodePipeline } from "@aws-sdk/client-codepipeline";
import { AttributeValue, DynamoDB } from "@aws-sdk/client-dynamodb";
import { EC2, Filter, IpPermission } from "@aws-sdk/client-ec2";
import { IAM } from "@aws-sdk/client-iam";
import { FunctionConfiguration, Lambda } from "@aws-sdk/client-lambda";
import { S3 } from "@aws-sdk/client-s3";
import { SFN } from "@aws-sdk/client-sfn";
import { SNS } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { awsError } from "../faults";

export const REGION = "us-east-1";
export const ACCOUNT = "123456789012";
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };

/** One call a handler made: what it asked, whether it changes state, and whether its effect landed. */
export interface Call {
    readonly command: string;
    readonly input: any;
    readonly mutating: boolean;
    landed: boolean;
    error?: string;
}

interface Fault {
    readonly error: () => Error;
    readonly after: boolean;
}

type Handler = (input: any) => unknown;

function hasLoneSurrogate(value: unknown): boolean {
    if (typeof value === "string") return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
    if (Array.isArray(value)) return value.some(hasLoneSurrogate);
    if (value !== null && typeof value === "object") return Object.values(value).some(hasLoneSurrogate);
    return false;
}

/**
 * Which input strings the real client percent-encodes (encodeURIComponent, which throws URIError on a lone surrogate
 * before anything is sent): every one for the query-protocol services (EC2, SNS, IAM, CloudFormation), the URI
 * fields for REST ones (Lambda). JSON-protocol services (DynamoDB, Step Functions, CloudWatch) send them.
 */
type Encoded = "all" | readonly string[];

/** The common part of every fake: the call log, injected faults, and the stubs on a real client. */
export abstract class Fake<C extends { send: (...args: any[]) => any }> {
    readonly calls: Call[] = [];
    private readonly faults = new Map<string, (Fault | null)[]>();
    private readonly stub;

    protected constructor(
        readonly client: C,
        private readonly encoded: Encoded = [],
    ) {
        this.stub = mockClient(client as any);
    }

    /** Registers the fake of one command: `mutating` when it changes what a later call reads. */
    protected on(command: { name: string }, mutating: boolean, handler: Handler): void {
        const name = command.name.replace(/Command$/, "");
        this.stub.on(command as any).callsFake(async (input: any) => {
            const call: Call = { command: name, input, mutating, landed: false };
            this.calls.push(call);
            const uriValues = this.encoded === "all" ? [input] : this.encoded.map((k) => input?.[k]);
            if (uriValues.some(hasLoneSurrogate)) {
                call.error = "URIError";
                throw new URIError("URI malformed");
            }
            const fault = this.faults.get(name)?.shift();
            if (fault && !fault.after) {
                call.error = fault.error().name;
                throw fault.error();
            }
            let out: unknown;
            try {
                out = handler(input);
            } catch (err) {
                call.error = (err as Error).name;
                throw err;
            }
            call.landed = true;
            if (fault?.after) {
                call.error = fault.error().name;
                throw fault.error();
            }
            return out;
        });
    }

    /**
     * The next `times` calls of `command` (e.g. "UpdateAlias") fail, after `skip` calls that succeed; with `after`,
     * each one's effect lands first (the response is lost).
     */
    fail(command: string, error: () => Error, options: { after?: boolean; times?: number; skip?: number } = {}): this {
        const list = this.faults.get(command) ?? [];
        for (let i = 0; i < (options.skip ?? 0); i++) list.push(null);
        for (let i = 0; i < (options.times ?? 1); i++) list.push({ error, after: options.after ?? false });
        this.faults.set(command, list);
        return this;
    }

    /** Calls that changed something (their effect landed). */
    changes(): Call[] {
        return this.calls.filter((c) => c.mutating && c.landed);
    }

    /** Calls of one command. */
    callsOf(command: string): Call[] {
        return this.calls.filter((c) => c.command === command);
    }

    /** Forgets the call log and pending faults (the state stays). */
    clearLog(): void {
        this.calls.length = 0;
        this.faults.clear();
    }

    restore(): void {
        this.stub.restore();
    }
}

function tagsMatch(tags: Record<string, string>, filters: readonly Filter[] | undefined): boolean {
    return (filters ?? []).every((f) => {
        if (!f.Name?.startsWith("tag:")) return true;
        const key = f.Name.slice(4);
        return key in tags && (f.Values ?? []).includes(tags[key]);
    });
}

function tagList(tags: Record<string, string>) {
    return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

// ------------------------------------------------------------------------------------------------------------
// Lambda: aliases with conditional updates, versions, $LATEST's configuration.

export interface FakeAlias {
    FunctionVersion: string;
    AdditionalVersionWeights: Record<string, number>;
    RevisionId: string;
}

export interface FakeFunction {
    latest: FunctionConfiguration;
    versions: Map<string, FunctionConfiguration>;
    aliases: Map<string, FakeAlias>;
}

export class FakeLambda extends Fake<Lambda> {
    readonly functions = new Map<string, FakeFunction>();
    private revision = 0;

    constructor() {
        super(new Lambda({ region: REGION, credentials }), ["FunctionName", "Name", "Qualifier"]);
        const { GetAliasCommand, UpdateAliasCommand, GetFunctionConfigurationCommand, ListVersionsByFunctionCommand, PublishVersionCommand, UpdateFunctionConfigurationCommand } =
            require("@aws-sdk/client-lambda");
        this.on(GetAliasCommand, false, (i) => this.aliasView(i.FunctionName, this.alias(i.FunctionName, i.Name)));
        this.on(UpdateAliasCommand, true, (i) => {
            const alias = this.alias(i.FunctionName, i.Name);
            // https://docs.aws.amazon.com/lambda/latest/api/API_UpdateAlias.html: RevisionId makes the update conditional.
            if (i.RevisionId !== undefined && i.RevisionId !== alias.RevisionId) {
                throw awsError("PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id.", 412);
            }
            const fn = this.fn(i.FunctionName);
            const version = i.FunctionVersion ?? alias.FunctionVersion;
            if (!fn.versions.has(version)) throw awsError("ResourceNotFoundException", `Function not found: version ${version}`, 404);
            const weights: Record<string, number> = i.RoutingConfig ? { ...(i.RoutingConfig.AdditionalVersionWeights ?? {}) } : alias.AdditionalVersionWeights;
            for (const [v, w] of Object.entries(weights)) {
                if (!fn.versions.has(v) || v === version || !(w > 0 && w < 1)) throw awsError("InvalidParameterValueException", `invalid routing to ${v} at ${w}`);
            }
            Object.assign(alias, { FunctionVersion: version, AdditionalVersionWeights: weights, RevisionId: this.nextRevision() });
            return this.aliasView(i.FunctionName, alias);
        });
        this.on(GetFunctionConfigurationCommand, false, (i) => {
            const fn = this.fn(i.FunctionName);
            if (i.Qualifier === undefined || i.Qualifier === "$LATEST") return { ...fn.latest };
            const v = fn.versions.get(i.Qualifier);
            if (!v) throw awsError("ResourceNotFoundException", `Function not found: ${i.FunctionName}:${i.Qualifier}`, 404);
            return { ...v };
        });
        this.on(ListVersionsByFunctionCommand, false, (i) => ({
            Versions: [{ ...this.fn(i.FunctionName).latest, Version: "$LATEST" }, ...this.fn(i.FunctionName).versions.values()],
        }));
        this.on(PublishVersionCommand, true, (i) => {
            const fn = this.fn(i.FunctionName);
            if (i.RevisionId !== undefined && i.RevisionId !== fn.latest.RevisionId) {
                throw awsError("PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id.", 412);
            }
            // Publishing an unchanged $LATEST returns the version that already snapshots it.
            const same = [...fn.versions.values()].find(
                (v) => v.CodeSha256 === fn.latest.CodeSha256 && JSON.stringify(v.Environment ?? {}) === JSON.stringify(fn.latest.Environment ?? {}),
            );
            if (same) return { ...same };
            const version = String(Math.max(0, ...[...fn.versions.keys()].map(Number)) + 1);
            const config = { ...structuredClone(fn.latest), Version: version, Description: i.Description };
            fn.versions.set(version, config);
            return { ...config };
        });
        this.on(UpdateFunctionConfigurationCommand, true, (i) => {
            const fn = this.fn(i.FunctionName);
            fn.latest = { ...fn.latest, Environment: structuredClone(i.Environment), RevisionId: this.nextRevision() };
            return { ...fn.latest };
        });
    }

    private nextRevision(): string {
        return `rev-${++this.revision}`;
    }

    /** Adds a function with published versions (each a configuration), an alias on `aliasVersion`. */
    addFunction(name: string, versions: Record<string, Partial<FunctionConfiguration>>, aliases: Record<string, string> = {}): FakeFunction {
        const role = `arn:aws:iam::${ACCOUNT}:role/${name}`;
        const fn: FakeFunction = {
            latest: { FunctionName: name, Version: "$LATEST", Role: role, State: "Active", LastUpdateStatus: "Successful", RevisionId: this.nextRevision() },
            versions: new Map(Object.entries(versions).map(([v, c]) => [v, { FunctionName: name, Version: v, Role: role, State: "Active", ...c }])),
            aliases: new Map(Object.entries(aliases).map(([a, v]) => [a, { FunctionVersion: v, AdditionalVersionWeights: {}, RevisionId: this.nextRevision() }])),
        };
        this.functions.set(name, fn);
        return fn;
    }

    fn(name: string): FakeFunction {
        const fn = this.functions.get(name);
        if (!fn) throw awsError("ResourceNotFoundException", `Function not found: ${name}`, 404);
        return fn;
    }

    alias(functionName: string, name: string): FakeAlias {
        const alias = this.fn(functionName).aliases.get(name);
        if (!alias) throw awsError("ResourceNotFoundException", `Alias not found: ${functionName}:${name}`, 404);
        return alias;
    }

    private aliasView(functionName: string, alias: FakeAlias) {
        const weights = alias.AdditionalVersionWeights;
        return {
            AliasArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
            FunctionVersion: alias.FunctionVersion,
            RevisionId: alias.RevisionId,
            ...(Object.keys(weights).length > 0 ? { RoutingConfig: { AdditionalVersionWeights: { ...weights } } } : {}),
        };
    }
}

// ------------------------------------------------------------------------------------------------------------
// CloudWatch: metric sums the test sets, alarm states, metrics put.

export class FakeCloudWatch extends Fake<CloudWatch> {
    /** Sums returned by GetMetricData, by query id. */
    readonly metrics: Record<string, number> = { invocations: 100, errors: 0, throttles: 0 };
    readonly alarms = new Map<string, string>();
    readonly put: any[] = [];

    constructor() {
        super(new CloudWatch({ region: REGION, credentials }));
        const { GetMetricDataCommand, DescribeAlarmsCommand, PutMetricDataCommand } = require("@aws-sdk/client-cloudwatch");
        this.on(GetMetricDataCommand, false, (i) => ({
            MetricDataResults: (i.MetricDataQueries ?? []).map((q: any) => ({ Id: q.Id, StatusCode: "Complete", Values: [this.metrics[q.Id] ?? 0] })),
        }));
        this.on(DescribeAlarmsCommand, false, (i) => ({
            MetricAlarms: (i.AlarmNames ?? []).filter((n: string) => this.alarms.has(n)).map((n: string) => ({ AlarmName: n, StateValue: this.alarms.get(n) })),
        }));
        this.on(PutMetricDataCommand, true, (i) => {
            this.put.push(i);
            return {};
        });
    }
}

// ------------------------------------------------------------------------------------------------------------
// SNS: messages published, with Publish's limits.

export class FakeSns extends Fake<SNS> {
    readonly messages: { TopicArn: string; Subject?: string; Message: string }[] = [];

    constructor() {
        super(new SNS({ region: REGION, credentials }), "all");
        const { PublishCommand } = require("@aws-sdk/client-sns");
        this.on(PublishCommand, true, (i) => {
            // https://docs.aws.amazon.com/sns/latest/api/API_Publish.html: at most 256 KB; the subject is ASCII
            // text beginning with a letter, number or punctuation, without line breaks or control characters,
            // shorter than 100 characters.
            if (typeof i.Message !== "string" || i.Message.length === 0) throw awsError("InvalidParameter", "Invalid parameter: Message");
            if (Buffer.byteLength(i.Message) > 262_144) throw awsError("InvalidParameter", "Invalid parameter: Message too long");
            if (i.Subject !== undefined && !/^[\x21-\x7e][\x20-\x7e]{0,98}$/.test(i.Subject)) throw awsError("InvalidParameter", "Invalid parameter: Subject");
            this.messages.push({ TopicArn: i.TopicArn, Subject: i.Subject, Message: i.Message });
            return { MessageId: `msg-${this.messages.length}` };
        });
    }
}

// ------------------------------------------------------------------------------------------------------------
// Step Functions: executions by name, with StartExecution's idempotency.

export interface FakeExecution {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    input: string;
    status: "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
    error?: string;
    cause?: string;
}

export class FakeSfn extends Fake<SFN> {
    readonly executions = new Map<string, FakeExecution>();

    constructor() {
        super(new SFN({ region: REGION, credentials }));
        const { StartExecutionCommand, DescribeExecutionCommand, StopExecutionCommand } = require("@aws-sdk/client-sfn");
        this.on(StartExecutionCommand, true, (i) => {
            const arn = `${String(i.stateMachineArn).replace(":stateMachine:", ":execution:")}:${i.name}`;
            const existing = this.executions.get(arn);
            // https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html: the same name
            // and input of a running execution return it; a closed one, or other input, is ExecutionAlreadyExists.
            if (existing) {
                if (existing.status === "RUNNING" && existing.input === i.input) return { executionArn: arn, startDate: new Date(0) };
                throw awsError("ExecutionAlreadyExists", `Execution Already Exists: '${arn}'`);
            }
            this.executions.set(arn, { executionArn: arn, stateMachineArn: i.stateMachineArn, name: i.name, input: i.input, status: "RUNNING" });
            return { executionArn: arn, startDate: new Date(0) };
        });
        this.on(DescribeExecutionCommand, false, (i) => {
            const e = this.executions.get(i.executionArn);
            if (!e) throw awsError("ExecutionDoesNotExist", `Execution Does Not Exist: '${i.executionArn}'`);
            return { ...e };
        });
        this.on(StopExecutionCommand, true, (i) => {
            const e = this.executions.get(i.executionArn);
            if (!e) throw awsError("ExecutionDoesNotExist", `Execution Does Not Exist: '${i.executionArn}'`);
            if (e.status === "RUNNING") Object.assign(e, { status: "ABORTED", error: i.error, cause: i.cause });
            return { stopDate: new Date(0) };
        });
    }
}

// ------------------------------------------------------------------------------------------------------------
// IAM: managed policies attached to groups.

export class FakeIam extends Fake<IAM> {
    readonly groups = new Map<string, Set<string>>();

    constructor() {
        super(new IAM({ region: REGION, credentials }), "all");
        const { ListAttachedGroupPoliciesCommand, AttachGroupPolicyCommand, DetachGroupPolicyCommand } = require("@aws-sdk/client-iam");
        this.on(ListAttachedGroupPoliciesCommand, false, (i) => ({
            AttachedPolicies: [...this.group(i.GroupName)].map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split("/").pop() })),
            IsTruncated: false,
        }));
        // Attaching an attached policy succeeds; detaching one that is not attached is NoSuchEntity.
        this.on(AttachGroupPolicyCommand, true, (i) => {
            this.group(i.GroupName).add(i.PolicyArn);
            return {};
        });
        this.on(DetachGroupPolicyCommand, true, (i) => {
            if (!this.group(i.GroupName).delete(i.PolicyArn)) throw awsError("NoSuchEntity", `Policy ${i.PolicyArn} was not found.`, 404);
            return {};
        });
    }

    private group(name: string): Set<string> {
        const g = this.groups.get(name);
        if (!g) throw awsError("NoSuchEntity", `The group with name ${name} cannot be found.`, 404);
        return g;
    }
}

// ------------------------------------------------------------------------------------------------------------
// CodePipeline: a job's result is reported once.

export class FakeCodePipeline extends Fake<CodePipeline> {
    readonly jobs = new Map<string, { status: "InProgress" | "Succeeded" | "Failed"; result?: any }>();

    constructor() {
        super(new CodePipeline({ region: REGION, credentials }));
        const { PutJobSuccessResultCommand, PutJobFailureResultCommand } = require("@aws-sdk/client-codepipeline");
        const report = (status: "Succeeded" | "Failed") => (i: any) => {
            const job = this.jobs.get(i.jobId);
            if (!job) throw awsError("JobNotFoundException", `Job ${i.jobId} not found`);
            if (job.status !== "InProgress") throw awsError("InvalidJobStateException", `Job ${i.jobId} is in state ${job.status}`);
            Object.assign(job, { status, result: i });
            return {};
        };
        this.on(PutJobSuccessResultCommand, true, report("Succeeded"));
        this.on(PutJobFailureResultCommand, true, report("Failed"));
    }

    addJob(id: string): void {
        this.jobs.set(id, { status: "InProgress" });
    }
}

// ------------------------------------------------------------------------------------------------------------
// S3: objects by bucket and key.

export class FakeS3 extends Fake<S3> {
    readonly objects = new Map<string, Buffer>();

    constructor() {
        super(new S3({ region: REGION, credentials }));
        const { GetObjectCommand, PutObjectCommand } = require("@aws-sdk/client-s3");
        this.on(GetObjectCommand, false, (i) => {
            const bytes = this.objects.get(`${i.Bucket}/${i.Key}`);
            if (!bytes) throw awsError("NoSuchKey", "The specified key does not exist.", 404);
            return { ContentLength: bytes.length, Body: { transformToByteArray: async () => new Uint8Array(bytes), destroy: () => undefined } };
        });
        this.on(PutObjectCommand, true, (i) => {
            this.objects.set(`${i.Bucket}/${i.Key}`, Buffer.from(i.Body));
            return { ETag: '"etag"' };
        });
    }
}

// ------------------------------------------------------------------------------------------------------------
// DynamoDB: one table's items by their `taskId` key.

export class FakeDynamo extends Fake<DynamoDB> {
    readonly items = new Map<string, Record<string, AttributeValue>>();

    constructor() {
        super(new DynamoDB({ region: REGION, credentials }));
        const { ScanCommand, PutItemCommand, DeleteItemCommand } = require("@aws-sdk/client-dynamodb");
        this.on(ScanCommand, false, () => ({ Items: [...this.items.values()].map((item) => structuredClone(item)) }));
        this.on(PutItemCommand, true, (i) => {
            this.items.set(i.Item.taskId.S, structuredClone(i.Item));
            return {};
        });
        this.on(DeleteItemCommand, true, (i) => {
            this.items.delete(i.Key.taskId.S);
            return {};
        });
    }
}

// ------------------------------------------------------------------------------------------------------------
// CloudFormation: change sets, one page each.

export interface FakeStack {
    status: string;
    reason?: string;
    /** DescribeStacks calls a deletion takes to finish (then DELETE_COMPLETE, or `deleteFails`: DELETE_FAILED). */
    deleting?: number;
    deleteFails?: boolean;
}

export class FakeCloudFormation extends Fake<CloudFormation> {
    readonly changeSets = new Map<string, { Status: string; StackName: string; ChangeSetName: string; Changes: unknown[] }>();
    readonly stacks = new Map<string, FakeStack>();

    constructor() {
        super(new CloudFormation({ region: REGION, credentials }), "all");
        const { DescribeChangeSetCommand, DescribeStacksCommand, DeleteStackCommand } = require("@aws-sdk/client-cloudformation");
        this.on(DescribeChangeSetCommand, false, (i) => {
            const cs = this.changeSets.get(i.ChangeSetName);
            if (!cs) throw awsError("ChangeSetNotFound", `ChangeSet [${i.ChangeSetName}] does not exist`, 404);
            return structuredClone(cs);
        });
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html: a stack that does
        // not exist (or was deleted, by name) is a ValidationError.
        this.on(DescribeStacksCommand, false, (i) => {
            const stack = this.stacks.get(i.StackName);
            if (!stack || stack.status === "DELETE_COMPLETE") throw awsError("ValidationError", `Stack with id ${i.StackName} does not exist`);
            if (stack.status === "DELETE_IN_PROGRESS" && (stack.deleting = (stack.deleting ?? 1) - 1) <= 0) {
                Object.assign(stack, stack.deleteFails ? { status: "DELETE_FAILED", reason: "The following resource(s) failed to delete: [Queue]." } : { status: "DELETE_COMPLETE" });
            }
            return { Stacks: [{ StackName: i.StackName, StackStatus: stack.status, StackStatusReason: stack.reason, CreationTime: new Date(0) }] };
        });
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html: deleting a stack that
        // does not exist, or is being deleted, succeeds.
        this.on(DeleteStackCommand, true, (i) => {
            const stack = this.stacks.get(i.StackName);
            if (stack && stack.status !== "DELETE_COMPLETE" && stack.status !== "DELETE_IN_PROGRESS") stack.status = "DELETE_IN_PROGRESS";
            return {};
        });
    }
}

// ------------------------------------------------------------------------------------------------------------
// EC2: security groups and their rules, instances and snapshots, Spot requests.

export interface FakeRule {
    id: string;
    isEgress: boolean;
    protocol: string;
    from?: number;
    to?: number;
    cidrIpv4?: string;
    cidrIpv6?: string;
    prefixListId?: string;
    groupId?: string;
}

export interface FakeGroup {
    tags: Record<string, string>;
    rules: FakeRule[];
    /** Revoking a permission that matches no rule: in a default VPC no error (it is listed as unknown), else InvalidPermission.NotFound. */
    defaultVpc: boolean;
}

const PROTOCOLS: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", all: "-1" };

function sameProtocol(a: string, b: string): boolean {
    const norm = (p: string) => PROTOCOLS[p.toLowerCase()] ?? p.toLowerCase();
    return norm(a) === norm(b);
}

/** The rules of a group one permission names (one per source), or undefined where a source matches no rule. */
function matching(group: FakeGroup, p: IpPermission): (FakeRule | undefined)[] {
    const sources = [
        ...(p.IpRanges ?? []).map((r) => (x: FakeRule) => x.cidrIpv4 === r.CidrIp),
        ...(p.Ipv6Ranges ?? []).map((r) => (x: FakeRule) => x.cidrIpv6 === r.CidrIpv6),
        ...(p.PrefixListIds ?? []).map((r) => (x: FakeRule) => x.prefixListId === r.PrefixListId),
        ...(p.UserIdGroupPairs ?? []).map((r) => (x: FakeRule) => x.groupId === r.GroupId),
    ];
    const all = sameProtocol(p.IpProtocol ?? "", "-1");
    return sources.map((source) =>
        group.rules.find(
            (x) => !x.isEgress && sameProtocol(x.protocol, p.IpProtocol ?? "") && (all || (x.from === p.FromPort && x.to === p.ToPort)) && source(x),
        ),
    );
}

function ruleView(groupId: string, r: FakeRule) {
    return {
        SecurityGroupRuleId: r.id,
        GroupId: groupId,
        IsEgress: r.isEgress,
        IpProtocol: r.protocol,
        FromPort: r.from ?? -1,
        ToPort: r.to ?? -1,
        ...(r.cidrIpv4 ? { CidrIpv4: r.cidrIpv4 } : {}),
        ...(r.cidrIpv6 ? { CidrIpv6: r.cidrIpv6 } : {}),
        ...(r.prefixListId ? { PrefixListId: r.prefixListId } : {}),
        ...(r.groupId ? { ReferencedGroupInfo: { GroupId: r.groupId } } : {}),
    };
}

export interface FakeInstance {
    tags: Record<string, string>;
    volumes: string[];
    state: string;
}

export interface FakeSnapshot {
    volumeId: string;
    tags: Record<string, string>;
    state: string;
    description?: string;
}

export class FakeEc2 extends Fake<EC2> {
    readonly groups = new Map<string, FakeGroup>();
    readonly instances = new Map<string, FakeInstance>();
    readonly snapshots = new Map<string, FakeSnapshot>();
    readonly spotRequests = new Map<string, string>();
    private snapshotCount = 0;

    constructor() {
        super(new EC2({ region: REGION, credentials }), "all");
        const c = require("@aws-sdk/client-ec2");
        this.on(c.DescribeSecurityGroupsCommand, false, (i) => {
            for (const id of i.GroupIds ?? []) if (!this.groups.has(id)) throw awsError("InvalidGroup.NotFound", `The security group '${id}' does not exist`);
            return {
                SecurityGroups: (i.GroupIds ?? [])
                    .filter((id: string) => tagsMatch(this.groups.get(id)!.tags, i.Filters))
                    .map((id: string) => ({ GroupId: id, Tags: tagList(this.groups.get(id)!.tags) })),
            };
        });
        this.on(c.DescribeSecurityGroupRulesCommand, false, (i) => {
            const all = [...this.groups].flatMap(([gid, g]) => g.rules.map((r) => ruleView(gid, r)));
            if (i.SecurityGroupRuleIds) {
                const missing = i.SecurityGroupRuleIds.filter((id: string) => !all.some((r) => r.SecurityGroupRuleId === id));
                if (missing.length > 0) throw awsError("InvalidSecurityGroupRuleId.NotFound", `The security group rule ID '${missing[0]}' does not exist`);
                return { SecurityGroupRules: all.filter((r) => i.SecurityGroupRuleIds.includes(r.SecurityGroupRuleId)) };
            }
            const groupFilter = (i.Filters ?? []).find((f: Filter) => f.Name === "group-id");
            return { SecurityGroupRules: all.filter((r) => !groupFilter || groupFilter.Values.includes(r.GroupId)) };
        });
        this.on(c.RevokeSecurityGroupIngressCommand, true, (i) => {
            const group = this.groups.get(i.GroupId);
            if (!group) throw awsError("InvalidGroup.NotFound", `The security group '${i.GroupId}' does not exist`);
            if (i.SecurityGroupRuleIds) {
                const found = i.SecurityGroupRuleIds.map((id: string) => group.rules.find((r) => r.id === id && !r.isEgress));
                if (found.some((r: FakeRule | undefined) => !r)) throw awsError("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID does not exist");
                group.rules = group.rules.filter((r) => !found.includes(r));
                return { Return: true, RevokedSecurityGroupRules: found.map((r: FakeRule) => ({ SecurityGroupRuleId: r.id })) };
            }
            // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html
            const perms: IpPermission[] = i.IpPermissions ?? [];
            const found = perms.map((p) => matching(group, p));
            const unknown = perms.filter((_, k) => found[k].some((r) => !r));
            if (unknown.length > 0 && !group.defaultVpc) throw awsError("InvalidPermission.NotFound", "The specified rule does not exist in this security group.");
            const revoked = found.flat().filter((r): r is FakeRule => !!r);
            group.rules = group.rules.filter((r) => !revoked.includes(r));
            return { Return: true, ...(unknown.length > 0 ? { UnknownIpPermissions: unknown } : {}) };
        });
        this.on(c.DescribeInstancesCommand, false, (i) => {
            const filters: Filter[] = i.Filters ?? [];
            const keyFilter = filters.find((f) => f.Name === "tag-key");
            const stateFilter = filters.find((f) => f.Name === "instance-state-name");
            const keyMatches = (key: string) =>
                !keyFilter || (keyFilter.Values ?? []).some((v) => (v.endsWith("*") ? key.startsWith(v.slice(0, -1)) : key === v));
            const instances = [...this.instances]
                .filter(([, x]) => Object.keys(x.tags).some(keyMatches) && (!stateFilter || (stateFilter.Values ?? []).includes(x.state)) && tagsMatch(x.tags, filters))
                .map(([InstanceId, x]) => ({ InstanceId, Tags: tagList(x.tags), State: { Name: x.state } }));
            return { Reservations: instances.length > 0 ? [{ Instances: instances }] : [] };
        });
        this.on(c.DescribeSnapshotsCommand, false, (i) => ({
            Snapshots: [...this.snapshots]
                .filter(([, s]) => tagsMatch(s.tags, i.Filters))
                .map(([SnapshotId, s]) => ({ SnapshotId, State: s.state, VolumeId: s.volumeId, Tags: tagList(s.tags) })),
        }));
        this.on(c.CreateSnapshotsCommand, true, (i) => {
            const instance = this.instances.get(i.InstanceSpecification?.InstanceId);
            if (!instance) throw awsError("InvalidInstanceID.NotFound", `The instance ID '${i.InstanceSpecification?.InstanceId}' does not exist`);
            const tags: Record<string, string> = {};
            for (const spec of i.TagSpecifications ?? []) {
                for (const t of spec.Tags ?? []) {
                    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions: keys up to 128
                    // Unicode characters, values up to 256.
                    if ([...t.Key].length > 128 || [...(t.Value ?? "")].length > 256) throw awsError("InvalidParameterValue", `tag ${t.Key} is too long`);
                    tags[t.Key] = t.Value;
                }
            }
            if (typeof i.Description === "string" && i.Description.length > 255) throw awsError("InvalidParameterValue", "Description is too long");
            const created = instance.volumes.map((volumeId) => {
                const id = `snap-${(++this.snapshotCount).toString(16).padStart(17, "0")}`;
                this.snapshots.set(id, { volumeId, tags: { ...tags }, state: "pending", description: i.Description });
                return { SnapshotId: id, VolumeId: volumeId, State: "pending" };
            });
            return { Snapshots: created };
        });
        this.on(c.DeleteSnapshotCommand, true, (i) => {
            if (!this.snapshots.delete(i.SnapshotId)) throw awsError("InvalidSnapshot.NotFound", `The snapshot '${i.SnapshotId}' does not exist.`);
            return {};
        });
        this.on(c.CancelSpotInstanceRequestsCommand, true, (i) => {
            const id = i.SpotInstanceRequestIds[0];
            const state = this.spotRequests.get(id);
            if (state === undefined) throw awsError("InvalidSpotInstanceRequestID.NotFound", `The spot instance request ID '${id}' does not exist`);
            if (state === "open" || state === "active") this.spotRequests.set(id, "cancelled");
            return { CancelledSpotInstanceRequests: [{ SpotInstanceRequestId: id, State: this.spotRequests.get(id) }] };
        });
    }
}
