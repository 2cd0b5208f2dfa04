// The same API in several regions behind one name: Route 53 latency routing with health-check failover (SCENARIOS.md 8).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import * as path from "node:path";
import { configFromEnvironment as healthConfig, healthCheck } from "../../handlers/multiRegionApi/healthCheck";
import { configFromEnvironment as helloConfig, helloRegion } from "../../handlers/multiRegionApi/helloRegion";
import { Blueprint, BlueprintArgs } from "../../components/common";
import { policyDocument, Statement, validateStatements } from "../../components/iam";
import { HandlerFunction } from "../../components/lambda";
import { EncryptedTopic, topicAlarm } from "../../components/notifications";
import { denyInsecureTransport } from "../../components/storage";

/** Regions Route 53 health checkers run in (HealthCheckRegion); a health check names none or at least three. */
export const HEALTH_CHECKER_REGIONS = [
    "us-east-1",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
] as const;

export const CLOUDFRONT_PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
export type CloudFrontPriceClass = (typeof CLOUDFRONT_PRICE_CLASSES)[number];

/** The stage every region deploys; the health checks and the custom domain's base path point at it. */
export const STAGE_NAME = "prod";
/** The path Route 53 health checkers request on each region's execute-api host. */
export const HEALTH_CHECK_PATH = `/${STAGE_NAME}/healthcheck`;
/** The custom domain's base path, so the API can be versioned behind one name. */
export const BASE_PATH = "v1";
/** How often the browser client calls the API. */
export const CLIENT_POLL_SECONDS = 10;

// Route 53 metrics, the alarms on them and the topics those alarms notify exist only in us-east-1.
const METRICS_REGION = "us-east-1";
// AWS's managed CachingOptimized cache policy (no cookies or query strings in the cache key, compression on).
const CACHING_OPTIMIZED_POLICY_ID = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const HOST_PATTERN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ORIGIN_PATTERN = /^(\*|https:\/\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?|http:\/\/localhost(:\d{1,5})?)$/;
const CORS_ALLOW_HEADERS = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token";
const ACCESS_LOG_FORMAT = JSON.stringify({
    requestId: "$context.requestId",
    ip: "$context.identity.sourceIp",
    userAgent: "$context.identity.userAgent",
    requestTime: "$context.requestTime",
    domainName: "$context.domainName",
    httpMethod: "$context.httpMethod",
    resourcePath: "$context.resourcePath",
    status: "$context.status",
    protocol: "$context.protocol",
    responseLength: "$context.responseLength",
    integrationLatency: "$context.integration.latency",
    integrationError: "$context.integration.error",
});

export interface MultiRegionApiArgs extends BlueprintArgs {
    /** The API's one public name, served from every region, e.g. `api.example.com`. */
    readonly domainName: string;
    /** Route 53 public hosted zone that holds `domainName` (and `clientDomainName`). */
    readonly hostedZoneId: string;
    /** Regions the API runs in, two or more; each gets its own AWS provider. @default ["us-east-1", "us-west-2"] */
    readonly regions?: readonly string[];
    /** Regions whose health endpoint reports failure (HTTP 503), to rehearse failover. @default [] */
    readonly unhealthyRegions?: readonly string[];
    /** Access-Control-Allow-Origin of the API: "*" or one origin. @default the client page's origin when it is deployed, else "*" */
    readonly corsAllowOrigin?: string;
    /** Serve the browser test client from a private bucket through CloudFront. @default true */
    readonly deployClient?: boolean;
    /** CloudFront price class of the client. @default "PriceClass_100" */
    readonly clientPriceClass?: CloudFrontPriceClass;
    /** A name for the client in the same hosted zone (own certificate, TLS 1.2+). @default the distribution's cloudfront.net name */
    readonly clientDomainName?: string;
    /** Regions whose Route 53 health checkers probe the API: none (all of them) or three or more. @default all */
    readonly healthCheckerRegions?: readonly string[];
    /** Steady-state request rate each region's stage accepts, per second. @default 50 */
    readonly throttleRateLimit?: number;
    /** Requests each region's stage accepts in a burst. @default 100 */
    readonly throttleBurstLimit?: number;
    /**
     * Set each region's account-wide API Gateway CloudWatch Logs role, which access logging needs. It replaces any role
     * already set in that account and region; turn it off when another stack manages the setting. @default true
     */
    readonly manageApiGatewayAccount?: boolean;
    /** Memory of each handler in MB. @default 128 */
    readonly memorySizeMb?: number;
    /** Email subscribed to the health alarms. @default none */
    readonly notificationEmail?: string;
}

/** The browser client's settings.js: the API's base URL and the polling interval. */
export function clientSettingsScript(domainName: string, pollSeconds: number): string {
    const settings = { endpoint: `https://${domainName}/`, pollSeconds };
    return `// Written by aws-blueprints from the multi-region API's domain name.\nwindow.multiRegionApiSettings = ${JSON.stringify(settings)};\n`;
}

/** The client page's Content-Security-Policy: its own scripts and styles, and calls to the API only. */
export function clientContentSecurityPolicy(domainName: string): string {
    return [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        `connect-src https://${domainName}`,
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ].join("; ");
}

function validate(name: string, args: MultiRegionApiArgs, regions: readonly string[]): void {
    if (!HOST_PATTERN.test(args.domainName)) {
        throw new Error(`${name}: domainName must be a lowercase host name like api.example.com; got "${args.domainName}"`);
    }
    if (!/^Z[A-Z0-9]{1,32}$/.test(args.hostedZoneId)) {
        throw new Error(`${name}: hostedZoneId must be a Route 53 zone id like Z0123456789ABCDEFGHIJ; got "${args.hostedZoneId}"`);
    }
    if (regions.length < 2) throw new Error(`${name}: regions needs two or more regions to fail over between; got ${JSON.stringify(regions)}`);
    for (const region of regions) {
        if (!REGION_PATTERN.test(region)) throw new Error(`${name}: regions entry "${region}" is not an AWS region like us-east-1`);
    }
    const duplicate = regions.find((r, i) => regions.indexOf(r) !== i);
    if (duplicate) throw new Error(`${name}: regions lists "${duplicate}" twice`);
    for (const region of args.unhealthyRegions ?? []) {
        if (!regions.includes(region)) {
            throw new Error(`${name}: unhealthyRegions entry "${region}" is not one of the regions ${JSON.stringify(regions)}`);
        }
    }
    if (args.corsAllowOrigin !== undefined && !ORIGIN_PATTERN.test(args.corsAllowOrigin)) {
        throw new Error(`${name}: corsAllowOrigin must be "*" or one origin like https://app.example.com; got "${args.corsAllowOrigin}"`);
    }
    if (args.clientPriceClass !== undefined && !CLOUDFRONT_PRICE_CLASSES.includes(args.clientPriceClass)) {
        throw new Error(`${name}: clientPriceClass must be one of ${CLOUDFRONT_PRICE_CLASSES.join(", ")}; got "${args.clientPriceClass}"`);
    }
    if (args.clientDomainName !== undefined) {
        if (!HOST_PATTERN.test(args.clientDomainName)) {
            throw new Error(`${name}: clientDomainName must be a lowercase host name like status.example.com; got "${args.clientDomainName}"`);
        }
        if (args.clientDomainName === args.domainName) throw new Error(`${name}: clientDomainName must differ from domainName "${args.domainName}"`);
        if (args.deployClient === false) throw new Error(`${name}: clientDomainName "${args.clientDomainName}" needs deployClient: true`);
    }
    const checkers = args.healthCheckerRegions;
    if (checkers !== undefined) {
        if (checkers.length < 3) {
            throw new Error(`${name}: healthCheckerRegions needs at least three regions (or none for all); got ${JSON.stringify(checkers)}`);
        }
        for (const region of checkers) {
            if (!(HEALTH_CHECKER_REGIONS as readonly string[]).includes(region)) {
                throw new Error(`${name}: healthCheckerRegions entry "${region}" is not a Route 53 checker region (${HEALTH_CHECKER_REGIONS.join(", ")})`);
            }
        }
    }
    const rate = args.throttleRateLimit ?? 50;
    if (!(rate > 0 && rate <= 10000)) throw new Error(`${name}: throttleRateLimit must be more than 0 and at most 10000 requests per second; got ${rate}`);
    const burst = args.throttleBurstLimit ?? 100;
    if (!Number.isInteger(burst) || burst < 1 || burst > 5000) throw new Error(`${name}: throttleBurstLimit must be a whole number from 1 to 5000; got ${burst}`);
    const memory = args.memorySizeMb ?? 128;
    if (!Number.isInteger(memory) || memory < 128 || memory > 10240) throw new Error(`${name}: memorySizeMb must be a whole number from 128 to 10240; got ${memory}`);
}

/**
 * A REST API served from two or more regions under one name. In each region (through that region's own provider):
 * a hello and a health function, a REGIONAL REST API with `GET /helloworld`, `GET /healthcheck` and CORS, a `prod`
 * stage with access logging and throttling, a DNS-validated certificate and a regional custom domain mapped at `v1`.
 * Globally: per region a Route 53 HTTPS string-match health check on the region's execute-api host, a latency alias
 * record tied to it, and an alarm on its status; an alarm when no region is healthy; and the browser test client.
 */
export class MultiRegionApi extends Blueprint {
    /** The API's public URL of `GET /helloworld`. */
    readonly url: pulumi.Output<string>;
    /** Each region's API, by region. */
    readonly regionalApis: Readonly<Record<string, RegionalApi>>;
    /** Each region's stage URL (its execute-api host, bypassing routing), by region. */
    readonly regionalEndpoints: pulumi.Output<Record<string, string>>;
    /** Each region's Route 53 health check id, by region. */
    readonly healthCheckIds: pulumi.Output<Record<string, string>>;
    /** Topic the health alarms notify. */
    readonly alarmTopicArn: pulumi.Output<string>;
    /** The client page's URL, when deployed. */
    readonly clientUrl?: pulumi.Output<string>;
    /** The client's bucket, when deployed. */
    readonly clientBucketName?: pulumi.Output<string>;
    /** The client's CloudFront distribution, when deployed. */
    readonly clientDistributionId?: pulumi.Output<string>;

    constructor(name: string, args: MultiRegionApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:serverless:MultiRegionApi", name, "multi-region-api", args, opts);
        const regions = [...(args.regions ?? ["us-east-1", "us-west-2"])];
        validate(name, args, regions);
        const unhealthy = new Set(args.unhealthyRegions ?? []);

        const providers = new Map<string, aws.Provider>();
        for (const region of new Set([...regions, METRICS_REGION])) {
            providers.set(region, new aws.Provider(`${name}-${region}`, { region }, { parent: this }));
        }
        const provider = (region: string) => providers.get(region)!;
        const global = provider(METRICS_REGION);

        const alerts = new EncryptedTopic(
            `${name}-alerts`,
            { displayName: "Multi-region API health", email: args.notificationEmail, protect: this.protectStateful },
            { parent: this, provider: global },
        );

        let allowOrigin: pulumi.Input<string> = args.corsAllowOrigin ?? "*";
        if (args.deployClient ?? true) {
            const client = this.createClient(name, args, provider(regions[0]), global);
            this.clientUrl = client.url;
            this.clientBucketName = client.bucketName;
            this.clientDistributionId = client.distributionId;
            allowOrigin = args.corsAllowOrigin ?? client.origin;
        }

        // One DNS validation record serves the certificate of every region: ACM derives it from the domain and account.
        const certificates = regions.map(
            (region) =>
                new aws.acm.Certificate(
                    `${name}-${region}-cert`,
                    { domainName: args.domainName, validationMethod: "DNS" },
                    { parent: this, provider: provider(region) },
                ),
        );
        const option = certificates[0].domainValidationOptions.apply((options) => {
            const found = options.find((o) => o.domainName === args.domainName);
            if (!found) throw new Error(`${name}: ACM returned no DNS validation record for ${args.domainName}`);
            return found;
        });
        const validationRecord = new aws.route53.Record(
            `${name}-cert-validation`,
            {
                zoneId: args.hostedZoneId,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: 300,
            },
            { parent: this, provider: global },
        );

        const apis: Record<string, RegionalApi> = {};
        regions.forEach((region, i) => {
            apis[region] = new RegionalApi(
                `${name}-${region}`,
                {
                    region,
                    domainName: args.domainName,
                    hostedZoneId: args.hostedZoneId,
                    certificate: certificates[i],
                    validationRecordFqdn: validationRecord.fqdn,
                    healthy: !unhealthy.has(region),
                    allowOrigin,
                    healthCheckerRegions: args.healthCheckerRegions,
                    throttleRateLimit: args.throttleRateLimit ?? 50,
                    throttleBurstLimit: args.throttleBurstLimit ?? 100,
                    manageApiGatewayAccount: args.manageApiGatewayAccount ?? true,
                    memorySizeMb: args.memorySizeMb ?? 128,
                    logRetentionDays: this.logRetentionDays,
                    protect: this.protectStateful,
                    metricsProvider: global,
                    alarmTopicArn: alerts.topicArn,
                },
                { parent: this, provider: provider(region) },
            );
        });
        this.regionalApis = apis;

        // Route 53 answers with every record when all are unhealthy (fail-open), so this is the alarm that means an outage.
        new aws.cloudwatch.MetricAlarm(
            `${name}-no-healthy-region`,
            {
                alarmDescription: `${args.domainName}: no region passes its health check (Route 53 then answers with every region)`,
                comparisonOperator: "LessThanThreshold",
                threshold: 1,
                evaluationPeriods: 1,
                treatMissingData: "missing",
                metricQueries: [
                    ...regions.map((region, i) => ({
                        id: `r${i}`,
                        label: region,
                        returnData: false,
                        metric: {
                            namespace: "AWS/Route53",
                            metricName: "HealthCheckStatus",
                            dimensions: { HealthCheckId: apis[region].healthCheckId },
                            period: 60,
                            stat: "Minimum",
                        },
                    })),
                    { id: "healthiest", expression: `MAX([${regions.map((_, i) => `r${i}`).join(", ")}])`, label: "Healthiest region", returnData: true },
                ],
                alarmActions: [alerts.topicArn],
                okActions: [alerts.topicArn],
            },
            { parent: this, provider: global },
        );

        this.url = pulumi.output(`https://${args.domainName}/${BASE_PATH}/helloworld`);
        this.regionalEndpoints = pulumi.output(Object.fromEntries(regions.map((r) => [r, apis[r].invokeUrl])));
        this.healthCheckIds = pulumi.output(Object.fromEntries(regions.map((r) => [r, apis[r].healthCheckId])));
        this.alarmTopicArn = alerts.topicArn;
        this.registerOutputs({
            url: this.url,
            regionalEndpoints: this.regionalEndpoints,
            healthCheckIds: this.healthCheckIds,
            alarmTopicArn: this.alarmTopicArn,
            clientUrl: this.clientUrl,
            clientBucketName: this.clientBucketName,
            clientDistributionId: this.clientDistributionId,
        });
    }

    /**
     * The post's browser client: a private, encrypted bucket (in the first region) read only by one CloudFront
     * distribution through origin access control, HTTPS only, with a strict Content-Security-Policy.
     */
    private createClient(name: string, args: MultiRegionApiArgs, home: aws.Provider, global: aws.Provider) {
        const onHome = { parent: this, provider: home };
        const onGlobal = { parent: this, provider: global };
        const bucket = new aws.s3.Bucket(`${name}-client`, {}, this.stateful({ provider: home }));
        new aws.s3.BucketPublicAccessBlock(
            `${name}-client`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            onHome,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-client`,
            // SSE-S3: CloudFront's origin access control reads it without a key policy to maintain.
            { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            onHome,
        );
        new aws.s3.BucketOwnershipControls(`${name}-client`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, onHome);

        const site = path.join(__dirname, "site");
        const files: Array<{ key: string; contentType: string; source?: pulumi.asset.Asset; content?: string }> = [
            { key: "index.html", contentType: "text/html; charset=utf-8", source: new pulumi.asset.FileAsset(path.join(site, "index.html")) },
            { key: "client.js", contentType: "text/javascript; charset=utf-8", source: new pulumi.asset.FileAsset(path.join(site, "client.js")) },
            { key: "client.css", contentType: "text/css; charset=utf-8", source: new pulumi.asset.FileAsset(path.join(site, "client.css")) },
            { key: "settings.js", contentType: "text/javascript; charset=utf-8", content: clientSettingsScript(args.domainName, CLIENT_POLL_SECONDS) },
        ];
        for (const file of files) {
            new aws.s3.BucketObjectv2(
                `${name}-client-${file.key.replace(/\./g, "-")}`,
                { bucket: bucket.id, key: file.key, contentType: file.contentType, source: file.source, content: file.content, cacheControl: "max-age=300" },
                onHome,
            );
        }

        const oac = new aws.cloudfront.OriginAccessControl(
            `${name}-client`,
            {
                description: `Signed reads of the ${args.domainName} client bucket`,
                originAccessControlOriginType: "s3",
                signingBehavior: "always",
                signingProtocol: "sigv4",
            },
            onGlobal,
        );
        const headers = new aws.cloudfront.ResponseHeadersPolicy(
            `${name}-client`,
            {
                comment: `Security headers of the ${args.domainName} client`,
                securityHeadersConfig: {
                    contentSecurityPolicy: { contentSecurityPolicy: clientContentSecurityPolicy(args.domainName), override: true },
                    strictTransportSecurity: { accessControlMaxAgeSec: 31536000, includeSubdomains: false, override: true },
                    contentTypeOptions: { override: true },
                    frameOptions: { frameOption: "DENY", override: true },
                    referrerPolicy: { referrerPolicy: "no-referrer", override: true },
                },
            },
            onGlobal,
        );

        let viewerCertificate: aws.types.input.cloudfront.DistributionViewerCertificate = { cloudfrontDefaultCertificate: true };
        if (args.clientDomainName) {
            // CloudFront only uses certificates from us-east-1.
            const certificate = new aws.acm.Certificate(
                `${name}-client-cert`,
                { domainName: args.clientDomainName, validationMethod: "DNS" },
                onGlobal,
            );
            const option = certificate.domainValidationOptions.apply((options) => options[0]);
            const record = new aws.route53.Record(
                `${name}-client-cert-validation`,
                { zoneId: args.hostedZoneId, name: option.resourceRecordName, type: option.resourceRecordType, records: [option.resourceRecordValue], ttl: 300 },
                onGlobal,
            );
            const validation = new aws.acm.CertificateValidation(
                `${name}-client-cert`,
                { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] },
                onGlobal,
            );
            viewerCertificate = { acmCertificateArn: validation.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" };
        }

        const originId = "client-bucket";
        const distribution = new aws.cloudfront.Distribution(
            `${name}-client`,
            {
                comment: `Test client of ${args.domainName}`,
                enabled: true,
                isIpv6Enabled: true,
                httpVersion: "http2and3",
                priceClass: args.clientPriceClass ?? "PriceClass_100",
                defaultRootObject: "index.html",
                aliases: args.clientDomainName ? [args.clientDomainName] : undefined,
                origins: [{ originId, domainName: bucket.bucketRegionalDomainName, originAccessControlId: oac.id }],
                defaultCacheBehavior: {
                    targetOriginId: originId,
                    viewerProtocolPolicy: "https-only",
                    allowedMethods: ["GET", "HEAD"],
                    cachedMethods: ["GET", "HEAD"],
                    compress: true,
                    cachePolicyId: CACHING_OPTIMIZED_POLICY_ID,
                    responseHeadersPolicyId: headers.id,
                },
                restrictions: { geoRestriction: { restrictionType: "none" } },
                viewerCertificate,
            },
            onGlobal,
        );
        new aws.s3.BucketPolicy(
            `${name}-client`,
            {
                bucket: bucket.id,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "CloudFrontReadsThroughOriginAccessControl",
                            Effect: "Allow",
                            Principal: { Service: "cloudfront.amazonaws.com" },
                            Action: "s3:GetObject",
                            Resource: pulumi.interpolate`${bucket.arn}/*`,
                            Condition: { StringEquals: { "AWS:SourceArn": distribution.arn } },
                        },
                        denyInsecureTransport(bucket),
                    ],
                }),
            },
            onHome,
        );

        let host: pulumi.Output<string> = distribution.domainName;
        if (args.clientDomainName) {
            for (const type of ["A", "AAAA"]) {
                new aws.route53.Record(
                    `${name}-client-${type.toLowerCase()}`,
                    {
                        zoneId: args.hostedZoneId,
                        name: args.clientDomainName,
                        type,
                        aliases: [{ name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false }],
                    },
                    onGlobal,
                );
            }
            host = pulumi.output(args.clientDomainName);
        }
        return {
            origin: pulumi.interpolate`https://${host}`,
            url: pulumi.interpolate`https://${host}/`,
            bucketName: bucket.bucket,
            distributionId: distribution.id,
        };
    }
}

export interface RegionalApiArgs {
    /** The region this copy runs in (its provider is passed in the options). */
    readonly region: string;
    /** The API's public name. */
    readonly domainName: string;
    /** Hosted zone of `domainName`. */
    readonly hostedZoneId: string;
    /** This region's certificate for `domainName` (requested in this region). */
    readonly certificate: aws.acm.Certificate;
    /** The DNS record that validates it. */
    readonly validationRecordFqdn: pulumi.Input<string>;
    /** Whether the health endpoint reports ok (else 503). */
    readonly healthy: boolean;
    /** Access-Control-Allow-Origin of the API's responses. */
    readonly allowOrigin: pulumi.Input<string>;
    /** Route 53 checker regions. @default all */
    readonly healthCheckerRegions?: readonly string[];
    readonly throttleRateLimit: number;
    readonly throttleBurstLimit: number;
    /** Set this region's account-level API Gateway logging role. */
    readonly manageApiGatewayAccount: boolean;
    readonly memorySizeMb: number;
    readonly logRetentionDays: number;
    /** Protect (and retain) the log groups. */
    readonly protect: boolean;
    /** Provider for us-east-1, where Route 53 health checks report their metrics and alarms must live. */
    readonly metricsProvider: aws.Provider;
    /** Topic the health alarm notifies (in us-east-1). */
    readonly alarmTopicArn: pulumi.Input<string>;
}

interface Route {
    readonly path: string;
    readonly handler: HandlerFunction;
}

/** One region's copy of the API, its custom domain, and the Route 53 health check and latency record that point at it. */
export class RegionalApi extends pulumi.ComponentResource {
    readonly apiId: pulumi.Output<string>;
    /** The `prod` stage URL on the region's execute-api host. */
    readonly invokeUrl: pulumi.Output<string>;
    /** The region's execute-api host, which the health check probes. */
    readonly executeApiHost: pulumi.Output<string>;
    /** Target of the latency alias record. */
    readonly regionalDomainName: pulumi.Output<string>;
    readonly healthCheckId: pulumi.Output<string>;
    readonly helloFunctionName: pulumi.Output<string>;
    readonly healthFunctionName: pulumi.Output<string>;

    constructor(name: string, args: RegionalApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:serverless:RegionalApi", name, {}, opts);
        const { region } = args;
        const partition = aws.getPartitionOutput({}, { parent: this });
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const stateful = { parent: this, protect: args.protect, retainOnDelete: args.protect || undefined };

        const functionArgs = {
            statements: [],
            timeoutSeconds: 5,
            memorySizeMb: args.memorySizeMb,
            logRetentionDays: args.logRetentionDays,
            protect: args.protect,
        };
        const hello = new HandlerFunction(
            `${name}-hello`,
            {
                ...functionArgs,
                description: "GET /helloworld: says which region answered",
                environment: { ALLOW_ORIGIN: args.allowOrigin },
                callback: async (event: unknown, context: unknown) => {
                    const result = helloRegion(event, context, helloConfig(process.env));
                    console.log(JSON.stringify({ message: "answered", statusCode: result.statusCode, body: result.body }));
                    return result;
                },
            },
            { parent: this },
        );
        const health = new HandlerFunction(
            `${name}-health`,
            {
                ...functionArgs,
                description: "GET /healthcheck: 200 ok or 503 fail, probed by Route 53",
                environment: { STATUS: args.healthy ? "ok" : "fail", ALLOW_ORIGIN: args.allowOrigin },
                callback: async (event: unknown) => {
                    const result = healthCheck(event, healthConfig(process.env));
                    console.log(JSON.stringify({ message: "health", statusCode: result.statusCode }));
                    return result;
                },
            },
            { parent: this },
        );

        const api = new aws.apigateway.RestApi(
            `${name}-api`,
            { description: `Multi-region hello world API (${region})`, endpointConfiguration: { types: "REGIONAL" } },
            { parent: this },
        );
        const routes: Route[] = [
            { path: "helloworld", handler: hello },
            { path: "healthcheck", handler: health },
        ];
        const deploymentInputs: pulumi.Input<unknown>[] = [args.allowOrigin];
        const deploymentDependencies: pulumi.Resource[] = [];
        for (const route of routes) {
            const resource = new aws.apigateway.Resource(
                `${name}-${route.path}`,
                { restApi: api.id, parentId: api.rootResourceId, pathPart: route.path },
                { parent: this },
            );
            const get = new aws.apigateway.Method(
                `${name}-${route.path}-get`,
                { restApi: api.id, resourceId: resource.id, httpMethod: "GET", authorization: "NONE" },
                { parent: this },
            );
            const integration = new aws.apigateway.Integration(
                `${name}-${route.path}-get`,
                {
                    restApi: api.id,
                    resourceId: resource.id,
                    httpMethod: get.httpMethod,
                    type: "AWS_PROXY",
                    integrationHttpMethod: "POST",
                    uri: route.handler.function.invokeArn,
                },
                { parent: this },
            );
            new aws.lambda.Permission(
                `${name}-${route.path}-invoke`,
                {
                    action: "lambda:InvokeFunction",
                    function: route.handler.functionName,
                    principal: "apigateway.amazonaws.com",
                    sourceArn: pulumi.interpolate`${api.executionArn}/*/GET/${route.path}`,
                },
                { parent: this },
            );
            const cors = this.preflight(`${name}-${route.path}`, api, resource, args.allowOrigin);
            deploymentInputs.push(resource.id, get.id, integration.id, integration.uri, cors.integration.id);
            deploymentDependencies.push(get, integration, ...cors.resources);
        }
        // Errors API Gateway answers itself (throttling, missing routes, a failed integration) carry CORS headers too,
        // so the browser client can show them instead of an opaque network error.
        for (const type of ["DEFAULT_4XX", "DEFAULT_5XX"]) {
            const response = new aws.apigateway.Response(
                `${name}-${type.toLowerCase().replace("_", "-")}`,
                {
                    restApiId: api.id,
                    responseType: type,
                    responseParameters: { "gatewayresponse.header.Access-Control-Allow-Origin": pulumi.interpolate`'${args.allowOrigin}'` },
                },
                { parent: this },
            );
            deploymentDependencies.push(response);
        }

        const deployment = new aws.apigateway.Deployment(
            `${name}-deployment`,
            {
                restApi: api.id,
                description: `Multi-region hello world API (${region})`,
                // A new deployment whenever a route, integration or CORS setting changes; API Gateway serves snapshots.
                triggers: { redeployment: pulumi.jsonStringify(deploymentInputs).apply((s) => createHash("sha256").update(s).digest("hex")) },
            },
            { parent: this, dependsOn: deploymentDependencies },
        );

        const accessLogs = new aws.cloudwatch.LogGroup(`${name}-access-logs`, { retentionInDays: args.logRetentionDays }, stateful);
        const account = args.manageApiGatewayAccount ? this.accountLoggingRole(name, region, partition.partition, identity.accountId) : undefined;
        const stage = new aws.apigateway.Stage(
            `${name}-${STAGE_NAME}`,
            {
                restApi: api.id,
                deployment: deployment.id,
                stageName: STAGE_NAME,
                description: "The stage the custom domain and the health checks use",
                accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
            },
            // Access logging is refused until the region's account-level logging role is set.
            { parent: this, dependsOn: account ? [account] : [] },
        );
        new aws.apigateway.MethodSettings(
            `${name}-throttling`,
            {
                restApi: api.id,
                stageName: stage.stageName,
                methodPath: "*/*",
                settings: {
                    throttlingRateLimit: args.throttleRateLimit,
                    throttlingBurstLimit: args.throttleBurstLimit,
                    // Per-method metrics are billed as custom metrics; the API-level ones are free and enough here.
                    metricsEnabled: false,
                    loggingLevel: "OFF",
                },
            },
            { parent: this },
        );

        const validation = new aws.acm.CertificateValidation(
            `${name}-cert`,
            { certificateArn: args.certificate.arn, validationRecordFqdns: [args.validationRecordFqdn] },
            { parent: this },
        );
        const domain = new aws.apigateway.DomainName(
            `${name}-domain`,
            {
                domainName: args.domainName,
                regionalCertificateArn: validation.certificateArn,
                endpointConfiguration: { types: "REGIONAL" },
                securityPolicy: "TLS_1_2",
            },
            { parent: this },
        );
        const mapping = new aws.apigateway.BasePathMapping(
            `${name}-${BASE_PATH}`,
            { restApi: api.id, stageName: stage.stageName, domainName: domain.domainName, basePath: BASE_PATH },
            { parent: this },
        );

        // Route 53 is global; its health checks, records and metrics are managed through us-east-1.
        const onMetrics = { parent: this, provider: args.metricsProvider };
        const executeApiHost = pulumi.interpolate`${api.id}.execute-api.${region}.${partition.dnsSuffix}`;
        const check = new aws.route53.HealthCheck(
            `${name}-health`,
            {
                // Health checkers cannot use the custom domain (every region answers to it), so they call the region directly.
                type: "HTTPS_STR_MATCH",
                fqdn: executeApiHost,
                port: 443,
                enableSni: true,
                resourcePath: HEALTH_CHECK_PATH,
                searchString: "ok",
                requestInterval: 30,
                failureThreshold: 2,
                measureLatency: false,
                regions: args.healthCheckerRegions ? [...args.healthCheckerRegions] : undefined,
                tags: { Name: `${args.domainName} ${region}` },
            },
            { ...onMetrics, dependsOn: [stage] },
        );
        new aws.route53.Record(
            `${name}-latency`,
            {
                zoneId: args.hostedZoneId,
                name: args.domainName,
                type: "A",
                setIdentifier: region,
                latencyRoutingPolicies: [{ region }],
                healthCheckId: check.id,
                aliases: [{ name: domain.regionalDomainName, zoneId: domain.regionalZoneId, evaluateTargetHealth: true }],
            },
            // Published only once the base path answers, so the name never routes to a region that would 403.
            { ...onMetrics, dependsOn: [mapping] },
        );
        topicAlarm(
            `${name}-health`,
            {
                description: `${args.domainName} fails its health check in ${region}; Route 53 sends that region's clients elsewhere`,
                namespace: "AWS/Route53",
                metricName: "HealthCheckStatus",
                dimensions: { HealthCheckId: check.id },
                statistic: "Minimum",
                comparison: "LessThanThreshold",
                threshold: 1,
                periodSeconds: 60,
                evaluationPeriods: 1,
                treatMissingData: "missing",
                topicArn: args.alarmTopicArn,
                notifyOnOk: true,
            },
            onMetrics,
        );

        this.apiId = api.id;
        this.invokeUrl = stage.invokeUrl;
        this.executeApiHost = executeApiHost;
        this.regionalDomainName = domain.regionalDomainName;
        this.healthCheckId = check.id;
        this.helloFunctionName = hello.functionName;
        this.healthFunctionName = health.functionName;
        this.registerOutputs({
            apiId: this.apiId,
            invokeUrl: this.invokeUrl,
            executeApiHost: this.executeApiHost,
            regionalDomainName: this.regionalDomainName,
            healthCheckId: this.healthCheckId,
            helloFunctionName: this.helloFunctionName,
            healthFunctionName: this.healthFunctionName,
        });
    }

    /** `OPTIONS` answered by API Gateway itself (a mock integration) with the CORS preflight headers. */
    private preflight(name: string, api: aws.apigateway.RestApi, resource: aws.apigateway.Resource, allowOrigin: pulumi.Input<string>) {
        const method = new aws.apigateway.Method(
            `${name}-options`,
            { restApi: api.id, resourceId: resource.id, httpMethod: "OPTIONS", authorization: "NONE" },
            { parent: this },
        );
        const integration = new aws.apigateway.Integration(
            `${name}-options`,
            {
                restApi: api.id,
                resourceId: resource.id,
                httpMethod: method.httpMethod,
                type: "MOCK",
                passthroughBehavior: "WHEN_NO_MATCH",
                requestTemplates: { "application/json": '{"statusCode": 200}' },
            },
            { parent: this },
        );
        const header = (h: string) => `method.response.header.${h}`;
        const response = new aws.apigateway.MethodResponse(
            `${name}-options-200`,
            {
                restApi: api.id,
                resourceId: resource.id,
                httpMethod: method.httpMethod,
                statusCode: "200",
                responseModels: { "application/json": "Empty" },
                responseParameters: {
                    [header("Access-Control-Allow-Headers")]: true,
                    [header("Access-Control-Allow-Methods")]: true,
                    [header("Access-Control-Allow-Origin")]: true,
                    [header("Access-Control-Max-Age")]: true,
                },
            },
            { parent: this },
        );
        const integrationResponse = new aws.apigateway.IntegrationResponse(
            `${name}-options-200`,
            {
                restApi: api.id,
                resourceId: resource.id,
                httpMethod: method.httpMethod,
                statusCode: response.statusCode,
                responseParameters: {
                    [header("Access-Control-Allow-Headers")]: `'${CORS_ALLOW_HEADERS}'`,
                    [header("Access-Control-Allow-Methods")]: "'GET,OPTIONS'",
                    [header("Access-Control-Allow-Origin")]: pulumi.interpolate`'${allowOrigin}'`,
                    [header("Access-Control-Max-Age")]: "'600'",
                },
            },
            { parent: this, dependsOn: [integration] },
        );
        return { integration, resources: [method, integration, response, integrationResponse] };
    }

    /**
     * The role API Gateway uses to write logs in this account and region (an account-wide setting, one per region).
     * Its actions are those of AWS's AmazonAPIGatewayPushToCloudWatchLogs, limited to this account and region: every
     * API in the region logs through this one role, so naming only this component's log group would silently stop
     * other APIs' logs.
     */
    private accountLoggingRole(
        name: string,
        region: string,
        partition: pulumi.Output<string>,
        accountId: pulumi.Output<string>,
    ): aws.apigateway.Account {
        const logGroups = pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:*`;
        const statements: Statement[] = [
            // DescribeLogGroups supports no resource-level permissions.
            { sid: "FindLogGroups", actions: ["logs:DescribeLogGroups"], resources: ["*"] },
            {
                sid: "RegionLogGroups",
                actions: ["logs:CreateLogGroup", "logs:DescribeLogStreams", "logs:FilterLogEvents"],
                resources: [logGroups],
            },
            {
                sid: "RegionLogStreams",
                actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:GetLogEvents"],
                resources: [pulumi.interpolate`${logGroups}:log-stream:*`],
            },
        ];
        validateStatements(`${name}-apigw-logs`, statements);
        // No aws:SourceAccount condition: API Gateway does not document passing it when it assumes this role, and
        // UpdateAccount refuses a role it cannot assume.
        const role = new aws.iam.Role(
            `${name}-apigw-logs`,
            {
                description: `API Gateway account-level CloudWatch Logs role (${region})`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(`${name}-apigw-logs`, { role: role.name, policy: policyDocument(statements) }, { parent: this });
        return new aws.apigateway.Account(
            `${name}-apigw-account`,
            { cloudwatchRoleArn: role.arn },
            // UpdateAccount checks the role's permissions, so the policy must be in place first.
            { parent: this, dependsOn: [policy] },
        );
    }
}
