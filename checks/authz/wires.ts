// Enumerates, from the resources a stack records, every request an AWS service makes to one of our resources (a
// "wire"), with the policies that decide it, driven by resource types and inputs. A new component is covered where it
// wires resources the way an existing one does (a rule target, an alarm action, a topic or bucket policy, ...); a new
// delivery path (a service writing to a resource in a way no branch below reads) is covered only once a branch for it
// is added here, and an unrecognised rule target or task state fails the enumeration rather than passing unseen.
import type { RecordedResource } from "../../engine/mocks";
import { sentContext, Target } from "./serviceContext";

export type Policy = { Version?: string; Statement: any[] };

/** One request AWS makes, and what decides it. */
export interface AuthzRequest {
    /** What the request is for, for people. */
    readonly description: string;
    /** Logical name of the resource that makes AWS act (rule, alarm, trail, ...). */
    readonly source: string;
    readonly principal: string;
    readonly action: string;
    readonly resource: string;
    readonly context: Record<string, string | string[]>;
    /** Name of the resource policy, key policy or trust policy. */
    readonly resourcePolicyName?: string;
    readonly resourcePolicy?: Policy;
    readonly identityPolicies: { name: string; policy: Policy }[];
    /** AWS managed policies attached to the acting role: their documents are not in the stack. */
    readonly managedPolicies: string[];
    /** Why the request cannot be judged offline (its resource is only known at run time). */
    readonly unresolved?: string;
}

const list = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const parse = (p: unknown): Policy | undefined => (p === undefined || p === null ? undefined : typeof p === "string" ? JSON.parse(p) : (p as Policy));

/** Index over one stack's resources: what each policy-bearing resource is called and which policy governs it. */
export class StackIndex {
    readonly account: string;
    readonly region: string;
    constructor(readonly resources: readonly RecordedResource[]) {
        const arn = resources.map((r) => r.outputs?.arn).find((a) => typeof a === "string" && /^arn:aws:[a-z]+:[a-z0-9-]+:\d{12}:/.test(a));
        const parts = String(arn ?? "arn:aws:sts:us-east-1:000000000000:x").split(":");
        this.region = parts[3];
        this.account = parts[4];
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    regionOf(arn: string): string {
        return arn.split(":")[3] || this.region;
    }

    topicPolicy(topicArn: string): Policy | undefined {
        return parse(this.ofType("aws:sns/topicPolicy:TopicPolicy").find((p) => p.inputs.arn === topicArn)?.inputs.policy);
    }

    topic(topicArn: string): RecordedResource | undefined {
        return this.ofType("aws:sns/topic:Topic").find((t) => t.outputs.arn === topicArn);
    }

    queue(queueArn: string): RecordedResource | undefined {
        return this.ofType("aws:sqs/queue:Queue").find((q) => q.outputs.arn === queueArn);
    }

    queuePolicy(queueArn: string): Policy | undefined {
        const q = this.queue(queueArn);
        if (!q) return undefined;
        return parse(this.ofType("aws:sqs/queuePolicy:QueuePolicy").find((p) => p.inputs.queueUrl === q.outputs.url)?.inputs.policy ?? q.inputs.policy);
    }

    bucketPolicy(bucket: string): Policy | undefined {
        return parse(this.ofType("aws:s3/bucketPolicy:BucketPolicy").find((p) => p.inputs.bucket === bucket)?.inputs.policy);
    }

    /** The bucket's default SSE-KMS key, if it has one. */
    bucketKey(bucket: string): string | undefined {
        const sse = this.ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").find(
            (c) => c.inputs.bucket === bucket,
        );
        const rule = list<any>(sse?.inputs.rules).map((r) => r.applyServerSideEncryptionByDefault).find((d) => d?.sseAlgorithm?.startsWith("aws:kms"));
        return rule?.kmsMasterKeyId;
    }

    /** The key resource a key id, key ARN or alias names; undefined for AWS managed keys. */
    key(ref: string | undefined): RecordedResource | undefined {
        if (!ref) return undefined;
        const keys = this.ofType("aws:kms/key:Key");
        const direct = keys.find((k) => [k.outputs.arn, k.outputs.keyId, k.outputs.id].includes(ref));
        if (direct) return direct;
        const aliasName = ref.includes(":alias/") ? ref.slice(ref.indexOf(":alias/") + 1) : ref;
        const alias = this.ofType("aws:kms/alias:Alias").find((a) => a.inputs.name === aliasName || a.outputs.arn === ref);
        return alias ? keys.find((k) => [k.outputs.arn, k.outputs.keyId, k.outputs.id].includes(alias.inputs.targetKeyId)) : undefined;
    }

    keyArn(ref: string): string {
        return this.key(ref)?.outputs.arn ?? ref;
    }

    function(ref: string): RecordedResource | undefined {
        const name = ref.startsWith("arn:") ? ref.split(":")[6] : ref;
        return this.ofType("aws:lambda/function:Function").find((f) => f.outputs.arn === ref || f.outputs.id === name || f.inputs.name === name);
    }

    /** A function's resource policy as Lambda renders its permissions. */
    lambdaPolicy(fn: RecordedResource): Policy {
        const names = [fn.outputs.id, fn.outputs.arn, fn.inputs.name].filter(Boolean);
        const Statement = this.ofType("aws:lambda/permission:Permission")
            .filter((p) => names.includes(p.inputs.function))
            .map((p) => {
                const condition: Record<string, Record<string, string>> = {};
                if (p.inputs.sourceArn) condition.ArnLike = { "AWS:SourceArn": p.inputs.sourceArn };
                if (p.inputs.sourceAccount) condition.StringEquals = { "AWS:SourceAccount": p.inputs.sourceAccount };
                if (p.inputs.functionUrlAuthType) condition.StringEquals = { ...condition.StringEquals, "lambda:FunctionUrlAuthType": p.inputs.functionUrlAuthType };
                const principal = /^\d{12}$/.test(p.inputs.principal)
                    ? { AWS: `arn:aws:iam::${p.inputs.principal}:root` }
                    : p.inputs.principal.startsWith("arn:")
                      ? { AWS: p.inputs.principal }
                      : { Service: p.inputs.principal };
                return {
                    Sid: p.inputs.statementId ?? p.name,
                    Effect: "Allow",
                    Principal: principal,
                    Action: p.inputs.action,
                    Resource: p.inputs.qualifier ? `${fn.outputs.arn}:${p.inputs.qualifier}` : fn.outputs.arn,
                    ...(Object.keys(condition).length ? { Condition: condition } : {}),
                };
            });
        return { Version: "2012-10-17", Statement };
    }

    role(ref: string | undefined): RecordedResource | undefined {
        if (!ref) return undefined;
        return this.ofType("aws:iam/role:Role").find((r) => r.outputs.arn === ref || r.outputs.id === ref);
    }

    /** A role's inline and customer managed policies, and the AWS managed ones whose documents the stack lacks. */
    rolePolicies(role: RecordedResource): { identity: { name: string; policy: Policy }[]; managed: string[] } {
        const refs = [role.outputs.id, role.outputs.arn, role.inputs.name].filter(Boolean);
        const identity = this.ofType("aws:iam/rolePolicy:RolePolicy")
            .filter((p) => refs.includes(p.inputs.role))
            .map((p) => ({ name: p.name, policy: parse(p.inputs.policy)! }));
        for (const inline of list<any>(role.inputs.inlinePolicies)) {
            if (inline?.policy) identity.push({ name: `${role.name}/${inline.name}`, policy: parse(inline.policy)! });
        }
        const managed: string[] = [];
        const attached = [
            ...this.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => refs.includes(a.inputs.role)).map((a) => a.inputs.policyArn),
            ...list<string>(role.inputs.managedPolicyArns),
        ];
        for (const arn of attached) {
            const own = this.ofType("aws:iam/policy:Policy").find((p) => p.outputs.arn === arn);
            if (own) identity.push({ name: own.name, policy: parse(own.inputs.policy)! });
            else managed.push(arn);
        }
        return { identity, managed };
    }

    stateMachine(arn: string): RecordedResource | undefined {
        return this.ofType("aws:sfn/stateMachine:StateMachine").find((s) => s.outputs.arn === arn);
    }
}

const TLS = { "aws:SecureTransport": "true" };

/** Builds the requests of one wire. */
export class WireBuilder {
    readonly requests: AuthzRequest[] = [];
    constructor(readonly ix: StackIndex) {}

    private context(service: string, target: Target, source: { arn?: string }, extra: Record<string, string> = {}) {
        return { ...TLS, ...sentContext(service, target, this.ix.region, { arn: source.arn, account: this.ix.account }), ...extra };
    }

    /** A service principal publishes to a topic: the topic policy, then the topic's key policy. */
    servicePublishes(service: string, topicArn: string, source: { name: string; arn?: string }, why: string): void {
        this.requests.push({
            description: `${why} publishes to ${topicArn.split(":").pop()}`,
            source: source.name,
            principal: service,
            action: "sns:Publish",
            resource: topicArn,
            context: this.context(service, "sns", source),
            resourcePolicyName: `topic policy of ${topicArn.split(":").pop()}`,
            resourcePolicy: this.ix.topicPolicy(topicArn),
            identityPolicies: [],
            managedPolicies: [],
        });
        const keyRef = this.ix.topic(topicArn)?.inputs.kmsMasterKeyId;
        const key = this.ix.key(keyRef);
        if (!key) return;
        for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
            this.requests.push({
                description: `${why}: SNS uses the key of ${topicArn.split(":").pop()} for it (${action})`,
                source: source.name,
                principal: service,
                action,
                resource: key.outputs.arn,
                context: this.context(service, "kms-via-sns", source),
                resourcePolicyName: `key policy of ${key.name}`,
                resourcePolicy: parse(key.inputs.policy),
                identityPolicies: [],
                managedPolicies: [],
            });
        }
    }

    /** A service principal invokes a function: the function's permissions. */
    serviceInvokes(service: string, fnRef: string, source: { name: string; arn?: string }, why: string, action = "lambda:InvokeFunction", extra: Record<string, string> = {}): void {
        const fn = this.ix.function(fnRef);
        if (!fn) return;
        this.requests.push({
            description: `${why} invokes ${fn.name} (${action})`,
            source: source.name,
            principal: service,
            action,
            resource: fn.outputs.arn,
            context: this.context(service, "lambda", source, extra),
            resourcePolicyName: `permissions of ${fn.name}`,
            resourcePolicy: this.ix.lambdaPolicy(fn),
            identityPolicies: [],
            managedPolicies: [],
        });
    }

    /** A service principal sends to a queue: the queue policy (and its key, when it has one). */
    serviceSends(service: string, queueArn: string, source: { name: string; arn?: string }, why: string): void {
        this.requests.push({
            description: `${why} sends to ${queueArn.split(":").pop()}`,
            source: source.name,
            principal: service,
            action: "sqs:SendMessage",
            resource: queueArn,
            context: this.context(service, "sqs", source),
            resourcePolicyName: `queue policy of ${queueArn.split(":").pop()}`,
            resourcePolicy: this.ix.queuePolicy(queueArn),
            identityPolicies: [],
            managedPolicies: [],
        });
    }

    /** A service principal writes to or reads from a bucket. */
    serviceOnBucket(service: string, action: string, resource: string, source: { name: string; arn?: string }, why: string, extra: Record<string, string> = {}): void {
        const bucket = resource.replace("arn:aws:s3:::", "").split("/")[0];
        this.requests.push({
            description: `${why} (${action} on ${resource.replace("arn:aws:s3:::", "")})`,
            source: source.name,
            principal: service,
            action,
            resource,
            context: this.context(service, "s3", source, extra),
            resourcePolicyName: `bucket policy of ${bucket}`,
            resourcePolicy: this.ix.bucketPolicy(bucket),
            identityPolicies: [],
            managedPolicies: [],
        });
    }

    /** A service principal uses a key directly (CloudTrail, CloudWatch Logs). */
    serviceUsesKey(service: string, target: Target, keyRef: string, actions: string[], source: { name: string; arn?: string }, why: string, extra: Record<string, string> = {}): void {
        const key = this.ix.key(keyRef);
        if (!key) return;
        for (const action of actions) {
            this.requests.push({
                description: `${why} (${action})`,
                source: source.name,
                principal: service,
                action,
                resource: key.outputs.arn,
                context: this.context(service, target, source, extra),
                resourcePolicyName: `key policy of ${key.name}`,
                resourcePolicy: parse(key.inputs.policy),
                identityPolicies: [],
                managedPolicies: [],
            });
        }
    }

    /** A service assumes a role: the role's trust policy. Returns the role for the calls it then makes. */
    assumes(service: string, roleArn: string, source: { name: string; arn?: string }, why: string): RecordedResource | undefined {
        const role = this.ix.role(roleArn);
        if (!role) return undefined;
        this.requests.push({
            description: `${why}: ${service} assumes ${role.name}`,
            source: source.name,
            principal: service,
            action: "sts:AssumeRole",
            resource: role.outputs.arn,
            context: this.context(service, "sts", source),
            resourcePolicyName: `trust policy of ${role.name}`,
            resourcePolicy: parse(role.inputs.assumeRolePolicy),
            identityPolicies: [],
            managedPolicies: [],
        });
        return role;
    }

    /** A call a role makes; the resource's own policy joins in where it has one. */
    roleCalls(role: RecordedResource, action: string, resource: string, source: { name: string }, why: string, extra: Record<string, string> = {}, unresolved?: string): void {
        const { identity, managed } = this.ix.rolePolicies(role);
        let resourcePolicy: Policy | undefined;
        let resourcePolicyName: string | undefined;
        const key = resource.startsWith("arn:aws:kms:") ? this.ix.key(resource) : undefined;
        if (resource.startsWith("arn:aws:s3:::")) {
            const bucket = resource.replace("arn:aws:s3:::", "").split("/")[0];
            resourcePolicy = this.ix.bucketPolicy(bucket);
            resourcePolicyName = `bucket policy of ${bucket}`;
        } else if (resource.startsWith("arn:aws:sns:")) {
            resourcePolicy = this.ix.topicPolicy(resource);
            resourcePolicyName = `topic policy of ${resource.split(":").pop()}`;
        } else if (resource.startsWith("arn:aws:sqs:")) {
            resourcePolicy = this.ix.queuePolicy(resource);
            resourcePolicyName = `queue policy of ${resource.split(":").pop()}`;
        } else if (key) {
            resourcePolicy = parse(key.inputs.policy);
            resourcePolicyName = `key policy of ${key.name}`;
        }
        this.requests.push({
            description: `${why}: ${role.name} calls ${action}`,
            source: source.name,
            principal: role.outputs.arn,
            action,
            resource,
            context: { ...TLS, ...extra },
            resourcePolicyName,
            resourcePolicy,
            identityPolicies: identity,
            managedPolicies: managed,
            unresolved,
        });
    }

    /** A role encrypting for an SNS topic or SQS queue with its own key. */
    roleEncryptsFor(role: RecordedResource, keyRef: string | undefined, via: string, source: { name: string }, why: string): void {
        const key = this.ix.key(keyRef);
        if (!key) return;
        for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
            this.roleCalls(role, action, key.outputs.arn, source, why, { "kms:ViaService": `${via}.${this.ix.region}.amazonaws.com` });
        }
    }
}

const ruleArn = (ix: StackIndex, ruleRef: string): RecordedResource | undefined =>
    ix.ofType("aws:cloudwatch/eventRule:EventRule").find((r) => r.outputs.id === ruleRef || r.outputs.arn === ruleRef || r.inputs.name === ruleRef);

/** Every request AWS services make on the stack's resources. */
export function enumerateWires(resources: readonly RecordedResource[]): AuthzRequest[] {
    const ix = new StackIndex(resources);
    const w = new WireBuilder(ix);

    // EventBridge rules and their targets.
    for (const target of ix.ofType("aws:cloudwatch/eventTarget:EventTarget")) {
        const rule = ruleArn(ix, target.inputs.rule);
        const source = { name: rule?.name ?? target.name, arn: rule?.outputs.arn };
        const arn: string = target.inputs.arn;
        const why = `rule ${source.name}`;
        if (target.inputs.roleArn) {
            const role = w.assumes("events.amazonaws.com", target.inputs.roleArn, source, why);
            if (role) {
                const action = arn.startsWith("arn:aws:codepipeline:")
                    ? "codepipeline:StartPipelineExecution"
                    : arn.startsWith("arn:aws:states:")
                      ? "states:StartExecution"
                      : arn.startsWith("arn:aws:sns:")
                        ? "sns:Publish"
                        : arn.startsWith("arn:aws:sqs:")
                          ? "sqs:SendMessage"
                          : arn.startsWith("arn:aws:lambda:")
                            ? "lambda:InvokeFunction"
                            : arn.startsWith("arn:aws:events:")
                              ? "events:PutEvents"
                              : arn.startsWith("arn:aws:ecs:")
                                ? "ecs:RunTask"
                                : undefined;
                if (!action) throw new Error(`${target.name}: no action known for a rule target ${arn}`);
                w.roleCalls(role, action, arn, source, why);
            }
        } else if (arn.startsWith("arn:aws:sns:")) {
            w.servicePublishes("events.amazonaws.com", arn, source, why);
        } else if (arn.startsWith("arn:aws:lambda:")) {
            w.serviceInvokes("events.amazonaws.com", arn, source, why);
        } else if (arn.startsWith("arn:aws:sqs:")) {
            w.serviceSends("events.amazonaws.com", arn, source, why);
        } else {
            throw new Error(`${target.name}: target ${arn} needs a roleArn (only SNS, SQS and Lambda targets use resource policies)`);
        }
        const dlq = target.inputs.deadLetterConfig?.arn;
        if (dlq) w.serviceSends("events.amazonaws.com", dlq, source, `${why} dead letters`);
    }

    // CloudWatch alarm actions.
    for (const alarm of ix.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")) {
        const actions = new Set<string>([...list(alarm.inputs.alarmActions), ...list(alarm.inputs.okActions), ...list(alarm.inputs.insufficientDataActions)]);
        for (const arn of actions) {
            if (typeof arn === "string" && arn.startsWith("arn:aws:sns:")) {
                w.servicePublishes("cloudwatch.amazonaws.com", arn, { name: alarm.name, arn: alarm.outputs.arn }, `alarm ${alarm.name}`);
            }
        }
    }

    // Budgets notifications.
    for (const budget of ix.ofType("aws:budgets/budget:Budget")) {
        const topics = new Set<string>(list<any>(budget.inputs.notifications).flatMap((n) => list<string>(n.subscriberSnsTopicArns)));
        const arn = budget.outputs.arn ?? `arn:aws:budgets::${ix.account}:budget/${budget.inputs.name}`;
        for (const topic of topics) w.servicePublishes("budgets.amazonaws.com", topic, { name: budget.name, arn }, `budget ${budget.name}`);
    }

    // SES event destinations.
    for (const dest of ix.ofType("aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination")) {
        const topic = dest.inputs.eventDestination?.snsDestination?.topicArn;
        if (!topic) continue;
        const set = ix.ofType("aws:sesv2/configurationSet:ConfigurationSet").find((c) => c.inputs.configurationSetName === dest.inputs.configurationSetName);
        const arn = set?.outputs.arn ?? `arn:aws:ses:${ix.region}:${ix.account}:configuration-set/${dest.inputs.configurationSetName}`;
        w.servicePublishes("ses.amazonaws.com", topic, { name: dest.name, arn }, `SES configuration set ${dest.inputs.configurationSetName}`);
    }

    // SNS subscriptions that SNS delivers with a resource policy.
    for (const sub of ix.ofType("aws:sns/topicSubscription:TopicSubscription")) {
        const source = { name: sub.name, arn: sub.inputs.topic };
        if (sub.inputs.protocol === "lambda") w.serviceInvokes("sns.amazonaws.com", sub.inputs.endpoint, source, `topic ${String(sub.inputs.topic).split(":").pop()}`);
        if (sub.inputs.protocol === "sqs") w.serviceSends("sns.amazonaws.com", sub.inputs.endpoint, source, `topic ${String(sub.inputs.topic).split(":").pop()}`);
    }

    // Lambda functions: the role Lambda assumes, asynchronous destinations and dead-letter queues (sent as the role).
    const functionDestinations = (fn: RecordedResource, dest: string, why: string) => {
        const role = ix.role(fn.inputs.role);
        if (!role) return;
        if (dest.startsWith("arn:aws:sqs:")) {
            w.roleCalls(role, "sqs:SendMessage", dest, { name: fn.name }, why);
            w.roleEncryptsFor(role, ix.queue(dest)?.inputs.kmsMasterKeyId, "sqs", { name: fn.name }, why);
        } else if (dest.startsWith("arn:aws:sns:")) {
            w.roleCalls(role, "sns:Publish", dest, { name: fn.name }, why);
            w.roleEncryptsFor(role, ix.topic(dest)?.inputs.kmsMasterKeyId, "sns", { name: fn.name }, why);
        } else if (dest.startsWith("arn:aws:lambda:")) {
            w.roleCalls(role, "lambda:InvokeFunction", dest, { name: fn.name }, why);
        } else if (dest.startsWith("arn:aws:events:")) {
            w.roleCalls(role, "events:PutEvents", dest, { name: fn.name }, why);
        }
    };
    for (const fn of ix.ofType("aws:lambda/function:Function")) {
        const role = w.assumes("lambda.amazonaws.com", fn.inputs.role, { name: fn.name, arn: fn.outputs.arn }, `function ${fn.name}`);
        // Lambda writes the function's logs with its execution role, into the log group of its logging configuration
        // (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
        const logGroup = ix.ofType("aws:cloudwatch/logGroup:LogGroup").find((g) => g.outputs.name === fn.inputs.loggingConfig?.logGroup);
        if (role && logGroup) {
            const stream = `${logGroup.outputs.arn}:log-stream:2025/01/01/[$LATEST]0123456789abcdef0123456789abcdef`;
            for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) w.roleCalls(role, action, stream, { name: fn.name }, `function ${fn.name} writes its logs`);
        }
        const dlq = fn.inputs.deadLetterConfig?.targetArn;
        if (dlq) functionDestinations(fn, dlq, `function ${fn.name} dead letters`);
    }
    for (const config of ix.ofType("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")) {
        const fn = ix.function(config.inputs.functionName);
        if (!fn) continue;
        for (const kind of ["onFailure", "onSuccess"]) {
            const dest = config.inputs.destinationConfig?.[kind]?.destination;
            if (dest) functionDestinations(fn, dest, `function ${fn.name} ${kind} destination`);
        }
    }

    // CloudTrail: its bucket, key and log group.
    for (const trail of ix.ofType("aws:cloudtrail/trail:Trail")) {
        const source = { name: trail.name, arn: trail.outputs.arn };
        const why = `trail ${trail.name}`;
        const bucket: string = trail.inputs.s3BucketName;
        const prefix = trail.inputs.s3KeyPrefix ? `${trail.inputs.s3KeyPrefix}/` : "";
        w.serviceOnBucket("cloudtrail.amazonaws.com", "s3:GetBucketAcl", `arn:aws:s3:::${bucket}`, source, why);
        const object = `arn:aws:s3:::${bucket}/${prefix}AWSLogs/${ix.account}/CloudTrail/${ix.region}/2025/01/01/${ix.account}_CloudTrail_${ix.region}_20250101T0000Z_abc.json.gz`;
        w.serviceOnBucket("cloudtrail.amazonaws.com", "s3:PutObject", object, source, why, { "s3:x-amz-acl": "bucket-owner-full-control" });
        const keyRef = trail.inputs.kmsKeyId ?? ix.bucketKey(bucket);
        if (keyRef) {
            w.serviceUsesKey("cloudtrail.amazonaws.com", "kms", keyRef, ["kms:GenerateDataKey", "kms:DescribeKey"], source, `${why} encrypts log files`, {
                "kms:EncryptionContext:aws:cloudtrail:arn": trail.outputs.arn,
            });
        }
        if (trail.inputs.cloudWatchLogsRoleArn && trail.inputs.cloudWatchLogsGroupArn) {
            const role = w.assumes("cloudtrail.amazonaws.com", trail.inputs.cloudWatchLogsRoleArn, source, why);
            const group = String(trail.inputs.cloudWatchLogsGroupArn).replace(/:\*$/, "");
            const stream = `${group}:log-stream:${ix.account}_CloudTrail_${ix.region}`;
            if (role) for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) w.roleCalls(role, action, stream, source, `${why} delivers to CloudWatch Logs`);
        }
    }

    // Encrypted log groups: CloudWatch Logs uses the key with the log group's ARN as encryption context.
    for (const group of ix.ofType("aws:cloudwatch/logGroup:LogGroup")) {
        if (!group.inputs.kmsKeyId) continue;
        const service = `logs.${ix.region}.amazonaws.com`;
        w.serviceUsesKey(service, "kms", group.inputs.kmsKeyId, ["kms:GenerateDataKey", "kms:Decrypt"], { name: group.name }, `log group ${group.name} is encrypted`, {
            "kms:EncryptionContext:aws:logs:arn": group.outputs.arn,
        });
    }

    // VPC flow logs to CloudWatch Logs through their role.
    for (const flow of ix.ofType("aws:ec2/flowLog:FlowLog")) {
        if (!flow.inputs.iamRoleArn || flow.inputs.logDestinationType === "s3") continue;
        const arn = `arn:aws:ec2:${ix.region}:${ix.account}:vpc-flow-log/${flow.outputs.id ?? flow.name}`;
        const source = { name: flow.name, arn };
        const role = w.assumes("vpc-flow-logs.amazonaws.com", flow.inputs.iamRoleArn, source, `flow log ${flow.name}`);
        const group = String(flow.inputs.logDestination ?? "").replace(/:\*$/, "");
        if (role && group) {
            for (const action of ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]) {
                w.roleCalls(role, action, `${group}:log-stream:eni-0123456789abcdef0-all`, source, `flow log ${flow.name}`);
            }
        }
    }

    // Load balancer access logs.
    for (const lb of ix.ofType("aws:lb/loadBalancer:LoadBalancer")) {
        for (const [kind, logs] of [["access", lb.inputs.accessLogs], ["connection", lb.inputs.connectionLogs]] as const) {
            if (!logs?.enabled || !logs.bucket) continue;
            const prefix = logs.prefix ? `${logs.prefix}/` : "";
            const object = `arn:aws:s3:::${logs.bucket}/${prefix}AWSLogs/${ix.account}/elasticloadbalancing/${ix.region}/2025/01/01/${ix.account}_elasticloadbalancing_${ix.region}_app.lb.log.gz`;
            w.serviceOnBucket("logdelivery.elasticloadbalancing.amazonaws.com", "s3:PutObject", object, { name: lb.name, arn: lb.outputs.arn }, `load balancer ${lb.name} ${kind} logs`);
        }
    }

    // S3 server access logging.
    for (const logging of ix.ofType("aws:s3/bucketLogging:BucketLogging")) {
        const object = `arn:aws:s3:::${logging.inputs.targetBucket}/${logging.inputs.targetPrefix ?? ""}2025-01-01-00-00-00-0123456789ABCDEF`;
        w.serviceOnBucket("logging.s3.amazonaws.com", "s3:PutObject", object, { name: logging.name, arn: `arn:aws:s3:::${logging.inputs.bucket}` }, `server access logs of ${logging.inputs.bucket}`);
    }

    // AWS Config: the recorder's role, and delivery to the channel's bucket and key.
    const recorders = ix.ofType("aws:cfg/recorder:Recorder");
    for (const recorder of recorders) {
        w.assumes("config.amazonaws.com", recorder.inputs.roleArn, { name: recorder.name }, `config recorder ${recorder.name}`);
    }
    for (const channel of ix.ofType("aws:cfg/deliveryChannel:DeliveryChannel")) {
        const source = { name: channel.name };
        const bucket = channel.inputs.s3BucketName;
        const prefix = channel.inputs.s3KeyPrefix ? `${channel.inputs.s3KeyPrefix}/` : "";
        const why = `config delivery channel ${channel.name}`;
        // With a recorder role that is not the service-linked role, Config delivers as that role
        // (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html).
        const role = ix.role(recorders[0]?.inputs.roleArn);
        const object = `arn:aws:s3:::${bucket}/${prefix}AWSLogs/${ix.account}/Config/${ix.region}/2025/1/1/ConfigSnapshot/snapshot.json.gz`;
        if (role) {
            w.roleCalls(role, "s3:GetBucketAcl", `arn:aws:s3:::${bucket}`, source, why);
            w.roleCalls(role, "s3:PutObject", object, source, why, { "s3:x-amz-acl": "bucket-owner-full-control" });
            const keyRef = channel.inputs.s3KmsKeyArn ?? ix.bucketKey(bucket);
            const key = ix.key(keyRef);
            if (key) {
                for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
                    w.roleCalls(role, action, key.outputs.arn, source, `${why} encrypts`, {
                        "kms:ViaService": `s3.${ix.region}.amazonaws.com`,
                        "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${bucket}`,
                    });
                }
            }
        } else {
            w.serviceOnBucket("config.amazonaws.com", "s3:GetBucketAcl", `arn:aws:s3:::${bucket}`, source, why);
            w.serviceOnBucket("config.amazonaws.com", "s3:PutObject", object, source, why, { "s3:x-amz-acl": "bucket-owner-full-control" });
        }
    }

    // CloudFront origins: S3 through origin access control, Lambda function URLs.
    for (const dist of ix.ofType("aws:cloudfront/distribution:Distribution")) {
        const source = { name: dist.name, arn: dist.outputs.arn };
        for (const origin of list<any>(dist.inputs.origins)) {
            if (!origin.originAccessControlId) continue;
            const domain: string = origin.domainName;
            const bucket = ix.ofType("aws:s3/bucket:Bucket").find((b) => [b.outputs.bucketRegionalDomainName, b.outputs.bucketDomainName].includes(domain));
            if (bucket) {
                w.serviceOnBucket("cloudfront.amazonaws.com", "s3:GetObject", `arn:aws:s3:::${bucket.outputs.bucket}/index.html`, source, `distribution ${dist.name}`);
                const key = ix.bucketKey(bucket.outputs.bucket);
                if (key) w.serviceUsesKey("cloudfront.amazonaws.com", "kms", key, ["kms:Decrypt"], source, `distribution ${dist.name} reads SSE-KMS objects`);
                continue;
            }
            const url = ix.ofType("aws:lambda/functionUrl:FunctionUrl").find((u) => String(u.outputs.functionUrl).includes(domain));
            if (url) {
                const fnRef = url.outputs.functionArn ?? url.inputs.functionName;
                const why = `distribution ${dist.name}`;
                w.serviceInvokes("cloudfront.amazonaws.com", fnRef, source, why, "lambda:InvokeFunctionUrl", { "lambda:FunctionUrlAuthType": url.inputs.authorizationType });
                // Since October 2025 a function URL also needs lambda:InvokeFunction for the caller
                // (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
                w.serviceInvokes("cloudfront.amazonaws.com", fnRef, source, why, "lambda:InvokeFunction");
            }
        }
    }

    // API Gateway Lambda integrations.
    for (const integration of ix.ofType("aws:apigateway/integration:Integration")) {
        const uri = String(integration.inputs.uri ?? "");
        const match = /functions\/(arn:aws:lambda:[^/]+)\/invocations/.exec(uri);
        if (!match) continue;
        const api = ix.ofType("aws:apigateway/restApi:RestApi").find((a) => a.outputs.id === integration.inputs.restApi);
        const resource = ix.ofType("aws:apigateway/resource:Resource").find((r) => r.outputs.id === integration.inputs.resourceId);
        const path = resource ? String(resource.outputs.path).replace(/^\//, "") : "";
        const stages = ix.ofType("aws:apigateway/stage:Stage").filter((s) => s.inputs.restApi === integration.inputs.restApi);
        for (const stage of stages) {
            const arn = `${api?.outputs.executionArn}/${stage.inputs.stageName}/${integration.inputs.httpMethod}/${path}`;
            w.serviceInvokes("apigateway.amazonaws.com", match[1], { name: integration.name, arn }, `API ${api?.name} ${integration.inputs.httpMethod} /${path}`);
        }
    }

    // CodePipeline: its role, artifacts and Lambda actions.
    for (const pipeline of ix.ofType("aws:codepipeline/pipeline:Pipeline")) {
        const source = { name: pipeline.name, arn: pipeline.outputs.arn };
        const why = `pipeline ${pipeline.name}`;
        const role = w.assumes("codepipeline.amazonaws.com", pipeline.inputs.roleArn, source, why);
        if (!role) continue;
        for (const store of list<any>(pipeline.inputs.artifactStores ?? pipeline.inputs.artifactStore)) {
            const object = `arn:aws:s3:::${store.location}/${pipeline.outputs.id}/SourceOutp/abc123`;
            w.roleCalls(role, "s3:PutObject", object, source, `${why} stores artifacts`);
            w.roleCalls(role, "s3:GetObject", object, source, `${why} reads artifacts`);
            const key = ix.key(store.encryptionKey?.id) ?? ix.key(ix.bucketKey(store.location));
            if (key) for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) w.roleCalls(role, action, key.outputs.arn, source, `${why} encrypts artifacts`, { "kms:ViaService": `s3.${ix.region}.amazonaws.com` });
        }
        for (const stage of list<any>(pipeline.inputs.stages)) {
            for (const action of list<any>(stage.actions)) {
                const config = action.configuration ?? {};
                if (action.provider === "S3" && action.category === "Source") {
                    const object = `arn:aws:s3:::${config.S3Bucket}/${config.S3ObjectKey}`;
                    for (const a of ["s3:GetObject", "s3:GetObjectVersion"]) w.roleCalls(role, a, object, source, `${why} reads its source`);
                    w.roleCalls(role, "s3:GetBucketVersioning", `arn:aws:s3:::${config.S3Bucket}`, source, `${why} reads its source`);
                }
                if (action.provider === "Lambda") {
                    const fn = ix.function(config.FunctionName);
                    if (fn) w.roleCalls(role, "lambda:InvokeFunction", fn.outputs.arn, source, `${why} runs action ${action.name}`);
                }
                if (action.provider === "StepFunctions") {
                    const arn = config.StateMachineArn;
                    if (arn) w.roleCalls(role, "states:StartExecution", arn, source, `${why} runs action ${action.name}`);
                }
            }
        }
    }

    // Step Functions: its role, and each task's service call.
    for (const machine of ix.ofType("aws:sfn/stateMachine:StateMachine")) {
        const source = { name: machine.name, arn: machine.outputs.arn };
        const why = `state machine ${machine.name}`;
        const role = w.assumes("states.amazonaws.com", machine.inputs.roleArn, source, why);
        if (!role) continue;
        const definition = typeof machine.inputs.definition === "string" ? JSON.parse(machine.inputs.definition) : machine.inputs.definition;
        for (const [state, params, resource] of taskStates(definition)) {
            for (const call of taskCalls(resource, params ?? {})) {
                w.roleCalls(role, call.action, call.resource, source, `${why} state ${state}`, {}, call.unresolved);
                if (call.action === "sns:Publish") w.roleEncryptsFor(role, ix.topic(call.resource)?.inputs.kmsMasterKeyId, "sns", source, `${why} state ${state}`);
            }
        }
        if (machine.inputs.loggingConfiguration?.logDestination) {
            for (const action of ["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"]) {
                w.roleCalls(role, action, "*", source, `${why} delivers execution logs`);
            }
        }
    }

    // EventBridge Scheduler schedules.
    for (const schedule of ix.ofType("aws:scheduler/schedule:Schedule")) {
        const target = schedule.inputs.target;
        if (!target?.roleArn) continue;
        const source = { name: schedule.name, arn: schedule.outputs.arn };
        const role = w.assumes("scheduler.amazonaws.com", target.roleArn, source, `schedule ${schedule.name}`);
        if (role && String(target.arn).startsWith("arn:aws:lambda:")) w.roleCalls(role, "lambda:InvokeFunction", target.arn, source, `schedule ${schedule.name}`);
        if (role && String(target.arn).startsWith("arn:aws:states:")) w.roleCalls(role, "states:StartExecution", target.arn, source, `schedule ${schedule.name}`);
    }

    // Instances assume their instance profile's role.
    for (const profile of ix.ofType("aws:iam/instanceProfile:InstanceProfile")) {
        w.assumes("ec2.amazonaws.com", profile.inputs.role, { name: profile.name }, `instance profile ${profile.name}`);
    }

    return w.requests;
}

/** The Task states of a definition, nested Parallel and Map states included: [state name, Parameters, Resource]. */
function taskStates(definition: any): [string, any, string][] {
    const found: [string, any, string][] = [];
    const walk = (states: Record<string, any> | undefined) => {
        for (const [name, state] of Object.entries(states ?? {})) {
            if (state.Type === "Task") found.push([name, state.Parameters ?? state.Arguments, state.Resource]);
            for (const branch of list<any>(state.Branches)) walk(branch.States);
            if (state.Iterator) walk(state.Iterator.States);
            if (state.ItemProcessor) walk(state.ItemProcessor.States);
        }
    };
    walk(definition?.States);
    return found;
}

/** The IAM actions a task makes on which resources, from the Step Functions integration it names. */
function taskCalls(resource: string, params: Record<string, any>): { action: string; resource: string; unresolved?: string }[] {
    const value = (key: string) => params[key] ?? params[`${key}.$`];
    if (resource.startsWith("arn:aws:lambda:")) return [{ action: "lambda:InvokeFunction", resource }];
    const m = /^arn:aws:states:::([a-z0-9-]+):([A-Za-z0-9]+)(?::([A-Za-z0-9]+))?(\.sync|\.waitForTaskToken)?(:2)?$/.exec(resource);
    if (!m) throw new Error(`unrecognized task resource ${resource}`);
    const [, service, api] = m;
    if (service === "lambda" && api === "invoke") {
        const fn = String(value("FunctionName"));
        const base = fn.split(":").slice(0, 7).join(":");
        return [{ action: "lambda:InvokeFunction", resource: fn.split(":").length > 7 ? fn : base }];
    }
    if (service === "sns" && api === "publish") return [{ action: "sns:Publish", resource: String(value("TopicArn")) }];
    if (service === "states" && api === "startExecution") return [{ action: "states:StartExecution", resource: String(value("StateMachineArn")) }];
    if (service === "aws-sdk") {
        const [sdkService, sdkApi] = resource.replace("arn:aws:states:::aws-sdk:", "").split(":");
        const dynamic = Object.keys(params).filter((k) => k.endsWith(".$"));
        return [
            {
                action: `${sdkService}:${sdkApi[0].toUpperCase()}${sdkApi.slice(1)}`,
                resource: "*",
                unresolved: `its target (${dynamic.join(", ") || "parameters"}) comes from the execution input`,
            },
        ];
    }
    throw new Error(`no IAM action mapped for task resource ${resource}`);
}
