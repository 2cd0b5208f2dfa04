import {
    DescribeSecurityGroupRulesCommand,
    DescribeSecurityGroupsCommand,
    EC2,
    EC2Client,
    RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import { PublishCommand, SNS, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import {
    configFromEnvironment,
    deployerPattern,
    isApproved,
    revertSecurityGroupChange,
    RevertConfig,
} from "../../handlers/securityGroupGuard/securityGroupRevert";
import { accessDenied, awsError, ec2Throttling, ec2Unauthorized } from "../faults";
import { authorize, event, GROUP, rule, TOPIC } from "./events";

const config: RevertConfig = { monitoredGroupIds: [GROUP], approvedPrincipals: [], topicArn: TOPIC };

describe("security group revert handler", () => {
    const ec2Mock = mockClient(EC2Client);
    const snsMock = mockClient(SNSClient);
    const deps = () => ({ ec2: new EC2({ region: "us-east-1" }), sns: new SNS({ region: "us-east-1" }) });

    beforeEach(() => {
        ec2Mock.reset();
        snsMock.reset();
        ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
        snsMock.on(PublishCommand).resolves({ MessageId: "m-1" });
    });

    const revokeCalls = () => ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input);
    const published = () => snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);

    describe("AuthorizeSecurityGroupIngress", () => {
        it("revokes an IPv4 rule by the rule id in the event and reports who added it", async () => {
            const e = authorize(
                [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: "198.51.100.4/32" }] } }],
                [rule("sgr-0123456789abcdef0", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "198.51.100.4/32" })],
            );
            const result = await revertSecurityGroupChange(e, config, deps());
            assert.equal(result.status, "reverted");
            assert.deepEqual(revokeCalls(), [{ GroupId: GROUP, SecurityGroupRuleIds: ["sgr-0123456789abcdef0"] }]);
            const [msg] = published();
            assert.equal(msg.TopicArn, TOPIC);
            assert.match(msg.Subject!, new RegExp(GROUP));
            assert.match(msg.Message!, /Auto-mitigation successful/);
            assert.match(msg.Message!, /arn:aws:sts::123456789012:assumed-role\/Developer\/alice/);
            assert.match(msg.Message!, /tcp ports 22 from 198\.51\.100\.4\/32 \(sgr-0123456789abcdef0\)/);
            assert.match(msg.Message!, /203\.0\.113\.7/);
        });

        it("revokes an IPv6 rule", async () => {
            const e = authorize(
                [{ ipProtocol: "tcp", fromPort: 3389, toPort: 3389, ipv6Ranges: { items: [{ cidrIpv6: "::/0" }] } }],
                [rule("sgr-0aaaaaaaaaaaaaaa1", { ipProtocol: "tcp", fromPort: 3389, toPort: 3389, cidrIpv6: "::/0" })],
            );
            await revertSecurityGroupChange(e, config, deps());
            assert.deepEqual(revokeCalls()[0].SecurityGroupRuleIds, ["sgr-0aaaaaaaaaaaaaaa1"]);
            assert.match(published()[0].Message!, /tcp ports 3389 from ::\/0/);
        });

        it("revokes every rule of a mixed IPv4 + IPv6 permission", async () => {
            const e = authorize(
                [
                    {
                        ipProtocol: "tcp",
                        fromPort: 8080,
                        toPort: 8081,
                        ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] },
                        ipv6Ranges: { items: [{ cidrIpv6: "::/0" }] },
                    },
                ],
                [
                    rule("sgr-0bbbbbbbbbbbbbbb1", { ipProtocol: "tcp", fromPort: 8080, toPort: 8081, cidrIpv4: "0.0.0.0/0" }),
                    rule("sgr-0bbbbbbbbbbbbbbb2", { ipProtocol: "tcp", fromPort: 8080, toPort: 8081, cidrIpv6: "::/0" }),
                ],
            );
            const result = await revertSecurityGroupChange(e, config, deps());
            assert.deepEqual(revokeCalls()[0].SecurityGroupRuleIds, ["sgr-0bbbbbbbbbbbbbbb1", "sgr-0bbbbbbbbbbbbbbb2"]);
            assert.equal(result.status === "reverted" && result.revoked.length, 2);
            assert.match(published()[0].Message!, /8080-8081 from 0\.0\.0\.0\/0/);
            assert.match(published()[0].Message!, /8080-8081 from ::\/0/);
        });

        it("revokes a security-group pair source", async () => {
            const e = authorize(
                [{ ipProtocol: "tcp", fromPort: 5432, toPort: 5432, groups: { items: [{ groupId: "sg-0fedcba987654321f", userId: "123456789012" }] } }],
                [rule("sgr-0ccccccccccccccc1", { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedGroupInfo: { groupId: "sg-0fedcba987654321f", userId: "123456789012" } })],
            );
            await revertSecurityGroupChange(e, config, deps());
            assert.deepEqual(revokeCalls()[0].SecurityGroupRuleIds, ["sgr-0ccccccccccccccc1"]);
            assert.match(published()[0].Message!, /from security group sg-0fedcba987654321f/);
        });

        it("revokes a prefix-list source", async () => {
            const e = authorize(
                [{ ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: { items: [{ prefixListId: "pl-0123abcd" }] } }],
                [rule("sgr-0ddddddddddddddd1", { ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: "pl-0123abcd" })],
            );
            await revertSecurityGroupChange(e, config, deps());
            assert.deepEqual(revokeCalls()[0].SecurityGroupRuleIds, ["sgr-0ddddddddddddddd1"]);
            assert.match(published()[0].Message!, /from prefix list pl-0123abcd/);
        });

        it("revokes an all-protocols (-1) rule", async () => {
            const e = authorize(
                [{ ipProtocol: "-1", ipRanges: { items: [{ cidrIp: "10.0.0.0/8" }] } }],
                [rule("sgr-0eeeeeeeeeeeeeee1", { ipProtocol: "-1", fromPort: -1, toPort: -1, cidrIpv4: "10.0.0.0/8" })],
            );
            await revertSecurityGroupChange(e, config, deps());
            assert.deepEqual(revokeCalls()[0].SecurityGroupRuleIds, ["sgr-0eeeeeeeeeeeeeee1"]);
            assert.match(published()[0].Message!, /-1 ports all from 10\.0\.0\.0\/8/);
        });

        it("falls back to revoking by permissions when the event carries no rule ids", async () => {
            const e = authorize(
                [
                    { ipProtocol: "-1", ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] }, ipv6Ranges: { items: [{ cidrIpv6: "::/0" }] } },
                    { ipProtocol: "udp", fromPort: 53, toPort: 53, groups: { items: [{ groupId: "sg-0fedcba987654321f" }] }, prefixListIds: { items: [{ prefixListId: "pl-0123abcd" }] } },
                ],
                null,
            );
            await revertSecurityGroupChange(e, config, deps());
            assert.deepEqual(revokeCalls(), [
                {
                    GroupId: GROUP,
                    IpPermissions: [
                        { IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [{ CidrIpv6: "::/0" }] },
                        {
                            IpProtocol: "udp",
                            FromPort: 53,
                            ToPort: 53,
                            PrefixListIds: [{ PrefixListId: "pl-0123abcd" }],
                            UserIdGroupPairs: [{ GroupId: "sg-0fedcba987654321f" }],
                        },
                    ],
                },
            ]);
            assert.match(published()[0].Message!, /udp ports 53 from security group sg-0fedcba987654321f/);
        });

        it("handles the legacy flat form (CidrIp/IpProtocol/FromPort/ToPort)", async () => {
            const e = event(
                "AuthorizeSecurityGroupIngress",
                { groupId: GROUP, ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIp: "0.0.0.0/0", ipPermissions: {} },
                { _return: true },
            );
            await revertSecurityGroupChange(e, config, deps());
            assert.deepEqual(revokeCalls()[0].IpPermissions, [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }]);
        });

        it("leaves egress rules of the same call alone", async () => {
            const e = authorize(
                [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] } }],
                [
                    rule("sgr-0111111111111111a", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }),
                    { ...rule("sgr-0111111111111111b", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }), isEgress: true },
                ],
            );
            await revertSecurityGroupChange(e, config, deps());
            assert.deepEqual(revokeCalls()[0].SecurityGroupRuleIds, ["sgr-0111111111111111a"]);
        });
    });

    describe("ModifySecurityGroupRules", () => {
        const modify = (ruleId: string) =>
            event(
                "ModifySecurityGroupRules",
                {
                    ModifySecurityGroupRulesRequest: {
                        GroupId: GROUP,
                        SecurityGroupRule: {
                            SecurityGroupRuleId: ruleId,
                            SecurityGroupRule: { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIpv4: "0.0.0.0/0", Description: "" },
                            tag: 1,
                        },
                    },
                },
                { ModifySecurityGroupRulesResponse: { requestId: "r-2", return: true } },
            );

        it("revokes a modified ingress rule by its id", async () => {
            ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
                SecurityGroupRules: [
                    { SecurityGroupRuleId: "sgr-0222222222222222a", GroupId: GROUP, IsEgress: false, IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIpv4: "0.0.0.0/0" },
                ],
            });
            const result = await revertSecurityGroupChange(modify("sgr-0222222222222222a"), config, deps());
            assert.equal(result.status, "reverted");
            assert.deepEqual(ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand)[0].args[0].input, { SecurityGroupRuleIds: ["sgr-0222222222222222a"] });
            assert.deepEqual(revokeCalls(), [{ GroupId: GROUP, SecurityGroupRuleIds: ["sgr-0222222222222222a"] }]);
            assert.match(published()[0].Message!, /ModifySecurityGroupRules/);
            assert.match(published()[0].Message!, /tcp ports 22 from 0\.0\.0\.0\/0/);
        });

        it("ignores a modified egress rule", async () => {
            ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
                SecurityGroupRules: [{ SecurityGroupRuleId: "sgr-0222222222222222b", GroupId: GROUP, IsEgress: true, IpProtocol: "-1", CidrIpv4: "0.0.0.0/0" }],
            });
            const result = await revertSecurityGroupChange(modify("sgr-0222222222222222b"), config, deps());
            assert.equal(result.status, "ignored");
            assert.equal(revokeCalls().length, 0);
            assert.equal(published().length, 0);
        });
    });

    describe("what is left alone", () => {
        const sshFromAnywhere = (groupId = GROUP) => ({
            ...authorize(
                [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] } }],
                [rule("sgr-0333333333333333a", { groupId, ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" })],
            ),
        });

        it("an unmonitored group: no EC2 write and no notification", async () => {
            const e = sshFromAnywhere();
            (e.detail.requestParameters as any).groupId = "sg-0999999999999999f";
            const result = await revertSecurityGroupChange(e, config, deps());
            assert.deepEqual(result, { status: "ignored", reason: "sg-0999999999999999f is not monitored", groupId: "sg-0999999999999999f" });
            assert.equal(revokeCalls().length, 0);
            assert.equal(published().length, 0);
        });

        it("a group monitored by tag is checked with a server-side tag filter and reverted", async () => {
            ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: "sg-0999999999999999f" }] });
            const e = sshFromAnywhere();
            (e.detail.requestParameters as any).groupId = "sg-0999999999999999f";
            const tagged = { ...config, monitoredGroupIds: [], monitoredTag: { key: "blueprints:guard", value: "revert" } };
            const result = await revertSecurityGroupChange(e, tagged, deps());
            assert.equal(result.status, "reverted");
            assert.deepEqual(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0].args[0].input, {
                GroupIds: ["sg-0999999999999999f"],
                Filters: [{ Name: "tag:blueprints:guard", Values: ["revert"] }],
            });
        });

        it("an untagged group is not monitored when only a tag is configured", async () => {
            ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
            const tagged = { ...config, monitoredGroupIds: [], monitoredTag: { key: "blueprints:guard", value: "revert" } };
            const result = await revertSecurityGroupChange(sshFromAnywhere(), tagged, deps());
            assert.equal(result.status, "ignored");
            assert.equal(revokeCalls().length, 0);
        });

        it("a change by an approved role (any session) stands", async () => {
            const approved = { ...config, approvedPrincipals: ["arn:aws:iam::123456789012:role/Developer"] };
            const result = await revertSecurityGroupChange(sshFromAnywhere(), approved, deps());
            assert.equal(result.status, "ignored");
            assert.match(result.reason, /approved principal/);
            assert.equal(revokeCalls().length, 0);
            assert.equal(published().length, 0);
        });

        it("the program's own rule stands whoever created it, while rules added beside it are revoked", async () => {
            const managed = { ...config, managedRuleIds: ["sgr-0cccccccccccccc01"] };
            const own = authorize(
                [{ ipProtocol: "tcp", fromPort: 443, toPort: 443, ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] } }],
                [rule("sgr-0cccccccccccccc01", { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" })],
            );
            const left = await revertSecurityGroupChange(own, managed, deps());
            assert.equal(left.status, "ignored");
            assert.match(left.reason, /managed by the deploying program/);
            assert.equal(revokeCalls().length, 0);
            assert.equal(published().length, 0);

            const mixed = authorize(
                [
                    { ipProtocol: "tcp", fromPort: 443, toPort: 443, ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] } },
                    { ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] } },
                ],
                [
                    rule("sgr-0cccccccccccccc01", { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }),
                    rule("sgr-0cccccccccccccc02", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }),
                ],
            );
            const result = await revertSecurityGroupChange(mixed, managed, deps());
            assert.equal(result.status, "reverted");
            assert.deepEqual(revokeCalls(), [{ GroupId: GROUP, SecurityGroupRuleIds: ["sgr-0cccccccccccccc02"] }]);
        });

        it("an unrelated event is ignored without any call", async () => {
            const result = await revertSecurityGroupChange(event("RevokeSecurityGroupIngress", { groupId: GROUP }), config, deps());
            assert.equal(result.status, "ignored");
            assert.equal(ec2Mock.calls().length, 0);
            assert.equal(published().length, 0);
        });

        it("a failed API call (errorCode) changed nothing and is ignored", async () => {
            const e = sshFromAnywhere();
            (e.detail as any).errorCode = "Client.UnauthorizedOperation";
            const result = await revertSecurityGroupChange(e, config, deps());
            assert.equal(result.status, "ignored");
            assert.equal(ec2Mock.calls().length, 0);
        });
    });

    describe("malformed events", () => {
        for (const [label, e] of [
            ["no detail", { "detail-type": "AWS API Call via CloudTrail", source: "aws.ec2" }],
            ["no group id", event("AuthorizeSecurityGroupIngress", { ipPermissions: { items: [] } }, {})],
            ["no requestParameters", event("AuthorizeSecurityGroupIngress", null, {})],
            ["a permission without a source", authorize([{ ipProtocol: "tcp", fromPort: 22, toPort: 22 }], null)],
            ["a modify without rule ids", event("ModifySecurityGroupRules", { ModifySecurityGroupRulesRequest: { GroupId: GROUP } }, {})],
        ] as const) {
            it(`${label}: throws a clear error and revokes nothing`, async () => {
                await assert.rejects(revertSecurityGroupChange(e, config, deps()), { name: "MalformedEventError", message: /^Malformed security-group event: / });
                assert.equal(revokeCalls().length, 0);
                assert.equal(published().length, 0);
            });
        }

        it("an event without a caller identity is refused", async () => {
            const e = authorize([{ ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] } }], null);
            (e.detail as any).userIdentity = {};
            await assert.rejects(revertSecurityGroupChange(e, config, deps()), /no userIdentity ARN/);
            assert.equal(revokeCalls().length, 0);
        });
    });

    describe("AWS failures surface", () => {
        const e = () =>
            authorize(
                [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] } }],
                [rule("sgr-0444444444444444a", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" })],
            );

        it("access denied on revoke: throws, and no success notification is sent", async () => {
            ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(ec2Unauthorized("ec2:RevokeSecurityGroupIngress"));
            await assert.rejects(revertSecurityGroupChange(e(), config, deps()), /not authorized/);
            assert.equal(published().length, 0);
        });

        it("throttling on revoke: throws so Lambda retries", async () => {
            ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(ec2Throttling());
            await assert.rejects(revertSecurityGroupChange(e(), config, deps()), { name: "RequestLimitExceeded" });
            assert.equal(published().length, 0);
        });

        it("a revoke that returns false: throws", async () => {
            ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: false });
            await assert.rejects(revertSecurityGroupChange(e(), config, deps()), /returned false/);
            assert.equal(published().length, 0);
        });

        it("throttling while checking the tag: throws before any revoke", async () => {
            ec2Mock.on(DescribeSecurityGroupsCommand).rejects(ec2Throttling());
            const tagged = { ...config, monitoredGroupIds: [], monitoredTag: { key: "k", value: "v" } };
            await assert.rejects(revertSecurityGroupChange(e(), tagged, deps()), { name: "RequestLimitExceeded" });
            assert.equal(revokeCalls().length, 0);
        });

        it("a group deleted since the call is not monitored any more", async () => {
            ec2Mock.on(DescribeSecurityGroupsCommand).rejects(awsError("InvalidGroup.NotFound", "The security group does not exist"));
            const tagged = { ...config, monitoredGroupIds: [], monitoredTag: { key: "k", value: "v" } };
            const result = await revertSecurityGroupChange(e(), tagged, deps());
            assert.equal(result.status, "ignored");
            assert.equal(revokeCalls().length, 0);
        });

        it("a rule already revoked (retried delivery) is reported, not failed", async () => {
            ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError("InvalidSecurityGroupRuleId.NotFound", "rule not found"));
            const result = await revertSecurityGroupChange(e(), config, deps());
            assert.equal(result.status === "reverted" && result.alreadyGone, true);
            assert.match(published()[0].Message!, /already gone/);
        });

        it("a failed notification throws (the revoke is idempotent on retry)", async () => {
            snsMock.on(PublishCommand).rejects(accessDenied("sns:Publish"));
            await assert.rejects(revertSecurityGroupChange(e(), config, deps()), /sns:Publish/);
            assert.equal(revokeCalls().length, 1);
        });
    });

    describe("configuration", () => {
        it("reads lists and the tag from the environment", () => {
            const c = configFromEnvironment({
                TOPIC_ARN: TOPIC,
                MONITORED_GROUP_IDS: `${GROUP}, sg-0999999999999999f`,
                MONITORED_TAG_KEY: "blueprints:guard",
                MONITORED_TAG_VALUE: "revert",
                APPROVED_PRINCIPALS: "arn:aws:iam::123456789012:role/Deployer,",
                MANAGED_RULE_IDS: "sgr-0cccccccccccccc01",
            });
            assert.deepEqual(c, {
                topicArn: TOPIC,
                monitoredGroupIds: [GROUP, "sg-0999999999999999f"],
                monitoredTag: { key: "blueprints:guard", value: "revert" },
                approvedPrincipals: ["arn:aws:iam::123456789012:role/Deployer"],
                managedRuleIds: ["sgr-0cccccccccccccc01"],
            });
        });

        it("refuses to run without a topic", () => {
            assert.throws(() => configFromEnvironment({ MONITORED_GROUP_IDS: GROUP }), /TOPIC_ARN/);
        });

        it("matches approved principals exactly or by a trailing wildcard", () => {
            const arns = ["arn:aws:sts::123456789012:assumed-role/Deployer/ci-42"];
            assert.equal(isApproved(arns, ["arn:aws:sts::123456789012:assumed-role/Deployer/*"]), true);
            assert.equal(isApproved(arns, ["arn:aws:sts::123456789012:assumed-role/Deploy*"]), true);
            assert.equal(isApproved(arns, ["arn:aws:sts::123456789012:assumed-role/Deployer"]), false);
            assert.equal(isApproved(arns, []), false);
        });

        it("turns the deploying session into a pattern for its role", () => {
            assert.equal(deployerPattern("arn:aws:sts::123456789012:assumed-role/platform-deployer/pulumi-1"), "arn:aws:sts::123456789012:assumed-role/platform-deployer/*");
            assert.equal(deployerPattern("arn:aws:iam::123456789012:user/alice"), "arn:aws:iam::123456789012:user/alice");
        });
    });
});
