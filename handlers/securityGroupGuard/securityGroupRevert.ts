// Reverts ingress rules added to monitored security groups and reports who added what.
// Input: EventBridge "AWS API Call via CloudTrail" events for AuthorizeSecurityGroupIngress and
// ModifySecurityGroupRules. Failures throw, so Lambda retries and finally sends the event to the
// failure destination; a "reverted" report is only published after the revoke succeeded.
import type { EC2, IpPermission, SecurityGroupRule } from "@aws-sdk/client-ec2";
import type { SNS } from "@aws-sdk/client-sns";
import { namedError } from "../shared/errors";
import { fitSnsMessage } from "../shared/text";

export interface RevertConfig {
    /** Security group ids that are always monitored. */
    readonly monitoredGroupIds: readonly string[];
    /** Groups with this tag are monitored too. */
    readonly monitoredTag?: { readonly key: string; readonly value: string };
    /** Principal ARNs whose changes stand; a trailing `*` matches any suffix. */
    readonly approvedPrincipals: readonly string[];
    /**
     * Ids of ingress rules the deploying program manages itself (the sample group's rule): their creation is left in
     * place whoever made it, so an unexempted deploying role does not have its own rules reverted. @default []
     */
    readonly managedRuleIds?: readonly string[];
    /** Topic for reports. */
    readonly topicArn: string;
}

export interface RevertDeps {
    readonly ec2: Pick<EC2, "describeSecurityGroups" | "describeSecurityGroupRules" | "revokeSecurityGroupIngress">;
    readonly sns: Pick<SNS, "publish">;
    readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

/** A human-readable description of one ingress rule. */
export interface RuleSummary {
    readonly ruleId?: string;
    readonly protocol: string;
    readonly ports: string;
    readonly source: string;
}

export type RevertResult =
    | { readonly status: "ignored"; readonly reason: string; readonly groupId?: string }
    | {
          readonly status: "reverted";
          readonly groupId: string;
          readonly eventName: string;
          readonly principal: string;
          readonly revoked: readonly RuleSummary[];
          readonly alreadyGone: boolean;
      };

// Module constants stay unexported: exported consts are read through `exports`, which closure
// serialization would then capture whole.
const HANDLED = ["AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules"];
/** The CloudTrail event names that add or change ingress rules. */
export function handledEventNames(): string[] {
    return [...HANDLED];
}

export function malformedEventError(message: string): Error {
    return namedError("MalformedEventError", `Malformed security-group event: ${message}`);
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** CloudTrail renders lists as `{ items: [...] }`; some fields are plain arrays or single objects. */
function items(v: unknown): Json[] {
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v.filter(isObject);
    if (isObject(v)) {
        if ("items" in v) return items(v.items);
        return Object.keys(v).length === 0 ? [] : [v];
    }
    return [];
}

function str(v: unknown): string | undefined {
    return typeof v === "string" && v.length > 0 ? v : undefined;
}

function num(v: unknown): number | undefined {
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
    return undefined;
}

/** The principal that made the call: the role ARN for assumed roles (so allow-lists name roles), else the caller ARN. */
export function callerArns(userIdentity: unknown): string[] {
    if (!isObject(userIdentity)) return [];
    const arns: string[] = [];
    const arn = str(userIdentity.arn);
    if (arn) arns.push(arn);
    const issuer = isObject(userIdentity.sessionContext) ? userIdentity.sessionContext.sessionIssuer : undefined;
    const issuerArn = isObject(issuer) ? str(issuer.arn) : undefined;
    if (issuerArn) arns.push(issuerArn);
    return arns;
}

/** The allow-list pattern for a deploying identity: an assumed-role session approves every session of its role. */
export function deployerPattern(callerArn: string): string {
    const m = /^(arn:aws[a-z-]*:sts::\d{12}:assumed-role\/[^/]+)\/.+$/.exec(callerArn);
    return m ? `${m[1]}/*` : callerArn;
}

export function isApproved(arns: readonly string[], approved: readonly string[]): boolean {
    return approved.some((pattern) =>
        arns.some((arn) => (pattern.endsWith("*") ? arn.startsWith(pattern.slice(0, -1)) : arn === pattern)),
    );
}

function portsOf(protocol: string, from?: number, to?: number): string {
    if (protocol === "-1" || protocol === "all") return "all";
    if (from === undefined || from === -1) return "all";
    return to === undefined || to === from ? `${from}` : `${from}-${to}`;
}

/** Converts CloudTrail's `ipPermissions` (lowerCamelCase, `items` lists) into EC2 API permissions, one source kind at a time. */
export function permissionsFromRequest(requestParameters: Json): IpPermission[] {
    const permissions: IpPermission[] = [];
    const listed = items(requestParameters.ipPermissions);
    // The legacy flat form: AuthorizeSecurityGroupIngress with CidrIp/IpProtocol/FromPort/ToPort.
    if (listed.length === 0 && (str(requestParameters.cidrIp) || str(requestParameters.ipProtocol))) {
        listed.push({
            ipProtocol: requestParameters.ipProtocol,
            fromPort: requestParameters.fromPort,
            toPort: requestParameters.toPort,
            ipRanges: str(requestParameters.cidrIp) ? { items: [{ cidrIp: requestParameters.cidrIp }] } : undefined,
        });
    }
    for (const p of listed) {
        const protocol = str(p.ipProtocol) ?? (typeof p.ipProtocol === "number" ? String(p.ipProtocol) : undefined);
        if (!protocol) throw malformedEventError("an ipPermissions item has no ipProtocol");
        const permission: IpPermission = { IpProtocol: protocol };
        const from = num(p.fromPort);
        const to = num(p.toPort);
        if (protocol !== "-1" && from !== undefined) permission.FromPort = from;
        if (protocol !== "-1" && to !== undefined) permission.ToPort = to;
        const ipRanges = items(p.ipRanges).flatMap((r) => (str(r.cidrIp) ? [{ CidrIp: str(r.cidrIp) }] : []));
        const ipv6Ranges = items(p.ipv6Ranges).flatMap((r) => (str(r.cidrIpv6) ? [{ CidrIpv6: str(r.cidrIpv6) }] : []));
        const prefixLists = items(p.prefixListIds).flatMap((r) =>
            str(r.prefixListId) ? [{ PrefixListId: str(r.prefixListId) }] : [],
        );
        const groups = items(p.groups ?? p.userIdGroupPairs).flatMap((g) => {
            const groupId = str(g.groupId);
            if (!groupId) return [];
            return [{ GroupId: groupId, ...(str(g.userId) ? { UserId: str(g.userId) } : {}) }];
        });
        if (ipRanges.length) permission.IpRanges = ipRanges;
        if (ipv6Ranges.length) permission.Ipv6Ranges = ipv6Ranges;
        if (prefixLists.length) permission.PrefixListIds = prefixLists;
        if (groups.length) permission.UserIdGroupPairs = groups;
        if (!ipRanges.length && !ipv6Ranges.length && !prefixLists.length && !groups.length) {
            throw malformedEventError(`the ${protocol} permission names no source (CIDR, IPv6 CIDR, prefix list or group)`);
        }
        permissions.push(permission);
    }
    return permissions;
}

/** One line per source of each permission. */
export function summarisePermissions(permissions: readonly IpPermission[]): RuleSummary[] {
    return permissions.flatMap((p) => {
        const protocol = p.IpProtocol ?? "?";
        const ports = portsOf(protocol, p.FromPort, p.ToPort);
        return [
            ...(p.IpRanges ?? []).map((r) => r.CidrIp ?? "?"),
            ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6 ?? "?"),
            ...(p.PrefixListIds ?? []).map((r) => `prefix list ${r.PrefixListId}`),
            ...(p.UserIdGroupPairs ?? []).map((g) => `security group ${g.GroupId}${g.UserId ? ` (account ${g.UserId})` : ""}`),
        ].map((source) => ({ protocol, ports, source }));
    });
}

/** A rule as CloudTrail reports it in `securityGroupRuleSet` or a modify request (either letter case). */
function summariseRule(r: Json, ruleId?: string): RuleSummary {
    const get = (camel: string) => r[camel] ?? r[camel[0].toUpperCase() + camel.slice(1)];
    const protocol = str(get("ipProtocol")) ?? String(get("ipProtocol") ?? "?");
    const referenced = get("referencedGroupInfo");
    const referencedGroup = isObject(referenced) ? str(referenced.groupId ?? referenced.GroupId) : str(get("referencedGroupId"));
    const source =
        str(get("cidrIpv4")) ??
        str(get("cidrIpv6")) ??
        (str(get("prefixListId")) ? `prefix list ${str(get("prefixListId"))}` : undefined) ??
        (referencedGroup ? `security group ${referencedGroup}` : "?");
    return { ruleId: ruleId ?? str(get("securityGroupRuleId")), protocol, ports: portsOf(protocol, num(get("fromPort")), num(get("toPort"))), source };
}

function errorName(err: unknown): string {
    return isObject(err) ? String(err.name ?? err.Code ?? err.code ?? "") : "";
}

/** Revocation of something already gone (a retried event) is not a failure: the rule is not there. */
function isAlreadyGone(err: unknown): boolean {
    return /^(InvalidPermission\.NotFound|InvalidSecurityGroupRuleId\.NotFound)$/.test(errorName(err));
}

async function isMonitored(groupId: string, config: RevertConfig, deps: RevertDeps): Promise<boolean> {
    if (config.monitoredGroupIds.includes(groupId)) return true;
    if (!config.monitoredTag) return false;
    const { key, value } = config.monitoredTag;
    try {
        const out = await deps.ec2.describeSecurityGroups({
            GroupIds: [groupId],
            Filters: [{ Name: `tag:${key}`, Values: [value] }],
        });
        return (out.SecurityGroups ?? []).some((g) => g.GroupId === groupId);
    } catch (err) {
        // A group deleted since the call has nothing left to revert.
        if (errorName(err) === "InvalidGroup.NotFound") return false;
        throw err;
    }
}

const PROTOCOL_NAMES: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

function protocolName(p: string | undefined): string {
    const lower = String(p ?? "").toLowerCase();
    return PROTOCOL_NAMES[lower] ?? lower;
}

/** The ingress rules of the group that any of `permissions` still names (their ids), after a revoke that found none. */
async function stillPresent(groupId: string, permissions: readonly IpPermission[], deps: RevertDeps): Promise<string[]> {
    const rules: SecurityGroupRule[] = [];
    let token: string | undefined;
    for (let page = 0; page < 20; page++) {
        const out = await deps.ec2.describeSecurityGroupRules({ Filters: [{ Name: "group-id", Values: [groupId] }], NextToken: token });
        rules.push(...(out.SecurityGroupRules ?? []));
        token = out.NextToken;
        if (!token) break;
    }
    return rules
        .filter((r) => r.IsEgress === false)
        .filter((r) =>
            permissions.some((p) => {
                const all = protocolName(p.IpProtocol) === "-1";
                if (protocolName(r.IpProtocol) !== protocolName(p.IpProtocol)) return false;
                if (!all && p.FromPort !== undefined && (r.FromPort !== p.FromPort || r.ToPort !== (p.ToPort ?? p.FromPort))) return false;
                return (
                    (p.IpRanges ?? []).some((x) => x.CidrIp === r.CidrIpv4) ||
                    (p.Ipv6Ranges ?? []).some((x) => x.CidrIpv6 === r.CidrIpv6) ||
                    (p.PrefixListIds ?? []).some((x) => x.PrefixListId === r.PrefixListId) ||
                    (p.UserIdGroupPairs ?? []).some((x) => x.GroupId === r.ReferencedGroupInfo?.GroupId)
                );
            }),
        )
        .map((r) => r.SecurityGroupRuleId ?? "a rule");
}

/** Handles one EventBridge event. Throws on malformed input or any AWS failure. */
export async function revertSecurityGroupChange(event: unknown, config: RevertConfig, deps: RevertDeps): Promise<RevertResult> {
    const log = deps.log ?? (() => undefined);
    if (!isObject(event) || !isObject(event.detail)) throw malformedEventError("the event has no detail object");
    const detail = event.detail;
    const eventName = str(detail.eventName);
    if (event["detail-type"] !== "AWS API Call via CloudTrail" || detail.eventSource !== "ec2.amazonaws.com" || !eventName) {
        return { status: "ignored", reason: `not an EC2 API call recorded by CloudTrail (${String(event["detail-type"])})` };
    }
    if (!HANDLED.includes(eventName)) {
        return { status: "ignored", reason: `${eventName} does not add ingress rules` };
    }
    if (str(detail.errorCode)) {
        return { status: "ignored", reason: `${eventName} failed with ${str(detail.errorCode)}; nothing changed` };
    }
    const request = isObject(detail.requestParameters) ? detail.requestParameters : undefined;
    if (!request) throw malformedEventError(`${eventName} has no requestParameters`);
    const response = isObject(detail.responseElements) ? detail.responseElements : {};
    const modify = isObject(request.ModifySecurityGroupRulesRequest) ? request.ModifySecurityGroupRulesRequest : undefined;
    const addedRules = items(response.securityGroupRuleSet);
    const groupId = str(request.groupId) ?? str(modify?.GroupId) ?? str(addedRules[0]?.groupId);
    if (!groupId || !/^sg-[0-9a-f]+$/.test(groupId)) {
        throw malformedEventError(`${eventName} names no security group id (got ${JSON.stringify(groupId ?? null)})`);
    }

    if (!(await isMonitored(groupId, config, deps))) {
        return { status: "ignored", reason: `${groupId} is not monitored`, groupId };
    }
    const principals = callerArns(detail.userIdentity);
    if (principals.length === 0) throw malformedEventError("the event has no userIdentity ARN");
    if (isApproved(principals, config.approvedPrincipals)) {
        log("change by an approved principal left in place", { groupId, principals });
        return { status: "ignored", reason: `change by approved principal ${principals[principals.length - 1]}`, groupId };
    }

    let revoke: { SecurityGroupRuleIds: string[] } | { IpPermissions: IpPermission[] };
    let revoked: RuleSummary[];
    if (eventName === "ModifySecurityGroupRules") {
        const entries = items(modify?.SecurityGroupRule);
        const ids = entries.map((e) => str(e.SecurityGroupRuleId)).filter((id): id is string => id !== undefined);
        if (ids.length === 0) throw malformedEventError("ModifySecurityGroupRules names no SecurityGroupRuleId");
        // The event does not say whether the rule is ingress or egress; only ingress rules are guarded.
        const described = await deps.ec2.describeSecurityGroupRules({ SecurityGroupRuleIds: ids });
        const ingress = (described.SecurityGroupRules ?? []).filter((r) => r.IsEgress === false && r.GroupId === groupId);
        if (ingress.length === 0) return { status: "ignored", reason: "the modified rules are egress rules", groupId };
        revoke = { SecurityGroupRuleIds: ingress.map((r) => r.SecurityGroupRuleId!) };
        revoked = ingress.map((r) => summariseRule(r as unknown as Json));
    } else {
        const managed = config.managedRuleIds ?? [];
        const added = addedRules.filter((r) => r.isEgress !== true && str(r.securityGroupRuleId));
        const ingressRules = added.filter((r) => !managed.includes(str(r.securityGroupRuleId)!));
        if (added.length > 0 && ingressRules.length === 0) {
            return { status: "ignored", reason: "the added rules are managed by the deploying program", groupId };
        }
        if (ingressRules.length > 0) {
            revoke = { SecurityGroupRuleIds: ingressRules.map((r) => str(r.securityGroupRuleId)!) };
            revoked = ingressRules.map((r) => summariseRule(r));
        } else {
            const permissions = permissionsFromRequest(request);
            if (permissions.length === 0) throw malformedEventError("AuthorizeSecurityGroupIngress carries no permissions");
            revoke = { IpPermissions: permissions };
            revoked = summarisePermissions(permissions);
        }
    }

    let alreadyGone = false;
    try {
        const out = await deps.ec2.revokeSecurityGroupIngress({ GroupId: groupId, ...revoke });
        if (out.Return === false) throw new Error(`RevokeSecurityGroupIngress on ${groupId} returned false`);
        const unknown = out.UnknownIpPermissions ?? [];
        if (unknown.length > 0) {
            // In a default VPC a permission that matches no rule is not an error: EC2 lists it as unknown. On a
            // repeated delivery that is the rule this handler already revoked; the group's rules tell which.
            // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html
            const remaining = await stillPresent(groupId, "IpPermissions" in revoke ? revoke.IpPermissions : unknown, deps);
            if (remaining.length > 0) {
                throw new Error(`RevokeSecurityGroupIngress on ${groupId} did not find ${JSON.stringify(unknown)}, and the group still has ${remaining.join(", ")}`);
            }
            alreadyGone = true;
            log("rules already revoked (repeated delivery)", { groupId, unknown });
        }
    } catch (err) {
        if (!isAlreadyGone(err)) throw err;
        alreadyGone = true;
        log("rule already revoked (retried event)", { groupId });
    }

    const principal = principals[0];
    const when = str(detail.eventTime) ?? "unknown time";
    const lines = [
        `Auto-mitigation successful: ${eventName} on ${groupId} was reverted.`,
        ``,
        `Who: ${principal}${principals[1] && principals[1] !== principal ? ` (role ${principals[1]})` : ""}`,
        `When: ${when}`,
        `From: ${str(detail.sourceIPAddress) ?? "unknown address"}`,
        `Region: ${str(detail.awsRegion) ?? "unknown"}`,
        `CloudTrail event: ${str(detail.eventID) ?? "unknown"}`,
        ``,
        `Rules removed:`,
        ...revoked.map((r) => `  - ${r.protocol} ports ${r.ports} from ${r.source}${r.ruleId ? ` (${r.ruleId})` : ""}`),
        ...(eventName === "ModifySecurityGroupRules"
            ? [``, `The modified rules were removed; their earlier versions are not in the event and must be restored by their owner.`]
            : []),
        ...(alreadyGone ? [``, `The rules were already gone when this run revoked them (a retried delivery).`] : []),
    ];
    await deps.sns.publish({
        TopicArn: config.topicArn,
        Subject: `Security group change reverted on ${groupId}`.slice(0, 100),
        // Cut to SNS's limit and made well-formed: a report Publish refuses would fail every retry, unreported.
        Message: fitSnsMessage(lines.join("\n")),
    });
    log("reverted", { groupId, eventName, principal, revoked });
    return { status: "reverted", groupId, eventName, principal, revoked, alreadyGone };
}

/** Reads the function's configuration from its environment variables; throws when the topic is missing. */
export function configFromEnvironment(env: Readonly<Record<string, string | undefined>>): RevertConfig {
    const list = (v: string | undefined) =>
        (v ?? "")
            .split(",")
            .map((s) => s.trim())
            .filter((s) => s.length > 0);
    const topicArn = env.TOPIC_ARN;
    if (!topicArn) throw new Error("TOPIC_ARN is not set");
    const key = env.MONITORED_TAG_KEY;
    return {
        monitoredGroupIds: list(env.MONITORED_GROUP_IDS),
        monitoredTag: key ? { key, value: env.MONITORED_TAG_VALUE ?? "" } : undefined,
        approvedPrincipals: list(env.APPROVED_PRINCIPALS),
        managedRuleIds: list(env.MANAGED_RULE_IDS),
        topicArn,
    };
}
