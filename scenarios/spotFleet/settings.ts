// The one declaration of every key of `aws-blueprints:spotFleet`: type, range, default and description.
import { z } from "zod";
import { enabled } from "../../components/scenario";
import { instanceType, subnetId, userTagKey, wholeNumber } from "../../components/settings";
import { addFleetIssues } from "./fleetRules";

export const spotFleetSettings = z
    .object({
        enabled: enabled(),
        instanceTypes: z
            .array(instanceType)
            .min(1, "must name at least one instance type")
            .default(["t3.micro", "t3a.micro", "t2.micro"])
            .describe(
                "Instance types, all of one architecture, in order of preference. The Auto Scaling group (`terminate`) spreads over all of them and needs at least two; `stop` and `hibernate` instances take them in turn.",
            ),
        desiredCapacity: wholeNumber(0, 1000).default(2).describe("Instances to run."),
        minSize: wholeNumber(0, 1000).optional().meta({ description: "Smallest size of the Auto Scaling group (`terminate` only).", whenUnset: "0" }),
        maxSize: wholeNumber(1, 1000).optional().meta({ description: "Largest size of the Auto Scaling group (`terminate` only).", whenUnset: "desiredCapacity (at least 1)" }),
        onDemandBaseCapacity: wholeNumber(0, 1000)
            .optional()
            .meta({ description: "On-Demand instances launched before any Spot instance, at most maxSize (`terminate` only).", whenUnset: "0" }),
        onDemandPercentageAboveBaseCapacity: wholeNumber(0, 100)
            .optional()
            .meta({ description: "Percentage of On-Demand instances above the base (`terminate` only).", whenUnset: "0 (all Spot)" }),
        maxPrice: z
            .number()
            .gt(0.001, "must be more than 0.001 (USD per hour)")
            .optional()
            .meta({
                description: "Highest hourly Spot price in USD. AWS advises against setting one: it brings more interruptions.",
                whenUnset: "none (the Spot price, at most On-Demand)",
            }),
        interruptionBehavior: z
            .enum(["terminate", "stop", "hibernate"])
            .default("terminate")
            .describe("What EC2 does to an interrupted Spot instance. `terminate` runs an Auto Scaling group; `stop` and `hibernate` run standalone persistent Spot instances, restarted or resumed in place when capacity returns."),
        rootVolumeSizeGiB: wholeNumber(8, 16384)
            .optional()
            .meta({
                description: "Size of the encrypted gp3 root volume in GiB; for `hibernate` it must hold the AMI (8 GiB) plus the largest instance type's memory.",
                whenUnset: "8 (hibernate: 8 + the largest memory)",
            }),
        vpcId: z
            .string()
            .regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0")
            .optional()
            .meta({ description: "VPC of the instances; give it with subnetIds.", whenUnset: "the region's default VPC" }),
        subnetIds: z
            .array(subnetId)
            .min(1, "must name at least one subnet")
            .optional()
            .meta({ description: "Subnets of the instances; give them with vpcId.", whenUnset: "the default VPC's default subnets" }),
        capacityRebalance: z
            .boolean()
            .optional()
            .meta({ description: "Launch a replacement when a Spot instance gets a rebalance recommendation (`terminate` only).", whenUnset: "true" }),
        instanceTags: z
            .record(userTagKey, z.string().max(256, "must be at most 256 characters"), {
                error: (issue) => (issue.code === "invalid_key" ? "is not a tag key of your own (1-128 characters, not starting with aws:)" : undefined),
            })
            .default({})
            .describe("Tags for the instances and their volumes only, e.g. a cost allocation tag (`{ Project: Beta }`)."),
    })
    .strict()
    .superRefine((s, ctx) => {
        if (s.enabled) addFleetIssues(ctx, s);
    });

export type SpotFleetSettings = z.output<typeof spotFleetSettings>;
