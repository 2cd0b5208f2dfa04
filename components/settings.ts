// The only module that reads stack configuration. Everything else receives typed, validated values.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { cidrsOverlap, parseCidr } from "../scenarios/compliantWebApp/network";
import { CERTIFICATE_KEY_ALGORITHMS, certificateCount, MAX_EXTRA_CERTIFICATES } from "../scenarios/sniLoadBalancer/component";
import { CLOUDFRONT_PRICE_CLASSES, HEALTH_CHECKER_REGIONS } from "../scenarios/multiRegionApi/component";
import { checkSpotFleetArgs, SpotFleetArgs } from "../scenarios/spotFleet/component";
import { zoneIdRequired } from "../scenarios/sesTracking/component";

export const PROJECT = "aws-blueprints";

/** Retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group id like sg-0123456789abcdef0");
const iamPrincipalArn = z
    .string()
    .regex(
        /^arn:aws[a-z-]*:(iam|sts)::\d{12}:[A-Za-z0-9+=,.@_/*-]+$/,
        "must be an IAM user, role or assumed-role ARN (a trailing * matches any session or path suffix)",
    );

export const securityGroupGuardSchema = z
    .object({
        /** Build the scenario. @default false */
        enabled: z.boolean().default(false),
        /** Security groups to watch, by id. @default [] */
        monitoredGroupIds: z.array(securityGroupId).default([]),
        /** Security groups carrying this tag are watched too. @default none */
        monitoredTag: z
            .object({ key: z.string().min(1).max(128), value: z.string().max(256) })
            .strict()
            .optional(),
        /** Principals whose changes are accepted and never reverted (e.g. the deployment role). @default [] */
        approvedPrincipalArns: z.array(iamPrincipalArn).default([]),
        /**
         * Also exempt every session of the role that runs `pulumi up`; that role is often a shared administrator role, so
         * prefer naming a dedicated deployment role in approvedPrincipalArns. @default false
         */
        exemptDeployingRole: z.boolean().default(false),
        /** Create the post's sample "Web Server Security Group" (443 from anywhere) and watch it. @default true */
        createSampleGroup: z.boolean().default(true),
        /** VPC of the sample group; required where the region has no default VPC. @default the region's default VPC */
        sampleGroupVpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0").optional(),
        /** Create a multi-region CloudTrail trail (only needed when the account has none). @default false */
        createTrail: z.boolean().default(false),
        /** Memory of the revert function in MB. @default 256 */
        memorySizeMb: z.number().int().min(128).max(10240).default(256),
    })
    .strict()
    .refine((s) => !s.enabled || s.monitoredGroupIds.length > 0 || s.monitoredTag !== undefined || s.createSampleGroup, {
        message: "nothing to monitor: set monitoredGroupIds, monitoredTag or createSampleGroup: true",
    });

export const safeDeployPipelineSchema = z
    .object({
        /** Build the scenario. @default false */
        enabled: z.boolean().default(false),
        /** The pipeline may only create and change stacks whose names start with this. @default "blueprints-<environment>-" */
        stackNamePrefix: z
            .string()
            .regex(/^[A-Za-z][-A-Za-z0-9]{0,63}$/, "must start with a letter and hold up to 64 letters, digits or dashes")
            .optional(),
        /** Where revisions come from: an S3 object (ZIP) or a CodeStar connection repository. @default { type: s3, objectKey: source/app.zip } */
        source: z
            .discriminatedUnion("type", [
                z
                    .object({
                        type: z.literal("s3"),
                        /** Key of the ZIP object in the source bucket. @default "source/app.zip" */
                        objectKey: z
                            .string()
                            .regex(/^[^/].{0,1023}$/, "must be a relative S3 key of at most 1024 characters")
                            .default("source/app.zip"),
                    })
                    .strict(),
                z
                    .object({
                        type: z.literal("codestarConnection"),
                        /** ARN of an available connection. */
                        connectionArn: z
                            .string()
                            .regex(
                                /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[-0-9a-f]+$/,
                                "must be a CodeStar connection ARN like arn:aws:codestar-connections:us-east-1:123456789012:connection/<id>",
                            ),
                        /** `owner/repository`. */
                        fullRepositoryId: z.string().regex(/^[^/\s]+\/[^/\s]+$/, "must be owner/repository"),
                        /** Branch whose pushes run the pipeline. @default "main" */
                        branchName: z.string().min(1, "must not be empty").default("main"),
                    })
                    .strict(),
            ])
            .default({ type: "s3", objectKey: "source/app.zip" }),
        /** Upload the sample template and input file so the first run deploys something (S3 source only). @default true for an S3 source */
        deploySample: z.boolean().optional(),
        /** Input file in each revision (stack name, template file, parameters). @default "deploy.json" */
        inputFile: z
            .string()
            .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$)).+$/, "must be a relative path inside the revision")
            .default("deploy.json"),
        /** Role CloudFormation uses for the stacks (the only role the workflow may pass). @default a created role for the sample's SQS queues */
        deploymentRoleArn: z
            .string()
            .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]+$/, "must be an IAM role ARN like arn:aws:iam::123456789012:role/cfn-deployer")
            .optional(),
        /** A Modify with Replacement Conditional counts as unsafe. @default true */
        conditionalReplacementIsUnsafe: z.boolean().default(true),
        /** Seconds between two status checks of a stack or change set. @default 15 */
        pollIntervalSeconds: z.number().int().min(1).max(300).default(15),
        /** Status checks per wait before a deployment is declared stuck. @default 120 */
        maxPolls: z.number().int().min(1).max(1000).default(120),
    })
    .strict()
    .refine((s) => s.deploySample !== true || s.source.type === "s3", {
        message: "true needs source.type s3 (commit the sample to your repository instead)",
        path: ["deploySample"],
    });

const ipv4Cidr = z
    .string()
    .regex(
        /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(\d|[12]\d|3[0-2])$/,
        "must be an IPv4 CIDR block like 203.0.113.0/24",
    );
const instanceType = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type like m5.large");
const wholeNumber = (min: number, max: number) =>
    z.number().int(`must be a whole number from ${min} to ${max}`).min(min, `must be a whole number from ${min} to ${max}`).max(max, `must be a whole number from ${min} to ${max}`);

export const windowsContainersSchema = z
    .object({
        /** Build the scenario. @default false */
        enabled: z.boolean().default(false),
        /** Windows Server release and installation option of the container instances (and the task image's base). @default "2022-full" */
        windowsServer: z.enum(["2019-core", "2019-full", "2022-core", "2022-full", "2025-core", "2025-full"]).default("2022-full"),
        /** Instance type of the container instances. @default "m5.large" */
        instanceType: instanceType.default("m5.large"),
        /** Fewest container instances. @default 1 */
        minInstances: wholeNumber(0, 100).default(1),
        /** Most container instances the capacity provider may run. @default 4 */
        maxInstances: wholeNumber(1, 100).default(4),
        /** Root volume of each instance in GiB. @default 50 */
        rootVolumeGb: wholeNumber(30, 16384).default(50),
        /** Availability zones of the VPC. @default 2 */
        availabilityZones: wholeNumber(2, 6).default(2),
        /** NAT gateways: one per availability zone, or a single one (cheaper, one zone's outage cuts egress). @default "onePerAz" */
        natGateways: z.enum(["onePerAz", "single"]).default("onePerAz"),
        /** CIDR block of the VPC (/16 to /24). @default "10.0.0.0/16" */
        vpcCidr: ipv4Cidr.default("10.0.0.0/16"),
        /** ACM certificate ARN for an HTTPS listener; required when the stack protects its resources (protect: true). @default none (HTTP only, to ingressCidrs) */
        certificateArn: z
            .string()
            .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, "must be an ACM certificate ARN")
            .optional(),
        /** Networks allowed to reach the load balancer. @default ["0.0.0.0/0"] with a certificate; required without */
        ingressCidrs: z.array(ipv4Cidr).optional(),
        /** Tasks the service starts with. @default 2 */
        desiredTasks: wholeNumber(0, 1000).default(2),
        /** Fewest tasks service auto scaling keeps. @default 1 */
        minTasks: wholeNumber(0, 1000).default(1),
        /** Most tasks service auto scaling runs (one per instance). @default 4 */
        maxTasks: wholeNumber(1, 1000).default(4),
        /** Average service CPU % above which a task is added (3 consecutive minutes). @default 60 */
        scaleOutCpuPercent: wholeNumber(1, 100).default(60),
        /** Average service CPU % below which a task is removed (15 consecutive minutes). @default 25 */
        scaleInCpuPercent: wholeNumber(0, 99).default(25),
        /** CloudWatch Container Insights on the cluster. @default false */
        containerInsights: z.boolean().default(false),
        /** Images the ECR repository keeps. @default 20 */
        keepImages: wholeNumber(1, 10000).default(20),
        /** Days the load balancer's access logs are kept in their bucket. @default 90 */
        accessLogRetentionDays: wholeNumber(1, 3650).default(90),
    })
    .strict()
    .superRefine((s, ctx) => {
        // Each problem names its own key and value (a plain refine would report the whole section as the value).
        const problem = (key: keyof typeof s, message: string) => ctx.addIssue({ code: "custom", path: [key], message, input: s[key] });
        const cidrs = s.ingressCidrs ?? [];
        if (s.enabled && s.certificateArn === undefined && (cidrs.length === 0 || cidrs.some((c) => c.endsWith("/0")))) {
            problem("ingressCidrs", "without certificateArn the load balancer serves plain HTTP: list the networks allowed (not 0.0.0.0/0), or set certificateArn");
        }
        if (s.minInstances > s.maxInstances) problem("minInstances", `must not exceed maxInstances (${s.maxInstances})`);
        if (s.desiredTasks < s.minTasks || s.desiredTasks > s.maxTasks) problem("desiredTasks", `must be between minTasks (${s.minTasks}) and maxTasks (${s.maxTasks})`);
        if (s.maxTasks > s.maxInstances) problem("maxTasks", `must not exceed maxInstances (${s.maxInstances}): each task holds host port 8080 on its instance`);
        if (s.scaleInCpuPercent >= s.scaleOutCpuPercent) problem("scaleInCpuPercent", `must be below scaleOutCpuPercent (${s.scaleOutCpuPercent})`);
    });

export const opsAutomatorSchema = z
    .object({
        /** Build the scenario. @default false */
        enabled: z.boolean().default(false),
        /** Minutes between runs: 5, 10, 15, 20, 30 or 60. @default 5 */
        scheduleMinutes: z
            .number()
            .refine((m) => [5, 10, 15, 20, 30, 60].includes(m), { message: "must be 5, 10, 15, 20, 30 or 60 (a divisor of 60)" })
            .default(5),
        /** Seed the task table with the EBS snapshot scheduler, enabled (created once, then left to operators). @default true */
        snapshotTask: z.boolean().default(true),
        /** Seed of the snapshot task: it deletes its snapshots once their retention has passed. @default true */
        deleteExpiredSnapshots: z.boolean().default(true),
        /** Seed of the snapshot task: retention in days of schedule tags that leave it out. @default 15 */
        defaultRetentionDays: wholeNumber(1, 3650).default(15),
        /** Memory of the runner in MB. @default 256 */
        memorySizeMb: wholeNumber(128, 10240).default(256),
        /** Timeout of one run in seconds. @default 300 */
        timeoutSeconds: wholeNumber(30, 900).default(300),
    })
    .strict();

const hhmm = z
    .union([z.string(), z.number().int()])
    // An unquoted 0900 in YAML is the number 900.
    .transform((v) => (typeof v === "number" ? String(v).padStart(4, "0") : v))
    .pipe(z.string().regex(/^([01]\d|2[0-3])[0-5]\d$/, "must be a time HHMM from 0000 to 2359, quoted in YAML like \"0900\""));

export const patchInspectProtectSchema = z
    .object({
        /** Build the scenario. @default false */
        enabled: z.boolean().default(false),
        /** Instance type of the Windows server. @default "t3.medium" */
        instanceType: instanceType.default("t3.medium"),
        /** Windows Server release of the instance. @default "2022" */
        windowsServerVersion: z.enum(["2019", "2022", "2025"]).default("2022"),
        /** VPC of the instance (with subnetId). @default the default VPC */
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0").optional(),
        /** Subnet of the instance (with vpcId); needs outbound HTTPS. @default a default subnet of the default VPC */
        subnetId: z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0123456789abcdef0").optional(),
        /** Root volume in GiB. @default 50 */
        rootVolumeGb: wholeNumber(30, 16384).default(50),
        /** Extra data volume in GiB. @default 20 */
        dataVolumeGb: wholeNumber(1, 16384).default(20),
        /** The Patch Group tag value. @default "Windows Servers" */
        patchGroup: z.string().min(1).max(256).default("Windows Servers"),
        /** Days after release before a security update is approved. @default 7 */
        approveAfterDays: wholeNumber(0, 360).default(7),
        /** Maintenance window schedule (UTC). @default "cron(0 22 ? * SUN *)" */
        maintenanceSchedule: z
            .string()
            .regex(/^(cron|rate)\(.+\)$/, "must be a cron(...) or rate(...) expression like cron(0 22 ? * SUN *)")
            .default("cron(0 22 ? * SUN *)"),
        /** Maintenance window length in hours. @default 3 */
        maintenanceDurationHours: wholeNumber(2, 24).default(3),
        /** Enable Amazon Inspector for EC2 in the account and region. @default true */
        enableInspector: z.boolean().default(true),
        /** Lowest Inspector finding severity that is emailed. @default "HIGH" */
        minimumSeverity: z.enum(["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"]).default("HIGH"),
        /** Local times of the instance's snapshot tags. @default the post's 0900 to 1600, hourly */
        snapshotTimes: z.array(hhmm).max(30).default(["0900", "1000", "1100", "1200", "1300", "1400", "1500", "1600"]),
        /** Retention of the scheduled snapshots in days. @default 3 */
        snapshotRetentionDays: wholeNumber(1, 3650).default(3),
        /** Time zone of the snapshot times: utc or an IANA name. @default "utc" */
        snapshotTimeZone: z
            .string()
            .refine(isTimeZone, { message: "must be utc or an IANA time zone such as America/Los_Angeles" })
            .default("utc"),
        /** Snapshot days: all, weekdays or a list like mon,wed,fri. @default "weekdays" */
        snapshotDays: z
            .string()
            .regex(/^(all|weekdays|(mon|tue|wed|thu|fri|sat|sun)(,(mon|tue|wed|thu|fri|sat|sun))*)$/i, "must be all, weekdays or a list like mon,wed,fri")
            .default("weekdays"),
    })
    .strict()
    .superRefine((s, ctx) => {
        if ((s.vpcId === undefined) !== (s.subnetId === undefined)) {
            const missing = s.vpcId === undefined ? "vpcId" : "subnetId";
            ctx.addIssue({ code: "custom", path: [missing], message: `set vpcId and subnetId together`, input: undefined });
        }
    });

function isTimeZone(zone: string): boolean {
    if (/^(utc|gmt)$/i.test(zone)) return true;
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: zone });
        return true;
    } catch {
        return false;
    }
}

const awsRegion = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "must be an AWS region like us-east-1");
const hostName = z
    .string()
    .regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lowercase host name like api.example.com");

export const multiRegionApiSchema = z
    .object({
        /** Build the scenario. @default false */
        enabled: z.boolean().default(false),
        /** The API's one public name, served from every region (required when enabled). @default none */
        domainName: hostName.optional(),
        /** Route 53 public hosted zone that holds domainName and clientDomainName (required when enabled). @default none */
        hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, "must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ").optional(),
        /** Regions the API runs in, each once; one AWS provider per region. @default ["us-east-1", "us-west-2"] */
        regions: z.array(awsRegion).min(2, "needs two or more regions to fail over between").default(["us-east-1", "us-west-2"]),
        /** Regions whose health endpoint reports fail (HTTP 503), to rehearse failover. @default [] */
        unhealthyRegions: z.array(awsRegion).default([]),
        /** Access-Control-Allow-Origin of the API. @default the client page's origin ("*" without the client) */
        corsAllowOrigin: z
            .string()
            .regex(
                /^(\*|https:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?|http:\/\/localhost(:\d{1,5})?)$/,
                'must be "*" or one origin like https://app.example.com (scheme and host, no path)',
            )
            .optional(),
        /** Serve the browser test client from a private bucket through CloudFront. @default true */
        deployClient: z.boolean().default(true),
        /** CloudFront price class of the client. @default "PriceClass_100" */
        clientPriceClass: z.enum(CLOUDFRONT_PRICE_CLASSES).default("PriceClass_100"),
        /** A name for the client page in the same hosted zone. @default the distribution's cloudfront.net name */
        clientDomainName: hostName.optional(),
        /** Regions whose Route 53 health checkers probe the API, three or more. @default all eight */
        healthCheckerRegions: z.array(z.enum(HEALTH_CHECKER_REGIONS)).min(3, "needs at least three regions (leave it out for all)").optional(),
        /** Requests per second each region's stage accepts. @default 50 */
        throttleRateLimit: z.number().positive("must be more than 0").max(10000, "must be at most 10000").default(50),
        /** Requests each region's stage accepts in a burst. @default 100 */
        throttleBurstLimit: wholeNumber(1, 5000).default(100),
        /** Set each region's account-wide API Gateway CloudWatch Logs role (it replaces a role already set there). @default true */
        manageApiGatewayAccount: z.boolean().default(true),
        /** Memory of each handler in MB. @default 128 */
        memorySizeMb: wholeNumber(128, 10240).default(128),
    })
    .strict()
    .superRefine((s, ctx) => {
        const problem = (key: keyof typeof s, message: string) => ctx.addIssue({ code: "custom", path: [key], message, input: s[key] });
        if (s.enabled && s.domainName === undefined) problem("domainName", "is required when enabled: the API's public name, like api.example.com");
        if (s.enabled && s.hostedZoneId === undefined) problem("hostedZoneId", "is required when enabled: the Route 53 zone of domainName");
        const duplicate = s.regions.find((r, i) => s.regions.indexOf(r) !== i);
        if (duplicate) problem("regions", `lists ${duplicate} twice`);
        const stray = s.unhealthyRegions.filter((r) => !s.regions.includes(r));
        if (stray.length > 0) problem("unhealthyRegions", `must be among regions (${s.regions.join(", ")}); ${stray.join(", ")} is not`);
        if (s.clientDomainName !== undefined && s.clientDomainName === s.domainName) problem("clientDomainName", "must differ from domainName");
        if (s.clientDomainName !== undefined && !s.deployClient) problem("clientDomainName", "needs deployClient: true");
    });

const hostedZoneId = z.string().regex(/^Z[A-Z0-9]{1,31}$/, "must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ");
const siteHostName = z
    .string()
    .regex(/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lowercase host name like www.example.com (or *.example.com)");

/** One TLS site of an SNI load balancer. */
const sniSiteSchema = z
    .object({
        /** Host name served; the certificate's name (at most 64 characters). */
        domainName: siteHostName.refine((d) => d.length <= 64, {
            message: "must be at most 64 characters (ACM's limit for a certificate's name); put longer names in alternativeNames",
        }),
        /** More names on the same certificate and routing rule, in the same hosted zone. @default [] */
        alternativeNames: z.array(siteHostName).default([]),
        /** Route 53 public hosted zone of the site's names. @default the section's hostedZoneId */
        hostedZoneId: hostedZoneId.optional(),
        /** One certificate per key algorithm; RSA and ECDSA may coexist and the load balancer picks per client. @default ["RSA_2048"] */
        keyAlgorithms: z.array(z.enum(CERTIFICATE_KEY_ALGORITHMS)).min(1, "must name at least one key algorithm").default(["RSA_2048"]),
    })
    .strict();

/** Problems of a list of sites: a zone for each, and no more certificates than one HTTPS listener takes. */
function checkSites(
    sites: readonly z.output<typeof sniSiteSchema>[],
    zone: string | undefined,
    problem: (path: (string | number)[], message: string, input: unknown) => void,
): void {
    sites.forEach((site, i) => {
        if (site.hostedZoneId === undefined && zone === undefined) problem(["sites", i, "hostedZoneId"], "is required: set it on the site or the section's hostedZoneId", undefined);
    });
    const certificates = certificateCount(sites);
    if (certificates - 1 > MAX_EXTRA_CERTIFICATES) {
        problem(["sites"], `need ${certificates} certificates; one HTTPS listener takes ${MAX_EXTRA_CERTIFICATES + 1} (a default and ${MAX_EXTRA_CERTIFICATES} more)`, `${sites.length} sites`);
    }
}

export const sniLoadBalancerSchema = z
    .object({
        /** Build the scenario. @default false */
        enabled: z.boolean().default(false),
        /** Route 53 public hosted zone for validation and alias records of sites that name none. @default none */
        hostedZoneId: hostedZoneId.optional(),
        /** The TLS sites, each with its own certificates and routing rule (at least one when enabled). @default [] */
        sites: z.array(sniSiteSchema).default([]),
        /** VPC of the load balancer (with subnetIds). @default the default VPC */
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0").optional(),
        /** Public subnets in two or more AZs (with vpcId). @default the default VPC's default subnets */
        subnetIds: z
            .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0123456789abcdef0"))
            .min(2, "must name subnets in at least two Availability Zones")
            .optional(),
        /** Port the targets listen on. @default 80 */
        targetPort: wholeNumber(1, 65535).default(80),
        /** Protocol from the load balancer to the targets. @default "HTTP" */
        targetProtocol: z.enum(["HTTP", "HTTPS"]).default("HTTP"),
        /** Health-check path of the targets. @default "/" */
        healthCheckPath: z.string().regex(/^\/\S{0,1023}$/, "must be a path starting with /").default("/"),
        /** "dualstack" answers IPv6 clients too (the subnets need IPv6) and adds AAAA records. @default "ipv4" */
        ipAddressType: z.enum(["ipv4", "dualstack"]).default("ipv4"),
        /** Days access logs are kept. @default 90 */
        accessLogRetentionDays: wholeNumber(1, 3650).default(90),
        /** Alarm when a certificate has fewer days left (ACM renews from 60 days before expiry). @default 45 */
        certificateExpiryAlarmDays: wholeNumber(1, 59).default(45),
    })
    .strict()
    .superRefine((s, ctx) => {
        const problem = (path: (string | number)[], message: string, input: unknown) => ctx.addIssue({ code: "custom", path, message, input });
        if (!s.enabled) return;
        if (s.sites.length === 0) problem(["sites"], "needs at least one site when enabled, like [{ domainName: www.example.com }]", s.sites);
        checkSites(s.sites, s.hostedZoneId, problem);
        if ((s.vpcId === undefined) !== (s.subnetIds === undefined)) {
            problem([s.vpcId === undefined ? "vpcId" : "subnetIds"], "set vpcId and subnetIds together (or neither, for the default VPC)", undefined);
        }
    });

const mysqlUser = z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, "must be 1-32 letters, digits or _, starting with a letter")
    .refine((u) => !["root", "rdsadmin", "rdsrepladmin"].includes(u.toLowerCase()), { message: "is reserved by MySQL or RDS" });

const serverTierSchema = (instanceTypeDefault: string) =>
    z
        .object({
            /** EC2 instance type; Graviton types (t4g, m7g, ...) get the arm64 image. @default "t4g.micro" */
            instanceType: instanceType.default(instanceTypeDefault),
            /** Fewest instances. @default 1 */
            minSize: wholeNumber(1, 100).default(1),
            /** Most instances. @default 2 */
            maxSize: wholeNumber(1, 100).default(2),
            /** Average CPU % the target-tracking policy keeps. @default 50 */
            cpuTargetPercent: wholeNumber(10, 90).default(50),
            /** Encrypted root volume in GiB. @default 20 */
            rootVolumeGb: wholeNumber(8, 1024).default(20),
        })
        .strict()
        .superRefine((t, ctx) => {
            if (t.maxSize < t.minSize) ctx.addIssue({ code: "custom", path: ["maxSize"], message: `must be at least minSize (${t.minSize})`, input: t.maxSize });
        });

export const compliantWebAppSchema = z
    .object({
        /** Build the scenario. @default false */
        enabled: z.boolean().default(false),
        /** Route 53 public hosted zone of the sites and the internal name (required when enabled). @default none */
        hostedZoneId: hostedZoneId.optional(),
        /** Public sites of the web tier (at least one when enabled). @default [] */
        sites: z.array(sniSiteSchema).default([]),
        /** Name of the internal load balancer in the zone, e.g. app-internal.example.com (required when enabled). @default none */
        internalDomainName: siteHostName.optional(),
        network: z
            .object({
                /** Production VPC (/16 to /22). @default "10.0.0.0/16" */
                productionCidr: ipv4Cidr.default("10.0.0.0/16"),
                /** Management VPC; must not overlap the production VPC. @default "10.1.0.0/16" */
                managementCidr: ipv4Cidr.default("10.1.0.0/16"),
                /** Availability Zones of both VPCs. @default 2 */
                availabilityZones: wholeNumber(2, 3).default(2),
                /** NAT gateways of the production VPC: "single" (cheap) or "perAz" (survives an AZ outage). @default "single" */
                natGateways: z.enum(["single", "perAz"]).default("single"),
                /** NAT gateways of the management VPC. @default "none" */
                managementNatGateways: z.enum(["none", "single", "perAz"]).default("none"),
            })
            .strict()
            .prefault({}),
        /** The web (reverse-proxy) tier. @default t4g.micro, 1-2 instances, 50% CPU */
        web: serverTierSchema("t4g.micro").prefault({}),
        /** The app tier. @default t4g.micro, 1-2 instances, 50% CPU */
        app: serverTierSchema("t4g.micro").prefault({}),
        database: z
            .object({
                /** RDS instance class. @default "db.t4g.micro" */
                instanceClass: z.string().regex(/^db\.[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an RDS instance class like db.t4g.micro").default("db.t4g.micro"),
                /** MySQL major version. @default "8.4" */
                engineVersion: z.enum(["8.0", "8.4"]).default("8.4"),
                /** Initial storage in GiB. @default 20 */
                allocatedStorageGb: wholeNumber(20, 65536).default(20),
                /** Storage autoscaling ceiling in GiB. @default 100 */
                maxAllocatedStorageGb: wholeNumber(20, 65536).default(100),
                /** A synchronous standby in another AZ. @default false */
                multiAz: z.boolean().default(false),
                /** Days of automated backups. @default 7 */
                backupRetentionDays: wholeNumber(1, 35).default(7),
                /** Refuse deletion. @default the stack's protect setting */
                deletionProtection: z.boolean().optional(),
                /** Master user (its password is generated and kept by RDS in Secrets Manager). @default "dbadmin" */
                masterUsername: mysqlUser.default("dbadmin"),
                /** The user the app tier connects as with IAM authentication. @default "app_user" */
                iamDatabaseUser: mysqlUser.default("app_user"),
            })
            .strict()
            .superRefine((d, ctx) => {
                if (d.maxAllocatedStorageGb < d.allocatedStorageGb) {
                    ctx.addIssue({ code: "custom", path: ["maxAllocatedStorageGb"], message: `must be at least allocatedStorageGb (${d.allocatedStorageGb})`, input: d.maxAllocatedStorageGb });
                }
                if (d.iamDatabaseUser === d.masterUsername) {
                    ctx.addIssue({ code: "custom", path: ["iamDatabaseUser"], message: "must differ from masterUsername", input: d.iamDatabaseUser });
                }
            })
            .prefault({}),
        /** An SSH bastion in the management VPC. @default none (Session Manager reaches every instance) */
        bastion: z
            .object({
                /** The only network allowed to SSH in, /8 or narrower (never 0.0.0.0/0). */
                allowedCidr: ipv4Cidr.refine((c) => Number(c.split("/")[1]) >= 8, {
                    message: "must be a known network, /8 or narrower: SSH is never open to the internet",
                }),
                /** EC2 key pair for SSH. */
                keyName: z.string().min(1, "must name an EC2 key pair").max(255),
                /** Instance type. @default "t4g.nano" */
                instanceType: instanceType.default("t4g.nano"),
            })
            .strict()
            .optional(),
        /** Create the AWS Config recorder and delivery channel: one per account and region, so on in one stack only, where nothing else records (the rules need a recorder). @default false */
        createConfigRecorder: z.boolean().default(false),
        /** Days CloudTrail and Config files stay in the audit bucket (CJIS: a year or more). @default 365 */
        auditRetentionDays: wholeNumber(365, 3653).default(365),
        /** Days load-balancer access logs are kept. @default 90 */
        accessLogRetentionDays: wholeNumber(1, 3650).default(90),
    })
    .strict()
    .superRefine((s, ctx) => {
        const problem = (path: (string | number)[], message: string, input: unknown) => ctx.addIssue({ code: "custom", path, message, input });
        if (!s.enabled) return;
        if (s.hostedZoneId === undefined) problem(["hostedZoneId"], "is required when enabled: the public Route 53 zone of the sites", undefined);
        if (s.sites.length === 0) problem(["sites"], "needs at least one site when enabled, like [{ domainName: www.example.com }]", s.sites);
        if (s.internalDomainName === undefined) problem(["internalDomainName"], "is required when enabled: the internal load balancer's name, like app-internal.example.com", undefined);
        checkSites(s.sites, s.hostedZoneId, problem);
        const networks = (["productionCidr", "managementCidr"] as const).map((key) => {
            const cidr = parseCidr(s.network[key]);
            if (!cidr || cidr.prefix < 16 || cidr.prefix > 22) problem(["network", key], "must be a /16 to /22 network address like 10.0.0.0/16", s.network[key]);
            return cidr;
        });
        if (networks.every((n) => n) && cidrsOverlap(s.network.productionCidr, s.network.managementCidr)) {
            problem(["network", "managementCidr"], `overlaps productionCidr (${s.network.productionCidr}); peered VPCs need distinct ranges`, s.network.managementCidr);
        }
    });

export const sesTrackingSchema = z
    .object({
        /** Build the scenario. @default false */
        enabled: z.boolean().default(false),
        /** Name of the configuration set senders name in their requests. @default "ses-tracking-<stack>" */
        configurationSetName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, underscores or dashes").optional(),
        /** Where open, click, bounce and complaint events go: an encrypted SNS topic and/or CloudWatch metrics. @default ["sns", "cloudwatch"] */
        eventDestinations: z.array(z.enum(["sns", "cloudwatch"])).min(1, "must name sns and/or cloudwatch").default(["sns", "cloudwatch"]),
        /** A message tag (e.g. campaign) whose value becomes an extra dimension of the CloudWatch event metrics. @default none */
        campaignTag: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "must be a message tag name: letters, digits, _ or -").optional(),
        /** Alarm when the bounce rate reaches this fraction; below 0.05, where SES reviews accounts. @default 0.02 (AWS's recommended ceiling) */
        bounceRateThreshold: z
            .number()
            .gt(0, "must be above 0")
            .lt(0.05, "must be below 0.05 (5%, the bounce rate at which SES places an account under review)")
            .default(0.02),
        /** Alarm when the complaint rate reaches this fraction; below 0.001, where SES reviews accounts. @default 0.0005 */
        complaintRateThreshold: z
            .number()
            .gt(0, "must be above 0")
            .lt(0.001, "must be below 0.001 (0.1%, the complaint rate at which SES places an account under review)")
            .default(0.0005),
        /** A domain to verify as a sending identity with Easy DKIM; its three CNAME records go to Route 53. @default none */
        domain: hostName.optional(),
        /** Public hosted zone receiving the DKIM records; required when domain has more than two labels. @default the public zone named exactly like domain */
        hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, "must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ").optional(),
    })
    .strict()
    .superRefine((s, ctx) => {
        const problem = (key: keyof typeof s, message: string) => ctx.addIssue({ code: "custom", path: [key], message, input: s[key] });
        if (s.hostedZoneId !== undefined && s.domain === undefined) problem("hostedZoneId", "is only used with domain");
        const zoneProblem = s.domain !== undefined && s.hostedZoneId === undefined ? zoneIdRequired(s.domain) : undefined;
        if (zoneProblem) problem("hostedZoneId", zoneProblem);
        if (s.campaignTag !== undefined && !s.eventDestinations.includes("cloudwatch")) {
            problem("campaignTag", 'is a CloudWatch dimension: add "cloudwatch" to eventDestinations');
        }
    });

export const imageHandlerSchema = z
    .object({
        /** Build the scenario. @default false */
        enabled: z.boolean().default(false),
        /** CloudFront edge locations: 100 (North America, Europe, Israel), 200 (+ most of Asia, Africa), All. @default "PriceClass_100" */
        priceClass: z.enum(CLOUDFRONT_PRICE_CLASSES).default("PriceClass_100"),
        /** Instruction set of the resize function; the matching sharp Linux binaries must be installed. @default "x86_64" */
        architecture: z.enum(["x86_64", "arm64"]).default("x86_64"),
        /** Memory of the resize function in MB (CPU grows with it). @default 1536 */
        memorySizeMb: wholeNumber(512, 10240).default(1536),
        /** Largest width a path may ask for, in pixels. @default 4000 */
        maxWidth: wholeNumber(1, 16383).default(4000),
        /** Largest height a path may ask for, in pixels. @default 4000 */
        maxHeight: wholeNumber(1, 16383).default(4000),
        /** Largest source image read, in MB. @default 20 */
        maxSourceMegabytes: wholeNumber(1, 1024).default(20),
        /** Largest source image decoded, in megapixels. @default 50 */
        maxSourceMegapixels: wholeNumber(1, 268).default(50),
        /** Encoder quality when a path gives none. @default 80 */
        defaultQuality: wholeNumber(1, 100).default(80),
        /** How long CloudFront keeps a response without Cache-Control, in seconds. @default 86400 */
        defaultTtlSeconds: wholeNumber(0, 31536000).default(86400),
        /** Concurrency reserved for (and capping) the resize function. @default unreserved */
        reservedConcurrency: wholeNumber(1, 10000).optional(),
    })
    .strict()
    .superRefine((s, ctx) => {
        // The source bytes plus about three RGBA copies of the decoded image must fit in 75% of the function's memory.
        const neededMb = s.maxSourceMegabytes + Math.ceil((s.maxSourceMegapixels * 1_000_000 * 12) / (1024 * 1024));
        if (neededMb > s.memorySizeMb * 0.75) {
            ctx.addIssue({
                code: "custom",
                path: ["memorySizeMb"],
                input: s.memorySizeMb,
                message: `is too small for maxSourceMegabytes ${s.maxSourceMegabytes} and maxSourceMegapixels ${s.maxSourceMegapixels} (about ${neededMb} MB needed, at most 75% of memory); raise it or lower the limits`,
            });
        }
    });

const workstationCidr = z
    .string()
    .regex(
        /^(((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(3[0-2]|[12]?\d)|[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|\d?\d))$/,
        "must be an IPv4 or IPv6 CIDR like 203.0.113.0/24",
    );

export const athenaAnalyticsSchema = z
    .object({
        /** Build the scenario. @default false */
        enabled: z.boolean().default(false),
        /** Glue database holding the billboard table. @default "billboard_<stack>" */
        databaseName: z.string().regex(/^[a-z0-9_]{1,255}$/, "must be 1-255 lowercase letters, digits or underscores").optional(),
        /** Where the comma-delimited Billboard data lives. @default billboard/ in a data bucket the scenario creates */
        dataLocation: z
            .string()
            .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/([^/\s]+\/)*$/, "must be an S3 location like s3://my-bucket/billboard/ (ending with /)")
            .optional(),
        /** Athena cancels a query that scans more than this many MB. @default 10240 */
        bytesScannedCutoffMb: wholeNumber(10, 10_000_000).default(10240),
        /** Days query results are kept. @default 30 */
        resultsExpirationDays: wholeNumber(1, 3650).default(30),
        /** Create the RStudio Server workstation. @default true */
        createWorkstation: z.boolean().default(true),
        /** Instance type of the workstation (x86_64). @default "t3.large" */
        instanceType: z
            .string()
            .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type like t3.large")
            .refine((t) => !/^[a-z]+\d+[a-z]*g[a-z]*(-[a-z]+)?\./.test(t), "must be an x86_64 type: RStudio Server comes from Posit's x86_64 package")
            .default("t3.large"),
        /** Subnet of the workstation. @default a default subnet of the region's default VPC */
        subnetId: z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0123456789abcdef0").optional(),
        /** Whether the subnet is public (the instance gets a public IP) or private (NAT). @default "public" */
        subnetType: z.enum(["public", "private"]).default("public"),
        /** CIDR allowed to reach RStudio on port 8787. @default none: SSM port forwarding only */
        allowedCidr: workstationCidr.refine((c) => !/\/0$/.test(c), "must not be open to the whole internet; give your network's CIDR or leave it out for SSM port forwarding").optional(),
        /** Encrypted root volume size in GB. @default 50 */
        rootVolumeSizeGb: wholeNumber(20, 16384).default(50),
        /** Linux user RStudio signs in. @default "rstudio" */
        rstudioUser: z
            .string()
            .regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a Linux user name (lowercase letters, digits, _ or -)")
            .refine((u) => u !== "root", "must not be root")
            .default("rstudio"),
        /** RStudio Server version (Posit's RHEL 9 package). @default "2024.12.1-563" */
        rstudioServerVersion: z.string().regex(/^\d{4}\.\d{2}\.\d+-\d+$/, "must be a version like 2024.12.1-563").default("2024.12.1-563"),
        /** SHA-256 of that package, checked before installing. @default not checked beyond HTTPS */
        rstudioServerSha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits").optional(),
    })
    .strict()
    .superRefine((s, ctx) => {
        if (s.createWorkstation && s.subnetType === "private" && s.subnetId === undefined) {
            ctx.addIssue({ code: "custom", path: ["subnetId"], input: s.subnetId, message: "is required with subnetType private: a private subnet with a NAT route" });
        }
    });

/**
 * Runs the Spot fleet's own argument checks inside a schema, so a combination the component refuses is reported
 * at configuration time under the config key it names (`keys` maps component argument names to config keys).
 */
function checkFleet(section: string, args: SpotFleetArgs, values: Record<string, unknown>, keys: Record<string, string>, ctx: z.RefinementCtx): void {
    try {
        checkSpotFleetArgs(section, args);
    } catch (err) {
        const message = String((err as Error).message).replace(`${section}: `, "");
        const mentioned = Object.keys(keys)
            .map((arg) => ({ arg, at: message.search(new RegExp(`\\b${arg}\\b`)) }))
            .filter((m) => m.at >= 0)
            .sort((a, b) => a.at - b.at)[0];
        if (!mentioned) {
            ctx.addIssue({ code: "custom", message });
            return;
        }
        const key = keys[mentioned.arg];
        const text = message.replace(/; got [^;]*$/, "");
        const rest = mentioned.at === 0 ? text.slice(mentioned.arg.length).trimStart() : text.replace(mentioned.arg, key);
        ctx.addIssue({ code: "custom", path: [key], input: values[key], message: rest });
    }
}

const subnetId = z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0123456789abcdef0");
const userTagKey = z
    .string()
    .min(1, "must not be empty")
    .max(128, "must be at most 128 characters")
    .refine((k) => !k.startsWith("aws:"), "must not start with aws: (reserved by AWS)");

export const spotFleetSchema = z
    .object({
        /** Build the scenario. @default false */
        enabled: z.boolean().default(false),
        /** Instance types, one architecture, in order of preference. @default ["t3.micro", "t3a.micro", "t2.micro"] */
        instanceTypes: z.array(instanceType).min(1, "must name at least one instance type").default(["t3.micro", "t3a.micro", "t2.micro"]),
        /** Instances to run. @default 2 */
        desiredCapacity: wholeNumber(0, 1000).default(2),
        /** Smallest size of the Auto Scaling group (terminate only). @default 0 */
        minSize: wholeNumber(0, 1000).optional(),
        /** Largest size of the Auto Scaling group (terminate only). @default desiredCapacity */
        maxSize: wholeNumber(1, 1000).optional(),
        /** On-Demand instances launched before any Spot instance (terminate only). @default 0 */
        onDemandBaseCapacity: wholeNumber(0, 1000).optional(),
        /** Percentage of On-Demand instances above the base (terminate only). @default 0 */
        onDemandPercentageAboveBaseCapacity: wholeNumber(0, 100).optional(),
        /** Highest hourly Spot price in USD. @default none (the Spot price, capped at On-Demand) */
        maxPrice: z.number().gt(0.001, "must be more than 0.001 (USD per hour)").optional(),
        /** What EC2 does to an interrupted Spot instance; stop and hibernate run standalone persistent Spot instances. @default "terminate" */
        interruptionBehavior: z.enum(["terminate", "stop", "hibernate"]).default("terminate"),
        /** Size of the encrypted root volume in GiB. @default 8 (hibernate: 8 + the largest memory) */
        rootVolumeSizeGiB: wholeNumber(8, 16384).optional(),
        /** VPC of the instances (with subnetIds). @default the region's default VPC */
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0").optional(),
        /** Subnets of the instances (with vpcId). @default the default VPC's default subnets */
        subnetIds: z.array(subnetId).min(1, "must name at least one subnet").optional(),
        /** Replace Spot instances that get a rebalance recommendation (terminate only). @default true */
        capacityRebalance: z.boolean().optional(),
        /** Tags for the instances and their volumes, e.g. a cost allocation tag. @default {} */
        instanceTags: z.record(userTagKey, z.string().max(256, "must be at most 256 characters")).default({}),
    })
    .strict()
    .superRefine((s, ctx) => {
        if (!s.enabled) return;
        const keys = Object.fromEntries(
            ["instanceTypes", "desiredCapacity", "minSize", "maxSize", "onDemandBaseCapacity", "onDemandPercentageAboveBaseCapacity", "capacityRebalance", "maxPrice", "rootVolumeSizeGiB", "interruptionBehavior"].map((k) => [k, k]),
        );
        checkFleet("spotFleet", s, s, keys, ctx);
    });

const projectTagSchema = z
    .object({
        key: userTagKey.refine((k) => !k.includes("$"), "must not contain $ (Budgets joins key and value with it)"),
        value: z.string().min(1, "must not be empty").max(256).refine((v) => !v.includes("$"), "must not contain $"),
    })
    .strict();

export const budgetGuardrailSchema = z
    .object({
        /** Build the scenario. @default false */
        enabled: z.boolean().default(false),
        /** Name of the budget. @default "budget-guardrail-<stack>" */
        budgetName: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9 _.()-]{0,99}$/, "must be 1-100 letters, digits, spaces or _ . ( ) -, starting with a letter or digit")
            .optional(),
        /** Budgeted amount per period. @default 2 */
        limitAmount: z.number().positive("must be a positive amount").default(2),
        /** Currency of the amount. @default "USD" */
        currency: z.string().regex(/^[A-Z]{3}$/, "must be a three-letter currency code like USD").default("USD"),
        /** Period of the budget. @default "MONTHLY" */
        timeUnit: z.enum(["DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY"]).default("MONTHLY"),
        /** Cost filter on the Service dimension, as Cost Explorer names the service. @default "Amazon Elastic Compute Cloud - Compute" */
        service: z.string().trim().min(1, "must name an AWS service as Cost Explorer does").default("Amazon Elastic Compute Cloud - Compute"),
        /** Cost allocation tag the budget filters on (`user:<key>$<value>`). @default { key: "Project", value: "Beta" } */
        projectTag: projectTagSchema.default({ key: "Project", value: "Beta" }),
        /** ACTUAL spend, in percent of the budget, that removes EC2 full access. @default 100 */
        enforceAtPercent: z
            .number()
            .min(10, "is a percentage of the budget (100 = all of it) from 10 to 1000, not an amount of money")
            .max(1000, "is a percentage of the budget (100 = all of it) from 10 to 1000, not an amount of money")
            .default(100),
        /** FORECASTED spend, in percent of the budget, that sends a warning. @default 100 */
        forecastWarningPercent: z.number().gt(0, "must be above 0").max(1000, "must be at most 1000").default(100),
        /** Create a test IAM user in the project group, with a generated console password. @default false */
        createTestUser: z.boolean().default(false),
        /** Create a Spot test fleet carrying the project tag. @default false */
        createTestFleet: z.boolean().default(false),
        /** Instance types of the test fleet. @default ["t3.small", "t3a.small", "t2.small"] */
        testFleetInstanceTypes: z.array(instanceType).min(1, "must name at least one instance type").default(["t3.small", "t3a.small", "t2.small"]),
        /** Instances in the test fleet. @default 4 */
        testFleetSize: wholeNumber(1, 20).default(4),
        /** Memory of the alert and action functions in MB. @default 256 */
        memorySizeMb: wholeNumber(128, 10240).default(256),
    })
    .strict()
    .superRefine((s, ctx) => {
        if (s.enabled && s.createTestFleet) {
            checkFleet(
                "budgetGuardrail test fleet",
                { instanceTypes: s.testFleetInstanceTypes, desiredCapacity: s.testFleetSize, minSize: 0, maxSize: s.testFleetSize },
                s,
                { instanceTypes: "testFleetInstanceTypes", desiredCapacity: "testFleetSize" },
                ctx,
            );
        }
    });

const lambdaFunctionName = z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a Lambda function name (1-64 letters, digits, - or _; not an ARN)");
// IAM wildcards in an alarm name would widen the deployer's DescribeAlarms permission.
const alarmName = z.string().regex(/^[^*?]{1,255}$/, "must be a CloudWatch alarm name of 1-255 characters without * or ?");

export const lambdaCanarySchema = z
    .object({
        /** Build the scenario. @default false */
        enabled: z.boolean().default(false),
        /** Functions whose aliases the deployer may shift, by exact name. @default [] */
        targetFunctionNames: z.array(lambdaFunctionName).default([]),
        /** Functions whose name starts with this may be shifted too. @default none */
        targetFunctionPrefix: z
            .string()
            .regex(/^[A-Za-z0-9_-]{3,63}$/, "must be 3-63 letters, digits, - or _ (a shorter prefix would cover nearly every function)")
            .optional(),
        /** CloudWatch metric alarms a deployment may name as extra health checks. @default [] */
        alarmNames: z.array(alarmName).default([]),
        /** Alarms whose name starts with this may be named too. @default none */
        alarmNamePrefix: z.string().regex(/^[^*?]{3,255}$/, "must be 3-255 characters without * or ?").optional(),
        /** Highest failure ratio, (Errors + Throttles) / (Invocations + Throttles), a step may show; 0 fails on any error. @default 0 */
        maxErrorRate: z.number().min(0, "must be from 0 up to but excluding 1").lt(1, "must be from 0 up to but excluding 1").default(0),
        /** Fewer invocations of the new version than this in a step is "not enough data", never "healthy". @default 10 */
        minInvocations: z.number().int().min(1, "must be an integer of at least 1").default(10),
        /** What a step with too little traffic does: "wait" another interval or "fail" (roll back). @default "wait" */
        onInsufficientData: z.enum(["wait", "fail"], { message: 'must be "wait" or "fail"' }).default("wait"),
        /** Extra intervals a step may wait for data before failing. @default 3 */
        maxInsufficientDataWaits: z.number().int().min(0, "must be an integer from 0 to 10").max(10, "must be an integer from 0 to 10").default(3),
        /** Deploy the single-function deployer for short rollouts. @default true */
        createSimpleDeployer: z.boolean().default(true),
        /** Timeout of the simple deployer in seconds; longer rollouts are refused and pointed to the state machine. @default 900 */
        simpleDeployerTimeoutSeconds: z
            .number()
            .int()
            .min(180, "must be an integer from 180 to 900 (Lambda's limit)")
            .max(900, "must be an integer from 180 to 900 (Lambda's limit)")
            .default(900),
        /** Deploy a demo function with an alias and two published versions to try the workflow on. @default true */
        createDemo: z.boolean().default(true),
        /** Name of the demo function's alias. @default "live" */
        demoAliasName: z
            .string()
            .regex(/^(?!\d+$)[A-Za-z0-9_-]{1,128}$/, "must be 1-128 letters, digits, - or _, not only digits")
            .default("live"),
        /** Memory of the deployer functions in MB. @default 256 */
        memorySizeMb: z.number().int().min(128).max(10240).default(256),
    })
    .strict()
    .refine((s) => !s.enabled || s.targetFunctionNames.length > 0 || s.targetFunctionPrefix !== undefined || s.createDemo, {
        message: "nothing to deploy to: set targetFunctionNames, targetFunctionPrefix or createDemo: true",
    });
export type LambdaCanarySettings = z.output<typeof lambdaCanarySchema>;

const settingsSchema = z
    .object({
        environment: z
            .string()
            .regex(/^[a-z][a-z0-9-]{1,15}$/, "must be 2-16 lowercase letters, digits or dashes, starting with a letter"),
        owner: z.string().min(1, "must not be empty"),
        costCenter: z.string().min(1, "must not be empty"),
        notificationEmail: z
            .union([z.literal(""), z.email("must be an email address")])
            .transform((v) => (v === "" ? undefined : v))
            .optional(),
        logRetentionDays: z
            .number()
            .int()
            .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
                message: `must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
            }),
        protect: z.boolean(),
        region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "must be an AWS region like us-east-1"),
        compliantWebApp: compliantWebAppSchema.prefault({}),
        windowsContainers: windowsContainersSchema.prefault({}),
        lambdaCanary: lambdaCanarySchema.prefault({}),
        spotFleet: spotFleetSchema.prefault({}),
        budgetGuardrail: budgetGuardrailSchema.prefault({}),
        patchInspectProtect: patchInspectProtectSchema.prefault({}),
        multiRegionApi: multiRegionApiSchema.prefault({}),
        sesTracking: sesTrackingSchema.prefault({}),
        imageHandler: imageHandlerSchema.prefault({}),
        opsAutomator: opsAutomatorSchema.prefault({}),
        safeDeployPipeline: safeDeployPipelineSchema.prefault({}),
        athenaAnalytics: athenaAnalyticsSchema.prefault({}),
        securityGroupGuard: securityGroupGuardSchema.prefault({}),
        sniLoadBalancer: sniLoadBalancerSchema.prefault({}),
    })
    .strict()
    .superRefine((s, ctx) => {
        // A protected (production) stack never forwards plain HTTP: its HTTP listener only redirects to HTTPS.
        if (s.protect && s.windowsContainers.enabled && s.windowsContainers.certificateArn === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["windowsContainers", "certificateArn"],
                message: "required when protect is true: a protected stack serves HTTPS and only redirects HTTP",
                input: undefined,
            });
        }
    });

type ParsedSettings = z.output<typeof settingsSchema>;
export type SecurityGroupGuardSettings = z.output<typeof securityGroupGuardSchema>;
export type CompliantWebAppSettings = z.output<typeof compliantWebAppSchema>;
export type SniLoadBalancerSettings = z.output<typeof sniLoadBalancerSchema>;
export type SafeDeployPipelineSettings = z.output<typeof safeDeployPipelineSchema>;
export type WindowsContainersSettings = z.output<typeof windowsContainersSchema>;
export type OpsAutomatorSettings = z.output<typeof opsAutomatorSchema>;
export type PatchInspectProtectSettings = z.output<typeof patchInspectProtectSchema>;
export type MultiRegionApiSettings = z.output<typeof multiRegionApiSchema>;
export type SesTrackingSettings = z.output<typeof sesTrackingSchema>;
export type ImageHandlerSettings = z.output<typeof imageHandlerSchema>;
export type AthenaAnalyticsSettings = z.output<typeof athenaAnalyticsSchema>;
export type SpotFleetSettings = z.output<typeof spotFleetSchema>;
export type BudgetGuardrailSettings = z.output<typeof budgetGuardrailSchema>;

export interface Settings extends ParsedSettings {
    /** Tags every taggable resource carries (the scenario tag is added per component). */
    readonly tags: Readonly<Record<string, string>>;
}

/** Keys whose raw config value is a plain string (everything else is JSON: numbers, booleans, objects). */
const STRING_KEYS = new Set(["environment", "owner", "costCenter", "notificationEmail"]);
/** Every key of the project's namespace (`aws-blueprints:<key>`); the region comes from `aws:region`. */
export const PROJECT_KEYS: readonly string[] = Object.keys(settingsSchema.shape).filter((k) => k !== "region");
/** Top-level keys that switch a scenario on and off (`<key>.enabled`). */
export const SCENARIO_KEYS: readonly string[] = PROJECT_KEYS.filter(
    (k) => !STRING_KEYS.has(k) && !["logRetentionDays", "protect"].includes(k),
);

export class SettingsError extends Error {
    constructor(readonly problems: string[]) {
        super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "SettingsError";
    }
}

function configKey(path: readonly PropertyKey[]): string {
    const [head, ...rest] = path.map(String);
    const ns = head === "region" ? "aws:region" : `${PROJECT}:${head ?? ""}`;
    return rest.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : `${acc}.${p}`), ns);
}

function describe(value: unknown): string {
    if (value === undefined) return "nothing (the key is missing)";
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Edit distance (insertions, deletions, substitutions and swaps of two neighbours) between two words. */
export function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}

/**
 * The known key a misspelt one most likely meant: the nearest by edit distance (ignoring case) when it is close
 * for the word's length, or one the word is the start of (`limit` for `limitAmount`).
 */
export function closestKey(word: string, known: readonly string[]): string | undefined {
    const w = word.toLowerCase();
    let best: { key: string; distance: number } | undefined;
    for (const key of known) {
        const distance = editDistance(w, key.toLowerCase());
        if (!best || distance < best.distance) best = { key, distance };
    }
    if (best && best.distance <= Math.max(2, Math.floor(w.length / 3))) return best.key;
    if (w.length >= 4) return known.find((k) => k.toLowerCase().startsWith(w) || w.startsWith(k.toLowerCase()));
    return undefined;
}

function unknownKeyProblem(path: readonly PropertyKey[], key: string, known: readonly string[]): string {
    if (path.length === 0 && key === "region") return `${PROJECT}:region: unknown key; did you mean \`aws:region\`? (the region is the AWS provider's setting)`;
    const suggestion = closestKey(key, known);
    const hint = suggestion !== undefined ? `did you mean \`${suggestion}\`?` : `the known keys are ${known.join(", ")}`;
    return `${configKey([...path, key])}: unknown key; ${hint}`;
}

/** The object schemas a config path leads to (every option of a union), unwrapping defaults, optionals and pipes. */
function objectSchemasAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodObject[] {
    const def = (schema as any)._zod.def;
    switch (def.type) {
        case "default":
        case "prefault":
        case "optional":
        case "nullable":
        case "readonly":
        case "catch":
            return objectSchemasAt(def.innerType, path);
        case "pipe":
            return [...objectSchemasAt(def.in, path), ...objectSchemasAt(def.out, path)];
        case "union":
            return def.options.flatMap((o: z.ZodType) => objectSchemasAt(o, path));
    }
    if (path.length === 0) return def.type === "object" ? [schema as z.ZodObject] : [];
    const [head, ...rest] = path;
    if (def.type === "object") return def.shape[String(head)] ? objectSchemasAt(def.shape[String(head)], rest) : [];
    if (def.type === "array") return objectSchemasAt(def.element, rest);
    if (def.type === "record") return objectSchemasAt(def.valueType, rest);
    return [];
}

function knownKeysAt(path: readonly PropertyKey[]): string[] {
    const keys = new Set(objectSchemasAt(settingsSchema, path).flatMap((o) => Object.keys(o.shape)));
    if (path.length === 0) keys.delete("region");
    return [...keys];
}

/** Where the configuration comes from, beyond the values themselves. */
export interface SettingsContext {
    /** The stack's name: the environment when `environment` is not set. */
    readonly stack?: string;
}

const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{1,15}$/;

/**
 * Validates raw configuration values (as the config system stores them: key -> string, objects as JSON), keyed
 * without the `aws-blueprints:` prefix. Throws a SettingsError naming every bad or unknown key, its value and what
 * is allowed.
 */
export function parseSettings(raw: Record<string, string | undefined>, region: string | undefined, context: SettingsContext = {}): Settings {
    const problems: string[] = [];
    const input: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
        if (value === undefined) continue;
        if (!PROJECT_KEYS.includes(key)) {
            problems.push(unknownKeyProblem([], key, PROJECT_KEYS));
            continue;
        }
        if (STRING_KEYS.has(key)) {
            input[key] = value;
            continue;
        }
        try {
            input[key] = JSON.parse(value);
        } catch {
            // A bare word where JSON was expected: keep it, the schema names the key and the type it wanted.
            input[key] = value;
        }
    }
    input.region = region;
    if (input.environment === undefined && context.stack !== undefined) {
        if (ENVIRONMENT_NAME.test(context.stack)) input.environment = context.stack;
        else {
            problems.push(
                `${PROJECT}:environment: is not set, and the stack name ${JSON.stringify(context.stack)} is not an environment name ` +
                    "(2-16 lowercase letters, digits or dashes, starting with a letter): set it, e.g. pulumi config set environment staging",
            );
            input.environment = "unset";
        }
    }
    const result = settingsSchema.safeParse(input, { reportInput: true });
    if (!result.success) {
        for (const issue of result.error.issues) {
            if (issue.code === "unrecognized_keys") {
                const known = knownKeysAt(issue.path);
                for (const k of issue.keys) problems.push(unknownKeyProblem(issue.path, k, known));
                continue;
            }
            const got = "input" in issue ? `; got ${describe(issue.input)}` : "";
            problems.push(`${configKey(issue.path)}: ${issue.message}${got}`);
        }
    }
    if (problems.length > 0 || !result.success) throw new SettingsError(problems);
    const s = result.data;
    return {
        ...s,
        tags: { application: PROJECT, environment: s.environment, owner: s.owner, "cost-center": s.costCenter },
    };
}

// ---- documentation-only values ----------------------------------------------------------------------------

/**
 * Values reserved for documentation that must never reach AWS: the example domains (RFC 2606 section 3,
 * https://www.rfc-editor.org/rfc/rfc2606#section-3), the IPv4 documentation ranges TEST-NET-1/2/3 (RFC 5737,
 * https://www.rfc-editor.org/rfc/rfc5737#section-3), the account id AWS's own documentation uses in sample ARNs
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html), and this project's sample hosted zone id.
 */
const EXAMPLE_DOMAIN = /(?:^|[^a-z0-9-])(?:[a-z0-9*-]+\.)*example\.(?:com|net|org)(?![a-z0-9-]|\.[a-z0-9])/i;
const SAMPLE_ACCOUNT = /(?:^|\D)123456789012(?:\D|$)/;
export const SAMPLE_HOSTED_ZONE_ID = "Z0123456789ABCDEFGHIJ";
const DOCUMENTATION_NETWORKS = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];
const IPV4_OR_CIDR = /(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?(?![\d.])/g;

function ipv4Number(address: string): number | undefined {
    const parts = address.split(".").map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p > 255)) return undefined;
    return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** An address, or a CIDR block wholly inside one of the documentation ranges (a wider block is a real network). */
function inDocumentationNetwork(address: string, prefix: number | undefined): boolean {
    const n = ipv4Number(address);
    if (n === undefined || (prefix !== undefined && prefix < 24)) return false;
    return DOCUMENTATION_NETWORKS.some((range) => {
        const base = ipv4Number(range.split("/")[0])!;
        return n >>> 8 === base >>> 8;
    });
}

/** What makes a value documentation-only, or undefined for a value that may reach AWS. */
export function documentationOnlyReason(value: string): string | undefined {
    const domain = EXAMPLE_DOMAIN.exec(value);
    if (domain) return `${domain[0].replace(/^[^a-z0-9*]/i, "")} is an example domain, reserved for documentation (RFC 2606)`;
    for (const m of value.matchAll(IPV4_OR_CIDR)) {
        if (inDocumentationNetwork(m[1], m[2] === undefined ? undefined : Number(m[2]))) {
            return `${m[0]} is in a documentation range (${DOCUMENTATION_NETWORKS.join(", ")}; RFC 5737)`;
        }
    }
    if (value.includes(SAMPLE_HOSTED_ZONE_ID)) return `${SAMPLE_HOSTED_ZONE_ID} is the sample hosted zone id of this project's docs`;
    if (SAMPLE_ACCOUNT.test(value)) return "123456789012 is the sample account id of the AWS documentation";
    return undefined;
}

/** One configuration value reserved for documentation. */
export interface DocumentationOnlyValue {
    /** Full config path, e.g. `aws-blueprints:multiRegionApi.domainName`. */
    readonly key: string;
    readonly reason: string;
}

/**
 * Walks raw configuration (full keys, values as the config system stores them) and lists every value, at any depth,
 * that is reserved for documentation. Keys of the project and of the AWS provider are walked; others are not ours.
 */
export function findDocumentationOnlyValues(config: Record<string, string>): DocumentationOnlyValue[] {
    const found: DocumentationOnlyValue[] = [];
    const walk = (value: unknown, key: string) => {
        if (typeof value === "string" || typeof value === "number") {
            const reason = documentationOnlyReason(String(value));
            if (reason) found.push({ key, reason });
        } else if (Array.isArray(value)) {
            value.forEach((v, i) => walk(v, `${key}[${i}]`));
        } else if (value !== null && typeof value === "object") {
            for (const [k, v] of Object.entries(value)) walk(v, `${key}.${k}`);
        }
    };
    for (const [key, raw] of Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (!key.startsWith(`${PROJECT}:`) && !key.startsWith("aws:")) continue;
        let value: unknown = raw;
        try {
            value = JSON.parse(raw);
        } catch {
            // A plain string.
        }
        walk(value, key);
    }
    return found;
}

/** The error `pulumi up` stops with when the configuration still holds documentation-only values. */
export class DocumentationValuesError extends Error {
    constructor(readonly values: readonly DocumentationOnlyValue[]) {
        super(
            `The stack configuration still holds values reserved for documentation; replace them with your own before pulumi up:\n` +
                values.map((v) => `  - ${v.key}: ${v.reason}`).join("\n"),
        );
        this.name = "DocumentationValuesError";
    }
}

/**
 * Reads this stack's whole configuration once and validates it: unknown keys of the project's namespace are
 * errors; documentation-only values are warnings in a preview and an error in an update, before any resource.
 */
export function loadSettings(): Settings {
    const config = pulumi.runtime.allConfig();
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        if (key.startsWith(`${PROJECT}:`)) raw[key.slice(PROJECT.length + 1)] = value;
    }
    const settings = parseSettings(raw, config["aws:region"], { stack: pulumi.getStack() });
    const placeholders = findDocumentationOnlyValues(config);
    if (placeholders.length > 0 && !pulumi.runtime.isDryRun()) throw new DocumentationValuesError(placeholders);
    for (const p of placeholders) {
        pulumi.log.warn(`${p.key} holds a documentation-only value (${p.reason}); pulumi up refuses it until you set your own`);
    }
    return settings;
}
