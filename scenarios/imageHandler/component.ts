// Serverless image handler (README scenario 9): CloudFront -> Lambda function URL (origin access control) -> sharp,
// resizing images from a private S3 bucket for Thumbor-style paths.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { configFromEnvironment, handleImageRequest, HttpResponse } from "../../handlers/imageHandler/imageHandler";
import { Blueprint } from "../../components/common";
import { HandlerFunction } from "../../components/lambda";
import { EncryptedTopic, functionAlarm } from "../../components/notifications";
import { packageDir } from "../../components/packaging";
import { ArgsOf, defineScenario, pick, ResolvedArgs, resolveArgs } from "../../components/scenario";
import { privateBucket } from "../../components/storage";
import { imageHandlerSettings } from "./settings";

/** The scenario's settings (see ./settings.ts), and how long the function may take, which no stack file sets. */
export type ImageHandlerArgs = ArgsOf<typeof imageHandlerSettings> & {
    /** Timeout of the resize function, in seconds; below CloudFront's 30-second origin timeout. @default 20 */
    readonly timeoutSeconds?: number;
};

// CloudFront gives up on an origin after 30 seconds unless a quota increase allows more.
const ORIGIN_READ_TIMEOUT_SECONDS = 30;

/** The platform packages of sharp the function's archive must carry for an architecture (Lambda: Linux, glibc). */
export function sharpPlatformPackages(architecture: "x86_64" | "arm64"): string[] {
    const cpu = architecture === "x86_64" ? "x64" : "arm64";
    return [`@img/sharp-linux-${cpu}`, `@img/sharp-libvips-linux-${cpu}`];
}

/** The image handler's settings, their defaults applied. */
type ResolvedImageHandlerArgs = ResolvedArgs<typeof imageHandlerSettings>;

/** The resize function's timeout in seconds, checked to end before CloudFront stops waiting for the origin. */
function functionTimeout(name: string, args: ImageHandlerArgs): number {
    const timeout = args.timeoutSeconds ?? 20;
    if (!Number.isInteger(timeout) || timeout < 3 || timeout >= ORIGIN_READ_TIMEOUT_SECONDS) {
        throw new Error(`${name}: timeoutSeconds must be 3-${ORIGIN_READ_TIMEOUT_SECONDS - 1} (below CloudFront's origin timeout); got ${timeout}`);
    }
    return timeout;
}

/** sharp's platform packages for the architecture, checked to be installed: the archive cannot carry what is missing. */
function installedSharpPackages(name: string, architecture: "x86_64" | "arm64"): string[] {
    const native = sharpPlatformPackages(architecture);
    const missing = native.filter((p) => !packageDir(p));
    if (missing.length > 0) {
        const cpu = architecture === "x86_64" ? "x64" : "arm64";
        throw new Error(
            `${name}: sharp's Lambda binaries for ${architecture} are not installed (${missing.join(", ")}); ` +
                `run npm install --os=linux --cpu=${cpu} --libc=glibc --include=optional sharp before deploying`,
        );
    }
    return native;
}

export class ImageHandler extends Blueprint {
    /** `https://<distribution>.cloudfront.net`: the base of every image URL. */
    readonly url: pulumi.Output<string>;
    readonly distributionId: pulumi.Output<string>;
    readonly distributionDomainName: pulumi.Output<string>;
    readonly sourceBucketName: pulumi.Output<string>;
    readonly functionName: pulumi.Output<string>;
    /** The function URL; it answers only requests signed by the distribution. */
    readonly functionUrl: pulumi.Output<string>;
    readonly alertsTopicArn: pulumi.Output<string>;

    constructor(name: string, args: ImageHandlerArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveArgs(name, imageHandlerSettings, args);
        const timeout = functionTimeout(name, args);
        const native = installedSharpPackages(name, s.architecture);
        super("aws-blueprints:media:ImageHandler", name, "image-handler", args, opts);

        const alerts = new EncryptedTopic(
            `${name}-alerts`,
            { displayName: "Image handler", email: s.notificationEmail, protect: this.protectStateful },
            { parent: this },
        );
        const source = privateBucket(`${name}-source`, { versioning: true, forceDestroy: !this.protectStateful }, this, this.stateful()).bucket;
        const resize = this.resizeFunction(name, s, { source, timeout, native });
        const functionUrl = new aws.lambda.FunctionUrl(
            `${name}-url`,
            { functionName: resize.functionName, authorizationType: "AWS_IAM", invokeMode: "BUFFERED" },
            { parent: this },
        );
        const distribution = this.distribution(name, s, functionUrl);
        this.cloudFrontInvokes(name, resize, distribution);
        this.failureAlarms(name, resize, alerts);

        this.url = pulumi.interpolate`https://${distribution.domainName}`;
        this.distributionId = distribution.id;
        this.distributionDomainName = distribution.domainName;
        this.sourceBucketName = source.bucket;
        this.functionName = resize.functionName;
        this.functionUrl = functionUrl.functionUrl;
        this.alertsTopicArn = alerts.topicArn;
        this.registerOutputs({
            url: this.url,
            distributionId: this.distributionId,
            distributionDomainName: this.distributionDomainName,
            sourceBucketName: this.sourceBucketName,
            functionName: this.functionName,
            functionUrl: this.functionUrl,
            alertsTopicArn: this.alertsTopicArn,
        });
    }

    /** The function that reads an image from the source bucket and resizes and converts it with sharp. */
    private resizeFunction(
        name: string,
        s: ResolvedImageHandlerArgs,
        on: { source: aws.s3.Bucket; timeout: number; native: string[] },
    ): HandlerFunction<unknown, HttpResponse> {
        const { source, timeout, native } = on;
        return new HandlerFunction<unknown, HttpResponse>(
            `${name}-resize`,
            {
                description: "Resizes and converts images from the source bucket for Thumbor-style paths",
                statements: [
                    { sid: "ReadImages", actions: ["s3:GetObject"], resources: [pulumi.interpolate`${source.arn}/*`] },
                    // Without ListBucket S3 answers a missing key with AccessDenied; with it, NoSuchKey (a 404 to viewers).
                    { sid: "TellMissingFromForbidden", actions: ["s3:ListBucket"], resources: [source.arn] },
                ],
                environment: {
                    SOURCE_BUCKET: source.bucket,
                    MAX_WIDTH: String(s.maxWidth),
                    MAX_HEIGHT: String(s.maxHeight),
                    MAX_SOURCE_BYTES: String(s.maxSourceMegabytes * 1024 * 1024),
                    MAX_SOURCE_PIXELS: String(s.maxSourceMegapixels * 1_000_000),
                    DEFAULT_QUALITY: String(s.defaultQuality),
                },
                architecture: s.architecture,
                memorySizeMb: s.memorySizeMb,
                timeoutSeconds: timeout,
                reservedConcurrency: s.reservedConcurrency,
                bundledPackages: ["sharp"],
                nativePackages: native,
                logRetentionDays: this.logRetentionDays,
                protect: this.protectStateful,
                callback: imageRequestHandler,
            },
            { parent: this },
        );
    }

    /**
     * The CloudFront distribution in front of the function URL, signing its requests to it (origin access control),
     * caching images by path alone and adding security headers.
     */
    private distribution(name: string, s: ResolvedImageHandlerArgs, functionUrl: aws.lambda.FunctionUrl): aws.cloudfront.Distribution {
        const originAccess = new aws.cloudfront.OriginAccessControl(
            `${name}-oac`,
            {
                description: "CloudFront signs its requests to the image function URL",
                originAccessControlOriginType: "lambda",
                signingBehavior: "always",
                signingProtocol: "sigv4",
            },
            { parent: this },
        );
        const cachePolicy = new aws.cloudfront.CachePolicy(
            `${name}-cache`,
            {
                comment: "Images by path only: no headers, cookies or query strings in the key",
                minTtl: 0,
                defaultTtl: s.defaultTtlSeconds,
                maxTtl: 31536000,
                parametersInCacheKeyAndForwardedToOrigin: {
                    cookiesConfig: { cookieBehavior: "none" },
                    headersConfig: { headerBehavior: "none" },
                    queryStringsConfig: { queryStringBehavior: "none" },
                    enableAcceptEncodingGzip: true,
                    enableAcceptEncodingBrotli: true,
                },
            },
            { parent: this },
        );
        const headersPolicy = new aws.cloudfront.ResponseHeadersPolicy(
            `${name}-headers`,
            {
                comment: "Security headers for served images",
                securityHeadersConfig: {
                    contentTypeOptions: { override: true },
                    strictTransportSecurity: { accessControlMaxAgeSec: 31536000, includeSubdomains: true, override: true },
                },
            },
            { parent: this },
        );
        const originId = "image-function";
        return new aws.cloudfront.Distribution(
            `${name}-cdn`,
            {
                comment: "Serverless image handler",
                enabled: true,
                isIpv6Enabled: true,
                httpVersion: "http2and3",
                priceClass: s.priceClass,
                origins: [
                    {
                        originId,
                        domainName: functionUrl.functionUrl.apply((u) => new URL(u).host),
                        originAccessControlId: originAccess.id,
                        customOriginConfig: {
                            httpPort: 80,
                            httpsPort: 443,
                            originProtocolPolicy: "https-only",
                            originSslProtocols: ["TLSv1.2"],
                            originReadTimeout: ORIGIN_READ_TIMEOUT_SECONDS,
                        },
                    },
                ],
                defaultCacheBehavior: {
                    targetOriginId: originId,
                    viewerProtocolPolicy: "redirect-to-https",
                    allowedMethods: ["GET", "HEAD"],
                    cachedMethods: ["GET", "HEAD"],
                    compress: true,
                    cachePolicyId: cachePolicy.id,
                    responseHeadersPolicyId: headersPolicy.id,
                },
                restrictions: { geoRestriction: { restrictionType: "none" } },
                viewerCertificate: { cloudfrontDefaultCertificate: true },
            },
            { parent: this },
        );
    }

    /** The distribution's grants to call the function through its URL, and only through it. */
    private cloudFrontInvokes(name: string, resize: HandlerFunction<unknown, HttpResponse>, distribution: aws.cloudfront.Distribution): void {
        // Function URLs created since October 2025 need both grants; InvokeFunction is limited to calls through the URL.
        new aws.lambda.Permission(
            `${name}-cdn-url`,
            {
                action: "lambda:InvokeFunctionUrl",
                function: resize.functionName,
                principal: "cloudfront.amazonaws.com",
                sourceArn: distribution.arn,
                functionUrlAuthType: "AWS_IAM",
            },
            { parent: this },
        );
        new aws.lambda.Permission(
            `${name}-cdn-invoke`,
            {
                action: "lambda:InvokeFunction",
                function: resize.functionName,
                principal: "cloudfront.amazonaws.com",
                sourceArn: distribution.arn,
                invokedViaFunctionUrl: true,
            },
            { parent: this },
        );
    }

    /** Alarms on the topic when the function fails or is throttled: viewers got server errors. */
    private failureAlarms(name: string, resize: HandlerFunction<unknown, HttpResponse>, alerts: EncryptedTopic): void {
        functionAlarm(
            `${name}-errors`,
            {
                functionName: resize.functionName,
                metric: "Errors",
                description: "The image function failed (AWS errors such as throttled or denied S3 reads); viewers got 5xx",
                topicArn: alerts.topicArn,
            },
            { parent: this },
        );
        functionAlarm(
            `${name}-throttles`,
            {
                functionName: resize.functionName,
                metric: "Throttles",
                description: "Image requests were throttled (concurrency limit reached); viewers got 5xx",
                topicArn: alerts.topicArn,
            },
            { parent: this },
        );
    }
}

// The functions' handlers, defined once here so that each is serialized once per program (see HandlerFunction's
// callback); their configuration comes from the function's environment.
const imageRequestHandler = async (event: unknown) => {
    // SDK v3 ships with the Lambda runtime; sharp comes in the archive. Both are required here so
    // neither is serialized into the handler.
    const { S3 } = require("@aws-sdk/client-s3");
    const sharp = require("sharp");
    // One request at a time per instance: libvips' operation cache would only hold memory between them.
    sharp.cache(false);
    return handleImageRequest(event, configFromEnvironment(process.env), {
        s3: new S3({}),
        sharp,
        log: (message, data) => console.log(JSON.stringify({ message, ...data })),
    });
};

// The scenario: `aws-blueprints:imageHandler` builds this component from its settings; its outputs are the stack output of the
// same name. The registry (scenarios/index.ts) is generated from these entries.
export const imageHandler = defineScenario({
    key: "imageHandler",
    readme: { number: 9, title: "Serverless image handler" },
    declaration: imageHandlerSettings,
    build: (settings, shared) => {
        const images = new ImageHandler("image-handler", { ...shared, ...settings });
        return pick(images, ["url", "distributionId", "sourceBucketName", "functionName", "functionUrl", "alertsTopicArn"]);
    },
});
