import assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { EncryptedTopic, topicAlarm } from "../components/notifications";
import { privateBucket } from "../components/storage";
import { build, runStack } from "./harness";
import { authorizeStack, failures, renderResults } from "./authz/report";
import { simulate } from "./authz/simulate";
import { SERVICE_CONTEXT } from "./authz/serviceContext";
import { enumerateWires } from "./authz/wires";

describe("authorization of what AWS services do to our resources (iam-simulate)", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: no request a service makes on the stack's resources is denied`, async () => {
            const { resources } = await runStack(stack);
            const results = await authorizeStack(resources);
            assert.ok(results.length > 100, `expected the stack's wires, found ${results.length}`);
            const bad = failures(results);
            assert.equal(bad.length, 0, renderResults(bad));
        });
    }

    it("cites an AWS documentation page for every row of the request-context table, once per service and target", () => {
        const seen = new Set<string>();
        for (const row of SERVICE_CONTEXT) {
            assert.match(row.doc, /^https:\/\/docs\.aws\.amazon\.com\//, `${row.service} -> ${row.target}`);
            const id = `${row.service} ${row.target}`;
            assert.ok(!seen.has(id), `${id} has two rows`);
            seen.add(id);
        }
    });

    it("lets rules, alarms and budgets publish to an encrypted topic and use its key, with only what each service sends", async () => {
        const { resources } = await build(() => {
            const topic = new EncryptedTopic("t", { displayName: "T", publishingServices: ["events.amazonaws.com", "cloudwatch.amazonaws.com", "budgets.amazonaws.com"] });
            const rule = new aws.cloudwatch.EventRule("r", { eventPattern: JSON.stringify({ source: ["aws.ec2"] }) });
            new aws.cloudwatch.EventTarget("r", { rule: rule.name, arn: topic.topicArn });
            topicAlarm("a", { description: "d", namespace: "AWS/Lambda", metricName: "Errors", dimensions: {}, statistic: "Sum", comparison: "GreaterThanThreshold", threshold: 0, topicArn: topic.topicArn });
            new aws.budgets.Budget("b", {
                budgetType: "COST",
                limitAmount: "1",
                limitUnit: "USD",
                timeUnit: "MONTHLY",
                notifications: [{ comparisonOperator: "GREATER_THAN", notificationType: "ACTUAL", threshold: 100, thresholdType: "PERCENTAGE", subscriberSnsTopicArns: [topic.topicArn] }],
            });
        });
        const requests = enumerateWires(resources);
        const byPrincipal = (p: string) => requests.filter((q) => q.principal === p).map((q) => q.action).sort();
        assert.deepEqual(byPrincipal("events.amazonaws.com"), ["kms:Decrypt", "kms:GenerateDataKey", "sns:Publish"]);
        assert.deepEqual(byPrincipal("cloudwatch.amazonaws.com"), ["kms:Decrypt", "kms:GenerateDataKey", "sns:Publish"]);
        assert.deepEqual(byPrincipal("budgets.amazonaws.com"), ["kms:Decrypt", "kms:GenerateDataKey", "sns:Publish"]);
        const rulePublish = requests.find((q) => q.principal === "events.amazonaws.com" && q.action === "sns:Publish")!;
        assert.deepEqual(Object.keys(rulePublish.context).sort(), ["aws:SecureTransport", "aws:SourceArn"], "EventBridge sends the rule ARN only");
        for (const q of requests) {
            const result = await simulate(q, "123456789012");
            assert.equal(result.decision, "allowed", `${q.description}: ${result.reasons.join("; ")}`);
        }
    });

    it("denies a rule's delivery when the topic policy conditions it on aws:SourceAccount, which EventBridge does not send", async () => {
        const { resources } = await build(() => {
            const topic = new aws.sns.Topic("t", {});
            new aws.sns.TopicPolicy("t", {
                arn: topic.arn,
                policy: topic.arn.apply((arn) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: arn, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }],
                    }),
                ),
            });
            const rule = new aws.cloudwatch.EventRule("r", { scheduleExpression: "rate(1 hour)" });
            new aws.cloudwatch.EventTarget("r", { rule: rule.name, arn: topic.arn });
        });
        const [publish] = enumerateWires(resources).filter((q) => q.action === "sns:Publish");
        const result = await simulate(publish, "123456789012");
        assert.equal(result.decision, "denied");
        assert.match(result.reasons.join(" "), /no statement of the topic policy .* allows events\.amazonaws\.com sns:Publish/);
    });

    it("lets Elastic Load Balancing deliver access logs under the account's prefix through the logdelivery service principal", async () => {
        const { resources } = await build(() => {
            const parent = new aws.sns.Topic("anchor", {});
            const { bucket } = privateBucket("logs", {}, parent, {});
            new aws.s3.BucketPolicy("elb", {
                bucket: bucket.id,
                policy: bucket.arn.apply((arn) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject", Resource: `${arn}/lb/AWSLogs/123456789012/*` }],
                    }),
                ),
            });
            new aws.lb.LoadBalancer("lb", { accessLogs: { bucket: bucket.bucket, prefix: "lb", enabled: true } });
        });
        const writes = enumerateWires(resources).filter((q) => q.principal === "logdelivery.elasticloadbalancing.amazonaws.com");
        assert.equal(writes.length, 1);
        assert.match(writes[0].resource, /\/lb\/AWSLogs\/123456789012\/elasticloadbalancing\/us-east-1\//);
        assert.deepEqual(Object.keys(writes[0].context), ["aws:SecureTransport"], "ELB log delivery sends no aws:Source* keys");
        const result = await simulate(writes[0], "123456789012");
        assert.equal(result.decision, "allowed", result.reasons.join("; "));
    });
});
