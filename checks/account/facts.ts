// What a shared AWS account knows about each resource type the program creates: where its physical name must be
// unique, what exists only once per account or region, and what holds data. One row per type; a type the program
// creates without a row fails the account model, so a new type gets its row here. The preflight reads the same rows
// (preflight/existing.ts adds, per type, the read-only call that finds an existing instance in a real account).

/** Where a physical name (or a singleton) must be unique. */
export type Scope =
    /** Across every AWS account (S3 bucket names). */
    | "global"
    /** Across the account's regions (IAM, Budgets, CloudFront). */
    | "account"
    /** Per region of the account (most services). */
    | "region"
    /** Within a parent resource the stack creates itself (a bucket's policy, a role's inline policy): it cannot collide with another stack's. */
    | "parent"
    /** Identified by an id AWS generates: it never collides. */
    | "generated";

/** Something that exists at most once per scope, whoever creates it. */
export interface Singleton {
    /** The one thing, for people: "the Config recorder". */
    readonly what: string;
    /** Distinguishes the instances of the scope: one per value. */
    readonly key: (inputs: Record<string, any>) => string;
    /** The input naming the instance, where a setting chooses it (a patch group's name). */
    readonly nameInput?: string;
}

export interface TypeFacts {
    readonly scope: Scope;
    /** Input holding the physical name; unset in the inputs means pulumi generates a unique one. */
    readonly name?: string;
    /** Present when AWS allows one per scope. */
    readonly singleton?: Singleton;
    /** Replacing or deleting it loses data (objects, items, rows, logs, secrets, images, keys that decrypt them). */
    readonly holdsData?: true;
    /** The AWS page the scope or singleton comes from. */
    readonly doc: string;
}

const inRegion = (name: string, doc: string, extra: Partial<TypeFacts> = {}): TypeFacts => ({ scope: "region", name, doc, ...extra });
const inAccount = (name: string, doc: string, extra: Partial<TypeFacts> = {}): TypeFacts => ({ scope: "account", name, doc, ...extra });
const child = (doc: string, extra: Partial<TypeFacts> = {}): TypeFacts => ({ scope: "parent", doc, ...extra });
const generated = (doc: string, extra: Partial<TypeFacts> = {}): TypeFacts => ({ scope: "generated", doc, ...extra });

const IAM_NAMES = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html";
const APIGW = "https://docs.aws.amazon.com/apigateway/latest/api/API_Operations.html";
const EC2_IDS = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html";
const S3_CONFIG = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingBucket.html";

export const TYPE_FACTS: Readonly<Record<string, TypeFacts>> = {
    "aws:acm/certificate:Certificate": generated("https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html"),
    "aws:acm/certificateValidation:CertificateValidation": child("https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html"),
    "aws:apigateway/account:Account": {
        scope: "region",
        singleton: { what: "API Gateway's account settings (the CloudWatch Logs role)", key: () => "apigateway-account" },
        doc: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
    },
    "aws:apigateway/basePathMapping:BasePathMapping": child(APIGW),
    "aws:apigateway/deployment:Deployment": child(APIGW),
    "aws:apigateway/domainName:DomainName": inRegion("domainName", "https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-custom-domains.html"),
    "aws:apigateway/integration:Integration": child(APIGW),
    "aws:apigateway/integrationResponse:IntegrationResponse": child(APIGW),
    "aws:apigateway/method:Method": child(APIGW),
    "aws:apigateway/methodResponse:MethodResponse": child(APIGW),
    "aws:apigateway/methodSettings:MethodSettings": child(APIGW),
    "aws:apigateway/resource:Resource": child(APIGW),
    "aws:apigateway/response:Response": child(APIGW),
    "aws:apigateway/restApi:RestApi": generated("https://docs.aws.amazon.com/apigateway/latest/api/API_CreateRestApi.html"),
    "aws:apigateway/stage:Stage": child(APIGW),
    "aws:appautoscaling/policy:Policy": child("https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html"),
    "aws:appautoscaling/target:Target": child("https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html"),
    "aws:athena/namedQuery:NamedQuery": generated("https://docs.aws.amazon.com/athena/latest/APIReference/API_CreateNamedQuery.html"),
    "aws:athena/workgroup:Workgroup": inRegion("name", "https://docs.aws.amazon.com/athena/latest/APIReference/API_CreateWorkGroup.html", { holdsData: true }),
    "aws:autoscaling/group:Group": inRegion("name", "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html"),
    "aws:autoscaling/policy:Policy": child("https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScalingPolicy.html"),
    "aws:budgets/budget:Budget": inAccount("name", "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_CreateBudget.html"),
    "aws:cfg/deliveryChannel:DeliveryChannel": {
        scope: "region",
        singleton: { what: "the AWS Config delivery channel", key: () => "config-delivery-channel" },
        doc: "https://docs.aws.amazon.com/config/latest/developerguide/manage-delivery-channel.html",
    },
    "aws:cfg/recorder:Recorder": {
        scope: "region",
        singleton: { what: "the AWS Config configuration recorder", key: () => "config-recorder" },
        doc: "https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html",
    },
    "aws:cfg/recorderStatus:RecorderStatus": child("https://docs.aws.amazon.com/config/latest/APIReference/API_StartConfigurationRecorder.html"),
    "aws:cfg/rule:Rule": inRegion("name", "https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigRule.html"),
    "aws:cloudfront/cachePolicy:CachePolicy": inAccount("name", "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateCachePolicy.html"),
    "aws:cloudfront/distribution:Distribution": generated("https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateDistribution.html"),
    "aws:cloudfront/originAccessControl:OriginAccessControl": inAccount("name", "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateOriginAccessControl.html"),
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": inAccount("name", "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateResponseHeadersPolicy.html"),
    "aws:cloudtrail/trail:Trail": inRegion("name", "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html"),
    "aws:cloudwatch/eventRule:EventRule": inRegion("name", "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html"),
    "aws:cloudwatch/eventTarget:EventTarget": child("https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html"),
    "aws:cloudwatch/logGroup:LogGroup": inRegion("name", "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html", { holdsData: true }),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": child("https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": inRegion("name", "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"),
    "aws:codepipeline/pipeline:Pipeline": inRegion("name", "https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_CreatePipeline.html"),
    "aws:dynamodb/table:Table": inRegion("name", "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html", { holdsData: true }),
    "aws:dynamodb/tableItem:TableItem": child("https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html", { holdsData: true }),
    "aws:ebs/volume:Volume": generated(EC2_IDS, { holdsData: true }),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": child("https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html"),
    "aws:ec2/eip:Eip": generated(EC2_IDS),
    "aws:ec2/flowLog:FlowLog": generated(EC2_IDS),
    "aws:ec2/instance:Instance": generated(EC2_IDS, { holdsData: true }),
    "aws:ec2/internetGateway:InternetGateway": generated(EC2_IDS),
    "aws:ec2/launchTemplate:LaunchTemplate": inRegion("name", "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html"),
    "aws:ec2/natGateway:NatGateway": generated(EC2_IDS),
    "aws:ec2/route:Route": child(EC2_IDS),
    "aws:ec2/routeTable:RouteTable": generated(EC2_IDS),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": child(EC2_IDS),
    // Group names are unique per VPC; pulumi names them uniquely and a VPC may be shared (the default VPC), so the scope is the region.
    "aws:ec2/securityGroup:SecurityGroup": inRegion("name", "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html"),
    "aws:ec2/subnet:Subnet": generated(EC2_IDS),
    "aws:ec2/volumeAttachment:VolumeAttachment": child(EC2_IDS),
    "aws:ec2/vpc:Vpc": generated(EC2_IDS),
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": generated(EC2_IDS),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": child("https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html"),
    "aws:ecr/repository:Repository": inRegion("name", "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html", { holdsData: true }),
    "aws:ecs/capacityProvider:CapacityProvider": inRegion("name", "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCapacityProvider.html"),
    "aws:ecs/cluster:Cluster": inRegion("name", "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html"),
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": child("https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutClusterCapacityProviders.html"),
    "aws:ecs/service:Service": child("https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html"),
    // Two stacks registering one family would share its revisions: the family is a name in the region.
    "aws:ecs/taskDefinition:TaskDefinition": inRegion("family", "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html"),
    "aws:glue/catalogDatabase:CatalogDatabase": inRegion("name", "https://docs.aws.amazon.com/glue/latest/webapi/API_CreateDatabase.html"),
    "aws:glue/catalogTable:CatalogTable": child("https://docs.aws.amazon.com/glue/latest/webapi/API_CreateTable.html"),
    "aws:iam/group:Group": inAccount("name", IAM_NAMES),
    "aws:iam/instanceProfile:InstanceProfile": inAccount("name", IAM_NAMES),
    "aws:iam/role:Role": inAccount("name", IAM_NAMES),
    "aws:iam/rolePolicy:RolePolicy": child(IAM_NAMES),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": child(IAM_NAMES),
    "aws:iam/user:User": inAccount("name", IAM_NAMES),
    "aws:iam/userGroupMembership:UserGroupMembership": child(IAM_NAMES),
    "aws:iam/userLoginProfile:UserLoginProfile": child(IAM_NAMES),
    "aws:iam/userPolicy:UserPolicy": child(IAM_NAMES),
    "aws:inspector2/enabler:Enabler": {
        scope: "region",
        singleton: {
            what: "Amazon Inspector's scanning of a resource type",
            key: (inputs) => `inspector2:${[...(inputs.resourceTypes ?? [])].sort().join(",")}`,
        },
        doc: "https://docs.aws.amazon.com/inspector/latest/user/getting_started_tutorial.html",
    },
    "aws:kms/alias:Alias": inRegion("name", "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html"),
    "aws:kms/key:Key": generated("https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html", { holdsData: true }),
    "aws:lambda/alias:Alias": child("https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html"),
    "aws:lambda/function:Function": inRegion("name", "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html"),
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": child("https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html"),
    "aws:lambda/functionUrl:FunctionUrl": child("https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunctionUrlConfig.html"),
    "aws:lambda/invocation:Invocation": child("https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html"),
    "aws:lambda/permission:Permission": child("https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html"),
    "aws:lb/listener:Listener": child("https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html"),
    "aws:lb/listenerCertificate:ListenerCertificate": child("https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AddListenerCertificates.html"),
    "aws:lb/listenerRule:ListenerRule": child("https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateRule.html"),
    "aws:lb/loadBalancer:LoadBalancer": inRegion("name", "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html"),
    "aws:lb/targetGroup:TargetGroup": inRegion("name", "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html"),
    "aws:rds/instance:Instance": inRegion("identifier", "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html", { holdsData: true }),
    "aws:rds/parameterGroup:ParameterGroup": inRegion("name", "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html"),
    "aws:rds/subnetGroup:SubnetGroup": inRegion("name", "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html"),
    "aws:route53/healthCheck:HealthCheck": generated("https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHealthCheck.html"),
    // A record set is unique by zone, name, type and set identifier; the zone is the user's, shared by every stack that writes to it.
    "aws:route53/record:Record": {
        scope: "account",
        name: "name",
        doc: "https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html",
    },
    "aws:s3/bucket:Bucket": { scope: "global", name: "bucket", holdsData: true, doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html" },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": child(S3_CONFIG),
    "aws:s3/bucketLogging:BucketLogging": child(S3_CONFIG),
    "aws:s3/bucketNotification:BucketNotification": child(S3_CONFIG),
    "aws:s3/bucketObjectv2:BucketObjectv2": child(S3_CONFIG, { holdsData: true }),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": child(S3_CONFIG),
    "aws:s3/bucketPolicy:BucketPolicy": child(S3_CONFIG),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": child(S3_CONFIG),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": child(S3_CONFIG),
    "aws:s3/bucketVersioning:BucketVersioning": child(S3_CONFIG),
    "aws:secretsmanager/secret:Secret": inRegion("name", "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html", { holdsData: true }),
    "aws:secretsmanager/secretVersion:SecretVersion": child("https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html", { holdsData: true }),
    "aws:sesv2/configurationSet:ConfigurationSet": inRegion("configurationSetName", "https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateConfigurationSet.html"),
    "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination": child("https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateConfigurationSetEventDestination.html"),
    "aws:sesv2/emailIdentity:EmailIdentity": inRegion("emailIdentity", "https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateEmailIdentity.html"),
    "aws:sfn/stateMachine:StateMachine": inRegion("name", "https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html"),
    "aws:sns/topic:Topic": inRegion("name", "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html"),
    "aws:sns/topicPolicy:TopicPolicy": child("https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html"),
    "aws:sns/topicSubscription:TopicSubscription": child("https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html"),
    "aws:sqs/queue:Queue": inRegion("name", "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html", { holdsData: true }),
    "aws:sqs/queuePolicy:QueuePolicy": child("https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html"),
    "aws:ssm/maintenanceWindow:MaintenanceWindow": generated("https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateMaintenanceWindow.html"),
    "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": child("https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_RegisterTargetWithMaintenanceWindow.html"),
    "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": child("https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_RegisterTaskWithMaintenanceWindow.html"),
    "aws:ssm/patchBaseline:PatchBaseline": generated("https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreatePatchBaseline.html"),
    "aws:ssm/patchGroup:PatchGroup": {
        scope: "region",
        singleton: { what: "a patch group's patch baseline (one per operating system)", key: (inputs) => `patch-group:${inputs.patchGroup}`, nameInput: "patchGroup" },
        doc: "https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-patch-groups.html",
    },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": child("https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupEgress.html"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": child("https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html"),
};

/**
 * What the program's own functions and workflows create outside Pulumi, found from the actions their roles may take:
 * `pulumi destroy` deletes none of it. Each kind names the action that deletes it again (a cleanup that runs on
 * destroy must hold it) and the words the scenario's page uses when it documents the leftover instead.
 */
export interface OutsideKind {
    readonly what: string;
    readonly createdBy: readonly string[];
    /** ARNs of what it creates (a statement on other resources, such as the instance a snapshot is taken of, creates none). */
    readonly arn: RegExp;
    readonly deletedBy: string;
    readonly costs: boolean;
    readonly doc: string;
}

export const OUTSIDE_KINDS: readonly OutsideKind[] = [
    {
        what: "EBS snapshots",
        createdBy: ["ec2:CreateSnapshot", "ec2:CreateSnapshots"],
        arn: /:snapshot\//,
        deletedBy: "ec2:DeleteSnapshot",
        costs: true,
        doc: "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-deleting-snapshot.html",
    },
    {
        what: "CloudFormation stacks",
        createdBy: ["cloudformation:CreateStack"],
        arn: /:stack\//,
        deletedBy: "cloudformation:DeleteStack",
        costs: true,
        doc: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html",
    },
    {
        what: "CloudWatch log groups",
        createdBy: ["logs:CreateLogGroup"],
        arn: /:log-group:/,
        deletedBy: "logs:DeleteLogGroup",
        costs: true,
        doc: "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html",
    },
];

/**
 * Log groups AWS services create by themselves for a resource the program configures: they outlive the resource.
 * Each entry says which resources make the service create one and what the group is called.
 */
export interface ServiceLogGroup {
    readonly type: string;
    readonly when: (inputs: Record<string, any>) => boolean;
    readonly group: (r: { inputs: Record<string, any>; outputs: Record<string, any> }) => string;
    readonly doc: string;
}

export const SERVICE_LOG_GROUPS: readonly ServiceLogGroup[] = [
    {
        type: "aws:rds/instance:Instance",
        when: (i) => (i.enabledCloudwatchLogsExports ?? []).length > 0,
        group: ({ outputs }) => `/aws/rds/instance/${outputs.identifier ?? outputs.id}/<log type>`,
        doc: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html",
    },
    {
        type: "aws:apigateway/methodSettings:MethodSettings",
        when: (i) => ["INFO", "ERROR"].includes(i.settings?.loggingLevel),
        group: ({ inputs }) => `API-Gateway-Execution-Logs_${inputs.restApi}/${inputs.stageName}`,
        doc: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
    },
    {
        type: "aws:ecs/cluster:Cluster",
        when: (i) => (i.settings ?? []).some((s: { name?: string; value?: string }) => s.name === "containerInsights" && s.value !== "disabled"),
        group: ({ outputs }) => `/aws/ecs/containerinsights/${outputs.name}/performance`,
        doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-view-metrics.html",
    },
];
