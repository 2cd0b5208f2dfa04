// How the authorization check (checks/authz/handlerCalls.ts) exercises this scenario's Lambda handlers, keyed by
// component type and function role (the HandlerFunction's name after the component's): the SDK clients to record
// and representative invocations built from the stack, or why a function makes no AWS call. npm run authz and
// npm test run every function of a stack this way; a function without an entry fails them.
import { EC2Client } from "@aws-sdk/client-ec2";
import { SNSClient } from "@aws-sdk/client-sns";
import type { HandlerRuns, Scenario } from "../../checks/authz/handlerCalls";

const cloudTrailEvent = (eventName: string, requestParameters: unknown, responseElements: unknown, account: string, region: string) => ({
    version: "0",
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.ec2",
    account,
    region,
    detail: {
        eventSource: "ec2.amazonaws.com",
        eventName,
        awsRegion: region,
        userIdentity: { type: "IAMUser", arn: `arn:aws:iam::${account}:user/mallory` },
        sourceIPAddress: "203.0.113.7",
        requestParameters,
        responseElements,
    },
});

export const handlerRuns: HandlerRuns = {
    "aws-blueprints:security:SecurityGroupGuard/revert": {
        clients: [EC2Client, SNSClient],
        scenarios: ({ ix, env }) => {
            const monitored = (env.MONITORED_GROUP_IDS || "sg-0123456789abcdef0").split(",")[0];
            const tagged = "sg-0fedcba9876543210";
            const rule = (group: string, id: string) => ({ groupId: group, securityGroupRuleId: id, isEgress: false, ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" });
            const scenarios: Scenario[] = [
                {
                    name: "a rule added to a group monitored by id",
                    event: cloudTrailEvent("AuthorizeSecurityGroupIngress", { groupId: monitored, ipPermissions: { items: [] } }, { securityGroupRuleSet: { items: [rule(monitored, "sgr-0aaaaaaaaaaaaaaa1")] } }, ix.account, ix.region),
                    answers: { RevokeSecurityGroupIngressCommand: { Return: true } },
                },
            ];
            if (env.MONITORED_TAG_KEY) {
                const arn = `arn:aws:ec2:${ix.region}:${ix.account}:security-group/${tagged}`;
                const tags = { [env.MONITORED_TAG_KEY]: env.MONITORED_TAG_VALUE };
                scenarios.push({
                    name: "a rule modified in a group monitored by tag",
                    event: cloudTrailEvent(
                        "ModifySecurityGroupRules",
                        { ModifySecurityGroupRulesRequest: { GroupId: tagged, SecurityGroupRule: { SecurityGroupRuleId: "sgr-0bbbbbbbbbbbbbbb2", SecurityGroupRule: { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIpv4: "0.0.0.0/0" } } } },
                        { ModifySecurityGroupRulesResponse: { return: true } },
                        ix.account,
                        ix.region,
                    ),
                    answers: {
                        DescribeSecurityGroupsCommand: { SecurityGroups: [{ GroupId: tagged, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }] },
                        DescribeSecurityGroupRulesCommand: { SecurityGroupRules: [{ SecurityGroupRuleId: "sgr-0bbbbbbbbbbbbbbb2", GroupId: tagged, IsEgress: false, IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIpv4: "0.0.0.0/0" }] },
                        RevokeSecurityGroupIngressCommand: { Return: true },
                    },
                    tags: { [arn]: tags },
                });
            }
            return scenarios;
        },
    },
};
