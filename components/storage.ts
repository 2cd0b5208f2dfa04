// Private, encrypted S3 buckets: the companions every bucket this program creates needs.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** A statement of a bucket policy, as S3 reads it (`Sid`, `Effect`, `Principal`, `Action`, `Resource`, `Condition`). */
export type BucketPolicyStatement = Readonly<Record<string, unknown>>;

/** The bucket policy statement that refuses every request not sent over TLS. */
export function denyInsecureTransport(bucket: aws.s3.Bucket): BucketPolicyStatement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

export interface PrivateBucketArgs {
    /** Keep earlier versions of overwritten or deleted objects. @default false */
    readonly versioning?: boolean;
    /** Delete objects this many days after they were written. @default never */
    readonly expireAfterDays?: number;
    /** Let Pulumi delete the bucket with its objects (for disposable stacks). @default false */
    readonly forceDestroy?: boolean;
    /**
     * Default encryption. @default SSE-S3, which every AWS service that delivers to a bucket can write to (S3 server
     * access logs and load balancer access logs accept nothing else) and which needs no key policy.
     */
    readonly encryption?: aws.types.input.s3.BucketServerSideEncryptionConfigurationRule;
}

/** A private bucket before its policy: see {@link privateBucketWithoutPolicy}. */
export interface PrivateBucketParts {
    readonly name: string;
    readonly bucket: aws.s3.Bucket;
    /** Present when `versioning` was asked for: depend on it before writing objects that need versions. */
    readonly versioning?: aws.s3.BucketVersioning;
    /** The public access block: the bucket policy waits for it (S3 refuses concurrent changes to the two). */
    readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
    /** Options of the companions: the bucket's parent and provider. */
    readonly companionOptions: pulumi.CustomResourceOptions;
}

export interface PrivateBucket extends PrivateBucketParts {
    readonly policy: aws.s3.BucketPolicy;
}

/**
 * The bucket and what makes it private: every kind of public access blocked, default encryption, ACLs disabled
 * (BucketOwnerEnforced), versioning and expiry when asked. The caller must give it its policy with
 * {@link tlsOnlyPolicy}; this half exists for a policy that names a resource which itself needs the bucket (a
 * CloudFront distribution reading it, a second bucket it logs to). `bucketOptions` are the bucket's own (protection,
 * provider); companions take its parent and provider. Children: `${name}` (the bucket) and `${name}` of each
 * companion type.
 */
export function privateBucketWithoutPolicy(name: string, args: PrivateBucketArgs, parent: pulumi.Resource, bucketOptions: pulumi.CustomResourceOptions): PrivateBucketParts {
    if (args.expireAfterDays !== undefined && (!Number.isInteger(args.expireAfterDays) || args.expireAfterDays < 1)) {
        throw new Error(`${name}: expireAfterDays must be a whole number of days >= 1; got ${args.expireAfterDays}`);
    }
    const companionOptions: pulumi.CustomResourceOptions = { parent, ...(bucketOptions.provider ? { provider: bucketOptions.provider } : {}) };
    const bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy }, bucketOptions);
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
        name,
        { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        companionOptions,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
        name,
        { bucket: bucket.id, rules: [args.encryption ?? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
        companionOptions,
    );
    new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, companionOptions);
    const versioning = args.versioning
        ? new aws.s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, companionOptions)
        : undefined;
    if (args.expireAfterDays !== undefined) {
        new aws.s3.BucketLifecycleConfiguration(
            name,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: args.expireAfterDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ],
            },
            companionOptions,
        );
    }
    return { name, bucket, versioning, publicAccessBlock, companionOptions };
}

/**
 * The bucket's policy: `allow` (the services and principals that may use it) and the refusal of every request
 * without TLS, created after the public access block because S3 refuses concurrent changes to the two
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
 */
export function tlsOnlyPolicy(parts: PrivateBucketParts, allow: readonly BucketPolicyStatement[] = []): aws.s3.BucketPolicy {
    return new aws.s3.BucketPolicy(
        parts.name,
        {
            bucket: parts.bucket.id,
            policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [...allow, denyInsecureTransport(parts.bucket)] }),
        },
        { ...parts.companionOptions, dependsOn: [parts.publicAccessBlock] },
    );
}

/**
 * A bucket that blocks every kind of public access, encrypts by default, disables ACLs and refuses requests without
 * TLS; its policy also allows `allow(bucket)`. See {@link privateBucketWithoutPolicy} for the arguments and children.
 */
export function privateBucket(
    name: string,
    args: PrivateBucketArgs & { readonly allow?: (bucket: aws.s3.Bucket) => readonly BucketPolicyStatement[] },
    parent: pulumi.Resource,
    bucketOptions: pulumi.CustomResourceOptions,
): PrivateBucket {
    const parts = privateBucketWithoutPolicy(name, args, parent, bucketOptions);
    return { ...parts, policy: tlsOnlyPolicy(parts, args.allow?.(parts.bucket)) };
}

export interface LoadBalancerLogBucketArgs {
    /** Days access logs are kept. */
    readonly retentionDays: number;
    /** Key prefix the load balancer writes under (its logs land in `<prefix>/AWSLogs/<account>/`). */
    readonly prefix: string;
    /** Let Pulumi delete the bucket with its logs (for disposable stacks). */
    readonly forceDestroy: boolean;
}

export interface LoadBalancerLogBucket {
    readonly bucket: aws.s3.Bucket;
    /** The bucket policy: the load balancer must wait for it (ELB writes a test object when logging is enabled). */
    readonly policy: aws.s3.BucketPolicy;
    readonly prefix: string;
}

/**
 * A private bucket for Application Load Balancer access logs: SSE-S3 (the only encryption ALB delivers to,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html), ACLs disabled,
 * logs expiring after `retentionDays`, writes allowed to ELB log delivery under the prefix only, TLS required.
 * Children: `${name}` (the bucket) and `${name}` of each companion type.
 */
export function loadBalancerLogBucket(
    name: string,
    args: LoadBalancerLogBucketArgs,
    parent: pulumi.Resource,
    bucketOptions: pulumi.CustomResourceOptions,
): LoadBalancerLogBucket {
    if (!Number.isInteger(args.retentionDays) || args.retentionDays < 1) {
        throw new Error(`${name}: accessLogRetentionDays must be a whole number of days >= 1; got ${args.retentionDays}`);
    }
    const identity = aws.getCallerIdentityOutput({}, { parent });
    const parts = privateBucketWithoutPolicy(name, { forceDestroy: args.forceDestroy }, parent, bucketOptions);
    const bucket = parts.bucket;
    new aws.s3.BucketLifecycleConfiguration(
        name,
        {
            bucket: bucket.id,
            rules: [
                {
                    id: "expire-access-logs",
                    status: "Enabled",
                    filter: {},
                    expiration: { days: args.retentionDays },
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                },
            ],
        },
        parts.companionOptions,
    );
    const policy = tlsOnlyPolicy(parts, [
        {
            Sid: "ElbLogDelivery",
            Effect: "Allow",
            Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucket.arn}/${args.prefix}/AWSLogs/${identity.accountId}/*`,
        },
    ]);
    return { bucket, policy, prefix: args.prefix };
}
