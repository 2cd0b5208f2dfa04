// Encrypted SNS topics that AWS services (alarms, rules, budgets) can publish to.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountAdministersKey, Statement } from "./iam";

const EVENTS = "events.amazonaws.com";

/**
 * Services whose KMS request (made by SNS while they publish) carries aws:SourceAccount. EventBridge documents that
 * aws:SourceArn, aws:SourceAccount and aws:SourceOrgID are not supported in a key policy for its delivery
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-no-messages-published-sns);
 * the key statement SNS gives for other service sources carries no condition
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 */
const KEY_SOURCE_ACCOUNT_SERVICES = new Set(["cloudwatch.amazonaws.com"]);

export interface EncryptedTopicArgs {
    /** Human-readable name shown in email notifications. */
    readonly displayName: string;
    /**
     * Service principals allowed to publish (each limited to this account).
     * CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key, hence the own key.
     * @default ["cloudwatch.amazonaws.com"]
     */
    readonly publishingServices?: readonly string[];
    /** Email address subscribed to the topic. @default none */
    readonly email?: string;
    /** Protect the key from deletion. @default false */
    readonly protect?: boolean;
}

/** The publishing services, checked to be service principals. */
function publishingServices(name: string, args: EncryptedTopicArgs): string[] {
    const services = [...(args.publishingServices ?? ["cloudwatch.amazonaws.com"])];
    for (const s of services) {
        if (!/^[a-z0-9.-]+\.amazonaws\.com$/.test(s)) {
            throw new Error(`${name}: publishingServices entry "${s}" must be a service principal like events.amazonaws.com`);
        }
    }
    return services;
}

/** The account, partition and region the topic's policies name. */
interface TopicAccount {
    readonly accountId: pulumi.Output<string>;
    readonly partition: pulumi.Output<string>;
    readonly region: pulumi.Output<string>;
    /** The account's root principal, `arn:<partition>:iam::<account>:root`. */
    readonly root: pulumi.Output<string>;
}

/** An SNS topic encrypted with its own rotating KMS key, whose key and topic policies admit the given services. */
export class EncryptedTopic extends pulumi.ComponentResource {
    readonly key: aws.kms.Key;
    readonly topic: aws.sns.Topic;
    readonly topicArn: pulumi.Output<string>;
    readonly keyArn: pulumi.Output<string>;

    constructor(name: string, args: EncryptedTopicArgs, opts?: pulumi.ComponentResourceOptions) {
        const services = publishingServices(name, args);
        super("aws-blueprints:shared:EncryptedTopic", name, {}, opts);
        const account = this.account();

        this.key = this.topicKey(name, args, services, account);
        this.topic = new aws.sns.Topic(
            `${name}`,
            { displayName: args.displayName, kmsMasterKeyId: this.key.arn },
            { parent: this },
        );
        this.topicPolicy(name, services, account);
        if (args.email) {
            new aws.sns.TopicSubscription(
                `${name}-email`,
                { topic: this.topic.arn, protocol: "email", endpoint: args.email },
                { parent: this },
            );
        }
        this.topicArn = this.topic.arn;
        this.keyArn = this.key.arn;
        this.registerOutputs({ topicArn: this.topicArn, keyArn: this.keyArn });
    }

    /** The deploying account, partition and region. */
    private account(): TopicAccount {
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this });
        const region = aws.getRegionOutput({}, { parent: this });
        const root = pulumi.interpolate`arn:${partition.partition}:iam::${identity.accountId}:root`;
        return { accountId: identity.accountId, partition: partition.partition, region: region.region, root };
    }

    /** The topic's rotating key: administered by the account, used by the publishing services to encrypt. */
    private topicKey(name: string, args: EncryptedTopicArgs, services: readonly string[], account: TopicAccount): aws.kms.Key {
        const keyScoped = services.filter((s) => KEY_SOURCE_ACCOUNT_SERVICES.has(s));
        const keyUnscoped = services.filter((s) => !KEY_SOURCE_ACCOUNT_SERVICES.has(s));
        return new aws.kms.Key(
            `${name}-key`,
            {
                description: `Encrypts the ${args.displayName} topic`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        accountAdministersKey(account.root),
                        ...(keyScoped.length > 0
                            ? [
                                  {
                                      Sid: "PublishingServicesEncrypt",
                                      Effect: "Allow",
                                      Principal: { Service: keyScoped },
                                      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                                      Resource: "*",
                                      Condition: { StringEquals: { "aws:SourceAccount": account.accountId } },
                                  },
                              ]
                            : []),
                        ...(keyUnscoped.length > 0
                            ? [
                                  {
                                      // These services send no aws:Source* key when SNS uses the key for them: a
                                      // condition would drop every notification. The topic policy scopes them.
                                      Sid: "PublishingServicesEncryptUnscoped",
                                      Effect: "Allow",
                                      Principal: { Service: keyUnscoped },
                                      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                                      Resource: "*",
                                  },
                              ]
                            : []),
                    ],
                }),
            },
            { parent: this, protect: args.protect, retainOnDelete: args.protect || undefined },
        );
    }

    /** The topic's policy: the account manages it, the services publish from this account only, and only over TLS. */
    private topicPolicy(name: string, services: readonly string[], account: TopicAccount): void {
        const accountScoped = services.filter((s) => s !== EVENTS);
        new aws.sns.TopicPolicy(
            `${name}-policy`,
            {
                arn: this.topic.arn,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "AccountManagesTopic",
                            Effect: "Allow",
                            Principal: { AWS: account.root },
                            Action: [
                                "sns:GetTopicAttributes",
                                "sns:SetTopicAttributes",
                                "sns:Subscribe",
                                "sns:ListSubscriptionsByTopic",
                                "sns:Publish",
                            ],
                            Resource: this.topic.arn,
                        },
                        ...(accountScoped.length > 0
                            ? [
                                  {
                                      Sid: "ServicesPublish",
                                      Effect: "Allow",
                                      Principal: { Service: accountScoped },
                                      Action: "sns:Publish",
                                      Resource: this.topic.arn,
                                      Condition: { StringEquals: { "aws:SourceAccount": account.accountId } },
                                  },
                              ]
                            : []),
                        ...(services.includes(EVENTS)
                            ? [
                                  {
                                      // EventBridge sends the rule's ARN, not aws:SourceAccount.
                                      Sid: "RulesPublish",
                                      Effect: "Allow",
                                      Principal: { Service: EVENTS },
                                      Action: "sns:Publish",
                                      Resource: this.topic.arn,
                                      Condition: { ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${account.partition}:events:${account.region}:${account.accountId}:rule/*` } },
                                  },
                              ]
                            : []),
                        {
                            Sid: "DenyInsecureTransport",
                            Effect: "Deny",
                            Principal: "*",
                            Action: "sns:Publish",
                            Resource: this.topic.arn,
                            Condition: { Bool: { "aws:SecureTransport": "false" } },
                        },
                    ],
                }),
            },
            { parent: this },
        );
    }

    /** What a function needs to publish to this topic. */
    publishStatements(): Statement[] {
        return [
            { sid: "PublishToTopic", actions: ["sns:Publish"], resources: [this.topic.arn] },
            { sid: "EncryptForTopic", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [this.key.arn] },
        ];
    }
}

export interface TopicAlarmArgs {
    /** What the alarm means for the person paged. */
    readonly description: string;
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Readonly<Record<string, pulumi.Input<string>>>;
    readonly statistic: "Sum" | "Average" | "Maximum" | "Minimum" | "SampleCount";
    readonly comparison:
        | "GreaterThanThreshold"
        | "GreaterThanOrEqualToThreshold"
        | "LessThanThreshold"
        | "LessThanOrEqualToThreshold";
    readonly threshold: number;
    /** Topic notified on ALARM (and OK, when `notifyOnOk`). */
    readonly topicArn: pulumi.Input<string>;
    /** @default 300 */
    readonly periodSeconds?: number;
    /** @default 1 */
    readonly evaluationPeriods?: number;
    /** @default evaluationPeriods */
    readonly datapointsToAlarm?: number;
    /** @default "notBreaching" (no data means nothing went wrong) */
    readonly treatMissingData?: "notBreaching" | "breaching" | "ignore" | "missing";
    /** Also notify when the alarm returns to OK. @default false */
    readonly notifyOnOk?: boolean;
}

/** A CloudWatch metric alarm that notifies a topic. */
export function topicAlarm(name: string, args: TopicAlarmArgs, opts?: pulumi.CustomResourceOptions): aws.cloudwatch.MetricAlarm {
    return new aws.cloudwatch.MetricAlarm(
        name,
        {
            alarmDescription: args.description,
            namespace: args.namespace,
            metricName: args.metricName,
            dimensions: { ...args.dimensions },
            statistic: args.statistic,
            period: args.periodSeconds ?? 300,
            evaluationPeriods: args.evaluationPeriods ?? 1,
            datapointsToAlarm: args.datapointsToAlarm,
            threshold: args.threshold,
            comparisonOperator: args.comparison,
            treatMissingData: args.treatMissingData ?? "notBreaching",
            alarmActions: [args.topicArn],
            okActions: args.notifyOnOk ? [args.topicArn] : undefined,
        },
        opts,
    );
}

/**
 * An alarm on a Lambda function's `Errors` or `Throttles`: any failed or throttled invocation in the period notifies
 * the topic (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
 */
export function functionAlarm(
    name: string,
    args: {
        readonly functionName: pulumi.Input<string>;
        readonly metric: "Errors" | "Throttles";
        readonly description: string;
        readonly topicArn: pulumi.Input<string>;
        /** @default 300 */
        readonly periodSeconds?: number;
    },
    opts?: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm {
    return topicAlarm(
        name,
        {
            description: args.description,
            namespace: "AWS/Lambda",
            metricName: args.metric,
            dimensions: { FunctionName: args.functionName },
            statistic: "Sum",
            comparison: "GreaterThanOrEqualToThreshold",
            threshold: 1,
            periodSeconds: args.periodSeconds,
            topicArn: args.topicArn,
        },
        opts,
    );
}

/**
 * An alarm on a failure (dead-letter) queue: a message waiting there is work given up on, so the topic hears when one
 * arrives and again when the queue is empty.
 */
export function failureQueueAlarm(
    name: string,
    args: { readonly queueName: pulumi.Input<string>; readonly description: string; readonly topicArn: pulumi.Input<string> },
    opts?: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm {
    return topicAlarm(
        name,
        {
            description: args.description,
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: args.queueName },
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: 0,
            topicArn: args.topicArn,
            notifyOnOk: true,
        },
        opts,
    );
}
