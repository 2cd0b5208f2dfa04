// The security-group guard's real-shaped events, shared by the revert function's example tests and its properties:
// CloudTrail's record of a security-group API call, as EventBridge delivers it.

export const GROUP = "sg-0a1b2c3d4e5f60718";
export const TOPIC = "arn:aws:sns:us-east-1:123456789012:sg-guard-alerts";
export const INTRUDER = {
    type: "AssumedRole",
    principalId: "AROAEXAMPLE:alice",
    arn: "arn:aws:sts::123456789012:assumed-role/Developer/alice",
    accountId: "123456789012",
    sessionContext: {
        sessionIssuer: { type: "Role", arn: "arn:aws:iam::123456789012:role/Developer", userName: "Developer" },
    },
};


export function event(eventName: string, requestParameters: unknown, responseElements: unknown = null, extra: Record<string, unknown> = {}) {
    return {
        version: "0",
        id: "7bf73129-1428-4cd3-a780-95db273d1602",
        "detail-type": "AWS API Call via CloudTrail",
        source: "aws.ec2",
        account: "123456789012",
        time: "2026-11-26T10:00:00Z",
        region: "us-east-1",
        resources: [],
        detail: {
            eventVersion: "1.09",
            userIdentity: INTRUDER,
            eventTime: "2026-11-26T10:00:00Z",
            eventSource: "ec2.amazonaws.com",
            eventName,
            awsRegion: "us-east-1",
            sourceIPAddress: "203.0.113.7",
            requestParameters,
            responseElements,
            eventID: "f1b3c5d7-0000-4000-8000-000000000001",
            ...extra,
        },
    };
}

/** An AuthorizeSecurityGroupIngress event as CloudTrail records it (lists as `{ items: [...] }`). */
export function authorize(permissions: unknown[], rules: unknown[] | null, extra: Record<string, unknown> = {}) {
    return event(
        "AuthorizeSecurityGroupIngress",
        { groupId: GROUP, ipPermissions: { items: permissions } },
        rules === null ? { requestId: "r-1", _return: true } : { requestId: "r-1", _return: true, securityGroupRuleSet: { items: rules } },
        extra,
    );
}

export function rule(id: string, fields: Record<string, unknown>) {
    return { groupOwnerId: "123456789012", groupId: GROUP, securityGroupRuleId: id, isEgress: false, ...fields };
}

/** One SSH rule from anywhere, as CloudTrail records its authorization: with the rule's id, or (older events) without. */
export function sshFromAnywhere(withRuleSet = true) {
    return authorize(
        [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] } }],
        withRuleSet ? [rule("sgr-0aaaaaaaaaaaaaaa1", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" })] : null,
    );
}
