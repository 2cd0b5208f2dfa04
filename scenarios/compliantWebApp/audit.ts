// Audit: a multi-region CloudTrail trail with log-file validation into an encrypted, versioned, access-logged
// bucket and to CloudWatch Logs, the seven CIS/CJIS metric-filter alarms, and AWS Config with its managed rules.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, ServiceRole, Statement } from "../../components/iam";
import { topicAlarm } from "../../components/notifications";
import { PrivateBucketParts, privateBucketWithoutPolicy, tlsOnlyPolicy } from "../../components/storage";

/** A CloudTrail metric filter and the alarm on its metric. */
export interface SecurityMetric {
    /** Metric name, also the suffix of the filter's and alarm's logical names (kebab-case). */
    readonly id: string;
    readonly metricName: string;
    readonly description: string;
    /** CloudWatch Logs filter pattern over CloudTrail records. */
    readonly pattern: string;
    /** Events in five minutes that raise the alarm. */
    readonly threshold: number;
}

/**
 * The seven alarms of the CJIS Quick Start, with the CIS AWS Foundations Benchmark patterns (CloudWatch.1-14 in
 * Security Hub). Unauthorized calls alarm at 5 in five minutes (consoles probe optional permissions); every other
 * change alarms on the first event.
 */
export function securityMetrics(): SecurityMetric[] {
    const anyOf = (names: string[]) => `{ ${names.map((n) => `($.eventName = ${n})`).join(" || ")} }`;
    return [
        {
            id: "iam-policy-changes",
            metricName: "IamPolicyChanges",
            description: "An IAM policy was created, changed, attached or detached",
            pattern: anyOf([
                "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
                "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy", "DetachRolePolicy",
                "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy",
            ]),
            threshold: 1,
        },
        {
            id: "network-acl-changes",
            metricName: "NetworkAclChanges",
            description: "A network ACL or one of its entries was created, changed or deleted",
            pattern: anyOf(["CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"]),
            threshold: 1,
        },
        {
            id: "security-group-changes",
            metricName: "SecurityGroupChanges",
            description: "A security group or one of its rules was created, changed or deleted",
            pattern: anyOf([
                "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
                "CreateSecurityGroup", "DeleteSecurityGroup",
            ]),
            threshold: 1,
        },
        {
            id: "root-activity",
            metricName: "RootAccountUsage",
            description: "The account's root user made a call",
            pattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
            threshold: 1,
        },
        {
            id: "unauthorized-api-calls",
            metricName: "UnauthorizedApiCalls",
            description: "At least 5 API calls were refused (UnauthorizedOperation or AccessDenied) within five minutes",
            pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
            threshold: 5,
        },
        {
            id: "new-access-keys",
            metricName: "NewAccessKeys",
            description: "An IAM access key was created",
            pattern: "{ ($.eventName = CreateAccessKey) }",
            threshold: 1,
        },
        {
            id: "cloudtrail-changes",
            metricName: "CloudTrailChanges",
            description: "A trail was created, updated or deleted, or its logging started or stopped",
            pattern: anyOf(["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"]),
            threshold: 1,
        },
    ];
}

export interface AuditTrailArgs {
    /** Trail name (fixed, so the key and bucket policies can name the trail before it exists). */
    readonly trailName: string;
    readonly trailArn: pulumi.Input<string>;
    /** KMS key for the trail's files, the audit bucket and the trail's log group. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Topic the alarms notify. */
    readonly alarmTopicArn: pulumi.Input<string>;
    /** Days files stay in the audit bucket (and server access logs in theirs). */
    readonly retentionDays: number;
    /** Retention of the trail's log group. */
    readonly logRetentionDays: number;
    readonly protect: boolean;
}

/** Key prefix of AWS Config's deliveries in the audit bucket. */
export const CONFIG_PREFIX = "config";
/** Key prefix of CloudTrail's deliveries in the audit bucket. */
export const TRAIL_PREFIX = "cloudtrail";

/**
 * The audit bucket (versioned, KMS-encrypted, server access logs to a second bucket), a multi-region trail with
 * log-file validation writing to it and to an encrypted log group, and the seven metric filters with alarms.
 */
export class AuditTrail extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly trail: aws.cloudtrail.Trail;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly trailArn: pulumi.Output<string>;
    readonly bucketName: pulumi.Output<string>;

    constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:cjis:AuditTrail", name, {}, opts);
        const keep: pulumi.CustomResourceOptions = { parent: this, protect: args.protect, retainOnDelete: args.protect || undefined };
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const account = identity.accountId;

        const { accessLogParts, auditParts } = this.buckets(name, args, keep);
        const bucketPolicy = this.bucketAccess(name, args, { accessLogParts, auditParts, account });
        const { logGroup, deliveryRole, deliveryPolicy } = this.logDelivery(name, args, account, keep);
        const trail = this.multiRegionTrail(name, args, { bucket: auditParts.bucket, logGroup, deliveryRole, dependsOn: [bucketPolicy, deliveryPolicy] });
        this.securityAlarms(name, args, logGroup);

        this.bucket = auditParts.bucket;
        this.logGroup = logGroup;
        this.trail = trail;
        this.trailArn = this.trail.arn;
        this.bucketName = this.bucket.bucket;
        this.registerOutputs({ trailArn: this.trailArn, bucketName: this.bucketName, logGroupName: this.logGroup.name });
    }

    /** The audit bucket and the bucket of its server access logs, each expiring its files after the retention. */
    private buckets(name: string, args: AuditTrailArgs, keep: pulumi.CustomResourceOptions): { accessLogParts: PrivateBucketParts; auditParts: PrivateBucketParts } {
        // S3 server access logs can only be delivered to SSE-S3 buckets, the building block's default.
        const accessLogParts = privateBucketWithoutPolicy(`${name}-access-logs`, { forceDestroy: !args.protect }, this, keep);
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-access-logs`,
            { bucket: accessLogParts.bucket.id, rules: [{ id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: args.retentionDays } }] },
            { parent: this },
        );

        // No S3 Bucket Key: with one, S3 asks KMS for a bucket-level key under the bucket ARN as `aws:s3:arn` (not the
        // object's) and CloudTrail then also needs kms:Decrypt to create or update the trail
        // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html,
        // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html).
        // Without one each log file's data key is generated with the documented context, the trail's ARN as
        // `aws:cloudtrail:arn` and the object's as `aws:s3:arn`, which the key policy's CloudTrail statement requires
        // (https://docs.aws.amazon.com/kms/latest/developerguide/services-cloudtrail.html); CloudTrail's own
        // deliveries are not charged KMS requests, so the bucket key saved little.
        const auditParts = privateBucketWithoutPolicy(
            `${name}-bucket`,
            {
                forceDestroy: !args.protect,
                versioning: true,
                encryption: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: false },
            },
            this,
            keep,
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-bucket`,
            {
                bucket: auditParts.bucket.id,
                rules: [
                    {
                        id: "expire-audit-files",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: args.retentionDays },
                        noncurrentVersionExpiration: { noncurrentDays: args.retentionDays },
                    },
                ],
            },
            { parent: this },
        );
        return { accessLogParts, auditParts };
    }

    /**
     * Who may write to the buckets: S3 logging the audit bucket's requests to the access log bucket, CloudTrail and
     * AWS Config to the audit bucket, each under its own prefix. Returns the audit bucket's policy, which the trail waits for.
     */
    private bucketAccess(
        name: string,
        args: AuditTrailArgs,
        on: { accessLogParts: PrivateBucketParts; auditParts: PrivateBucketParts; account: pulumi.Output<string> },
    ): aws.s3.BucketPolicy {
        const { accessLogParts, auditParts, account } = on;
        const accessLogs = accessLogParts.bucket;
        const bucket = auditParts.bucket;
        const accessLogPrefix = "audit-bucket/";
        tlsOnlyPolicy(accessLogParts, [
            {
                Sid: "S3ServerAccessLogs",
                Effect: "Allow",
                Principal: { Service: "logging.s3.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: pulumi.interpolate`${accessLogs.arn}/${accessLogPrefix}*`,
                Condition: { ArnLike: { "aws:SourceArn": bucket.arn }, StringEquals: { "aws:SourceAccount": account } },
            },
        ]);
        new aws.s3.BucketLogging(
            `${name}-bucket`,
            { bucket: bucket.id, targetBucket: accessLogs.id, targetPrefix: accessLogPrefix },
            { parent: this },
        );
        return tlsOnlyPolicy(auditParts, [
            {
                Sid: "CloudTrailAclCheck",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "s3:GetBucketAcl",
                Resource: bucket.arn,
                Condition: { StringEquals: { "aws:SourceArn": args.trailArn } },
            },
            {
                Sid: "CloudTrailWrite",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: pulumi.interpolate`${bucket.arn}/${TRAIL_PREFIX}/AWSLogs/${account}/*`,
                Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": args.trailArn } },
            },
            {
                Sid: "ConfigAclCheck",
                Effect: "Allow",
                Principal: { Service: "config.amazonaws.com" },
                Action: ["s3:GetBucketAcl", "s3:ListBucket"],
                Resource: bucket.arn,
                Condition: { StringEquals: { "aws:SourceAccount": account } },
            },
            {
                Sid: "ConfigWrite",
                Effect: "Allow",
                Principal: { Service: "config.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: pulumi.interpolate`${bucket.arn}/${CONFIG_PREFIX}/AWSLogs/${account}/Config/*`,
                Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": account } },
            },
        ]);
    }

    /** The trail's encrypted log group and the role CloudTrail delivers to it with, allowed only the trail's own streams. */
    private logDelivery(
        name: string,
        args: AuditTrailArgs,
        account: pulumi.Output<string>,
        keep: pulumi.CustomResourceOptions,
    ): { logGroup: aws.cloudwatch.LogGroup; deliveryRole: aws.iam.Role; deliveryPolicy: aws.iam.RolePolicy } {
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: args.logRetentionDays, kmsKeyId: args.kmsKeyArn }, keep);
        // CloudTrail names its streams <account>_CloudTrail_<region>, one per region of a multi-region trail.
        const deliveryStatements: Statement[] = [
            {
                sid: "TrailLogStreams",
                actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
                resources: [pulumi.interpolate`${logGroup.arn}:log-stream:${account}_CloudTrail_*`],
            },
        ];
        const deliveryRole = new aws.iam.Role(
            `${name}-delivery`,
            {
                description: "CloudTrail delivers the trail's events to its log group",
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
            },
            { parent: this },
        );
        const deliveryPolicy = new aws.iam.RolePolicy(
            `${name}-delivery`,
            { role: deliveryRole.name, policy: policyDocument(deliveryStatements) },
            { parent: this },
        );
        return { logGroup, deliveryRole, deliveryPolicy };
    }

    /** The multi-region trail with log-file validation, into the audit bucket and the log group. */
    private multiRegionTrail(
        name: string,
        args: AuditTrailArgs,
        on: { bucket: aws.s3.Bucket; logGroup: aws.cloudwatch.LogGroup; deliveryRole: aws.iam.Role; dependsOn: pulumi.Resource[] },
    ): aws.cloudtrail.Trail {
        const { bucket, logGroup, deliveryRole, dependsOn } = on;
        return new aws.cloudtrail.Trail(
            `${name}`,
            {
                name: args.trailName,
                s3BucketName: bucket.id,
                s3KeyPrefix: TRAIL_PREFIX,
                kmsKeyId: args.kmsKeyArn,
                isMultiRegionTrail: true,
                includeGlobalServiceEvents: true,
                enableLogFileValidation: true,
                enableLogging: true,
                cloudWatchLogsGroupArn: pulumi.interpolate`${logGroup.arn}:*`,
                cloudWatchLogsRoleArn: deliveryRole.arn,
            },
            // CloudTrail checks its bucket and log delivery when the trail is created.
            { parent: this, dependsOn },
        );
    }

    /** The seven CIS/CJIS metric filters on the trail's log group, each with its alarm to the topic. */
    private securityAlarms(name: string, args: AuditTrailArgs, logGroup: aws.cloudwatch.LogGroup): void {
        for (const m of securityMetrics()) {
            const namespace = `aws-blueprints/${args.trailName}`;
            new aws.cloudwatch.LogMetricFilter(
                `${name}-${m.id}`,
                {
                    logGroupName: logGroup.name,
                    pattern: m.pattern,
                    metricTransformation: { name: m.metricName, namespace, value: "1", defaultValue: "0" },
                },
                { parent: this },
            );
            topicAlarm(
                `${name}-${m.id}`,
                {
                    description: m.description,
                    namespace,
                    metricName: m.metricName,
                    dimensions: {},
                    statistic: "Sum",
                    comparison: "GreaterThanOrEqualToThreshold",
                    threshold: m.threshold,
                    periodSeconds: 300,
                    topicArn: args.alarmTopicArn,
                },
                { parent: this },
            );
        }
    }
}

export interface ConfigRulesArgs {
    /**
     * Create the recorder, delivery channel and their role. When false the rules rely on the recorder the account
     * already runs in the region (Control Tower, Security Hub, another stack): AWS refuses a rule while no recorder
     * exists (PutConfigRule: NoAvailableConfigurationRecorderException).
     */
    readonly createRecorder: boolean;
    /** Bucket the delivery channel writes to (under CONFIG_PREFIX). */
    readonly bucket: aws.s3.Bucket;
    /** KMS key the deliveries are encrypted with. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Tag keys every supported resource must carry (at most 6). */
    readonly requiredTagKeys: readonly string[];
    /** The tag every resource of this environment carries: the required-tags rule evaluates only resources with it. */
    readonly scopeTag: { readonly key: string; readonly value: string };
}

/**
 * AWS Config recording every supported resource type, delivering daily snapshots to the audit bucket, and the
 * managed rules of the original: no SSH from anywhere (restricted-ssh), required tags, and no unrestricted
 * access to common ports including RDP 3389 (restricted-common-ports).
 */
export class ConfigRules extends pulumi.ComponentResource {
    readonly rules: aws.cfg.Rule[];
    readonly recorderName?: pulumi.Output<string>;

    constructor(name: string, args: ConfigRulesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:cjis:ConfigRules", name, {}, opts);
        if (args.requiredTagKeys.length === 0 || args.requiredTagKeys.length > 6) {
            throw new Error(`${name}: requiredTagKeys must name 1-6 tag keys (the REQUIRED_TAGS rule checks up to 6); got ${args.requiredTagKeys.length}`);
        }
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        let ready: pulumi.Resource[] = [];
        if (args.createRecorder) {
            const recorder = this.recorder(name, args, identity.accountId, partition);
            this.recorderName = recorder.recorderName;
            ready = [recorder.status];
        }
        this.rules = this.managedRules(name, args, ready);
        this.registerOutputs({ recorderName: this.recorderName, ruleNames: this.rules.map((r) => r.name) });
    }

    /** The recorder, its role and delivery channel, and its status: the rules wait for recording to have started. */
    private recorder(
        name: string,
        args: ConfigRulesArgs,
        accountId: pulumi.Output<string>,
        partition: pulumi.Output<string>,
    ): { recorderName: pulumi.Output<string>; status: aws.cfg.RecorderStatus } {
        const role = new ServiceRole(
            `${name}-recorder`,
            {
                service: "config.amazonaws.com",
                description: "AWS Config records resource configurations and delivers them to the audit bucket",
                statements: [
                    { sid: "CheckBucket", actions: ["s3:GetBucketAcl"], resources: [args.bucket.arn] },
                    {
                        sid: "DeliverSnapshots",
                        actions: ["s3:PutObject", "s3:PutObjectAcl"],
                        resources: [pulumi.interpolate`${args.bucket.arn}/${CONFIG_PREFIX}/AWSLogs/${accountId}/*`],
                        conditions: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
                    },
                    { sid: "EncryptSnapshots", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [args.kmsKeyArn] },
                ],
            },
            { parent: this },
        );
        // The AWS-managed read-only policy for recording (Describe/List/Get across services); not a FullAccess policy.
        const readConfiguration = new aws.iam.RolePolicyAttachment(
            `${name}-recorder-read`,
            { role: role.role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AWS_ConfigRole` },
            { parent: this },
        );
        const recorder = new aws.cfg.Recorder(
            `${name}-recorder`,
            { roleArn: role.arn, recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } },
            { parent: this, dependsOn: [readConfiguration, role.policy] },
        );
        const channel = new aws.cfg.DeliveryChannel(
            `${name}-delivery`,
            {
                s3BucketName: args.bucket.bucket,
                s3KeyPrefix: CONFIG_PREFIX,
                s3KmsKeyArn: args.kmsKeyArn,
                snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
            },
            { parent: this, dependsOn: [recorder] },
        );
        const status = new aws.cfg.RecorderStatus(`${name}-recording`, { name: recorder.name, isEnabled: true }, { parent: this, dependsOn: [channel] });
        return { recorderName: recorder.name, status };
    }

    /** The three managed rules: restricted SSH, required tags on this environment's resources, restricted common ports. */
    private managedRules(name: string, args: ConfigRulesArgs, ready: pulumi.Resource[]): aws.cfg.Rule[] {
        const rule = (id: string, identifier: string, description: string, scope: aws.types.input.cfg.RuleScope, parameters?: Record<string, string>) =>
            new aws.cfg.Rule(
                `${name}-${id}`,
                {
                    description,
                    source: { owner: "AWS", sourceIdentifier: identifier },
                    scope,
                    inputParameters: parameters ? JSON.stringify(parameters) : undefined,
                },
                { parent: this, dependsOn: ready },
            );
        const securityGroups = { complianceResourceTypes: ["AWS::EC2::SecurityGroup"] };
        // A rule's scope is resource types or a tag key and value
        // (https://docs.aws.amazon.com/config/latest/APIReference/API_Scope.html): scoped by this environment's tag,
        // required-tags checks every resource of the environment, of each type it supports
        // (https://docs.aws.amazon.com/config/latest/developerguide/required-tags.html), and nothing else in the account.
        const environment = { tagKey: args.scopeTag.key, tagValue: args.scopeTag.value };
        const tagParameters = Object.fromEntries(args.requiredTagKeys.map((k, i) => [`tag${i + 1}Key`, k]));
        return [
            rule("restricted-ssh", "INCOMING_SSH_DISABLED", "Security groups in use admit no SSH (22) from 0.0.0.0/0 or ::/0", securityGroups),
            rule(
                "required-tags",
                "REQUIRED_TAGS",
                `Resources tagged ${args.scopeTag.key}=${args.scopeTag.value} carry the tags ${args.requiredTagKeys.join(", ")}`,
                environment,
                tagParameters,
            ),
            rule(
                "restricted-common-ports",
                "RESTRICTED_INCOMING_TRAFFIC",
                "Security groups in use admit no unrestricted TCP to FTP (20, 21), RDP (3389), MySQL (3306) or 4333",
                securityGroups,
                { blockedPort1: "20", blockedPort2: "21", blockedPort3: "3389", blockedPort4: "3306", blockedPort5: "4333" },
            ),
        ];
    }
}
