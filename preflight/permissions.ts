// Every AWS call the preflight makes, by SDK client and command, with the IAM action it needs: all of them read
// (IAM access level Read or List), so a read-only role such as the pull-request preview role can run it. The
// documentation lists these actions (docs/pull-requests.md, the README and each scenario page's "AWS permissions").

export const PREFLIGHT_ACTIONS: Readonly<Record<string, string>> = {
    "STSClient.GetCallerIdentityCommand": "sts:GetCallerIdentity",
    // network and quotas
    "EC2Client.DescribeVpcsCommand": "ec2:DescribeVpcs",
    "EC2Client.DescribeInstanceTypeOfferingsCommand": "ec2:DescribeInstanceTypeOfferings",
    "EC2Client.DescribeInstanceTypesCommand": "ec2:DescribeInstanceTypes",
    "EC2Client.DescribeInstancesCommand": "ec2:DescribeInstances",
    "EC2Client.DescribeInternetGatewaysCommand": "ec2:DescribeInternetGateways",
    "EC2Client.DescribeAddressesCommand": "ec2:DescribeAddresses",
    "EC2Client.DescribeNatGatewaysCommand": "ec2:DescribeNatGateways",
    "EC2Client.DescribeSubnetsCommand": "ec2:DescribeSubnets",
    "ServiceQuotasClient.GetServiceQuotaCommand": "servicequotas:GetServiceQuota",
    "ServiceQuotasClient.GetAWSDefaultServiceQuotaCommand": "servicequotas:GetAWSDefaultServiceQuota",
    "ElasticLoadBalancingV2Client.DescribeLoadBalancersCommand": "elasticloadbalancing:DescribeLoadBalancers",
    "EventBridgeClient.ListRulesCommand": "events:ListRules",
    "S3Client.ListBucketsCommand": "s3:ListAllMyBuckets",
    "IAMClient.GetAccountSummaryCommand": "iam:GetAccountSummary",
    "Route53Client.GetAccountLimitCommand": "route53:GetAccountLimit",
    "RDSClient.DescribeAccountAttributesCommand": "rds:DescribeAccountAttributes",
    // singletons and names that exist
    "ConfigServiceClient.DescribeConfigurationRecordersCommand": "config:DescribeConfigurationRecorders",
    "ConfigServiceClient.DescribeDeliveryChannelsCommand": "config:DescribeDeliveryChannels",
    "ConfigServiceClient.DescribeConfigurationRecorderStatusCommand": "config:DescribeConfigurationRecorderStatus",
    "APIGatewayClient.GetAccountCommand": "apigateway:GET",
    "APIGatewayClient.GetDomainNameCommand": "apigateway:GET",
    "Inspector2Client.BatchGetAccountStatusCommand": "inspector2:BatchGetAccountStatus",
    "SSMClient.DescribePatchGroupsCommand": "ssm:DescribePatchGroups",
    "CloudWatchLogsClient.DescribeLogGroupsCommand": "logs:DescribeLogGroups",
    "CloudTrailClient.GetTrailCommand": "cloudtrail:GetTrail",
    "CloudTrailClient.DescribeTrailsCommand": "cloudtrail:DescribeTrails",
    "CloudTrailClient.GetTrailStatusCommand": "cloudtrail:GetTrailStatus",
    "KMSClient.DescribeKeyCommand": "kms:DescribeKey",
    "AthenaClient.GetWorkGroupCommand": "athena:GetWorkGroup",
    "ECSClient.ListTaskDefinitionFamiliesCommand": "ecs:ListTaskDefinitionFamilies",
    "GlueClient.GetDatabaseCommand": "glue:GetDatabase",
    "RDSClient.DescribeDBInstancesCommand": "rds:DescribeDBInstances",
    "BudgetsClient.DescribeBudgetCommand": "budgets:ViewBudget",
    "SESv2Client.GetConfigurationSetCommand": "ses:GetConfigurationSet",
    "SESv2Client.GetEmailIdentityCommand": "ses:GetEmailIdentity",
    "SESv2Client.GetAccountCommand": "ses:GetAccount",
    "S3Client.GetBucketLocationCommand": "s3:GetBucketLocation",
    // hosted zones, records and certificates
    "Route53Client.GetHostedZoneCommand": "route53:GetHostedZone",
    "Route53Client.ListResourceRecordSetsCommand": "route53:ListResourceRecordSets",
    "ACMClient.DescribeCertificateCommand": "acm:DescribeCertificate",
    "CloudFrontClient.ListDistributionsCommand": "cloudfront:ListDistributions",
    // deletions a deployed stack would make
    "S3Client.ListObjectVersionsCommand": "s3:ListBucketVersions",
    "ECRClient.ListImagesCommand": "ecr:ListImages",
};

/** The IAM actions the preflight needs, each once, sorted. */
export function preflightActions(): string[] {
    return [...new Set(Object.values(PREFLIGHT_ACTIONS))].sort();
}
