import { EC2Client, RevokeSecurityGroupIngressCommand } from "@aws-sdk/client-ec2";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import { SecurityGroupGuard, SecurityGroupGuardArgs } from "../../scenarios/securityGroupGuard/component";
import { build, json, loadArchivedHandler, promiseOf, Resources } from "../../engine/evaluate";
import { assertActionsExist, grants, handlerStatements, list } from "../iam";
import { ACCOUNT_ID, withoutDefaultVpc } from "../../engine/mocks";

const WATCHED = "sg-0a1b2c3d4e5f60718";

async function guard(args: SecurityGroupGuardArgs = {}) {
    const { value, resources } = await build(() => new SecurityGroupGuard("guard", { monitoredGroupIds: [WATCHED], ...args }));
    return { guard: value, r: new Resources(resources) };
}

describe("SecurityGroupGuard component", () => {
    it("listens to the EC2 calls that add or change ingress rules", async () => {
        const { r } = await guard();
        const rule = r.one("aws:cloudwatch/eventRule:EventRule");
        assert.deepEqual(json(rule.inputs.eventPattern), {
            source: ["aws.ec2"],
            "detail-type": ["AWS API Call via CloudTrail"],
            detail: { eventSource: ["ec2.amazonaws.com"], eventName: ["AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules"] },
        });
        const target = r.one("aws:cloudwatch/eventTarget:EventTarget");
        const fn = r.one("aws:lambda/function:Function");
        assert.equal(target.inputs.arn, fn.outputs.arn);
        assert.equal(target.inputs.rule, rule.outputs.name);
        const permission = r.one("aws:lambda/permission:Permission");
        assert.equal(permission.inputs.principal, "events.amazonaws.com");
        assert.equal(permission.inputs.sourceArn, rule.outputs.arn);
    });

    it("has a failure path: dead letters for the rule and the function, and alarms to the topic", async () => {
        const { r, guard: g } = await guard();
        const queue = r.one("aws:sqs/queue:Queue");
        assert.equal(queue.inputs.sqsManagedSseEnabled, true);
        const target = r.one("aws:cloudwatch/eventTarget:EventTarget");
        assert.equal(target.inputs.deadLetterConfig.arn, queue.outputs.arn);
        const asyncConfig = r.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
        assert.equal(asyncConfig.inputs.destinationConfig.onFailure.destination, queue.outputs.arn);
        assert.equal(asyncConfig.inputs.maximumRetryAttempts, 2);
        const queuePolicy = json(r.one("aws:sqs/queuePolicy:QueuePolicy").inputs.policy);
        assert.deepEqual(queuePolicy.Statement[0].Principal, { Service: "events.amazonaws.com" });
        assert.equal(queuePolicy.Statement[0].Condition.ArnEquals["aws:SourceArn"], r.one("aws:cloudwatch/eventRule:EventRule").outputs.arn);

        const topicArn = await promiseOf(g.topicArn);
        const alarms = r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        const dlqAlarm = alarms.find((a) => a.inputs.namespace === "AWS/SQS")!;
        assert.equal(dlqAlarm.inputs.metricName, "ApproximateNumberOfMessagesVisible");
        assert.equal(dlqAlarm.inputs.dimensions.QueueName, queue.outputs.name);
        assert.equal(dlqAlarm.inputs.comparisonOperator, "GreaterThanThreshold");
        assert.equal(dlqAlarm.inputs.threshold, 0);
        assert.deepEqual(dlqAlarm.inputs.alarmActions, [topicArn]);
        const errorAlarm = alarms.find((a) => a.inputs.namespace === "AWS/Lambda")!;
        assert.equal(errorAlarm.inputs.metricName, "Errors");
        assert.equal(errorAlarm.inputs.dimensions.FunctionName, r.one("aws:lambda/function:Function").outputs.name);
        assert.deepEqual(errorAlarm.inputs.alarmActions, [topicArn]);
    });

    it("may revoke only on the monitored groups and publish only to its topic", async () => {
        const { r } = await guard({ createSampleGroup: true });
        const statements = handlerStatements(r, "guard-revert");
        const sample = r.one("aws:ec2/securityGroup:SecurityGroup");
        const revoke = grants(statements, "ec2:RevokeSecurityGroupIngress");
        assert.equal(revoke.length, 1);
        assert.deepEqual(list(revoke[0].Resource).sort(), [
            `arn:aws:ec2:us-east-1:${ACCOUNT_ID}:security-group/${WATCHED}`,
            `arn:aws:ec2:us-east-1:${ACCOUNT_ID}:security-group/${sample.outputs.id}`,
        ].sort());
        const topic = r.one("aws:sns/topic:Topic");
        assert.deepEqual(grants(statements, "sns:Publish").map((s) => s.Resource), [topic.outputs.arn]);
        const key = r.one("aws:kms/key:Key");
        assert.deepEqual(grants(statements, "kms:GenerateDataKey").map((s) => s.Resource), [key.outputs.arn]);
        for (const s of statements) {
            for (const a of list(s.Action)) assert.doesNotMatch(a, /\*/, `wildcard action ${a}`);
            if (list(s.Resource).includes("*")) assert.deepEqual(list(s.Action).sort(), ["ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups"]);
        }
        await assertActionsExist(statements);
    });

    it("scopes tag-based monitoring with an aws:ResourceTag condition", async () => {
        const { r } = await guard({ monitoredGroupIds: [], createSampleGroup: false, monitoredTag: { key: "guarded", value: "yes" } });
        const revoke = grants(handlerStatements(r, "guard-revert"), "ec2:RevokeSecurityGroupIngress");
        assert.equal(revoke.length, 1);
        assert.equal(revoke[0].Resource, `arn:aws:ec2:us-east-1:${ACCOUNT_ID}:security-group/*`);
        assert.deepEqual(revoke[0].Condition, { StringEquals: { "aws:ResourceTag/guarded": "yes" } });
        const env = r.one("aws:lambda/function:Function").inputs.environment.variables;
        assert.equal(env.MONITORED_TAG_KEY, "guarded");
        assert.equal(env.MONITORED_TAG_VALUE, "yes");
    });

    it("creates the post's sample Web Server Security Group with HTTPS from anywhere only", async () => {
        const { r, guard: g } = await guard({ monitoredTag: { key: "guarded", value: "yes" } });
        const sg = r.one("aws:ec2/securityGroup:SecurityGroup");
        assert.equal(sg.inputs.description, "Web Server Security Group");
        assert.equal(sg.inputs.vpcId, "vpc-0d3fa17de5a2e9c01", "defaults to the default VPC");
        assert.equal(sg.inputs.tags.guarded, "yes");
        const ingress = r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.equal(ingress.length, 1);
        assert.deepEqual(
            { p: ingress[0].inputs.ipProtocol, f: ingress[0].inputs.fromPort, t: ingress[0].inputs.toPort, c: ingress[0].inputs.cidrIpv4 },
            { p: "tcp", f: 443, t: 443, c: "0.0.0.0/0" },
        );
        assert.deepEqual(await promiseOf(g.monitoredGroupIds), [WATCHED, sg.outputs.id]);
    });

    it("does not exempt the deploying role unless asked, and keeps approved principals", async () => {
        const { r } = await guard({ approvedPrincipalArns: ["arn:aws:iam::123456789012:role/break-glass"] });
        const env = r.one("aws:lambda/function:Function").inputs.environment.variables;
        assert.equal(env.APPROVED_PRINCIPALS, "arn:aws:iam::123456789012:role/break-glass", "a shared deploying role is not exempt by default");
        const on = await guard({ exemptDeployingRole: true, approvedPrincipalArns: ["arn:aws:iam::123456789012:role/break-glass"] });
        assert.equal(
            on.r.one("aws:lambda/function:Function").inputs.environment.variables.APPROVED_PRINCIPALS,
            "arn:aws:iam::123456789012:role/break-glass,arn:aws:sts::123456789012:assumed-role/platform-deployer/*",
        );
    });

    it("leaves the sample group's own rule in place even for an unexempted deploying role", async () => {
        const { r } = await guard({ createSampleGroup: true });
        const fn = r.one("aws:lambda/function:Function");
        const https = r.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "guard-web-https");
        assert.equal(fn.inputs.environment.variables.MANAGED_RULE_IDS, https.outputs.securityGroupRuleId);
        // The function (hence the rule's target) is created only after the rule, so no event for it is missed.
        assert.ok(Object.values(fn.propertyDependencies).flat().includes(https.urn), "the function depends on the sample rule");
        const none = await guard({ createSampleGroup: false });
        assert.equal(none.r.one("aws:lambda/function:Function").inputs.environment.variables.MANAGED_RULE_IDS, "");
    });

    it("names sampleGroupVpcId when the region has no default VPC", async () => {
        await withoutDefaultVpc(async () => {
            const { guard: g } = await guard({ createSampleGroup: true });
            await assert.rejects(promiseOf(g.sampleGroupId), /"vpcId": guard: us-east-1 has no default VPC .*; set sampleGroupVpcId \(securityGroupGuard\.sampleGroupVpcId\)$/);
        });
        const { r } = await withoutDefaultVpc(() => guard({ createSampleGroup: true, sampleGroupVpcId: "vpc-0123456789abcdef0" }));
        assert.equal(r.one("aws:ec2/securityGroup:SecurityGroup").inputs.vpcId, "vpc-0123456789abcdef0");
    });

    it("creates a multi-region, validated trail into a private encrypted bucket only when asked", async () => {
        assert.equal((await guard()).r.ofType("aws:cloudtrail/trail:Trail").length, 0);
        const { r } = await guard({ createTrail: true });
        const trail = r.one("aws:cloudtrail/trail:Trail");
        assert.equal(trail.inputs.isMultiRegionTrail, true);
        assert.equal(trail.inputs.enableLogFileValidation, true);
        const bucket = r.one("aws:s3/bucket:Bucket");
        assert.equal(trail.inputs.s3BucketName, bucket.outputs.id);
        const block = r.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
        assert.deepEqual(
            [block.inputs.blockPublicAcls, block.inputs.blockPublicPolicy, block.inputs.ignorePublicAcls, block.inputs.restrictPublicBuckets],
            [true, true, true, true],
        );
        const sse = r.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
        assert.equal(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
        const policy = json(r.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
        const write = policy.Statement.find((s: any) => s.Sid === "CloudTrailWrite");
        assert.equal(write.Condition.StringEquals["aws:SourceArn"], trail.outputs.arn);
        assert.equal(write.Resource, `${bucket.outputs.arn}/AWSLogs/${ACCOUNT_ID}/*`);
        assert.ok(trail.dependencies.includes(r.one("aws:s3/bucketPolicy:BucketPolicy").urn), "the trail waits for the bucket policy");
    });

    it("encrypts its topic with a rotating key that CloudWatch alarms may use", async () => {
        const { r } = await guard({ notificationEmail: "secops@example.com" });
        const key = r.one("aws:kms/key:Key");
        assert.equal(key.inputs.enableKeyRotation, true);
        const keyPolicy = json(key.inputs.policy);
        const services = keyPolicy.Statement.find((s: any) => s.Sid === "PublishingServicesEncrypt");
        assert.deepEqual(services.Principal.Service, ["cloudwatch.amazonaws.com"]);
        assert.equal(r.one("aws:sns/topic:Topic").inputs.kmsMasterKeyId, key.outputs.arn);
        const sub = r.one("aws:sns/topicSubscription:TopicSubscription");
        assert.deepEqual([sub.inputs.protocol, sub.inputs.endpoint], ["email", "secops@example.com"]);
    });

    it("protects its stateful resources when asked", async () => {
        const { r } = await guard({ protect: true, createTrail: true });
        for (const type of ["aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup", "aws:s3/bucket:Bucket", "aws:sqs/queue:Queue"]) {
            assert.equal(r.one(type).protect, true, `${type} protected`);
        }
        const unprotected = await guard();
        assert.equal(unprotected.r.one("aws:kms/key:Key").protect, false);
    });

    it("refuses contradictory or unsafe arguments before creating anything", async () => {
        assert.throws(
            () => new SecurityGroupGuard("bad", { monitoredGroupIds: [], createSampleGroup: false }),
            /nothing to monitor/,
        );
        assert.throws(
            () => new SecurityGroupGuard("bad", { approvedPrincipalArns: ["alice"] }),
            /approvedPrincipalArns\[0\]: must be an IAM user, role or assumed-role ARN .*; got "alice"/,
        );
        assert.throws(() => new SecurityGroupGuard("bad", { monitoredTag: { key: "aws:foo", value: "x" } }), /monitoredTag.key/);
    });

    it("ships a handler that works from its archive: reverts and reports using the function's own environment", async () => {
        const { r } = await guard({ createSampleGroup: false });
        const fn = r.one("aws:lambda/function:Function");
        const { handler, restore } = await loadArchivedHandler(fn);
        const ec2 = mockClient(EC2Client);
        const sns = mockClient(SNSClient);
        const logged: string[] = [];
        const log = console.log;
        console.log = (line: string) => logged.push(line);
        try {
            ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
            sns.on(PublishCommand).resolves({ MessageId: "1" });
            const result: any = await handler({
                "detail-type": "AWS API Call via CloudTrail",
                source: "aws.ec2",
                detail: {
                    eventSource: "ec2.amazonaws.com",
                    eventName: "AuthorizeSecurityGroupIngress",
                    userIdentity: { type: "IAMUser", arn: "arn:aws:iam::123456789012:user/mallory" },
                    requestParameters: { groupId: WATCHED, ipPermissions: { items: [] } },
                    responseElements: {
                        securityGroupRuleSet: { items: [{ groupId: WATCHED, securityGroupRuleId: "sgr-0fffffffffffffff1", isEgress: false, ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }] },
                    },
                },
            });
            assert.equal(result.status, "reverted");
            assert.deepEqual(ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0].args[0].input, {
                GroupId: WATCHED,
                SecurityGroupRuleIds: ["sgr-0fffffffffffffff1"],
            });
            assert.equal(sns.commandCalls(PublishCommand)[0].args[0].input.TopicArn, r.one("aws:sns/topic:Topic").outputs.arn);
            assert.equal(JSON.parse(logged[logged.length - 1]).status, "reverted", "the outcome is logged as JSON");
        } finally {
            console.log = log;
            ec2.restore();
            sns.restore();
            restore();
        }
    });

    it("ships a handler whose errors survive serialization: a malformed event fails with a named, explained Error", async () => {
        const { r } = await guard({ createSampleGroup: false });
        const { handler, restore } = await loadArchivedHandler(r.one("aws:lambda/function:Function"));
        const ec2 = mockClient(EC2Client);
        const sns = mockClient(SNSClient);
        try {
            await assert.rejects(handler({ "detail-type": "AWS API Call via CloudTrail", source: "aws.ec2" }), (err: unknown) => {
                assert.ok(err instanceof Error, "an Error, so Lambda reports its type and message");
                assert.equal(err.name, "MalformedEventError");
                assert.match(err.message, /^Malformed security-group event: the event has no detail object$/);
                assert.ok(err.stack && err.stack.length > 0, "it has a stack");
                return true;
            });
            assert.equal(ec2.calls().length + sns.calls().length, 0, "nothing was called");
        } finally {
            ec2.restore();
            sns.restore();
            restore();
        }
    });
});
