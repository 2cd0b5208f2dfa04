import { CodePipelineClient, PutJobFailureResultCommand, PutJobSuccessResultCommand } from "@aws-sdk/client-codepipeline";
import { CloudFormationClient, DescribeChangeSetCommand } from "@aws-sdk/client-cloudformation";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import { parseDeploymentRequest } from "../../handlers/safeDeployPipeline/pipelineTrigger";
import { readZip } from "../../handlers/safeDeployPipeline/zipArchive";
import { SafeDeployPipeline, SafeDeployPipelineArgs } from "../../scenarios/safeDeployPipeline/component";
import { build, json, loadArchivedHandler, promiseOf, Resources } from "../../engine/evaluate";
import { assertActionsExist, grants, handlerStatements, list, PolicyStatement } from "../iam";
import { ACCOUNT_ID } from "../../engine/mocks";

const aslValidator = require("asl-validator");

const CONNECTION = "arn:aws:codestar-connections:us-east-1:123456789012:connection/0a1b2c3d-0000-4000-8000-000000000001";
const STACKS = `arn:aws:cloudformation:us-east-1:${ACCOUNT_ID}:stack/blueprints-test-*/*`;

async function pipeline(args?: SafeDeployPipelineArgs): Promise<{ p: SafeDeployPipeline; r: Resources }> {
    // Serializing the two handlers takes seconds: the default build is made once and shared by the tests that read it.
    if (args === undefined) return (defaultBuild ??= pipeline({}));
    const { value, resources } = await build(() => new SafeDeployPipeline("deploy", { stackNamePrefix: "blueprints-test-", ...args }));
    return { p: value, r: new Resources(resources) };
}
let defaultBuild: Promise<{ p: SafeDeployPipeline; r: Resources }> | undefined;

/**
 * Whether an event matches an EventBridge pattern made of exact values: every pattern field must be present in the
 * event, a nested object matches field by field, and a value list matches when the event's value (or one element
 * of an array value) equals one of its entries. Content filters (prefix, anything-but, ...) are refused rather than
 * guessed at. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
function matchesEventPattern(pattern: Record<string, unknown>, event: unknown): boolean {
    if (typeof event !== "object" || event === null || Array.isArray(event)) return false;
    return Object.entries(pattern).every(([key, expected]) => {
        if (!(key in event)) return false;
        const actual = (event as Record<string, unknown>)[key];
        if (Array.isArray(expected)) {
            for (const e of expected) if (typeof e === "object" && e !== null) throw new Error(`content filter ${JSON.stringify(e)} is not supported`);
            const values = Array.isArray(actual) ? actual : [actual];
            return values.some((v) => expected.includes(v));
        }
        if (typeof expected === "object" && expected !== null) return matchesEventPattern(expected as Record<string, unknown>, actual);
        throw new Error(`pattern field ${key} must be a list or an object; got ${JSON.stringify(expected)}`);
    });
}

/** What an EventBridge input transformer sends: the template with each `<name>` replaced by its path's value. */
function applyInputTransformer(transformer: { inputPaths: Record<string, string>; inputTemplate: string }, event: unknown): string {
    const values = Object.fromEntries(
        Object.entries(transformer.inputPaths).map(([name, path]) => {
            assert.match(path, /^\$(\.[A-Za-z0-9_-]+)+$/, `${name}: a plain path`);
            const value = path.split(".").slice(1).reduce<any>((at, k) => (at === undefined ? undefined : at[k]), event);
            assert.equal(typeof value, "string", `${path} is a string in the event`);
            return [name, value as string];
        }),
    );
    return transformer.inputTemplate.replace(/<([A-Za-z0-9_-]+)>/g, (whole, name: string) => {
        assert.ok(name in values, `placeholder ${whole} has an input path`);
        // Inside a quoted template a value is inserted as JSON string content.
        return JSON.stringify(values[name]).slice(1, -1);
    });
}

/** The "Pipeline FAILED event" (emitted event) of the CodePipeline user guide, for the given pipeline. */
function pipelineFailedEvent(pipelineName: string) {
    // https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
    return {
        version: "0",
        id: "01234567-EXAMPLE",
        "detail-type": "CodePipeline Pipeline Execution State Change",
        source: "aws.codepipeline",
        account: "123456789012",
        time: "2020-01-31T18:55:43Z",
        region: "us-west-2",
        resources: [`arn:aws:codepipeline:us-west-2:123456789012:${pipelineName}`],
        detail: {
            pipeline: pipelineName,
            "execution-id": "12345678-1234-5678-abcd-12345678abcd",
            "start-time": "2023-10-26T13:49:39.208Z",
            state: "FAILED",
            version: 4.0,
            "pipeline-execution-attempt": 1.0,
        },
    };
}

function rolePolicy(r: Resources, name: string): PolicyStatement[] {
    return json(r.one("aws:iam/rolePolicy:RolePolicy", name).inputs.policy).Statement;
}

function assertNoWildcards(statements: PolicyStatement[], allowedOnStar: readonly string[]) {
    for (const s of statements) {
        for (const a of list(s.Action)) {
            assert.doesNotMatch(a, /\*/, `wildcard action ${a}`);
            assert.doesNotMatch(a, /^(cloudformation|lambda|iam):\*$/);
        }
        if (list(s.Resource).includes("*")) for (const a of list(s.Action)) assert.ok(allowedOnStar.includes(a), `${a} on *`);
    }
}

describe("SafeDeployPipeline component", () => {
    it("builds a V2 pipeline: S3 source without polling, and a Prod stage invoking the trigger", async () => {
        const { r } = await pipeline();
        const pl = r.one("aws:codepipeline/pipeline:Pipeline");
        assert.equal(pl.inputs.pipelineType, "V2");
        const artifacts = r.one("aws:s3/bucket:Bucket", "deploy-artifacts");
        const source = r.one("aws:s3/bucket:Bucket", "deploy-source");
        assert.deepEqual(pl.inputs.artifactStores, [{ type: "S3", location: artifacts.outputs.bucket }]);
        const [src, prod] = pl.inputs.stages;
        assert.equal(src.name, "Source");
        assert.deepEqual(
            { provider: src.actions[0].provider, category: src.actions[0].category, configuration: src.actions[0].configuration, out: src.actions[0].outputArtifacts },
            {
                provider: "S3",
                category: "Source",
                configuration: { S3Bucket: source.outputs.bucket, S3ObjectKey: "source/app.zip", PollForSourceChanges: "false" },
                out: ["SourceOutput"],
            },
        );
        assert.equal(prod.name, "Prod");
        const invoke = prod.actions[0];
        const trigger = r.one("aws:lambda/function:Function", "deploy-trigger");
        assert.deepEqual(
            { category: invoke.category, provider: invoke.provider, fn: invoke.configuration.FunctionName, params: JSON.parse(invoke.configuration.UserParameters), inputs: invoke.inputArtifacts },
            { category: "Invoke", provider: "Lambda", fn: trigger.outputs.name, params: { inputFile: "deploy.json" }, inputs: ["SourceOutput"] },
        );
    });

    it("starts the pipeline from the source object's EventBridge events", async () => {
        const { r } = await pipeline();
        const source = r.one("aws:s3/bucket:Bucket", "deploy-source");
        assert.equal(r.one("aws:s3/bucketNotification:BucketNotification").inputs.eventbridge, true);
        const rule = r.one("aws:cloudwatch/eventRule:EventRule", "deploy-source-changed");
        assert.deepEqual(json(rule.inputs.eventPattern), {
            source: ["aws.s3"],
            "detail-type": ["Object Created"],
            detail: { bucket: { name: [source.outputs.bucket] }, object: { key: ["source/app.zip"] } },
        });
        const target = r.one("aws:cloudwatch/eventTarget:EventTarget", "deploy-source-changed");
        const pl = r.one("aws:codepipeline/pipeline:Pipeline");
        assert.equal(target.inputs.arn, pl.outputs.arn);
        const start = rolePolicy(r, "deploy-start-policy");
        assert.deepEqual(start.map((s) => [s.Action, s.Resource]), [[["codepipeline:StartPipelineExecution"], pl.outputs.arn]]);
        assert.equal(target.inputs.roleArn, r.one("aws:iam/role:Role", "deploy-start-role").outputs.arn);
    });

    it("keeps both buckets private, encrypted, versioned and HTTPS-only, and protects them when asked", async () => {
        const { r } = await pipeline({ protect: true });
        for (const name of ["deploy-artifacts", "deploy-source"]) {
            const bucket = r.one("aws:s3/bucket:Bucket", name);
            assert.equal(bucket.protect, true);
            const block = r.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name);
            assert.deepEqual([block.inputs.blockPublicAcls, block.inputs.blockPublicPolicy, block.inputs.ignorePublicAcls, block.inputs.restrictPublicBuckets], [true, true, true, true]);
            assert.equal(block.inputs.bucket, bucket.outputs.id);
            const sse = r.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", name);
            assert.equal(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
            assert.equal(r.one("aws:s3/bucketVersioning:BucketVersioning", name).inputs.versioningConfiguration.status, "Enabled");
            const deny = json(r.one("aws:s3/bucketPolicy:BucketPolicy", name).inputs.policy).Statement[0];
            assert.deepEqual([deny.Effect, deny.Condition], ["Deny", { Bool: { "aws:SecureTransport": "false" } }]);
        }
        const lifecycle = r.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
        assert.deepEqual(lifecycle.inputs.rules[0].filter, { prefix: "deploy-templates/" });
        for (const type of ["aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"]) {
            for (const x of r.ofType(type)) assert.equal(x.protect, true, `${type} ${x.name}`);
        }
    });

    it("uploads a sample revision (a ZIP with the template and input file) before the pipeline's first run", async () => {
        const { r, p } = await pipeline();
        const sample = r.one("aws:s3/bucketObjectv2:BucketObjectv2");
        assert.equal(sample.inputs.key, "source/app.zip");
        const files = readZip(Buffer.from(sample.inputs.contentBase64, "base64"));
        assert.deepEqual([...files.keys()].sort(), ["deploy.json", "template.yaml"]);
        const request = parseDeploymentRequest(files.get("deploy.json")!.toString(), "deploy.json", "blueprints-test-");
        assert.equal(request.stackName, "blueprints-test-sample-app");
        assert.equal(p.sampleStackName, "blueprints-test-sample-app");
        assert.match(files.get("template.yaml")!.toString(), /Type: AWS::SQS::Queue[\s\S]*QueueName: !Sub "\$\{AWS::StackName\}-work"/);
        const pl = r.one("aws:codepipeline/pipeline:Pipeline");
        assert.ok(pl.dependencies.includes(sample.urn), "the pipeline (which runs once on creation) waits for the sample");
        assert.ok(sample.dependencies.includes(r.one("aws:s3/bucketVersioning:BucketVersioning", "deploy-source").urn));
    });

    it("can take revisions from a CodeStar connection instead, using only that connection", async () => {
        const { r } = await pipeline({ source: { type: "codestarConnection", connectionArn: CONNECTION, fullRepositoryId: "acme/infra", branchName: "release" } });
        const action = r.one("aws:codepipeline/pipeline:Pipeline").inputs.stages[0].actions[0];
        assert.equal(action.provider, "CodeStarSourceConnection");
        assert.deepEqual(action.configuration, {
            ConnectionArn: CONNECTION,
            FullRepositoryId: "acme/infra",
            BranchName: "release",
            OutputArtifactFormat: "CODE_ZIP",
            DetectChanges: "true",
        });
        const statements = rolePolicy(r, "deploy-pipeline-policy");
        assert.deepEqual(grants(statements, "codestar-connections:UseConnection").map((s) => s.Resource), [CONNECTION]);
        assert.equal(r.ofType("aws:s3/bucketObjectv2:BucketObjectv2").length, 0, "no sample without an S3 source");
        assert.deepEqual(r.ofType("aws:cloudwatch/eventRule:EventRule").map((x) => x.name), ["deploy-failed"], "only the failure rule: no S3 trigger");
        await assertActionsExist(statements);
    });

    it("gives the pipeline role only its buckets, the trigger and the source", async () => {
        const { r } = await pipeline();
        const statements = rolePolicy(r, "deploy-pipeline-policy");
        const artifacts = r.one("aws:s3/bucket:Bucket", "deploy-artifacts");
        const source = r.one("aws:s3/bucket:Bucket", "deploy-source");
        const trigger = r.one("aws:lambda/function:Function", "deploy-trigger");
        assert.deepEqual(grants(statements, "lambda:InvokeFunction").map((s) => s.Resource), [trigger.outputs.arn]);
        assert.deepEqual(grants(statements, "s3:PutObject").map((s) => s.Resource), [`${artifacts.outputs.arn}/*`]);
        assert.deepEqual(grants(statements, "s3:GetObject").map((s) => s.Resource), [`${artifacts.outputs.arn}/*`, `${source.outputs.arn}/source/app.zip`]);
        assertNoWildcards(statements, []);
        await assertActionsExist(statements);
        const trust = json(r.one("aws:iam/role:Role", "deploy-pipeline-role").inputs.assumeRolePolicy).Statement[0];
        assert.deepEqual(trust.Principal, { Service: "codepipeline.amazonaws.com" });
    });

    it("scopes the workflow's CloudFormation actions to the prefix, its role and its staged templates", async () => {
        const { r } = await pipeline();
        const statements = rolePolicy(r, "deploy-workflow-policy");
        const role = r.one("aws:iam/role:Role", "deploy-deployer");
        for (const action of ["DescribeStacks", "CreateStack", "CreateChangeSet", "DescribeChangeSet", "ExecuteChangeSet", "DeleteChangeSet", "DeleteStack"]) {
            const g = grants(statements, `cloudformation:${action}`);
            assert.equal(g.length, 1, action);
            assert.equal(g[0].Resource, STACKS, `${action} only on the prefix`);
        }
        const create = grants(statements, "cloudformation:CreateStack")[0];
        const artifacts = r.one("aws:s3/bucket:Bucket", "deploy-artifacts");
        assert.deepEqual(create.Condition, {
            StringEquals: { "cloudformation:RoleArn": role.outputs.arn },
            StringLike: { "cloudformation:TemplateUrl": `https://${artifacts.outputs.bucket}.s3.us-east-1.amazonaws.com/deploy-templates/*` },
        });
        assert.deepEqual(grants(statements, "cloudformation:DeleteStack")[0].Condition, { StringEquals: { "cloudformation:RoleArn": role.outputs.arn } });
        const pass = grants(statements, "iam:PassRole");
        assert.deepEqual(pass.map((s) => [s.Resource, s.Condition]), [[role.outputs.arn, { StringEquals: { "iam:PassedToService": "cloudformation.amazonaws.com" } }]]);
        assert.deepEqual(grants(statements, "s3:GetObject").map((s) => s.Resource), [`${artifacts.outputs.arn}/deploy-templates/*`]);
        assert.deepEqual(grants(statements, "lambda:InvokeFunction").map((s) => s.Resource), [r.one("aws:lambda/function:Function", "deploy-inspect").outputs.arn]);
        assert.deepEqual(grants(statements, "sns:Publish").map((s) => s.Resource), [r.one("aws:sns/topic:Topic").outputs.arn]);
        const logActions = ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"];
        assertNoWildcards(statements, logActions);
        await assertActionsExist(statements);
    });

    it("passes only the configured deployment role when one is given, and creates none", async () => {
        const own = "arn:aws:iam::123456789012:role/cfn-app-deployer";
        const { r } = await pipeline({ deploymentRoleArn: own });
        assert.equal(r.ofType("aws:iam/role:Role").filter((x) => x.name === "deploy-deployer").length, 0);
        const statements = rolePolicy(r, "deploy-workflow-policy");
        assert.deepEqual(grants(statements, "iam:PassRole").map((s) => s.Resource), [own]);
        const definition = JSON.parse(r.one("aws:sfn/stateMachine:StateMachine").inputs.definition);
        assert.equal(definition.States["Create Stack"].Parameters.RoleARN, own);
    });

    it("the sample deployment role may manage only SQS queues named with the prefix", async () => {
        const { r } = await pipeline();
        const role = r.one("aws:iam/role:Role", "deploy-deployer");
        assert.deepEqual(json(role.inputs.assumeRolePolicy).Statement[0].Principal, { Service: "cloudformation.amazonaws.com" });
        const statements = rolePolicy(r, "deploy-deployer");
        assert.equal(statements.length, 1);
        assert.equal(statements[0].Resource, `arn:aws:sqs:us-east-1:${ACCOUNT_ID}:blueprints-test-*`);
        assert.ok(list(statements[0].Action).every((a) => a.startsWith("sqs:")));
        await assertActionsExist(statements);
        assert.equal(r.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
    });

    it("gives the trigger and the inspector only what they call", async () => {
        const { r } = await pipeline();
        const machine = r.one("aws:sfn/stateMachine:StateMachine");
        const artifacts = r.one("aws:s3/bucket:Bucket", "deploy-artifacts");
        const trigger = handlerStatements(r, "deploy-trigger");
        assert.deepEqual(grants(trigger, "states:StartExecution").map((s) => s.Resource), [machine.outputs.arn]);
        assert.deepEqual(grants(trigger, "states:DescribeExecution").map((s) => s.Resource), [`arn:aws:states:us-east-1:${ACCOUNT_ID}:execution:${machine.outputs.name}:*`]);
        assert.deepEqual(grants(trigger, "s3:PutObject").map((s) => s.Resource), [`${artifacts.outputs.arn}/deploy-templates/*`]);
        assertNoWildcards(trigger, ["codepipeline:PutJobSuccessResult", "codepipeline:PutJobFailureResult"]);
        await assertActionsExist(trigger);
        const inspect = handlerStatements(r, "deploy-inspect");
        assert.deepEqual(grants(inspect, "cloudformation:DescribeChangeSet").map((s) => s.Resource), [STACKS]);
        assertNoWildcards(inspect, []);
        await assertActionsExist(inspect);
    });

    it("deploys the workflow as a standard state machine with full logging, and its definition is valid", async () => {
        const { r } = await pipeline({ pollIntervalSeconds: 20, maxPolls: 10, conditionalReplacementIsUnsafe: false, logRetentionDays: 14 });
        const machine = r.one("aws:sfn/stateMachine:StateMachine");
        assert.equal(machine.inputs.type, "STANDARD");
        const logs = r.one("aws:cloudwatch/logGroup:LogGroup", "deploy-workflow-logs");
        assert.equal(logs.inputs.retentionInDays, 14);
        assert.deepEqual(machine.inputs.loggingConfiguration, { logDestination: `${logs.outputs.arn}:*`, includeExecutionData: true, level: "ALL" });
        assert.equal(machine.inputs.roleArn, r.one("aws:iam/role:Role", "deploy-workflow-role").outputs.arn);
        const definition = JSON.parse(machine.inputs.definition);
        const { isValid, errorsText } = aslValidator(definition);
        assert.equal(isValid, true, errorsText?.("\n"));
        assert.equal(definition.States["Wait For Stack Creation"].Seconds, 20);
        assert.equal(definition.States["Notify Failure"].Parameters.TopicArn, r.one("aws:sns/topic:Topic").outputs.arn);
        const inspect = r.one("aws:lambda/function:Function", "deploy-inspect");
        assert.equal(inspect.inputs.environment.variables.CONDITIONAL_REPLACEMENT_IS_UNSAFE, "false");
        assert.ok(machine.dependencies.includes(r.one("aws:iam/rolePolicy:RolePolicy", "deploy-workflow-policy").urn));
    });

    it("alarms to its encrypted topic when the trigger fails or a workflow times out", async () => {
        const { r, p } = await pipeline({ notificationEmail: "deploys@example.com" });
        const topicArn = await promiseOf(p.topicArn);
        assert.equal(r.one("aws:sns/topic:Topic").inputs.kmsMasterKeyId, r.one("aws:kms/key:Key").outputs.arn);
        const alarms = r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        const errors = alarms.find((a) => a.inputs.namespace === "AWS/Lambda")!;
        assert.equal(errors.inputs.dimensions.FunctionName, r.one("aws:lambda/function:Function", "deploy-trigger").outputs.name);
        const timeouts = alarms.find((a) => a.inputs.namespace === "AWS/States")!;
        assert.equal(timeouts.inputs.metricName, "ExecutionsTimedOut");
        assert.equal(timeouts.inputs.dimensions.StateMachineArn, r.one("aws:sfn/stateMachine:StateMachine").outputs.arn);
        for (const a of [errors, timeouts]) assert.deepEqual(a.inputs.alarmActions, [topicArn]);
        assert.equal(r.one("aws:sns/topicSubscription:TopicSubscription").inputs.endpoint, "deploys@example.com");
    });

    it("sends every failed pipeline execution to the encrypted alerts topic, as a readable message", async () => {
        for (const args of [undefined, { source: { type: "codestarConnection", connectionArn: CONNECTION, fullRepositoryId: "acme/infra" } } as const]) {
            const { r } = await pipeline(args);
            const pl = r.one("aws:codepipeline/pipeline:Pipeline");
            const topic = r.one("aws:sns/topic:Topic");
            const rule = r.one("aws:cloudwatch/eventRule:EventRule", "deploy-failed");
            const target = r.one("aws:cloudwatch/eventTarget:EventTarget", "deploy-failed");
            assert.equal(target.inputs.rule, rule.outputs.name);
            assert.equal(target.inputs.arn, topic.outputs.arn);
            const pattern = json(rule.inputs.eventPattern);
            const failed = pipelineFailedEvent(pl.outputs.name);
            assert.ok(matchesEventPattern(pattern, failed), "the documented FAILED event matches");
            assert.ok(!matchesEventPattern(pattern, { ...failed, detail: { ...failed.detail, state: "SUCCEEDED" } }), "a success does not");
            assert.ok(!matchesEventPattern(pattern, { ...failed, detail: { ...failed.detail, state: "SUPERSEDED" } }), "a superseded run does not");
            assert.ok(!matchesEventPattern(pattern, pipelineFailedEvent("someone-elses-pipeline")), "another pipeline's failure does not");
            assert.ok(!matchesEventPattern(pattern, { ...failed, "detail-type": "CodePipeline Stage Execution State Change", detail: { ...failed.detail, stage: "Prod" } }), "stage events are not counted twice");
            const message = JSON.parse(applyInputTransformer(target.inputs.inputTransformer, failed));
            assert.equal(
                message,
                `Safe deploy pipeline ${pl.outputs.name} failed at 2020-01-31T18:55:43Z (execution 12345678-1234-5678-abcd-12345678abcd, account 123456789012, us-west-2). ` +
                    `The failed action says why: aws codepipeline list-action-executions --region us-west-2 --pipeline-name ${pl.outputs.name} --filter pipelineExecutionId=12345678-1234-5678-abcd-12345678abcd`,
            );
            assert.equal(target.inputs.retryPolicy.maximumRetryAttempts, 8);
        }
    });

    it("lets EventBridge rules (and CloudWatch alarms) of this account publish to the alerts topic and use its key", async () => {
        const { r } = await pipeline();
        const topic = r.one("aws:sns/topic:Topic");
        const key = r.one("aws:kms/key:Key");
        assert.equal(topic.inputs.kmsMasterKeyId, key.outputs.arn);
        const keyStatements = json(key.inputs.policy).Statement as PolicyStatement[];
        const alarmsKey = keyStatements.find((s) => s.Sid === "PublishingServicesEncrypt")!;
        assert.deepEqual(alarmsKey.Principal, { Service: ["cloudwatch.amazonaws.com"] });
        assert.deepEqual(list(alarmsKey.Action).sort(), ["kms:Decrypt", "kms:GenerateDataKey*"]);
        assert.deepEqual(alarmsKey.Condition, { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } });
        // EventBridge sends no aws:Source* key to KMS: the topic policy is what scopes it.
        const rulesKey = keyStatements.find((s) => s.Sid === "PublishingServicesEncryptUnscoped")!;
        assert.deepEqual(rulesKey.Principal, { Service: ["events.amazonaws.com"] });
        assert.deepEqual(list(rulesKey.Action).sort(), ["kms:Decrypt", "kms:GenerateDataKey*"]);
        const topicStatements = json(r.one("aws:sns/topicPolicy:TopicPolicy").inputs.policy).Statement as PolicyStatement[];
        const alarms = topicStatements.find((s) => s.Sid === "ServicesPublish")!;
        assert.deepEqual(alarms.Principal, { Service: ["cloudwatch.amazonaws.com"] });
        assert.deepEqual([alarms.Action, alarms.Resource, alarms.Condition], ["sns:Publish", topic.outputs.arn, { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } }]);
        const rules = topicStatements.find((s) => s.Sid === "RulesPublish")!;
        assert.deepEqual(rules.Principal, { Service: "events.amazonaws.com" });
        assert.deepEqual([rules.Action, rules.Resource, rules.Condition], ["sns:Publish", topic.outputs.arn, { ArnLike: { "aws:SourceArn": `arn:aws:events:us-east-1:${ACCOUNT_ID}:rule/*` } }]);
    });

    it("refuses bad arguments before creating anything", async () => {
        const { resources } = await build(() => {
            for (const [args, pattern] of [
                [{ stackNamePrefix: "1-bad" }, /stackNamePrefix: must start with a letter and hold up to 64 letters, digits or dashes; got "1-bad"/],
                [{ source: { type: "codestarConnection", connectionArn: "arn:aws:iam::1:role/x", fullRepositoryId: "a/b" } }, /source\.connectionArn: must be a CodeStar connection ARN .*; got "arn:aws:iam::1:role\/x"/],
                [{ source: { type: "codestarConnection", connectionArn: CONNECTION, fullRepositoryId: "infra" } }, /source\.fullRepositoryId: must be owner\/repository; got "infra"/],
                [{ source: { type: "codestarConnection", connectionArn: CONNECTION, fullRepositoryId: "a/b" }, deploySample: true }, /deploySample: true needs source\.type s3 \(commit the sample to your repository instead\); got true/],
                [{ source: { type: "git" } }, /source\.type: Invalid discriminator value\. Expected 's3' \| 'codestarConnection'; got "git"/],
                [{ pollIntervalSeconds: 0 }, /pollIntervalSeconds: must be a whole number from 1 to 300; got 0/],
                [{ maxPolls: 5000 }, /maxPolls: must be a whole number from 1 to 1000; got 5000/],
                [{ deploymentRoleArn: "deployer" }, /deploymentRoleArn: must be an IAM role ARN like .*; got "deployer"/],
                [{ inputFile: "../deploy.json" }, /inputFile: must be a relative path inside the revision; got "\.\.\/deploy\.json"/],
            ] as const) {
                assert.throws(() => new SafeDeployPipeline("bad", args as SafeDeployPipelineArgs), pattern);
            }
            return undefined;
        });
        assert.equal(resources.filter((x) => x.custom).length, 0);
    });

    it("ships a trigger that works from its archive: starts the workflow with the function's own environment", async () => {
        const { r } = await pipeline();
        const fn = r.one("aws:lambda/function:Function", "deploy-trigger");
        const sample = r.one("aws:s3/bucketObjectv2:BucketObjectv2");
        const { handler, restore } = await loadArchivedHandler(fn);
        const s3 = mockClient(S3Client);
        const sfn = mockClient(SFNClient);
        const cp = mockClient(CodePipelineClient);
        const log = console.log;
        const logged: string[] = [];
        console.log = (line: string) => logged.push(line);
        try {
            const zip = Buffer.from(sample.inputs.contentBase64, "base64");
            s3.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new Uint8Array(zip) } as any });
            s3.on(PutObjectCommand).resolves({});
            const machine = r.one("aws:sfn/stateMachine:StateMachine");
            sfn.on(StartExecutionCommand).resolves({ executionArn: `${machine.outputs.arn.replace(":stateMachine:", ":execution:")}:job-1`, startDate: new Date() });
            cp.on(PutJobSuccessResultCommand).resolves({});
            const result: any = await handler({
                "CodePipeline.job": {
                    id: "job-1",
                    data: {
                        actionConfiguration: { configuration: { FunctionName: fn.outputs.name, UserParameters: '{"inputFile":"deploy.json"}' } },
                        inputArtifacts: [{ name: "SourceOutput", location: { type: "S3", s3Location: { bucketName: "artifacts", objectKey: "p/SourceOutp/x" } } }],
                    },
                },
            });
            assert.equal(result.status, "started", JSON.stringify(result));
            const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input!);
            assert.equal(input.stackName, "blueprints-test-sample-app");
            assert.equal(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.stateMachineArn, machine.outputs.arn);
            const artifacts = r.one("aws:s3/bucket:Bucket", "deploy-artifacts");
            assert.equal(s3.commandCalls(PutObjectCommand)[0].args[0].input.Bucket, artifacts.outputs.bucket);
            assert.equal(input.templateUrl, `https://${artifacts.outputs.bucket}.s3.us-east-1.amazonaws.com/deploy-templates/job-1/template.yaml`);
            assert.equal(JSON.parse(logged[logged.length - 1]).status, "started");
        } finally {
            console.log = log;
            s3.restore();
            sfn.restore();
            cp.restore();
            restore();
        }
    });

    it("ships a trigger whose errors survive serialization: a named, explained Error or a ConfigurationError with its reason", async () => {
        const { r } = await pipeline();
        const fn = r.one("aws:lambda/function:Function", "deploy-trigger");
        const { handler, restore } = await loadArchivedHandler(fn);
        const s3 = mockClient(S3Client);
        const sfn = mockClient(SFNClient);
        const cp = mockClient(CodePipelineClient);
        const log = console.log;
        console.log = () => undefined;
        try {
            await assert.rejects(handler({ Records: [] }), (err: unknown) => {
                assert.ok(err instanceof Error, `an Error, got ${JSON.stringify(err)}`);
                assert.equal(err.name, "MalformedEventError");
                assert.equal(err.message, "the event is not a CodePipeline job (no CodePipeline.job.id)");
                assert.ok(err.stack && err.stack.length > 0, "it has a stack");
                return true;
            });
            assert.equal(cp.calls().length + sfn.calls().length + s3.calls().length, 0, "nothing was called");

            cp.on(PutJobFailureResultCommand).resolves({});
            const result: any = await handler({
                "CodePipeline.job": { id: "job-2", data: { actionConfiguration: { configuration: { FunctionName: fn.outputs.name, UserParameters: "deploy.json" } } } },
            });
            assert.equal(result.status, "failed");
            const failure = cp.commandCalls(PutJobFailureResultCommand)[0].args[0].input;
            assert.equal(failure.jobId, "job-2");
            assert.equal(failure.failureDetails?.type, "ConfigurationError", "told apart by its name");
            assert.match(failure.failureDetails?.message ?? "", /^DeploymentConfigurationError: UserParameters must be a JSON object like \{"inputFile":"deploy.json"\}; got "deploy.json"$/);
            assert.equal(sfn.calls().length + s3.calls().length, 0, "nothing was staged or started");
        } finally {
            console.log = log;
            s3.restore();
            sfn.restore();
            cp.restore();
            restore();
        }
    });

    it("ships an inspector that works from its archive and applies the shared rule", async () => {
        const { r } = await pipeline();
        const { handler, restore } = await loadArchivedHandler(r.one("aws:lambda/function:Function", "deploy-inspect"));
        const cfn = mockClient(CloudFormationClient);
        const log = console.log;
        console.log = () => undefined;
        try {
            cfn.on(DescribeChangeSetCommand).resolves({
                Status: "CREATE_COMPLETE",
                StackName: "blueprints-test-app",
                ChangeSetName: "deploy-1",
                Changes: [{ Type: "Resource", ResourceChange: { Action: "Remove", LogicalResourceId: "DeadLetterQueue", ResourceType: "AWS::SQS::Queue" } }],
            });
            const result: any = await handler({ changeSetId: "arn:aws:cloudformation:us-east-1:123456789012:changeSet/deploy-1/0a1b2c3d-0000-4000-8000-000000000002" });
            assert.equal(result.verdict, "RESOURCES-BEING-DELETED-OR-REPLACED");
            assert.deepEqual(result.unsafe, ["DeadLetterQueue [AWS::SQS::Queue]: delete"]);
        } finally {
            console.log = log;
            cfn.restore();
            restore();
        }
    });

    it("ships an inspector whose malformed-request error reaches the workflow named and explained", async () => {
        const { r } = await pipeline();
        const { handler, restore } = await loadArchivedHandler(r.one("aws:lambda/function:Function", "deploy-inspect"));
        const cfn = mockClient(CloudFormationClient);
        try {
            await assert.rejects(handler({ changeSetId: "deploy-1" }), (err: unknown) => {
                assert.ok(err instanceof Error, `an Error, got ${JSON.stringify(err)}`);
                assert.equal(err.name, "MalformedInspectionRequestError");
                assert.equal(err.message, 'changeSetId must be a change set ARN; got "deploy-1"');
                assert.ok(err.stack && err.stack.length > 0, "it has a stack");
                return true;
            });
            assert.equal(cfn.calls().length, 0);
        } finally {
            cfn.restore();
            restore();
        }
    });
});
