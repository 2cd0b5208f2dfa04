// The MySQL database: isolated subnets, KMS-encrypted, TLS required, password kept by RDS in Secrets Manager, and
// IAM database authentication (README scenario 9) for the app tier's database user.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement } from "../../components/iam";
import { DB_PORT } from "./securityGroups";

/** Log types the database exports to CloudWatch Logs (each into a log group created here with a retention). */
export const DATABASE_LOG_EXPORTS = ["error", "slowquery"] as const;

/** The resource `rds-db:connect` names: one database user on one database instance (by its resource id, not its name). */
export function databaseUserArn(
    partition: pulumi.Input<string>,
    region: pulumi.Input<string>,
    accountId: pulumi.Input<string>,
    resourceId: pulumi.Input<string>,
    user: string,
): pulumi.Output<string> {
    return pulumi.interpolate`arn:${partition}:rds-db:${region}:${accountId}:dbuser:${resourceId}/${user}`;
}

/** A valid RDS instance identifier from a component name and stack (lowercase, no double or trailing dashes). */
export function databaseIdentifier(name: string, stack: string): string {
    const id = `${name}-${stack}`
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-")
        .replace(/-+/g, "-")
        .replace(/^[^a-z]+/, "")
        .slice(0, 63)
        .replace(/-+$/, "");
    if (id.length === 0) throw new Error(`cannot build a database identifier from "${name}" and "${stack}"`);
    return id;
}

export interface DatabaseComponentArgs {
    /** Isolated subnets (two or more AZs). */
    readonly subnetIds: pulumi.Input<string>[];
    readonly securityGroupId: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly instanceClass: string;
    readonly engineVersion: "8.0" | "8.4";
    readonly allocatedStorageGb: number;
    readonly maxAllocatedStorageGb: number;
    readonly multiAz: boolean;
    readonly backupRetentionDays: number;
    readonly deletionProtection: boolean;
    readonly masterUsername: string;
    /** The user IAM authentication lets the app tier connect as. */
    readonly iamDatabaseUser: string;
    /** Retention of the exported log groups. */
    readonly logRetentionDays: number;
    /** Protect the instance and its log groups; also keeps a final snapshot when the instance is deleted. */
    readonly protect: boolean;
}

export class Database extends pulumi.ComponentResource {
    readonly instance: aws.rds.Instance;
    readonly identifier: string;
    readonly address: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly resourceId: pulumi.Output<string>;
    readonly masterUserSecretArn: pulumi.Output<string | undefined>;
    /** The `rds-db:connect` resource of the IAM database user. */
    readonly iamUserArn: pulumi.Output<string>;
    readonly iamDatabaseUser: string;

    constructor(name: string, args: DatabaseComponentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:cjis:Database", name, {}, opts);
        const keep = { parent: this, protect: args.protect, retainOnDelete: args.protect || undefined };
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const region = aws.getRegionOutput({}, { parent: this }).region;
        this.identifier = databaseIdentifier(name, pulumi.getStack());
        this.iamDatabaseUser = args.iamDatabaseUser;

        const { subnets, parameters, logGroups } = this.groups(name, args, keep);
        this.instance = this.databaseInstance(name, args, { subnets, parameters, logGroups, keep });

        this.address = this.instance.address;
        this.port = this.instance.port;
        this.resourceId = this.instance.resourceId;
        this.masterUserSecretArn = this.instance.masterUserSecrets.apply((secrets) => secrets?.[0]?.secretArn);
        this.iamUserArn = databaseUserArn(partition, region, identity.accountId, this.instance.resourceId, args.iamDatabaseUser);
        this.registerOutputs({
            address: this.address,
            port: this.port,
            resourceId: this.resourceId,
            masterUserSecretArn: this.masterUserSecretArn,
            iamUserArn: this.iamUserArn,
        });
    }

    /** The subnet group (isolated subnets), the TLS-only parameter group and the log groups the instance exports to. */
    private groups(name: string, args: DatabaseComponentArgs, keep: pulumi.CustomResourceOptions) {
        const subnets = new aws.rds.SubnetGroup(
            `${name}`,
            { description: "Isolated subnets (no route to the internet)", subnetIds: args.subnetIds },
            { parent: this },
        );
        const parameters = new aws.rds.ParameterGroup(
            `${name}`,
            {
                family: `mysql${args.engineVersion}`,
                description: "TLS-only connections; slow queries logged for export",
                parameters: [
                    { name: "require_secure_transport", value: "1" },
                    { name: "slow_query_log", value: "1" },
                    { name: "long_query_time", value: "2" },
                    { name: "log_output", value: "FILE" },
                ],
            },
            { parent: this },
        );
        // RDS would create these groups itself, without retention or encryption; creating them first sets both.
        const logGroups = DATABASE_LOG_EXPORTS.map(
            (type) =>
                new aws.cloudwatch.LogGroup(
                    `${name}-${type}`,
                    { name: `/aws/rds/instance/${this.identifier}/${type}`, retentionInDays: args.logRetentionDays, kmsKeyId: args.kmsKeyArn },
                    keep,
                ),
        );
        return { subnets, parameters, logGroups };
    }

    /** The MySQL instance: encrypted, private, IAM authentication on, its master password kept by RDS in Secrets Manager. */
    private databaseInstance(
        name: string,
        args: DatabaseComponentArgs,
        on: { subnets: aws.rds.SubnetGroup; parameters: aws.rds.ParameterGroup; logGroups: aws.cloudwatch.LogGroup[]; keep: pulumi.CustomResourceOptions },
    ): aws.rds.Instance {
        const { subnets, parameters, logGroups, keep } = on;
        return new aws.rds.Instance(
            `${name}`,
            {
                identifier: this.identifier,
                engine: "mysql",
                engineVersion: args.engineVersion,
                autoMinorVersionUpgrade: true,
                instanceClass: args.instanceClass,
                dbName: "app",
                port: DB_PORT,
                username: args.masterUsername,
                manageMasterUserPassword: true,
                iamDatabaseAuthenticationEnabled: true,
                storageType: "gp3",
                allocatedStorage: args.allocatedStorageGb,
                maxAllocatedStorage: args.maxAllocatedStorageGb,
                storageEncrypted: true,
                kmsKeyId: args.kmsKeyArn,
                multiAz: args.multiAz,
                dbSubnetGroupName: subnets.name,
                vpcSecurityGroupIds: [args.securityGroupId],
                publiclyAccessible: false,
                parameterGroupName: parameters.name,
                caCertIdentifier: "rds-ca-rsa2048-g1",
                backupRetentionPeriod: args.backupRetentionDays,
                copyTagsToSnapshot: true,
                deletionProtection: args.deletionProtection,
                skipFinalSnapshot: !args.protect,
                finalSnapshotIdentifier: args.protect ? `${this.identifier}-final` : undefined,
                enabledCloudwatchLogsExports: [...DATABASE_LOG_EXPORTS],
            },
            { ...keep, dependsOn: logGroups },
        );
    }

    /** The permission to connect as the IAM database user, for the role of whoever connects. */
    connectStatement(): Statement {
        return { sid: "ConnectAsIamDatabaseUser", actions: ["rds-db:connect"], resources: [this.iamUserArn] };
    }
}
