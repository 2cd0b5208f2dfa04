// How pulumi-aws names a resource the program leaves unnamed, per type, so the mocks hand every layer the name AWS
// will see. From pulumi-aws's provider/resources.go (tfbridge.AutoName, AutoNameTransform, AutoNameWithCustomOptions,
// FromName, and setAutonaming, which gives every other `name` input AutoName("name", 255, "-")) and the bridge's
// ComputeAutoNameDefault (pulumi-terraform-bridge pkg/tfbridge/info/autonaming.go): the URN's name, transformed,
// then the separator and random characters. Nothing is truncated: a name that would pass the maximum length fails
// the preview ("name '<prefix>' plus 7 random chars is longer than maximum length N"). The maximum is the provider's
// own; AWS's limit, which can be shorter (a state machine's 80 under the default 255), is the constraints layer's.
import { createHash } from "node:crypto";

export interface AutoNameRule {
    /** The input the provider fills. */
    readonly property: string;
    /** The provider refuses a name longer than this (prefix + separator + random characters); undefined: no limit. */
    readonly maxLength?: number;
    readonly separator: string;
    readonly randomLength: number;
    /** Characters of the random part; hex digits unless said. */
    readonly charset?: "hex" | "lowercase letters";
    /** Applied to the URN's name before the suffix is added. */
    readonly lowercase?: boolean;
    /** Prepended after the suffix, when the name does not start with it already (KMS aliases). */
    readonly prefix?: string;
    /** An input that, when true, makes the provider append `.fifo` (SQS queues, SNS topics). */
    readonly fifoInput?: string;
}

/** setAutonaming's rule for every `name` input without a rule of its own. */
const DEFAULT: AutoNameRule = { property: "name", maxLength: 255, separator: "-", randomLength: 7 };

/**
 * The auto-naming of every type the program registers that has one. A type whose pulumi-aws Args have an optional
 * `name` and no entry of its own gets the default; the test of the constraints layer checks this table against the
 * installed SDK's declarations, so a new type is listed here.
 */
export const AUTO_NAMES: Readonly<Record<string, AutoNameRule>> = {
    ...Object.fromEntries(
        [
            "aws:apigateway/restApi:RestApi",
            "aws:appautoscaling/policy:Policy",
            "aws:athena/namedQuery:NamedQuery",
            "aws:athena/workgroup:Workgroup",
            "aws:autoscaling/group:Group",
            "aws:autoscaling/policy:Policy",
            "aws:budgets/budget:Budget",
            "aws:cfg/deliveryChannel:DeliveryChannel",
            "aws:cfg/recorder:Recorder",
            "aws:cfg/recorderStatus:RecorderStatus",
            "aws:cfg/rule:Rule",
            "aws:cloudfront/cachePolicy:CachePolicy",
            "aws:cloudfront/originAccessControl:OriginAccessControl",
            "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
            "aws:cloudtrail/trail:Trail",
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:cloudwatch/logMetricFilter:LogMetricFilter",
            "aws:codepipeline/pipeline:Pipeline",
            "aws:dynamodb/table:Table",
            "aws:ec2/launchTemplate:LaunchTemplate",
            "aws:ec2/securityGroup:SecurityGroup",
            "aws:ecr/repository:Repository",
            "aws:ecs/capacityProvider:CapacityProvider",
            "aws:ecs/cluster:Cluster",
            "aws:ecs/service:Service",
            "aws:iam/group:Group",
            "aws:iam/instanceProfile:InstanceProfile",
            "aws:iam/rolePolicy:RolePolicy",
            "aws:iam/user:User",
            "aws:iam/userPolicy:UserPolicy",
            "aws:lambda/alias:Alias",
            "aws:lb/loadBalancer:LoadBalancer",
            "aws:rds/parameterGroup:ParameterGroup",
            "aws:rds/subnetGroup:SubnetGroup",
            "aws:secretsmanager/secret:Secret",
            "aws:sfn/stateMachine:StateMachine",
            "aws:ssm/maintenanceWindow:MaintenanceWindow",
            "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
            "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
            "aws:ssm/patchBaseline:PatchBaseline",
        ].map((type) => [type, DEFAULT]),
    ),
    "aws:cloudwatch/eventRule:EventRule": { ...DEFAULT, maxLength: 64 },
    "aws:cloudwatch/eventTarget:EventTarget": { ...DEFAULT, property: "targetId" },
    "aws:cloudwatch/metricAlarm:MetricAlarm": DEFAULT,
    "aws:iam/role:Role": { ...DEFAULT, maxLength: 64 },
    "aws:lambda/function:Function": { ...DEFAULT, maxLength: 64 },
    "aws:lambda/permission:Permission": { ...DEFAULT, property: "statementId", maxLength: 100 },
    "aws:lb/targetGroup:TargetGroup": { ...DEFAULT, maxLength: 32 },
    "aws:sns/topic:Topic": { ...DEFAULT, maxLength: 80, fifoInput: "fifoTopic" },
    "aws:sqs/queue:Queue": { ...DEFAULT, maxLength: 80, fifoInput: "fifoQueue" },
    "aws:kms/alias:Alias": { ...DEFAULT, maxLength: 238, prefix: "alias/" },
    "aws:s3/bucket:Bucket": { ...DEFAULT, property: "bucket", maxLength: 63, lowercase: true },
    // resource.NewUniqueHex(name, 7, 255): no separator.
    "aws:rds/instance:Instance": { property: "identifier", maxLength: 255, separator: "", randomLength: 7 },
    // Glue (and so Athena) names: lowercase, "_" and eight lowercase letters, no maximum.
    "aws:glue/catalogDatabase:CatalogDatabase": { property: "name", separator: "_", randomLength: 8, charset: "lowercase letters", lowercase: true },
    "aws:glue/catalogTable:CatalogTable": { property: "name", separator: "_", randomLength: 8, charset: "lowercase letters", lowercase: true },
};

function randomPart(seed: string, rule: AutoNameRule): string {
    const digest = createHash("sha256").update(seed).digest();
    if (rule.charset === "lowercase letters") return Array.from({ length: rule.randomLength }, (_, i) => String.fromCharCode(97 + (digest[i] % 26))).join("");
    return digest.toString("hex").slice(0, rule.randomLength);
}

/** What the provider sends as the auto-named input of a resource the program left unnamed. */
export interface AutoName {
    readonly rule: AutoNameRule;
    readonly value: string;
    /** The provider's own limit is exceeded: `pulumi preview` fails before anything reaches AWS. */
    readonly overLimit: boolean;
}

/**
 * The name pulumi-aws gives a resource of `type` named `logical` in the program, with a stable stand-in for the
 * random part (same length and characters), or undefined for a type it does not auto-name. With `namePrefix` the
 * Terraform provider names it instead: the prefix, a timestamp of 18 digits and an 8-digit hex counter
 * (terraform-plugin-sdk id.PrefixedUniqueId), and the provider's auto-name does not apply.
 */
export function autoName(type: string, logical: string, inputs: Record<string, unknown> = {}): AutoName | undefined {
    const rule = AUTO_NAMES[type];
    if (!rule) return undefined;
    if (rule.property === "name" && typeof inputs.namePrefix === "string") {
        const digest = createHash("sha256").update(`${type}::${logical}`).digest();
        const timestamp = Array.from({ length: 18 }, (_, i) => String(digest[i] % 10)).join("");
        return { rule, value: `${inputs.namePrefix}${timestamp}${digest.subarray(18, 22).toString("hex")}`, overLimit: false };
    }
    const base = rule.lowercase ? logical.toLowerCase() : logical;
    // The random part's seed keeps the names the mocks have always given, so the committed plans stay as they are.
    const seed = type === "aws:s3/bucket:Bucket" ? `bucket::${logical}` : `${type}::${logical}`;
    let value = `${base}${rule.separator}${randomPart(seed, rule)}`;
    const overLimit = rule.maxLength !== undefined && value.length > rule.maxLength;
    if (rule.prefix && !value.startsWith(rule.prefix)) value = `${rule.prefix}${value}`;
    if (rule.fifoInput && inputs[rule.fifoInput] === true) value = `${value}.fifo`;
    return { rule, value, overLimit };
}
