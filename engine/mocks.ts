// Pulumi mocks for offline runs: realistic outputs per resource type and per invoke, and a recorder of every
// registered resource with its parent, options and inputs. The offline engine under the tools and the test suite.
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { autoName } from "./autoNames";

export const ACCOUNT_ID = "123456789012";
export const DEFAULT_REGION = "us-east-1";
export const DEPLOYER_ARN = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/platform-deployer/pulumi-session`;

/** Alias of a registered resource, as the resource declared it. */
export interface RecordedAlias {
    readonly urn?: string;
    readonly name?: string;
    readonly type?: string;
    readonly parentUrn?: string;
    readonly noParent?: boolean;
    readonly stack?: string;
    readonly project?: string;
}

/** One resource the program registered. */
export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly parentUrn?: string;
    readonly provider?: string;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    /** Input properties whose changes `pulumi up` leaves alone, as sent to the engine. */
    readonly ignoreChanges?: readonly string[];
    /** The deleteBeforeReplace option: a replacement deletes the old resource before creating the new one. */
    readonly deleteBeforeReplace?: boolean;
    readonly aliases: readonly RecordedAlias[];
    readonly dependencies: readonly string[];
    /** Input property -> URNs of the resources its value came from. */
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    readonly inputs: Record<string, any>;
    outputs: Record<string, any>;
}

const recorded: RecordedResource[] = [];
/** Why mocks refused a call; the SDK reduces a failed invoke to a bare `Error`, so the reason is kept here. */
const failures: string[] = [];

export function mockFailures(): readonly string[] {
    return failures;
}

export function recordedResources(): readonly RecordedResource[] {
    return recorded;
}

export function clearRecorded(): void {
    recorded.length = 0;
    failures.length = 0;
}

function hex(seed: string, length: number): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

function uuid(seed: string): string {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The name a resource has in AWS: the one the program gave, else the one pulumi-aws generates for its type
 * (engine/autoNames.ts), else, for a type without a name of its own, the logical name plus a stable suffix.
 */
export function physicalName(logical: string, type: string, inputs: Record<string, any> = {}): string {
    if (inputs.name !== undefined) return inputs.name;
    const auto = autoName(type, logical, inputs);
    return auto?.rule.property === "name" ? auto.value : `${logical}-${hex(`${type}::${logical}`, 7)}`;
}

type OutputFn = (ctx: { name: string; physical: string; region: string; inputs: Record<string, any> }) => Record<string, any>;

const arnOnly = (service: string, resource: (p: string) => string, global = false): OutputFn => ({ physical, region }) => ({
    arn: `arn:aws:${service}:${global ? "" : region}:${global && service === "s3" ? "" : ACCOUNT_ID}:${resource(physical)}`,
});

/** Outputs the provider would report, by type token. Types not listed get an id, name and a generic ARN. */
const RESOURCE_OUTPUTS: Record<string, OutputFn> = {
    "aws:iam/role:Role": ({ physical }) => ({ id: physical, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${physical}`, uniqueId: `AROA${hex(physical, 16).toUpperCase()}` }),
    "aws:iam/policy:Policy": ({ physical }) => ({ id: `arn:aws:iam::${ACCOUNT_ID}:policy/${physical}`, arn: `arn:aws:iam::${ACCOUNT_ID}:policy/${physical}` }),
    "aws:iam/user:User": ({ physical }) => ({ id: physical, arn: `arn:aws:iam::${ACCOUNT_ID}:user/${physical}` }),
    "aws:iam/group:Group": ({ physical }) => ({ id: physical, arn: `arn:aws:iam::${ACCOUNT_ID}:group/${physical}` }),
    "aws:iam/instanceProfile:InstanceProfile": ({ physical }) => ({ id: physical, arn: `arn:aws:iam::${ACCOUNT_ID}:instance-profile/${physical}` }),
    "aws:iam/rolePolicy:RolePolicy": ({ physical, inputs }) => ({ id: `${inputs.role}:${physical}` }),
    "aws:lambda/function:Function": ({ physical, region }) => {
        const arn = `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${physical}`;
        return {
            id: physical,
            arn,
            qualifiedArn: `${arn}:1`,
            version: "1",
            invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
            codeSha256: createHash("sha256").update(`code::${physical}`).digest("base64"),
        };
    },
    "aws:sns/topic:Topic": ({ physical, region }) => {
        const arn = `arn:aws:sns:${region}:${ACCOUNT_ID}:${physical}`;
        return { id: arn, arn };
    },
    "aws:sns/topicSubscription:TopicSubscription": ({ inputs }) => ({ id: `${inputs.topic}:${uuid(String(inputs.endpoint))}` }),
    "aws:sqs/queue:Queue": ({ physical, region }) => ({
        id: `https://sqs.${region}.amazonaws.com/${ACCOUNT_ID}/${physical}`,
        url: `https://sqs.${region}.amazonaws.com/${ACCOUNT_ID}/${physical}`,
        arn: `arn:aws:sqs:${region}:${ACCOUNT_ID}:${physical}`,
    }),
    "aws:kms/key:Key": ({ name, region }) => {
        const keyId = uuid(name);
        return { id: keyId, keyId, arn: `arn:aws:kms:${region}:${ACCOUNT_ID}:key/${keyId}` };
    },
    "aws:cloudwatch/logGroup:LogGroup": ({ physical, region }) => ({ id: physical, arn: `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${physical}` }),
    "aws:cloudwatch/eventRule:EventRule": ({ physical, region }) => ({ id: physical, arn: `arn:aws:events:${region}:${ACCOUNT_ID}:rule/${physical}` }),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ({ physical, region }) => ({ id: physical, arn: `arn:aws:cloudwatch:${region}:${ACCOUNT_ID}:alarm:${physical}` }),
    "aws:s3/bucket:Bucket": ({ name, inputs, region }) => {
        const bucket = inputs.bucket ?? autoName("aws:s3/bucket:Bucket", name)!.value;
        return { id: bucket, bucket, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com`, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`, region };
    },
    "aws:cloudtrail/trail:Trail": ({ physical, region }) => ({ id: physical, arn: `arn:aws:cloudtrail:${region}:${ACCOUNT_ID}:trail/${physical}` }),
    "aws:ec2/securityGroup:SecurityGroup": ({ name, region }) => {
        const id = `sg-${hex(name, 17)}`;
        return { id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:security-group/${id}`, ownerId: ACCOUNT_ID };
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ({ name, region }) => {
        const id = `sgr-${hex(name, 17)}`;
        return { id, securityGroupRuleId: id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:security-group-rule/${id}` };
    },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ({ name, region }) => {
        const id = `sgr-${hex(name, 17)}`;
        return { id, securityGroupRuleId: id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:security-group-rule/${id}` };
    },
    "aws:sfn/stateMachine:StateMachine": ({ physical, region }) => {
        const arn = `arn:aws:states:${region}:${ACCOUNT_ID}:stateMachine:${physical}`;
        return { id: arn, arn };
    },
    "aws:codepipeline/pipeline:Pipeline": ({ physical, region }) => ({ id: physical, arn: `arn:aws:codepipeline:${region}:${ACCOUNT_ID}:${physical}` }),
    "aws:dynamodb/table:Table": ({ physical, region }) => ({ id: physical, arn: `arn:aws:dynamodb:${region}:${ACCOUNT_ID}:table/${physical}` }),
    "aws:ec2/vpc:Vpc": ({ name, region }) => {
        const id = `vpc-${hex(name, 17)}`;
        return { id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:vpc/${id}` };
    },
    "aws:ec2/subnet:Subnet": ({ name, region, inputs }) => {
        const id = `subnet-${hex(name, 17)}`;
        if (typeof inputs.availabilityZone === "string") subnetZones.set(id, inputs.availabilityZone);
        return { id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:subnet/${id}` };
    },
    "aws:ec2/launchTemplate:LaunchTemplate": ({ name, region }) => {
        const id = `lt-${hex(name, 17)}`;
        return { id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:launch-template/${id}`, latestVersion: 1 };
    },
    "aws:lb/loadBalancer:LoadBalancer": ({ physical, region }) => {
        const arn = `arn:aws:elasticloadbalancing:${region}:${ACCOUNT_ID}:loadbalancer/app/${physical}/${hex(physical, 16)}`;
        return { id: arn, arn, arnSuffix: `app/${physical}/${hex(physical, 16)}`, dnsName: `${physical}-${hex(physical, 8)}.${region}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" };
    },
    "aws:ecr/repository:Repository": ({ physical, region }) => ({ id: physical, arn: `arn:aws:ecr:${region}:${ACCOUNT_ID}:repository/${physical}`, repositoryUrl: `${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${physical}` }),
    // SES, image handler and Athena workstation (scenarios 9 and 11).
    "aws:sesv2/configurationSet:ConfigurationSet": ({ inputs, region }) => ({
        id: inputs.configurationSetName,
        arn: `arn:aws:ses:${region}:${ACCOUNT_ID}:configuration-set/${inputs.configurationSetName}`,
    }),
    "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination": ({ inputs }) => ({
        id: `${inputs.configurationSetName}|${inputs.eventDestinationName}`,
    }),
    "aws:sesv2/emailIdentity:EmailIdentity": ({ inputs, region }) => ({
        id: inputs.emailIdentity,
        arn: `arn:aws:ses:${region}:${ACCOUNT_ID}:identity/${inputs.emailIdentity}`,
        identityType: String(inputs.emailIdentity).includes("@") ? "EMAIL_ADDRESS" : "DOMAIN",
        verifiedForSendingStatus: false,
        dkimSigningAttributes: {
            ...inputs.dkimSigningAttributes,
            currentSigningKeyLength: "RSA_2048_BIT",
            signingAttributesOrigin: "AWS_SES",
            status: "PENDING",
            tokens: [0, 1, 2].map((i) => hex(`${inputs.emailIdentity}-dkim-${i}`, 32)),
        },
    }),
    "aws:route53/record:Record": ({ inputs }) => ({ id: `${inputs.zoneId}_${inputs.name}_${inputs.type}`, fqdn: inputs.name }),
    // A hosted zone's id is Z and uppercase letters and digits, like the zones getZone finds.
    "aws:route53/zone:Zone": ({ inputs }) => {
        const zoneId = `Z${hex(String(inputs.name), 20).toUpperCase()}`;
        return { id: zoneId, zoneId, arn: `arn:aws:route53:::hostedzone/${zoneId}`, nameServers: ["ns-1.awsdns-01.org", "ns-2.awsdns-02.net"], primaryNameServer: "ns-1.awsdns-01.org" };
    },
    "aws:lambda/functionUrl:FunctionUrl": ({ name, region, inputs }) => {
        const urlId = hex(name, 32);
        return { id: inputs.functionName, urlId, functionUrl: `https://${urlId}.lambda-url.${region}.on.aws/`, functionArn: `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${inputs.functionName}` };
    },
    "aws:cloudfront/distribution:Distribution": ({ name }) => {
        const id = `E${hex(name, 13).toUpperCase()}`;
        return { id, arn: `arn:aws:cloudfront::${ACCOUNT_ID}:distribution/${id}`, domainName: `d${hex(`${name}-domain`, 13)}.cloudfront.net`, hostedZoneId: "Z2FDTNDATAQYW2", status: "Deployed", etag: `E${hex(`${name}-etag`, 13).toUpperCase()}` };
    },
    "aws:cloudfront/originAccessControl:OriginAccessControl": ({ name }) => ({ id: `E${hex(name, 13).toUpperCase()}`, etag: `E${hex(`${name}-etag`, 13).toUpperCase()}` }),
    "aws:cloudfront/cachePolicy:CachePolicy": ({ name }) => ({ id: uuid(name), etag: `E${hex(`${name}-etag`, 13).toUpperCase()}` }),
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": ({ name }) => ({ id: uuid(name), etag: `E${hex(`${name}-etag`, 13).toUpperCase()}` }),
    "aws:glue/catalogDatabase:CatalogDatabase": ({ physical, region }) => ({ id: `${ACCOUNT_ID}:${physical}`, catalogId: ACCOUNT_ID, arn: `arn:aws:glue:${region}:${ACCOUNT_ID}:database/${physical}` }),
    "aws:glue/catalogTable:CatalogTable": ({ physical, region, inputs }) => ({
        id: `${ACCOUNT_ID}:${inputs.databaseName}:${physical}`,
        catalogId: ACCOUNT_ID,
        arn: `arn:aws:glue:${region}:${ACCOUNT_ID}:table/${inputs.databaseName}/${physical}`,
    }),
    "aws:athena/workgroup:Workgroup": ({ physical, region }) => ({ id: physical, arn: `arn:aws:athena:${region}:${ACCOUNT_ID}:workgroup/${physical}` }),
    "aws:athena/namedQuery:NamedQuery": ({ name }) => ({ id: uuid(name) }),
    "aws:secretsmanager/secret:Secret": ({ physical, region }) => {
        const arn = `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${physical}-${hex(physical, 6)}`;
        return { id: arn, arn };
    },
    "aws:secretsmanager/secretVersion:SecretVersion": ({ name, inputs }) => {
        const versionId = uuid(name);
        return { id: `${inputs.secretId}|${versionId}`, versionId, arn: inputs.secretId, versionStages: ["AWSCURRENT"] };
    },
    "aws:ec2/instance:Instance": ({ name, region, inputs }) => {
        const id = `i-${hex(name, 17)}`;
        const n = parseInt(hex(name, 2), 16);
        return {
            id,
            arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:instance/${id}`,
            privateIp: `172.31.${n % 16}.${(n % 250) + 4}`,
            privateDns: `ip-172-31-${n % 16}-${(n % 250) + 4}.ec2.internal`,
            publicIp: inputs.associatePublicIpAddress ? `198.51.100.${(n % 250) + 4}` : "",
            publicDns: inputs.associatePublicIpAddress ? `ec2-198-51-100-${(n % 250) + 4}.compute-1.amazonaws.com` : "",
            instanceState: "running",
            availabilityZone: inputs.availabilityZone ?? (typeof inputs.subnetId === "string" ? zoneOfSubnet(inputs.subnetId, region) : `${region}a`),
            // The provider reports the Spot request of a Spot instance. The market options sit in the launch
            // template, which the mock cannot read; the program launches only Spot instances from templates.
            ...(inputs.launchTemplate ? { spotInstanceRequestId: `sir-${hex(`sir::${name}`, 8)}`, instanceLifecycle: "spot" } : {}),
        };
    },
    // Multi-region API (scenario 8).
    "aws:apigateway/restApi:RestApi": ({ name, region }) => {
        const id = hex(`restapi::${name}`, 10);
        return { id, rootResourceId: hex(`root::${name}`, 10), arn: `arn:aws:apigateway:${region}::/restapis/${id}`, executionArn: `arn:aws:execute-api:${region}:${ACCOUNT_ID}:${id}` };
    },
    "aws:apigateway/resource:Resource": ({ name, inputs }) => ({ id: hex(`resource::${name}`, 6), path: `/${inputs.pathPart}` }),
    "aws:apigateway/deployment:Deployment": ({ name }) => ({ id: hex(`deployment::${name}`, 6) }),
    "aws:apigateway/stage:Stage": ({ region, inputs }) => ({
        id: `ags-${inputs.restApi}-${inputs.stageName}`,
        arn: `arn:aws:apigateway:${region}::/restapis/${inputs.restApi}/stages/${inputs.stageName}`,
        executionArn: `arn:aws:execute-api:${region}:${ACCOUNT_ID}:${inputs.restApi}/${inputs.stageName}`,
        invokeUrl: `https://${inputs.restApi}.execute-api.${region}.amazonaws.com/${inputs.stageName}`,
    }),
    "aws:apigateway/domainName:DomainName": ({ region, inputs }) => ({
        id: inputs.domainName,
        arn: `arn:aws:apigateway:${region}::/domainnames/${inputs.domainName}`,
        regionalDomainName: `d-${hex(`${region}::${inputs.domainName}`, 10)}.execute-api.${region}.amazonaws.com`,
        // API Gateway's regional hosted zones (alias targets) where known, else a stable stand-in.
        regionalZoneId: ({ "us-east-1": "Z1UJRXOUMOOFQ8", "us-west-2": "Z2OJLYMUO9EFXC", "eu-west-1": "ZLY8HYME6SFDD" } as Record<string, string>)[region] ?? `Z${hex(region, 13).toUpperCase()}`,
    }),
    "aws:acm/certificate:Certificate": ({ name, region, inputs }) => {
        const arn = `arn:aws:acm:${region}:${ACCOUNT_ID}:certificate/${uuid(`${region}::${name}`)}`;
        // ACM derives the DNS validation record from the domain and the account: the same in every region.
        const domains: string[] = [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])];
        const domainValidationOptions = [...new Set(domains)].map((domainName) => {
            const base = domainName.replace(/^\*\./, "");
            return {
                domainName,
                resourceRecordName: `_${hex(`acm-name::${base}`, 32)}.${base}.`,
                resourceRecordType: "CNAME",
                resourceRecordValue: `_${hex(`acm-value::${base}`, 32)}.xlfgrmvvlj.acm-validations.aws.`,
            };
        });
        return { id: arn, arn, domainValidationOptions, status: "PENDING_VALIDATION" };
    },
    "aws:acm/certificateValidation:CertificateValidation": ({ inputs }) => ({ id: inputs.certificateArn, certificateArn: inputs.certificateArn }),
    "aws:route53/healthCheck:HealthCheck": ({ name }) => {
        const id = uuid(`healthcheck::${name}`);
        return { id, arn: `arn:aws:route53:::healthcheck/${id}` };
    },
    // Budget guardrail and Spot capacity (scenarios 5 and 4).
    "aws:budgets/budget:Budget": ({ physical }) => ({ id: `${ACCOUNT_ID}:${physical}`, accountId: ACCOUNT_ID, arn: `arn:aws:budgets::${ACCOUNT_ID}:budget/${physical}` }),
    "aws:iam/userLoginProfile:UserLoginProfile": ({ name, inputs }) => {
        // IAM generates the password; a stand-in of the requested length, never derived from anything secret.
        const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#%^*()_+-=";
        const bytes = createHash("sha256").update(`login::${name}`).digest();
        const length = inputs.passwordLength ?? 20;
        return { id: inputs.user, password: Array.from({ length }, (_, i) => alphabet[bytes[i % bytes.length] % alphabet.length]).join(""), keyFingerprint: "", encryptedPassword: "" };
    },
    "aws:iam/userGroupMembership:UserGroupMembership": ({ name }) => ({ id: `terraform-${hex(name, 26)}` }),
    "aws:lambda/invocation:Invocation": ({ inputs }) => ({ id: `${inputs.functionName}_$LATEST_${hex(String(inputs.input), 32)}`, result: invocationResult(inputs.input) }),
    "aws:autoscaling/group:Group": ({ physical, region }) => ({
        id: physical,
        arn: `arn:aws:autoscaling:${region}:${ACCOUNT_ID}:autoScalingGroup:${uuid(physical)}:autoScalingGroupName/${physical}`,
    }),
    // CJIS web environment (scenario 1): VPC plumbing and the database.
    "aws:ec2/internetGateway:InternetGateway": ({ name, region }) => {
        const id = `igw-${hex(name, 17)}`;
        return { id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:internet-gateway/${id}` };
    },
    "aws:ec2/eip:Eip": ({ name }) => {
        const id = `eipalloc-${hex(name, 17)}`;
        return { id, allocationId: id, publicIp: `203.0.113.${(parseInt(hex(name, 2), 16) % 250) + 4}` };
    },
    "aws:ec2/natGateway:NatGateway": ({ name }) => ({ id: `nat-${hex(name, 17)}` }),
    "aws:ec2/routeTable:RouteTable": ({ name, region }) => {
        const id = `rtb-${hex(name, 17)}`;
        return { id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:route-table/${id}` };
    },
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": ({ name, region }) => {
        const id = `pcx-${hex(name, 17)}`;
        return { id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:vpc-peering-connection/${id}`, acceptStatus: "active" };
    },
    "aws:rds/instance:Instance": ({ name, region, inputs }) => {
        // The provider's id is the instance's DbiResourceId, the name rds-db:connect policies use.
        const resourceId = `db-${hex(`rds::${name}`, 26).toUpperCase()}`;
        const identifier = inputs.identifier ?? name;
        const address = `${identifier}.${hex(`rds-host::${name}`, 12)}.${region}.rds.amazonaws.com`;
        const port = inputs.port ?? 3306;
        return {
            id: resourceId,
            resourceId,
            identifier,
            arn: `arn:aws:rds:${region}:${ACCOUNT_ID}:db:${identifier}`,
            address,
            port,
            endpoint: `${address}:${port}`,
            masterUserSecrets: inputs.manageMasterUserPassword
                ? [{ secretArn: `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:rds!db-${uuid(name)}-${hex(name, 6)}`, kmsKeyId: "alias/aws/secretsmanager", secretStatus: "active" }]
                : [],
        };
    },
    // Windows containers, patch/inspect/protect and the Ops Automator (scenarios 2, 6, 9).
    "aws:ebs/volume:Volume": ({ name, region }) => {
        const id = `vol-${hex(name, 17)}`;
        return { id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:volume/${id}` };
    },
    "aws:ec2/volumeAttachment:VolumeAttachment": ({ name, inputs }) => ({ id: `vai-${hex(`${inputs.deviceName}${name}`, 10)}` }),
    "aws:ecs/cluster:Cluster": ({ physical, region }) => ({ id: `arn:aws:ecs:${region}:${ACCOUNT_ID}:cluster/${physical}`, arn: `arn:aws:ecs:${region}:${ACCOUNT_ID}:cluster/${physical}` }),
    "aws:ecs/capacityProvider:CapacityProvider": ({ physical, region }) => ({ id: physical, arn: `arn:aws:ecs:${region}:${ACCOUNT_ID}:capacity-provider/${physical}` }),
    "aws:ecs/taskDefinition:TaskDefinition": ({ inputs, region }) => {
        const base = `arn:aws:ecs:${region}:${ACCOUNT_ID}:task-definition/${inputs.family}`;
        return { id: inputs.family, arn: `${base}:1`, arnWithoutRevision: base, revision: 1 };
    },
    "aws:ecs/service:Service": ({ physical, region, inputs }) => {
        const cluster = String(inputs.cluster ?? "default").split("/").pop();
        const arn = `arn:aws:ecs:${region}:${ACCOUNT_ID}:service/${cluster}/${physical}`;
        return { id: arn, arn };
    },
    "aws:lb/targetGroup:TargetGroup": ({ physical, region }) => {
        const arnSuffix = `targetgroup/${physical.slice(0, 32)}/${hex(physical, 16)}`;
        return { id: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT_ID}:${arnSuffix}`, arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT_ID}:${arnSuffix}`, arnSuffix };
    },
    "aws:lb/listener:Listener": ({ name, region, inputs }) => {
        const lb = String(inputs.loadBalancerArn ?? "").split(":loadbalancer/").pop();
        const arn = `arn:aws:elasticloadbalancing:${region}:${ACCOUNT_ID}:listener/${lb}/${hex(name, 16)}`;
        return { id: arn, arn };
    },
    "aws:appautoscaling/target:Target": ({ inputs, region }) => ({
        id: inputs.resourceId,
        arn: `arn:aws:application-autoscaling:${region}:${ACCOUNT_ID}:scalable-target/${hex(String(inputs.resourceId), 28)}`,
    }),
    "aws:appautoscaling/policy:Policy": ({ physical, region, inputs }) => {
        const arn = `arn:aws:autoscaling:${region}:${ACCOUNT_ID}:scalingPolicy:${uuid(physical)}:resource/ecs/${inputs.resourceId}:policyName/${physical}`;
        return { id: physical, arn, alarmArns: [] };
    },
    "aws:ssm/patchBaseline:PatchBaseline": ({ name, region }) => {
        const id = `pb-${hex(name, 17)}`;
        return { id, arn: `arn:aws:ssm:${region}:${ACCOUNT_ID}:patchbaseline/${id}` };
    },
    "aws:ssm/maintenanceWindow:MaintenanceWindow": ({ name }) => ({ id: `mw-${hex(name, 17)}` }),
    "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": ({ name }) => ({ id: uuid(`mwt::${name}`) }),
    "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": ({ name, region, inputs }) => {
        const id = uuid(`mwtask::${name}`);
        return { id, windowTaskId: id, arn: `arn:aws:ssm:${region}:${ACCOUNT_ID}:windowtask/${inputs.windowId}/${id}` };
    },
    "aws:inspector2/enabler:Enabler": ({ inputs }) => ({ id: `${(inputs.accountIds ?? []).join(",")}-${(inputs.resourceTypes ?? []).join(",")}` }),
    "aws:dynamodb/tableItem:TableItem": ({ inputs }) => ({ id: `${inputs.tableName}|${inputs.hashKey}|${hex(String(inputs.item), 12)}` }),
};

/**
 * What an invoked function answers on a fresh stack, by the shape of its input: the canary demo's publisher
 * ({functionName, codeSha256}) reports the two versions it published; other invocations answer "{}".
 */
function invocationResult(input: unknown): string {
    const payload = typeof input === "string" ? JSON.parse(input) : input;
    if (payload && typeof payload.functionName === "string" && typeof payload.codeSha256 === "string") {
        return JSON.stringify({ functionName: payload.functionName, stableVersion: "1", candidateVersion: "2" });
    }
    return "{}";
}

/** Outputs of awsx components: remote components are one opaque resource under mocks, so ids are all there is. */
const COMPONENT_OUTPUTS: Record<string, OutputFn> = {
    "awsx:ec2:Vpc": ({ name, region }) => {
        // awsx puts subnet i of each kind in the region's zone i.
        const subnets = (kind: string) =>
            [0, 1].map((i) => {
                const id = `subnet-${hex(`${name}-${kind}-${i}`, 17)}`;
                subnetZones.set(id, zonesOf(region)[i]);
                return id;
            });
        return {
            vpcId: `vpc-${hex(name, 17)}`,
            publicSubnetIds: subnets("public"),
            privateSubnetIds: subnets("private"),
            isolatedSubnetIds: subnets("isolated"),
        };
    },
    "awsx:ec2:DefaultVpc": () => ({
        vpcId: "vpc-0d3fa17de5a2e9c01",
        publicSubnetIds: ["subnet-0d3fa17de5a2e9c0a", "subnet-0d3fa17de5a2e9c0b"],
        privateSubnetIds: [],
    }),
};

/** Renders aws.iam.getPolicyDocument statements the way the provider does. */
function policyDocumentJson(inputs: Record<string, any>): string {
    const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
    const principals = (list: any[] | undefined) =>
        list && Object.fromEntries(list.map((p) => [p.type, p.identifiers.length === 1 ? p.identifiers[0] : p.identifiers]));
    const one = (v: any[] | undefined) => (v && v.length === 1 ? v[0] : v);
    return JSON.stringify({
        Version: inputs.version ?? "2012-10-17",
        Statement: (inputs.statements ?? []).map((s: any) => ({
            ...(s.sid ? { Sid: s.sid } : {}),
            Effect: cap(s.effect ?? "allow"),
            ...(s.actions ? { Action: one(s.actions) } : {}),
            ...(s.notActions ? { NotAction: one(s.notActions) } : {}),
            ...(s.resources ? { Resource: one(s.resources) } : {}),
            ...(s.principals ? { Principal: principals(s.principals) } : {}),
            ...(s.conditions
                ? {
                      Condition: s.conditions.reduce((acc: any, c: any) => {
                          acc[c.test] = { ...(acc[c.test] ?? {}), [c.variable]: one(c.values) };
                          return acc;
                      }, {}),
                  }
                : {}),
        })),
    });
}

/** Invoke results, by function token. An invoke not listed fails the run, so a new one gets a realistic mock. */
const INVOKE_RESULTS: Record<string, (inputs: Record<string, any>, region: string) => Record<string, any>> = {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({ id: ACCOUNT_ID, accountId: ACCOUNT_ID, arn: DEPLOYER_ARN, userId: "AROAEXAMPLEID:pulumi-session" }),
    "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
    "aws:index/getRegion:getRegion": (_i, region) => ({ id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region }),
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_i, region) => ({
        id: region,
        names: zonesOf(region),
        zoneIds: [1, 2, 3].map((n) => `use1-az${n}`),
    }),
    // DescribeInstanceTypeOfferings by Availability Zone: one row per zone and requested type the zone offers. The
    // program always filters by instance type (the unfiltered answer is every type AWS has).
    "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": (inputs, region) => {
        const filters: Array<{ name: string; values: string[] }> = inputs.filters ?? [];
        const types = filters.find((f) => f.name === "instance-type")?.values;
        if (inputs.locationType !== "availability-zone" || !types) {
            const reason = "the getInstanceTypeOfferings mock answers by availability-zone, filtered by instance-type";
            failures.push(reason);
            throw new Error(reason);
        }
        const locations = filters.find((f) => f.name === "location")?.values;
        const rows = zonesOf(region)
            .filter((zone) => !locations || locations.includes(zone))
            .flatMap((zone) => types.filter((t) => !(account.unofferedInstanceTypes[zone] ?? []).includes(t)).map((t) => ({ zone, t })));
        return {
            id: region,
            region,
            filters: inputs.filters,
            locationType: inputs.locationType,
            instanceTypes: rows.map((r) => r.t),
            locations: rows.map((r) => r.zone),
            locationTypes: rows.map(() => "availability-zone"),
        };
    },
    "aws:ec2/getVpc:getVpc": (inputs, region) => {
        if (inputs.default && !account.defaultVpc) throw new Error("invoking aws:ec2/getVpc:getVpc: no matching EC2 VPC found");
        return { id: "vpc-0d3fa17de5a2e9c01", arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:vpc/vpc-0d3fa17de5a2e9c01`, cidrBlock: "172.31.0.0/16", default: true };
    },
    // The plural lookup, filtered by is-default, lists the default VPC, or nothing in an account without one.
    "aws:ec2/getVpcs:getVpcs": (inputs, region) => {
        const filters: Array<{ name: string; values: string[] }> = inputs.filters ?? [];
        const wantsDefault = filters.some((f) => f.name === "is-default" && f.values.includes("true"));
        return { id: region, filters: inputs.filters, ids: wantsDefault && !account.defaultVpc ? [] : ["vpc-0d3fa17de5a2e9c01"] };
    },
    "aws:iam/getPolicyDocument:getPolicyDocument": (inputs) => ({ id: "policy", json: policyDocumentJson(inputs) }),
    "aws:ssm/getParameter:getParameter": (inputs, region) => ({
        id: inputs.name,
        name: inputs.name,
        type: "String",
        value: "ami-0abcdef1234567890",
        arn: `arn:aws:ssm:${region}::parameter${inputs.name}`,
    }),
    // DescribeSubnets filters: subnet-id picks among given subnets, else the default VPC's default subnets answer;
    // default-for-az and availability-zone narrow them as in AWS.
    "aws:ec2/getSubnets:getSubnets": (inputs, region) => {
        const filters: Array<{ name: string; values: string[] }> = inputs.filters ?? [];
        const values = (name: string) => filters.find((f) => f.name === name)?.values;
        let ids = values("subnet-id") ?? (account.defaultVpc ? [...DEFAULT_SUBNETS] : []);
        if (values("default-for-az")?.includes("true")) ids = account.defaultVpc ? ids.filter((id) => DEFAULT_SUBNETS.includes(id)) : [];
        const zones = values("availability-zone");
        if (zones) ids = ids.filter((id) => zones.includes(zoneOfSubnet(id, region)));
        return { id: region, filters: inputs.filters, ids };
    },
    "aws:ec2/getSubnet:getSubnet": (inputs, region) => ({
        id: inputs.id,
        arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:subnet/${inputs.id}`,
        vpcId: "vpc-0d3fa17de5a2e9c01",
        availabilityZone: zoneOfSubnet(inputs.id, region),
        cidrBlock: "172.31.0.0/20",
        mapPublicIpOnLaunch: true,
    }),
    "aws:route53/getZone:getZone": (inputs) => {
        if (account.hostedZones && !account.hostedZones.includes(String(inputs.name))) {
            // The provider's answer when no zone has exactly that name.
            throw new Error("invoking aws:route53/getZone:getZone: no matching Route 53 Hosted Zone found");
        }
        const zoneId = `Z${hex(String(inputs.name), 20).toUpperCase()}`;
        return { id: zoneId, zoneId, name: inputs.name, privateZone: inputs.privateZone ?? false, nameServers: ["ns-1.awsdns-01.org"] };
    },
    "aws:secretsmanager/getRandomPassword:getRandomPassword": (inputs, region) => {
        const length = inputs.passwordLength ?? 32;
        const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        const bytes = createHash("sha256").update(`password-${length}`).digest();
        const randomPassword = Array.from({ length }, (_, i) => alphabet[bytes[i % bytes.length] % alphabet.length]).join("");
        return { ...inputs, id: region, region, randomPassword };
    },
};

/** What the mocked account holds, where accounts differ. */
export interface MockAccount {
    /** The region has a default VPC (landing-zone accounts usually have none). */
    readonly defaultVpc: boolean;
    /** The only public hosted zones, by name; unset, every name has one. */
    readonly hostedZones?: readonly string[];
    /**
     * Instance types an Availability Zone does not offer, by zone name (`us-east-1a`). AZ names map to different
     * physical zones per account, and not every zone offers every type.
     */
    readonly unofferedInstanceTypes: Readonly<Record<string, readonly string[]>>;
}

const USUAL_ACCOUNT: MockAccount = { defaultVpc: true, unofferedInstanceTypes: {} };
let account: MockAccount = USUAL_ACCOUNT;

/** Runs `body` against an account that differs from the usual one as `facts` say, restoring it afterwards. */
export async function withAccount<T>(facts: Partial<MockAccount>, body: () => Promise<T>): Promise<T> {
    const saved = account;
    account = { ...account, ...facts };
    try {
        return await body();
    } finally {
        account = saved;
    }
}

/** Runs `body` against an account without a default VPC, restoring the usual account afterwards. */
export function withoutDefaultVpc<T>(body: () => Promise<T>): Promise<T> {
    return withAccount({ defaultVpc: false }, body);
}

/** Runs `body` against an account whose only public hosted zones are `names` (usually every name has one). */
export function withHostedZones<T>(names: readonly string[], body: () => Promise<T>): Promise<T> {
    return withAccount({ hostedZones: names }, body);
}

/** Runs `body` against an account where these zones do not offer these instance types (`{ "us-east-1a": ["t3.micro"] }`). */
export function withoutInstanceTypes<T>(unoffered: Readonly<Record<string, readonly string[]>>, body: () => Promise<T>): Promise<T> {
    return withAccount({ unofferedInstanceTypes: unoffered }, body);
}

/** The mocked region's Availability Zones. */
function zonesOf(region: string): string[] {
    return ["a", "b", "c"].map((z) => `${region}${z}`);
}

/** The default VPC's default subnets, in its first two zones. */
const DEFAULT_SUBNETS = ["subnet-0d3fa17de5a2e9c0a", "subnet-0d3fa17de5a2e9c0b"];

/** Zone of each subnet the program created or an awsx VPC reported, by id. */
const subnetZones = new Map<string, string>();

/**
 * The zone a subnet lies in: the default subnets in the region's first zones, a created subnet in its own, and any
 * other (a subnet id from the settings) in a zone derived from its id, as an existing subnet has one.
 */
function zoneOfSubnet(id: string, region: string): string {
    const zones = zonesOf(region);
    const index = DEFAULT_SUBNETS.indexOf(id);
    if (index >= 0) return zones[index];
    return subnetZones.get(id) ?? zones[parseInt(hex(id, 2), 16) % zones.length];
}

/** Region of each explicit AWS provider, by provider id (a resource names its provider as "<provider urn>::<provider id>"). */
const providerRegions = new Map<string, string>();

function regionOfProvider(reference: string | undefined): string | undefined {
    return reference ? providerRegions.get(reference.slice(reference.lastIndexOf("::") + 2)) : undefined;
}

class Mocks implements pulumi.runtime.Mocks {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
        if (!args.custom) {
            const component = COMPONENT_OUTPUTS[args.type];
            const region = new pulumi.Config("aws").get("region") ?? DEFAULT_REGION;
            const state = component ? component({ name: args.name, physical: args.name, region, inputs: args.inputs }) : {};
            return { id: "", state };
        }
        if (args.type === "pulumi:providers:aws") {
            const id = uuid(`provider::${args.name}::${args.inputs.region ?? ""}`);
            if (args.inputs.region) providerRegions.set(id, args.inputs.region);
            return { id, state: { ...args.inputs } };
        }
        const region = args.inputs.region ?? regionOfProvider(args.provider) ?? new pulumi.Config("aws").get("region") ?? DEFAULT_REGION;
        const physical = physicalName(args.name, args.type, args.inputs);
        // The input the provider fills when the program leaves it out (a bucket's `bucket`, a target's `targetId`).
        const auto = autoName(args.type, args.name, args.inputs);
        const named = auto && args.inputs[auto.rule.property] === undefined ? { [auto.rule.property]: auto.value } : {};
        const service = args.type.split(":")[1]?.split("/")[0] ?? "unknown";
        const fn = RESOURCE_OUTPUTS[args.type] ?? arnOnly(service, (p) => `${args.name}/${p}`);
        const outputs = fn({ name: args.name, physical, region, inputs: args.inputs });
        const id = outputs.id ?? physical;
        return { id, state: { ...args.inputs, name: physical, ...named, ...outputs, id } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        const fn = INVOKE_RESULTS[args.token];
        if (!fn) {
            const reason = `No mock for invoke ${args.token}: add a realistic result to engine/mocks.ts`;
            failures.push(reason);
            throw new Error(reason);
        }
        return fn(args.inputs, args.inputs.region ?? regionOfProvider(args.provider) ?? new pulumi.Config("aws").get("region") ?? DEFAULT_REGION);
    }
}

function aliasOf(a: any): RecordedAlias {
    if (a.hasUrn?.() || (a.getUrn?.() && !a.hasSpec?.())) return { urn: a.getUrn() };
    const spec = a.getSpec?.();
    if (!spec) return {};
    return {
        name: spec.getName() || undefined,
        type: spec.getType() || undefined,
        parentUrn: spec.getParenturn() || undefined,
        noParent: spec.getNoparent() || undefined,
        stack: spec.getStack() || undefined,
        project: spec.getProject() || undefined,
    };
}

function propertyDependenciesOf(req: any): Record<string, string[]> {
    const deps: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((value: any, key: string) => {
        deps[key] = value.getUrnsList();
    });
    return deps;
}

export interface MockOptions {
    /** Run as a preview (`pulumi preview`, `isDryRun()` true) rather than an update (`pulumi up`). @default false */
    readonly preview?: boolean;
}

/**
 * Installs the mocks for a stack and hooks the mock monitor so every registration is recorded with its
 * parent and options (the Mocks interface alone sees neither).
 */
export function installMocks(stack: string, options: MockOptions = {}): void {
    pulumi.runtime.setMocks(new Mocks(), "aws-blueprints", stack, options.preview ?? false);
    const monitor: any = pulumi.runtime.getMonitor();
    const rpc = require("@pulumi/pulumi/runtime/rpc");
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
        register(req, (err: any, resp: any) => {
            if (!err) {
                recorded.push({
                    urn: resp.getUrn(),
                    type: req.getType(),
                    name: req.getName(),
                    custom: req.getCustom(),
                    parentUrn: req.getParent() || undefined,
                    provider: req.getProvider() || undefined,
                    protect: req.getProtect() === true,
                    retainOnDelete: req.getRetainondelete() === true,
                    ignoreChanges: req.getIgnorechangesList(),
                    deleteBeforeReplace: req.getDeletebeforereplace() === true,
                    aliases: [...req.getAliasurnsList().map((urn: string) => ({ urn })), ...req.getAliasesList().map(aliasOf)],
                    dependencies: req.getDependenciesList(),
                    propertyDependencies: propertyDependenciesOf(req),
                    inputs: rpc.deserializeProperties(req.getObject()),
                    outputs: rpc.deserializeProperties(resp.getObject()),
                });
            }
            callback(err, resp);
        });
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: any, resp: any) => void) => {
        const r = recorded.find((x) => x.urn === req.getUrn());
        if (r) r.outputs = rpc.deserializeProperties(req.getOutputs());
        registerOutputs(req, callback);
    };
}
