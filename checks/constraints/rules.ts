// Hand rules: what AWS requires of an input but writes only in prose (an API reference's constraints, a quota, a
// rule between two properties or between two resources), each citing the AWS page it comes from. The CloudFormation
// schemas (schemas.ts) carry the rest.
import type { EffectiveResource } from "./check";
import { valuesAt } from "./paths";

/** One value a hand rule refuses. */
export interface HandViolation {
    readonly path: string;
    readonly value: unknown;
    /** Overrides the rule's text where the message needs the specifics. */
    readonly rule?: string;
}

export interface HandRule {
    /** Pulumi type tokens it applies to; "*" for every type (tags). */
    readonly types: readonly string[] | "*";
    /** The input paths it checks (normalized: `a.b`, `a[]`, `a.{}`), for the coverage report. */
    readonly paths: readonly string[];
    /** What AWS requires. */
    readonly rule: string;
    /** The AWS documentation page that says so. */
    readonly source: string;
    readonly check: (resource: EffectiveResource, stack: StackView) => HandViolation[];
}

/** The resources of one stack, for rules between resources. */
export class StackView {
    constructor(readonly resources: readonly EffectiveResource[]) {}

    ofType(type: string): EffectiveResource[] {
        return this.resources.filter((r) => r.resource.type === type);
    }

    /** The resource of a type whose output (id, arn, name) is this value: how one input refers to another resource. */
    byOutput(type: string, output: string, value: unknown): EffectiveResource | undefined {
        return this.ofType(type).find((r) => r.resource.outputs[output] === value || r.inputs[output] === value);
    }
}

type Inputs = Record<string, any>;

function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

/** A name rule from a service's API reference: length, characters, and what it may not start or end with. */
function nameRule(
    types: readonly string[],
    property: string,
    limits: { min?: number; max: number; pattern?: RegExp; describe: string; forbidden?: Array<[RegExp, string]> },
    source: string,
): HandRule {
    const min = limits.min ?? 1;
    return {
        types,
        paths: [property],
        rule: limits.describe ? `${min}-${limits.max} characters: ${limits.describe}` : `${min}-${limits.max} characters`,
        source,
        check: (r) => {
            const value = str(r.inputs[property]);
            if (value === undefined) return [];
            const out: HandViolation[] = [];
            const length = [...value].length;
            if (length < min || length > limits.max) out.push({ path: property, value, rule: `${min}-${limits.max} characters (it has ${length})` });
            if (limits.pattern && !limits.pattern.test(value)) out.push({ path: property, value, rule: limits.describe });
            for (const [re, why] of limits.forbidden ?? []) if (re.test(value)) out.push({ path: property, value, rule: why });
            return out;
        },
    };
}

const IAM_NAME = /^[\w+=,.@-]+$/;
const IAM_NAME_TEXT = "letters, digits and +=,.@_-";

/** A number in a range, from a service's API reference. */
function range(types: readonly string[], path: string, min: number, max: number, source: string, unit = ""): HandRule {
    return {
        types,
        paths: [path],
        rule: `between ${min} and ${max}${unit}`,
        source,
        check: (r) =>
            valuesAt(r.inputs, path)
                .filter(({ value }) => typeof value === "number" && (value < min || value > max))
                .map(({ path: at, value }) => ({ path: at, value })),
    };
}

/** One of a list of values the API reference names. */
function oneOf(types: readonly string[], path: string, allowed: readonly (string | number)[], source: string): HandRule {
    return {
        types,
        paths: [path],
        rule: `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
        source,
        check: (r) => valuesAt(r.inputs, path).filter(({ value }) => !allowed.includes(value as string | number)).map(({ path: at, value }) => ({ path: at, value })),
    };
}

/** At most this many characters (or, with `bytes`, bytes of UTF-8). */
function maxLength(types: readonly string[], path: string, max: number, source: string, bytes = false): HandRule {
    const size = (v: string) => (bytes ? Buffer.byteLength(v, "utf8") : [...v].length);
    return {
        types,
        paths: [path],
        rule: `at most ${max} ${bytes ? "bytes" : "characters"}`,
        source,
        check: (r) =>
            valuesAt(r.inputs, path)
                .filter(({ value }) => typeof value === "string" && size(value) > max)
                .map(({ path: at, value }) => ({ path: at, value, rule: `at most ${max} ${bytes ? "bytes" : "characters"} (it has ${size(value as string)})` })),
    };
}

/** Characters a service accepts, as a pattern over the whole value. */
function characters(types: readonly string[], path: string, pattern: RegExp, describe: string, source: string): HandRule {
    return {
        types,
        paths: [path],
        rule: describe,
        source,
        check: (r) => valuesAt(r.inputs, path).filter(({ value }) => typeof value === "string" && !pattern.test(value)).map(({ path: at, value }) => ({ path: at, value })),
    };
}

/** A policy document's size as IAM counts it: characters, white space outside strings not counted. */
function policySize(document: unknown): number {
    const text = typeof document === "string" ? document : JSON.stringify(document);
    try {
        return JSON.stringify(JSON.parse(text)).length;
    } catch {
        return text.length;
    }
}

function cidr(value: unknown): { base: number; bits: number } | undefined {
    const m = typeof value === "string" ? /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(value) : null;
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    if (octets.some((o) => o > 255) || Number(m[5]) > 32) return undefined;
    return { base: octets.reduce((a, o) => a * 256 + o, 0), bits: Number(m[5]) };
}

/** Every map of tags in a resource's inputs (`tags`, `tagSpecifications[].tags`, ...), and an ASG's list of tags. */
function tagMaps(inputs: unknown, at = ""): Array<{ path: string; tags: Record<string, unknown> }> {
    const out: Array<{ path: string; tags: Record<string, unknown> }> = [];
    if (Array.isArray(inputs)) inputs.forEach((v, i) => out.push(...tagMaps(v, `${at}[${i}]`)));
    else if (inputs && typeof inputs === "object") {
        for (const [k, v] of Object.entries(inputs)) {
            const path = at ? `${at}.${k}` : k;
            if (k === "tags" && v && typeof v === "object" && !Array.isArray(v)) out.push({ path, tags: v as Record<string, unknown> });
            else if (k === "tags" && Array.isArray(v) && v.every((t) => t && typeof t === "object" && "key" in t)) {
                out.push({ path, tags: Object.fromEntries(v.map((t: Inputs) => [t.key, t.value])) });
            } else out.push(...tagMaps(v, path));
        }
    }
    return out;
}

const TAGGING = "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html";
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const EC2_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
const EC2_DESCRIPTION_TEXT = "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*";
const LAMBDA_LIMITS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html";
const IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";
const TARGET_GROUP = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html";
const ALB_QUOTAS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html";
const PUT_METRIC_ALARM = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html";
const PUT_RULE = "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html";
const EVENT_TARGET = "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html";
const RECORD_SET = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html";
const SG_RULES = ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"];
const LAMBDA = ["aws:lambda/function:Function"];
const ALARM = ["aws:cloudwatch/metricAlarm:MetricAlarm"];
const TG = ["aws:lb/targetGroup:TargetGroup"];
const API_METHODS = ["aws:apigateway/method:Method", "aws:apigateway/integration:Integration", "aws:apigateway/integrationResponse:IntegrationResponse", "aws:apigateway/methodResponse:MethodResponse"];
/** The bucket and every resource that configures one by its name. */
const S3_BUCKET_TYPES = [
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLogging:BucketLogging",
    "aws:s3/bucketNotification:BucketNotification",
    "aws:s3/bucketObjectv2:BucketObjectv2",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
];

/** Environment variables Lambda sets itself and refuses from a function's configuration. */
const LAMBDA_RESERVED_VARIABLES = [
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
];

export const HAND_RULES: readonly HandRule[] = [
    // Names, where CloudFormation's schema gives the property no constraint.
    nameRule(["aws:iam/role:Role"], "name", { max: 64, pattern: IAM_NAME, describe: IAM_NAME_TEXT }, "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html"),
    nameRule(["aws:iam/user:User"], "name", { max: 64, pattern: IAM_NAME, describe: IAM_NAME_TEXT }, "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html"),
    nameRule(["aws:iam/group:Group"], "name", { max: 128, pattern: IAM_NAME, describe: IAM_NAME_TEXT }, "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html"),
    nameRule(["aws:iam/instanceProfile:InstanceProfile"], "name", { max: 128, pattern: IAM_NAME, describe: IAM_NAME_TEXT }, "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html"),
    nameRule(["aws:iam/rolePolicy:RolePolicy"], "name", { max: 128, pattern: IAM_NAME, describe: IAM_NAME_TEXT }, "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html"),
    nameRule(["aws:iam/userPolicy:UserPolicy"], "name", { max: 128, pattern: IAM_NAME, describe: IAM_NAME_TEXT }, "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html"),
    characters(
        ["aws:iam/role:Role"],
        "description",
        /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]{0,1000}$/,
        "at most 1000 characters of Basic Latin and Latin-1 (no typographic dashes or quotes)",
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
    ),
    characters(
        ["aws:iam/group:Group", "aws:iam/user:User"],
        "path",
        /^(\/|\/[\u0021-\u007E]{1,510}\/)$/,
        "/ alone, or /text/ of printable ASCII, at most 512 characters",
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html",
    ),
    nameRule(LAMBDA, "name", { max: 64, pattern: /^[a-zA-Z0-9_-]+$/, describe: "letters, digits, hyphens and underscores" }, "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html"),
    nameRule(["aws:lambda/permission:Permission"], "statementId", { max: 100, pattern: /^[a-zA-Z0-9_.-]+$/, describe: "letters, digits and -_." }, "https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html"),
    nameRule(["aws:cloudwatch/eventTarget:EventTarget"], "targetId", { max: 64, pattern: /^[.\-_A-Za-z0-9]+$/, describe: "letters, digits and .-_" }, EVENT_TARGET),
    nameRule(["aws:cloudwatch/eventRule:EventRule"], "name", { max: 64, pattern: /^[.\-_A-Za-z0-9]+$/, describe: "letters, digits and .-_" }, PUT_RULE),
    nameRule(
        [...TG, "aws:lb/loadBalancer:LoadBalancer"],
        "name",
        {
            max: 32,
            pattern: /^[a-zA-Z0-9-]+$/,
            describe: "letters, digits and hyphens",
            forbidden: [
                [/^-|-$/, "must not begin or end with a hyphen"],
                [/^internal-/, "must not begin with internal-"],
            ],
        },
        TARGET_GROUP,
    ),
    nameRule(
        S3_BUCKET_TYPES,
        "bucket",
        {
            min: 3,
            max: 63,
            pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
            describe: "lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit",
            forbidden: [
                [/\.\./, "must not have two adjacent periods"],
                [/^\d+\.\d+\.\d+\.\d+$/, "must not be an IP address"],
                [/^(xn--|sthree-|amzn-s3-demo-)/, "must not begin with xn--, sthree- or amzn-s3-demo-"],
                [/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/, "must not end with -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3"],
            ],
        },
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
    ),
    nameRule(
        ["aws:sns/topic:Topic"],
        "name",
        { max: 256, pattern: /^[A-Za-z0-9_-]+(\.fifo)?$/, describe: "letters, digits, hyphens and underscores (a FIFO topic ends in .fifo)" },
        "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
    ),
    nameRule(
        ["aws:sqs/queue:Queue"],
        "name",
        { max: 80, pattern: /^[A-Za-z0-9_-]+(\.fifo)?$/, describe: "letters, digits, hyphens and underscores (a FIFO queue ends in .fifo)" },
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html",
    ),
    nameRule(
        ["aws:ec2/securityGroup:SecurityGroup"],
        "name",
        { max: 255, pattern: EC2_DESCRIPTION, describe: EC2_DESCRIPTION_TEXT, forbidden: [[/^sg-/i, "must not begin with sg-"]] },
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
    ),
    nameRule(
        ["aws:ecs/capacityProvider:CapacityProvider"],
        "name",
        { max: 255, pattern: /^[a-zA-Z0-9_-]+$/, describe: "letters, digits, hyphens and underscores", forbidden: [[/^(aws|ecs|fargate)/i, "must not begin with aws, ecs or fargate"]] },
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCapacityProvider.html",
    ),
    nameRule(["aws:ecs/cluster:Cluster", "aws:ecs/service:Service"], "name", { max: 255, pattern: /^[a-zA-Z0-9_-]+$/, describe: "letters, digits, hyphens and underscores" }, "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html"),
    nameRule(["aws:secretsmanager/secret:Secret"], "name", { max: 512, pattern: /^[a-zA-Z0-9/_+=.@-]+$/, describe: "letters, digits and /_+=.@-" }, "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html"),
    // CloudFormation's schema has the 1-80 characters; the characters are the API's.
    characters(
        ["aws:sfn/stateMachine:StateMachine"],
        "name",
        /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]*$/u,
        "no white space, brackets, wildcards, control characters or \"#%\\^|~`$&,;:/",
        "https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html",
    ),
    // CloudFormation's schema has the length and characters; the API also refuses adjacent separators.
    characters(
        ["aws:cloudtrail/trail:Trail"],
        "name",
        /^(?!.*[._-]{2})/,
        "no adjacent periods, underscores or dashes",
        "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html",
    ),
    nameRule(["aws:budgets/budget:Budget"], "name", { max: 100, pattern: /^[^:\\]+$/, describe: "no : or \\" }, "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Budget.html"),
    nameRule(["aws:cfg/rule:Rule"], "name", { max: 128, pattern: /\S/, describe: "not only white space" }, "https://docs.aws.amazon.com/config/latest/APIReference/API_ConfigRule.html"),
    nameRule(
        ["aws:cfg/recorder:Recorder", "aws:cfg/deliveryChannel:DeliveryChannel", "aws:cfg/recorderStatus:RecorderStatus"],
        "name",
        { max: 256, describe: "" },
        "https://docs.aws.amazon.com/config/latest/APIReference/API_ConfigurationRecorder.html",
    ),
    // CloudFormation's pattern has the shape; RDS stores the name lowercase and the provider refuses capitals.
    characters(
        ["aws:rds/parameterGroup:ParameterGroup"],
        "name",
        /^[a-z0-9-]{1,255}$/,
        "1-255 lowercase letters, digits and hyphens",
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html",
    ),
    nameRule(
        ["aws:rds/subnetGroup:SubnetGroup"],
        "name",
        { max: 255, pattern: /^[a-z0-9 ._-]+$/, describe: "lowercase letters, digits, periods, underscores, spaces and hyphens", forbidden: [[/^default$/i, "must not be default"]] },
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html",
    ),
    nameRule(
        ["aws:glue/catalogDatabase:CatalogDatabase", "aws:glue/catalogTable:CatalogTable"],
        "name",
        { max: 255, pattern: /^[a-z0-9_]+$/, describe: "lowercase letters, digits and underscores (Athena reads no other database or table names)" },
        "https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html",
    ),
    characters(
        ["aws:kms/alias:Alias"],
        "name",
        /^alias\/(?!aws\/)/,
        "alias/ followed by a name that does not begin with aws/ (reserved for AWS managed keys)",
        "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
    ),
    characters(
        ["aws:apigateway/stage:Stage"],
        "stageName",
        /^[a-zA-Z0-9_-]{1,128}$/,
        "1-128 letters, digits, hyphens and underscores",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-stages.html",
    ),

    // Tags: the limits every service shares. EC2 takes any character; the characters every service accepts are the
    // letters, digits, spaces and _.:/=+-@ (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions).
    {
        types: "*",
        paths: ["tags.{}", "tags[].key", "tags[].value", "tagSpecifications[].tags.{}", "rootBlockDevice.tags.{}"],
        rule: "at most 50 tags; keys of 1-128 and values of at most 256 characters (outside EC2: letters, digits, spaces and _.:/=+-@); no key beginning with aws:",
        source: TAGGING,
        check: (r) => {
            const out: HandViolation[] = [];
            const anyCharacter = /^aws:(ec2|ebs|vpc)\//.test(r.resource.type);
            const allowed = (text: string) => anyCharacter || TAG_CHARACTERS.test(text);
            for (const { path, tags } of tagMaps(r.inputs)) {
                const keys = Object.keys(tags);
                if (keys.length > 50) out.push({ path, value: keys.length, rule: `at most 50 tags (it has ${keys.length})` });
                for (const [k, v] of Object.entries(tags)) {
                    if ([...k].length < 1 || [...k].length > 128 || !allowed(k)) out.push({ path: `${path}.${k}`, value: k, rule: "a tag key of 1-128 characters: letters, digits, spaces and _.:/=+-@" });
                    if (/^aws:/i.test(k)) out.push({ path: `${path}.${k}`, value: k, rule: "a tag key not beginning with aws: (reserved for AWS)" });
                    const value = String(v ?? "");
                    if ([...value].length > 256 || !allowed(value)) out.push({ path: `${path}.${k}`, value, rule: "a tag value of at most 256 characters: letters, digits, spaces and _.:/=+-@" });
                }
            }
            return out;
        },
    },
    {
        types: ["aws:s3/bucketObjectv2:BucketObjectv2"],
        paths: ["tags.{}"],
        rule: "at most 10 tags on an object",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html",
        check: (r) => {
            const count = Object.keys((r.inputs.tags as Inputs) ?? {}).length;
            return count > 10 ? [{ path: "tags", value: count, rule: `at most 10 tags on an object (it has ${count})` }] : [];
        },
    },
    maxLength(["aws:s3/bucketObjectv2:BucketObjectv2"], "key", 1024, "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html", true),

    // EC2 and VPC.
    characters(["aws:ec2/securityGroup:SecurityGroup"], "description", /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/, `at most 255 characters: ${EC2_DESCRIPTION_TEXT}`, "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html"),
    characters([...SG_RULES, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"], "description", /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/, `at most 255 characters: ${EC2_DESCRIPTION_TEXT}`, "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html"),
    characters(["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"], "ingress[].description", /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/, `at most 255 characters: ${EC2_DESCRIPTION_TEXT}`, "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html"),
    {
        types: SG_RULES,
        paths: ["fromPort", "toPort", "ipProtocol", "cidrIpv4"],
        rule: "ports 0-65535 with fromPort <= toPort for tcp and udp (ICMP type and code -1-255); an IPv4 CIDR block",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html",
        check: (r) => {
            const { fromPort, toPort, ipProtocol, cidrIpv4 } = r.inputs as Inputs;
            const out: HandViolation[] = [];
            const icmp = ipProtocol === "icmp" || ipProtocol === "1";
            const [lo, hi] = icmp ? [-1, 255] : [0, 65535];
            for (const [path, v] of [["fromPort", fromPort], ["toPort", toPort]] as const) {
                if (typeof v === "number" && (v < lo || v > hi)) out.push({ path, value: v, rule: `between ${lo} and ${hi}` });
            }
            if (!icmp && typeof fromPort === "number" && typeof toPort === "number" && fromPort > toPort) out.push({ path: "fromPort", value: fromPort, rule: `at most toPort (${toPort})` });
            if (cidrIpv4 !== undefined && !cidr(cidrIpv4)) out.push({ path: "cidrIpv4", value: cidrIpv4, rule: "an IPv4 CIDR block like 10.0.0.0/16" });
            return out;
        },
    },
    {
        types: ["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet"],
        paths: ["cidrBlock"],
        rule: "an IPv4 CIDR block between /16 and /28; a subnet's inside its VPC's",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
        check: (r, stack) => {
            const block = cidr(r.inputs.cidrBlock);
            if (r.inputs.cidrBlock === undefined) return [];
            if (!block || block.bits < 16 || block.bits > 28) return [{ path: "cidrBlock", value: r.inputs.cidrBlock, rule: "an IPv4 CIDR block with a netmask between /16 and /28" }];
            if (r.resource.type !== "aws:ec2/subnet:Subnet") return [];
            const vpc = stack.byOutput("aws:ec2/vpc:Vpc", "id", r.inputs.vpcId);
            const outer = vpc ? cidr(vpc.inputs.cidrBlock) : undefined;
            if (!outer) return [];
            const size = (b: { bits: number }) => 2 ** (32 - b.bits);
            const inside = block.bits >= outer.bits && Math.floor(block.base / size(outer)) === Math.floor(outer.base / size(outer));
            return inside ? [] : [{ path: "cidrBlock", value: r.inputs.cidrBlock, rule: `inside the VPC's ${String(vpc!.inputs.cidrBlock)}` }];
        },
    },
    {
        types: ["aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate"],
        paths: ["userData"],
        rule: "user data of at most 16 KB before base64 encoding (a launch template's is base64 already)",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html",
        check: (r) => {
            const data = str(r.inputs.userData);
            if (data === undefined) return [];
            const raw = r.resource.type === "aws:ec2/launchTemplate:LaunchTemplate" ? Buffer.from(data, "base64") : Buffer.from(data, "utf8");
            return raw.length > 16 * 1024 ? [{ path: "userData", value: `${raw.length} bytes`, rule: `at most 16 KB (16384 bytes) before base64 encoding (it has ${raw.length})` }] : [];
        },
    },
    maxLength(["aws:ec2/launchTemplate:LaunchTemplate"], "description", 255, "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html"),
    nameRule(
        ["aws:ec2/launchTemplate:LaunchTemplate"],
        "name",
        { min: 3, max: 128, pattern: /^[a-zA-Z0-9().\-/_]+$/, describe: "letters, digits and ().-/_" },
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html",
    ),

    // Auto Scaling.
    {
        types: ["aws:autoscaling/group:Group"],
        paths: ["minSize", "maxSize", "desiredCapacity"],
        rule: "minSize <= desiredCapacity <= maxSize",
        source: "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html",
        check: (r) => {
            const { minSize, maxSize, desiredCapacity } = r.inputs as Inputs;
            const out: HandViolation[] = [];
            if (typeof minSize === "number" && typeof maxSize === "number" && minSize > maxSize) out.push({ path: "minSize", value: minSize, rule: `at most maxSize (${maxSize})` });
            if (typeof desiredCapacity === "number" && typeof minSize === "number" && desiredCapacity < minSize) out.push({ path: "desiredCapacity", value: desiredCapacity, rule: `at least minSize (${minSize})` });
            if (typeof desiredCapacity === "number" && typeof maxSize === "number" && desiredCapacity > maxSize) out.push({ path: "desiredCapacity", value: desiredCapacity, rule: `at most maxSize (${maxSize})` });
            return out;
        },
    },
    oneOf(["aws:autoscaling/group:Group"], "mixedInstancesPolicy.instancesDistribution.spotAllocationStrategy", ["lowest-price", "capacity-optimized", "capacity-optimized-prioritized", "price-capacity-optimized"], "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html"),
    oneOf(["aws:autoscaling/group:Group"], "mixedInstancesPolicy.instancesDistribution.onDemandAllocationStrategy", ["lowest-price", "prioritized"], "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html"),
    range(["aws:autoscaling/group:Group"], "mixedInstancesPolicy.instancesDistribution.onDemandPercentageAboveBaseCapacity", 0, 100, "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html"),
    oneOf(["aws:autoscaling/group:Group"], "healthCheckType", ["EC2", "ELB", "VPC_LATTICE", "EBS"], "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html"),
    {
        types: ["aws:appautoscaling/target:Target"],
        paths: ["minCapacity", "maxCapacity"],
        rule: "minCapacity <= maxCapacity",
        source: "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html",
        check: (r) => {
            const { minCapacity, maxCapacity } = r.inputs as Inputs;
            return typeof minCapacity === "number" && typeof maxCapacity === "number" && minCapacity > maxCapacity ? [{ path: "minCapacity", value: minCapacity, rule: `at most maxCapacity (${maxCapacity})` }] : [];
        },
    },

    // Lambda.
    range(LAMBDA, "timeout", 1, 900, LAMBDA_LIMITS, " seconds"),
    range(LAMBDA, "memorySize", 128, 10240, LAMBDA_LIMITS, " MB"),
    {
        types: LAMBDA,
        paths: ["environment.variables.{}"],
        rule: "environment variables of at most 4 KB in all, none of the keys Lambda reserves",
        source: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html",
        check: (r) => {
            const vars = ((r.inputs.environment as Inputs)?.variables ?? {}) as Record<string, string>;
            const out: HandViolation[] = [];
            const size = Buffer.byteLength(JSON.stringify(vars), "utf8");
            if (size > 4096) out.push({ path: "environment.variables", value: `${size} bytes`, rule: `at most 4 KB (4096 bytes) in all (it has ${size})` });
            for (const k of Object.keys(vars)) if (LAMBDA_RESERVED_VARIABLES.includes(k)) out.push({ path: `environment.variables.${k}`, value: k, rule: "not a key Lambda reserves for itself" });
            return out;
        },
    },
    {
        types: ["aws:lambda/invocation:Invocation"],
        paths: ["input"],
        rule: "a JSON payload of at most 6 MB",
        source: LAMBDA_LIMITS,
        check: (r) => {
            const input = str(r.inputs.input);
            if (input === undefined) return [];
            try {
                JSON.parse(input);
            } catch {
                return [{ path: "input", value: input, rule: "a JSON document" }];
            }
            return Buffer.byteLength(input) > 6 * 1024 * 1024 ? [{ path: "input", value: `${Buffer.byteLength(input)} bytes`, rule: "at most 6 MB" }] : [];
        },
    },

    // IAM quotas, between resources.
    {
        types: ["aws:iam/role:Role"],
        paths: ["assumeRolePolicy"],
        rule: "a trust policy of at most 2,048 characters (the default quota; white space not counted)",
        source: IAM_QUOTAS,
        check: (r) => {
            const size = policySize(r.inputs.assumeRolePolicy);
            return size > 2048 ? [{ path: "assumeRolePolicy", value: `${size} characters`, rule: `at most 2,048 characters (it has ${size})` }] : [];
        },
    },
    {
        types: ["aws:iam/role:Role"],
        paths: ["name"],
        rule: "inline policies of at most 10,240 characters in all, at most 10 managed policies (default quotas)",
        source: IAM_QUOTAS,
        check: (r, stack) => {
            const name = r.inputs.name;
            const inline = stack.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === name);
            const total = inline.reduce((n, p) => n + policySize(p.inputs.policy), 0);
            const managed = stack.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs.role === name).length;
            const out: HandViolation[] = [];
            if (total > 10240) out.push({ path: "name", value: name, rule: `inline policies of at most 10,240 characters in all (its ${inline.length} have ${total})` });
            if (managed > 10) out.push({ path: "name", value: name, rule: `at most 10 managed policies (it has ${managed})` });
            return out;
        },
    },
    {
        types: ["aws:iam/user:User"],
        paths: ["name"],
        rule: "inline policies of at most 2,048 characters in all (the quota)",
        source: IAM_QUOTAS,
        check: (r, stack) => {
            const total = stack
                .ofType("aws:iam/userPolicy:UserPolicy")
                .filter((p) => p.inputs.user === r.inputs.name)
                .reduce((n, p) => n + policySize(p.inputs.policy), 0);
            return total > 2048 ? [{ path: "name", value: r.inputs.name, rule: `inline policies of at most 2,048 characters in all (they have ${total})` }] : [];
        },
    },
    range(["aws:iam/userLoginProfile:UserLoginProfile"], "passwordLength", 8, 128, "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"),
    {
        types: ["aws:kms/key:Key", "aws:s3/bucketPolicy:BucketPolicy"],
        paths: ["policy"],
        rule: "a key policy of at most 32 KB; a bucket policy of at most 20 KB",
        source: "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html; https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
        check: (r) => {
            const limit = r.resource.type === "aws:kms/key:Key" ? 32768 : 20480;
            const size = Buffer.byteLength(typeof r.inputs.policy === "string" ? r.inputs.policy : JSON.stringify(r.inputs.policy ?? ""));
            return size > limit ? [{ path: "policy", value: `${size} bytes`, rule: `at most ${limit / 1024} KB (it has ${size} bytes)` }] : [];
        },
    },

    // CloudWatch alarms.
    {
        types: ALARM,
        paths: ["period", "evaluationPeriods", "datapointsToAlarm", "metricQueries[].id", "metricName", "namespace"],
        rule: "a period of 10, 20, 30 or a multiple of 60 seconds; datapointsToAlarm <= evaluationPeriods; a metric or metric queries, not both",
        source: PUT_METRIC_ALARM,
        check: (r) => {
            const { period, evaluationPeriods, datapointsToAlarm, metricQueries, metricName, namespace, statistic } = r.inputs as Inputs;
            const out: HandViolation[] = [];
            if (typeof period === "number" && ![10, 20, 30].includes(period) && period % 60 !== 0) out.push({ path: "period", value: period, rule: "10, 20, 30 or a multiple of 60 seconds" });
            if (typeof datapointsToAlarm === "number" && typeof evaluationPeriods === "number" && datapointsToAlarm > evaluationPeriods) {
                out.push({ path: "datapointsToAlarm", value: datapointsToAlarm, rule: `at most evaluationPeriods (${evaluationPeriods})` });
            }
            if (Array.isArray(metricQueries) && metricQueries.length > 0 && (metricName !== undefined || namespace !== undefined || statistic !== undefined || period !== undefined)) {
                out.push({ path: "metricQueries", value: metricQueries.length, rule: "metricQueries without metricName, namespace, statistic or period" });
            }
            return out;
        },
    },
    {
        types: ALARM,
        paths: ["dimensions.{}", "metricQueries[].metric.dimensions.{}"],
        rule: "at most 30 dimensions, names of 1-255 and values of 1-1024 characters",
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html",
        check: (r) => {
            const maps: Array<[string, Record<string, unknown>]> = [["dimensions", (r.inputs.dimensions as Record<string, unknown>) ?? {}]];
            ((r.inputs.metricQueries as Inputs[]) ?? []).forEach((q, i) => maps.push([`metricQueries[${i}].metric.dimensions`, q.metric?.dimensions ?? {}]));
            const out: HandViolation[] = [];
            for (const [path, dims] of maps) {
                if (Object.keys(dims).length > 30) out.push({ path, value: Object.keys(dims).length, rule: "at most 30 dimensions" });
                for (const [k, v] of Object.entries(dims)) {
                    if (k.length < 1 || k.length > 255) out.push({ path: `${path}.${k}`, value: k, rule: "a dimension name of 1-255 characters" });
                    if (String(v).length < 1 || String(v).length > 1024) out.push({ path: `${path}.${k}`, value: v, rule: "a dimension value of 1-1024 characters" });
                }
            }
            return out;
        },
    },
    maxLength(ALARM, "alarmDescription", 1024, PUT_METRIC_ALARM),
    nameRule(ALARM, "name", { max: 255, describe: "" }, PUT_METRIC_ALARM),

    // EventBridge.
    maxLength(["aws:cloudwatch/eventRule:EventRule"], "description", 512, PUT_RULE),
    maxLength(["aws:cloudwatch/eventRule:EventRule"], "scheduleExpression", 256, PUT_RULE),
    // 2048 is the default quota; it can be raised to 4096.
    maxLength(["aws:cloudwatch/eventRule:EventRule"], "eventPattern", 2048, "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html"),
    {
        types: ["aws:cloudwatch/eventRule:EventRule"],
        paths: ["eventPattern", "scheduleExpression"],
        rule: "an event pattern or a schedule expression",
        source: PUT_RULE,
        check: (r) => (r.inputs.eventPattern === undefined && r.inputs.scheduleExpression === undefined ? [{ path: "eventPattern", value: undefined }] : []),
    },
    {
        types: ["aws:cloudwatch/eventTarget:EventTarget"],
        paths: ["rule"],
        rule: "at most 5 targets per rule",
        source: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html",
        check: (r, stack) => {
            const siblings = stack.ofType("aws:cloudwatch/eventTarget:EventTarget").filter((t) => t.inputs.rule === r.inputs.rule && (t.inputs.eventBusName ?? "default") === (r.inputs.eventBusName ?? "default"));
            return siblings.length > 5 && siblings[0] === r ? [{ path: "rule", value: r.inputs.rule, rule: `at most 5 targets per rule (it has ${siblings.length})` }] : [];
        },
    },
    range(["aws:cloudwatch/eventTarget:EventTarget"], "retryPolicy.maximumRetryAttempts", 0, 185, "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html"),
    range(["aws:cloudwatch/eventTarget:EventTarget"], "retryPolicy.maximumEventAgeInSeconds", 60, 86400, "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html"),
    maxLength(["aws:cloudwatch/eventTarget:EventTarget"], "inputTransformer.inputTemplate", 8192, "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html"),
    characters(["aws:cloudwatch/eventTarget:EventTarget"], "inputTransformer.inputPaths.{}", /^\$/, "a JSON path beginning with $", "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html"),

    // Load balancing.
    range(TG, "healthCheck.interval", 5, 300, TARGET_GROUP, " seconds"),
    range(TG, "healthCheck.timeout", 2, 120, TARGET_GROUP, " seconds"),
    range(TG, "healthCheck.healthyThreshold", 2, 10, TARGET_GROUP),
    range(TG, "healthCheck.unhealthyThreshold", 2, 10, TARGET_GROUP),
    range(TG, "port", 1, 65535, TARGET_GROUP),
    range(TG, "deregistrationDelay", 0, 3600, "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay", " seconds"),
    characters(TG, "healthCheck.path", /^\/.{0,1023}$/s, "a path beginning with /, at most 1024 characters", TARGET_GROUP),
    characters(TG, "healthCheck.matcher", /^(([2-4]\d\d)(-[2-4]\d\d)?)(,([2-4]\d\d)(-[2-4]\d\d)?)*$/, "HTTP codes between 200 and 499, as a list or ranges (200,202 or 200-299)", "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Matcher.html"),
    oneOf(TG, "protocol", ["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"], TARGET_GROUP),
    oneOf(TG, "targetType", ["instance", "ip", "lambda", "alb"], TARGET_GROUP),
    oneOf(["aws:lb/listener:Listener"], "protocol", ["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"], "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html"),
    range(["aws:lb/listener:Listener"], "port", 1, 65535, "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html"),
    range(["aws:lb/listenerRule:ListenerRule"], "priority", 1, 50000, "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateRule.html"),
    {
        types: ["aws:lb/listenerRule:ListenerRule"],
        paths: ["conditions[].hostHeader.values[]", "conditions[].pathPattern.values[]"],
        rule: "at most 5 condition values per rule",
        source: ALB_QUOTAS,
        check: (r) => {
            const count = ((r.inputs.conditions as Inputs[]) ?? []).reduce((n, c) => n + Object.values(c).reduce((m: number, v: any) => m + (Array.isArray(v?.values) ? v.values.length : 0), 0), 0);
            return count > 5 ? [{ path: "conditions", value: count, rule: `at most 5 condition values per rule (it has ${count})` }] : [];
        },
    },
    {
        types: ["aws:lb/loadBalancer:LoadBalancer"],
        paths: ["subnets[]"],
        rule: "an Application Load Balancer in at least two subnets",
        source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#availability-zones",
        check: (r) => {
            const { subnets, loadBalancerType } = r.inputs as Inputs;
            return (loadBalancerType ?? "application") === "application" && Array.isArray(subnets) && subnets.length < 2 ? [{ path: "subnets", value: subnets, rule: "at least two subnets in two Availability Zones" }] : [];
        },
    },
    {
        types: ["aws:lb/listenerCertificate:ListenerCertificate"],
        paths: ["listenerArn", "certificateArn"],
        rule: "at most 25 certificates per load balancer besides the default ones (the quota)",
        source: ALB_QUOTAS,
        check: (r, stack) => {
            const siblings = stack.ofType("aws:lb/listenerCertificate:ListenerCertificate").filter((c) => c.inputs.listenerArn === r.inputs.listenerArn);
            return siblings.length > 25 && siblings[0] === r ? [{ path: "listenerArn", value: r.inputs.listenerArn, rule: `at most 25 certificates per load balancer (it has ${siblings.length})` }] : [];
        },
    },

    // Certificates and DNS.
    {
        types: ["aws:acm/certificate:Certificate"],
        paths: ["domainName", "subjectAlternativeNames[]"],
        rule: "at most 10 domain names per certificate (the default quota), each at most 253 characters",
        source: "https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html",
        check: (r) => {
            const names = new Set([r.inputs.domainName, ...(((r.inputs.subjectAlternativeNames as string[]) ?? []))].filter((n) => typeof n === "string"));
            const out: HandViolation[] = [];
            if (names.size > 10) out.push({ path: "subjectAlternativeNames", value: names.size, rule: `at most 10 domain names per certificate (it has ${names.size})` });
            for (const n of names) if ((n as string).length > 253) out.push({ path: "domainName", value: n, rule: "at most 253 characters" });
            return out;
        },
    },
    oneOf(["aws:acm/certificate:Certificate"], "keyAlgorithm", ["RSA_2048", "EC_prime256v1", "EC_secp384r1"], "https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html"),
    oneOf(["aws:acm/certificate:Certificate"], "validationMethod", ["DNS", "EMAIL", "HTTP"], "https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html"),
    characters(
        ["aws:acm/certificateValidation:CertificateValidation"],
        "certificateArn",
        /^arn:[\w+=/,.@-]+:acm:[\w+=/,.@-]*:\d+:[\w+=,.@-]+(\/[\w+=,.@-]+)*$/,
        "an ACM certificate ARN",
        "https://docs.aws.amazon.com/acm/latest/APIReference/API_DescribeCertificate.html",
    ),
    {
        types: ["aws:route53/record:Record"],
        paths: ["aliases[].name", "ttl", "records[]", "setIdentifier", "latencyRoutingPolicies[].region"],
        rule: "an alias has no TTL or records, any other record both; a record with a routing policy has a set identifier",
        source: RECORD_SET,
        check: (r) => {
            const { aliases, ttl, records, setIdentifier, latencyRoutingPolicies, weightedRoutingPolicies, failoverRoutingPolicies, geolocationRoutingPolicies } = r.inputs as Inputs;
            const alias = Array.isArray(aliases) && aliases.length > 0;
            const out: HandViolation[] = [];
            if (alias && ttl !== undefined) out.push({ path: "ttl", value: ttl, rule: "no TTL on an alias record" });
            if (alias && Array.isArray(records) && records.length > 0) out.push({ path: "records", value: records, rule: "no records on an alias record" });
            if (!alias && (ttl === undefined || !Array.isArray(records) || records.length === 0)) out.push({ path: "records", value: records, rule: "a TTL and records on a record that is not an alias" });
            const routed = [latencyRoutingPolicies, weightedRoutingPolicies, failoverRoutingPolicies, geolocationRoutingPolicies].some((p) => Array.isArray(p) && p.length > 0);
            if (routed && !setIdentifier) out.push({ path: "setIdentifier", value: setIdentifier, rule: "a set identifier on a record with a routing policy" });
            return out;
        },
    },
    range(["aws:route53/record:Record"], "ttl", 0, 2147483647, RECORD_SET, " seconds"),
    maxLength(["aws:route53/record:Record"], "name", 1024, RECORD_SET),

    // Storage, data and queues.
    {
        types: ["aws:rds/instance:Instance"],
        paths: ["maxAllocatedStorage", "allocatedStorage"],
        rule: "a storage autoscaling maximum at least 10% above the allocated storage",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html",
        check: (r) => {
            const { maxAllocatedStorage, allocatedStorage } = r.inputs as Inputs;
            return typeof maxAllocatedStorage === "number" && maxAllocatedStorage > 0 && typeof allocatedStorage === "number" && maxAllocatedStorage < allocatedStorage * 1.1
                ? [{ path: "maxAllocatedStorage", value: maxAllocatedStorage, rule: `at least ${Math.ceil(allocatedStorage * 1.1)} GiB (10% above allocatedStorage ${allocatedStorage})` }]
                : [];
        },
    },
    range(["aws:rds/instance:Instance"], "backupRetentionPeriod", 0, 35, "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html", " days"),
    {
        types: ["aws:dynamodb/table:Table"],
        paths: ["attributes[].name", "hashKey", "rangeKey"],
        rule: "attribute definitions for exactly the key schema's (and indexes') attributes",
        source: "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html",
        check: (r) => {
            const { attributes, hashKey, rangeKey, globalSecondaryIndexes, localSecondaryIndexes } = r.inputs as Inputs;
            const keys = new Set<string>([hashKey, rangeKey].filter((k) => typeof k === "string"));
            for (const index of [...(globalSecondaryIndexes ?? []), ...(localSecondaryIndexes ?? [])]) for (const k of [index.hashKey, index.rangeKey]) if (typeof k === "string") keys.add(k);
            const defined = new Set<string>(((attributes as Inputs[]) ?? []).map((a) => a.name));
            const out: HandViolation[] = [];
            for (const k of keys) if (!defined.has(k)) out.push({ path: "attributes", value: k, rule: `an attribute definition for key ${k}` });
            for (const d of defined) if (!keys.has(d)) out.push({ path: "attributes", value: d, rule: `no attribute definition for ${d}, which no key or index uses` });
            return out;
        },
    },
    {
        types: ["aws:dynamodb/tableItem:TableItem"],
        paths: ["item"],
        rule: "an item of at most 400 KB in DynamoDB JSON, with the table's hash key of its declared type",
        source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items",
        check: (r, stack) => {
            const text = str(r.inputs.item);
            if (text === undefined) return [];
            let item: Inputs;
            try {
                item = JSON.parse(text);
            } catch {
                return [{ path: "item", value: text, rule: "a JSON document" }];
            }
            const out: HandViolation[] = [];
            if (Buffer.byteLength(text) > 400 * 1024) out.push({ path: "item", value: `${Buffer.byteLength(text)} bytes`, rule: "at most 400 KB" });
            const table = stack.byOutput("aws:dynamodb/table:Table", "name", r.inputs.tableName);
            const hashKey = r.inputs.hashKey as string;
            const declared = ((table?.inputs.attributes as Inputs[]) ?? []).find((a) => a.name === hashKey)?.type;
            const value = item[hashKey];
            if (!value) out.push({ path: "item", value: hashKey, rule: `the hash key ${hashKey}` });
            else if (declared && !(declared in value)) out.push({ path: `item.${hashKey}`, value, rule: `a value of type ${declared}, as the table declares` });
            return out;
        },
    },
    {
        types: ["aws:secretsmanager/secret:Secret"],
        paths: ["recoveryWindowInDays"],
        rule: "0 (delete without recovery) or 7-30 days",
        source: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html",
        check: (r) => {
            const days = r.inputs.recoveryWindowInDays;
            return typeof days === "number" && days !== 0 && (days < 7 || days > 30) ? [{ path: "recoveryWindowInDays", value: days }] : [];
        },
    },
    range(["aws:sqs/queue:Queue"], "messageRetentionSeconds", 60, 1209600, "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html", " seconds"),
    oneOf(["aws:sns/topicSubscription:TopicSubscription"], "protocol", ["http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"], "https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html"),
    {
        types: ["aws:sns/topicSubscription:TopicSubscription"],
        paths: ["endpoint"],
        rule: "an email address for the email protocols, an ARN for sqs, lambda, firehose and application",
        source: "https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html",
        check: (r) => {
            const { protocol, endpoint } = r.inputs as Inputs;
            if (typeof endpoint !== "string") return [];
            if ((protocol === "email" || protocol === "email-json") && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(endpoint)) return [{ path: "endpoint", value: endpoint, rule: "an email address" }];
            if (["sqs", "lambda", "firehose", "application"].includes(protocol) && !/^arn:aws[\w-]*:/.test(endpoint)) return [{ path: "endpoint", value: endpoint, rule: "an ARN" }];
            return [];
        },
    },
    {
        types: ["aws:cfg/recorderStatus:RecorderStatus"],
        paths: ["name"],
        rule: "the name of a configuration recorder",
        source: "https://docs.aws.amazon.com/config/latest/APIReference/API_StartConfigurationRecorder.html",
        check: (r, stack) => (stack.ofType("aws:cfg/recorder:Recorder").some((c) => c.inputs.name === r.inputs.name) ? [] : [{ path: "name", value: r.inputs.name }]),
    },
    maxLength(["aws:cfg/rule:Rule"], "description", 256, "https://docs.aws.amazon.com/config/latest/APIReference/API_ConfigRule.html"),
    {
        types: ["aws:inspector2/enabler:Enabler"],
        paths: ["accountIds[]", "resourceTypes[]"],
        rule: "12-digit account IDs; resource types EC2, ECR, LAMBDA, LAMBDA_CODE or CODE_REPOSITORY",
        source: "https://docs.aws.amazon.com/inspector/v2/APIReference/API_Enable.html",
        check: (r) => [
            ...valuesAt(r.inputs, "accountIds[]").filter(({ value }) => !/^\d{12}$/.test(String(value))).map(({ path, value }) => ({ path, value, rule: "a 12-digit account ID" })),
            ...valuesAt(r.inputs, "resourceTypes[]")
                .filter(({ value }) => !["EC2", "ECR", "LAMBDA", "LAMBDA_CODE", "CODE_REPOSITORY"].includes(String(value)))
                .map(({ path, value }) => ({ path, value, rule: "one of EC2, ECR, LAMBDA, LAMBDA_CODE, CODE_REPOSITORY" })),
        ],
    },
    {
        types: ["aws:codepipeline/pipeline:Pipeline"],
        paths: ["stages[].name", "stages[].actions[].category"],
        rule: "at least two stages; the first holds source actions only",
        source: "https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html",
        check: (r) => {
            const stages = (r.inputs.stages as Inputs[]) ?? [];
            const out: HandViolation[] = [];
            if (stages.length < 2) out.push({ path: "stages", value: stages.length, rule: "at least two stages" });
            const first = stages[0];
            ((first?.actions as Inputs[]) ?? []).forEach((a, i) => {
                if (a.category !== "Source") out.push({ path: `stages[0].actions[${i}].category`, value: a.category, rule: "Source (the first stage holds source actions only)" });
            });
            stages.slice(1).forEach((s, n) =>
                ((s.actions as Inputs[]) ?? []).forEach((a, i) => {
                    if (a.category === "Source") out.push({ path: `stages[${n + 1}].actions[${i}].category`, value: a.category, rule: "not Source (source actions belong in the first stage)" });
                }),
            );
            return out;
        },
    },
    maxLength(["aws:cloudfront/distribution:Distribution"], "comment", 128, "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html"),
    // References and the smaller resources.
    nameRule(["aws:iam/rolePolicyAttachment:RolePolicyAttachment"], "role", { max: 64, pattern: IAM_NAME, describe: IAM_NAME_TEXT }, "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html"),
    characters(
        ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
        "policyArn",
        /^arn:aws[\w-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]{1,2000}$/,
        "an IAM policy ARN (arn:aws:iam::aws:policy/... or arn:aws:iam::<account>:policy/...)",
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html",
    ),
    nameRule(["aws:iam/userGroupMembership:UserGroupMembership"], "user", { max: 64, pattern: IAM_NAME, describe: IAM_NAME_TEXT }, "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddUserToGroup.html"),
    characters(["aws:iam/userGroupMembership:UserGroupMembership"], "groups[]", /^[\w+=,.@-]{1,128}$/, `1-128 characters: ${IAM_NAME_TEXT}`, "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddUserToGroup.html"),
    characters(
        ["aws:lambda/alias:Alias"],
        "name",
        /^(?!\d+$)[a-zA-Z0-9_-]{1,128}$/,
        "1-128 letters, digits, hyphens and underscores, not all digits",
        "https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html",
    ),
    characters(["aws:lambda/alias:Alias"], "functionVersion", /^(\$LATEST|\d+)$/, "$LATEST or a version number", "https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html"),
    maxLength(["aws:lambda/alias:Alias"], "description", 256, "https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html"),
    maxLength(["aws:secretsmanager/secretVersion:SecretVersion"], "secretString", 65536, "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html", true),
    maxLength(["aws:secretsmanager/secretVersion:SecretVersion"], "secretId", 2048, "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html"),
    characters(
        ["aws:sns/topicPolicy:TopicPolicy"],
        "arn",
        /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/,
        "an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic name>)",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html#amazonsns-resources-for-iam-policies",
    ),
    characters(
        ["aws:sqs/queuePolicy:QueuePolicy"],
        "queueUrl",
        /^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/,
        "a queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue name>)",
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-message-identifiers.html",
    ),
    characters(
        ["aws:ec2/volumeAttachment:VolumeAttachment"],
        "deviceName",
        /^(\/dev\/(sd|xvd)[b-z][a-z]?|xvd[b-z][a-z]?)$/,
        "a device name EC2 documents for an extra EBS volume: /dev/sd[b-z] or /dev/xvd[b-z] on Linux, xvd[b-z] on Windows",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/device_naming.html",
    ),
    maxLength(["aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "aws:cloudfront/cachePolicy:CachePolicy"], "comment", 128, "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ResponseHeadersPolicyConfig.html"),
    maxLength(
        ["aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"],
        "securityHeadersConfig.contentSecurityPolicy.contentSecurityPolicy",
        1783,
        "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-response-headers-policies",
    ),
    // API Gateway.
    oneOf(API_METHODS, "httpMethod", ["ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"], "https://docs.aws.amazon.com/apigateway/latest/api/API_PutMethod.html"),
    oneOf(["aws:apigateway/method:Method"], "authorization", ["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"], "https://docs.aws.amazon.com/apigateway/latest/api/API_PutMethod.html"),
    characters(
        ["aws:apigateway/integrationResponse:IntegrationResponse", "aws:apigateway/methodResponse:MethodResponse"],
        "statusCode",
        /^[1-5]\d\d$/,
        "an HTTP status code (1xx-5xx)",
        "https://docs.aws.amazon.com/apigateway/latest/api/API_PutMethodResponse.html",
    ),
    oneOf(
        ["aws:apigateway/response:Response"],
        "responseType",
        [
            "DEFAULT_4XX", "DEFAULT_5XX", "RESOURCE_NOT_FOUND", "UNAUTHORIZED", "INVALID_API_KEY", "ACCESS_DENIED", "AUTHORIZER_FAILURE",
            "AUTHORIZER_CONFIGURATION_ERROR", "INVALID_SIGNATURE", "EXPIRED_TOKEN", "MISSING_AUTHENTICATION_TOKEN", "INTEGRATION_FAILURE",
            "INTEGRATION_TIMEOUT", "API_CONFIGURATION_ERROR", "UNSUPPORTED_MEDIA_TYPE", "BAD_REQUEST_PARAMETERS", "BAD_REQUEST_BODY",
            "REQUEST_TOO_LARGE", "THROTTLED", "QUOTA_EXCEEDED", "WAF_FILTERED",
        ],
        "https://docs.aws.amazon.com/apigateway/latest/api/API_PutGatewayResponse.html",
    ),
    characters(["aws:apigateway/basePathMapping:BasePathMapping"], "stageName", /^[a-zA-Z0-9_-]{1,128}$/, "1-128 letters, digits, hyphens and underscores", "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-stages.html"),
    characters(
        ["aws:apigateway/account:Account"],
        "cloudwatchRoleArn",
        /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
        "an IAM role ARN",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
    ),
    {
        types: ["aws:apigateway/deployment:Deployment"],
        paths: ["restApi"],
        rule: "a deployment of an API with methods, made after every method and integration of it",
        source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-deployment.html",
        check: (r, stack) => {
            const parts = ["aws:apigateway/method:Method", "aws:apigateway/integration:Integration"].flatMap((t) => stack.ofType(t)).filter((m) => m.inputs.restApi === r.inputs.restApi);
            if (!parts.some((p) => p.resource.type === "aws:apigateway/method:Method")) return [{ path: "restApi", value: r.inputs.restApi, rule: "an API with at least one method" }];
            const after = new Set(r.resource.dependencies);
            return parts
                .filter((p) => !after.has(p.resource.urn))
                .map((p) => ({ path: "restApi", value: r.inputs.restApi, rule: `a deployment that depends on ${p.resource.urn} (else it may come first: "The REST API doesn't contain any methods")` }));
        },
    },
    {
        types: ["aws:apigateway/resource:Resource"],
        paths: ["restApi"],
        rule: "at most 300 resources per API (the quota)",
        source: "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html",
        check: (r, stack) => {
            const siblings = stack.ofType("aws:apigateway/resource:Resource").filter((x) => x.inputs.restApi === r.inputs.restApi);
            return siblings.length > 300 && siblings[0] === r ? [{ path: "restApi", value: r.inputs.restApi, rule: `at most 300 resources per API (it has ${siblings.length})` }] : [];
        },
    },

    characters(
        ["aws:apigateway/methodSettings:MethodSettings"],
        "methodPath",
        /^(\*\/\*|.+\/(ANY|DELETE|GET|HEAD|OPTIONS|PATCH|POST|PUT|\*))$/,
        "*/* for every method, or <resource path>/<HTTP method>",
        "https://docs.aws.amazon.com/apigateway/latest/api/API_Stage.html",
    ),
    characters(
        ["aws:lb/loadBalancer:LoadBalancer"],
        "accessLogs.prefix",
        /^(?!.*AWSLogs)/,
        "a prefix without the string AWSLogs",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
    ),
    // Scaling policies.
    oneOf(["aws:appautoscaling/policy:Policy"], "policyType", ["StepScaling", "TargetTrackingScaling", "PredictiveScaling"], "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html"),
    oneOf(["aws:appautoscaling/policy:Policy", "aws:appautoscaling/target:Target"], "serviceNamespace", ["ecs", "elasticmapreduce", "ec2", "appstream", "dynamodb", "rds", "sagemaker", "custom-resource", "comprehend", "lambda", "cassandra", "kafka", "elasticache", "neptune", "workspaces"], "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html"),
    oneOf(["aws:appautoscaling/policy:Policy"], "stepScalingPolicyConfiguration.adjustmentType", ["ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"], "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html"),
    oneOf(["aws:appautoscaling/policy:Policy"], "stepScalingPolicyConfiguration.metricAggregationType", ["Average", "Minimum", "Maximum"], "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html"),
    nameRule(["aws:appautoscaling/policy:Policy"], "name", { max: 256, pattern: /^\P{Cc}+$/u, describe: "printable characters" }, "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html"),
    oneOf(["aws:autoscaling/policy:Policy"], "policyType", ["SimpleScaling", "StepScaling", "TargetTrackingScaling", "PredictiveScaling"], "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScalingPolicy.html"),
    oneOf(
        ["aws:autoscaling/policy:Policy"],
        "targetTrackingConfiguration.predefinedMetricSpecification.predefinedMetricType",
        ["ASGAverageCPUUtilization", "ASGAverageNetworkIn", "ASGAverageNetworkOut", "ALBRequestCountPerTarget"],
        "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredefinedMetricSpecification.html",
    ),
    nameRule(["aws:autoscaling/policy:Policy", "aws:autoscaling/group:Group"], "name", { max: 255, describe: "" }, "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScalingPolicy.html"),

    // Routes.
    {
        types: ["aws:ec2/route:Route"],
        paths: ["destinationCidrBlock", "gatewayId", "natGatewayId", "vpcPeeringConnectionId"],
        rule: "an IPv4 CIDR destination and exactly one target",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html",
        check: (r) => {
            const i = r.inputs as Inputs;
            const out: HandViolation[] = [];
            if (i.destinationCidrBlock !== undefined && !cidr(i.destinationCidrBlock)) out.push({ path: "destinationCidrBlock", value: i.destinationCidrBlock, rule: "an IPv4 CIDR block" });
            const targets = ["gatewayId", "natGatewayId", "vpcPeeringConnectionId", "transitGatewayId", "networkInterfaceId", "vpcEndpointId", "egressOnlyGatewayId", "carrierGatewayId", "localGatewayId", "coreNetworkArn"].filter((k) => i[k] !== undefined);
            if (targets.length !== 1) out.push({ path: targets[1] ?? "gatewayId", value: targets, rule: `exactly one target (it has ${targets.length})` });
            return out;
        },
    },
    {
        types: ["aws:ec2/routeTableAssociation:RouteTableAssociation"],
        paths: ["subnetId", "routeTableId"],
        rule: "a route table associated with a subnet or a gateway, not both",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateRouteTable.html",
        check: (r) => {
            const { subnetId, gatewayId } = r.inputs as Inputs;
            return (subnetId === undefined) === (gatewayId === undefined) ? [{ path: "subnetId", value: subnetId, rule: "a subnet or a gateway, exactly one" }] : [];
        },
    },
];

export type { Inputs };
