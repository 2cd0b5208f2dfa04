// A simulated AWS account: stacks are deployed into it one after another, updated and destroyed, with what each one
// holds carried between runs. It finds what a real, shared account adds to a stack evaluated alone: explicit names
// taken twice in their scope, singletons claimed twice, one stack's functions, policies and schedules selecting
// another stack's resources, billed duplicates, replacements an update makes, what a destroy leaves behind, and the
// prerequisites a scenario's job needs in the account. Facts per type: ./facts.ts; replacing inputs: ./replacements.ts.
import type { RecordedResource } from "../../engine/mocks";
import { OUTSIDE_KINDS, OutsideKind, Scope, SERVICE_LOG_GROUPS, TYPE_FACTS, TypeFacts } from "./facts";
import { REPLACEMENTS } from "./replacements";

/** One stack's run as the account sees it: its name, its region and what it registered. */
export interface StackDeployment {
    readonly stack: string;
    /** The stack's `aws:region`. */
    readonly region: string;
    readonly resources: readonly RecordedResource[];
}

export type FindingKind = "unknown-type" | "name" | "singleton" | "selector" | "billed-copy" | "prerequisite";

export interface Finding {
    readonly kind: FindingKind;
    /** The stack being deployed. */
    readonly stack: string;
    /** The stack already in the account it collides with, where there is one. */
    readonly other?: string;
    readonly message: string;
}

const PROVIDER = "pulumi:providers:aws";
const list = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const parseJson = (v: unknown): any => (typeof v === "string" ? JSON.parse(v) : v);

/** The facts of a type; throws for a type without a row, so every new type gets one. */
export function factsOf(type: string): TypeFacts {
    const facts = TYPE_FACTS[type];
    if (!facts) throw new Error(`${type} has no row in checks/account/facts.ts: add where its name is unique, whether it is a singleton and the AWS page saying so`);
    return facts;
}

/** The custom AWS resources of a run (providers are not AWS resources). */
export function awsResources(resources: readonly RecordedResource[]): RecordedResource[] {
    return resources.filter((r) => r.custom && r.type !== PROVIDER);
}

/** Types a run creates that have no row in the facts or the replacements table. */
export function typesWithoutRows(resources: readonly RecordedResource[]): string[] {
    const types = new Set(awsResources(resources).map((r) => r.type));
    return [...types].filter((t) => !TYPE_FACTS[t] || !REPLACEMENTS[t]).sort();
}

/** The region each resource is created in: its explicit provider's, else the stack's. */
function regionResolver(d: StackDeployment): (r: RecordedResource) => string {
    const regions = new Map<string, string>();
    for (const p of d.resources.filter((r) => r.type === PROVIDER)) if (p.inputs.region) regions.set(p.urn, String(p.inputs.region));
    return (r) => {
        const urn = r.provider ? r.provider.slice(0, r.provider.lastIndexOf("::")) : undefined;
        return (urn && regions.get(urn)) || (typeof r.inputs.region === "string" ? r.inputs.region : d.region);
    };
}

const scopeKey = (scope: Scope, region: string): string => (scope === "region" ? `region ${region}` : scope);

/** A physical name the program chose itself, with the scope it must be unique in. */
interface NameClaim {
    readonly key: string;
    readonly label: string;
}

function nameClaims(d: StackDeployment): NameClaim[] {
    const regionOf = regionResolver(d);
    const claims: NameClaim[] = [];
    for (const r of awsResources(d.resources)) {
        const f = factsOf(r.type);
        if (!f.name || f.scope === "parent" || f.scope === "generated") continue;
        const chosen = r.inputs[f.name];
        if (typeof chosen !== "string") continue;
        const scope = scopeKey(f.scope, regionOf(r));
        if (r.type === "aws:route53/record:Record") {
            const id = [r.inputs.zoneId, chosen, r.inputs.type, r.inputs.setIdentifier ?? ""].join("|");
            claims.push({ key: `${r.type}|${id}`, label: `Route 53 record ${chosen} ${r.inputs.type}${r.inputs.setIdentifier ? ` (${r.inputs.setIdentifier})` : ""} in zone ${r.inputs.zoneId}` });
            continue;
        }
        claims.push({ key: `${scope}|${r.type}|${chosen}`, label: `${r.type.split(":")[2]} name "${chosen}" (${scope}; ${r.name})` });
    }
    return claims;
}

function singletonClaims(d: StackDeployment): NameClaim[] {
    const regionOf = regionResolver(d);
    return awsResources(d.resources).flatMap((r) => {
        const s = factsOf(r.type).singleton;
        if (!s) return [];
        const scope = scopeKey(factsOf(r.type).scope, regionOf(r));
        return [{ key: `${scope}|${s.key(r.inputs)}`, label: `${s.what} (${scope}; ${r.name})` }];
    });
}

/** Something a stack acts on by pattern rather than by naming it: a policy's wildcard, a tag condition, a rule's scope. */
export interface Selector {
    readonly owner: string;
    /** Where it is declared, for people. */
    readonly source: string;
    /** IAM-style ARN pattern (`*`, `?`). */
    readonly arnPattern: string;
    /** Tags a selected resource must carry. */
    readonly tags: Readonly<Record<string, string>>;
    readonly actions: readonly string[];
}

/** A resource as selectors see it: its ARN and tags. */
export interface Target {
    readonly arn: string;
    readonly tags: Readonly<Record<string, string>>;
    readonly label: string;
}

const READ_ONLY = /^[a-z0-9-]+:(Describe|Get|List|BatchGet|Search|Lookup|Filter|Select|Head)/;
/**
 * Actions that select nothing of another stack's although their resource is a wildcard: an instance registering itself
 * with Systems Manager (the call applies to the calling instance,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html), and CreateSnapshots on
 * volumes, which it authorizes only for the volumes of the instance it names, authorized separately
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSnapshots.html).
 */
const SELECTS_NOTHING = [
    { action: "ssm:UpdateInstanceInformation", resource: /:instance\/\*$/ },
    { action: "ec2:CreateSnapshots", resource: /:volume\/\*$/ },
];

/** Conditions that limit a statement to what the caller creates, not to anything that exists. */
const CREATION_ONLY = /^(aws:RequestTag\/|aws:TagKeys$|ec2:CreateAction$)/;

function policyDocuments(resources: readonly RecordedResource[]): { source: string; policy: any }[] {
    const docs: { source: string; policy: any }[] = [];
    for (const r of resources) {
        if (r.type === "aws:iam/rolePolicy:RolePolicy" || r.type === "aws:iam/userPolicy:UserPolicy" || r.type === "aws:iam/policy:Policy") {
            if (r.inputs.policy) docs.push({ source: r.name, policy: parseJson(r.inputs.policy) });
        }
    }
    return docs;
}

function tagConditions(condition: Record<string, Record<string, unknown>> | undefined): { tags: Record<string, string>; creationOnly: boolean } {
    const tags: Record<string, string> = {};
    let creationOnly = false;
    for (const [operator, entries] of Object.entries(condition ?? {})) {
        for (const [key, value] of Object.entries(entries)) {
            if (CREATION_ONLY.test(key)) creationOnly = true;
            const m = /^(?:aws|ec2):ResourceTag\/(.+)$/.exec(key);
            if (m && /^StringEquals(IgnoreCase)?$/.test(operator)) tags[m[1]] = String(list(value as string | string[])[0]);
        }
    }
    return { tags, creationOnly };
}

/**
 * Names pulumi generates carry a random suffix, so they differ between two stacks of one program; offline they are
 * the same in every stack. Values that contain one are made the stack's own before two stacks are compared.
 */
function uniquifier(d: StackDeployment): (value: string) => string {
    const generated = awsResources(d.resources)
        .map((r) => ({ r, f: TYPE_FACTS[r.type] }))
        .filter(({ r, f }) => f?.name && r.inputs[f.name] === undefined && typeof r.outputs[f.name] === "string" && r.outputs[f.name].length > 8)
        .map(({ r, f }) => String(r.outputs[f!.name!]))
        .sort((a, b) => b.length - a.length);
    return (value) => {
        for (const n of generated) if (value.includes(n)) return value.split(n).join(`${n}~${d.stack}`);
        return value;
    };
}

/** Every selector of a stack: policy statements that change resources matched by pattern, Config rule scopes, maintenance window targets. */
export function selectorsOf(d: StackDeployment, account: string): Selector[] {
    const regionOf = regionResolver(d);
    // API Gateway's logging role serves every API of the account and region: the stack that owns the singleton owns it.
    const singletonRoles = d.resources
        .filter((r) => r.type === "aws:apigateway/account:Account")
        .map((r) => String(r.inputs.cloudwatchRoleArn ?? "").split("/").pop());
    const unique = uniquifier(d);
    const uniqueTags = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, unique(v)]));
    const out: Selector[] = [];
    const policies = d.resources.filter((r) => !singletonRoles.includes(String(r.inputs.role ?? "").split("/").pop()));
    for (const { source, policy } of policyDocuments(policies)) {
        for (const st of list(policy.Statement)) {
            if (st.Effect !== "Allow" || !st.Resource) continue;
            const actions = list<string>(st.Action).filter((a) => !READ_ONLY.test(a));
            if (actions.length === 0) continue;
            const { tags, creationOnly } = tagConditions(st.Condition);
            if (creationOnly) continue;
            for (const resource of list<string>(st.Resource)) {
                if (resource === "*" || !/[*?]/.test(resource)) continue;
                const acting = actions.filter((a) => !SELECTS_NOTHING.some((x) => x.action === a && x.resource.test(resource)));
                if (acting.length === 0) continue;
                out.push({ owner: d.stack, source: `${source}${st.Sid ? ` ${st.Sid}` : ""}`, arnPattern: unique(resource), tags: uniqueTags(tags), actions: acting });
            }
        }
    }
    for (const rule of d.resources.filter((r) => r.type === "aws:cfg/rule:Rule")) {
        const scope = rule.inputs.scope;
        if (scope?.tagKey) {
            out.push({ owner: d.stack, source: `${rule.name} (Config rule scope)`, arnPattern: "*", tags: { [scope.tagKey]: String(scope.tagValue ?? "") }, actions: ["config:evaluate"] });
        }
    }
    for (const target of d.resources.filter((r) => r.type === "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget")) {
        for (const t of list<{ key: string; values: string[] }>(target.inputs.targets)) {
            const m = /^tag:(.+)$/.exec(t.key);
            if (m) {
                out.push({
                    owner: d.stack,
                    source: `${target.name} (maintenance window target)`,
                    arnPattern: `arn:aws:ec2:${regionOf(target)}:${account}:instance/*`,
                    tags: { [m[1]]: t.values[0] },
                    actions: ["ssm:SendCommand"],
                });
            }
        }
    }
    return out;
}

/** What the program's functions create outside Pulumi, as targets with the tags their creation carries (from the roles' own conditions). */
function outsideTargets(d: StackDeployment): Target[] {
    const unique = uniquifier(d);
    const targets: Target[] = [];
    for (const { source, policy } of policyDocuments(d.resources)) {
        for (const st of list(policy.Statement)) {
            if (st.Effect !== "Allow") continue;
            const actions = list<string>(st.Action);
            const kind = OUTSIDE_KINDS.find((k) => k.createdBy.some((a) => actions.includes(a)));
            if (!kind) continue;
            const requestTags: Record<string, string> = {};
            for (const entries of Object.values<Record<string, unknown>>(st.Condition ?? {})) {
                for (const [key, value] of Object.entries(entries)) {
                    const m = /^aws:RequestTag\/(.+)$/.exec(key);
                    if (m) requestTags[m[1]] = unique(String(list(value as string)[0]));
                }
            }
            for (const resource of list<string>(st.Resource)) {
                if (resource === "*" || !kind.arn.test(resource)) continue;
                // One example of what it may create: the pattern with its wildcards filled in.
                targets.push({ arn: unique(resource.replace(/[*?]/g, "x")), tags: requestTags, label: `${kind.what} created by ${source}` });
            }
        }
    }
    return targets;
}

function targetsOf(d: StackDeployment): Target[] {
    const unique = uniquifier(d);
    const targets: Target[] = awsResources(d.resources)
        .filter((r) => typeof r.outputs.arn === "string")
        .map((r) => ({ arn: unique(String(r.outputs.arn)), tags: Object.fromEntries(Object.entries<string>({ ...(r.outputs.tags ?? {}), ...(r.inputs.tags ?? {}) }).map(([k, v]) => [k, unique(String(v))])), label: `${r.type.split(":")[2]} ${r.name}` }));
    return [...targets, ...outsideTargets(d)];
}

function globMatch(pattern: string, value: string): boolean {
    const re = new RegExp(`^${pattern.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/, "\\$&"))).join("")}$`);
    return re.test(value);
}

export function selects(selector: Selector, target: Target): boolean {
    if (!globMatch(selector.arnPattern, target.arn)) return false;
    return Object.entries(selector.tags).every(([k, v]) => target.tags[k] === v);
}

/** Does a trail deliver management events (the free first copy, and what EventBridge's CloudTrail events need)? */
function logsManagementEvents(trail: RecordedResource): boolean {
    if (trail.inputs.enableLogging === false) return false;
    const basic = list<{ includeManagementEvents?: boolean }>(trail.inputs.eventSelectors);
    const advanced = list<{ fieldSelectors?: { field: string; equals?: string[] }[] }>(trail.inputs.advancedEventSelectors);
    if (advanced.length > 0) return advanced.some((s) => (s.fieldSelectors ?? []).some((f) => f.field === "eventCategory" && (f.equals ?? []).includes("Management")));
    return basic.length === 0 || basic.some((s) => s.includeManagementEvents !== false);
}

/** A prerequisite a scenario's job needs in the account, and what provides it. */
export interface Prerequisite {
    readonly needs: string;
    /** The resources whose job needs it. */
    readonly neededBy: (r: RecordedResource) => boolean;
    /** A resource (of any stack in the account, in the region unless `anyRegion`) that provides it. */
    readonly providedBy: (r: RecordedResource) => boolean;
    readonly anyRegion?: (r: RecordedResource) => boolean;
    /** The settings that provide it in this program. */
    readonly settings: string;
    /** Words a stack file uses when it says the prerequisite is not provided there. */
    readonly keyword: RegExp;
    readonly doc: string;
}

const pattern = (r: RecordedResource): any => (r.inputs.eventPattern ? parseJson(r.inputs.eventPattern) : undefined);

export const PREREQUISITES: readonly Prerequisite[] = [
    {
        needs: "a CloudTrail trail logging management events (EventBridge receives \"AWS API Call via CloudTrail\" events only then)",
        neededBy: (r) => r.type === "aws:cloudwatch/eventRule:EventRule" && list(pattern(r)?.["detail-type"]).includes("AWS API Call via CloudTrail"),
        providedBy: (r) => r.type === "aws:cloudtrail/trail:Trail" && logsManagementEvents(r),
        anyRegion: (r) => r.inputs.isMultiRegionTrail === true,
        settings: "securityGroupGuard.createTrail, or compliantWebApp (its audit trail)",
        keyword: /\btrail\b/i,
        doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html",
    },
    {
        needs: "an AWS Config configuration recorder in the region (PutConfigRule fails without one)",
        neededBy: (r) => r.type === "aws:cfg/rule:Rule",
        providedBy: (r) => r.type === "aws:cfg/recorder:Recorder",
        settings: "compliantWebApp.createConfigRecorder",
        keyword: /\brecorder\b/i,
        doc: "https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_set-up.html",
    },
    {
        needs: "Amazon Inspector scanning EC2 in the region (no finding arrives otherwise)",
        neededBy: (r) => r.type === "aws:cloudwatch/eventRule:EventRule" && list(pattern(r)?.source).includes("aws.inspector2"),
        providedBy: (r) => r.type === "aws:inspector2/enabler:Enabler" && list(r.inputs.resourceTypes).includes("EC2"),
        settings: "patchInspectProtect.enableInspector",
        keyword: /\binspector\b/i,
        doc: "https://docs.aws.amazon.com/inspector/latest/user/eventbridge-integration.html",
    },
    {
        needs: "SES production access (in the sandbox, mail goes only to verified addresses)",
        neededBy: (r) => r.type === "aws:sesv2/emailIdentity:EmailIdentity",
        providedBy: () => false,
        settings: "none: request production access in the SES console",
        keyword: /\bsandbox\b/i,
        doc: "https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html",
    },
];

/** A resource an update replaces (deletes and creates anew). */
export interface Replacement {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** The changed inputs that force it. */
    readonly inputs: readonly string[];
    readonly holdsData: boolean;
    readonly protect: boolean;
    /** Forced only under a condition of the provider's CustomizeDiff. */
    readonly conditional: boolean;
}

function valuesAt(value: unknown, path: readonly string[]): unknown[] {
    if (path.length === 0) return [value];
    if (Array.isArray(value)) return value.flatMap((v) => valuesAt(v, path));
    if (value && typeof value === "object") return valuesAt((value as Record<string, unknown>)[path[0]], path.slice(1));
    return [undefined];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Resources whose replacing inputs differ between two runs of one stack (matched by URN or alias). */
export function replacements(before: readonly RecordedResource[], after: readonly RecordedResource[]): Replacement[] {
    const old = new Map(before.map((r) => [r.urn, r]));
    const out: Replacement[] = [];
    for (const r of awsResources(after)) {
        const prior = old.get(r.urn) ?? r.aliases.map((a) => (a.urn ? old.get(a.urn) : undefined)).find(Boolean);
        if (!prior || prior.type !== r.type) continue;
        const row = REPLACEMENTS[r.type];
        if (!row) throw new Error(`${r.type} has no row in checks/account/replacements.ts`);
        const ignored = new Set(r.ignoreChanges ?? []);
        const changed = (paths: readonly string[]) =>
            paths.filter((p) => !ignored.has(p.split(".")[0]) && !same(valuesAt(prior.inputs, p.split(".")), valuesAt(r.inputs, p.split("."))));
        const always = changed(row.replaceOn);
        const sometimes = changed(row.replaceOnSomeChanges ?? []);
        if (always.length + sometimes.length === 0) continue;
        out.push({
            urn: r.urn,
            type: r.type,
            name: r.name,
            inputs: [...always, ...sometimes],
            holdsData: factsOf(r.type).holdsData === true,
            protect: r.protect,
            conditional: always.length === 0,
        });
    }
    return out;
}

/** Something a destroy leaves in the account. */
export interface Leftover {
    readonly what: string;
    /** Resource whose configuration or role leads to it. */
    readonly resource: string;
    /** Top-level component it belongs to (its scenario). */
    readonly component?: string;
    /** Costs money (or blocks a later deletion) while it stays. */
    readonly costs: boolean;
    /** Why it stays. */
    readonly why: string;
}

/** Buckets something other than Pulumi writes to: services delivering logs, pipelines, Athena, the program's own roles. */
function writtenBuckets(resources: readonly RecordedResource[]): Map<string, string> {
    const writers = new Map<string, string>();
    const note = (bucket: unknown, by: string) => {
        const name = String(bucket ?? "").replace(/^s3:\/\//, "").replace(/^arn:aws:s3:::/, "").split("/")[0];
        if (name && !writers.has(name)) writers.set(name, by);
    };
    for (const r of resources) {
        const i = r.inputs;
        if (r.type === "aws:cloudtrail/trail:Trail") note(i.s3BucketName, `trail ${r.name}`);
        if (r.type === "aws:cfg/deliveryChannel:DeliveryChannel") note(i.s3BucketName, `Config delivery ${r.name}`);
        if (r.type === "aws:lb/loadBalancer:LoadBalancer" && i.accessLogs?.enabled !== false && i.accessLogs?.bucket) note(i.accessLogs.bucket, `access logs of ${r.name}`);
        if (r.type === "aws:s3/bucketLogging:BucketLogging") note(i.targetBucket, `server access logs (${r.name})`);
        if (r.type === "aws:codepipeline/pipeline:Pipeline") for (const s of list<{ location: string }>(i.artifactStores)) note(s.location, `pipeline ${r.name}`);
        if (r.type === "aws:athena/workgroup:Workgroup") note(i.configuration?.resultConfiguration?.outputLocation, `Athena workgroup ${r.name}`);
        if (r.type === "aws:cloudfront/distribution:Distribution" && i.loggingConfig?.bucket) note(String(i.loggingConfig.bucket).split(".s3")[0], `CloudFront logs of ${r.name}`);
    }
    for (const { source, policy } of policyDocuments(resources)) {
        for (const st of list(policy.Statement)) {
            if (st.Effect === "Allow" && list<string>(st.Action).some((a) => a === "s3:PutObject" || a === "s3:*")) {
                for (const res of list<string>(st.Resource)) if (res.startsWith("arn:aws:s3:::")) note(res, `role policy ${source}`);
            }
        }
    }
    return writers;
}

function topComponent(resources: readonly RecordedResource[], r: RecordedResource): string | undefined {
    const byUrn = new Map(resources.map((x) => [x.urn, x]));
    let top: RecordedResource | undefined;
    for (let p = r.parentUrn ? byUrn.get(r.parentUrn) : undefined; p && p.type !== "pulumi:pulumi:Stack"; p = p.parentUrn ? byUrn.get(p.parentUrn) : undefined) top = p;
    return top?.type;
}

/** Invocations that run again on `pulumi destroy` (lifecycle scope CRUD), with the actions their function's role holds. */
function cleanupActions(resources: readonly RecordedResource[]): Set<string> {
    const actions = new Set<string>();
    const functions = resources.filter((r) => r.type === "aws:lambda/function:Function");
    for (const inv of resources.filter((r) => r.type === "aws:lambda/invocation:Invocation" && r.inputs.lifecycleScope === "CRUD")) {
        const fn = functions.find((f) => f.outputs.name === inv.inputs.functionName || f.outputs.arn === inv.inputs.functionName);
        if (!fn) continue;
        const roleName = String(fn.inputs.role ?? "").split("/").pop();
        const policies = resources.filter(
            (p) => p.type === "aws:iam/rolePolicy:RolePolicy" && String(p.inputs.role).split("/").pop() === roleName,
        );
        for (const p of policies) for (const st of list(parseJson(p.inputs.policy).Statement)) if (st.Effect === "Allow") list<string>(st.Action).forEach((a) => actions.add(a));
    }
    return actions;
}

/** What `pulumi destroy` of a stack leaves in the account. */
export function leftovers(resources: readonly RecordedResource[]): Leftover[] {
    const out: Leftover[] = [];
    const all = awsResources(resources);
    for (const r of all) {
        if (r.protect || r.retainOnDelete) {
            out.push({ what: `${r.type.split(":")[2]} ${r.name}`, resource: r.name, component: topComponent(resources, r), costs: factsOf(r.type).holdsData === true, why: r.protect ? "protected" : "retained on delete" });
        }
    }
    const writers = writtenBuckets(all);
    for (const b of all.filter((r) => r.type === "aws:s3/bucket:Bucket")) {
        const name = String(b.outputs.bucket ?? b.outputs.id);
        const writer = writers.get(name);
        if (writer && b.inputs.forceDestroy !== true && !b.protect) {
            out.push({ what: `bucket ${b.name} and its objects`, resource: b.name, component: topComponent(resources, b), costs: true, why: `${writer} writes to it and forceDestroy is off: the destroy stops at BucketNotEmpty` });
        }
    }
    const cleanup = cleanupActions(all);
    const seen = new Set<string>();
    for (const { source, policy } of policyDocuments(all)) {
        for (const st of list(policy.Statement)) {
            if (st.Effect !== "Allow") continue;
            const kind: OutsideKind | undefined = OUTSIDE_KINDS.find((k) => k.createdBy.some((a) => list<string>(st.Action).includes(a)));
            if (!kind || seen.has(`${kind.what}|${source}`)) continue;
            seen.add(`${kind.what}|${source}`);
            if (cleanup.has(kind.deletedBy)) continue;
            const policyResource = all.find((p) => p.name === source);
            out.push({ what: kind.what, resource: source, component: policyResource && topComponent(resources, policyResource), costs: kind.costs, why: `${source} may create them outside Pulumi and nothing deletes them on destroy` });
        }
    }
    for (const rule of SERVICE_LOG_GROUPS) {
        for (const r of all.filter((x) => x.type === rule.type && rule.when(x.inputs))) {
            out.push({ what: `log group ${rule.group(r)}`, resource: r.name, component: topComponent(resources, r), costs: true, why: "the service creates it and keeps it after the resource is gone" });
        }
    }
    for (const db of all.filter((r) => r.type === "aws:rds/instance:Instance" && r.inputs.skipFinalSnapshot !== true)) {
        out.push({ what: `final DB snapshot ${db.inputs.finalSnapshotIdentifier ?? ""}`.trim(), resource: db.name, component: topComponent(resources, db), costs: true, why: "skipFinalSnapshot is off" });
    }
    return out;
}

/** The simulated account: the stacks deployed in it, in order. */
export class Account {
    private readonly stacks = new Map<string, StackDeployment>();

    constructor(readonly id = "123456789012") {}

    get deployed(): readonly string[] {
        return [...this.stacks.keys()];
    }

    /**
     * Deploys (or updates) a stack: returns every collision with the stacks already in the account — explicit names
     * taken, singletons claimed, selectors reaching the other's resources in either direction, billed duplicates —
     * and the prerequisites no stack in the account provides.
     */
    deploy(d: StackDeployment): Finding[] {
        const missing = typesWithoutRows(d.resources);
        if (missing.length > 0) {
            return missing.map((t) => ({ kind: "unknown-type", stack: d.stack, message: `${t} has no row in checks/account/facts.ts or replacements.ts` }));
        }
        const findings: Finding[] = [];
        const names = nameClaims(d);
        const singletons = singletonClaims(d);
        for (const claims of [names, singletons]) {
            const seen = new Map<string, string>();
            for (const c of claims) {
                if (seen.has(c.key)) findings.push({ kind: claims === names ? "name" : "singleton", stack: d.stack, message: `${c.label} is claimed twice within the stack` });
                seen.set(c.key, c.label);
            }
        }
        const mine = { selectors: selectorsOf(d, this.id), targets: targetsOf(d) };
        for (const [other, od] of this.stacks) {
            if (other === d.stack) continue;
            const theirNames = new Set(nameClaims(od).map((c) => c.key));
            for (const c of names) if (theirNames.has(c.key)) findings.push({ kind: "name", stack: d.stack, other, message: `${c.label} is already taken by ${other}` });
            const theirSingletons = new Set(singletonClaims(od).map((c) => c.key));
            for (const c of singletons) if (theirSingletons.has(c.key)) findings.push({ kind: "singleton", stack: d.stack, other, message: `${c.label} is already created by ${other}` });
            const theirs = { selectors: selectorsOf(od, this.id), targets: targetsOf(od) };
            for (const [from, to, sel, targets] of [
                [d.stack, other, mine.selectors, theirs.targets],
                [other, d.stack, theirs.selectors, mine.targets],
            ] as const) {
                for (const s of sel) {
                    const hit = targets.find((t) => selects(s, t));
                    if (hit) findings.push({ kind: "selector", stack: d.stack, other, message: `${from}'s ${s.source} (${s.actions.join(", ")} on ${s.arnPattern}${Object.keys(s.tags).length ? ` tagged ${JSON.stringify(s.tags)}` : ""}) selects ${to}'s ${hit.label}` });
                }
            }
        }
        const trails = [...this.stacks.values()].filter((x) => x.stack !== d.stack).concat([d]).flatMap((x) =>
            awsResources(x.resources).filter((r) => r.type === "aws:cloudtrail/trail:Trail" && logsManagementEvents(r)).map((r) => `${x.stack}/${r.name}`),
        );
        if (trails.length > 1) {
            findings.push({
                kind: "billed-copy",
                stack: d.stack,
                message: `${trails.length} trails deliver management events (${trails.join(", ")}): only the first copy is free, each further one is billed (https://aws.amazon.com/cloudtrail/pricing/)`,
            });
        }
        this.stacks.set(d.stack, d);
        return findings;
    }

    /** Prerequisites the stack's scenarios need that no stack in the account provides. */
    unmet(stack: string): { prerequisite: Prerequisite; resource: string }[] {
        const d = this.stacks.get(stack);
        if (!d) throw new Error(`${stack} is not deployed`);
        const regionOf = regionResolver(d);
        const providers = [...this.stacks.values()].flatMap((x) => awsResources(x.resources).map((r) => ({ r, region: regionResolver(x)(r) })));
        const out: { prerequisite: Prerequisite; resource: string }[] = [];
        for (const p of PREREQUISITES) {
            for (const r of awsResources(d.resources).filter(p.neededBy)) {
                const region = regionOf(r);
                const met = providers.some(({ r: x, region: xr }) => p.providedBy(x) && (xr === region || p.anyRegion?.(x) === true));
                if (!met) out.push({ prerequisite: p, resource: r.name });
            }
        }
        return out;
    }

    /** Updates a deployed stack to a new run: the replacements it makes, and the collisions it brings. */
    update(d: StackDeployment): { replacements: Replacement[]; findings: Finding[] } {
        const before = this.stacks.get(d.stack);
        if (!before) throw new Error(`${d.stack} is not deployed`);
        return { replacements: replacements(before.resources, d.resources), findings: this.deploy(d) };
    }

    /** Destroys a stack: what it leaves behind. */
    destroy(stack: string): Leftover[] {
        const d = this.stacks.get(stack);
        if (!d) throw new Error(`${stack} is not deployed`);
        this.stacks.delete(stack);
        return leftovers(d.resources);
    }
}
