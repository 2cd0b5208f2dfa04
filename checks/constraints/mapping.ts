// Where each input of each resource type the program registers lands in AWS CloudFormation's resource schemas.
//
// pulumi-aws names inputs after the Terraform provider (camelCase), CloudFormation after the service API (PascalCase);
// most inputs match case-insensitively at every level of nesting and need no entry here. An entry maps an input path
// whose name or shape differs: `a.b` is a nested block, `a[]` an element of a list, `a.{}` any key of a map. Its value
// is the CloudFormation property path below `at` ("Rules/[]/Status"; `[]` is an array's items), or `Type#/Path` for a
// property of another CloudFormation type, or null for an input the provider keeps to itself and never sends to AWS.
// A Terraform resource that CloudFormation folds into another resource (an S3 bucket's versioning, an API Gateway
// method's integration) maps to the part of that resource it configures (`at`).

export interface TypeMapping {
    /** The CloudFormation type whose schema constrains the inputs; absent where AWS has none (the API's own calls). */
    readonly cfn?: string;
    /** Where the inputs sit inside that type's properties, e.g. "VersioningConfiguration". */
    readonly at?: string;
    /** Input paths whose CloudFormation property is not found by name; null: never sent to AWS. */
    readonly inputs?: Readonly<Record<string, string | null>>;
}

const BUCKET_REF = "AWS::S3::Bucket#/BucketName";
// Tags the API takes where the CloudFormation type has none: the same service's tag schema.
const TAGS_ONLY_IN_API = "AWS::EC2::SecurityGroup#/Tags";
const SES_TAGS = "AWS::SES::ContactList#/Tags";

/** Every custom resource type the program registers (a new one fails the constraints test until it is added). */
export const MAPPINGS: Readonly<Record<string, TypeMapping>> = {
    "aws:acm/certificate:Certificate": { cfn: "AWS::CertificateManager::Certificate", inputs: { "options.certificateTransparencyLoggingPreference": "CertificateTransparencyLoggingPreference" } },
    // Waits until ACM issues the certificate (DescribeCertificate); the record names are compared by the provider.
    "aws:acm/certificateValidation:CertificateValidation": { inputs: { "validationRecordFqdns[]": null } },
    "aws:apigateway/account:Account": { cfn: "AWS::ApiGateway::Account" },
    "aws:apigateway/basePathMapping:BasePathMapping": { cfn: "AWS::ApiGateway::BasePathMapping", inputs: { restApi: "RestApiId", stageName: "Stage" } },
    "aws:apigateway/deployment:Deployment": { cfn: "AWS::ApiGateway::Deployment", inputs: { restApi: "RestApiId", "triggers.{}": null } },
    "aws:apigateway/domainName:DomainName": { cfn: "AWS::ApiGateway::DomainName" },
    "aws:apigateway/integration:Integration": {
        cfn: "AWS::ApiGateway::Method",
        at: "Integration",
        inputs: { restApi: "/RestApiId", resourceId: "/ResourceId", httpMethod: "/HttpMethod", integrationHttpMethod: "IntegrationHttpMethod" },
    },
    "aws:apigateway/integrationResponse:IntegrationResponse": {
        cfn: "AWS::ApiGateway::Method",
        at: "Integration/IntegrationResponses/[]",
        inputs: { restApi: "/RestApiId", resourceId: "/ResourceId", httpMethod: "/HttpMethod" },
    },
    "aws:apigateway/method:Method": { cfn: "AWS::ApiGateway::Method", inputs: { restApi: "RestApiId", authorization: "AuthorizationType" } },
    "aws:apigateway/methodResponse:MethodResponse": {
        cfn: "AWS::ApiGateway::Method",
        at: "MethodResponses/[]",
        inputs: { restApi: "/RestApiId", resourceId: "/ResourceId", httpMethod: "/HttpMethod" },
    },
    "aws:apigateway/methodSettings:MethodSettings": {
        cfn: "AWS::ApiGateway::Stage",
        at: "MethodSettings/[]",
        inputs: {
            restApi: "/RestApiId",
            stageName: "/StageName",
            settings: "",
            "settings.throttlingBurstLimit": "ThrottlingBurstLimit",
            "settings.throttlingRateLimit": "ThrottlingRateLimit",
        },
    },
    "aws:apigateway/resource:Resource": { cfn: "AWS::ApiGateway::Resource", inputs: { restApi: "RestApiId" } },
    "aws:apigateway/response:Response": { cfn: "AWS::ApiGateway::GatewayResponse" },
    "aws:apigateway/restApi:RestApi": { cfn: "AWS::ApiGateway::RestApi" },
    "aws:apigateway/stage:Stage": { cfn: "AWS::ApiGateway::Stage", inputs: { restApi: "RestApiId", deployment: "DeploymentId", accessLogSettings: "AccessLogSetting" } },
    "aws:appautoscaling/policy:Policy": { cfn: "AWS::ApplicationAutoScaling::ScalingPolicy", inputs: { name: "PolicyName" } },
    "aws:appautoscaling/target:Target": { cfn: "AWS::ApplicationAutoScaling::ScalableTarget" },
    "aws:athena/namedQuery:NamedQuery": { cfn: "AWS::Athena::NamedQuery", inputs: { query: "QueryString" } },
    "aws:athena/workgroup:Workgroup": { cfn: "AWS::Athena::WorkGroup", inputs: { configuration: "WorkGroupConfiguration", forceDestroy: null } },
    "aws:autoscaling/group:Group": {
        cfn: "AWS::AutoScaling::AutoScalingGroup",
        inputs: {
            name: "AutoScalingGroupName",
            vpcZoneIdentifiers: "VPCZoneIdentifier",
            targetGroupArns: "TargetGroupARNs",
            protectFromScaleIn: "NewInstancesProtectedFromScaleIn",
            forceDelete: null,
            instanceRefresh: null,
            "launchTemplate.id": "LaunchTemplate/LaunchTemplateId",
            "launchTemplate.name": "LaunchTemplate/LaunchTemplateName",
            "instanceRefresh.strategy": null,
            "instanceRefresh.preferences.minHealthyPercentage": null,
            "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.launchTemplateId": "MixedInstancesPolicy/LaunchTemplate/LaunchTemplateSpecification/LaunchTemplateId",
        },
    },
    "aws:autoscaling/policy:Policy": { cfn: "AWS::AutoScaling::ScalingPolicy", inputs: { name: "PolicyName" } },
    "aws:budgets/budget:Budget": {
        cfn: "AWS::Budgets::Budget",
        inputs: {
            name: "Budget/BudgetName",
            budgetType: "Budget/BudgetType",
            timeUnit: "Budget/TimeUnit",
            limitAmount: "Budget/BudgetLimit/Amount",
            limitUnit: "Budget/BudgetLimit/Unit",
            "notifications[].comparisonOperator": "NotificationsWithSubscribers/[]/Notification/ComparisonOperator",
            "notifications[].notificationType": "NotificationsWithSubscribers/[]/Notification/NotificationType",
            "notifications[].threshold": "NotificationsWithSubscribers/[]/Notification/Threshold",
            "notifications[].thresholdType": "NotificationsWithSubscribers/[]/Notification/ThresholdType",
            "notifications[].subscriberSnsTopicArns[]": "NotificationsWithSubscribers/[]/Subscribers/[]/Address",
            "notifications[].subscriberEmailAddresses[]": "NotificationsWithSubscribers/[]/Subscribers/[]/Address",
            tags: "ResourceTags",
        },
    },
    "aws:cfg/deliveryChannel:DeliveryChannel": { cfn: "AWS::Config::DeliveryChannel", inputs: { snapshotDeliveryProperties: "ConfigSnapshotDeliveryProperties" } },
    "aws:cfg/recorder:Recorder": { cfn: "AWS::Config::ConfigurationRecorder", inputs: { roleArn: "RoleARN" } },
    // CloudFormation starts a recorder it creates; the API's StartConfigurationRecorder names it (a hand rule).
    "aws:cfg/recorderStatus:RecorderStatus": { cfn: "AWS::Config::ConfigurationRecorder" },
    "aws:cfg/rule:Rule": { cfn: "AWS::Config::ConfigRule", inputs: { name: "ConfigRuleName" } },
    "aws:cloudfront/cachePolicy:CachePolicy": {
        cfn: "AWS::CloudFront::CachePolicy",
        at: "CachePolicyConfig",
        inputs: {
            defaultTtl: "DefaultTTL",
            maxTtl: "MaxTTL",
            minTtl: "MinTTL",
            parametersInCacheKeyAndForwardedToOrigin: "ParametersInCacheKeyAndForwardedToOrigin",
            "parametersInCacheKeyAndForwardedToOrigin.enableAcceptEncodingBrotli": "ParametersInCacheKeyAndForwardedToOrigin/EnableAcceptEncodingBrotli",
            "parametersInCacheKeyAndForwardedToOrigin.enableAcceptEncodingGzip": "ParametersInCacheKeyAndForwardedToOrigin/EnableAcceptEncodingGzip",
            "parametersInCacheKeyAndForwardedToOrigin.cookiesConfig.cookieBehavior": "ParametersInCacheKeyAndForwardedToOrigin/CookiesConfig/CookieBehavior",
            "parametersInCacheKeyAndForwardedToOrigin.headersConfig.headerBehavior": "ParametersInCacheKeyAndForwardedToOrigin/HeadersConfig/HeaderBehavior",
            "parametersInCacheKeyAndForwardedToOrigin.queryStringsConfig.queryStringBehavior": "ParametersInCacheKeyAndForwardedToOrigin/QueryStringsConfig/QueryStringBehavior",
            "parametersInCacheKeyAndForwardedToOrigin.queryStringsConfig.queryStrings.items[]": "ParametersInCacheKeyAndForwardedToOrigin/QueryStringsConfig/QueryStrings/[]",
            "parametersInCacheKeyAndForwardedToOrigin.headersConfig.headers.items[]": "ParametersInCacheKeyAndForwardedToOrigin/HeadersConfig/Headers/[]",
            "parametersInCacheKeyAndForwardedToOrigin.cookiesConfig.cookies.items[]": "ParametersInCacheKeyAndForwardedToOrigin/CookiesConfig/Cookies/[]",
        },
    },
    "aws:cloudfront/distribution:Distribution": {
        cfn: "AWS::CloudFront::Distribution",
        at: "DistributionConfig",
        inputs: {
            tags: "/Tags",
            aliases: "Aliases",
            isIpv6Enabled: "IPV6Enabled",
            "origins[].originId": "Origins/[]/Id",
            "origins[].originAccessControlId": "Origins/[]/OriginAccessControlId",
            "origins[].s3OriginConfig.originAccessIdentity": "Origins/[]/S3OriginConfig/OriginAccessIdentity",
            "origins[].customOriginConfig.httpPort": "Origins/[]/CustomOriginConfig/HTTPPort",
            "origins[].customOriginConfig.httpsPort": "Origins/[]/CustomOriginConfig/HTTPSPort",
            "origins[].customOriginConfig.originSslProtocols[]": "Origins/[]/CustomOriginConfig/OriginSSLProtocols/[]",
            "restrictions.geoRestriction.restrictionType": "Restrictions/GeoRestriction/RestrictionType",
            "restrictions.geoRestriction.locations[]": "Restrictions/GeoRestriction/Locations/[]",
            "viewerCertificate.acmCertificateArn": "ViewerCertificate/AcmCertificateArn",
            "viewerCertificate.sslSupportMethod": "ViewerCertificate/SslSupportMethod",
            "viewerCertificate.minimumProtocolVersion": "ViewerCertificate/MinimumProtocolVersion",
            "viewerCertificate.cloudfrontDefaultCertificate": "ViewerCertificate/CloudFrontDefaultCertificate",
        },
    },
    "aws:cloudfront/originAccessControl:OriginAccessControl": { cfn: "AWS::CloudFront::OriginAccessControl", at: "OriginAccessControlConfig" },
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": { cfn: "AWS::CloudFront::ResponseHeadersPolicy", at: "ResponseHeadersPolicyConfig" },
    "aws:cloudtrail/trail:Trail": {
        cfn: "AWS::CloudTrail::Trail",
        inputs: { name: "TrailName", enableLogging: "IsLogging", kmsKeyId: "KMSKeyId", cloudWatchLogsGroupArn: "CloudWatchLogsLogGroupArn" },
    },
    "aws:cloudwatch/eventRule:EventRule": { cfn: "AWS::Events::Rule" },
    "aws:cloudwatch/eventTarget:EventTarget": {
        cfn: "AWS::Events::Rule",
        at: "Targets/[]",
        inputs: { rule: "/Name", targetId: "Id", "deadLetterConfig.arn": "DeadLetterConfig/Arn", "inputTransformer.inputPaths": "InputTransformer/InputPathsMap" },
    },
    "aws:cloudwatch/logGroup:LogGroup": { cfn: "AWS::Logs::LogGroup", inputs: { name: "LogGroupName", namePrefix: null } },
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": {
        cfn: "AWS::Logs::MetricFilter",
        inputs: {
            name: "FilterName",
            pattern: "FilterPattern",
            metricTransformation: "MetricTransformations/[]",
            "metricTransformation.name": "MetricTransformations/[]/MetricName",
            "metricTransformation.namespace": "MetricTransformations/[]/MetricNamespace",
            "metricTransformation.value": "MetricTransformations/[]/MetricValue",
            "metricTransformation.defaultValue": "MetricTransformations/[]/DefaultValue",
            "metricTransformation.unit": "MetricTransformations/[]/Unit",
        },
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        cfn: "AWS::CloudWatch::Alarm",
        inputs: {
            name: "AlarmName",
            okActions: "OKActions",
            metricQueries: "Metrics",
            "metricQueries[].metric.dimensions": "Metrics/[]/MetricStat/Metric/Dimensions",
            "metricQueries[].metric.metricName": "Metrics/[]/MetricStat/Metric/MetricName",
            "metricQueries[].metric.namespace": "Metrics/[]/MetricStat/Metric/Namespace",
            "metricQueries[].metric.period": "Metrics/[]/MetricStat/Period",
            "metricQueries[].metric.stat": "Metrics/[]/MetricStat/Stat",
            "metricQueries[].metric.unit": "Metrics/[]/MetricStat/Unit",
        },
    },
    "aws:codepipeline/pipeline:Pipeline": {
        cfn: "AWS::CodePipeline::Pipeline",
        inputs: {
            "artifactStores[].encryptionKey.id": "ArtifactStores/[]/ArtifactStore/EncryptionKey/Id",
            "artifactStores[].encryptionKey.type": "ArtifactStores/[]/ArtifactStore/EncryptionKey/Type",
            "artifactStores[].location": "ArtifactStores/[]/ArtifactStore/Location",
            "artifactStores[].type": "ArtifactStores/[]/ArtifactStore/Type",
            "artifactStores[].region": "ArtifactStores/[]/Region",
            "stages[].actions[].category": "Stages/[]/Actions/[]/ActionTypeId/Category",
            "stages[].actions[].owner": "Stages/[]/Actions/[]/ActionTypeId/Owner",
            "stages[].actions[].provider": "Stages/[]/Actions/[]/ActionTypeId/Provider",
            "stages[].actions[].version": "Stages/[]/Actions/[]/ActionTypeId/Version",
            "stages[].actions[].inputArtifacts[]": "Stages/[]/Actions/[]/InputArtifacts/[]/Name",
            "stages[].actions[].outputArtifacts[]": "Stages/[]/Actions/[]/OutputArtifacts/[]/Name",
        },
    },
    "aws:dynamodb/table:Table": {
        cfn: "AWS::DynamoDB::Table",
        inputs: {
            name: "TableName",
            attributes: "AttributeDefinitions",
            "attributes[].name": "AttributeDefinitions/[]/AttributeName",
            "attributes[].type": "AttributeDefinitions/[]/AttributeType",
            hashKey: "KeySchema/[]/AttributeName",
            rangeKey: "KeySchema/[]/AttributeName",
            "pointInTimeRecovery.enabled": "PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled",
            "serverSideEncryption.enabled": "SSESpecification/SSEEnabled",
            "serverSideEncryption.kmsKeyArn": "SSESpecification/KMSMasterKeyId",
        },
    },
    // PutItem, which no CloudFormation type writes: DynamoDB's item limits are hand rules.
    "aws:dynamodb/tableItem:TableItem": {
        inputs: { tableName: "AWS::DynamoDB::Table#/TableName", hashKey: "AWS::DynamoDB::Table#/KeySchema/[]/AttributeName" },
    },
    "aws:ebs/volume:Volume": { cfn: "AWS::EC2::Volume", inputs: { type: "VolumeType" } },
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": { cfn: "AWS::EC2::SecurityGroup", inputs: { ingress: "SecurityGroupIngress", egress: "SecurityGroupEgress" } },
    "aws:ec2/eip:Eip": { cfn: "AWS::EC2::EIP" },
    "aws:ec2/flowLog:FlowLog": { cfn: "AWS::EC2::FlowLog", inputs: { iamRoleArn: "DeliverLogsPermissionArn", vpcId: "ResourceId" } },
    "aws:ec2/instance:Instance": {
        cfn: "AWS::EC2::Instance",
        inputs: {
            ami: "ImageId",
            vpcSecurityGroupIds: "SecurityGroupIds",
            associatePublicIpAddress: "NetworkInterfaces/[]/AssociatePublicIpAddress",
            "metadataOptions.httpTokens": "AWS::EC2::LaunchTemplate#/LaunchTemplateData/MetadataOptions/HttpTokens",
            "metadataOptions.httpEndpoint": "AWS::EC2::LaunchTemplate#/LaunchTemplateData/MetadataOptions/HttpEndpoint",
            "metadataOptions.httpPutResponseHopLimit": "AWS::EC2::LaunchTemplate#/LaunchTemplateData/MetadataOptions/HttpPutResponseHopLimit",
            "metadataOptions.instanceMetadataTags": "AWS::EC2::LaunchTemplate#/LaunchTemplateData/MetadataOptions/InstanceMetadataTags",
            "rootBlockDevice.tags": "AWS::EC2::Volume#/Tags",
            "rootBlockDevice.volumeSize": "BlockDeviceMappings/[]/Ebs/VolumeSize",
            "rootBlockDevice.volumeType": "BlockDeviceMappings/[]/Ebs/VolumeType",
            "rootBlockDevice.encrypted": "BlockDeviceMappings/[]/Ebs/Encrypted",
            "rootBlockDevice.kmsKeyId": "BlockDeviceMappings/[]/Ebs/KmsKeyId",
            "rootBlockDevice.deleteOnTermination": "BlockDeviceMappings/[]/Ebs/DeleteOnTermination",
        },
    },
    "aws:ec2/internetGateway:InternetGateway": { cfn: "AWS::EC2::InternetGateway", inputs: { vpcId: "AWS::EC2::VPCGatewayAttachment#/VpcId" } },
    "aws:ec2/launchTemplate:LaunchTemplate": {
        cfn: "AWS::EC2::LaunchTemplate",
        at: "LaunchTemplateData",
        inputs: {
            name: "/LaunchTemplateName",
            description: "/VersionDescription",
            tags: "/TagSpecifications/[]/Tags",
            updateDefaultVersion: null,
            vpcSecurityGroupIds: "SecurityGroupIds",
            "blockDeviceMappings[].ebs": "BlockDeviceMappings/[]/Ebs",
        },
    },
    "aws:ec2/natGateway:NatGateway": { cfn: "AWS::EC2::NatGateway" },
    "aws:ec2/route:Route": { cfn: "AWS::EC2::Route" },
    "aws:ec2/routeTable:RouteTable": { cfn: "AWS::EC2::RouteTable" },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": { cfn: "AWS::EC2::SubnetRouteTableAssociation" },
    "aws:ec2/securityGroup:SecurityGroup": {
        cfn: "AWS::EC2::SecurityGroup",
        inputs: { name: "GroupName", namePrefix: null, description: "GroupDescription", ingress: "SecurityGroupIngress", egress: "SecurityGroupEgress", revokeRulesOnDelete: null },
    },
    "aws:ec2/subnet:Subnet": { cfn: "AWS::EC2::Subnet" },
    "aws:ec2/volumeAttachment:VolumeAttachment": { cfn: "AWS::EC2::VolumeAttachment", inputs: { deviceName: "Device", stopInstanceBeforeDetaching: null } },
    "aws:ec2/vpc:Vpc": { cfn: "AWS::EC2::VPC" },
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": { cfn: "AWS::EC2::VPCPeeringConnection", inputs: { autoAccept: null } },
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": {
        cfn: "AWS::ECR::Repository",
        at: "LifecyclePolicy",
        inputs: { policy: "LifecyclePolicyText", repository: "/RepositoryName" },
    },
    "aws:ecr/repository:Repository": {
        cfn: "AWS::ECR::Repository",
        inputs: { name: "RepositoryName", encryptionConfigurations: "EncryptionConfiguration", forceDelete: "EmptyOnDelete" },
    },
    "aws:ecs/capacityProvider:CapacityProvider": { cfn: "AWS::ECS::CapacityProvider" },
    "aws:ecs/cluster:Cluster": { cfn: "AWS::ECS::Cluster", inputs: { name: "ClusterName", settings: "ClusterSettings" } },
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": {
        cfn: "AWS::ECS::ClusterCapacityProviderAssociations",
        inputs: { clusterName: "Cluster", defaultCapacityProviderStrategies: "DefaultCapacityProviderStrategy" },
    },
    "aws:ecs/service:Service": {
        cfn: "AWS::ECS::Service",
        inputs: {
            name: "ServiceName",
            capacityProviderStrategies: "CapacityProviderStrategy",
            enableEcsManagedTags: "EnableECSManagedTags",
            orderedPlacementStrategies: "PlacementStrategies",
            deploymentCircuitBreaker: "DeploymentConfiguration/DeploymentCircuitBreaker",
            deploymentMaximumPercent: "DeploymentConfiguration/MaximumPercent",
            deploymentMinimumHealthyPercent: "DeploymentConfiguration/MinimumHealthyPercent",
            "orderedPlacementStrategies[].field": "PlacementStrategies/[]/Field",
            "orderedPlacementStrategies[].type": "PlacementStrategies/[]/Type",
        },
    },
    "aws:ecs/taskDefinition:TaskDefinition": { cfn: "AWS::ECS::TaskDefinition" },
    "aws:glue/catalogDatabase:CatalogDatabase": { cfn: "AWS::Glue::Database", at: "DatabaseInput" },
    "aws:glue/catalogTable:CatalogTable": {
        cfn: "AWS::Glue::Table",
        at: "TableInput",
        inputs: { databaseName: "/DatabaseName", "storageDescriptor.serDeInfo": "StorageDescriptor/SerdeInfo" },
    },
    "aws:iam/group:Group": { cfn: "AWS::IAM::Group", inputs: { name: "GroupName" } },
    "aws:iam/instanceProfile:InstanceProfile": { cfn: "AWS::IAM::InstanceProfile", inputs: { name: "InstanceProfileName", role: "Roles/[]" } },
    "aws:iam/role:Role": {
        cfn: "AWS::IAM::Role",
        inputs: { name: "RoleName", assumeRolePolicy: "AssumeRolePolicyDocument", forceDetachPolicies: null },
    },
    "aws:iam/rolePolicy:RolePolicy": { cfn: "AWS::IAM::RolePolicy", inputs: { name: "PolicyName", policy: "PolicyDocument", role: "RoleName" } },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { cfn: "AWS::IAM::Role", inputs: { role: "RoleName", policyArn: "ManagedPolicyArns/[]" } },
    "aws:iam/user:User": { cfn: "AWS::IAM::User", inputs: { name: "UserName", forceDestroy: null } },
    "aws:iam/userGroupMembership:UserGroupMembership": { cfn: "AWS::IAM::UserToGroupAddition", inputs: { user: "Users/[]", "groups[]": "GroupName" } },
    "aws:iam/userLoginProfile:UserLoginProfile": {
        cfn: "AWS::IAM::User",
        at: "LoginProfile",
        // The provider generates the password of that length and sends it as LoginProfile.Password.
        inputs: { user: "/UserName", passwordLength: null },
    },
    "aws:iam/userPolicy:UserPolicy": { cfn: "AWS::IAM::UserPolicy", inputs: { name: "PolicyName", policy: "PolicyDocument", user: "UserName" } },
    // Inspector's Enable API, which no CloudFormation type calls: hand rules.
    "aws:inspector2/enabler:Enabler": {},
    "aws:kms/alias:Alias": { cfn: "AWS::KMS::Alias", inputs: { name: "AliasName" } },
    "aws:kms/key:Key": { cfn: "AWS::KMS::Key", inputs: { deletionWindowInDays: "PendingWindowInDays", policy: "KeyPolicy" } },
    "aws:lambda/alias:Alias": { cfn: "AWS::Lambda::Alias" },
    "aws:lambda/function:Function": {
        cfn: "AWS::Lambda::Function",
        inputs: { name: "FunctionName", code: "Code/ZipFile", "loggingConfig.logGroup": "LoggingConfig/LogGroup" },
    },
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": {
        cfn: "AWS::Lambda::EventInvokeConfig",
        inputs: {
            "destinationConfig.onFailure.destination": "DestinationConfig/OnFailure/Destination",
            "destinationConfig.onSuccess.destination": "DestinationConfig/OnSuccess/Destination",
        },
    },
    "aws:lambda/functionUrl:FunctionUrl": { cfn: "AWS::Lambda::Url", inputs: { authorizationType: "AuthType", functionName: "TargetFunctionArn" } },
    // Invokes a function while the stack deploys (the Invoke API, no CloudFormation type): hand rules for the payload.
    "aws:lambda/invocation:Invocation": {
        inputs: { functionName: "AWS::Lambda::Function#/FunctionName", lifecycleScope: null, "triggers.{}": null },
    },
    "aws:lambda/permission:Permission": { cfn: "AWS::Lambda::Permission", inputs: { function: "FunctionName" } },
    "aws:lb/listener:Listener": {
        cfn: "AWS::ElasticLoadBalancingV2::Listener",
        inputs: {
            certificateArn: "Certificates/[]/CertificateArn",
            tags: "AWS::ElasticLoadBalancingV2::LoadBalancer#/Tags",
            "defaultActions[].redirect": "DefaultActions/[]/RedirectConfig",
            "defaultActions[].fixedResponse": "DefaultActions/[]/FixedResponseConfig",
            "defaultActions[].forward": "DefaultActions/[]/ForwardConfig",
        },
    },
    "aws:lb/listenerCertificate:ListenerCertificate": { cfn: "AWS::ElasticLoadBalancingV2::ListenerCertificate", inputs: { certificateArn: "Certificates/[]/CertificateArn" } },
    "aws:lb/listenerRule:ListenerRule": {
        cfn: "AWS::ElasticLoadBalancingV2::ListenerRule",
        inputs: {
            tags: "AWS::ElasticLoadBalancingV2::LoadBalancer#/Tags",
            "actions[].redirect": "Actions/[]/RedirectConfig",
            "actions[].fixedResponse": "Actions/[]/FixedResponseConfig",
            "actions[].forward": "Actions/[]/ForwardConfig",
            "conditions[].hostHeader.values[]": "Conditions/[]/HostHeaderConfig/Values/[]",
            "conditions[].pathPattern.values[]": "Conditions/[]/PathPatternConfig/Values/[]",
            "conditions[].httpHeader.httpHeaderName": "Conditions/[]/HttpHeaderConfig/HttpHeaderName",
            "conditions[].httpHeader.values[]": "Conditions/[]/HttpHeaderConfig/Values/[]",
        },
    },
    "aws:lb/loadBalancer:LoadBalancer": {
        cfn: "AWS::ElasticLoadBalancingV2::LoadBalancer",
        inputs: {
            loadBalancerType: "Type",
            "accessLogs.bucket": BUCKET_REF,
        },
    },
    "aws:lb/targetGroup:TargetGroup": {
        cfn: "AWS::ElasticLoadBalancingV2::TargetGroup",
        inputs: {
            "healthCheck.enabled": "HealthCheckEnabled",
            "healthCheck.healthyThreshold": "HealthyThresholdCount",
            "healthCheck.unhealthyThreshold": "UnhealthyThresholdCount",
            "healthCheck.interval": "HealthCheckIntervalSeconds",
            "healthCheck.timeout": "HealthCheckTimeoutSeconds",
            "healthCheck.matcher": "Matcher/HttpCode",
            "healthCheck.path": "HealthCheckPath",
            "healthCheck.port": "HealthCheckPort",
            "healthCheck.protocol": "HealthCheckProtocol",
        },
    },
    "aws:rds/instance:Instance": {
        cfn: "AWS::RDS::DBInstance",
        inputs: {
            identifier: "DBInstanceIdentifier",
            instanceClass: "DBInstanceClass",
            caCertIdentifier: "CACertificateIdentifier",
            enabledCloudwatchLogsExports: "EnableCloudwatchLogsExports",
            iamDatabaseAuthenticationEnabled: "EnableIAMDatabaseAuthentication",
            multiAz: "MultiAZ",
            parameterGroupName: "DBParameterGroupName",
            dbSubnetGroupName: "DBSubnetGroupName",
            username: "MasterUsername",
            vpcSecurityGroupIds: "VPCSecurityGroups",
            finalSnapshotIdentifier: "AWS::RDS::DBInstance#/DBSnapshotIdentifier",
            skipFinalSnapshot: null,
        },
    },
    "aws:rds/parameterGroup:ParameterGroup": {
        cfn: "AWS::RDS::DBParameterGroup",
        inputs: { name: "DBParameterGroupName" },
    },
    "aws:rds/subnetGroup:SubnetGroup": { cfn: "AWS::RDS::DBSubnetGroup", inputs: { name: "DBSubnetGroupName", description: "DBSubnetGroupDescription" } },
    "aws:route53/healthCheck:HealthCheck": {
        cfn: "AWS::Route53::HealthCheck",
        at: "HealthCheckConfig",
        inputs: { tags: "/HealthCheckTags", fqdn: "FullyQualifiedDomainName", enableSni: "EnableSNI" },
    },
    "aws:route53/record:Record": {
        cfn: "AWS::Route53::RecordSet",
        inputs: {
            zoneId: "HostedZoneId",
            records: "ResourceRecords",
            ttl: "TTL",
            "aliases[].name": "AliasTarget/DNSName",
            "aliases[].zoneId": "AliasTarget/HostedZoneId",
            "aliases[].evaluateTargetHealth": "AliasTarget/EvaluateTargetHealth",
            "latencyRoutingPolicies[].region": "Region",
        },
    },
    "aws:s3/bucket:Bucket": { cfn: "AWS::S3::Bucket", inputs: { bucket: "BucketName", forceDestroy: null } },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
        cfn: "AWS::S3::Bucket",
        at: "LifecycleConfiguration",
        inputs: {
            bucket: BUCKET_REF,
            "rules[].abortIncompleteMultipartUpload.daysAfterInitiation": "Rules/[]/AbortIncompleteMultipartUpload/DaysAfterInitiation",
            "rules[].expiration.days": "Rules/[]/ExpirationInDays",
            "rules[].expiration.expiredObjectDeleteMarker": "Rules/[]/ExpiredObjectDeleteMarker",
            "rules[].noncurrentVersionExpiration.noncurrentDays": "Rules/[]/NoncurrentVersionExpiration/NoncurrentDays",
            "rules[].noncurrentVersionExpiration.newerNoncurrentVersions": "Rules/[]/NoncurrentVersionExpiration/NewerNoncurrentVersions",
            "rules[].noncurrentVersionTransitions[].noncurrentDays": "Rules/[]/NoncurrentVersionTransitions/[]/TransitionInDays",
            "rules[].noncurrentVersionTransitions[].storageClass": "Rules/[]/NoncurrentVersionTransitions/[]/StorageClass",
            "rules[].transitions[].days": "Rules/[]/Transitions/[]/TransitionInDays",
            "rules[].transitions[].storageClass": "Rules/[]/Transitions/[]/StorageClass",
            "rules[].filter.prefix": "Rules/[]/Prefix",
        },
    },
    "aws:s3/bucketLogging:BucketLogging": {
        cfn: "AWS::S3::Bucket",
        at: "LoggingConfiguration",
        inputs: { bucket: BUCKET_REF, targetBucket: "DestinationBucketName", targetPrefix: "LogFilePrefix" },
    },
    "aws:s3/bucketNotification:BucketNotification": {
        cfn: "AWS::S3::Bucket",
        at: "NotificationConfiguration",
        inputs: { bucket: BUCKET_REF, eventbridge: "EventBridgeConfiguration/EventBridgeEnabled" },
    },
    // Objects are written with PutObject, which CloudFormation has no type for; their hand rules are S3's object limits.
    "aws:s3/bucketObjectv2:BucketObjectv2": {
        cfn: "AWS::S3::Bucket",
        inputs: { bucket: BUCKET_REF },
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
        cfn: "AWS::S3::Bucket",
        at: "OwnershipControls",
        inputs: { bucket: BUCKET_REF, "rule.objectOwnership": "Rules/[]/ObjectOwnership" },
    },
    "aws:s3/bucketPolicy:BucketPolicy": { cfn: "AWS::S3::BucketPolicy", inputs: { policy: "PolicyDocument" } },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { cfn: "AWS::S3::Bucket", at: "PublicAccessBlockConfiguration", inputs: { bucket: BUCKET_REF } },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        cfn: "AWS::S3::Bucket",
        at: "BucketEncryption",
        inputs: {
            bucket: BUCKET_REF,
            rules: "ServerSideEncryptionConfiguration",
            "rules[].applyServerSideEncryptionByDefault.sseAlgorithm": "ServerSideEncryptionConfiguration/[]/ServerSideEncryptionByDefault/SSEAlgorithm",
            "rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId": "ServerSideEncryptionConfiguration/[]/ServerSideEncryptionByDefault/KMSMasterKeyID",
        },
    },
    "aws:s3/bucketVersioning:BucketVersioning": { cfn: "AWS::S3::Bucket", at: "VersioningConfiguration", inputs: { bucket: BUCKET_REF, versioningConfiguration: "" } },
    "aws:secretsmanager/secret:Secret": { cfn: "AWS::SecretsManager::Secret" },
    "aws:secretsmanager/secretVersion:SecretVersion": { cfn: "AWS::SecretsManager::Secret", inputs: { secretId: "Id" } },
    "aws:sesv2/configurationSet:ConfigurationSet": {
        cfn: "AWS::SES::ConfigurationSet",
        inputs: { configurationSetName: "Name", tags: SES_TAGS, "suppressionOptions.suppressedReasons[]": "SuppressionOptions/SuppressedReasons/[]" },
    },
    "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination": {
        cfn: "AWS::SES::ConfigurationSetEventDestination",
        inputs: {
            eventDestinationName: "EventDestination/Name",
            "eventDestination.snsDestination.topicArn": "EventDestination/SnsDestination/TopicARN",
        },
    },
    "aws:sesv2/emailIdentity:EmailIdentity": {
        cfn: "AWS::SES::EmailIdentity",
        inputs: { configurationSetName: "ConfigurationSetAttributes/ConfigurationSetName", tags: SES_TAGS },
    },
    "aws:sfn/stateMachine:StateMachine": {
        cfn: "AWS::StepFunctions::StateMachine",
        inputs: {
            name: "StateMachineName",
            definition: "DefinitionString",
            type: "StateMachineType",
            "loggingConfiguration.logDestination": "LoggingConfiguration/Destinations/[]/CloudWatchLogsLogGroup/LogGroupArn",
        },
    },
    "aws:sns/topic:Topic": { cfn: "AWS::SNS::Topic", inputs: { name: "TopicName" } },
    "aws:sns/topicPolicy:TopicPolicy": { cfn: "AWS::SNS::TopicPolicy", inputs: { arn: "Topics/[]", policy: "PolicyDocument" } },
    "aws:sns/topicSubscription:TopicSubscription": { cfn: "AWS::SNS::Subscription", inputs: { topic: "TopicArn" } },
    "aws:sqs/queue:Queue": { cfn: "AWS::SQS::Queue", inputs: { name: "QueueName", messageRetentionSeconds: "MessageRetentionPeriod" } },
    "aws:sqs/queuePolicy:QueuePolicy": { cfn: "AWS::SQS::QueuePolicy", inputs: { queueUrl: "Queues/[]", policy: "PolicyDocument" } },
    "aws:ssm/maintenanceWindow:MaintenanceWindow": { cfn: "AWS::SSM::MaintenanceWindow" },
    "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": { cfn: "AWS::SSM::MaintenanceWindowTarget" },
    "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": {
        cfn: "AWS::SSM::MaintenanceWindowTask",
        inputs: {
            "taskInvocationParameters.runCommandParameters.documentVersion": "TaskInvocationParameters/MaintenanceWindowRunCommandParameters/DocumentVersion",
            "taskInvocationParameters.runCommandParameters.timeoutSeconds": "TaskInvocationParameters/MaintenanceWindowRunCommandParameters/TimeoutSeconds",
            "taskInvocationParameters.runCommandParameters.comment": "TaskInvocationParameters/MaintenanceWindowRunCommandParameters/Comment",
            "taskInvocationParameters.runCommandParameters.cloudwatchConfig.cloudwatchLogGroupName":
                "TaskInvocationParameters/MaintenanceWindowRunCommandParameters/CloudWatchOutputConfig/CloudWatchLogGroupName",
            "taskInvocationParameters.runCommandParameters.cloudwatchConfig.cloudwatchOutputEnabled":
                "TaskInvocationParameters/MaintenanceWindowRunCommandParameters/CloudWatchOutputConfig/CloudWatchOutputEnabled",
            "taskInvocationParameters.runCommandParameters.serviceRoleArn": "TaskInvocationParameters/MaintenanceWindowRunCommandParameters/ServiceRoleArn",
        },
    },
    "aws:ssm/patchBaseline:PatchBaseline": {
        cfn: "AWS::SSM::PatchBaseline",
        inputs: {
            "approvalRules[].approveAfterDays": "ApprovalRules/PatchRules/[]/ApproveAfterDays",
            "approvalRules[].complianceLevel": "ApprovalRules/PatchRules/[]/ComplianceLevel",
            "approvalRules[].enableNonSecurity": "ApprovalRules/PatchRules/[]/EnableNonSecurity",
            "approvalRules[].patchFilters[].key": "ApprovalRules/PatchRules/[]/PatchFilterGroup/PatchFilters/[]/Key",
            "approvalRules[].patchFilters[].values[]": "ApprovalRules/PatchRules/[]/PatchFilterGroup/PatchFilters/[]/Values/[]",
        },
    },
    "aws:ssm/patchGroup:PatchGroup": { cfn: "AWS::SSM::PatchBaseline", inputs: { baselineId: "Id", patchGroup: "PatchGroups/[]" } },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
        cfn: "AWS::EC2::SecurityGroupEgress",
        inputs: { cidrIpv4: "CidrIp", referencedSecurityGroupId: "DestinationSecurityGroupId", securityGroupId: "GroupId", tags: TAGS_ONLY_IN_API },
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        cfn: "AWS::EC2::SecurityGroupIngress",
        inputs: { cidrIpv4: "CidrIp", referencedSecurityGroupId: "SourceSecurityGroupId", securityGroupId: "GroupId", tags: TAGS_ONLY_IN_API },
    },
};
