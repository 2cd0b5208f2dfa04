// Spot capacity through the ordinary launch path, with interruption notices (SCENARIOS.md 4).
//
// Two shapes, because AWS allows Spot stop/hibernate only outside Auto Scaling:
// - terminate (default): an Auto Scaling group with a mixed instances policy (price-capacity-optimized across
//   several instance types, optional On-Demand base). Its launch template must not request Spot itself: Auto
//   Scaling rejects such a template in a mixed instances policy ("Incompatible launch template: You cannot use a
//   launch template that is set to request Spot Instances (InstanceMarketOptions) when you configure an Auto
//   Scaling group with a mixed instances policy"), and it supports only one-time Spot requests, which always
//   terminate on interruption.
// - stop / hibernate: persistent Spot requests, which EC2 requires for both behaviours. These are standalone
//   instances launched from a launch template whose market options request persistent Spot capacity; EC2
//   restarts (or resumes) each one in place when capacity returns.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { cancelSpotRequest, checkSpotRequestId } from "../../handlers/spotFleet/spotRequestCancel";
import { Blueprint, BlueprintArgs } from "../../components/common";
import { EncryptedTopic } from "../../components/notifications";

export type InterruptionBehavior = "terminate" | "stop" | "hibernate";

export interface SpotFleetArgs extends BlueprintArgs {
    /**
     * Instance types, all of one architecture. The Auto Scaling group spreads over all of them; standalone
     * (stop/hibernate) instances take them in turn. @default ["t3.micro", "t3a.micro", "t2.micro"]
     */
    readonly instanceTypes?: readonly string[];
    /** Instances to run. @default 2 */
    readonly desiredCapacity?: number;
    /** Smallest size of the Auto Scaling group (terminate only). @default 0 */
    readonly minSize?: number;
    /** Largest size of the Auto Scaling group (terminate only). @default desiredCapacity */
    readonly maxSize?: number;
    /** On-Demand instances launched before any Spot instance (terminate only). @default 0 */
    readonly onDemandBaseCapacity?: number;
    /** Percentage of On-Demand instances above the base (terminate only). @default 0 (all Spot) */
    readonly onDemandPercentageAboveBaseCapacity?: number;
    /** Highest hourly price to pay for a Spot instance, in USD. @default none (the Spot price, capped at On-Demand) */
    readonly maxPrice?: number;
    /** What EC2 does to an interrupted Spot instance. @default "terminate" */
    readonly interruptionBehavior?: InterruptionBehavior;
    /**
     * Size of the encrypted gp3 root volume in GiB. For hibernate it must hold the AMI (8 GiB) plus the largest
     * instance's memory. @default 8, or 8 + the largest memory for hibernate
     */
    readonly rootVolumeSizeGiB?: number;
    /** KMS key of the root volume. @default the account's default EBS key (aws/ebs) */
    readonly rootVolumeKmsKeyArn?: pulumi.Input<string>;
    /** VPC of the instances; required with subnetIds. @default the region's default VPC */
    readonly vpcId?: pulumi.Input<string>;
    /** Subnets of the instances; required with vpcId. @default the default VPC's default subnets */
    readonly subnetIds?: readonly pulumi.Input<string>[];
    /** Let Auto Scaling replace Spot instances that receive a rebalance recommendation (terminate only). @default true */
    readonly capacityRebalance?: boolean;
    /** Instance profile of the instances. @default none (the instances get no AWS permissions) */
    readonly instanceProfileArn?: pulumi.Input<string>;
    /** User data script (plain text; encoded here). @default none */
    readonly userData?: string;
    /** Tags for the instances and volumes only (e.g. `{ Project: "Beta" }` for a cost filter). @default {} */
    readonly instanceTags?: Readonly<Record<string, string>>;
    /** Email subscribed to interruption notices. @default none */
    readonly notificationEmail?: string;
    /** The `scenario` tag; a fleet built by another scenario carries that scenario's name. @default "spot-fleet" */
    readonly scenario?: string;
}

/** Size of the Amazon Linux 2023 AMI's root snapshot, in GiB. */
const AMI_ROOT_GIB = 8;
/** Largest memory EC2 hibernates. */
const HIBERNATION_MAX_MEMORY_GIB = 150;

// Memory (GiB) of x86_64 instance types that support hibernation. Hibernation depends on family, size and
// memory; instead of guessing for types not listed, hibernate refuses them.
const HIBERNATION_MEMORY_GIB: Readonly<Record<string, number>> = {
    "t2.micro": 1,
    "t2.small": 2,
    "t2.medium": 4,
    "t2.large": 8,
    "t3.micro": 1,
    "t3.small": 2,
    "t3.medium": 4,
    "t3.large": 8,
    "t3a.micro": 1,
    "t3a.small": 2,
    "t3a.medium": 4,
    "t3a.large": 8,
    "m5.large": 8,
    "m5.xlarge": 16,
    "m5a.large": 8,
    "m5a.xlarge": 16,
    "c5.large": 4,
    "c5.xlarge": 8,
    "r5.large": 16,
    "r5.xlarge": 32,
};

/** Instance types whose memory this component knows, for hibernation. */
export function hibernationInstanceTypes(): Record<string, number> {
    return { ...HIBERNATION_MEMORY_GIB };
}

/** `arm64` for Graviton types (a `g` among the attribute letters after the generation, e.g. t4g, c7gn), else `x86_64`. */
export function architectureOf(instanceType: string): "arm64" | "x86_64" {
    const family = instanceType.split(".")[0];
    const m = /^([a-z]+)(\d+)([a-z-]*)$/.exec(family);
    return m && m[3].includes("g") ? "arm64" : "x86_64";
}

/** The SSM public parameter holding the latest Amazon Linux 2023 AMI for an architecture. */
export function amiParameter(architecture: "arm64" | "x86_64"): string {
    return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`;
}

const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+$/;

function requireInteger(name: string, arg: string, value: number, min: number, max: number): void {
    if (!Number.isInteger(value) || value < min || value > max) {
        throw new Error(`${name}: ${arg} must be an integer from ${min} to ${max}; got ${value}`);
    }
}

interface FleetPlan {
    readonly behavior: InterruptionBehavior;
    readonly types: string[];
    readonly architecture: "arm64" | "x86_64";
    readonly desired: number;
    readonly asg: boolean;
    readonly rootGiB: number;
}

/** Validates the arguments (throwing with the argument's name and value) and derives the fleet's shape. */
function planFleet(name: string, args: SpotFleetArgs): FleetPlan {
    const behavior = args.interruptionBehavior ?? "terminate";
    if (!["terminate", "stop", "hibernate"].includes(behavior)) {
        throw new Error(`${name}: interruptionBehavior must be terminate, stop or hibernate; got ${JSON.stringify(behavior)}`);
    }
    const types = [...(args.instanceTypes ?? ["t3.micro", "t3a.micro", "t2.micro"])];
    if (types.length === 0) throw new Error(`${name}: instanceTypes must name at least one instance type`);
    for (const t of types) {
        if (!INSTANCE_TYPE.test(t)) throw new Error(`${name}: instanceTypes entry ${JSON.stringify(t)} is not an instance type like t3.micro`);
    }
    const duplicate = types.find((t, i) => types.indexOf(t) !== i);
    if (duplicate) throw new Error(`${name}: instanceTypes lists ${duplicate} twice`);
    const architectures = [...new Set(types.map(architectureOf))];
    if (architectures.length > 1) {
        throw new Error(`${name}: instanceTypes mix arm64 and x86_64 types (${types.join(", ")}); one launch template has one AMI`);
    }
    const architecture = architectures[0];
    const desired = args.desiredCapacity ?? 2;
    requireInteger(name, "desiredCapacity", desired, 0, 1000);
    const asg = behavior === "terminate";
    if (asg) {
        if (types.length < 2) {
            throw new Error(`${name}: instanceTypes needs at least two types for a mixed instances policy; got ${types.join(", ")}`);
        }
        const minSize = args.minSize ?? 0;
        const maxSize = args.maxSize ?? Math.max(desired, 1);
        requireInteger(name, "minSize", minSize, 0, 1000);
        requireInteger(name, "maxSize", maxSize, 1, 1000);
        if (minSize > desired || desired > maxSize) {
            throw new Error(`${name}: need minSize <= desiredCapacity <= maxSize; got ${minSize} <= ${desired} <= ${maxSize}`);
        }
        requireInteger(name, "onDemandBaseCapacity", args.onDemandBaseCapacity ?? 0, 0, maxSize);
        requireInteger(name, "onDemandPercentageAboveBaseCapacity", args.onDemandPercentageAboveBaseCapacity ?? 0, 0, 100);
    } else {
        // Auto Scaling supports only one-time Spot requests, which terminate; stop and hibernate need a
        // persistent request, so these instances are not in a group and are all Spot.
        for (const key of ["minSize", "maxSize", "onDemandBaseCapacity", "onDemandPercentageAboveBaseCapacity", "capacityRebalance"] as const) {
            if (args[key] !== undefined) {
                throw new Error(
                    `${name}: ${key} applies to Auto Scaling groups, which only terminate interrupted Spot instances; ` +
                        `interruptionBehavior ${behavior} runs standalone persistent Spot instances; got ${args[key]}`,
                );
            }
        }
    }
    if (args.maxPrice !== undefined && !(Number.isFinite(args.maxPrice) && args.maxPrice > 0.001)) {
        throw new Error(`${name}: maxPrice must be more than 0.001 (USD per hour); got ${args.maxPrice}`);
    }
    let rootGiB = args.rootVolumeSizeGiB ?? AMI_ROOT_GIB;
    if (behavior === "hibernate") {
        if (architecture !== "x86_64") {
            throw new Error(`${name}: hibernate is supported here for x86_64 instance types only; got ${types.join(", ")}`);
        }
        const unknown = types.filter((t) => HIBERNATION_MEMORY_GIB[t] === undefined);
        if (unknown.length > 0) {
            throw new Error(
                `${name}: hibernate needs instance types whose memory is known to support hibernation; ${unknown.join(", ")} ` +
                    `is not one of ${Object.keys(HIBERNATION_MEMORY_GIB).join(", ")}`,
            );
        }
        const memory = Math.max(...types.map((t) => HIBERNATION_MEMORY_GIB[t]));
        if (memory >= HIBERNATION_MAX_MEMORY_GIB) throw new Error(`${name}: hibernation needs less than ${HIBERNATION_MAX_MEMORY_GIB} GiB of memory`);
        const needed = AMI_ROOT_GIB + memory;
        rootGiB = args.rootVolumeSizeGiB ?? needed;
        if (rootGiB < needed) {
            throw new Error(
                `${name}: rootVolumeSizeGiB must be at least ${needed} for hibernate (the ${AMI_ROOT_GIB} GiB AMI plus ${memory} GiB of memory to save); got ${rootGiB}`,
            );
        }
    }
    requireInteger(name, "rootVolumeSizeGiB", rootGiB, AMI_ROOT_GIB, 16384);
    if ((args.vpcId === undefined) !== (args.subnetIds === undefined)) {
        throw new Error(`${name}: give vpcId and subnetIds together (or neither, for the default VPC)`);
    }
    if (args.subnetIds !== undefined && args.subnetIds.length === 0) throw new Error(`${name}: subnetIds must not be empty`);
    for (const key of Object.keys(args.instanceTags ?? {})) {
        if (key.length === 0 || key.startsWith("aws:")) throw new Error(`${name}: instanceTags key ${JSON.stringify(key)} must be non-empty and must not start with aws:`);
    }
    return { behavior, types, architecture, desired, asg, rootGiB };
}

/** Throws what the SpotFleet constructor would throw for these arguments, without creating anything. */
export function checkSpotFleetArgs(name: string, args: SpotFleetArgs): void {
    planFleet(name, args);
}

interface SpotRequestCancellationInputs {
    readonly spotInstanceRequestId: string;
    readonly region: string;
}

/**
 * Cancels an instance's persistent Spot request when it is deleted. The AWS provider's instance deletion has been
 * found to terminate the instance and leave the request open (hashicorp/terraform-provider-aws#38142 and #41206:
 * its cancel step is guarded by a lifecycle comparison that no longer matches), and an open persistent request
 * launches a new, untracked instance that the account pays for. Depending on the instance, this
 * resource is deleted before it, so the request is cancelled before the instance is terminated; a replaced
 * instance has a new request, which replaces this resource, and the old request is cancelled before the old
 * instance goes. It runs in the deploying process, with its AWS credentials, in the instance's region.
 */
const spotRequestCancellation: pulumi.dynamic.ResourceProvider<SpotRequestCancellationInputs, SpotRequestCancellationInputs> = {
    async create(inputs) {
        return { id: checkSpotRequestId(inputs.spotInstanceRequestId), outs: inputs };
    },
    async diff(_id, olds, news) {
        const replaces = (["spotInstanceRequestId", "region"] as const).filter((k) => olds[k] !== news[k]);
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },
    async delete(id, props) {
        // Required here: the SDK is loaded by the deploying process when a deletion needs it, not serialized.
        const { EC2 } = require("@aws-sdk/client-ec2");
        await cancelSpotRequest(id, { ec2: new EC2({ region: props.region }) });
    },
};

class SpotRequestCancellation extends pulumi.dynamic.Resource {
    constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        super(spotRequestCancellation, name, args, opts);
    }
}

export class SpotFleet extends Blueprint {
    readonly interruptionBehavior: InterruptionBehavior;
    readonly launchTemplateId: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;
    readonly imageId: pulumi.Output<string>;
    readonly topicArn: pulumi.Output<string>;
    readonly ruleArn: pulumi.Output<string>;
    /** The Auto Scaling group (terminate only). */
    readonly autoScalingGroupName?: pulumi.Output<string>;
    /** The standalone instances (stop/hibernate only). */
    readonly instanceIds?: pulumi.Output<string[]>;

    constructor(name: string, args: SpotFleetArgs, opts?: pulumi.ComponentResourceOptions) {
        // Everything is checked before the component registers, so a bad argument creates nothing.
        const { behavior, types, architecture, desired, asg, rootGiB } = planFleet(name, args);
        super("aws-blueprints:compute:SpotFleet", name, args.scenario ?? "spot-fleet", args, opts);
        this.interruptionBehavior = behavior;

        const vpcId = args.vpcId ?? aws.ec2.getVpcOutput({ default: true }, { parent: this }).id;
        const subnetIds: pulumi.Output<string[]> = args.subnetIds
            ? pulumi.all([...args.subnetIds])
            : aws.ec2
                  .getSubnetsOutput({ filters: [{ name: "vpc-id", values: [vpcId] }, { name: "default-for-az", values: ["true"] }] }, { parent: this })
                  .ids.apply((ids) => {
                      if (ids.length === 0) throw new Error(`${name}: the default VPC has no default subnets; give vpcId and subnetIds`);
                      return [...ids].sort();
                  });

        const alerts = new EncryptedTopic(
            `${name}-interruptions`,
            {
                displayName: "Spot interruptions",
                publishingServices: ["events.amazonaws.com"],
                email: args.notificationEmail,
                protect: this.protectStateful,
            },
            { parent: this },
        );

        const group = new aws.ec2.SecurityGroup(
            `${name}-instances`,
            { description: "Spot fleet instances: no inbound access; HTTPS out for updates and Session Manager", vpcId },
            { parent: this },
        );
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-instances-https-out`,
            { securityGroupId: group.id, description: "HTTPS to anywhere", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" },
            { parent: this },
        );

        const image = aws.ssm.getParameterOutput({ name: amiParameter(architecture) }, { parent: this });
        const launchTags = { ...this.tags, ...args.instanceTags };
        const maxPrice = args.maxPrice !== undefined ? args.maxPrice.toFixed(4) : undefined;
        const template = new aws.ec2.LaunchTemplate(
            `${name}-template`,
            {
                description: `Spot fleet ${name} (${behavior} on interruption)`,
                imageId: image.value,
                updateDefaultVersion: true,
                vpcSecurityGroupIds: [group.id],
                iamInstanceProfile: args.instanceProfileArn ? { arn: args.instanceProfileArn } : undefined,
                userData: args.userData ? Buffer.from(args.userData, "utf8").toString("base64") : undefined,
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: {
                            volumeSize: rootGiB,
                            volumeType: "gp3",
                            encrypted: "true",
                            kmsKeyId: args.rootVolumeKmsKeyArn,
                            deleteOnTermination: "true",
                        },
                    },
                ],
                instanceMarketOptions: asg
                    ? undefined
                    : {
                          marketType: "spot",
                          spotOptions: { spotInstanceType: "persistent", instanceInterruptionBehavior: behavior, maxPrice },
                      },
                hibernationOptions: behavior === "hibernate" ? { configured: true } : undefined,
                tagSpecifications: [
                    { resourceType: "instance", tags: launchTags },
                    { resourceType: "volume", tags: launchTags },
                    ...(asg ? [] : [{ resourceType: "spot-instances-request", tags: launchTags }]),
                ],
            },
            { parent: this },
        );
        const version = template.latestVersion.apply((v) => String(v));

        if (asg) {
            const groupTags = Object.entries({ Name: name, ...launchTags }).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
            const fleet = new aws.autoscaling.Group(
                `${name}-group`,
                {
                    minSize: args.minSize ?? 0,
                    maxSize: args.maxSize ?? Math.max(desired, 1),
                    desiredCapacity: desired,
                    vpcZoneIdentifiers: subnetIds,
                    capacityRebalance: args.capacityRebalance ?? true,
                    healthCheckType: "EC2",
                    mixedInstancesPolicy: {
                        instancesDistribution: {
                            onDemandBaseCapacity: args.onDemandBaseCapacity ?? 0,
                            onDemandPercentageAboveBaseCapacity: args.onDemandPercentageAboveBaseCapacity ?? 0,
                            onDemandAllocationStrategy: "prioritized",
                            spotAllocationStrategy: "price-capacity-optimized",
                            spotMaxPrice: maxPrice,
                        },
                        launchTemplate: {
                            launchTemplateSpecification: { launchTemplateId: template.id, version },
                            overrides: types.map((instanceType) => ({ instanceType })),
                        },
                    },
                    tags: groupTags,
                },
                { parent: this },
            );
            this.autoScalingGroupName = fleet.name;
        } else {
            const instances = Array.from({ length: desired }, (_, i) =>
                new aws.ec2.Instance(
                    `${name}-${i}`,
                    {
                        launchTemplate: { id: template.id, version },
                        instanceType: types[i % types.length],
                        subnetId: subnetIds.apply((ids) => ids[i % ids.length]),
                        // Repeats the template's root volume, so the instance's own settings say it is encrypted.
                        rootBlockDevice: {
                            volumeSize: rootGiB,
                            volumeType: "gp3",
                            encrypted: true,
                            kmsKeyId: args.rootVolumeKmsKeyArn,
                            deleteOnTermination: true,
                        },
                        tags: { Name: `${name}-${i}`, ...args.instanceTags },
                    },
                    // A stopped or hibernated instance keeps its state on its volume; a new template version (a newer
                    // AMI) must not replace it. Replace one deliberately to move it to the new template.
                    { parent: this, ignoreChanges: ["launchTemplate"] },
                ),
            );
            const region = aws.getRegionOutput({}, { parent: this }).region;
            instances.forEach(
                (instance, i) =>
                    new SpotRequestCancellation(
                        `${name}-${i}-spot-request`,
                        { spotInstanceRequestId: instance.spotInstanceRequestId, region },
                        { parent: this },
                    ),
            );
            this.instanceIds = pulumi.all(instances.map((x) => x.id));
        }

        const rule = new aws.cloudwatch.EventRule(
            `${name}-interruption-notices`,
            {
                description: "EC2 Spot interruption warnings and rebalance recommendations (every Spot instance in the account and region)",
                eventPattern: JSON.stringify({
                    source: ["aws.ec2"],
                    "detail-type": ["EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation"],
                }),
            },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(
            `${name}-interruption-notices`,
            {
                rule: rule.name,
                arn: alerts.topicArn,
                retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 },
                inputTransformer: {
                    inputPaths: { kind: "$.detail-type", instance: "$.detail.instance-id", time: "$.time", region: "$.region" },
                    inputTemplate:
                        '"<kind>: Spot instance <instance> in <region> at <time>. An interruption warning gives two minutes\' notice; ' +
                        'a rebalance recommendation comes earlier, when the risk of interruption rises."',
                },
            },
            { parent: this },
        );

        this.launchTemplateId = template.id;
        this.securityGroupId = group.id;
        this.imageId = image.value;
        this.topicArn = alerts.topicArn;
        this.ruleArn = rule.arn;
        this.registerOutputs({
            interruptionBehavior: behavior,
            launchTemplateId: this.launchTemplateId,
            securityGroupId: this.securityGroupId,
            imageId: this.imageId,
            topicArn: this.topicArn,
            ruleArn: this.ruleArn,
            autoScalingGroupName: this.autoScalingGroupName,
            instanceIds: this.instanceIds,
        });
    }
}
