// The rules between a Spot fleet's arguments and the shape they give it. The spotFleet declaration, the budget
// guardrail's test fleet and the SpotCapacity component apply the same rules: a stack file is refused at
// configuration time, and a program that passes other resources' outputs (which skip the declaration's rules
// between keys) is refused by the component, with the same messages.
import type { z } from "zod";

export type InterruptionBehavior = "terminate" | "stop" | "hibernate";

/** A fleet's arguments as the rules see them: the declaration's defaults applied, the optional keys as given. */
export interface FleetArgs {
    readonly interruptionBehavior: InterruptionBehavior;
    readonly instanceTypes: readonly string[];
    readonly desiredCapacity: number;
    readonly minSize?: number;
    readonly maxSize?: number;
    readonly onDemandBaseCapacity?: number;
    readonly onDemandPercentageAboveBaseCapacity?: number;
    readonly capacityRebalance?: boolean;
    readonly rootVolumeSizeGiB?: number;
    /** Only whether it is given matters here; it may be another resource's output. */
    readonly vpcId?: unknown;
    /** Only whether they are given matters here; they may be other resources' outputs. */
    readonly subnetIds?: unknown;
}

export type FleetKey = keyof FleetArgs;

/** A broken rule, reported on the argument it names. */
export interface FleetProblem {
    readonly key: FleetKey;
    readonly message: string;
}

/** What the arguments make of the fleet, with the meaning of every key left out. */
export interface FleetShape {
    /** An Auto Scaling group (terminate), or standalone persistent Spot instances (stop, hibernate). */
    readonly autoScaling: boolean;
    readonly architecture: "arm64" | "x86_64";
    readonly minSize: number;
    readonly maxSize: number;
    readonly onDemandBaseCapacity: number;
    readonly onDemandPercentageAboveBaseCapacity: number;
    readonly capacityRebalance: boolean;
    readonly rootVolumeSizeGiB: number;
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

/** Instance types whose memory is known here, for hibernation. */
export function hibernationInstanceTypes(): Record<string, number> {
    return { ...HIBERNATION_MEMORY_GIB };
}

/** `arm64` for Graviton types (a `g` among the attribute letters after the generation, e.g. t4g, c7gn), else `x86_64`. */
export function architectureOf(instanceType: string): "arm64" | "x86_64" {
    const family = instanceType.split(".")[0];
    const m = /^([a-z]+)(\d+)([a-z-]*)$/.exec(family);
    return m && m[3].includes("g") ? "arm64" : "x86_64";
}

// Stricter than the shared instance type setting: the family carries a generation, which architectureOf reads.
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+$/;

/** Keys that shape an Auto Scaling group, which only terminates interrupted Spot instances. */
const AUTO_SCALING_KEYS = ["minSize", "maxSize", "onDemandBaseCapacity", "onDemandPercentageAboveBaseCapacity", "capacityRebalance"] as const;

function largestHibernationMemory(types: readonly string[]): number {
    return Math.max(0, ...types.map((t) => HIBERNATION_MEMORY_GIB[t] ?? 0));
}

export function fleetShape(f: FleetArgs): FleetShape {
    const hibernationRoot = f.interruptionBehavior === "hibernate" ? AMI_ROOT_GIB + largestHibernationMemory(f.instanceTypes) : AMI_ROOT_GIB;
    return {
        autoScaling: f.interruptionBehavior === "terminate",
        architecture: architectureOf(f.instanceTypes[0] ?? ""),
        minSize: f.minSize ?? 0,
        maxSize: f.maxSize ?? Math.max(f.desiredCapacity, 1),
        onDemandBaseCapacity: f.onDemandBaseCapacity ?? 0,
        onDemandPercentageAboveBaseCapacity: f.onDemandPercentageAboveBaseCapacity ?? 0,
        capacityRebalance: f.capacityRebalance ?? true,
        rootVolumeSizeGiB: f.rootVolumeSizeGiB ?? hibernationRoot,
    };
}

/** Every rule the arguments break, each on the key it names (each key's own type and range are the declaration's). */
export function fleetProblems(f: FleetArgs): FleetProblem[] {
    const problems: FleetProblem[] = [];
    const add = (key: FleetKey, message: string) => problems.push({ key, message });
    const types = f.instanceTypes;
    const shape = fleetShape(f);
    for (const t of types) {
        if (!INSTANCE_TYPE.test(t)) add("instanceTypes", `entry ${JSON.stringify(t)} is not an instance type like t3.micro`);
    }
    const duplicate = types.find((t, i) => types.indexOf(t) !== i);
    if (duplicate) add("instanceTypes", `lists ${duplicate} twice`);
    if (new Set(types.map(architectureOf)).size > 1) {
        add("instanceTypes", `mix arm64 and x86_64 types (${types.join(", ")}); one launch template has one AMI`);
    }
    if (shape.autoScaling) {
        if (types.length < 2) add("instanceTypes", "needs at least two types for a mixed instances policy");
        if (shape.minSize > f.desiredCapacity || f.desiredCapacity > shape.maxSize) {
            add("desiredCapacity", `must be from minSize to maxSize (${shape.minSize} to ${shape.maxSize})`);
        }
        if (shape.onDemandBaseCapacity > shape.maxSize) add("onDemandBaseCapacity", `must be at most maxSize (${shape.maxSize})`);
    } else {
        // Auto Scaling supports only one-time Spot requests, which terminate; stop and hibernate need a
        // persistent request, so these instances are not in a group and are all Spot.
        for (const key of AUTO_SCALING_KEYS) {
            if (f[key] !== undefined) {
                add(
                    key,
                    "applies to Auto Scaling groups, which only terminate interrupted Spot instances; " +
                        `interruptionBehavior ${f.interruptionBehavior} runs standalone persistent Spot instances`,
                );
            }
        }
    }
    if (f.interruptionBehavior === "hibernate") {
        const unknown = types.filter((t) => HIBERNATION_MEMORY_GIB[t] === undefined);
        if (shape.architecture !== "x86_64") add("instanceTypes", "hibernate is supported here for x86_64 instance types only");
        else if (unknown.length > 0) {
            add(
                "instanceTypes",
                `hibernate needs instance types whose memory is known to support hibernation; ${unknown.join(", ")} ` +
                    `is not one of ${Object.keys(HIBERNATION_MEMORY_GIB).join(", ")}`,
            );
        } else {
            const memory = largestHibernationMemory(types);
            const needed = AMI_ROOT_GIB + memory;
            if (memory >= HIBERNATION_MAX_MEMORY_GIB) add("instanceTypes", `hibernation needs less than ${HIBERNATION_MAX_MEMORY_GIB} GiB of memory`);
            else if (shape.rootVolumeSizeGiB < needed) {
                add(
                    "rootVolumeSizeGiB",
                    `must be at least ${needed} for hibernate (the ${AMI_ROOT_GIB} GiB AMI plus ${memory} GiB of memory to save)`,
                );
            }
        }
    }
    if ((f.vpcId === undefined) !== (f.subnetIds === undefined)) {
        add(f.vpcId === undefined ? "vpcId" : "subnetIds", "give vpcId and subnetIds together (or neither, for the default VPC)");
    }
    return problems;
}

/**
 * Reports the fleet's problems as issues of a declaration. `keys` names the setting behind each fleet argument
 * where the two differ (a scenario that builds a fleet from settings of its own); the issue carries the fleet's
 * value, which is the setting's.
 */
export function addFleetIssues(ctx: z.RefinementCtx, f: FleetArgs, keys: Partial<Record<FleetKey, string>> = {}): void {
    for (const p of fleetProblems(f)) ctx.addIssue({ code: "custom", path: [keys[p.key] ?? p.key], input: f[p.key], message: p.message });
}

/** Throws, as a component's arguments are refused (`<name>: <key>: <message>; got <value>`), when a rule is broken. */
export function checkFleet(name: string, f: FleetArgs): void {
    const problems = fleetProblems(f);
    if (problems.length === 0) return;
    const got = (value: unknown) => (value === undefined ? "nothing" : JSON.stringify(value));
    throw new Error(`${name}: ${problems.map((p) => `${p.key}: ${p.message}; got ${got(f[p.key])}`).join("; ")}`);
}
