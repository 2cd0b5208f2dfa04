// The same API in several regions behind one name: Route 53 latency routing with health-check failover (README scenario 8).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import * as path from "node:path";
import { configFromEnvironment as healthConfig, healthCheck } from "../../handlers/multiRegionApi/healthCheck";
import { configFromEnvironment as helloConfig, helloRegion } from "../../handlers/multiRegionApi/helloRegion";
import { Blueprint } from "../../components/common";
import { policyDocument, Statement, validateStatements } from "../../components/iam";
import { HandlerFunction } from "../../components/lambda";
import { regionalProvider } from "../../components/providers";
import { EncryptedTopic, topicAlarm } from "../../components/notifications";
import { ArgsOf, defineScenario, pick, resolveArgs, ResolvedArgs } from "../../components/scenario";
import { PrivateBucketParts, privateBucketWithoutPolicy, tlsOnlyPolicy } from "../../components/storage";
import { multiRegionApiSettings } from "./settings";

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

/** The scenario's settings (see ./settings.ts); leaving out `domainName` or `hostedZoneId` is an error, as in a stack file. */
export type MultiRegionApiArgs = ArgsOf<typeof multiRegionApiSettings, "hostedZoneId">;
/** The arguments with defaults applied, the public name and its zone known to be set. */
type Resolved = ResolvedArgs<typeof multiRegionApiSettings, "hostedZoneId"> & { readonly domainName: string; readonly hostedZoneId: pulumi.Input<string> };

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
        // resolveArgs checks the declaration as an enabled section's, which requires domainName and hostedZoneId.
        const s = resolveArgs<typeof multiRegionApiSettings, "hostedZoneId">(name, multiRegionApiSettings, args) as Resolved;
        super("aws-blueprints:serverless:MultiRegionApi", name, "multi-region-api", args, opts);
        const regions = s.regions;

        const provider = this.regionalProviders(name, regions);
        const global = provider(METRICS_REGION);
        const alerts = new EncryptedTopic(
            `${name}-alerts`,
            { displayName: "Multi-region API health", email: s.notificationEmail, protect: this.protectStateful },
            { parent: this, provider: global },
        );
        const client = s.deployClient ? this.createClient(name, s, provider(regions[0]), global) : undefined;
        const allowOrigin: pulumi.Input<string> = s.corsAllowOrigin ?? client?.origin ?? "*";
        const { certificates, validationRecord } = this.certificates(name, s, provider, global);
        const apis = this.regionalApiPerRegion(name, s, { provider, global, certificates, validationRecord, allowOrigin, alerts });
        this.noHealthyRegionAlarm(name, s, { apis, alerts, global });

        if (client) {
            this.clientUrl = client.url;
            this.clientBucketName = client.bucketName;
            this.clientDistributionId = client.distributionId;
        }
        this.regionalApis = apis;
        this.url = pulumi.output(`https://${s.domainName}/${BASE_PATH}/helloworld`);
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

    /** One provider per region the API runs in, and one for us-east-1 (Route 53's metrics, the alarms, CloudFront's certificate). */
    private regionalProviders(name: string, regions: readonly string[]): (region: string) => aws.Provider {
        const providers = new Map<string, aws.Provider>();
        for (const region of new Set([...regions, METRICS_REGION])) {
            providers.set(region, regionalProvider(`${name}-${region}`, region, { parent: this }));
        }
        return (region: string) => providers.get(region)!;
    }

    /** Each region's certificate for the public name, and the one DNS record that validates them all. */
    private certificates(
        name: string,
        s: Resolved,
        provider: (region: string) => aws.Provider,
        global: aws.Provider,
    ): { certificates: aws.acm.Certificate[]; validationRecord: aws.route53.Record } {
        // One DNS validation record serves the certificate of every region: ACM derives it from the domain and account.
        const certificates = s.regions.map(
            (region) =>
                new aws.acm.Certificate(
                    `${name}-${region}-cert`,
                    { domainName: s.domainName, validationMethod: "DNS" },
                    { parent: this, provider: provider(region) },
                ),
        );
        const option = certificates[0].domainValidationOptions.apply((options) => {
            const found = options.find((o) => o.domainName === s.domainName);
            if (!found) throw new Error(`${name}: ACM returned no DNS validation record for ${s.domainName}`);
            return found;
        });
        const validationRecord = new aws.route53.Record(
            `${name}-cert-validation`,
            {
                zoneId: s.hostedZoneId,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: 300,
            },
            { parent: this, provider: global },
        );
        return { certificates, validationRecord };
    }

    /** The API in each region, through that region's provider, by region. */
    private regionalApiPerRegion(
        name: string,
        s: Resolved,
        on: {
            provider: (region: string) => aws.Provider;
            global: aws.Provider;
            certificates: aws.acm.Certificate[];
            validationRecord: aws.route53.Record;
            allowOrigin: pulumi.Input<string>;
            alerts: EncryptedTopic;
        },
    ): Record<string, RegionalApi> {
        const { provider, global, certificates, validationRecord, allowOrigin, alerts } = on;
        const unhealthy = new Set(s.unhealthyRegions);
        const apis: Record<string, RegionalApi> = {};
        s.regions.forEach((region, i) => {
            apis[region] = new RegionalApi(
                `${name}-${region}`,
                {
                    region,
                    domainName: s.domainName,
                    hostedZoneId: s.hostedZoneId,
                    certificate: certificates[i],
                    validationRecordFqdn: validationRecord.fqdn,
                    healthy: !unhealthy.has(region),
                    allowOrigin,
                    healthCheckerRegions: s.healthCheckerRegions,
                    throttleRateLimit: s.throttleRateLimit,
                    throttleBurstLimit: s.throttleBurstLimit,
                    manageApiGatewayAccount: s.manageApiGatewayAccount,
                    memorySizeMb: s.memorySizeMb,
                    logRetentionDays: this.logRetentionDays,
                    protect: this.protectStateful,
                    metricsProvider: global,
                    alarmTopicArn: alerts.topicArn,
                },
                { parent: this, provider: provider(region) },
            );
        });
        return apis;
    }

    /** The alarm when no region passes its health check. */
    private noHealthyRegionAlarm(name: string, s: Resolved, on: { apis: Record<string, RegionalApi>; alerts: EncryptedTopic; global: aws.Provider }): void {
        const { apis, alerts, global } = on;
        const regions = s.regions;
        // Route 53 answers with every record when all are unhealthy (fail-open), so this is the alarm that means an outage.
        new aws.cloudwatch.MetricAlarm(
            `${name}-no-healthy-region`,
            {
                alarmDescription: `${s.domainName}: no region passes its health check (Route 53 then answers with every region)`,
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
    }

    /**
     * The post's browser client: a private, encrypted bucket (in the first region) read only by one CloudFront
     * distribution through origin access control, HTTPS only, with a strict Content-Security-Policy.
     */
    private createClient(name: string, s: Resolved, home: aws.Provider, global: aws.Provider) {
        const onGlobal = { parent: this, provider: global };
        const client = this.clientFiles(name, s, home);
        const bucket = client.bucket;
        const distribution = this.clientDistribution(name, s, bucket, onGlobal);
        tlsOnlyPolicy(client, [
            {
                Sid: "CloudFrontReadsThroughOriginAccessControl",
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: "s3:GetObject",
                Resource: pulumi.interpolate`${bucket.arn}/*`,
                Condition: { StringEquals: { "AWS:SourceArn": distribution.arn } },
            },
        ]);
        const host = s.clientDomainName ? this.clientAliasRecords(name, s.clientDomainName, s.hostedZoneId, distribution, onGlobal) : distribution.domainName;
        return {
            origin: pulumi.interpolate`https://${host}`,
            url: pulumi.interpolate`https://${host}/`,
            bucketName: bucket.bucket,
            distributionId: distribution.id,
        };
    }

    /** The client's bucket with its page, script, style sheet and the settings naming the API. */
    private clientFiles(name: string, s: Resolved, home: aws.Provider): PrivateBucketParts {
        const onHome = { parent: this, provider: home };
        // SSE-S3: CloudFront's origin access control reads it without a key policy to maintain.
        const client = privateBucketWithoutPolicy(`${name}-client`, {}, this, this.stateful({ provider: home }));
        const bucket = client.bucket;

        const site = path.join(__dirname, "site");
        const files: Array<{ key: string; contentType: string; source?: pulumi.asset.Asset; content?: string }> = [
            { key: "index.html", contentType: "text/html; charset=utf-8", source: new pulumi.asset.FileAsset(path.join(site, "index.html")) },
            { key: "client.js", contentType: "text/javascript; charset=utf-8", source: new pulumi.asset.FileAsset(path.join(site, "client.js")) },
            { key: "client.css", contentType: "text/css; charset=utf-8", source: new pulumi.asset.FileAsset(path.join(site, "client.css")) },
            { key: "settings.js", contentType: "text/javascript; charset=utf-8", content: clientSettingsScript(s.domainName, CLIENT_POLL_SECONDS) },
        ];
        for (const file of files) {
            new aws.s3.BucketObjectv2(
                `${name}-client-${file.key.replace(/\./g, "-")}`,
                { bucket: bucket.id, key: file.key, contentType: file.contentType, source: file.source, content: file.content, cacheControl: "max-age=300" },
                onHome,
            );
        }
        return client;
    }

    /** The client's distribution: signed reads of the bucket, HTTPS only, security headers, and the client's own name when it has one. */
    private clientDistribution(name: string, s: Resolved, bucket: aws.s3.Bucket, onGlobal: pulumi.CustomResourceOptions): aws.cloudfront.Distribution {
        const oac = new aws.cloudfront.OriginAccessControl(
            `${name}-client`,
            {
                description: `Signed reads of the ${s.domainName} client bucket`,
                originAccessControlOriginType: "s3",
                signingBehavior: "always",
                signingProtocol: "sigv4",
            },
            onGlobal,
        );
        const headers = new aws.cloudfront.ResponseHeadersPolicy(
            `${name}-client`,
            {
                comment: `Security headers of the ${s.domainName} client`,
                securityHeadersConfig: {
                    contentSecurityPolicy: { contentSecurityPolicy: clientContentSecurityPolicy(s.domainName), override: true },
                    strictTransportSecurity: { accessControlMaxAgeSec: 31536000, includeSubdomains: false, override: true },
                    contentTypeOptions: { override: true },
                    frameOptions: { frameOption: "DENY", override: true },
                    referrerPolicy: { referrerPolicy: "no-referrer", override: true },
                },
            },
            onGlobal,
        );
        const viewerCertificate: aws.types.input.cloudfront.DistributionViewerCertificate = s.clientDomainName
            ? this.clientCertificate(name, s.clientDomainName, s.hostedZoneId, onGlobal)
            : { cloudfrontDefaultCertificate: true };

        const originId = "client-bucket";
        return new aws.cloudfront.Distribution(
            `${name}-client`,
            {
                comment: `Test client of ${s.domainName}`,
                enabled: true,
                isIpv6Enabled: true,
                httpVersion: "http2and3",
                priceClass: s.clientPriceClass,
                defaultRootObject: "index.html",
                aliases: s.clientDomainName ? [s.clientDomainName] : undefined,
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
    }

    /** The DNS-validated certificate of the client's own name, as the distribution's viewer certificate. */
    private clientCertificate(
        name: string,
        domainName: string,
        hostedZoneId: pulumi.Input<string>,
        onGlobal: pulumi.CustomResourceOptions,
    ): aws.types.input.cloudfront.DistributionViewerCertificate {
        // CloudFront only uses certificates from us-east-1.
        const certificate = new aws.acm.Certificate(`${name}-client-cert`, { domainName, validationMethod: "DNS" }, onGlobal);
        const option = certificate.domainValidationOptions.apply((options) => options[0]);
        const record = new aws.route53.Record(
            `${name}-client-cert-validation`,
            { zoneId: hostedZoneId, name: option.resourceRecordName, type: option.resourceRecordType, records: [option.resourceRecordValue], ttl: 300 },
            onGlobal,
        );
        const validation = new aws.acm.CertificateValidation(
            `${name}-client-cert`,
            { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] },
            onGlobal,
        );
        return { acmCertificateArn: validation.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" };
    }

    /** The client's own name, pointing at the distribution over IPv4 and IPv6; returns the name. */
    private clientAliasRecords(
        name: string,
        domainName: string,
        hostedZoneId: pulumi.Input<string>,
        distribution: aws.cloudfront.Distribution,
        onGlobal: pulumi.CustomResourceOptions,
    ): pulumi.Output<string> {
        for (const type of ["A", "AAAA"]) {
            new aws.route53.Record(
                `${name}-client-${type.toLowerCase()}`,
                {
                    zoneId: hostedZoneId,
                    name: domainName,
                    type,
                    aliases: [{ name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false }],
                },
                onGlobal,
            );
        }
        return pulumi.output(domainName);
    }
}

export interface RegionalApiArgs {
    /** The region this copy runs in (its provider is passed in the options). */
    readonly region: string;
    /** The API's public name. */
    readonly domainName: string;
    /** Hosted zone of `domainName`. */
    readonly hostedZoneId: pulumi.Input<string>;
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

        const { hello, health } = this.functions(name, args);
        const { api, deployment } = this.restApi(name, args, [
            { path: "helloworld", handler: hello },
            { path: "healthcheck", handler: health },
        ]);
        const stage = this.stage(name, args, { api, deployment, partition: partition.partition, accountId: identity.accountId });
        const { domain, mapping } = this.customDomain(name, args, api, stage);
        const executeApiHost = pulumi.interpolate`${api.id}.execute-api.${region}.${partition.dnsSuffix}`;
        const check = this.latencyRouting(name, args, { executeApiHost, stage, domain, mapping });

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

    /** The two functions behind the API: hello, which says which region answered, and the health endpoint. */
    private functions(name: string, args: RegionalApiArgs): { hello: HandlerFunction; health: HandlerFunction } {
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
                callback: helloHandler,
            },
            { parent: this },
        );
        const health = new HandlerFunction(
            `${name}-health`,
            {
                ...functionArgs,
                description: "GET /healthcheck: 200 ok or 503 fail, probed by Route 53",
                environment: { STATUS: args.healthy ? "ok" : "fail", ALLOW_ORIGIN: args.allowOrigin },
                callback: healthHandler,
            },
            { parent: this },
        );
        return { hello, health };
    }

    /** The REGIONAL REST API with its routes, CORS on its own error responses too, and a deployment of them all. */
    private restApi(name: string, args: RegionalApiArgs, routes: readonly Route[]): { api: aws.apigateway.RestApi; deployment: aws.apigateway.Deployment } {
        const api = new aws.apigateway.RestApi(
            `${name}-api`,
            { description: `Multi-region hello world API (${args.region})`, endpointConfiguration: { types: "REGIONAL" } },
            { parent: this },
        );
        const deploymentInputs: pulumi.Input<unknown>[] = [args.allowOrigin];
        const deploymentDependencies: pulumi.Resource[] = [];
        for (const route of routes) {
            const served = this.route(name, api, route, args.allowOrigin);
            deploymentInputs.push(...served.inputs);
            deploymentDependencies.push(...served.resources);
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
                description: `Multi-region hello world API (${args.region})`,
                // A new deployment whenever a route, integration or CORS setting changes; API Gateway serves snapshots.
                triggers: { redeployment: pulumi.jsonStringify(deploymentInputs).apply((s) => createHash("sha256").update(s).digest("hex")) },
            },
            { parent: this, dependsOn: deploymentDependencies },
        );
        return { api, deployment };
    }

    /**
     * `GET /<path>` proxied to its function, which API Gateway may invoke for that route only, and its CORS preflight;
     * returns what the deployment's trigger hashes and the resources it waits for.
     */
    private route(name: string, api: aws.apigateway.RestApi, route: Route, allowOrigin: pulumi.Input<string>): { inputs: pulumi.Input<unknown>[]; resources: pulumi.Resource[] } {
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
        const cors = this.preflight(`${name}-${route.path}`, api, resource, allowOrigin);
        return {
            inputs: [resource.id, get.id, integration.id, integration.uri, cors.integration.id],
            resources: [get, integration, ...cors.resources],
        };
    }

    /** The `prod` stage with its access log group and throttling, after the region's logging role when this API sets it. */
    private stage(
        name: string,
        args: RegionalApiArgs,
        on: { api: aws.apigateway.RestApi; deployment: aws.apigateway.Deployment; partition: pulumi.Output<string>; accountId: pulumi.Output<string> },
    ): aws.apigateway.Stage {
        const { api, deployment, partition, accountId } = on;
        const stateful = { parent: this, protect: args.protect, retainOnDelete: args.protect || undefined };
        const accessLogs = new aws.cloudwatch.LogGroup(`${name}-access-logs`, { retentionInDays: args.logRetentionDays }, stateful);
        const account = args.manageApiGatewayAccount ? this.accountLoggingRole(name, args.region, partition, accountId) : undefined;
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
        return stage;
    }

    /** The public name as a regional custom domain, on this region's validated certificate, mapping the stage at `v1`. */
    private customDomain(
        name: string,
        args: RegionalApiArgs,
        api: aws.apigateway.RestApi,
        stage: aws.apigateway.Stage,
    ): { domain: aws.apigateway.DomainName; mapping: aws.apigateway.BasePathMapping } {
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
        return { domain, mapping };
    }

    /** The region's Route 53 health check, the latency record tied to it, and the alarm on its status. */
    private latencyRouting(
        name: string,
        args: RegionalApiArgs,
        on: { executeApiHost: pulumi.Output<string>; stage: aws.apigateway.Stage; domain: aws.apigateway.DomainName; mapping: aws.apigateway.BasePathMapping },
    ): aws.route53.HealthCheck {
        const { executeApiHost, stage, domain, mapping } = on;
        const { region } = args;
        // Route 53 is global; its health checks, records and metrics are managed through us-east-1.
        const onMetrics = { parent: this, provider: args.metricsProvider };
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
        return check;
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

// The functions' handlers, defined once here so that each is serialized once per program (see HandlerFunction's
// callback); their configuration comes from the function's environment.
const helloHandler = async (event: unknown, context: unknown) => {
    const result = helloRegion(event, context, helloConfig(process.env));
    console.log(JSON.stringify({ message: "answered", statusCode: result.statusCode, body: result.body }));
    return result;
};

const healthHandler = async (event: unknown) => {
    const result = healthCheck(event, healthConfig(process.env));
    console.log(JSON.stringify({ message: "health", statusCode: result.statusCode }));
    return result;
};

// The scenario: `aws-blueprints:multiRegionApi` builds this component from its settings; its outputs are the stack output of the
// same name. The registry (scenarios/index.ts) is generated from these entries.
export const multiRegionApi = defineScenario({
    key: "multiRegionApi",
    readme: { number: 8, title: "Multi-region serverless API with failover" },
    declaration: multiRegionApiSettings,
    build: (settings, shared) => {
        const api = new MultiRegionApi("multi-region-api", { ...shared, ...settings });
        return pick(api, ["url", "regionalEndpoints", "healthCheckIds", "alarmTopicArn", "clientUrl", "clientBucketName", "clientDistributionId"]);
    },
});
