// The policy rules of aws-blueprints, shared by the CrossGuard pack (policy/index.ts) and the offline test
// suite. No side effects: importing this module constructs nothing.
import type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import * as taggable from "./taggable-types.json";

/** Tag key prefix by which a resource acknowledges a rule; the tag value is the reason. */
export const ACK_TAG_PREFIX = "aws-blueprints:acknowledge:";
export const MIN_REASON_LENGTH = 10;

/** The 20 services authorised at FedRAMP Moderate in AWS US East/West (JAB P-ATO announced June 2016). */
export const FEDRAMP_MODERATE_2016 = [
    "Amazon Aurora (MySQL)",
    "Amazon CloudWatch Logs",
    "Amazon DynamoDB",
    "Amazon Elastic Block Store",
    "Amazon Elastic Compute Cloud",
    "Amazon EMR",
    "Amazon Glacier",
    "Amazon Kinesis Streams",
    "Amazon RDS (MySQL, Oracle, Postgres)",
    "Amazon Redshift",
    "Amazon Simple Notification Service",
    "Amazon Simple Queue Service",
    "Amazon Simple Storage Service",
    "Amazon Simple Workflow Service",
    "Amazon Virtual Private Cloud",
    "AWS CloudFormation",
    "AWS CloudTrail",
    "AWS Identity and Access Management",
    "AWS Key Management Service",
    "Elastic Load Balancing",
];

/** A resource as a rule sees it: its type, names and inputs (props). */
export interface Subject {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, any>;
}

/** Rule configuration (CrossGuard policy config; defaults from each rule's schema). */
export interface RuleConfig {
    /** Environments (the `environment` tag) held to production requirements. @default ["prod"] */
    readonly productionEnvironments?: readonly string[];
    /** Services a FedRAMP Moderate system may use. @default FEDRAMP_MODERATE_2016 */
    readonly authorisedServices?: readonly string[];
}

/** A CJIS Security Policy 5.6 policy area and the NIST SP 800-53 controls of it that a rule helps satisfy. */
export interface ControlMapping {
    readonly cjis: string;
    readonly nist: readonly string[];
}

export interface Rule {
    readonly name: string;
    readonly description: string;
    readonly severity: Severity;
    readonly enforcementLevel: EnforcementLevel;
    readonly controls: readonly ControlMapping[];
    /** Resource types the rule inspects. */
    readonly appliesTo: (type: string) => boolean;
    /** Messages for each way the subject breaks the rule (empty: satisfied). */
    readonly check: (subject: Subject, config: Required<RuleConfig>) => string[];
    /**
     * For rules that need other resources (e.g. a bucket and its encryption configuration): messages for each
     * subject given the whole stack. When present it replaces `check`.
     */
    readonly checkInStack?: (subject: StackSubject, stack: readonly StackSubject[], config: Required<RuleConfig>) => string[];
    readonly configSchema?: PolicyConfigSchema;
}

/** A resource in a stack-level check, with the resources its inputs came from. */
export interface StackSubject extends Subject {
    /** Input property -> subjects its value came from. */
    readonly propertyDependencies: Readonly<Record<string, readonly StackSubject[]>>;
}

const DEFAULTS: Required<RuleConfig> = {
    productionEnvironments: ["prod"],
    authorisedServices: FEDRAMP_MODERATE_2016,
};

// ---------------------------------------------------------------- helpers

const list = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

function parseJson(v: unknown): any {
    if (typeof v !== "string") return v;
    try {
        return JSON.parse(v);
    } catch {
        return undefined;
    }
}

const isType = (...types: string[]) => (t: string) => types.includes(t);

function tagsOf(props: Record<string, any>): Record<string, string> {
    const tags = props.tags;
    if (Array.isArray(tags)) {
        // Auto Scaling groups: a list of { key, value, propagateAtLaunch }.
        return Object.fromEntries(tags.filter((t) => t && typeof t.key === "string").map((t) => [t.key, String(t.value)]));
    }
    return tags && typeof tags === "object" ? tags : {};
}

function isProduction(subject: Subject, config: Required<RuleConfig>): boolean {
    return config.productionEnvironments.includes(tagsOf(subject.props).environment);
}

/** The reason a subject gives for breaking a rule, when it acknowledges it properly. */
export function acknowledgementOf(subject: Subject, rule: string): string | undefined {
    const reason = tagsOf(subject.props)[`${ACK_TAG_PREFIX}${rule}`];
    return typeof reason === "string" && reason.trim().length >= MIN_REASON_LENGTH ? reason.trim() : undefined;
}

// ---------------------------------------------------------------- IAM

const IDENTITY_POLICY_TYPES = [
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/policy:Policy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
    "aws:iam/role:Role",
];

function identityPolicyDocuments(subject: Subject): any[] {
    if (subject.type === "aws:iam/role:Role") return list(subject.props.inlinePolicies).map((p: any) => parseJson(p?.policy));
    return [parseJson(subject.props.policy)];
}

const WILDCARD_ACTION = /^(\*|[a-z0-9-]+:\*)$/;

function wildcardFindings(subject: Subject): string[] {
    const findings: string[] = [];
    for (const doc of identityPolicyDocuments(subject)) {
        if (!doc) continue;
        for (const s of list(doc.Statement)) {
            if (!s || s.Effect !== "Allow" || !list(s.Resource).includes("*")) continue;
            const wild = list<string>(s.Action).filter((a) => WILDCARD_ACTION.test(a));
            if (wild.length > 0) findings.push(`allows ${wild.join(", ")} on every resource (*)${s.Sid ? ` in statement ${s.Sid}` : ""}`);
            if (s.NotAction !== undefined) findings.push(`allows everything except ${list(s.NotAction).join(", ")} on every resource (*)`);
        }
    }
    return findings;
}

const BROAD_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([A-Za-z0-9]*FullAccess[A-Za-z0-9]*|PowerUserAccess|AdministratorAccess)$/;

function managedPolicyArns(subject: Subject): string[] {
    switch (subject.type) {
        case "aws:iam/role:Role":
            return list(subject.props.managedPolicyArns);
        case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            return list(subject.props.policyArn);
        case "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive":
            return list(subject.props.policyArns);
        case "aws:iam/policyAttachment:PolicyAttachment":
            return list(subject.props.roles).length > 0 ? list(subject.props.policyArn) : [];
        default:
            return [];
    }
}

// ---------------------------------------------------------------- network

const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];
const PUBLIC_PORTS = [80, 443];

interface Ingress {
    protocol: string;
    from?: number;
    to?: number;
    cidrs: string[];
}

function ingressOf(subject: Subject): Ingress[] {
    const p = subject.props;
    switch (subject.type) {
        case "aws:ec2/securityGroup:SecurityGroup":
            return list(p.ingress).map((i: any) => ({
                protocol: String(i.protocol),
                from: i.fromPort,
                to: i.toPort,
                cidrs: [...list<string>(i.cidrBlocks), ...list<string>(i.ipv6CidrBlocks)],
            }));
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
            return [{ protocol: String(p.ipProtocol), from: p.fromPort, to: p.toPort, cidrs: [...list<string>(p.cidrIpv4), ...list<string>(p.cidrIpv6)] }];
        case "aws:ec2/securityGroupRule:SecurityGroupRule":
            if (p.type !== "ingress") return [];
            return [{ protocol: String(p.protocol), from: p.fromPort, to: p.toPort, cidrs: [...list<string>(p.cidrBlocks), ...list<string>(p.ipv6CidrBlocks)] }];
        default:
            return [];
    }
}

function openIngressFindings(subject: Subject): string[] {
    return ingressOf(subject).flatMap((i) => {
        const open = i.cidrs.filter((c) => OPEN_CIDRS.includes(c));
        if (open.length === 0) return [];
        const tcp = i.protocol === "tcp" || i.protocol === "6";
        if (tcp && i.from !== undefined && i.from === i.to && PUBLIC_PORTS.includes(i.from)) return [];
        const ports = i.protocol === "-1" || i.protocol === "all" ? "all traffic" : `${i.protocol} ${i.from}${i.to !== i.from ? `-${i.to}` : ""}`;
        return [`admits ${ports} from ${open.join(" and ")} (only tcp 80 and 443 may be open to the internet)`];
    });
}

/** ELB security policies negotiating TLS 1.2 or newer only. */
export const MODERN_TLS_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)/;

function listenerFindings(subject: Subject): string[] {
    const p = subject.props;
    const protocol = String(p.protocol ?? "").toUpperCase();
    if (protocol === "HTTPS" || protocol === "TLS") {
        if (!MODERN_TLS_POLICY.test(String(p.sslPolicy ?? ""))) {
            return [`${protocol} listener uses ssl policy ${JSON.stringify(p.sslPolicy ?? null)}; use a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06`];
        }
        return [];
    }
    if (protocol === "HTTP") {
        const actions = list<any>(p.defaultActions);
        const redirectsToHttps = actions.length > 0 && actions.every((a) => a.type === "redirect" && String(a.redirect?.protocol).toUpperCase() === "HTTPS");
        return redirectsToHttps ? [] : ["plain HTTP listener does something other than redirect to HTTPS"];
    }
    return [];
}

// ---------------------------------------------------------------- data at rest

const truthy = (v: unknown) => v === true || v === "true";

function blockDeviceFindings(subject: Subject): string[] {
    const p = subject.props;
    switch (subject.type) {
        case "aws:ebs/volume:Volume":
            return truthy(p.encrypted) ? [] : ["volume is not encrypted"];
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return list<any>(p.blockDeviceMappings)
                .filter((m) => m.ebs && !truthy(m.ebs.encrypted))
                .map((m) => `block device ${m.deviceName ?? "?"} is not encrypted`);
        case "aws:ec2/instance:Instance":
            return [
                ...(truthy(p.rootBlockDevice?.encrypted) ? [] : ["root block device is not encrypted (set rootBlockDevice.encrypted)"]),
                ...list<any>(p.ebsBlockDevices)
                    .filter((d) => !truthy(d.encrypted))
                    .map((d) => `block device ${d.deviceName ?? "?"} is not encrypted`),
            ];
        default:
            return [];
    }
}

function rdsFindings(subject: Subject, config: Required<RuleConfig>): string[] {
    const p = subject.props;
    const prod = isProduction(subject, config);
    const findings: string[] = [];
    if (subject.type === "aws:rds/clusterInstance:ClusterInstance") {
        return truthy(p.publiclyAccessible) ? ["database instance is publicly accessible"] : [];
    }
    if (!truthy(p.storageEncrypted)) findings.push("storage is not encrypted");
    if (subject.type === "aws:rds/instance:Instance" && truthy(p.publiclyAccessible)) findings.push("database is publicly accessible");
    const minBackup = prod ? 7 : 1;
    const retention = Number(p.backupRetentionPeriod ?? (subject.type === "aws:rds/cluster:Cluster" ? 1 : 0));
    if (!(retention >= minBackup)) findings.push(`backups are kept ${retention} days; at least ${minBackup} required${prod ? " in production" : ""}`);
    if (prod && !truthy(p.deletionProtection)) findings.push("deletion protection is off in production");
    return findings;
}

// ---------------------------------------------------------------- S3 (needs the bucket's companion resources)

function bucketCompanions(bucket: StackSubject, stack: readonly StackSubject[], type: string): StackSubject[] {
    return stack.filter(
        (r) =>
            r.type === type &&
            ((r.propertyDependencies.bucket ?? []).some((d) => d.urn === bucket.urn) ||
                (typeof r.props.bucket === "string" && [bucket.props.bucket, bucket.props.id].includes(r.props.bucket))),
    );
}

function bucketFindings(bucket: StackSubject, stack: readonly StackSubject[]): string[] {
    const findings: string[] = [];
    const blocks = bucketCompanions(bucket, stack, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    const fullyBlocked = blocks.some((b) =>
        ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((k) => truthy(b.props[k])),
    );
    if (!fullyBlocked) findings.push("no BucketPublicAccessBlock blocking all four kinds of public access");
    const sse = bucketCompanions(bucket, stack, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
    const encrypted = sse.some((c) => list<any>(c.props.rules).some((r) => r?.applyServerSideEncryptionByDefault?.sseAlgorithm));
    if (!encrypted) findings.push("no BucketServerSideEncryptionConfiguration with a default encryption algorithm");
    return findings;
}

// ---------------------------------------------------------------- FedRAMP

const CLOUDWATCH_LOGS = /^aws:cloudwatch\/(log[A-Z][A-Za-z]*|queryDefinition):/;
const VPC_TYPES = /^aws:ec2\/(vpc[A-Z]?|subnet|routeTable|route|routeTableAssociation|internetGateway|natGateway|eip|networkAcl|networkAclRule|flowLog|vpcPeeringConnection|vpcEndpoint|defaultSecurityGroup|egressOnlyInternetGateway|mainRouteTableAssociation|networkAclAssociation|securityGroup)[A-Za-z]*:/;
const MODULE_SERVICES: Record<string, string> = {
    dynamodb: "Amazon DynamoDB",
    ebs: "Amazon Elastic Block Store",
    ec2: "Amazon Elastic Compute Cloud",
    emr: "Amazon EMR",
    glacier: "Amazon Glacier",
    kinesis: "Amazon Kinesis Streams",
    redshift: "Amazon Redshift",
    sns: "Amazon Simple Notification Service",
    sqs: "Amazon Simple Queue Service",
    s3: "Amazon Simple Storage Service",
    swf: "Amazon Simple Workflow Service",
    vpc: "Amazon Virtual Private Cloud",
    cloudformation: "AWS CloudFormation",
    cloudtrail: "AWS CloudTrail",
    iam: "AWS Identity and Access Management",
    kms: "AWS Key Management Service",
    lb: "Elastic Load Balancing",
    alb: "Elastic Load Balancing",
    elb: "Elastic Load Balancing",
    // Not on the 2016 list; named so reports read well.
    lambda: "AWS Lambda",
    sfn: "AWS Step Functions",
    apigateway: "Amazon API Gateway",
    cloudfront: "Amazon CloudFront",
    route53: "Amazon Route 53",
    acm: "AWS Certificate Manager",
    ssm: "AWS Systems Manager",
    ecs: "Amazon Elastic Container Service",
    ecr: "Amazon Elastic Container Registry",
    autoscaling: "Amazon EC2 Auto Scaling",
    appautoscaling: "Application Auto Scaling",
    budgets: "AWS Budgets",
    codepipeline: "AWS CodePipeline",
    sesv2: "Amazon Simple Email Service",
    ses: "Amazon Simple Email Service",
    athena: "Amazon Athena",
    glue: "AWS Glue",
    secretsmanager: "AWS Secrets Manager",
    inspector2: "Amazon Inspector",
    cfg: "AWS Config",
    scheduler: "Amazon EventBridge Scheduler",
};

/** The AWS service a resource type belongs to, named as FedRAMP lists do (module name when unmapped). */
export function serviceOf(subject: Subject): string | undefined {
    const m = /^aws:([a-z0-9]+)\//.exec(subject.type);
    if (!m) return undefined;
    const module = m[1];
    if (module === "cloudwatch") {
        if (CLOUDWATCH_LOGS.test(subject.type)) return "Amazon CloudWatch Logs";
        return /^aws:cloudwatch\/event/.test(subject.type) ? "Amazon EventBridge" : "Amazon CloudWatch";
    }
    if (module === "ec2" && VPC_TYPES.test(subject.type)) return "Amazon Virtual Private Cloud";
    if (module === "rds") {
        const engine = String(subject.props.engine ?? "");
        if (engine.startsWith("aurora-mysql") || engine === "aurora") return "Amazon Aurora (MySQL)";
        if (engine.startsWith("aurora-postgresql")) return "Amazon Aurora (PostgreSQL)";
        if (["mysql", "postgres", ""].includes(engine) || engine.startsWith("oracle")) return "Amazon RDS (MySQL, Oracle, Postgres)";
        return `Amazon RDS (${engine})`;
    }
    return MODULE_SERVICES[module] ?? `AWS ${module}`;
}

// ---------------------------------------------------------------- the rules

const taggableTypes = new Set<string>(taggable.types);

export const rules: readonly Rule[] = [
    {
        name: "iam-no-wildcard-admin",
        description: "IAM policies must not allow `*` or `service:*` actions (or NotAction) on every resource.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: [{ cjis: "5.5 Access Control", nist: ["AC-3", "AC-6"] }],
        appliesTo: isType(...IDENTITY_POLICY_TYPES),
        check: (s) => wildcardFindings(s),
    },
    {
        name: "iam-no-broad-managed-policies",
        description: "Roles must not get AWS-managed *FullAccess, PowerUserAccess or AdministratorAccess policies.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: [{ cjis: "5.5 Access Control", nist: ["AC-6"] }],
        appliesTo: isType(
            "aws:iam/role:Role",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
            "aws:iam/policyAttachment:PolicyAttachment",
        ),
        check: (s) => managedPolicyArns(s).filter((arn) => BROAD_MANAGED.test(arn)).map((arn) => `attaches the broad AWS-managed policy ${arn}`),
    },
    {
        name: "lambda-runtime-timeout-role",
        description: "Every Lambda function sets a supported Node.js runtime (22 or later), a timeout and an explicit role.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: [
            { cjis: "5.6 Identification and Authentication", nist: ["IA-9"] },
            { cjis: "5.7 Configuration Management", nist: ["CM-6"] },
            { cjis: "5.10 System and Communications Protection", nist: ["SI-2"] },
        ],
        appliesTo: isType("aws:lambda/function:Function"),
        check: (s) => {
            const p = s.props;
            if (p.packageType === "Image") return p.role ? [] : ["has no explicit role"];
            const m = /^nodejs(\d+)\.x$/.exec(String(p.runtime ?? ""));
            return [
                ...(m && Number(m[1]) >= 22 ? [] : [`runtime ${JSON.stringify(p.runtime ?? null)} is not Node.js 22 or later`]),
                ...(typeof p.timeout === "number" ? [] : ["has no explicit timeout"]),
                ...(p.role ? [] : ["has no explicit role"]),
            ];
        },
    },
    {
        name: "network-no-open-ingress",
        description: "No security group ingress from 0.0.0.0/0 or ::/0 except TCP 80 and 443.",
        severity: "critical",
        enforcementLevel: "mandatory",
        controls: [{ cjis: "5.10 System and Communications Protection", nist: ["SC-7", "AC-4"] }],
        appliesTo: isType(
            "aws:ec2/securityGroup:SecurityGroup",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "aws:ec2/securityGroupRule:SecurityGroupRule",
        ),
        check: (s) => openIngressFindings(s),
    },
    {
        name: "network-tls-listeners",
        description: "Load-balancer listeners use HTTPS/TLS with a TLS 1.2+ policy; plain HTTP listeners only redirect to HTTPS.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: [{ cjis: "5.10 System and Communications Protection", nist: ["SC-8", "SC-13"] }],
        appliesTo: isType("aws:lb/listener:Listener", "aws:alb/listener:Listener"),
        check: (s) => listenerFindings(s),
    },
    {
        name: "s3-private-encrypted",
        description: "S3 buckets block every kind of public access and have default encryption.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: [
            { cjis: "5.8 Media Protection", nist: ["SC-28"] },
            { cjis: "5.10 System and Communications Protection", nist: ["SC-28", "AC-3"] },
        ],
        appliesTo: isType("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"),
        check: () => [],
        checkInStack: (bucket, stack) => bucketFindings(bucket, stack),
    },
    {
        name: "ebs-encrypted",
        description: "EBS volumes, launch-template block devices and instance block devices are encrypted.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: [
            { cjis: "5.8 Media Protection", nist: ["SC-28"] },
            { cjis: "5.10 System and Communications Protection", nist: ["SC-28"] },
        ],
        appliesTo: isType("aws:ebs/volume:Volume", "aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/instance:Instance"),
        check: (s) => blockDeviceFindings(s),
    },
    {
        name: "rds-encrypted-private-backed-up",
        description: "RDS databases are encrypted and not public, keep backups (7+ days in production) and have deletion protection in production.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: [
            { cjis: "5.8 Media Protection", nist: ["SC-28"] },
            { cjis: "5.10 System and Communications Protection", nist: ["SC-28", "SC-7"] },
            { cjis: "5.3 Incident Response", nist: ["CP-9"] },
        ],
        appliesTo: isType("aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:rds/clusterInstance:ClusterInstance"),
        check: (s, c) => rdsFindings(s, c),
        configSchema: { properties: { productionEnvironments: { type: "array", items: { type: "string" }, default: DEFAULTS.productionEnvironments as string[] } } },
    },
    {
        name: "messaging-encrypted",
        description: "SNS topics and SQS queues are encrypted at rest.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: [{ cjis: "5.10 System and Communications Protection", nist: ["SC-28"] }],
        appliesTo: isType("aws:sns/topic:Topic", "aws:sqs/queue:Queue"),
        check: (s) => {
            if (s.type === "aws:sns/topic:Topic") return s.props.kmsMasterKeyId ? [] : ["topic has no kmsMasterKeyId"];
            return truthy(s.props.sqsManagedSseEnabled) || s.props.kmsMasterKeyId ? [] : ["queue sets neither sqsManagedSseEnabled nor kmsMasterKeyId"];
        },
    },
    {
        name: "log-group-retention",
        description: "CloudWatch log groups have a retention period.",
        severity: "low",
        enforcementLevel: "mandatory",
        controls: [{ cjis: "5.4 Auditing and Accountability", nist: ["AU-11"] }],
        appliesTo: isType("aws:cloudwatch/logGroup:LogGroup"),
        check: (s) => (Number(s.props.retentionInDays) > 0 ? [] : ["log group keeps logs forever (no retentionInDays)"]),
    },
    {
        name: "cloudtrail-validated-multiregion",
        description: "CloudTrail trails are multi-region and validate log files.",
        severity: "high",
        enforcementLevel: "mandatory",
        controls: [{ cjis: "5.4 Auditing and Accountability", nist: ["AU-2", "AU-9", "AU-12"] }],
        appliesTo: isType("aws:cloudtrail/trail:Trail"),
        check: (s) => [
            ...(truthy(s.props.isMultiRegionTrail) ? [] : ["trail is not multi-region"]),
            ...(truthy(s.props.enableLogFileValidation) ? [] : ["trail does not validate log files"]),
        ],
    },
    {
        name: "kms-key-rotation",
        description: "Symmetric KMS keys rotate automatically.",
        severity: "medium",
        enforcementLevel: "mandatory",
        controls: [{ cjis: "5.10 System and Communications Protection", nist: ["SC-12"] }],
        appliesTo: isType("aws:kms/key:Key"),
        check: (s) => {
            const spec = s.props.customerMasterKeySpec ?? s.props.keySpec ?? "SYMMETRIC_DEFAULT";
            if (spec !== "SYMMETRIC_DEFAULT" || (s.props.keyUsage ?? "ENCRYPT_DECRYPT") !== "ENCRYPT_DECRYPT") return [];
            return truthy(s.props.enableKeyRotation) ? [] : ["key rotation is not enabled"];
        },
    },
    {
        name: "tags-required",
        description: "Every taggable resource carries the environment and application tags.",
        severity: "low",
        enforcementLevel: "mandatory",
        controls: [{ cjis: "5.7 Configuration Management", nist: ["CM-8"] }],
        appliesTo: (t) => taggableTypes.has(t),
        check: (s) => {
            const tags = tagsOf(s.props);
            return ["environment", "application"].filter((k) => !tags[k]).map((k) => `missing the ${k} tag`);
        },
    },
    {
        name: "fedramp-authorised-services",
        description: "Reports resources of services outside the configured FedRAMP Moderate authorised-services list (default: the 20 services of June 2016).",
        severity: "medium",
        enforcementLevel: "advisory",
        controls: [{ cjis: "5.1 Information Exchange Agreements", nist: ["SA-9", "CA-6"] }],
        appliesTo: (t) => t.startsWith("aws:") && !t.startsWith("pulumi:"),
        check: (s, c) => {
            const service = serviceOf(s);
            return service && !c.authorisedServices.includes(service) ? [`${service} is not in the authorised services list`] : [];
        },
        configSchema: { properties: { authorisedServices: { type: "array", items: { type: "string" }, default: FEDRAMP_MODERATE_2016 } } },
    },
];

// ---------------------------------------------------------------- evaluation (shared by the pack and the tests)

export interface Finding {
    readonly rule: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly severity: Severity;
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly message: string;
    /** The acknowledgement's reason, when the resource accepts the finding. */
    readonly acknowledged?: string;
}

function withDefaults(config: RuleConfig | undefined): Required<RuleConfig> {
    return { ...DEFAULTS, ...(config ?? {}) } as Required<RuleConfig>;
}

function findingsFor(rule: Rule, subject: Subject, messages: string[]): Finding[] {
    const acknowledged = acknowledgementOf(subject, rule.name);
    return messages.map((message) => ({
        rule: rule.name,
        enforcementLevel: rule.enforcementLevel,
        severity: rule.severity,
        type: subject.type,
        name: subject.name,
        urn: subject.urn,
        message,
        ...(acknowledged ? { acknowledged } : {}),
    }));
}

/** Every finding of every rule over a stack's resources (acknowledged ones included and marked). */
export function evaluate(stack: readonly StackSubject[], config?: RuleConfig): Finding[] {
    const c = withDefaults(config);
    return rules.flatMap((rule) =>
        stack
            .filter((s) => rule.appliesTo(s.type))
            .flatMap((s) => findingsFor(rule, s, rule.checkInStack ? rule.checkInStack(s, stack, c) : rule.check(s, c))),
    );
}

// ---------------------------------------------------------------- CrossGuard policies

function report(findings: Finding[], reportViolation: ReportViolation, urn?: string): void {
    for (const f of findings.filter((f) => !f.acknowledged)) reportViolation(`${f.name}: ${f.message}`, urn);
}

function stackSubjects(resources: readonly PolicyResource[]): StackSubject[] {
    const byUrn = new Map<string, Omit<StackSubject, "propertyDependencies"> & { propertyDependencies: Record<string, StackSubject[]> }>();
    for (const r of resources) byUrn.set(r.urn, { type: r.type, name: r.name, urn: r.urn, props: r.props, propertyDependencies: {} });
    for (const r of resources) {
        const s = byUrn.get(r.urn)!;
        for (const [k, deps] of Object.entries(r.propertyDependencies ?? {})) {
            s.propertyDependencies[k] = deps.map((d) => byUrn.get(d.urn)).filter((d) => d !== undefined) as StackSubject[];
        }
    }
    return [...byUrn.values()];
}

function toPolicy(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
    const base = {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        severity: rule.severity,
        ...(rule.configSchema ? { configSchema: rule.configSchema } : {}),
    };
    if (rule.checkInStack) {
        return {
            ...base,
            validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
                const stack = stackSubjects(args.resources);
                const c = withDefaults(args.getConfig<RuleConfig>());
                for (const s of stack.filter((x) => rule.appliesTo(x.type))) {
                    report(findingsFor(rule, s, rule.checkInStack!(s, stack, c)), reportViolation, s.urn);
                }
            },
        };
    }
    return {
        ...base,
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            if (!rule.appliesTo(args.type)) return;
            const subject: Subject = { type: args.type, name: args.name, urn: args.urn, props: args.props };
            report(findingsFor(rule, subject, rule.check(subject, withDefaults(args.getConfig<RuleConfig>()))), reportViolation);
        },
    };
}

/** Acknowledged findings stay visible: reported as advisories with their reasons. */
const acknowledgedFindings: ResourceValidationPolicy = {
    name: "acknowledged-findings",
    description: "Lists findings that a resource acknowledges with an aws-blueprints:acknowledge:<rule> tag, with the reason.",
    enforcementLevel: "advisory",
    severity: "low",
    validateResource: (args, reportViolation) => {
        const subject: Subject = { type: args.type, name: args.name, urn: args.urn, props: args.props };
        const c = withDefaults(undefined);
        for (const rule of rules.filter((r) => r.appliesTo(args.type) && !r.checkInStack)) {
            for (const f of findingsFor(rule, subject, rule.check(subject, c)).filter((x) => x.acknowledged)) {
                reportViolation(`${f.rule} acknowledged on ${f.name} (${f.acknowledged}): ${f.message}`);
            }
        }
    },
};

/** The policies handed to the CrossGuard pack. */
export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [...rules.map(toPolicy), acknowledgedFindings];
