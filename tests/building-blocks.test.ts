import * as aws from "@pulumi/aws";
import assert from "node:assert/strict";
import { tagTransformation } from "../components/common";
import { validateStatements } from "../components/iam";
import { HandlerFunction } from "../components/lambda";
import { EncryptedTopic } from "../components/notifications";
import { AWS_CONFIG_KEYS, regionalProvider, stackProviderArgs } from "../components/providers";
import { archiveFiles, build, json, promiseOf, Resources } from "../engine/evaluate";

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

        it("serializes a module-level handler once and a closure over an instance's values per instance", async () => {
            const greeting = (text: string) => async () => text;
            const { resources } = await build(() => [
                new HandlerFunction("shared-a", { description: "", callback: noop, statements: [] }),
                new HandlerFunction("shared-b", { description: "", callback: noop, statements: [] }),
                new HandlerFunction("hello", { description: "", callback: greeting("hello"), statements: [] }),
                new HandlerFunction("bye", { description: "", callback: greeting("bye"), statements: [] }),
            ]);
            const r = new Resources(resources);
            const handler = async (name: string) => (await archiveFiles(r.one("aws:lambda/function:Function", name))).get("__index.js")!.text!;
            assert.equal(await handler("shared-a"), await handler("shared-b"));
            assert.match(await handler("hello"), /"hello"/);
            assert.match(await handler("bye"), /"bye"/);
            assert.doesNotMatch(await handler("bye"), /"hello"/);
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

    describe("regional providers (components/providers.ts)", () => {
        // A value for every key of the AWS package's `aws:` namespace, as a stack file holds it (JSON for non-text keys).
        const STACK_AWS_CONFIG: Record<string, string> = {
            "aws:region": "eu-west-1",
            "aws:accessKey": "AKIAIOSFODNN7EXAMPLE",
            "aws:allowedAccountIds": JSON.stringify(["210987654321"]),
            "aws:assumeRoleWithWebIdentity": JSON.stringify({ roleArn: "arn:aws:iam::210987654321:role/ci", webIdentityTokenFile: "/var/run/token" }),
            "aws:assumeRoles": JSON.stringify([{ roleArn: "arn:aws:iam::210987654321:role/deployer", sessionName: "pulumi", externalId: "blueprints" }]),
            "aws:customCaBundle": "/etc/ssl/corp-ca.pem",
            "aws:defaultTags": JSON.stringify({ tags: { department: "platform" } }),
            "aws:ec2MetadataServiceEndpoint": "http://169.254.169.254",
            "aws:ec2MetadataServiceEndpointMode": "IPv4",
            "aws:endpoints": JSON.stringify([{ sts: "https://sts.eu-west-1.amazonaws.com" }]),
            "aws:forbiddenAccountIds": JSON.stringify(["111122223333"]),
            "aws:httpProxy": "http://proxy.internal:3128",
            "aws:httpsProxy": "http://proxy.internal:3128",
            "aws:ignoreTags": JSON.stringify({ keyPrefixes: ["kubernetes.io/"] }),
            "aws:insecure": "false",
            "aws:maxRetries": "7",
            "aws:noProxy": "169.254.169.254",
            "aws:profile": "blueprints-prod",
            "aws:retryMode": "adaptive",
            "aws:s3UsEast1RegionalEndpoint": "regional",
            "aws:s3UsePathStyle": "true",
            "aws:secretKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws:sharedConfigFiles": JSON.stringify(["/home/ci/.aws/config"]),
            "aws:sharedCredentialsFiles": JSON.stringify(["/home/ci/.aws/credentials"]),
            "aws:skipCredentialsValidation": "true",
            "aws:skipMetadataApiCheck": "false",
            "aws:skipRegionValidation": "false",
            "aws:skipRequestingAccountId": "true",
            "aws:stsRegion": "eu-west-1",
            "aws:tagPolicyCompliance": "warning",
            "aws:token": "FwoGZXIvYXdzEXAMPLE",
            "aws:tokenBucketRateLimiterCapacity": "5000",
            "aws:useDualstackEndpoint": "true",
            "aws:useFipsEndpoint": "false",
            "aws:userAgents": JSON.stringify(["blueprints/1.0"]),
        };

        it("knows every key of the AWS package's configuration namespace but the region", () => {
            const packageKeys = Object.keys(require("@pulumi/aws/config/vars")).filter((k) => k !== "region").sort();
            assert.deepEqual(Object.keys(AWS_CONFIG_KEYS).sort(), packageKeys);
            assert.deepEqual(Object.keys(STACK_AWS_CONFIG).map((k) => k.slice(4)).filter((k) => k !== "region").sort(), packageKeys);
        });

        it("reads each key as the AWS package reads it: JSON lists, objects, numbers and booleans parsed, text as is", async () => {
            const awsConfig = require("@pulumi/aws/config/vars") as Record<string, unknown>;
            const { value } = await build(() => ({ args: stackProviderArgs(), expected: Object.fromEntries(Object.keys(AWS_CONFIG_KEYS).map((k) => [k, awsConfig[k]])) }), STACK_AWS_CONFIG);
            const resolved: Record<string, unknown> = {};
            for (const [k, v] of Object.entries(value.args)) resolved[k] = await promiseOf(v);
            assert.deepEqual(resolved, value.expected);
            assert.deepEqual(resolved.assumeRoles, [{ roleArn: "arn:aws:iam::210987654321:role/deployer", sessionName: "pulumi", externalId: "blueprints" }]);
            assert.equal(resolved.maxRetries, 7);
            assert.equal(resolved.skipCredentialsValidation, true);
        });

        it("gives a regional provider the stack's settings and its own region, and sets nothing the stack leaves unset", async () => {
            const { resources } = await build(
                () => {
                    regionalProvider("west", "us-west-2");
                },
                { "aws:region": "eu-west-1", "aws:profile": "blueprints-prod", "aws:defaultTags": JSON.stringify({ tags: { department: "platform" } }) },
            );
            const provider = new Resources(resources).one("pulumi:providers:aws", "west");
            assert.equal(provider.inputs.region, "us-west-2");
            assert.equal(provider.inputs.profile, "blueprints-prod");
            assert.deepEqual(JSON.parse(provider.inputs.defaultTags), { tags: { department: "platform" } });
            for (const key of ["assumeRoles", "accessKey", "allowedAccountIds", "endpoints"]) assert.equal(provider.inputs[key], undefined, key);
        });
    });
});
