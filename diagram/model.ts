// The architecture of a stack as a person explains it, built from what the program registers: nodes are the things a
// person names (functions, topics, queues, buckets, load balancers, rules, ...), every other resource folds into the
// node it serves, and edges are the requests the authorization checks enumerate and verify (checks/authz/), so a
// diagram shows no wire that is not verified and leaves none out. Event sources come from the rules' event patterns,
// network traffic from the listeners, target groups and security-group rules the stack registers.
import type { RecordedResource } from "../engine/mocks";
import type { AuthzRequest } from "../checks/authz/wires";
import { EVENT_SOURCES, isIgnored, NODE_TYPES, NodeKind, OWNER_INPUTS, SATELLITE_TYPES, SERVICE_NAMES, TARGET_KINDS } from "./kinds";

export type GroupKind = "component" | "region" | "vpc" | "tier";

export interface DiagramGroup {
    readonly id: string;
    readonly label: string;
    readonly kind: GroupKind;
    readonly parent?: string;
}

export interface DiagramNode {
    readonly id: string;
    /** The resource's logical name, or the service's for a node outside the stack. */
    readonly name: string;
    /** What the diagram shows: the name without its component's name in front. */
    readonly label: string;
    readonly kind: string;
    readonly category: NodeKind["category"];
    /** Innermost group; undefined for nodes outside the stack's components. */
    readonly group?: string;
    /** Outside the stack: an AWS service, or a resource the stack does not create. */
    readonly external: boolean;
    /** URN of the resource the node is, then of every resource folded into it (none for external nodes). */
    readonly urns: string[];
    readonly details: string[];
}

/** What an edge carries, for its style. */
export type Flow = "event" | "invoke" | "message" | "data" | "traffic" | "encrypt" | "logs" | "control";

export interface DiagramEdge {
    readonly id: string;
    readonly from: string;
    readonly to: string;
    readonly label: string;
    readonly flow: Flow;
    /** The verified requests the edge draws; empty for edges read from event patterns and network resources. */
    readonly requests: AuthzRequest[];
    /** Where an edge without requests comes from. */
    readonly derived?: "event pattern" | "listener" | "target group" | "security group rule";
    /** Its target is known only at run time (read from a state machine's input). */
    readonly unresolved: boolean;
}

/** How one enumerated request appears: as an edge, or inside one node (a function assuming its role, writing its logs). */
export interface RequestPlacement {
    readonly request: AuthzRequest;
    readonly edge?: string;
    readonly inside?: string;
}

export interface Architecture {
    readonly groups: DiagramGroup[];
    readonly nodes: DiagramNode[];
    readonly edges: DiagramEdge[];
    /** Node of each resource the program registered (undefined: folded into its component, or a component itself). */
    readonly nodeOf: ReadonlyMap<string, string | undefined>;
    /** Top-level component (scenario) of each resource. */
    readonly componentOf: ReadonlyMap<string, string | undefined>;
    readonly placements: RequestPlacement[];
}

export interface ArchitectureOptions {
    /** Configuration section of each top-level component, by URN, for the component's title. */
    readonly scenarioOf?: ReadonlyMap<string, string>;
}

const list = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const json = (v: unknown): any => {
    if (typeof v !== "string") return v;
    try {
        return JSON.parse(v);
    } catch {
        return undefined;
    }
};
const short = (type: string) => type.split(":").pop()!.replace(/[^A-Za-z0-9]/g, "");
const safeId = (text: string) => text.replace(/[^A-Za-z0-9_]/g, "_");

/** Well-known ports in words, as a security-group rule or target group states only protocol and number. */
const PORTS: Readonly<Record<number, string>> = { 22: "SSH", 80: "HTTP", 443: "HTTPS", 1433: "SQL Server", 3306: "MySQL", 3389: "RDP", 5432: "PostgreSQL", 5985: "WinRM", 8787: "RStudio" };

export function portLabel(protocol: string | undefined, from: number | undefined, to: number | undefined): string {
    const p = String(protocol ?? "tcp").toLowerCase();
    if (p === "-1" || p === "all") return "all traffic";
    if (p === "http" || p === "https") return `${p.toUpperCase()} ${from ?? ""}`.trim();
    const range = from === undefined ? "" : from === to || to === undefined ? `${from}` : `${from}-${to}`;
    const named = from !== undefined && (from === to || to === undefined) ? PORTS[from] : undefined;
    return `${named ?? p.toUpperCase()} ${range}`.trim();
}

class Index {
    readonly byUrn = new Map<string, RecordedResource>();
    /** Who depends on each resource, through which input. */
    readonly dependents = new Map<string, { by: RecordedResource; input: string }[]>();
    readonly region: string;
    readonly providers: readonly RecordedResource[];
    readonly resources: readonly RecordedResource[];
    constructor(all: readonly RecordedResource[]) {
        this.providers = all.filter((r) => r.type === "pulumi:providers:aws");
        const resources = all.filter((r) => !isIgnored(r.type));
        this.resources = resources;
        for (const r of resources) this.byUrn.set(r.urn, r);
        for (const r of resources) {
            for (const [input, deps] of Object.entries(r.propertyDependencies ?? {})) {
                for (const dep of new Set(deps)) {
                    if (dep === r.urn || !this.byUrn.has(dep)) continue;
                    this.dependents.set(dep, [...(this.dependents.get(dep) ?? []), { by: r, input }]);
                }
            }
        }
        const arn = resources.map((r) => r.outputs?.arn).find((a) => typeof a === "string" && /^arn:aws:[a-z0-9-]+:[a-z]{2}-[a-z]+-\d:\d{12}:/.test(a));
        this.region = String(arn ?? "arn:aws:x:us-east-1:").split(":")[3];
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    parent(r: RecordedResource): RecordedResource | undefined {
        return r.parentUrn ? this.byUrn.get(r.parentUrn) : undefined;
    }

    topComponent(r: RecordedResource): RecordedResource | undefined {
        let top: RecordedResource | undefined;
        for (let p: RecordedResource | undefined = r; p; p = this.parent(p)) if (!p.custom) top = p;
        return top;
    }

    regionOf(r: RecordedResource): string {
        const provider = r.provider ? this.providers.find((p) => r.provider === p.urn || r.provider!.startsWith(`${p.urn}::`)) : undefined;
        return String(provider?.inputs.region ?? this.region);
    }

    /** The resource a request's ARN names, when the stack created it. */
    resolveArn(arn: string): RecordedResource | undefined {
        if (!arn || arn === "*") return undefined;
        const candidates = this.resources.filter((r) => r.custom && !isIgnored(r.type));
        const base = arn.startsWith("arn:aws:lambda:") ? arn.split(":").slice(0, 7).join(":") : arn;
        const exact = candidates.find((r) => r.outputs?.arn === base);
        if (exact) return exact;
        // A bucket's objects, a log group's streams, a table's index: the longest ARN that prefixes it.
        const prefixed = candidates
            .filter((r) => typeof r.outputs?.arn === "string" && r.outputs.arn.length > 0 && /[:/]/.test(base.charAt(r.outputs.arn.length)) && base.startsWith(r.outputs.arn))
            .sort((a, b) => b.outputs.arn.length - a.outputs.arn.length);
        if (prefixed.length > 0) return prefixed[0];
        if (base.startsWith("arn:aws:s3:::")) {
            const bucket = base.slice("arn:aws:s3:::".length).split("/")[0];
            return candidates.find((r) => r.type === "aws:s3/bucket:Bucket" && (r.outputs.bucket === bucket || r.outputs.id === bucket));
        }
        // EC2 and RDS ARNs name the resource by its id (security-group/sg-..., dbuser:db-.../user).
        const resource = base.split(":").slice(5).join(":");
        const id = /^[a-z-]+[/:]([A-Za-z0-9-]+)/.exec(resource)?.[1];
        if (!id) return undefined;
        return candidates.find((r) => r.outputs?.id === id || r.outputs?.resourceId === id || r.outputs?.name === id);
    }

    /** The resource a request's `source` names (its logical name): the custom resource before a component of that name. */
    resolveSource(name: string, principal: string): RecordedResource | undefined {
        const named = this.resources.filter((r) => r.name === name && !isIgnored(r.type));
        const nodes = named.filter((r) => NODE_TYPES[r.type]);
        // A distribution and its bucket may share a name: the service making the request tells which one acts.
        const service = principal.startsWith("arn:") ? "" : principal.split(".")[0];
        return nodes.find((r) => service !== "" && r.type.startsWith(`aws:${service}/`)) ?? nodes[0] ?? named.find((r) => r.custom) ?? named[0];
    }
}

/** Inputs that name a resource to act on or to allow, not one the resource is made of. */
const REFERENCE_INPUTS = ["environment", "policy", "definition", "tags", "description", "assumeRolePolicy", "eventPattern", "userData", "input", "inputTransformer"];
/** Inputs through which a policy or attachment puts a key or group to use for the resource it configures. */
const USE_INPUTS = ["accessLogSettings", "loggingConfig", "loggingConfiguration", "rules", "kmsKeyId", "kmsMasterKeyId", "kmsKeyArn", "encryptionConfiguration", "serverSideEncryption", "securityGroupIds", "vpcSecurityGroupIds"];

/** Which node every resource folds into. */
class Ownership {
    private readonly memo = new Map<string, string | undefined>();
    private readonly visiting = new Set<string>();
    constructor(
        private readonly ix: Index,
        private readonly promoted: ReadonlySet<string>,
    ) {}

    isNode(r: RecordedResource): boolean {
        return this.owner(r) === r.urn;
    }

    owner(r: RecordedResource): string | undefined {
        if (this.memo.has(r.urn)) return this.memo.get(r.urn);
        if (this.visiting.has(r.urn)) return undefined;
        this.visiting.add(r.urn);
        const found = this.find(r);
        this.visiting.delete(r.urn);
        this.memo.set(r.urn, found);
        return found;
    }

    /** The nodes that use a resource through their own inputs (not through policies and attachments of it). */
    users(r: RecordedResource): Set<string> {
        const owners = new Set<string>();
        for (const { by, input } of this.ix.dependents.get(r.urn) ?? []) {
            // A function's environment or a policy names what it acts on, which is an edge, not a part of it.
            if (REFERENCE_INPUTS.includes(input)) continue;
            const holder = by.type in NODE_TYPES || by.type in SATELLITE_TYPES || this.promoted.has(by.urn);
            if (!holder && !USE_INPUTS.includes(input)) continue;
            const o = this.owner(by);
            if (o) owners.add(o);
        }
        return owners;
    }

    private find(r: RecordedResource): string | undefined {
        if (isIgnored(r.type) || !r.custom) return undefined;
        if (NODE_TYPES[r.type] || this.promoted.has(r.urn)) return r.urn;
        if (r.type in SATELLITE_TYPES) {
            const users = this.users(r);
            if (users.size === 1) return [...users][0];
            return SATELLITE_TYPES[r.type] ? r.urn : undefined;
        }
        if (r.type === "aws:cfg/deliveryChannel:DeliveryChannel") {
            const recorder = this.ix.ofType("aws:cfg/recorder:Recorder").find((c) => this.ix.topComponent(c) === this.ix.topComponent(r));
            if (recorder) return this.owner(recorder);
        }
        const deps = r.propertyDependencies ?? {};
        const keys = [...OWNER_INPUTS.filter((k) => k in deps), ...Object.keys(deps).filter((k) => !OWNER_INPUTS.includes(k)).sort()];
        for (const key of keys) {
            for (const urn of deps[key] ?? []) {
                const dep = this.ix.byUrn.get(urn);
                const o = dep && dep.urn !== r.urn ? this.owner(dep) : undefined;
                if (o) return o;
            }
        }
        const users = this.users(r);
        return users.size === 1 ? [...users][0] : undefined;
    }
}

/** What a request's edge says it carries. */
function describe(request: AuthzRequest, ix: Index): { text: string; flow: Flow } {
    const action = request.action;
    const verb = action.split(":")[1] ?? action;
    const service = request.principal.startsWith("arn:") ? undefined : request.principal.split(".")[0];
    if (action.startsWith("kms:")) return { text: "encrypt (KMS)", flow: "encrypt" };
    if (action.startsWith("logs:")) return { text: "logs", flow: "logs" };
    if (/dead letters|onFailure destination/.test(request.description)) return { text: "failed events", flow: "message" };
    if (service === "apigateway") {
        const m = /API \S+ ([A-Z]+) (\S*) invokes/.exec(request.description);
        return { text: m ? `${m[1]} ${m[2]}` : "invoke", flow: "invoke" };
    }
    if (service === "cloudwatch" && action === "sns:Publish") return { text: "alarm", flow: "message" };
    if (service === "budgets") return { text: "budget alert", flow: "message" };
    if (service === "ses") {
        const dest = ix.resources.find((r) => r.name === request.source);
        const types = list<string>(dest?.inputs.eventDestination?.matchingEventTypes).map((t) => t.toLowerCase().replace(/_/g, " "));
        return { text: types.length ? types.join(", ") : "email events", flow: "event" };
    }
    if (service === "cloudtrail") return { text: "log files", flow: "logs" };
    if (service === "config") return { text: "configuration snapshots", flow: "logs" };
    if (service === "logdelivery" || service === "logging") return { text: "access logs", flow: "logs" };
    if (service === "cloudfront") return { text: action.startsWith("s3:") ? "origin (OAC)" : "origin (function URL)", flow: "traffic" };
    if (service === "sns" && action === "lambda:InvokeFunction") return { text: "subscription", flow: "invoke" };
    if (action === "lambda:InvokeFunction" || action === "lambda:InvokeFunctionUrl") return { text: "invoke", flow: "invoke" };
    if (action === "states:StartExecution") return { text: "start execution", flow: "invoke" };
    if (action === "codepipeline:StartPipelineExecution") return { text: "start pipeline", flow: "invoke" };
    if (action === "sns:Publish") return { text: "publish", flow: "message" };
    if (action === "sqs:SendMessage") return { text: "send", flow: "message" };
    if (/^(s3|dynamodb|secretsmanager|glue|athena|rds-db):/.test(action)) return { text: verb, flow: "data" };
    return { text: verb, flow: "control" };
}

const FLOW_RANK: readonly Flow[] = ["traffic", "invoke", "event", "message", "data", "control", "logs", "encrypt"];

/** One label for the requests one edge draws: what it carries first, encryption only when it is all there is. */
function edgeLabel(parts: { text: string; flow: Flow }[]): { label: string; flow: Flow } {
    const main = parts.filter((p) => p.flow !== "encrypt" && p.flow !== "logs");
    const shown = main.length > 0 ? main : parts;
    const texts = [...new Set(shown.map((p) => p.text))];
    const flow = FLOW_RANK.find((f) => shown.some((p) => p.flow === f))!;
    const lines = texts.length > 4 ? [...texts.slice(0, 3), `+${texts.length - 3} more`] : texts;
    return { label: lines.join("\n"), flow };
}

/** The events an event pattern matches, in words, and who sends them. */
function patternSource(pattern: any, ix: Index): { from?: RecordedResource; service?: string; label: string } | undefined {
    if (!pattern || typeof pattern !== "object") return undefined;
    const sources = list<string>(pattern.source);
    const detailTypes = list<string>(pattern["detail-type"]);
    const detail = pattern.detail ?? {};
    const states = list<string>(detail.state ?? detail.status).map((s) => String(s));
    const when = states.length ? ` (${states.join(", ")})` : "";
    if (detailTypes.includes("AWS API Call via CloudTrail")) {
        const names = list<string>(detail.eventName);
        return { service: "CloudTrail", label: `${names.join("\n") || "API calls"}\nvia CloudTrail` };
    }
    const label = `${detailTypes.join("\n") || "events"}${when}`;
    const pipeline = list<string>(detail.pipeline)[0];
    const bucket = list<string>(detail.bucket?.name)[0];
    const window = list<string>(detail["window-id"])[0];
    const from =
        (pipeline && ix.ofType("aws:codepipeline/pipeline:Pipeline").find((p) => [p.outputs.name, p.inputs.name, p.outputs.id].includes(pipeline))) ||
        (bucket && ix.ofType("aws:s3/bucket:Bucket").find((b) => [b.outputs.bucket, b.outputs.id].includes(bucket))) ||
        (window && ix.ofType("aws:ssm/maintenanceWindow:MaintenanceWindow").find((w) => w.outputs.id === window)) ||
        undefined;
    const key = list<string>(detail.object?.key)[0];
    if (from) return { from, label: key ? `${label}\n${key}` : label };
    return { service: EVENT_SOURCES[sources[0]] ?? sources[0] ?? "AWS", label };
}

const FRONT_DOORS = ["aws:lb/loadBalancer:LoadBalancer", "aws:cloudfront/distribution:Distribution", "aws:apigateway/restApi:RestApi", "aws:sns/topic:Topic", "aws:sqs/queue:Queue", "aws:s3/bucket:Bucket"];

/** Short facts a node's label adds under its kind. */
function nodeDetails(r: RecordedResource, folded: readonly RecordedResource[]): string[] {
    const i = r.inputs ?? {};
    const out: string[] = [];
    switch (r.type) {
        case "aws:cloudwatch/eventRule:EventRule":
            if (i.scheduleExpression) out.push(String(i.scheduleExpression));
            break;
        case "aws:scheduler/schedule:Schedule":
            if (i.scheduleExpression) out.push(String(i.scheduleExpression));
            break;
        case "aws:cloudwatch/metricAlarm:MetricAlarm": {
            const ops: Record<string, string> = { GreaterThanOrEqualToThreshold: "≥", GreaterThanThreshold: ">", LessThanThreshold: "<", LessThanOrEqualToThreshold: "≤" };
            const metric = i.metricName ?? list<any>(i.metricQueries).find((q) => q.metric)?.metric?.metricName ?? "expression";
            out.push(`${metric} ${ops[i.comparisonOperator] ?? i.comparisonOperator ?? ""} ${i.threshold ?? ""}`.trim());
            break;
        }
        case "aws:autoscaling/group:Group":
            out.push(`${i.minSize}-${i.maxSize} instances`);
            break;
        case "aws:ec2/instance:Instance":
            if (i.instanceType) out.push(String(i.instanceType));
            break;
        case "aws:lb/loadBalancer:LoadBalancer":
            out.push(i.internal ? "internal" : "internet-facing");
            break;
        case "aws:lb/targetGroup:TargetGroup":
            out.push(`${i.protocol ?? ""} ${i.port ?? ""}`.trim());
            break;
        case "aws:rds/instance:Instance":
            out.push([i.engine, i.multiAz ? "Multi-AZ" : undefined].filter(Boolean).join(", "));
            break;
        case "aws:lambda/function:Function":
            break;
    }
    const count = (type: string) => folded.filter((f) => f.type === type).length;
    // Certificates and DNS records say what a front door serves; elsewhere (an alarm on a certificate) they are noise.
    if (!FRONT_DOORS.includes(r.type)) return out.filter((d) => d !== "");
    const certificates = count("aws:acm/certificate:Certificate");
    if (certificates > 0) out.push(`${certificates} TLS certificate${certificates > 1 ? "s" : ""}`);
    const records = count("aws:route53/record:Record");
    if (records > 0 && r.type !== "aws:route53/healthCheck:HealthCheck") out.push(`${records} DNS record${records > 1 ? "s" : ""}`);
    if (count("aws:kms/key:Key") > 0 && r.type !== "aws:kms/key:Key") out.push("own KMS key");
    return out.filter((d) => d !== "");
}

/** The stack's architecture: nodes, groups, and the edges of every enumerated request. */
export function buildArchitecture(resources: readonly RecordedResource[], requests: readonly AuthzRequest[], options: ArchitectureOptions = {}): Architecture {
    const ix = new Index(resources);
    // A resource a request targets that nothing owns is a node of its own.
    const first = new Ownership(ix, new Set());
    const promoted = new Set<string>();
    for (const q of requests) {
        if (q.action === "sts:AssumeRole") continue;
        const target = ix.resolveArn(q.resource);
        if (target && first.owner(target) === undefined) promoted.add(target.urn);
    }
    const own = new Ownership(ix, promoted);
    const nodeOf = new Map<string, string | undefined>();
    const componentOf = new Map<string, string | undefined>();
    const nodeIds = new Map<string, string>();
    const idOf = (urn: string) => nodeIds.get(urn)!;
    for (const r of ix.resources) {
        if (own.isNode(r)) nodeIds.set(r.urn, safeId(`${short(r.type)}_${r.name}`));
    }
    for (const r of ix.resources) {
        const o = own.owner(r);
        nodeOf.set(r.urn, o ? idOf(o) : undefined);
        const top = ix.topComponent(r);
        componentOf.set(r.urn, top ? safeId(`c_${top.name}`) : undefined);
    }

    // ---- groups: component, region, VPC, subnet tier ----
    const groups = new Map<string, DiagramGroup>();
    const addGroup = (g: DiagramGroup) => {
        if (!groups.has(g.id)) groups.set(g.id, g);
        return g.id;
    };
    const subnets = ix.ofType("aws:ec2/subnet:Subnet");
    const subnetOf = (id: string) => subnets.find((s) => s.outputs.id === id);
    const subnetIds = (r: RecordedResource): string[] => {
        const i = r.inputs ?? {};
        const ids = [
            ...list<string>(i.vpcZoneIdentifiers),
            ...list<string>(i.subnets),
            ...list<any>(i.subnetMappings).map((m) => m.subnetId),
            ...list<string>(i.subnetId),
            ...list<string>(i.networkConfiguration?.subnets),
            ...list<string>(i.vpcConfig?.subnetIds),
        ];
        if (i.dbSubnetGroupName) {
            const group = ix.ofType("aws:rds/subnetGroup:SubnetGroup").find((g) => [g.outputs.id, g.outputs.name, g.inputs.name].includes(i.dbSubnetGroupName));
            ids.push(...list<string>(group?.inputs.subnetIds));
        }
        return ids.filter((s) => typeof s === "string");
    };
    const securityGroupVpc = (r: RecordedResource): string | undefined => {
        const i = r.inputs ?? {};
        const template = ix.ofType("aws:ec2/launchTemplate:LaunchTemplate").find((t) => [i.launchTemplate?.id, i.mixedInstancesPolicy?.launchTemplate?.launchTemplateSpecification?.launchTemplateId].includes(t.outputs.id));
        const sgs = [...list<string>(i.securityGroups), ...list<string>(i.vpcSecurityGroupIds), ...list<string>(template?.inputs.vpcSecurityGroupIds), ...list<string>(i.networkConfiguration?.securityGroups)];
        for (const id of sgs) {
            const sg = ix.ofType("aws:ec2/securityGroup:SecurityGroup").find((g) => g.outputs.id === id);
            if (sg?.inputs.vpcId) return sg.inputs.vpcId;
        }
        return i.vpcId;
    };
    const placeInNetwork = (r: RecordedResource, parent: string): string => {
        if (r.type === "aws:ec2/vpcPeeringConnection:VpcPeeringConnection") return parent;
        const ids = subnetIds(r);
        const known = ids.map(subnetOf).filter((s): s is RecordedResource => s !== undefined);
        const vpcId: string | undefined = known[0]?.inputs.vpcId ?? securityGroupVpc(r) ?? (r.type === "aws:ec2/flowLog:FlowLog" ? r.inputs.vpcId : undefined);
        if (!vpcId) return parent;
        const vpc = ix.ofType("aws:ec2/vpc:Vpc").find((v) => v.outputs.id === vpcId);
        const vpcGroup = addGroup({
            id: safeId(`${parent}_vpc_${vpc?.name ?? vpcId}`),
            label: vpc ? `VPC ${vpc.name} ${vpc.inputs.cidrBlock ?? ""}`.trim() : "existing VPC",
            kind: "vpc",
            parent,
        });
        const tiers = [...new Set(known.map((s) => String(s.inputs.tags?.tier ?? (s.inputs.mapPublicIpOnLaunch ? "public" : "private"))))];
        if (tiers.length !== 1) return vpcGroup;
        return addGroup({ id: safeId(`${vpcGroup}_${tiers[0]}`), label: `${tiers[0]} subnets`, kind: "tier", parent: vpcGroup });
    };

    const nodes = new Map<string, DiagramNode>();
    const folded = new Map<string, RecordedResource[]>();
    for (const r of ix.resources) {
        const o = own.owner(r);
        if (o && o !== r.urn) folded.set(o, [...(folded.get(o) ?? []), r]);
    }
    const regionsByComponent = new Map<string, Set<string>>();
    for (const urn of nodeIds.keys()) {
        const r = ix.byUrn.get(urn)!;
        const c = componentOf.get(urn) ?? "";
        regionsByComponent.set(c, new Set([...(regionsByComponent.get(c) ?? []), ix.regionOf(r)]));
    }
    for (const [urn, id] of [...nodeIds].sort(([, a], [, b]) => a.localeCompare(b))) {
        const r = ix.byUrn.get(urn)!;
        const top = ix.topComponent(r);
        let group: string | undefined;
        if (top) {
            const key = options.scenarioOf?.get(top.urn);
            group = addGroup({ id: componentOf.get(urn)!, label: `${short(top.type)} ${top.name}${key ? ` (${key})` : ""}`, kind: "component" });
            if ((regionsByComponent.get(group)?.size ?? 0) > 1) {
                const region = ix.regionOf(r);
                group = addGroup({ id: safeId(`${group}_${region}`), label: region, kind: "region", parent: group });
            }
            group = placeInNetwork(r, group);
        }
        const kind = NODE_TYPES[r.type] ?? SATELLITE_TYPES[r.type] ?? TARGET_KINDS[r.type] ?? { kind: short(r.type), category: "integration" as const };
        let kindText = kind.kind;
        if (r.type === "aws:lb/loadBalancer:LoadBalancer") kindText = r.inputs.loadBalancerType === "network" ? "Network Load Balancer" : "Application Load Balancer";
        const fold = folded.get(urn) ?? [];
        const prefix = top ? `${top.name}-` : "";
        const label = prefix && r.name.startsWith(prefix) && r.name.length > prefix.length ? r.name.slice(prefix.length) : r.name;
        nodes.set(id, { id, name: r.name, label, kind: kindText, category: kind.category, group, external: false, urns: [urn, ...fold.map((f) => f.urn)], details: nodeDetails(r, fold) });
    }

    const external = (key: string, name: string, kind: string): string => {
        const id = safeId(`ext_${key}`);
        const node = nodes.get(id);
        if (!node) nodes.set(id, { id, name, label: name, kind, category: "external", external: true, urns: [], details: [] });
        return id;
    };
    const externalFor = (arn: string, action: string): string => {
        const service = arn === "*" ? action.split(":")[0] : arn.split(":")[2];
        // Which of its resources a node outside the stack stands for is on the edges (the actions name them).
        return external(service, SERVICE_NAMES[service] ?? service, "AWS service");
    };

    // ---- edges from the enumerated requests ----
    const grouped = new Map<string, { from: string; to: string; requests: AuthzRequest[] }>();
    const placements: RequestPlacement[] = [];
    for (const q of requests) {
        const source = ix.resolveSource(q.source, q.principal);
        const fromUrn = source ? own.owner(source) : undefined;
        const from = fromUrn ? idOf(fromUrn) : undefined;
        if (!from) throw new Error(`request "${q.description}": its source ${q.source} folds into no node`);
        // Assuming its own role, and setting up the delivery of its own logs (a state machine's), happen inside a node.
        if (q.action === "sts:AssumeRole" || (q.action.startsWith("logs:") && q.resource === "*")) {
            placements.push({ request: q, inside: from });
            continue;
        }
        const target = ix.resolveArn(q.resource);
        const toUrn = target ? own.owner(target) : undefined;
        const to = toUrn ? idOf(toUrn) : externalFor(q.resource, q.action);
        if (to === from) {
            placements.push({ request: q, inside: from });
            continue;
        }
        const key = `${from}->${to}`;
        grouped.set(key, { from, to, requests: [...(grouped.get(key)?.requests ?? []), q] });
        placements.push({ request: q, edge: key });
    }
    const edges: DiagramEdge[] = [];
    for (const [id, g] of grouped) {
        const { label, flow } = edgeLabel(g.requests.map((q) => describe(q, ix)));
        edges.push({ id, from: g.from, to: g.to, label, flow, requests: g.requests, unresolved: g.requests.every((q) => q.unresolved !== undefined) });
    }

    // ---- event sources from the rules' patterns ----
    for (const rule of ix.ofType("aws:cloudwatch/eventRule:EventRule")) {
        const source = patternSource(json(rule.inputs.eventPattern), ix);
        if (!source || !nodeIds.has(rule.urn)) continue;
        const fromUrn = source.from ? own.owner(source.from) : undefined;
        const from = fromUrn ? idOf(fromUrn) : external(safeId(source.service ?? "aws"), source.service ?? "AWS", "event source");
        const to = idOf(rule.urn);
        edges.push({ id: `${from}->${to}#pattern`, from, to, label: source.label, flow: "event", requests: [], derived: "event pattern", unresolved: false });
    }

    // ---- network traffic: listeners, target groups and security-group rules ----
    const traffic = new Map<string, DiagramEdge>();
    const addTraffic = (from: string | undefined, to: string | undefined, label: string, derived: DiagramEdge["derived"]) => {
        if (!from || !to || from === to) return;
        const id = `${from}->${to}#traffic`;
        const old = traffic.get(id);
        const labels = [...new Set([...(old ? old.label.split("\n") : []), label])];
        traffic.set(id, { id, from, to, label: labels.join("\n"), flow: "traffic", requests: [], derived: old?.derived ?? derived, unresolved: false });
    };
    const byArn = (arn: unknown) => ix.resources.find((r) => r.outputs?.arn === arn);
    const nodeIdOf = (r: RecordedResource | undefined) => {
        const o = r ? own.owner(r) : undefined;
        return o ? idOf(o) : undefined;
    };
    const routed = new Set<string>();
    for (const listener of ix.ofType("aws:lb/listener:Listener")) {
        const lb = byArn(listener.inputs.loadBalancerArn);
        const label = portLabel(listener.inputs.protocol, listener.inputs.port, listener.inputs.port);
        const rules = ix.ofType("aws:lb/listenerRule:ListenerRule").filter((r) => r.inputs.listenerArn === listener.outputs.arn);
        const forwards = [
            ...list<any>(listener.inputs.defaultActions).map((a) => ({ action: a, hosts: [] as string[] })),
            ...rules.flatMap((r) => list<any>(r.inputs.actions).map((a) => ({ action: a, hosts: list<any>(r.inputs.conditions).flatMap((c) => list<string>(c.hostHeader?.values)) }))),
        ];
        for (const { action, hosts } of forwards) {
            const groupsOf = [action.targetGroupArn, ...list<any>(action.forward?.targetGroups).map((t) => t.arn)].filter(Boolean);
            for (const arn of groupsOf) {
                const tg = byArn(arn);
                addTraffic(nodeIdOf(lb), nodeIdOf(tg), hosts.length ? `${label} ${hosts.join(", ")}` : label, "listener");
                if (lb && tg) routed.add(`${nodeIdOf(lb)}|${nodeIdOf(tg)}`);
            }
        }
    }
    for (const tg of ix.ofType("aws:lb/targetGroup:TargetGroup")) {
        const label = portLabel(tg.inputs.protocol, tg.inputs.port, tg.inputs.port);
        const targets = [
            ...ix.ofType("aws:autoscaling/group:Group").filter((g) => list<string>(g.inputs.targetGroupArns).includes(tg.outputs.arn)),
            ...ix.ofType("aws:ecs/service:Service").filter((s) => list<any>(s.inputs.loadBalancers).some((l) => l.targetGroupArn === tg.outputs.arn)),
            ...ix
                .ofType("aws:lb/targetGroupAttachment:TargetGroupAttachment")
                .filter((a) => a.inputs.targetGroupArn === tg.outputs.arn)
                .map((a) => ix.resources.find((r) => r.outputs?.id === a.inputs.targetId || r.outputs?.arn === a.inputs.targetId))
                .filter((r): r is RecordedResource => r !== undefined),
        ];
        for (const t of targets) addTraffic(nodeIdOf(tg), nodeIdOf(t), label, "target group");
    }
    // Who reaches whom through the security groups: nodes using the referenced group reach nodes using the rule's.
    const sgUsers = (id: string): string[] => {
        const sg = ix.ofType("aws:ec2/securityGroup:SecurityGroup").find((g) => g.outputs.id === id);
        if (!sg) return [];
        const o = own.owner(sg);
        if (o) return [idOf(o)];
        return [...own.users(sg)].map(idOf);
    };
    const behindRoute = (from: string, to: string) => edges.some((e) => e.from === from && e.to === to) || [...routed].some((k) => k.startsWith(`${from}|`) && [...traffic.values()].some((t) => t.to === to && `${from}|${t.from}` === k));
    for (const rule of ix.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")) {
        const i = rule.inputs;
        const label = portLabel(i.ipProtocol, i.fromPort, i.toPort);
        const targets = sgUsers(i.securityGroupId);
        let sources: string[];
        if (i.referencedSecurityGroupId) sources = sgUsers(i.referencedSecurityGroupId);
        else if (i.cidrIpv4 === "0.0.0.0/0" || i.cidrIpv6 === "::/0") sources = [external("internet", "Internet", "")];
        else if (i.cidrIpv4 || i.cidrIpv6) sources = [external(`clients_${i.cidrIpv4 ?? i.cidrIpv6}`, String(i.cidrIpv4 ?? i.cidrIpv6), "allowed clients")];
        else if (i.prefixListId) sources = [external(`clients_${i.prefixListId}`, String(i.prefixListId), "prefix list")];
        else continue;
        for (const from of sources) for (const to of targets) if (!behindRoute(from, to)) addTraffic(from, to, label, "security group rule");
    }
    edges.push(...traffic.values());

    mergeAlarms(nodes, edges, placements, nodeOf);
    const usedGroups = new Set<string>();
    for (const n of nodes.values()) for (let g = n.group; g; g = groups.get(g)?.parent) usedGroups.add(g);
    return {
        groups: [...groups.values()].filter((g) => usedGroups.has(g.id)),
        nodes: [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id)),
        edges: edges.sort((a, b) => a.id.localeCompare(b.id)),
        nodeOf,
        componentOf,
        placements,
    };
}

/**
 * Alarms of one group that notify the same targets become one node listing each alarm and its metric, so a component
 * with many alarms stays one column wide.
 */
function mergeAlarms(nodes: Map<string, DiagramNode>, edges: DiagramEdge[], placements: RequestPlacement[], nodeOf: Map<string, string | undefined>): void {
    const alarms = [...nodes.values()].filter((n) => n.kind === "alarm" && !edges.some((e) => e.to === n.id));
    const byTargets = new Map<string, DiagramNode[]>();
    for (const n of alarms) {
        const targets = edges.filter((e) => e.from === n.id).map((e) => e.to).sort().join(",");
        const key = `${n.group ?? ""}|${targets}`;
        byTargets.set(key, [...(byTargets.get(key) ?? []), n]);
    }
    for (const members of byTargets.values()) {
        if (members.length < 2) continue;
        members.sort((a, b) => a.id.localeCompare(b.id));
        const id = `alarms_${members[0].id}`;
        const ids = new Set(members.map((m) => m.id));
        nodes.set(id, {
            id,
            name: members.map((m) => m.name).join(", "),
            label: `${members.length} alarms`,
            kind: "CloudWatch alarms",
            category: "monitoring",
            group: members[0].group,
            external: false,
            urns: members.flatMap((m) => m.urns),
            details: members.map((m) => `${m.label}: ${m.details.join(" ")}`),
        });
        for (const m of members) nodes.delete(m.id);
        const merged = new Map<string, DiagramEdge>();
        for (const e of edges.filter((x) => ids.has(x.from))) {
            const key = `${id}->${e.to}`;
            const old = merged.get(key);
            merged.set(key, { ...e, id: key, from: id, requests: [...(old?.requests ?? []), ...e.requests] });
        }
        const remapped = new Map(edges.filter((x) => ids.has(x.from)).map((e) => [e.id, `${id}->${e.to}`]));
        const rest = edges.filter((x) => !ids.has(x.from));
        edges.length = 0;
        edges.push(...rest, ...merged.values());
        for (let i = 0; i < placements.length; i++) {
            const p = placements[i];
            if (p.edge && remapped.has(p.edge)) placements[i] = { ...p, edge: remapped.get(p.edge) };
        }
        for (const [urn, node] of nodeOf) if (node && ids.has(node)) nodeOf.set(urn, id);
    }
}
