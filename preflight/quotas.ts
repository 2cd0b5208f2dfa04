// Quotas the stack would exceed: what it creates in a region or account, plus what is there already, against the
// account's applied quota. Quota values come from Service Quotas by code (the codes are those of each service's
// quota page, cited per row), usage from the services' own Describe/List calls; IAM, Route 53 and RDS report quota
// and usage themselves. Resources a deployed stack already has count as usage, not again as new.
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import {
    DescribeAddressesCommand,
    DescribeInstancesCommand,
    DescribeInstanceTypesCommand,
    DescribeInternetGatewaysCommand,
    DescribeNatGatewaysCommand,
    DescribeSubnetsCommand,
    DescribeVpcsCommand,
    EC2Client,
    _InstanceType,
} from "@aws-sdk/client-ec2";
import { EventBridgeClient, ListRulesCommand } from "@aws-sdk/client-eventbridge";
import { GetAccountSummaryCommand, IAMClient } from "@aws-sdk/client-iam";
import { DescribeAccountAttributesCommand, RDSClient } from "@aws-sdk/client-rds";
import { GetAccountLimitCommand, Route53Client } from "@aws-sdk/client-route-53";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { allPages } from "./clients";
import { CheckContext, deployedOfType, errorName, Finding, ofType, PlannedResource, StackModel, GLOBAL_REGION } from "./model";


/** The applied quota value, or AWS's default where the account has none applied. */
async function quotaValue(context: CheckContext, region: string, serviceCode: string, quotaCode: string): Promise<number> {
    const quotas = context.clients.in(ServiceQuotasClient, region);
    try {
        const applied = await quotas.send(new GetServiceQuotaCommand({ ServiceCode: serviceCode, QuotaCode: quotaCode }));
        if (applied.Quota?.Value !== undefined) return applied.Quota.Value;
    } catch (err) {
        if (errorName(err) !== "NoSuchResourceException") throw err;
    }
    const byDefault = await quotas.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: serviceCode, QuotaCode: quotaCode }));
    return byDefault.Quota?.Value ?? Number.POSITIVE_INFINITY;
}

/** NAT gateways an awsx VPC creates (its natGateways strategy; awsx's default is one per zone). */
function awsxNatGateways(r: PlannedResource): number {
    const strategy = r.inputs.natGateways?.strategy ?? "OnePerAz";
    if (strategy === "None") return 0;
    return strategy === "Single" ? 1 : (r.inputs.numberOfAvailabilityZones ?? r.inputs.availabilityZoneNames?.length ?? 3);
}

interface CountedQuota {
    readonly name: string;
    readonly serviceCode: string;
    readonly quotaCode: string;
    /** The AWS page that lists the quota and its code. */
    readonly source: string;
    /** `account`: one quota for every region, counted once. */
    readonly scope: "region" | "account";
    /** How many of the quota's units each resource type takes. */
    readonly units: Readonly<Record<string, (r: PlannedResource) => number>>;
    readonly usage: (context: CheckContext, region: string) => Promise<number>;
    /** The error AWS answers when the quota is reached. */
    readonly refusal: string;
}

const one = () => 1;

/** Quotas counted from resource types; the codes are Service Quotas' (`aws service-quotas list-service-quotas`). */
export const COUNTED_QUOTAS: readonly CountedQuota[] = [
    {
        name: "VPCs per Region",
        serviceCode: "vpc",
        quotaCode: "L-F678F1CE",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html",
        scope: "region",
        units: { "aws:ec2/vpc:Vpc": one, "awsx:ec2:Vpc": one },
        usage: async (c, region) => (await allPages((NextToken) => c.clients.in(EC2Client, region).send(new DescribeVpcsCommand({ NextToken })), (p) => p.Vpcs, (p) => p.NextToken)).length,
        refusal: "VpcLimitExceeded",
    },
    {
        name: "Internet gateways per Region",
        serviceCode: "vpc",
        quotaCode: "L-A4707A72",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html",
        scope: "region",
        units: { "aws:ec2/internetGateway:InternetGateway": one, "awsx:ec2:Vpc": one },
        usage: async (c, region) =>
            (await allPages((NextToken) => c.clients.in(EC2Client, region).send(new DescribeInternetGatewaysCommand({ NextToken })), (p) => p.InternetGateways, (p) => p.NextToken)).length,
        refusal: "InternetGatewayLimitExceeded",
    },
    {
        name: "EC2-VPC Elastic IPs",
        serviceCode: "ec2",
        quotaCode: "L-0263D0A3",
        source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html#using-instance-addressing-limit",
        scope: "region",
        // Each NAT gateway an awsx VPC creates holds an Elastic IP.
        units: { "aws:ec2/eip:Eip": one, "awsx:ec2:Vpc": awsxNatGateways },
        usage: async (c, region) => (await c.clients.in(EC2Client, region).send(new DescribeAddressesCommand({}))).Addresses?.length ?? 0,
        refusal: "AddressLimitExceeded",
    },
    {
        name: "Application Load Balancers per Region",
        serviceCode: "elasticloadbalancing",
        quotaCode: "L-53DA6B97",
        source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html",
        scope: "region",
        units: { "aws:lb/loadBalancer:LoadBalancer": (r) => ((r.inputs.loadBalancerType ?? "application") === "application" ? 1 : 0) },
        usage: async (c, region) =>
            (
                await allPages(
                    (Marker) => c.clients.in(ElasticLoadBalancingV2Client, region).send(new DescribeLoadBalancersCommand({ Marker })),
                    (p) => p.LoadBalancers,
                    (p) => p.NextMarker,
                )
            ).filter((lb) => lb.Type === "application").length,
        refusal: "TooManyLoadBalancers",
    },
    {
        name: "Number of rules (per event bus)",
        serviceCode: "events",
        quotaCode: "L-244521F2",
        source: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html",
        scope: "region",
        units: { "aws:cloudwatch/eventRule:EventRule": (r) => ((r.inputs.eventBusName ?? "default") === "default" ? 1 : 0) },
        usage: async (c, region) =>
            (await allPages((NextToken) => c.clients.in(EventBridgeClient, region).send(new ListRulesCommand({ NextToken })), (p) => p.Rules, (p) => p.NextToken)).length,
        refusal: "LimitExceededException",
    },
    {
        name: "General purpose buckets (per account)",
        serviceCode: "s3",
        quotaCode: "L-DC2B2D3D",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/BucketRestrictions.html",
        scope: "account",
        units: { "aws:s3/bucket:Bucket": one, "aws:s3/bucketV2:BucketV2": one },
        usage: async (c) =>
            (
                await allPages(
                    (ContinuationToken) => c.clients.in(S3Client, GLOBAL_REGION).send(new ListBucketsCommand({ ContinuationToken, MaxBuckets: 1000 })),
                    (p) => p.Buckets,
                    (p) => p.ContinuationToken,
                )
            ).length,
        refusal: "TooManyBuckets",
    },
];

/** New units a row's resources take in a region (or the account): the program's, less what the deployed stack has. */
function plannedUnits(model: StackModel, row: { units: Readonly<Record<string, (r: PlannedResource) => number>>; scope: string }, region: string): number {
    let total = 0;
    for (const [type, units] of Object.entries(row.units)) {
        const planned = model.resources.filter((r) => r.type === type && (row.scope === "account" || r.region === region));
        const deployed = deployedOfType(model, type, row.scope === "account" ? undefined : region).length;
        total += Math.max(0, planned.reduce((n, r) => n + units(r), 0) - deployed);
    }
    return total;
}

function overQuota(name: string, code: string, region: string | undefined, planned: number, used: number, quota: number, refusal: string, what: string): Finding {
    return {
        severity: "error",
        check: "quotas",
        subject: `${name} (${code})`,
        region,
        problem: `the stack adds ${planned} ${what} to the ${used} in use; the quota is ${quota}: AWS refuses those beyond it with ${refusal}`,
        fix: `request an increase of "${name}" in Service Quotas (or remove unused ones), or turn off what creates them`,
    };
}

async function countedQuotas(context: CheckContext): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const row of COUNTED_QUOTAS) {
        const regions = row.scope === "account" ? [GLOBAL_REGION] : context.model.regions;
        for (const region of regions) {
            const planned = plannedUnits(context.model, row, region);
            if (planned === 0) continue;
            const [used, quota] = await Promise.all([row.usage(context, region), quotaValue(context, region, row.serviceCode, row.quotaCode)]);
            if (used + planned > quota) findings.push(overQuota(row.name, row.quotaCode, row.scope === "account" ? undefined : region, planned, used, quota, row.refusal, "of them"));
        }
    }
    return findings;
}

/**
 * NAT gateways per Availability Zone (vpc L-FE5A380F, https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html):
 * the most the stack puts in one zone, added to the zone that already has the most.
 */
async function natGatewaysPerZone(context: CheckContext): Promise<Finding[]> {
    const { model } = context;
    const findings: Finding[] = [];
    for (const region of model.regions) {
        const perZone = new Map<string, number>();
        for (const nat of ofType(model, "aws:ec2/natGateway:NatGateway", region)) {
            const subnet = model.resources.find((s) => s.type === "aws:ec2/subnet:Subnet" && s.outputs.id === nat.inputs.subnetId);
            const zone = String(subnet?.inputs.availabilityZone ?? "?");
            perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
        }
        // awsx spreads its VPC's NAT gateways one per zone.
        const awsx = ofType(model, "awsx:ec2:Vpc", region).reduce((n, r) => n + (awsxNatGateways(r) > 0 ? 1 : 0), 0);
        // A deployed stack's NAT gateways are among those in use already.
        const planned = deployedOfType(model, "aws:ec2/natGateway:NatGateway", region).length > 0 ? 0 : Math.max(0, ...perZone.values()) + awsx;
        if (planned === 0) continue;
        const ec2 = context.clients.in(EC2Client, region);
        const nats = await allPages(
            (NextToken) => ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: "state", Values: ["pending", "available"] }], NextToken })),
            (p) => p.NatGateways,
            (p) => p.NextToken,
        );
        const subnetIds = [...new Set(nats.map((n) => n.SubnetId).filter((s): s is string => !!s))];
        const subnets = subnetIds.length > 0 ? ((await ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }))).Subnets ?? []) : [];
        const used = new Map<string, number>();
        for (const n of nats) {
            const zone = subnets.find((s) => s.SubnetId === n.SubnetId)?.AvailabilityZone ?? "?";
            used.set(zone, (used.get(zone) ?? 0) + 1);
        }
        const [busiest, count] = [...used].sort((a, b) => b[1] - a[1])[0] ?? ["", 0];
        const quota = await quotaValue(context, region, "vpc", "L-FE5A380F");
        if (count + planned > quota) {
            findings.push({
                ...overQuota("NAT gateways per Availability Zone", "L-FE5A380F", region, planned, count, quota, "NatGatewayLimitExceeded", `NAT gateway(s) to a zone, and ${busiest} already holds ${count} of them`),
                fix: `request an increase of "NAT gateways per Availability Zone" in Service Quotas, remove unused NAT gateways in ${busiest}, or use fewer NAT gateways (natGateways settings)`,
            });
        }
    }
    return findings;
}

/** Standard instance families (A, C, D, H, I, M, R, T, Z) share one vCPU quota. */
const STANDARD = /^[acdhimrtz]/;

interface Launch {
    readonly type: string;
    readonly count: number;
    readonly spot: boolean;
}

/** What the stack launches right away: standalone instances and each group's desired capacity, On-Demand or Spot. */
function launches(model: StackModel, region: string): Launch[] {
    const templates = ofType(model, "aws:ec2/launchTemplate:LaunchTemplate", region);
    const template = (id: unknown) => templates.find((t) => t.outputs.id === id);
    const out: Launch[] = [];
    for (const i of ofType(model, "aws:ec2/instance:Instance", region)) {
        const t = template(i.inputs.launchTemplate?.id);
        out.push({ type: i.inputs.instanceType ?? t?.inputs.instanceType, count: 1, spot: t?.inputs.instanceMarketOptions?.marketType === "spot" });
    }
    for (const g of ofType(model, "aws:autoscaling/group:Group", region)) {
        const count = g.inputs.desiredCapacity ?? g.inputs.minSize ?? 0;
        const mixed = g.inputs.mixedInstancesPolicy;
        if (mixed) {
            const d = mixed.instancesDistribution ?? {};
            const base = Math.min(count, d.onDemandBaseCapacity ?? 0);
            // Auto Scaling's default above the base is 100% On-Demand.
            const onDemand = base + Math.ceil(((count - base) * (d.onDemandPercentageAboveBaseCapacity ?? 100)) / 100);
            const type = mixed.launchTemplate?.overrides?.[0]?.instanceType;
            out.push({ type, count: onDemand, spot: false }, { type, count: count - onDemand, spot: true });
        } else {
            out.push({ type: template(g.inputs.launchTemplate?.id)?.inputs.instanceType, count, spot: false });
        }
    }
    return out.filter((l) => typeof l.type === "string" && l.count > 0 && STANDARD.test(l.type));
}

/**
 * vCPUs of running Standard instances, On-Demand (ec2 L-1216C47A) and Spot (ec2 L-34B43A08): new accounts start
 * with few (https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-quotas.html).
 */
async function vcpus(context: CheckContext): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const region of context.model.regions) {
        const planned = launches(context.model, region);
        if (planned.length === 0) continue;
        const ec2 = context.clients.in(EC2Client, region);
        const types = [...new Set(planned.map((l) => l.type))].sort();
        const described = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: types as _InstanceType[] }));
        const perType = new Map((described.InstanceTypes ?? []).map((t) => [t.InstanceType as string, t.VCpuInfo?.DefaultVCpus ?? 0]));
        const running = await allPages(
            (NextToken) => ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "instance-state-name", Values: ["pending", "running"] }], NextToken })),
            (p) => (p.Reservations ?? []).flatMap((r) => r.Instances ?? []),
            (p) => p.NextToken,
        );
        for (const [spot, code, name] of [
            [false, "L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"],
            [true, "L-34B43A08", "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests"],
        ] as const) {
            const adds = planned.filter((l) => l.spot === spot).reduce((n, l) => n + l.count * (perType.get(l.type) ?? 0), 0);
            if (adds === 0) continue;
            const used = running
                .filter((i) => STANDARD.test(i.InstanceType ?? "") && (i.InstanceLifecycle === "spot") === spot)
                .reduce((n, i) => n + (i.CpuOptions?.CoreCount ?? 0) * (i.CpuOptions?.ThreadsPerCore ?? 1), 0);
            const quota = await quotaValue(context, region, "ec2", code);
            if (used + adds > quota) {
                findings.push({
                    ...overQuota(name, code, region, adds, used, quota, "VcpuLimitExceeded", `vCPUs of ${spot ? "Spot" : "On-Demand"} instances`),
                    problem: `the stack launches ${adds} vCPUs of ${spot ? "Spot" : "On-Demand"} Standard instances (${planned
                        .filter((l) => l.spot === spot)
                        .map((l) => `${l.count} x ${l.type}`)
                        .join(", ")}) besides the ${used} running; the quota is ${quota} vCPUs: the launches beyond it fail with VcpuLimitExceeded`,
                    fix: `request an increase of "${name}" in Service Quotas, or choose smaller instance types or capacities`,
                });
            }
        }
    }
    return findings;
}

/** Quotas that IAM, Route 53 and RDS report with their usage. */
async function selfReportedQuotas(context: CheckContext): Promise<Finding[]> {
    const { model } = context;
    const findings: Finding[] = [];
    const account = (type: string) => Math.max(0, ofType(model, type).length - deployedOfType(model, type).length);
    const roles = account("aws:iam/role:Role");
    const profiles = account("aws:iam/instanceProfile:InstanceProfile");
    if (roles + profiles > 0) {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
        const summary = (await context.clients.in(IAMClient, GLOBAL_REGION).send(new GetAccountSummaryCommand({}))).SummaryMap ?? {};
        for (const [planned, used, quota, name] of [
            [roles, summary.Roles, summary.RolesQuota, "IAM roles per account"],
            [profiles, summary.InstanceProfiles, summary.InstanceProfilesQuota, "IAM instance profiles per account"],
        ] as const) {
            if (planned > 0 && used !== undefined && quota !== undefined && used + planned > quota) findings.push(overQuota(name, "iam", undefined, planned, used, quota, "LimitExceeded", "of them"));
        }
    }
    const healthChecks = account("aws:route53/healthCheck:HealthCheck");
    if (healthChecks > 0) {
        // https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetAccountLimit.html
        const limit = await context.clients.in(Route53Client, GLOBAL_REGION).send(new GetAccountLimitCommand({ Type: "MAX_HEALTH_CHECKS_BY_OWNER" }));
        const used = limit.Count ?? 0;
        const quota = limit.Limit?.Value ?? Number.POSITIVE_INFINITY;
        if (used + healthChecks > quota) findings.push(overQuota("Route 53 health checks per account", "MAX_HEALTH_CHECKS_BY_OWNER", undefined, healthChecks, used, quota, "TooManyHealthChecks", "health checks"));
    }
    for (const region of model.regions) {
        const databases = Math.max(0, ofType(model, "aws:rds/instance:Instance", region).length - deployedOfType(model, "aws:rds/instance:Instance", region).length);
        if (databases === 0) continue;
        // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeAccountAttributes.html
        const quotas = (await context.clients.in(RDSClient, region).send(new DescribeAccountAttributesCommand({}))).AccountQuotas ?? [];
        const instances = quotas.find((q) => q.AccountQuotaName === "DBInstances");
        if (instances?.Used !== undefined && instances.Max !== undefined && instances.Used + databases > instances.Max) {
            findings.push(overQuota("DB instances", "DBInstances", region, databases, instances.Used, instances.Max, "InstanceQuotaExceeded", "DB instance(s)"));
        }
    }
    return findings;
}

export async function quotaChecks(context: CheckContext): Promise<Finding[]> {
    return [...(await countedQuotas(context)), ...(await natGatewaysPerZone(context)), ...(await vcpus(context)), ...(await selfReportedQuotas(context))];
}
