// What the diagrams draw of each resource type: the types a person names when explaining a design become nodes, the
// rest (policies, attachments, permissions, tags, plumbing) fold into the node they serve.

/** How a node looks: its category picks the shape and colour; `kind` is the second line of its label. */
export interface NodeKind {
    readonly kind: string;
    readonly category: Category;
}

export type Category = "compute" | "integration" | "storage" | "security" | "network" | "monitoring" | "delivery" | "external";

/** Resource types that are always nodes. */
export const NODE_TYPES: Readonly<Record<string, NodeKind>> = {
    "aws:lambda/function:Function": { kind: "Lambda function", category: "compute" },
    "aws:sfn/stateMachine:StateMachine": { kind: "state machine", category: "integration" },
    "aws:sqs/queue:Queue": { kind: "SQS queue", category: "integration" },
    "aws:sns/topic:Topic": { kind: "SNS topic", category: "integration" },
    "aws:cloudwatch/eventRule:EventRule": { kind: "EventBridge rule", category: "integration" },
    "aws:scheduler/schedule:Schedule": { kind: "EventBridge schedule", category: "integration" },
    "aws:s3/bucket:Bucket": { kind: "S3 bucket", category: "storage" },
    "aws:dynamodb/table:Table": { kind: "DynamoDB table", category: "storage" },
    "aws:rds/instance:Instance": { kind: "RDS database", category: "storage" },
    "aws:ebs/volume:Volume": { kind: "EBS volume", category: "storage" },
    "aws:ecr/repository:Repository": { kind: "ECR repository", category: "storage" },
    "aws:glue/catalogDatabase:CatalogDatabase": { kind: "Glue database", category: "storage" },
    "aws:athena/workgroup:Workgroup": { kind: "Athena workgroup", category: "compute" },
    "aws:secretsmanager/secret:Secret": { kind: "secret", category: "security" },
    "aws:lb/loadBalancer:LoadBalancer": { kind: "load balancer", category: "network" },
    "aws:lb/targetGroup:TargetGroup": { kind: "target group", category: "network" },
    "aws:autoscaling/group:Group": { kind: "Auto Scaling group", category: "compute" },
    "aws:ec2/instance:Instance": { kind: "EC2 instance", category: "compute" },
    "aws:ecs/service:Service": { kind: "ECS service", category: "compute" },
    "aws:ec2/natGateway:NatGateway": { kind: "NAT gateway", category: "network" },
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": { kind: "VPC peering", category: "network" },
    "aws:ec2/flowLog:FlowLog": { kind: "VPC flow log", category: "monitoring" },
    "aws:apigateway/restApi:RestApi": { kind: "REST API", category: "network" },
    "aws:cloudfront/distribution:Distribution": { kind: "CloudFront distribution", category: "network" },
    "aws:route53/healthCheck:HealthCheck": { kind: "Route 53 health check", category: "monitoring" },
    "aws:cloudtrail/trail:Trail": { kind: "CloudTrail trail", category: "monitoring" },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { kind: "alarm", category: "monitoring" },
    "aws:cfg/recorder:Recorder": { kind: "Config recorder", category: "monitoring" },
    "aws:cfg/rule:Rule": { kind: "Config rule", category: "monitoring" },
    "aws:budgets/budget:Budget": { kind: "budget", category: "monitoring" },
    "aws:inspector2/enabler:Enabler": { kind: "Inspector scanning", category: "monitoring" },
    "aws:codepipeline/pipeline:Pipeline": { kind: "pipeline", category: "delivery" },
    "aws:ssm/maintenanceWindow:MaintenanceWindow": { kind: "maintenance window", category: "delivery" },
    "aws:ssm/patchBaseline:PatchBaseline": { kind: "patch baseline", category: "delivery" },
    "aws:sesv2/configurationSet:ConfigurationSet": { kind: "SES configuration set", category: "integration" },
    "aws:sesv2/emailIdentity:EmailIdentity": { kind: "SES identity", category: "integration" },
};

/**
 * Types that belong to whatever uses them: a role to its function, a security group to its instances, a log group to
 * its writer, a key to the one thing it encrypts. Used by exactly one node, they fold into it; a key or log group used
 * by several is a node of its own; the others then fold into their component.
 */
export const SATELLITE_TYPES: Readonly<Record<string, NodeKind | undefined>> = {
    "aws:kms/key:Key": { kind: "KMS key", category: "security" },
    "aws:cloudwatch/logGroup:LogGroup": { kind: "log group", category: "monitoring" },
    "aws:iam/role:Role": undefined,
    "aws:iam/instanceProfile:InstanceProfile": undefined,
    "aws:ec2/securityGroup:SecurityGroup": undefined,
    "aws:ec2/launchTemplate:LaunchTemplate": undefined,
    "aws:acm/certificate:Certificate": undefined,
    "aws:ecs/cluster:Cluster": undefined,
    "aws:ecs/taskDefinition:TaskDefinition": undefined,
    "aws:ecs/capacityProvider:CapacityProvider": undefined,
    "aws:apigateway/domainName:DomainName": undefined,
    "aws:glue/catalogTable:CatalogTable": undefined,
    "aws:iam/policy:Policy": undefined,
};

/**
 * A resource that is not a node becomes one when a verified request targets it and nothing owns it (the example
 * security group the guard watches, the IAM group the budget guardrail restricts).
 */
export const TARGET_KINDS: Readonly<Record<string, NodeKind>> = {
    "aws:ec2/securityGroup:SecurityGroup": { kind: "security group", category: "network" },
    "aws:iam/group:Group": { kind: "IAM group", category: "security" },
    "aws:iam/user:User": { kind: "IAM user", category: "security" },
    "aws:iam/role:Role": { kind: "IAM role", category: "security" },
    "aws:glue/catalogTable:CatalogTable": { kind: "Glue table", category: "storage" },
    "aws:ecs/cluster:Cluster": { kind: "ECS cluster", category: "compute" },
};

/** Input names through which a plumbing resource names what it serves, most telling first. */
export const OWNER_INPUTS = [
    "function",
    "functionName",
    "rule",
    "bucket",
    "arn",
    "topic",
    "topicArn",
    "queueUrl",
    "listenerArn",
    "loadBalancerArn",
    "targetGroupArn",
    "restApi",
    "restApiId",
    "stateMachineArn",
    "role",
    "user",
    "group",
    "autoscalingGroupName",
    "windowId",
    "baselineId",
    "targetKeyId",
    "configurationSetName",
    "emailIdentity",
    "recorderName",
    "name",
    "logGroupName",
    "alarmName",
    "metricTransformation",
];

/** Display names of AWS services by the service part of an ARN or action, for nodes outside the stack. */
export const SERVICE_NAMES: Readonly<Record<string, string>> = {
    ec2: "Amazon EC2",
    cloudformation: "CloudFormation",
    cloudwatch: "CloudWatch",
    codepipeline: "CodePipeline",
    iam: "IAM",
    lambda: "Lambda",
    s3: "Amazon S3",
    ssm: "Systems Manager",
    ssmmessages: "Session Manager",
    logs: "CloudWatch Logs",
    sns: "Amazon SNS",
    sqs: "Amazon SQS",
    states: "Step Functions",
    secretsmanager: "Secrets Manager",
    athena: "Athena",
    glue: "Glue",
    kms: "KMS",
    "rds-db": "RDS",
    ecs: "ECS",
    ecr: "ECR",
    sts: "STS",
    dynamodb: "DynamoDB",
    inspector2: "Inspector",
    cloudtrail: "CloudTrail",
    budgets: "Budgets",
    ses: "SES",
    autoscaling: "EC2 Auto Scaling",
    events: "EventBridge",
    xray: "X-Ray",
};

/** Event sources (the `source` of an event pattern) as the service that sends the events. */
export const EVENT_SOURCES: Readonly<Record<string, string>> = {
    "aws.ec2": "Amazon EC2",
    "aws.inspector2": "Amazon Inspector",
    "aws.codepipeline": "CodePipeline",
    "aws.s3": "Amazon S3",
    "aws.ssm": "Systems Manager",
    "aws.budgets": "AWS Budgets",
    "aws.health": "AWS Health",
    "aws.autoscaling": "EC2 Auto Scaling",
    "aws.config": "AWS Config",
    "aws.securityhub": "Security Hub",
    "aws.guardduty": "GuardDuty",
    "aws.ecs": "Amazon ECS",
    "aws.cloudformation": "CloudFormation",
};

/** Resource types that no diagram shows or folds (the providers themselves). */
export const isIgnored = (type: string): boolean => type.startsWith("pulumi:");
