// The one declaration of every key of `aws-blueprints:spotFleet`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { instanceType, subnetId, userTagKey, wholeNumber } from "../../components/settings";
import { checkSpotFleetArgs, SpotFleetArgs } from "./component";

/**
 * Runs the Spot fleet's own argument checks inside a schema, so a combination the component refuses is reported
 * at configuration time under the config key it names (`keys` maps component argument names to config keys).
 */
export function checkFleet(section: string, args: SpotFleetArgs, values: Record<string, unknown>, keys: Record<string, string>, ctx: z.RefinementCtx): void {
    try {
        checkSpotFleetArgs(section, args);
    } catch (err) {
        const message = String((err as Error).message).replace(`${section}: `, "");
        const mentioned = Object.keys(keys)
            .map((arg) => ({ arg, at: message.search(new RegExp(`\\b${arg}\\b`)) }))
            .filter((m) => m.at >= 0)
            .sort((a, b) => a.at - b.at)[0];
        if (!mentioned) {
            ctx.addIssue({ code: "custom", message });
            return;
        }
        const key = keys[mentioned.arg];
        const text = message.replace(/; got [^;]*$/, "");
        const rest = mentioned.at === 0 ? text.slice(mentioned.arg.length).trimStart() : text.replace(mentioned.arg, key);
        ctx.addIssue({ code: "custom", path: [key], input: values[key], message: rest });
    }
}

export const spotFleetSettings = z
    .object({
        enabled: enabled(),
        instanceTypes: z.array(instanceType).min(1, "must name at least one instance type").default(["t3.micro", "t3a.micro", "t2.micro"]).describe("Instance types, one architecture, in order of preference."),
        desiredCapacity: wholeNumber(0, 1000).default(2).describe("Instances to run."),
        minSize: wholeNumber(0, 1000).optional().meta({ description: "Smallest size of the Auto Scaling group (terminate only).", whenUnset: "0" }),
        maxSize: wholeNumber(1, 1000).optional().meta({ description: "Largest size of the Auto Scaling group (terminate only).", whenUnset: "desiredCapacity" }),
        onDemandBaseCapacity: wholeNumber(0, 1000).optional().meta({ description: "On-Demand instances launched before any Spot instance (terminate only).", whenUnset: "0" }),
        onDemandPercentageAboveBaseCapacity: wholeNumber(0, 100).optional().meta({ description: "Percentage of On-Demand instances above the base (terminate only).", whenUnset: "0" }),
        maxPrice: z.number().gt(0.001, "must be more than 0.001 (USD per hour)").optional().meta({ description: "Highest hourly Spot price in USD.", whenUnset: "none (the Spot price, capped at On-Demand)" }),
        interruptionBehavior: z.enum(["terminate", "stop", "hibernate"]).default("terminate").describe("What EC2 does to an interrupted Spot instance; stop and hibernate run standalone persistent Spot instances."),
        rootVolumeSizeGiB: wholeNumber(8, 16384).optional().meta({ description: "Size of the encrypted root volume in GiB.", whenUnset: "8 (hibernate: 8 + the largest memory)" }),
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0").optional().meta({ description: "VPC of the instances (with subnetIds).", whenUnset: "the region's default VPC" }),
        subnetIds: z.array(subnetId).min(1, "must name at least one subnet").optional().meta({ description: "Subnets of the instances (with vpcId).", whenUnset: "the default VPC's default subnets" }),
        capacityRebalance: z.boolean().optional().meta({ description: "Replace Spot instances that get a rebalance recommendation (terminate only).", whenUnset: "true" }),
        instanceTags: z.record(userTagKey, z.string().max(256, "must be at most 256 characters")).default({}).describe("Tags for the instances and their volumes, e.g. a cost allocation tag."),
    })
    .strict()
    .superRefine((s, ctx) => {
        if (!s.enabled) return;
        const keys = Object.fromEntries(
            ["instanceTypes", "desiredCapacity", "minSize", "maxSize", "onDemandBaseCapacity", "onDemandPercentageAboveBaseCapacity", "capacityRebalance", "maxPrice", "rootVolumeSizeGiB", "interruptionBehavior"].map((k) => [k, k]),
        );
        checkFleet("spotFleet", s, s, keys, ctx);
    });

export type SpotFleetSettings = z.output<typeof spotFleetSettings>;
