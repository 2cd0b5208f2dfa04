import * as aws from "@pulumi/aws";
import assert from "node:assert/strict";
import { tagTransformation } from "../components/common";
import { validateStatements } from "../components/iam";
import { HandlerFunction } from "../components/lambda";
import { EncryptedTopic } from "../components/notifications";
import { build, json, Resources } from "../engine/evaluate";

const noop = async () => "ok";

describe("shared building blocks", () => {
    describe("least-privilege statements", () => {
        it("refuses wildcard actions", () => {
            assert.throws(() => validateStatements("f", [{ actions: ["s3:*"], resources: ["arn:aws:s3:::b"] }]), /"s3:\*" must be one exact service:Action/);
            assert.throws(() => validateStatements("f", [{ actions: ["*"], resources: ["*"] }]), /must be one exact/);
            assert.throws(() => validateStatements("f", [{ actions: ["ec2:Describe*"], resources: ["*"] }]), /must be one exact/);
        });
        it("refuses statements without actions or resources", () => {
            assert.throws(() => validateStatements("f", [{ actions: [], resources: ["*"] }]), /no actions/);
            assert.throws(() => validateStatements("f", [{ actions: ["sqs:SendMessage"], resources: [] }]), /no resources/);
        });
    });

    describe("HandlerFunction", () => {
        it("creates a role trusted by Lambda, with its statements plus its own log group", async () => {
            const { resources } = await build(
                () =>
                    new HandlerFunction("fn", {
                        description: "test",
                        callback: noop,
                        statements: [{ sid: "Queue", actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:us-east-1:123456789012:q"] }],
                        logRetentionDays: 7,
                    }),
            );
            const r = new Resources(resources);
            const trust = json(r.one("aws:iam/role:Role").inputs.assumeRolePolicy);
            assert.deepEqual(trust.Statement[0].Principal, { Service: "lambda.amazonaws.com" });
            assert.equal(trust.Statement[0].Condition, undefined, "Lambda does not send aws:SourceAccount when assuming the role");
            const policy = json(r.one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
            const logGroup = r.one("aws:cloudwatch/logGroup:LogGroup");
            assert.equal(logGroup.inputs.retentionInDays, 7);
            assert.deepEqual(policy.Statement, [
                { Sid: "OwnLogGroup", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroup.outputs.arn}:*` },
                { Sid: "Queue", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: "arn:aws:sqs:us-east-1:123456789012:q" },
            ]);
            const fn = r.one("aws:lambda/function:Function");
            assert.deepEqual(
                [fn.inputs.runtime, fn.inputs.timeout, fn.inputs.memorySize, fn.inputs.architectures, fn.inputs.loggingConfig.logFormat],
                ["nodejs22.x", 30, 256, ["arm64"], "JSON"],
            );
            assert.ok(fn.dependencies.includes(r.one("aws:iam/rolePolicy:RolePolicy").urn), "the function waits for its permissions");
        });

        it("validates its limits and bundled packages before creating anything", () => {
            assert.throws(() => new HandlerFunction("f", { description: "", callback: noop, statements: [], timeoutSeconds: 901 }), /timeoutSeconds must be 1-900; got 901/);
            assert.throws(() => new HandlerFunction("f", { description: "", callback: noop, statements: [], memorySizeMb: 64 }), /memorySizeMb must be 128-10240; got 64/);
            assert.throws(
                () => new HandlerFunction("f", { description: "", callback: noop, statements: [], bundledPackages: ["left-pad"] }),
                /bundledPackages "left-pad" is not in package.json dependencies/,
            );
            assert.throws(
                () => new HandlerFunction("f", { description: "", callback: noop, statements: [], bundledPackages: ["sharp"], nativePackages: ["@img/sharp-win32-x64"] }),
                /nativePackages "@img\/sharp-win32-x64" is not installed in node_modules/,
            );
            assert.throws(
                () => new HandlerFunction("f", { description: "", callback: noop, statements: [], nativePackages: ["@img/sharp-linux-x64"] }),
                /nativePackages needs the bundledPackages that load them/,
            );
        });
    });

    describe("EncryptedTopic", () => {
        it("admits only the given service principals, limited to this account's sources, and denies plain HTTP", async () => {
            const { resources } = await build(() => new EncryptedTopic("t", { displayName: "T", publishingServices: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] }));
            const r = new Resources(resources);
            const policy = json(r.one("aws:sns/topicPolicy:TopicPolicy").inputs.policy);
            const publish = policy.Statement.find((s: any) => s.Sid === "ServicesPublish");
            assert.deepEqual(publish.Principal.Service, ["cloudwatch.amazonaws.com"]);
            assert.equal(publish.Condition.StringEquals["aws:SourceAccount"], "123456789012");
            // EventBridge sends the rule's ARN and no aws:SourceAccount: it is scoped to this account's rules.
            const rules = policy.Statement.find((s: any) => s.Sid === "RulesPublish");
            assert.equal(rules.Principal.Service, "events.amazonaws.com");
            assert.deepEqual(rules.Condition, { ArnLike: { "aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/*" } });
            const key = json(r.one("aws:kms/key:Key").inputs.policy);
            assert.deepEqual(key.Statement.find((s: any) => s.Sid === "PublishingServicesEncrypt").Principal.Service, ["cloudwatch.amazonaws.com"]);
            const unscoped = key.Statement.find((s: any) => s.Sid === "PublishingServicesEncryptUnscoped");
            assert.deepEqual(unscoped.Principal.Service, ["events.amazonaws.com"]);
            assert.equal(unscoped.Condition, undefined);
            const deny = policy.Statement.find((s: any) => s.Effect === "Deny");
            assert.equal(deny.Condition.Bool["aws:SecureTransport"], "false");
            assert.equal(r.ofType("aws:sns/topicSubscription:TopicSubscription").length, 0, "no email, no subscription");
        });

        it("refuses a publisher that is not a service principal", () => {
            assert.throws(() => new EncryptedTopic("t", { displayName: "T", publishingServices: ["arn:aws:iam::1:root"] }), /must be a service principal/);
        });
    });

    describe("tagging", () => {
        it("merges scenario tags under the resource's own and skips resources without a tags input", async () => {
            const transform = tagTransformation({ environment: "dev", scenario: "x" });
            const { resources } = await build(() => {
                new aws.sqs.Queue("q", { tags: { environment: "override", team: "a" } }, { transformations: [transform] });
                new aws.sqs.QueuePolicy("p", { queueUrl: "https://q", policy: "{}" }, { transformations: [transform] });
            });
            const r = new Resources(resources);
            assert.deepEqual(r.one("aws:sqs/queue:Queue").inputs.tags, { environment: "override", scenario: "x", team: "a" });
            assert.equal(r.one("aws:sqs/queuePolicy:QueuePolicy").inputs.tags, undefined);
        });
    });
});
