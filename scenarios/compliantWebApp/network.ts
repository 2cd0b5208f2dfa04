// The two VPCs of the web environment, built from plain EC2 resources so every route table, route and flow log is
// visible to tests and policies (an awsx VPC is one opaque resource under mocks), and the peering between them.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ServiceRole } from "../../components/iam";
import { InstancePlacement, zonesOffering } from "../../components/network";
import { subnetCidrs, Tier, TIERS } from "./cidr";

export interface FlowLogsArgs {
    /** KMS key encrypting the log group. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Retention in days. */
    readonly retentionDays: number;
    /** Protect the log group. */
    readonly protect: boolean;
}

/** The encrypted log group every VPC flow log of the environment writes to, and the role flow logs deliver with. */
export class FlowLogs extends pulumi.ComponentResource {
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: FlowLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:cjis:FlowLogs", name, {}, opts);
        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}`,
            { retentionInDays: args.retentionDays, kmsKeyId: args.kmsKeyArn },
            { parent: this, protect: args.protect, retainOnDelete: args.protect || undefined },
        );
        const role = new ServiceRole(
            `${name}-delivery`,
            {
                service: "vpc-flow-logs.amazonaws.com",
                description: "Delivers VPC flow logs to their log group",
                statements: [
                    {
                        sid: "WriteFlowLogs",
                        actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        resources: [this.logGroup.arn, pulumi.interpolate`${this.logGroup.arn}:*`],
                    },
                    // DescribeLogGroups supports no resource-level permissions.
                    { sid: "FindLogGroup", actions: ["logs:DescribeLogGroups"], resources: ["*"] },
                ],
            },
            { parent: this },
        );
        this.roleArn = role.arn;
        this.registerOutputs({ logGroupArn: this.logGroup.arn, roleArn: this.roleArn });
    }
}

/** The letter of the i-th zone in names: a, b, c. */
function zoneLetter(i: number): string {
    return String.fromCharCode(97 + i);
}

export interface TieredVpcArgs {
    /** The VPC's CIDR block. */
    readonly cidr: string;
    /** Availability Zones: the first N available ones of the region that offer `instances`' types. */
    readonly azCount: number;
    /** What runs in every zone of the VPC: its instance types and the setting naming them. @default none */
    readonly instances?: InstancePlacement;
    /** NAT gateways for the private subnets. */
    readonly natGateways: "none" | "single" | "perAz";
    /** Where the VPC's flow log goes. */
    readonly flowLogs: FlowLogs;
    /** Purpose shown in Name tags, e.g. "production". */
    readonly purpose: string;
}

/**
 * A VPC with public, private and isolated subnets in each AZ: public subnets route to an internet gateway, private
 * ones to NAT (per AZ or shared, or nowhere), isolated ones nowhere. The default security group is emptied and
 * all traffic is recorded by a flow log.
 */
export class TieredVpc extends pulumi.ComponentResource {
    readonly vpc: aws.ec2.Vpc;
    readonly vpcId: pulumi.Output<string>;
    readonly cidr: string;
    readonly subnetIds: Record<Tier, pulumi.Output<string>[]>;
    readonly routeTableIds: Record<Tier, pulumi.Output<string>[]>;
    readonly natGatewayIds: pulumi.Output<string>[];
    /**
     * What gives the private subnets their way out: their NAT routes and route table associations, and the public
     * subnets' internet route and associations the NAT gateways send through. Instances that fetch packages at boot
     * wait for these.
     */
    readonly privateEgress: pulumi.Resource[];
    readonly flowLog: aws.ec2.FlowLog;

    constructor(name: string, args: TieredVpcArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:cjis:TieredVpc", name, {}, opts);
        const cidrs = subnetCidrs(args.cidr, args.azCount);
        const azs = this.zones(name, args);

        this.cidr = args.cidr;
        this.vpc = new aws.ec2.Vpc(
            `${name}`,
            { cidrBlock: args.cidr, enableDnsSupport: true, enableDnsHostnames: true, tags: { Name: `${name} (${args.purpose})` } },
            { parent: this },
        );
        this.vpcId = this.vpc.id;
        new aws.ec2.DefaultSecurityGroup(
            `${name}-default-sg`,
            { vpcId: this.vpc.id, ingress: [], egress: [], tags: { Name: `${name} default (no rules)` } },
            { parent: this },
        );
        const subnets = this.subnets(name, cidrs, azs);
        this.subnetIds = {
            public: subnets.public.map((s) => s.id),
            private: subnets.private.map((s) => s.id),
            isolated: subnets.isolated.map((s) => s.id),
        };
        const routing = this.routing(name, args, subnets);
        this.natGatewayIds = routing.natGateways.map((n) => n.id);
        this.routeTableIds = routing.routeTableIds;
        this.privateEgress = routing.privateEgress;
        this.flowLog = new aws.ec2.FlowLog(
            `${name}-flow-log`,
            {
                vpcId: this.vpc.id,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: args.flowLogs.logGroup.arn,
                iamRoleArn: args.flowLogs.roleArn,
                maxAggregationInterval: 60,
                tags: { Name: `${name}-flow-log` },
            },
            { parent: this },
        );
        this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds, routeTableIds: this.routeTableIds });
    }

    /** The VPC's Availability Zones: the first `azCount` available ones that offer the instances' types. */
    private zones(name: string, args: TieredVpcArgs): pulumi.Output<string[]> {
        const available = aws.getAvailabilityZonesOutput({ state: "available" }, { parent: this }).names;
        const instances = args.instances?.instanceTypes.length ? args.instances : undefined;
        const offering = instances ? zonesOffering(instances, { owner: name, parent: this }) : available;
        return pulumi.all([available, offering]).apply(([names, offered]) => {
            const usable = names.filter((zone) => offered.includes(zone));
            if (usable.length < args.azCount) {
                if (!instances) throw new Error(`${name}: the region has ${usable.length} available AZs; ${args.azCount} needed`);
                const types = [...new Set(instances.instanceTypes)].join(" and ");
                throw new Error(
                    `${name}: ${usable.length} available Availability Zone(s) of the region offer ${types} (${usable.join(", ")}); ${args.azCount} needed: ` +
                        `set ${instances.typeSetting} to types offered in ${args.azCount} zones`,
                );
            }
            return usable.slice(0, args.azCount);
        });
    }

    /** A subnet of each tier in each zone, none assigning public addresses at launch. */
    private subnets(name: string, cidrs: Record<Tier, string[]>, azs: pulumi.Output<string[]>): Record<Tier, aws.ec2.Subnet[]> {
        const subnets = {} as Record<Tier, aws.ec2.Subnet[]>;
        for (const tier of TIERS) {
            subnets[tier] = cidrs[tier].map(
                (cidrBlock, i) =>
                    new aws.ec2.Subnet(
                        `${name}-${tier}-${zoneLetter(i)}`,
                        {
                            vpcId: this.vpc.id,
                            cidrBlock,
                            availabilityZone: azs.apply((a) => a[i]),
                            mapPublicIpOnLaunch: false,
                            tags: { Name: `${name}-${tier}-${zoneLetter(i)}`, tier },
                        },
                        { parent: this },
                    ),
            );
        }
        return subnets;
    }

    /**
     * The internet gateway and the route tables: public subnets share one with the internet route, each private
     * subnet has its own with the route to its NAT gateway (its zone's, or the single one), isolated subnets share
     * one without routes.
     */
    private routing(
        name: string,
        args: TieredVpcArgs,
        subnets: Record<Tier, aws.ec2.Subnet[]>,
    ): { natGateways: aws.ec2.NatGateway[]; routeTableIds: Record<Tier, pulumi.Output<string>[]>; privateEgress: pulumi.Resource[] } {
        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: this.vpc.id, tags: { Name: `${name}-igw` } }, { parent: this });
        const publicTable = new aws.ec2.RouteTable(`${name}-public`, { vpcId: this.vpc.id, tags: { Name: `${name}-public` } }, { parent: this });
        const internetRoute = new aws.ec2.Route(
            `${name}-public-internet`,
            { routeTableId: publicTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
            { parent: this },
        );
        const egress: pulumi.Resource[] = [internetRoute];

        const natCount = args.natGateways === "perAz" ? args.azCount : args.natGateways === "single" ? 1 : 0;
        const nats = Array.from({ length: natCount }, (_, i) => {
            const eip = new aws.ec2.Eip(`${name}-nat-${zoneLetter(i)}`, { domain: "vpc", tags: { Name: `${name}-nat-${zoneLetter(i)}` } }, { parent: this });
            return new aws.ec2.NatGateway(
                `${name}-nat-${zoneLetter(i)}`,
                { allocationId: eip.allocationId, subnetId: subnets.public[i].id, connectivityType: "public", tags: { Name: `${name}-nat-${zoneLetter(i)}` } },
                { parent: this, dependsOn: [igw] },
            );
        });

        const privateTables = subnets.private.map((_, i) => {
            const table = new aws.ec2.RouteTable(
                `${name}-private-${zoneLetter(i)}`,
                { vpcId: this.vpc.id, tags: { Name: `${name}-private-${zoneLetter(i)}` } },
                { parent: this },
            );
            if (nats.length > 0) {
                egress.push(
                    new aws.ec2.Route(
                        `${name}-private-${zoneLetter(i)}-nat`,
                        { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nats[Math.min(i, nats.length - 1)].id },
                        { parent: this },
                    ),
                );
            }
            return table;
        });
        const isolatedTable = new aws.ec2.RouteTable(`${name}-isolated`, { vpcId: this.vpc.id, tags: { Name: `${name}-isolated` } }, { parent: this });

        const tables: Record<Tier, aws.ec2.RouteTable[]> = {
            public: subnets.public.map(() => publicTable),
            private: privateTables,
            isolated: subnets.isolated.map(() => isolatedTable),
        };
        for (const tier of TIERS) {
            subnets[tier].forEach((subnet, i) => {
                const association = new aws.ec2.RouteTableAssociation(
                    `${name}-${tier}-${zoneLetter(i)}`,
                    { subnetId: subnet.id, routeTableId: tables[tier][i].id },
                    { parent: this },
                );
                if (tier !== "isolated") egress.push(association);
            });
        }
        const routeTableIds = { public: [publicTable.id], private: privateTables.map((t) => t.id), isolated: [isolatedTable.id] };
        return { natGateways: nats, routeTableIds, privateEgress: egress };
    }
}

export interface VpcPeeringArgs {
    /** The VPC requesting the peering. */
    readonly requester: TieredVpc;
    /** Requester route tables that get a route to the accepter. */
    readonly requesterRouteTableIds: readonly pulumi.Output<string>[];
    /** The VPC accepting it (same account and region, so it is accepted at once). */
    readonly accepter: TieredVpc;
    /** Accepter route tables that get a route back. */
    readonly accepterRouteTableIds: readonly pulumi.Output<string>[];
}

/** A same-account peering connection with routes both ways, only from the given route tables. */
export class VpcPeering extends pulumi.ComponentResource {
    readonly connection: aws.ec2.VpcPeeringConnection;
    readonly connectionId: pulumi.Output<string>;

    constructor(name: string, args: VpcPeeringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:cjis:VpcPeering", name, {}, opts);
        this.connection = new aws.ec2.VpcPeeringConnection(
            `${name}`,
            { vpcId: args.requester.vpcId, peerVpcId: args.accepter.vpcId, autoAccept: true, tags: { Name: name } },
            { parent: this },
        );
        this.connectionId = this.connection.id;
        const route = (side: string, tableIds: readonly pulumi.Output<string>[], destination: string) =>
            tableIds.forEach((routeTableId, i) => {
                new aws.ec2.Route(
                    `${name}-${side}-${i}`,
                    { routeTableId, destinationCidrBlock: destination, vpcPeeringConnectionId: this.connection.id },
                    { parent: this },
                );
            });
        route("to-accepter", args.requesterRouteTableIds, args.accepter.cidr);
        route("to-requester", args.accepterRouteTableIds, args.requester.cidr);
        this.registerOutputs({ connectionId: this.connectionId });
    }
}
