// Allowed values from the AWS SDK's service models, where CloudFormation's schema leaves a property a free string:
// the AWS SDK for JavaScript v3 keeps each model's `enum` shapes as exported objects (it drops lengths and patterns).
// The clients are the project's dev dependencies, installed by npm ci; an unknown export fails the test.

/** An enum of one SDK client: `{ client: "lambda", name: "Runtime" }` is `require("@aws-sdk/client-lambda").Runtime`. */
export interface SdkEnum {
    readonly client: string;
    readonly name: string;
}

const e = (client: string, name: string): SdkEnum => ({ client, name });

/** Type -> normalized input path -> the enum its values come from. */
export const SDK_ENUMS: Readonly<Record<string, Readonly<Record<string, SdkEnum>>>> = {
    "aws:lambda/function:Function": { runtime: e("lambda", "Runtime"), "architectures[]": e("lambda", "Architecture") },
    "aws:ec2/instance:Instance": {
        instanceType: e("ec2", "_InstanceType"),
        "rootBlockDevice.volumeType": e("ec2", "VolumeType"),
        "metadataOptions.httpTokens": e("ec2", "HttpTokensState"),
        "metadataOptions.httpEndpoint": e("ec2", "InstanceMetadataEndpointState"),
    },
    "aws:ec2/launchTemplate:LaunchTemplate": {
        instanceType: e("ec2", "_InstanceType"),
        "blockDeviceMappings[].ebs.volumeType": e("ec2", "VolumeType"),
        "metadataOptions.httpTokens": e("ec2", "HttpTokensState"),
        "metadataOptions.httpEndpoint": e("ec2", "InstanceMetadataEndpointState"),
        "tagSpecifications[].resourceType": e("ec2", "ResourceType"),
    },
    "aws:autoscaling/group:Group": { "mixedInstancesPolicy.launchTemplate.overrides[].instanceType": e("ec2", "_InstanceType") },
    "aws:ebs/volume:Volume": { type: e("ec2", "VolumeType") },
    "aws:ec2/eip:Eip": { domain: e("ec2", "DomainType") },
    "aws:ec2/flowLog:FlowLog": { trafficType: e("ec2", "TrafficType"), logDestinationType: e("ec2", "LogDestinationType") },
    "aws:ec2/natGateway:NatGateway": { connectivityType: e("ec2", "ConnectivityType") },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        comparisonOperator: e("cloudwatch", "ComparisonOperator"),
        statistic: e("cloudwatch", "Statistic"),
        unit: e("cloudwatch", "StandardUnit"),
    },
    "aws:dynamodb/table:Table": { billingMode: e("dynamodb", "BillingMode"), "attributes[].type": e("dynamodb", "ScalarAttributeType") },
    "aws:sfn/stateMachine:StateMachine": { type: e("sfn", "StateMachineType"), "loggingConfiguration.level": e("sfn", "LogLevel") },
    "aws:budgets/budget:Budget": {
        budgetType: e("budgets", "BudgetType"),
        timeUnit: e("budgets", "TimeUnit"),
        "notifications[].comparisonOperator": e("budgets", "ComparisonOperator"),
        "notifications[].notificationType": e("budgets", "NotificationType"),
        "notifications[].thresholdType": e("budgets", "ThresholdType"),
    },
    "aws:codepipeline/pipeline:Pipeline": {
        pipelineType: e("codepipeline", "PipelineType"),
        executionMode: e("codepipeline", "ExecutionMode"),
        "artifactStores[].type": e("codepipeline", "ArtifactStoreType"),
        "artifactStores[].encryptionKey.type": e("codepipeline", "EncryptionKeyType"),
        "stages[].actions[].category": e("codepipeline", "ActionCategory"),
        "stages[].actions[].owner": e("codepipeline", "ActionOwner"),
    },
    "aws:ssm/patchBaseline:PatchBaseline": {
        operatingSystem: e("ssm", "OperatingSystem"),
        "approvalRules[].complianceLevel": e("ssm", "PatchComplianceLevel"),
        "approvalRules[].patchFilters[].key": e("ssm", "PatchFilterKey"),
    },
    "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": { resourceType: e("ssm", "MaintenanceWindowResourceType") },
    "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": { taskType: e("ssm", "MaintenanceWindowTaskType") },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
        "rules[].status": e("s3", "ExpirationStatus"),
        "rules[].transitions[].storageClass": e("s3", "TransitionStorageClass"),
        "rules[].noncurrentVersionTransitions[].storageClass": e("s3", "TransitionStorageClass"),
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": { "rule.objectOwnership": e("s3", "ObjectOwnership") },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        "rules[].applyServerSideEncryptionByDefault.sseAlgorithm": e("s3", "ServerSideEncryption"),
    },
    "aws:s3/bucketVersioning:BucketVersioning": { "versioningConfiguration.status": e("s3", "BucketVersioningStatus") },
};

const loaded = new Map<string, readonly string[]>();

/** The values of an SDK enum, from the installed client. */
export function sdkEnumValues(ref: SdkEnum): readonly string[] {
    const key = `${ref.client}.${ref.name}`;
    if (!loaded.has(key)) {
        const client = require(`@aws-sdk/client-${ref.client}`) as Record<string, unknown>;
        const values = client[ref.name];
        if (!values || typeof values !== "object") throw new Error(`@aws-sdk/client-${ref.client} exports no enum ${ref.name}`);
        loaded.set(key, Object.values(values as Record<string, string>));
    }
    return loaded.get(key)!;
}

/** Where an enum's findings say they come from. */
export function sdkEnumSource(ref: SdkEnum): string {
    let version = "";
    try {
        version = `@${require(`@aws-sdk/client-${ref.client}/package.json`).version}`;
    } catch {
        version = "";
    }
    return `AWS SDK service model, enum ${ref.name} of @aws-sdk/client-${ref.client}${version}`;
}
