// Explicit AWS providers that deploy with the stack's own `aws:` settings. The engine configures only the default
// provider from the stack's configuration ("inputs sourced from the stack's configuration values for the relevant
// provider package", https://github.com/pulumi/pulumi/blob/master/docs/architecture/providers/default.md); an explicit
// `new aws.Provider(name, args)` registers exactly `args` (pulumi-aws sdk/nodejs/provider.ts copies each argument and
// falls back to nothing but the AWS_REGION environment variable for the region,
// https://github.com/pulumi/pulumi-aws/blob/master/sdk/nodejs/provider.ts). Without this, a per-region provider
// would ignore the user's profile, assumed roles, allowed accounts and default tags and deploy with whatever
// credentials the environment holds.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

// Whether a key holds a secret: the SDK's own test (its Config.get uses it), exported by the runtime's config module
// but left out of its type declarations.
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** How the AWS package reads a key of the `aws` namespace: as text, or as JSON (`getObject`: lists, objects, numbers, booleans). */
type ConfigKind = "text" | "json";

/**
 * Every provider argument but the region, and how pulumi-aws's own configuration module reads it from the stack
 * (sdk/nodejs/config/vars.ts: `__config.get` for text, `__config.getObject` for the rest). `satisfies` makes the
 * compiler reject a provider argument missing here after an upgrade of @pulumi/aws.
 */
export const AWS_CONFIG_KEYS = {
    accessKey: "text",
    allowedAccountIds: "json",
    assumeRoleWithWebIdentity: "json",
    assumeRoles: "json",
    customCaBundle: "text",
    defaultTags: "json",
    ec2MetadataServiceEndpoint: "text",
    ec2MetadataServiceEndpointMode: "text",
    endpoints: "json",
    forbiddenAccountIds: "json",
    httpProxy: "text",
    httpsProxy: "text",
    ignoreTags: "json",
    insecure: "json",
    maxRetries: "json",
    noProxy: "text",
    profile: "text",
    retryMode: "text",
    s3UsEast1RegionalEndpoint: "text",
    s3UsePathStyle: "json",
    secretKey: "text",
    sharedConfigFiles: "json",
    sharedCredentialsFiles: "json",
    skipCredentialsValidation: "json",
    skipMetadataApiCheck: "json",
    skipRegionValidation: "json",
    skipRequestingAccountId: "json",
    stsRegion: "text",
    tagPolicyCompliance: "text",
    token: "text",
    tokenBucketRateLimiterCapacity: "json",
    useDualstackEndpoint: "json",
    useFipsEndpoint: "json",
    userAgents: "json",
} as const satisfies Record<Exclude<keyof aws.ProviderArgs, "region">, ConfigKind>;

export type StackProviderArgs = Omit<aws.ProviderArgs, "region">;

/**
 * The provider arguments the stack's `aws:` configuration sets, read as the AWS package reads them. A key the stack
 * holds as a secret (`pulumi config set --secret aws:secretKey ...`) stays a secret.
 */
export function stackProviderArgs(): StackProviderArgs {
    const config = new pulumi.Config("aws");
    const args: Record<string, unknown> = {};
    for (const [key, kind] of Object.entries(AWS_CONFIG_KEYS) as [keyof typeof AWS_CONFIG_KEYS, ConfigKind][]) {
        const value = kind === "text" ? config.get(key) : config.getObject<unknown>(key);
        if (value === undefined) continue;
        args[key] = isConfigSecret(`aws:${key}`) ? pulumi.secret(value) : value;
    }
    return args as StackProviderArgs;
}

/**
 * An AWS provider for another region than the stack's, with every other `aws:` setting of the stack: the same
 * account, credentials, assumed roles, allowed accounts, default and ignored tags, endpoints and retry settings.
 */
export function regionalProvider(name: string, region: string, opts?: pulumi.CustomResourceOptions): aws.Provider {
    return new aws.Provider(name, { ...stackProviderArgs(), region }, opts);
}
