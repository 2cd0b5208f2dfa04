// Spot capacity through the ordinary launch path, with interruption notices (README scenario 4).
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
import { cancelSpotRequest, checkSpotRequestId, deployerCredentials, DeployerIdentity } from "../../handlers/spotFleet/spotRequestCancel";
import { Blueprint } from "../../components/common";
import { defaultVpcId, SubnetFilter, subnetsOffering } from "../../components/network";
import { EncryptedTopic } from "../../components/notifications";
import { stackProviderArgs } from "../../components/providers";
import { ArgsOf, defineScenario, pick, ResolvedArgs, resolveArgs } from "../../components/scenario";
import { checkFleet, FleetShape, fleetShape, InterruptionBehavior } from "./fleetRules";
import { spotFleetSettings } from "./settings";

/** Arguments that also take other resources' values. */
type Inputs = "vpcId" | "subnetIds";

/** What a program (or another scenario) may give besides the scenario's settings. */
interface ProgramArgs {
    /** KMS key of the root volume. @default the account's default EBS key (aws/ebs) */
    readonly rootVolumeKmsKeyArn?: pulumi.Input<string>;
    /** Instance profile of the instances. @default none (the instances get no AWS permissions) */
    readonly instanceProfileArn?: pulumi.Input<string>;
    /** User data script (plain text; encoded here). @default none */
    readonly userData?: string;
    /** The `scenario` tag; a fleet built by another scenario carries that scenario's name. @default "spot-fleet" */
    readonly scenario?: string;
}

/** The scenario's settings (see ./settings.ts), the VPC and subnets possibly other resources' outputs, and the program's own arguments. */
export type SpotCapacityArgs = ArgsOf<typeof spotFleetSettings, Inputs> & ProgramArgs;

/** The SSM public parameter holding the latest Amazon Linux 2023 AMI for an architecture. */
export function amiParameter(architecture: "arm64" | "x86_64"): string {
    return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`;
}

interface SpotRequestCancellationInputs {
    readonly spotInstanceRequestId: string;
    readonly region: string;
    /** Who cancels: the stack's own AWS identity (absent in the state of a resource created before it was recorded). */
    readonly identity?: DeployerIdentity;
}

/** The stack's `aws:` settings that choose the deploying identity (secrets, such as a secret key, stay secrets). */
function stackIdentity(): pulumi.Input<DeployerIdentity> {
    const a = stackProviderArgs();
    return pulumi.output({
        profile: a.profile,
        sharedConfigFiles: a.sharedConfigFiles,
        sharedCredentialsFiles: a.sharedCredentialsFiles,
        accessKey: a.accessKey,
        secretKey: a.secretKey,
        token: a.token,
        assumeRoles: a.assumeRoles,
    }) as pulumi.Output<DeployerIdentity>;
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
        // A changed identity is an update: the state keeps the one the deletion will use.
        const identityChanged = JSON.stringify(olds.identity ?? {}) !== JSON.stringify(news.identity ?? {});
        return { changes: replaces.length > 0 || identityChanged, replaces, deleteBeforeReplace: false };
    },
    async update(_id, _olds, news) {
        return { outs: news };
    },
    async delete(id, props) {
        // Required here: the SDK is loaded by the deploying process when a deletion needs it, not serialized.
        const { EC2 } = require("@aws-sdk/client-ec2");
        await cancelSpotRequest(id, { ec2: new EC2({ region: props.region, credentials: deployerCredentials(props.identity ?? {}, props.region) }) });
    },
};

class SpotRequestCancellation extends pulumi.dynamic.Resource {
    constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        super(spotRequestCancellation, name, args, opts);
    }
}

/** The fleet's settings, their defaults applied. */
type FleetSettings = ResolvedArgs<typeof spotFleetSettings, Inputs>;

/** The fleet's VPC, and the subnets (of those given, else the default VPC's) whose zone offers all or any of some instance types. */
interface FleetNetwork {
    readonly vpcId: pulumi.Input<string>;
    readonly placed: (instanceTypes: readonly string[], offering: "all" | "any") => pulumi.Output<string[]>;
}

/** The launch template, its latest version as the group and the instances name it, and what the group repeats of it. */
interface FleetLaunch {
    readonly template: aws.ec2.LaunchTemplate;
    readonly version: pulumi.Output<string>;
    readonly imageId: pulumi.Output<string>;
    readonly launchTags: Record<string, string>;
    /** The highest hourly Spot price in USD, as EC2 takes it (four decimals); none: the Spot price, at most On-Demand. */
    readonly maxPrice?: string;
}

/**
 * Spot capacity with interruption handling: an Auto Scaling group with a mixed instances policy over Spot pools
 * (interruption behaviour terminate), or standalone persistent Spot instances that stop or hibernate. It uses
 * neither EC2 Spot Fleet nor EC2 Fleet. Its type token keeps the name `SpotFleet` because resource URNs carry it.
 */
export class SpotCapacity extends Blueprint {
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

    constructor(name: string, args: SpotCapacityArgs, opts?: pulumi.ComponentResourceOptions) {
        // Everything is checked before the component registers, so a bad argument creates nothing.
        const s = resolveArgs<typeof spotFleetSettings, Inputs>(name, spotFleetSettings, args);
        // resolveArgs skips the rules between keys when the VPC or subnets are outputs; the fleet's rules need only
        // whether those are given, so they apply to every fleet.
        checkFleet(name, s);
        const shape = fleetShape(s);
        // The former class name stays in the type token: URNs of deployed stacks carry it.
        super("aws-blueprints:compute:SpotFleet", name, args.scenario ?? "spot-fleet", args, opts);
        this.interruptionBehavior = s.interruptionBehavior;

        const network = this.network(name, s);
        const alerts = this.interruptionTopic(name, s);
        const group = this.instanceSecurityGroup(name, network.vpcId);
        const launch = this.launchTemplate(name, s, shape, args, group);
        if (shape.autoScaling) {
            this.autoScalingGroupName = this.autoScalingGroup(name, s, shape, network, launch).name;
        } else {
            this.instanceIds = this.persistentInstances(name, s, shape, args, network, launch);
        }
        const rule = this.interruptionNotices(name, alerts);

        this.launchTemplateId = launch.template.id;
        this.securityGroupId = group.id;
        this.imageId = launch.imageId;
        this.topicArn = alerts.topicArn;
        this.ruleArn = rule.arn;
        this.registerOutputs({
            interruptionBehavior: this.interruptionBehavior,
            launchTemplateId: this.launchTemplateId,
            securityGroupId: this.securityGroupId,
            imageId: this.imageId,
            topicArn: this.topicArn,
            ruleArn: this.ruleArn,
            autoScalingGroupName: this.autoScalingGroupName,
            instanceIds: this.instanceIds,
        });
    }

    /**
     * The VPC (the given one, else the default VPC) and where its instances may go. Where the program chooses subnets
     * it chooses ones whose zone offers the types: the default VPC's default subnets for the group (any of its types
     * will do), and for each standalone instance one of the given or default subnets offering its own type.
     */
    private network(name: string, s: FleetSettings): FleetNetwork {
        const network = { owner: name, setting: "vpcId and subnetIds (spotFleet.vpcId, spotFleet.subnetIds)", parent: this };
        const vpcId = s.vpcId ?? defaultVpcId(network);
        const candidates: SubnetFilter[] = s.subnetIds
            ? [{ name: "subnet-id", values: [...s.subnetIds] }]
            : [
                  { name: "vpc-id", values: [vpcId] },
                  { name: "default-for-az", values: ["true"] },
              ];
        const describe = s.subnetIds ? "spotFleet.subnetIds" : "the default VPC";
        const placed = (instanceTypes: readonly string[], offering: "all" | "any") =>
            subnetsOffering(
                candidates,
                { instanceTypes, offering, typeSetting: "spotFleet.instanceTypes" },
                { ...network, describe, candidates: s.subnetIds ? [...s.subnetIds] : undefined },
            );
        return { vpcId, placed };
    }

    /** The encrypted topic the interruption notices go to (and the notification email, when given). */
    private interruptionTopic(name: string, s: FleetSettings): EncryptedTopic {
        return new EncryptedTopic(
            `${name}-interruptions`,
            {
                displayName: "Spot interruptions",
                publishingServices: ["events.amazonaws.com"],
                email: s.notificationEmail,
                protect: this.protectStateful,
            },
            { parent: this },
        );
    }

    /** The instances' security group: nothing in, HTTPS out for updates and Session Manager. */
    private instanceSecurityGroup(name: string, vpcId: pulumi.Input<string>): aws.ec2.SecurityGroup {
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
        return group;
    }

    /**
     * The launch template every instance starts from: the latest Amazon Linux 2023 AMI, IMDSv2 only, an encrypted
     * root volume, and persistent Spot market options for standalone instances only (see the file's header).
     */
    private launchTemplate(name: string, s: FleetSettings, shape: FleetShape, args: ProgramArgs, group: aws.ec2.SecurityGroup): FleetLaunch {
        const behavior = s.interruptionBehavior;
        const asg = shape.autoScaling;
        const image = aws.ssm.getParameterOutput({ name: amiParameter(shape.architecture) }, { parent: this });
        const launchTags = { ...this.tags, ...s.instanceTags };
        const maxPrice = s.maxPrice !== undefined ? s.maxPrice.toFixed(4) : undefined;
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
                            volumeSize: shape.rootVolumeSizeGiB,
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
        return { template, version, imageId: image.value, launchTags, maxPrice };
    }

    /** The Auto Scaling group of the terminate shape: a mixed instances policy, price-capacity-optimized over the types. */
    private autoScalingGroup(name: string, s: FleetSettings, shape: FleetShape, network: FleetNetwork, launch: FleetLaunch): aws.autoscaling.Group {
        const types = s.instanceTypes;
        const groupTags = Object.entries({ Name: name, ...launch.launchTags }).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
        return new aws.autoscaling.Group(
            `${name}-group`,
            {
                minSize: shape.minSize,
                maxSize: shape.maxSize,
                desiredCapacity: s.desiredCapacity,
                // Subnets given by the user are theirs to choose: the group launches the types each zone offers.
                vpcZoneIdentifiers: s.subnetIds ? [...s.subnetIds] : network.placed(types, "any"),
                capacityRebalance: shape.capacityRebalance,
                healthCheckType: "EC2",
                mixedInstancesPolicy: {
                    instancesDistribution: {
                        onDemandBaseCapacity: shape.onDemandBaseCapacity,
                        onDemandPercentageAboveBaseCapacity: shape.onDemandPercentageAboveBaseCapacity,
                        onDemandAllocationStrategy: "prioritized",
                        spotAllocationStrategy: "price-capacity-optimized",
                        spotMaxPrice: launch.maxPrice,
                    },
                    launchTemplate: {
                        launchTemplateSpecification: { launchTemplateId: launch.template.id, version: launch.version },
                        overrides: types.map((instanceType) => ({ instanceType })),
                    },
                },
                tags: groupTags,
            },
            { parent: this },
        );
    }

    /**
     * The standalone instances of the stop and hibernate shapes, the types taken in turn, each in a subnet offering
     * its type, and for each the resource that cancels its persistent Spot request when it is deleted.
     */
    private persistentInstances(
        name: string,
        s: FleetSettings,
        shape: FleetShape,
        args: ProgramArgs,
        network: FleetNetwork,
        launch: FleetLaunch,
    ): pulumi.Output<string[]> {
        const types = s.instanceTypes;
        const subnetsFor = new Map<string, pulumi.Output<string[]>>();
        const subnetsOfType = (type: string) => subnetsFor.get(type) ?? subnetsFor.set(type, network.placed([type], "all")).get(type)!;
        const instances = Array.from({ length: s.desiredCapacity }, (_, i) =>
            new aws.ec2.Instance(
                `${name}-${i}`,
                {
                    launchTemplate: { id: launch.template.id, version: launch.version },
                    instanceType: types[i % types.length],
                    subnetId: subnetsOfType(types[i % types.length]).apply((ids) => ids[i % ids.length]),
                    // Repeats the template's root volume, so the instance's own settings say it is encrypted.
                    rootBlockDevice: {
                        volumeSize: shape.rootVolumeSizeGiB,
                        volumeType: "gp3",
                        encrypted: true,
                        kmsKeyId: args.rootVolumeKmsKeyArn,
                        deleteOnTermination: true,
                    },
                    tags: { Name: `${name}-${i}`, ...s.instanceTags },
                },
                // A stopped or hibernated instance keeps its state on its volume; a new template version (a newer
                // AMI) must not replace it. Replace one deliberately to move it to the new template.
                { parent: this, ignoreChanges: ["launchTemplate"] },
            ),
        );
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const identity = stackIdentity();
        instances.forEach(
            (instance, i) =>
                new SpotRequestCancellation(
                    `${name}-${i}-spot-request`,
                    { spotInstanceRequestId: instance.spotInstanceRequestId, region, identity },
                    { parent: this },
                ),
        );
        return pulumi.all(instances.map((x) => x.id));
    }

    /** The rule sending every Spot interruption warning and rebalance recommendation of the region to the topic, as a sentence. */
    private interruptionNotices(name: string, alerts: EncryptedTopic): aws.cloudwatch.EventRule {
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
        return rule;
    }
}

// The scenario: `aws-blueprints:spotFleet` builds this component from its settings; its outputs are the stack output of the
// same name. The registry (scenarios/index.ts) is generated from these entries.
export const spotFleet = defineScenario({
    key: "spotFleet",
    readme: { number: 4, title: "EC2 Spot capacity with interruption handling" },
    declaration: spotFleetSettings,
    build: (settings, shared) => {
        const fleet = new SpotCapacity("spot-fleet", { ...shared, ...settings });
        return pick(fleet, ["interruptionBehavior", "autoScalingGroupName", "instanceIds", "launchTemplateId", "securityGroupId", "imageId", "topicArn", "ruleArn"]);
    },
});
