// Server tiers: Auto Scaling groups on launch templates (IMDSv2 only, encrypted volumes, Session Manager access,
// CPU target tracking) and the optional SSH bastion.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement } from "../../components/iam";
import { InstanceRole } from "../../components/instanceRole";

/** Graviton instance families (t4g, m7g, c7gn, r8g, im4gn, g5g, ... and a1) run arm64 images. */
export function architectureOf(instanceType: string): "arm64" | "x86_64" {
    const family = instanceType.split(".")[0];
    return /^[a-z]+\d+g[a-z]*$/.test(family) || family === "a1" ? "arm64" : "x86_64";
}

/** The public SSM parameter holding the latest Amazon Linux 2023 AMI for an instance type's architecture. */
export function amazonLinuxParameter(instanceType: string): string {
    return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architectureOf(instanceType)}`;
}

/** Session Manager access without SSH: the AWS-managed core policy (read and messaging only, not a FullAccess policy). */
const SSM_CORE_POLICY = "AmazonSSMManagedInstanceCore";

/** Metadata service: session tokens required (IMDSv2), one hop so containers on the host cannot reach it. */
const IMDS_V2 = { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 };

export interface ServerTierComponentArgs {
    /** What the tier does (role description, tags). */
    readonly description: string;
    /** Private subnets the instances run in. */
    readonly subnetIds: pulumi.Input<string>[];
    readonly securityGroupId: pulumi.Input<string>;
    readonly instanceType: string;
    readonly minSize: number;
    readonly maxSize: number;
    /** Average CPU utilisation (percent) the group is kept at. */
    readonly cpuTargetPercent: number;
    readonly rootVolumeGb: number;
    /** Target groups the instances register with; the group replaces instances their health checks fail. */
    readonly targetGroupArns: pulumi.Input<pulumi.Input<string>[]>;
    /** Boot script (plain text). */
    readonly userData: pulumi.Input<string>;
    /** Permissions of the instances besides Session Manager. @default [] */
    readonly statements?: readonly Statement[];
    /** Tags of the group, its instances and their volumes. */
    readonly tags: Readonly<Record<string, string>>;
    /** Resources the instances need before they boot: the routes and associations that give their subnets egress. @default [] */
    readonly egress?: readonly pulumi.Resource[];
}

/**
 * An Auto Scaling group of one tier: a launch template (latest Amazon Linux 2023 for the instance type's
 * architecture, IMDSv2, encrypted gp3 root volume, detailed monitoring), ELB health checks, rolling instance refresh
 * when the template changes, and a target-tracking policy on the group's average CPU.
 */
export class ServerTier extends pulumi.ComponentResource {
    readonly group: aws.autoscaling.Group;
    readonly launchTemplate: aws.ec2.LaunchTemplate;
    readonly role: aws.iam.Role;
    readonly groupName: pulumi.Output<string>;
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: ServerTierComponentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:cjis:ServerTier", name, {}, opts);
        const identity = new InstanceRole(
            name,
            { description: `Instances of ${args.description}`, managedPolicies: [SSM_CORE_POLICY], statements: args.statements ?? [] },
            { parent: this },
        );
        this.role = identity.role;
        const tags = { ...args.tags, Name: name };

        this.launchTemplate = this.template(name, args, identity.profile.arn, tags);
        this.group = new aws.autoscaling.Group(
            `${name}`,
            {
                vpcZoneIdentifiers: args.subnetIds,
                minSize: args.minSize,
                maxSize: args.maxSize,
                launchTemplate: { id: this.launchTemplate.id, version: this.launchTemplate.latestVersion.apply(String) },
                targetGroupArns: args.targetGroupArns,
                healthCheckType: "ELB",
                healthCheckGracePeriod: 300,
                defaultInstanceWarmup: 300,
                instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 50 } },
                // Instances and volumes are tagged by the launch template; these tags are the group's own.
                tags: Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: false })),
            },
            // The user data installs packages at boot: an instance launched before its subnet's NAT route fails it.
            { parent: this, dependsOn: [...(args.egress ?? [])] },
        );

        new aws.autoscaling.Policy(
            `${name}-cpu`,
            {
                autoscalingGroupName: this.group.name,
                policyType: "TargetTrackingScaling",
                targetTrackingConfiguration: {
                    predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
                    targetValue: args.cpuTargetPercent,
                },
            },
            { parent: this },
        );

        this.groupName = this.group.name;
        this.roleArn = this.role.arn;
        this.registerOutputs({ groupName: this.groupName, roleArn: this.roleArn });
    }

    /** The launch template: latest Amazon Linux 2023 for the type's architecture, IMDSv2, encrypted gp3 root, detailed monitoring. */
    private template(name: string, args: ServerTierComponentArgs, profileArn: pulumi.Input<string>, tags: Record<string, string>): aws.ec2.LaunchTemplate {
        const image = aws.ssm.getParameterOutput({ name: amazonLinuxParameter(args.instanceType) }, { parent: this });
        return new aws.ec2.LaunchTemplate(
            `${name}`,
            {
                description: args.description,
                imageId: image.value,
                instanceType: args.instanceType,
                iamInstanceProfile: { arn: profileArn },
                vpcSecurityGroupIds: [args.securityGroupId],
                metadataOptions: IMDS_V2,
                monitoring: { enabled: true },
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        // The AWS-managed EBS key: a customer key would need a grant for the Auto Scaling service-linked role.
                        ebs: { volumeSize: args.rootVolumeGb, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
                    },
                ],
                userData: pulumi.output(args.userData).apply((script) => Buffer.from(script, "utf8").toString("base64")),
                tagSpecifications: [
                    { resourceType: "instance", tags },
                    { resourceType: "volume", tags },
                ],
                updateDefaultVersion: true,
            },
            { parent: this },
        );
    }
}

export interface BastionHostArgs {
    /** A public subnet of the management VPC. */
    readonly subnetId: pulumi.Input<string>;
    readonly securityGroupId: pulumi.Input<string>;
    readonly instanceType: string;
    /** EC2 key pair for SSH. */
    readonly keyName: string;
    readonly userData: string;
    /** Tags of the root volume (the instance gets the component's tags). */
    readonly tags: Readonly<Record<string, string>>;
}

/** An SSH bastion in the management VPC (reachable only from its configured network), also reachable by Session Manager. */
export class Bastion extends pulumi.ComponentResource {
    readonly instance: aws.ec2.Instance;
    readonly publicIp: pulumi.Output<string>;

    constructor(name: string, args: BastionHostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:cjis:Bastion", name, {}, opts);
        const identity = new InstanceRole(name, { description: "The management VPC's bastion", managedPolicies: [SSM_CORE_POLICY] }, { parent: this });
        const image = aws.ssm.getParameterOutput({ name: amazonLinuxParameter(args.instanceType) }, { parent: this });
        this.instance = new aws.ec2.Instance(
            `${name}`,
            {
                ami: image.value,
                instanceType: args.instanceType,
                subnetId: args.subnetId,
                associatePublicIpAddress: true,
                vpcSecurityGroupIds: [args.securityGroupId],
                keyName: args.keyName,
                iamInstanceProfile: identity.profile.name,
                metadataOptions: IMDS_V2,
                rootBlockDevice: { volumeSize: 8, volumeType: "gp3", encrypted: true, deleteOnTermination: true },
                userData: args.userData,
                volumeTags: { ...args.tags, Name: name },
                tags: { Name: name },
            },
            { parent: this },
        );
        this.publicIp = this.instance.publicIp;
        this.registerOutputs({ publicIp: this.publicIp });
    }
}
