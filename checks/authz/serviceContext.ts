// What an AWS service puts into the request context when it acts on one of our resources: the one table the
// authorization simulation takes its context keys from. One row per service and target; each row cites the AWS page
// that documents it. A key a row does not list is not sent, so a policy condition on it denies the request.

/** Which of our resources the service calls: the resource policy (or key policy, or trust policy) it is judged by. */
export type Target = "sns" | "sqs" | "s3" | "lambda" | "kms-via-sns" | "kms" | "sts";

/** The context keys a service sends. `sourceArn` is the ARN of the resource acting (rule, alarm, trail, ...). */
export type SentKey = "aws:SourceArn" | "aws:SourceAccount";

export interface ContextRow {
    readonly service: string;
    readonly target: Target;
    readonly sends: readonly SentKey[];
    /** The AWS documentation page this row comes from. */
    readonly doc: string;
    /** What the page says, where it is not a plain example policy. */
    readonly note?: string;
}

export const SERVICE_CONTEXT: readonly ContextRow[] = [
    // EventBridge rules.
    {
        service: "events.amazonaws.com",
        target: "sns",
        sends: ["aws:SourceArn"],
        doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions",
        note: "topic policies for rules are scoped by the rule ARN; the page's examples never use aws:SourceAccount",
    },
    {
        service: "events.amazonaws.com",
        target: "kms-via-sns",
        sends: [],
        doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-no-messages-published-sns",
        note: "aws:SourceArn, aws:SourceAccount and aws:SourceOrgID are not supported in a key policy for EventBridge delivery to an encrypted topic",
    },
    {
        service: "events.amazonaws.com",
        target: "sqs",
        sends: ["aws:SourceArn"],
        doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions",
    },
    {
        service: "events.amazonaws.com",
        target: "lambda",
        sends: ["aws:SourceArn"],
        doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-lambda-permissions",
    },
    {
        service: "events.amazonaws.com",
        target: "sts",
        sends: ["aws:SourceArn", "aws:SourceAccount"],
        doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html",
        note: "the rule's role is assumed with aws:SourceArn of the rule and aws:SourceAccount",
    },
    // CloudWatch alarms.
    {
        service: "cloudwatch.amazonaws.com",
        target: "sns",
        sends: ["aws:SourceArn", "aws:SourceAccount"],
        doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html",
        note: "confused-deputy example: aws:SourceArn of the alarm and aws:SourceAccount",
    },
    {
        service: "cloudwatch.amazonaws.com",
        target: "kms-via-sns",
        sends: ["aws:SourceArn", "aws:SourceAccount"],
        doc: "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
    },
    // AWS Budgets.
    {
        service: "budgets.amazonaws.com",
        target: "sns",
        sends: ["aws:SourceArn", "aws:SourceAccount"],
        doc: "https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html",
    },
    {
        service: "budgets.amazonaws.com",
        target: "kms-via-sns",
        sends: [],
        doc: "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
        note: "the key policy statement AWS gives for service event sources carries no condition",
    },
    // Amazon SES event destinations.
    {
        service: "ses.amazonaws.com",
        target: "sns",
        sends: ["aws:SourceArn", "aws:SourceAccount"],
        doc: "https://docs.aws.amazon.com/ses/latest/dg/event-publishing-add-event-destination-sns.html",
        note: "aws:SourceArn is the configuration set's ARN",
    },
    {
        service: "ses.amazonaws.com",
        target: "kms-via-sns",
        sends: [],
        doc: "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
        note: "the key policy statement AWS gives for service event sources carries no condition",
    },
    // SNS delivering to subscribers.
    {
        service: "sns.amazonaws.com",
        target: "lambda",
        sends: ["aws:SourceArn"],
        doc: "https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html",
    },
    {
        service: "sns.amazonaws.com",
        target: "sqs",
        sends: ["aws:SourceArn"],
        doc: "https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html",
    },
    // CloudTrail.
    {
        service: "cloudtrail.amazonaws.com",
        target: "s3",
        sends: ["aws:SourceArn", "aws:SourceAccount"],
        doc: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html",
    },
    {
        service: "cloudtrail.amazonaws.com",
        target: "kms",
        sends: ["aws:SourceArn", "aws:SourceAccount"],
        doc: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
        note: "also kms:EncryptionContext:aws:cloudtrail:arn = the trail ARN",
    },
    {
        service: "cloudtrail.amazonaws.com",
        target: "sts",
        sends: [],
        doc: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html",
        note: "the page's trust policy for the CloudWatch Logs role carries no condition",
    },
    // VPC flow logs.
    {
        service: "vpc-flow-logs.amazonaws.com",
        target: "sts",
        sends: ["aws:SourceArn", "aws:SourceAccount"],
        doc: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
    },
    // CloudWatch Logs encrypting a log group.
    {
        service: "logs.{region}.amazonaws.com",
        target: "kms",
        sends: [],
        doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
        note: "judged by kms:EncryptionContext:aws:logs:arn = the log group ARN",
    },
    // Elastic Load Balancing access logs.
    {
        service: "logdelivery.elasticloadbalancing.amazonaws.com",
        target: "s3",
        sends: [],
        doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
        note: "the service-principal policy is AWS's recommendation in every Region (the per-Region ELB account policy is legacy); it carries no condition",
    },
    // S3 server access logging.
    {
        service: "logging.s3.amazonaws.com",
        target: "s3",
        sends: ["aws:SourceArn", "aws:SourceAccount"],
        doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
    },
    // AWS Config.
    {
        service: "config.amazonaws.com",
        target: "s3",
        sends: ["aws:SourceAccount"],
        doc: "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html",
    },
    {
        service: "config.amazonaws.com",
        target: "sts",
        sends: ["aws:SourceAccount"],
        doc: "https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html",
    },
    // CloudFront origin access control.
    {
        service: "cloudfront.amazonaws.com",
        target: "s3",
        sends: ["aws:SourceArn", "aws:SourceAccount"],
        doc: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html",
    },
    {
        service: "cloudfront.amazonaws.com",
        target: "lambda",
        sends: ["aws:SourceArn"],
        doc: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-lambda.html",
    },
    // API Gateway integrations.
    {
        service: "apigateway.amazonaws.com",
        target: "lambda",
        sends: ["aws:SourceArn"],
        doc: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-integration-permissions.html",
        note: "aws:SourceArn is arn:aws:execute-api:region:account:api-id/stage/METHOD/path",
    },
    // Roles services assume.
    {
        service: "states.amazonaws.com",
        target: "sts",
        sends: ["aws:SourceArn", "aws:SourceAccount"],
        doc: "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html",
    },
    {
        service: "scheduler.amazonaws.com",
        target: "sts",
        sends: ["aws:SourceArn", "aws:SourceAccount"],
        doc: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role",
    },
    {
        service: "codepipeline.amazonaws.com",
        target: "sts",
        sends: [],
        doc: "https://docs.aws.amazon.com/codepipeline/latest/userguide/security-iam.html#how-to-custom-role",
        note: "the page's trust policy carries no condition",
    },
    {
        service: "lambda.amazonaws.com",
        target: "sts",
        sends: [],
        doc: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
        note: "the execution role's trust policy carries no condition",
    },
    {
        service: "ec2.amazonaws.com",
        target: "sts",
        sends: [],
        doc: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html",
    },
];

/** The row for a service and target; throws when the table has none, so a new wire gets its row looked up. */
export function contextRow(service: string, target: Target, region: string): ContextRow {
    const row = SERVICE_CONTEXT.find((r) => r.service.replace("{region}", region) === service && r.target === target);
    if (!row) throw new Error(`no request-context row for ${service} acting on ${target}: look it up and add it to SERVICE_CONTEXT`);
    return row;
}

/** The context keys a service sends, with values for the acting resource. */
export function sentContext(
    service: string,
    target: Target,
    region: string,
    source: { arn?: string; account: string },
): Record<string, string> {
    const row = contextRow(service, target, region);
    const context: Record<string, string> = {};
    for (const key of row.sends) {
        if (key === "aws:SourceAccount") context[key] = source.account;
        else if (source.arn) context[key] = source.arn;
    }
    return context;
}
