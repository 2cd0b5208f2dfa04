// Where instances go: the region's default VPC and its default subnets, for scenarios that fall back to them when no
// network is given, and the Availability Zones that offer an instance type. Landing-zone accounts usually have no
// default VPC, and an AZ name maps to a different physical zone in each account, where not every type is offered
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html#az-ids): every choice
// here fails with the setting to change rather than leave AWS to refuse the launch.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Who asks and what to set instead, e.g. `{ owner: "sg-guard", setting: "securityGroupGuard.sampleGroupVpcId" }`. */
export interface DefaultNetworkRequest {
    /** Named first in the error (the component's name). */
    readonly owner: string;
    /** The setting (or settings) that avoid the default VPC, named in the error. */
    readonly setting: string;
    readonly parent: pulumi.Resource;
}

/** The instance types a placement must offer, and the setting that names them. */
export interface InstancePlacement {
    readonly instanceTypes: readonly string[];
    /**
     * `all`: the zone offers every type (instances of each type may land there); `any`: one of them is enough (an
     * Auto Scaling group that spreads over several types launches what the zone offers). @default "all"
     */
    readonly offering?: "all" | "any";
    /** The setting that names the types, named in the error, e.g. `athenaAnalytics.instanceType`. */
    readonly typeSetting: string;
}

/** A subnet filter of DescribeSubnets: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSubnets.html */
export interface SubnetFilter {
    readonly name: string;
    readonly values: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * Id of the region's default VPC. The plural lookup answers an empty list where the singular `getVpc` would fail with
 * the provider's bare "no matching EC2 VPC found", so the error can say what to set. `is-default` is a DescribeVpcs
 * filter: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcs.html
 */
export function defaultVpcId(request: DefaultNetworkRequest): pulumi.Output<string> {
    const { owner, setting, parent } = request;
    const region = aws.getRegionOutput({}, { parent }).region;
    const vpcs = aws.ec2.getVpcsOutput({ filters: [{ name: "is-default", values: ["true"] }] }, { parent });
    return pulumi.all([vpcs.ids, region]).apply(([ids, r]) => {
        if (ids.length === 0) {
            throw new Error(`${owner}: ${r} has no default VPC (landing-zone accounts usually have none); set ${setting}`);
        }
        return ids[0];
    });
}

function typesText(placement: InstancePlacement): string {
    const types = placement.instanceTypes;
    if (types.length === 1) return types[0];
    return `${placement.offering === "any" ? "any of" : "all of"} ${types.join(", ")}`;
}

/**
 * The region's Availability Zones that offer the placement's instance types, in name order, from
 * DescribeInstanceTypeOfferings by AZ (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypeOfferings.html).
 * Fails naming the type setting when no zone offers them.
 */
export function zonesOffering(placement: InstancePlacement, request: Omit<DefaultNetworkRequest, "setting">): pulumi.Output<string[]> {
    const { owner, parent } = request;
    const wanted = [...new Set(placement.instanceTypes)];
    if (wanted.length === 0) throw new Error(`${owner}: a placement needs at least one instance type`);
    const region = aws.getRegionOutput({}, { parent }).region;
    const offerings = aws.ec2.getInstanceTypeOfferingsOutput(
        { locationType: "availability-zone", filters: [{ name: "instance-type", values: wanted }] },
        { parent },
    );
    return pulumi.all([offerings.locations, offerings.instanceTypes, region]).apply(([locations, types, r]) => {
        const offered = new Map<string, Set<string>>();
        locations.forEach((zone, i) => offered.set(zone, (offered.get(zone) ?? new Set()).add(types[i])));
        const fits = (zone: Set<string>) => (placement.offering === "any" ? wanted.some((t) => zone.has(t)) : wanted.every((t) => zone.has(t)));
        const zones = [...offered].filter(([, zone]) => fits(zone)).map(([name]) => name).sort();
        if (zones.length === 0) {
            throw new Error(
                `${owner}: no Availability Zone of ${r} offers ${typesText(placement)}; set ${placement.typeSetting} to a type offered there ` +
                    `(aws ec2 describe-instance-type-offerings --location-type availability-zone --region ${r})`,
            );
        }
        return zones;
    });
}

/**
 * The subnets matching `filters` whose Availability Zone offers the placement's types, in the order of `candidates`
 * when given (so a list the program already had keeps its order and its dependencies), else sorted by id.
 * Fails naming both the network and the type settings when none fits.
 */
export function subnetsOffering(
    filters: readonly SubnetFilter[],
    placement: InstancePlacement,
    request: DefaultNetworkRequest & { readonly candidates?: pulumi.Input<pulumi.Input<string>[]>; readonly describe: string },
): pulumi.Output<string[]> {
    const { owner, setting, parent } = request;
    const zones = zonesOffering(placement, request);
    const ids = aws.ec2.getSubnetsOutput({ filters: [...filters, { name: "availability-zone", values: zones }] }, { parent }).ids;
    return pulumi.all([ids, zones, request.candidates ?? ids]).apply(([fitting, offeredZones, candidates]) => {
        const chosen = request.candidates === undefined ? [...fitting].sort() : candidates.filter((id) => fitting.includes(id));
        if (chosen.length === 0) {
            throw new Error(
                `${owner}: no subnet of ${request.describe} lies in an Availability Zone offering ${typesText(placement)} ` +
                    `(offered in ${offeredZones.join(", ")}); set ${setting}, or ${placement.typeSetting}`,
            );
        }
        return chosen;
    });
}

/**
 * A default subnet of a VPC in an Availability Zone that offers the placement's instance types (the first id in
 * sort order, so repeated runs choose the same one).
 */
export function defaultSubnetId(vpcId: pulumi.Input<string>, request: DefaultNetworkRequest, placement: InstancePlacement): pulumi.Output<string> {
    const filters = [
        { name: "vpc-id", values: [vpcId] },
        { name: "default-for-az", values: ["true"] },
    ];
    return subnetsOffering(filters, placement, { ...request, describe: "the default VPC" }).apply((ids) => ids[0]);
}

/**
 * Outbound web access for instances: HTTPS (AWS APIs, package and image registries) and HTTP (what still serves
 * over it: Windows Update, certificate revocation lists, mirrors that redirect), each to anywhere, as rules named
 * `<prefix>-443` and `<prefix>-80`. Each description says what the instances reach on that port.
 */
export function webEgress(
    prefix: string,
    args: { readonly securityGroupId: pulumi.Input<string>; readonly https: string; readonly http: string },
    opts: pulumi.CustomResourceOptions,
): aws.vpc.SecurityGroupEgressRule[] {
    return ([[443, args.https], [80, args.http]] as const).map(
        ([port, description]) =>
            new aws.vpc.SecurityGroupEgressRule(
                `${prefix}-${port}`,
                { securityGroupId: args.securityGroupId, description, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: "0.0.0.0/0" },
                opts,
            ),
    );
}
