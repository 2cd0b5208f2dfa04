// Private, encrypted S3 buckets: the companions every bucket this program creates needs.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

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
                    {
                        Sid: "DenyInsecureTransport",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ],
            }),
        },
        // S3 refuses concurrent changes to a bucket's policy and its public access block.
        { parent, dependsOn: [block] },
    );
    return { bucket, versioning };
}
