// The environment's customer-managed KMS key: it encrypts the flow-log and trail log groups, the trail's files,
// the audit bucket and the database. Its policy names each service that uses it and how.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountAdministersKey, DATA_KEY_ACTIONS, logsEncryptStatement } from "../../components/iam";

export interface WorkloadKeyArgs {
    /** ARN of the trail allowed to encrypt its log files with the key. */
    readonly trailArn: pulumi.Input<string>;
    /** Alias name without the `alias/` prefix. */
    readonly alias: string;
    /** Protect the key (and keep it when removed from the program). */
    readonly protect: boolean;
}

/** The key policy document of the workload key. */
export function workloadKeyPolicy(args: {
    partition: pulumi.Input<string>;
    region: pulumi.Input<string>;
    accountId: pulumi.Input<string>;
    trailArn: pulumi.Input<string>;
}): pulumi.Output<string> {
    const { partition, region, accountId, trailArn } = args;
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            accountAdministersKey(pulumi.interpolate`arn:${partition}:iam::${accountId}:root`),
            logsEncryptStatement("CloudWatchLogsEncryptLogGroups", region, pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:*`),
            {
                Sid: "CloudTrailEncryptLogFiles",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "kms:GenerateDataKey",
                Resource: "*",
                Condition: {
                    StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": pulumi.interpolate`arn:${partition}:cloudtrail:*:${accountId}:trail/*` },
                    StringEquals: { "aws:SourceArn": trailArn },
                },
            },
            {
                Sid: "CloudTrailDescribeKey",
                Effect: "Allow",
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "kms:DescribeKey",
                Resource: "*",
                Condition: { StringEquals: { "aws:SourceArn": trailArn } },
            },
            {
                // RDS encrypts storage and snapshots through grants it creates with the caller's identity, only
                // when called through RDS in this account (the policy of the AWS-managed aws/rds key).
                Sid: "RdsUsesKeyThroughGrants",
                Effect: "Allow",
                Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root` },
                Action: [...DATA_KEY_ACTIONS, "kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                Resource: "*",
                Condition: {
                    StringEquals: { "kms:ViaService": pulumi.interpolate`rds.${region}.amazonaws.com`, "kms:CallerAccount": accountId },
                },
            },
        ],
    });
}

/** A rotating symmetric key with an alias, for the environment's logs, trail, audit bucket and database. */
export class WorkloadKey extends pulumi.ComponentResource {
    readonly key: aws.kms.Key;
    readonly arn: pulumi.Output<string>;

    constructor(name: string, args: WorkloadKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:cjis:WorkloadKey", name, {}, opts);
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const region = aws.getRegionOutput({}, { parent: this }).region;
        this.key = new aws.kms.Key(
            `${name}`,
            {
                description: "Encrypts the CJIS web environment's logs, audit trail, audit bucket and database",
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: workloadKeyPolicy({ partition, region, accountId: identity.accountId, trailArn: args.trailArn }),
            },
            { parent: this, protect: args.protect, retainOnDelete: args.protect || undefined },
        );
        new aws.kms.Alias(`${name}`, { name: `alias/${args.alias}`, targetKeyId: this.key.keyId }, { parent: this });
        this.arn = this.key.arn;
        this.registerOutputs({ arn: this.arn });
    }
}
