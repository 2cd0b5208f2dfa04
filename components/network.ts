// The region's default VPC and its default subnets, for scenarios that fall back to them when no network is given.
// Landing-zone accounts usually have no default VPC, so a missing one fails with the setting to give instead.
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

/** A default subnet of a VPC (the first id in sort order, so repeated runs choose the same one). */
export function defaultSubnetId(vpcId: pulumi.Input<string>, request: DefaultNetworkRequest): pulumi.Output<string> {
    const { owner, setting, parent } = request;
    return aws.ec2
        .getSubnetsOutput({ filters: [{ name: "vpc-id", values: [vpcId] }, { name: "default-for-az", values: ["true"] }] }, { parent })
        .ids.apply((ids) => {
            if (ids.length === 0) throw new Error(`${owner}: the default VPC has no default subnet; set ${setting}`);
            return [...ids].sort()[0];
        });
}
