// Private, encrypted S3 buckets: the companions every bucket this program creates needs.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * What makes a bucket private: no public access, encrypted at rest (SSE-S3), ACLs disabled. Returns the public access
 * block, which a bucket policy must wait for (S3 refuses concurrent changes to the two).
 */
function privateCompanions(name: string, bucket: aws.s3.Bucket, parent: pulumi.Resource): aws.s3.BucketPublicAccessBlock {
    const block = new aws.s3.BucketPublicAccessBlock(
        name,
        { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        { parent },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
        name,
        { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
        { parent },
    );
    new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent });
    return block;
}

/** The bucket policy statement that refuses every request not sent over TLS. */
export function denyInsecureTransport(bucket: aws.s3.Bucket) {
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
}

export interface PrivateBucket {
    readonly bucket: aws.s3.Bucket;
    /** Present when `versioning` was asked for: depend on it before writing objects that need versions. */
    readonly versioning?: aws.s3.BucketVersioning;
}

/**
 * A bucket that blocks every kind of public access, encrypts by default (SSE-S3), disables ACLs and refuses
 * requests without TLS. `bucketOptions` are the bucket's own options (protection); companions take `parent`.
 * Children: `${name}` (the bucket) and `${name}` of each companion type.
 */
export function privateBucket(
    name: string,
    args: PrivateBucketArgs,
    parent: pulumi.Resource,
    bucketOptions: pulumi.CustomResourceOptions,
): PrivateBucket {
    if (args.expireAfterDays !== undefined && (!Number.isInteger(args.expireAfterDays) || args.expireAfterDays < 1)) {
        throw new Error(`${name}: expireAfterDays must be a whole number of days >= 1; got ${args.expireAfterDays}`);
    }
    const bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy ?? false }, bucketOptions);
    const block = privateCompanions(name, bucket, parent);
    const versioning = args.versioning
        ? new aws.s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, { parent })
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
            { parent },
        );
    }
    new aws.s3.BucketPolicy(
        name,
        {
            bucket: bucket.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    denyInsecureTransport(bucket),
                ],
            }),
        },
        // S3 refuses concurrent changes to a bucket's policy and its public access block.
        { parent, dependsOn: [block] },
    );
    return { bucket, versioning };
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
    const bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy }, bucketOptions);
    const block = privateCompanions(name, bucket, parent);
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
        { parent },
    );
    const policy = new aws.s3.BucketPolicy(
        name,
        {
            bucket: bucket.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "ElbLogDelivery",
                        Effect: "Allow",
                        Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
                        Action: "s3:PutObject",
                        Resource: pulumi.interpolate`${bucket.arn}/${args.prefix}/AWSLogs/${identity.accountId}/*`,
                    },
                    denyInsecureTransport(bucket),
                ],
            }),
        },
        // S3 refuses concurrent changes to a bucket's policy and its public access block.
        { parent, dependsOn: [block] },
    );
    return { bucket, policy, prefix: args.prefix };
}
