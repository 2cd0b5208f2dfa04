// Safe stack-update pipeline: CodePipeline hands each revision to a Step Functions workflow that creates the stack,
// or updates it through a change set only when nothing would be deleted or replaced (README scenario 10).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { configFromEnvironment as inspectionConfig, inspectChangeSet } from "../../handlers/safeDeployPipeline/changeSetInspection";
import { configFromEnvironment as triggerConfig, handlePipelineJob } from "../../handlers/safeDeployPipeline/pipelineTrigger";
import { cleanUpSampleStack } from "../../handlers/safeDeployPipeline/sampleCleanup";
import { createZip } from "../../handlers/safeDeployPipeline/zipArchive";
import { Blueprint } from "../../components/common";
import { logDeliveryStatement, policyDocument, ServiceRole, Statement } from "../../components/iam";
import { HandlerFunction } from "../../components/lambda";
import { privateBucket } from "../../components/storage";
import { EncryptedTopic, functionAlarm, topicAlarm } from "../../components/notifications";
import { ArgsOf, defineScenario, pick, resolveArgs, ResolvedArgs } from "../../components/scenario";
import { deployWorkflowDefinition, workflowTimeoutSeconds } from "./safeDeployWorkflow";
import { safeDeployPipelineSettings } from "./settings";

/** Arguments that also take other resources' values. */
type Inputs = "deploymentRoleArn" | "source.connectionArn";
/** The settings as resolveArgs returns them, which the constructor's steps read. */
type Settings = ResolvedArgs<typeof safeDeployPipelineSettings, Inputs>;

/** The scenario's settings (see ./settings.ts); the deployment role may be another resource's output. */
export type SafeDeployPipelineArgs = ArgsOf<typeof safeDeployPipelineSettings, Inputs>;

/** Where the pipeline takes its revisions from. */
export type SafeDeploySource = NonNullable<SafeDeployPipelineArgs["source"]>;

/** The artifact bucket, and where in it the trigger stages templates for CloudFormation. */
interface ArtifactStore {
    readonly artifacts: aws.s3.Bucket;
    /** The staged templates' URL prefix, the only TemplateURL the workflow may create stacks from. */
    readonly templateUrlBase: pulumi.Output<string>;
    /** The staged templates' objects, as an ARN pattern. */
    readonly stagedTemplates: pulumi.Output<string>;
}

/** The pipeline's source stage: its action, what the pipeline's role needs for it, and what must exist before the pipeline. */
interface SourceStage {
    readonly action: aws.types.input.codepipeline.PipelineStageAction;
    readonly statements: Statement[];
    readonly dependencies: pulumi.Resource[];
    /** The source bucket, when the source is an S3 object. */
    readonly bucket?: aws.s3.Bucket;
    readonly sampleStackName?: string;
}

/** Key prefix of the templates the trigger stages for CloudFormation in the artifact bucket. */
const STAGED_TEMPLATES = "deploy-templates/";

/** The sample application: two SQS queues, so safe updates (retention) and unsafe ones (renames, removals) are easy to try. */
export function sampleTemplate(): string {
    return [
        'AWSTemplateFormatVersion: "2010-09-09"',
        "Description: Sample application deployed by the aws-blueprints safe deploy pipeline",
        "Parameters:",
        "  MessageRetentionSeconds:",
        "    Type: Number",
        "    Default: 345600",
        "    MinValue: 60",
        "    MaxValue: 1209600",
        "Resources:",
        "  DeadLetterQueue:",
        "    Type: AWS::SQS::Queue",
        "    Properties:",
        '      QueueName: !Sub "${AWS::StackName}-dead-letters"',
        "      SqsManagedSseEnabled: true",
        "      MessageRetentionPeriod: 1209600",
        "  WorkQueue:",
        "    Type: AWS::SQS::Queue",
        "    Properties:",
        '      QueueName: !Sub "${AWS::StackName}-work"',
        "      SqsManagedSseEnabled: true",
        "      MessageRetentionPeriod: !Ref MessageRetentionSeconds",
        "      RedrivePolicy:",
        "        deadLetterTargetArn: !GetAtt DeadLetterQueue.Arn",
        "        maxReceiveCount: 5",
        "Outputs:",
        "  WorkQueueUrl:",
        "    Value: !Ref WorkQueue",
        "",
    ].join("\n");
}

/** The sample input file. */
export function sampleInput(stackName: string): string {
    return `${JSON.stringify({ stackName, templateFile: "template.yaml", parameters: { MessageRetentionSeconds: 345600 } }, null, 2)}\n`;
}

/** The EventBridge pattern of a failed execution of one pipeline. */
export function pipelineFailedPattern<T>(pipelineName: T) {
    return {
        source: ["aws.codepipeline"],
        "detail-type": ["CodePipeline Pipeline Execution State Change"],
        detail: { pipeline: [pipelineName], state: ["FAILED"] },
    };
}

/** The input transformer that turns a failed-execution event into a message saying how to read the reason. */
export function pipelineFailedMessage(): { inputPaths: Record<string, string>; inputTemplate: string } {
    return {
        inputPaths: { pipeline: "$.detail.pipeline", execution: "$.detail.execution-id", time: "$.time", region: "$.region", account: "$.account" },
        inputTemplate:
            '"Safe deploy pipeline <pipeline> failed at <time> (execution <execution>, account <account>, <region>). ' +
            "The failed action says why: aws codepipeline list-action-executions --region <region> --pipeline-name <pipeline> " +
            '--filter pipelineExecutionId=<execution>"',
    };
}

export class SafeDeployPipeline extends Blueprint {
    readonly pipelineName: pulumi.Output<string>;
    readonly pipelineArn: pulumi.Output<string>;
    readonly artifactBucket: pulumi.Output<string>;
    readonly stateMachineArn: pulumi.Output<string>;
    readonly triggerFunctionName: pulumi.Output<string>;
    readonly inspectFunctionName: pulumi.Output<string>;
    readonly topicArn: pulumi.Output<string>;
    readonly deploymentRoleArn: pulumi.Output<string>;
    readonly stackNamePrefix: string;
    readonly sourceBucket?: pulumi.Output<string>;
    readonly sourceObjectKey?: string;
    readonly sampleStackName?: string;

    constructor(name: string, args: SafeDeployPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveArgs<typeof safeDeployPipelineSettings, Inputs>(name, safeDeployPipelineSettings, args);
        super("aws-blueprints:delivery:SafeDeployPipeline", name, "safe-deploy-pipeline", args, opts);
        // The stack's section defaults it per environment; a program that leaves it out gets the common prefix.
        const prefix = s.stackNamePrefix ?? "blueprints-";
        const source = s.source;
        const objectKey = source.type === "s3" ? source.objectKey : undefined;
        const deploySample = s.deploySample ?? source.type === "s3";
        this.stackNamePrefix = prefix;

        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this });
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const account = identity.accountId;
        const stackArns = pulumi.interpolate`arn:${partition.partition}:cloudformation:${region}:${account}:stack/${prefix}*/*`;

        const alerts = this.alertsTopic(name, s);
        const store = this.artifactStore(name, region, partition.dnsSuffix);
        const sampleRole = s.deploymentRoleArn ? undefined : this.sampleDeploymentRole(name, prefix, partition.partition, region, account);
        const deploymentRoleArn = sampleRole ? sampleRole.arn : pulumi.output(s.deploymentRoleArn!);
        this.deploymentRoleArn = deploymentRoleArn;
        const { templateUrlBase, stagedTemplates } = store;
        const { inspect, stateMachine } = this.deployWorkflow(name, s, { stackArns, templateUrlBase, stagedTemplates, deploymentRoleArn, alerts });
        const trigger = this.pipelineTrigger(name, s, { prefix, store, stateMachine, partition: partition.partition, dnsSuffix: partition.dnsSuffix, region, account });
        const stage = this.pipelineSource(name, s, { prefix, deploySample, sampleRole, partition: partition.partition, region, account });
        const pipeline = this.pipeline(name, s, { artifacts: store.artifacts, trigger, stage });
        if (stage.bucket) this.startOnSourceChange(name, pipeline, stage.bucket, objectKey!);
        this.reportFailures(name, { pipeline, alerts, trigger, stateMachine, workflowTimeoutSeconds: workflowTimeoutSeconds({ pollIntervalSeconds: s.pollIntervalSeconds, maxPolls: s.maxPolls }) });

        this.sourceBucket = stage.bucket?.bucket;
        this.sourceObjectKey = objectKey;
        this.sampleStackName = stage.sampleStackName;
        this.pipelineName = pipeline.name;
        this.pipelineArn = pipeline.arn;
        this.artifactBucket = store.artifacts.bucket;
        this.stateMachineArn = stateMachine.arn;
        this.triggerFunctionName = trigger.functionName;
        this.inspectFunctionName = inspect.functionName;
        this.topicArn = alerts.topicArn;
        this.registerOutputs({
            pipelineName: this.pipelineName,
            pipelineArn: this.pipelineArn,
            artifactBucket: this.artifactBucket,
            stateMachineArn: this.stateMachineArn,
            triggerFunctionName: this.triggerFunctionName,
            inspectFunctionName: this.inspectFunctionName,
            topicArn: this.topicArn,
            deploymentRoleArn: this.deploymentRoleArn,
            stackNamePrefix: this.stackNamePrefix,
            sourceBucket: this.sourceBucket,
            sourceObjectKey: this.sourceObjectKey,
            sampleStackName: this.sampleStackName,
        });
    }

    /** The alerts topic, to which alarms and the failed-execution rule publish. */
    private alertsTopic(name: string, s: Settings): EncryptedTopic {
        return new EncryptedTopic(
            `${name}-alerts`,
            {
                displayName: "Safe deploy pipeline",
                // Alarms, and the EventBridge rule that reports every failed pipeline execution.
                publishingServices: ["cloudwatch.amazonaws.com", "events.amazonaws.com"],
                email: s.notificationEmail,
                protect: this.protectStateful,
            },
            { parent: this },
        );
    }

    /**
     * The artifact bucket, where the pipeline keeps its revisions and the trigger stages templates for CloudFormation;
     * staged templates and old versions expire after 30 days.
     */
    private artifactStore(name: string, region: pulumi.Output<string>, dnsSuffix: pulumi.Output<string>): ArtifactStore {
        const [artifacts] = this.privateBucket(`${name}-artifacts`);
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-artifacts`,
            {
                bucket: artifacts.id,
                rules: [
                    { id: "expire-staged-templates", status: "Enabled", filter: { prefix: STAGED_TEMPLATES }, expiration: { days: 30 } },
                    { id: "expire-old-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 30 } },
                ],
            },
            { parent: this },
        );
        const templateUrlBase = pulumi.interpolate`https://${artifacts.bucket}.s3.${region}.${dnsSuffix}/${STAGED_TEMPLATES}`;
        const stagedTemplates = pulumi.interpolate`${artifacts.arn}/${STAGED_TEMPLATES}*`;
        return { artifacts, templateUrlBase, stagedTemplates };
    }

    /**
     * The deploy workflow: the function that inspects change sets and the state machine that creates, inspects,
     * executes or deletes a change set, with its log group and a role confined to the pipeline's stacks, staged
     * templates and deployment role.
     */
    private deployWorkflow(
        name: string,
        s: Settings,
        on: { stackArns: pulumi.Output<string>; templateUrlBase: pulumi.Output<string>; stagedTemplates: pulumi.Output<string>; deploymentRoleArn: pulumi.Output<string>; alerts: EncryptedTopic },
    ): { inspect: HandlerFunction; stateMachine: aws.sfn.StateMachine } {
        const { stackArns, templateUrlBase, stagedTemplates, deploymentRoleArn, alerts } = on;
        const inspect = new HandlerFunction(
            `${name}-inspect`,
            {
                description: "Reads a change set and says whether it deletes or replaces any resource",
                statements: [{ sid: "ReadChangeSets", actions: ["cloudformation:DescribeChangeSet"], resources: [stackArns] }],
                environment: { CONDITIONAL_REPLACEMENT_IS_UNSAFE: String(s.conditionalReplacementIsUnsafe) },
                timeoutSeconds: 60,
                logRetentionDays: this.logRetentionDays,
                protect: this.protectStateful,
                callback: inspectionHandler,
            },
            { parent: this },
        );

        const workflowLogs = new aws.cloudwatch.LogGroup(
            `${name}-workflow-logs`,
            { namePrefix: `/aws/vendedlogs/states/${name}-`, retentionInDays: this.logRetentionDays },
            this.stateful(),
        );
        const workflowStatements: Statement[] = [
            {
                sid: "FollowStacksAndChangeSets",
                actions: ["cloudformation:DescribeStacks", "cloudformation:DescribeChangeSet", "cloudformation:ExecuteChangeSet", "cloudformation:DeleteChangeSet"],
                resources: [stackArns],
            },
            {
                sid: "CreateWithDeploymentRoleFromStagedTemplates",
                actions: ["cloudformation:CreateStack", "cloudformation:CreateChangeSet"],
                resources: [stackArns],
                conditions: {
                    StringEquals: { "cloudformation:RoleArn": deploymentRoleArn },
                    StringLike: { "cloudformation:TemplateUrl": pulumi.interpolate`${templateUrlBase}*` },
                },
            },
            {
                sid: "DeleteRolledBackStacks",
                actions: ["cloudformation:DeleteStack"],
                resources: [stackArns],
                conditions: { StringEquals: { "cloudformation:RoleArn": deploymentRoleArn } },
            },
            {
                sid: "PassDeploymentRole",
                actions: ["iam:PassRole"],
                resources: [deploymentRoleArn],
                conditions: { StringEquals: { "iam:PassedToService": "cloudformation.amazonaws.com" } },
            },
            // CloudFormation reads a TemplateURL with the caller's permissions.
            { sid: "ReadStagedTemplates", actions: ["s3:GetObject"], resources: [stagedTemplates] },
            { sid: "InspectChangeSets", actions: ["lambda:InvokeFunction"], resources: [inspect.arn] },
            ...alerts.publishStatements(),
            logDeliveryStatement("DeliverLogs"),
        ];
        const workflowRole = new ServiceRole(
            `${name}-workflow`,
            { service: "states.amazonaws.com", description: "Deploy workflow of the safe deploy pipeline", statements: workflowStatements },
            { parent: this },
        );
        const workflowOptions = { pollIntervalSeconds: s.pollIntervalSeconds, maxPolls: s.maxPolls };
        const stateMachine = new aws.sfn.StateMachine(
            `${name}-workflow`,
            {
                type: "STANDARD",
                roleArn: workflowRole.arn,
                definition: pulumi
                    .all([deploymentRoleArn, inspect.arn, alerts.topicArn])
                    .apply(([role, fn, topic]) =>
                        JSON.stringify(deployWorkflowDefinition({ deploymentRoleArn: role, inspectFunctionArn: fn, topicArn: topic, ...workflowOptions })),
                    ),
                loggingConfiguration: { logDestination: pulumi.interpolate`${workflowLogs.arn}:*`, includeExecutionData: true, level: "ALL" },
            },
            { parent: this, dependsOn: [workflowRole.policy] },
        );
        return { inspect, stateMachine };
    }

    /**
     * The pipeline's source stage: a versioned bucket whose object's new versions start the pipeline (with the sample
     * input and its cleanup when asked for), or a CodeStar connection to a repository; and what the pipeline's role
     * needs for it.
     */
    private pipelineSource(
        name: string,
        s: Settings,
        on: { prefix: string; deploySample: boolean; sampleRole?: { resources: pulumi.Resource[] }; partition: pulumi.Output<string>; region: pulumi.Output<string>; account: pulumi.Output<string> },
    ): SourceStage {
        const { prefix, deploySample, sampleRole, partition, region, account } = on;
        const source = s.source;
        const objectKey = source.type === "s3" ? source.objectKey : undefined;
        const statements: Statement[] = [];
        let sampleStackName: string | undefined;
        let sourceAction: aws.types.input.codepipeline.PipelineStageAction;
        let sourceBucket: aws.s3.Bucket | undefined;
        let sourceVersioning: aws.s3.BucketVersioning | undefined;
        const dependencies: pulumi.Resource[] = [];
        if (source.type === "s3") {
            [sourceBucket, sourceVersioning] = this.privateBucket(`${name}-source`);
            // S3 events reach EventBridge, whose rule starts the pipeline: no polling.
            const notification = new aws.s3.BucketNotification(`${name}-source-events`, { bucket: sourceBucket.id, eventbridge: true }, { parent: this });
            statements.push(
                { sid: "ReadSourceObject", actions: ["s3:GetObject", "s3:GetObjectVersion"], resources: [pulumi.interpolate`${sourceBucket.arn}/${objectKey}`] },
                { sid: "SourceBucket", actions: ["s3:GetBucketVersioning"], resources: [sourceBucket.arn] },
            );
            sourceAction = {
                name: "Source",
                category: "Source",
                owner: "AWS",
                provider: "S3",
                version: "1",
                outputArtifacts: ["SourceOutput"],
                configuration: { S3Bucket: sourceBucket.bucket, S3ObjectKey: source.objectKey, PollForSourceChanges: "false" },
            };
            dependencies.push(notification, sourceVersioning);
            if (deploySample) {
                sampleStackName = `${prefix}sample-app`;
                // A pipeline runs once when created, so the sample must be in place before it.
                const sample = new aws.s3.BucketObjectv2(
                    `${name}-sample`,
                    {
                        bucket: sourceBucket.id,
                        key: source.objectKey,
                        contentBase64: createZip({ [s.inputFile]: sampleInput(sampleStackName), "template.yaml": sampleTemplate() }).toString("base64"),
                        contentType: "application/zip",
                    },
                    // The S3 source reads a version of the object: versioning must be on before the first upload.
                    { parent: this, dependsOn: [notification, sourceVersioning] },
                );
                dependencies.push(sample);
                if (!this.protectStateful) {
                    dependencies.push(this.sampleCleanup(name, sampleStackName, partition, region, account, sampleRole?.resources ?? []));
                }
            }
        } else {
            // The ARN's service names the action (codestar-connections or codeconnections); an ARN known only at
            // deployment gets both, still on that one connection.
            const services = typeof source.connectionArn === "string" ? [source.connectionArn.split(":")[2]] : ["codestar-connections", "codeconnections"];
            statements.push({ sid: "UseConnection", actions: services.map((service) => `${service}:UseConnection`), resources: [source.connectionArn] });
            sourceAction = {
                name: "Source",
                category: "Source",
                owner: "AWS",
                provider: "CodeStarSourceConnection",
                version: "1",
                outputArtifacts: ["SourceOutput"],
                configuration: {
                    ConnectionArn: source.connectionArn,
                    FullRepositoryId: source.fullRepositoryId,
                    BranchName: source.branchName,
                    OutputArtifactFormat: "CODE_ZIP",
                    DetectChanges: "true",
                },
            };
        }
        return { action: sourceAction, statements, dependencies, bucket: sourceBucket, sampleStackName };
    }

    /** The pipeline's deploy action: a function that stages the revision's template, starts the workflow and reports its outcome. */
    private pipelineTrigger(
        name: string,
        s: Settings,
        on: {
            prefix: string;
            store: ArtifactStore;
            stateMachine: aws.sfn.StateMachine;
            partition: pulumi.Output<string>;
            dnsSuffix: pulumi.Output<string>;
            region: pulumi.Output<string>;
            account: pulumi.Output<string>;
        },
    ): HandlerFunction {
        const { prefix, store, stateMachine, partition, dnsSuffix, region, account } = on;
        const { artifacts, stagedTemplates } = store;
        const executions = pulumi.interpolate`arn:${partition}:states:${region}:${account}:execution:${stateMachine.name}:*`;
        return new HandlerFunction(
            `${name}-trigger`,
            {
                description: "CodePipeline action: starts the deploy workflow and reports its outcome to the pipeline",
                statements: [
                    {
                        sid: "ReportJobResults",
                        // CodePipeline job results support no resource-level permissions.
                        actions: ["codepipeline:PutJobSuccessResult", "codepipeline:PutJobFailureResult"],
                        resources: ["*"],
                    },
                    { sid: "ReadSourceArtifacts", actions: ["s3:GetObject"], resources: [pulumi.interpolate`${artifacts.arn}/*`] },
                    { sid: "StageTemplates", actions: ["s3:PutObject"], resources: [stagedTemplates] },
                    { sid: "StartDeployments", actions: ["states:StartExecution"], resources: [stateMachine.arn] },
                    { sid: "FollowDeployments", actions: ["states:DescribeExecution", "states:StopExecution"], resources: [executions] },
                ],
                environment: {
                    STATE_MACHINE_ARN: stateMachine.arn,
                    TEMPLATE_BUCKET: artifacts.bucket,
                    TEMPLATE_PREFIX: STAGED_TEMPLATES,
                    TEMPLATE_URL_BASE: pulumi.interpolate`https://${artifacts.bucket}.s3.${region}.${dnsSuffix}/`,
                    STACK_NAME_PREFIX: prefix,
                    DEFAULT_INPUT_FILE: s.inputFile,
                },
                timeoutSeconds: 60,
                logRetentionDays: this.logRetentionDays,
                protect: this.protectStateful,
                callback: pipelineJobHandler,
            },
            { parent: this },
        );
    }

    /** The pipeline, with its role: the source stage, then the Prod stage whose one action is the trigger. */
    private pipeline(
        name: string,
        s: Settings,
        on: { artifacts: aws.s3.Bucket; trigger: HandlerFunction; stage: SourceStage },
    ): aws.codepipeline.Pipeline {
        const { artifacts, trigger, stage } = on;
        const pipelineStatements: Statement[] = [
            {
                sid: "ArtifactStore",
                actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
                resources: [pulumi.interpolate`${artifacts.arn}/*`],
            },
            { sid: "ArtifactBucket", actions: ["s3:GetBucketVersioning", "s3:GetBucketLocation"], resources: [artifacts.arn] },
            { sid: "InvokeTrigger", actions: ["lambda:InvokeFunction"], resources: [trigger.arn] },
            ...stage.statements,
        ];
        const pipelineRole = new ServiceRole(
            `${name}-pipeline`,
            { service: "codepipeline.amazonaws.com", description: "Safe deploy pipeline", statements: pipelineStatements },
            { parent: this },
        );
        return new aws.codepipeline.Pipeline(
            `${name}-pipeline`,
            {
                pipelineType: "V2",
                // A newer revision waiting for the Prod stage replaces an older one that is still waiting.
                executionMode: "SUPERSEDED",
                roleArn: pipelineRole.arn,
                artifactStores: [{ type: "S3", location: artifacts.bucket }],
                stages: [
                    { name: "Source", actions: [stage.action] },
                    {
                        name: "Prod",
                        actions: [
                            {
                                name: "Deploy",
                                category: "Invoke",
                                owner: "AWS",
                                provider: "Lambda",
                                version: "1",
                                inputArtifacts: ["SourceOutput"],
                                configuration: { FunctionName: trigger.functionName, UserParameters: JSON.stringify({ inputFile: s.inputFile }) },
                            },
                        ],
                    },
                ],
            },
            { parent: this, dependsOn: [pipelineRole.policy, ...stage.dependencies] },
        );
    }

    /** An EventBridge rule that starts the pipeline when a new version of the source object lands (no polling). */
    private startOnSourceChange(name: string, pipeline: aws.codepipeline.Pipeline, sourceBucket: aws.s3.Bucket, objectKey: string): void {
        const startRole = new ServiceRole(
            `${name}-start`,
            {
                service: "events.amazonaws.com",
                description: "Starts the safe deploy pipeline when its source object changes",
                statements: [{ sid: "StartPipeline", actions: ["codepipeline:StartPipelineExecution"], resources: [pipeline.arn] }],
            },
            { parent: this },
        );
        const rule = new aws.cloudwatch.EventRule(
            `${name}-source-changed`,
            {
                description: "A new version of the safe deploy pipeline's source object",
                eventPattern: pulumi.jsonStringify({
                    source: ["aws.s3"],
                    "detail-type": ["Object Created"],
                    detail: { bucket: { name: [sourceBucket.bucket] }, object: { key: [objectKey] } },
                }),
            },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(
            `${name}-source-changed`,
            { rule: rule.name, arn: pipeline.arn, roleArn: startRole.arn, retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 } },
            { parent: this, dependsOn: [startRole.policy] },
        );
    }

    /** What reaches the alerts topic: every failed pipeline execution, a trigger that could not report, a workflow that timed out. */
    private reportFailures(
        name: string,
        on: { pipeline: aws.codepipeline.Pipeline; alerts: EncryptedTopic; trigger: HandlerFunction; stateMachine: aws.sfn.StateMachine; workflowTimeoutSeconds: number },
    ): void {
        const { pipeline, alerts, trigger, stateMachine, workflowTimeoutSeconds } = on;
        // A pipeline can fail before the workflow (and its own notification) ever runs: a bad input file, a missing
        // template, a non-ZIP artifact, a permission error in the source stage. CodePipeline emits a FAILED pipeline
        // execution event for each of those; the event carries no reason, so the message says where to read it.
        // Event shape: https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
        const failed = new aws.cloudwatch.EventRule(
            `${name}-failed`,
            {
                description: "An execution of the safe deploy pipeline failed",
                eventPattern: pulumi.jsonStringify(pipelineFailedPattern(pipeline.name)),
            },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(
            `${name}-failed`,
            {
                rule: failed.name,
                arn: alerts.topicArn,
                inputTransformer: pipelineFailedMessage(),
                retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 },
            },
            { parent: this },
        );

        functionAlarm(
            `${name}-trigger-errors`,
            {
                functionName: trigger.functionName,
                metric: "Errors",
                description: "The pipeline trigger could not report a job result to CodePipeline (the action may hang until it times out)",
                topicArn: alerts.topicArn,
            },
            { parent: this },
        );
        topicAlarm(
            `${name}-workflow-timeouts`,
            {
                description: `A deploy workflow ran longer than ${workflowTimeoutSeconds} seconds and was stopped without cleanup`,
                namespace: "AWS/States",
                metricName: "ExecutionsTimedOut",
                dimensions: { StateMachineArn: stateMachine.arn },
                statistic: "Sum",
                comparison: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                topicArn: alerts.topicArn,
            },
            { parent: this },
        );
    }

    /** A versioned, encrypted bucket that blocks public access and refuses plain-HTTP requests. */
    private privateBucket(name: string): [aws.s3.Bucket, aws.s3.BucketVersioning] {
        const { bucket, versioning } = privateBucket(name, { versioning: true, forceDestroy: !this.protectStateful }, this, this.stateful());
        return [bucket, versioning!];
    }

    /**
     * The CloudFormation service role for the sample: it may manage SQS queues named with the prefix and nothing else.
     * Built without ServiceRole's aws:SourceAccount trust condition, which CloudFormation does not document for the
     * roles it assumes; iam:PassRole (only ever granted in this account) already limits who can hand it over.
     */
    private sampleDeploymentRole(
        name: string,
        prefix: string,
        partition: pulumi.Output<string>,
        region: pulumi.Output<string>,
        account: pulumi.Output<string>,
    ): { arn: pulumi.Output<string>; resources: pulumi.Resource[] } {
        const role = new aws.iam.Role(
            `${name}-deployer`,
            {
                description: `CloudFormation role of the stacks named ${prefix}* (sample: SQS queues)`,
                assumeRolePolicy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "cloudformation.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-deployer`,
            {
                role: role.name,
                policy: policyDocument([
                    {
                        sid: "ManageSampleQueues",
                        // What CloudFormation's AWS::SQS::Queue handlers call to create, read, update and delete a queue.
                        actions: [
                            "sqs:CreateQueue",
                            "sqs:DeleteQueue",
                            "sqs:GetQueueAttributes",
                            "sqs:SetQueueAttributes",
                            "sqs:GetQueueUrl",
                            "sqs:ListQueueTags",
                            "sqs:TagQueue",
                            "sqs:UntagQueue",
                        ],
                        resources: [pulumi.interpolate`arn:${partition}:sqs:${region}:${account}:${prefix}*`],
                    },
                ]),
            },
            { parent: this },
        );
        // The role's permissions must exist before CloudFormation first assumes it.
        return { arn: pulumi.all([role.arn, policy.id]).apply(([arn]) => arn), resources: [role, policy] };
    }

    /**
     * Deletes the sample stack when this stack is destroyed (or the sample is no longer deployed): the pipeline
     * created it, so Pulumi does not know it. The provider invokes the function again on delete (lifecycle scope
     * CRUD); the invocation depends on the sample deployment role, which CloudFormation deletes the stack with, so the
     * role is deleted only after the stack, and the pipeline depends on the invocation, so it is gone before the
     * cleanup runs. Stacks of your own revisions are yours to delete (the page says how).
     */
    private sampleCleanup(
        name: string,
        stackName: string,
        partition: pulumi.Output<string>,
        region: pulumi.Output<string>,
        account: pulumi.Output<string>,
        deploymentRole: readonly pulumi.Resource[],
    ): aws.lambda.Invocation {
        const poll = { pollSeconds: 10, maxPolls: 85 };
        const cleanup = new HandlerFunction(
            `${name}-sample-cleanup`,
            {
                description: "Deletes the pipeline's sample CloudFormation stack when the Pulumi stack is destroyed",
                statements: [
                    {
                        sid: "DeleteSampleStack",
                        actions: ["cloudformation:DescribeStacks", "cloudformation:DeleteStack"],
                        resources: [pulumi.interpolate`arn:${partition}:cloudformation:${region}:${account}:stack/${stackName}/*`],
                    },
                ],
                timeoutSeconds: 900,
                logRetentionDays: this.logRetentionDays,
                protect: this.protectStateful,
                callback: async (event: unknown) => {
                    // SDK v3 ships with the Lambda runtime; required here so it is neither serialized nor bundled.
                    const { CloudFormation } = require("@aws-sdk/client-cloudformation");
                    return cleanUpSampleStack(event, poll, {
                        cloudformation: new CloudFormation({}),
                        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
                        log: (message, data) => console.log(JSON.stringify({ message, ...data })),
                    });
                },
            },
            { parent: this },
        );
        return new aws.lambda.Invocation(
            `${name}-sample-cleanup`,
            { functionName: cleanup.functionName, input: JSON.stringify({ stackName }), lifecycleScope: "CRUD" },
            { parent: this, dependsOn: [cleanup, ...deploymentRole] },
        );
    }
}

// The functions' handlers, defined once here so that each is serialized once per program (see HandlerFunction's
// callback); their configuration comes from the function's environment.
const inspectionHandler = async (event: unknown) => {
    // SDK v3 ships with the Lambda runtime; required here so it is neither serialized nor bundled.
    const { CloudFormation } = require("@aws-sdk/client-cloudformation");
    return inspectChangeSet(event, inspectionConfig(process.env), {
        cloudformation: new CloudFormation({}),
        log: (message, data) => console.log(JSON.stringify({ message, ...data })),
    });
};

const pipelineJobHandler = async (event: unknown) => {
    // SDK v3 ships with the Lambda runtime; required here so it is neither serialized nor bundled.
    const { CodePipeline } = require("@aws-sdk/client-codepipeline");
    const { SFN } = require("@aws-sdk/client-sfn");
    const { S3 } = require("@aws-sdk/client-s3");
    const result = await handlePipelineJob(event, triggerConfig(process.env), {
        codepipeline: new CodePipeline({}),
        sfn: new SFN({}),
        s3: new S3({}),
        log: (message, data) => console.log(JSON.stringify({ message, ...data })),
    });
    console.log(JSON.stringify(result));
    return result;
};

// The scenario: `aws-blueprints:safeDeployPipeline` builds this component from its settings; its outputs are the stack output of the
// same name. The registry (scenarios/index.ts) is generated from these entries.
export const safeDeployPipeline = defineScenario({
    key: "safeDeployPipeline",
    readme: { number: 10, title: "Safe stack-update pipeline (CodePipeline + Step Functions)" },
    declaration: safeDeployPipelineSettings,
    build: (settings, shared, all) => {
        const pipeline = new SafeDeployPipeline("safe-deploy", {
            ...shared,
            ...settings,
            // Environments are lower case, so the capital letter ends the environment: `blueprints-prod-App-` is not the
            // beginning of `blueprints-prod-eu-App-` (CloudFormation stack names and IAM ARN patterns are case-sensitive).
            stackNamePrefix: settings.stackNamePrefix ?? `blueprints-${all.environment}-App-`,
        });
        return pick(pipeline, ["pipelineName", "stateMachineArn", "artifactBucket", "sourceBucket", "sourceObjectKey", "stackNamePrefix", "sampleStackName", "deploymentRoleArn", "triggerFunctionName", "inspectFunctionName", "topicArn"]);
    },
});
