// What every scenario component shares: tagging, protection of stateful resources, naming.
import * as pulumi from "@pulumi/pulumi";

export const APPLICATION = "aws-blueprints";

/** Tag key prefix by which a taggable resource acknowledges a policy rule it knowingly breaks (value: the reason). */
export const ACK_TAG_PREFIX = "aws-blueprints:acknowledge:";

/** A policy rule a component's child knowingly breaks, with the reason (at least 10 characters). */
export interface Acknowledgement {
    /** Logical name of the child resource. */
    readonly resource: string;
    /** Name of the policy rule. */
    readonly rule: string;
    /** Why the finding is accepted. */
    readonly reason: string;
}

/** Tags acknowledging rules on a taggable resource: `{ "aws-blueprints:acknowledge:<rule>": reason }`. */
export function acknowledgeTags(acks: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(acks).map(([rule, reason]) => {
            if (reason.trim().length < 10) throw new Error(`acknowledgement of ${rule} needs a reason of at least 10 characters`);
            return [`${ACK_TAG_PREFIX}${rule}`, reason];
        }),
    );
}

/** Arguments every scenario component accepts besides its own. */
export interface BlueprintArgs {
    /** Tags merged into every taggable resource the component creates. @default { application: "aws-blueprints" } */
    readonly tags?: Readonly<Record<string, string>>;
    /** Protect stateful resources (log groups, buckets, keys, tables, databases) from deletion. @default false */
    readonly protect?: boolean;
    /** Retention of the component's log groups, in days. @default 30 */
    readonly logRetentionDays?: number;
}

/**
 * A transformation that merges `tags` into every child resource whose type has a `tags` map input.
 * Resource constructors set every declared input key (undefined when not given), so `"tags" in props`
 * tells exactly which types are taggable. Auto Scaling groups take a list of tag blocks and are tagged
 * by their component instead.
 */
export function tagTransformation(tags: Readonly<Record<string, string>>): pulumi.ResourceTransformation {
    return (args) => {
        if (!(args.resource instanceof pulumi.CustomResource) || !("tags" in args.props)) return undefined;
        const own = args.props.tags;
        if (Array.isArray(own)) return undefined;
        const merged =
            own === undefined
                ? { ...tags }
                : pulumi.output(own as pulumi.Input<Record<string, pulumi.Input<string>>>).apply((o) => ({ ...tags, ...o }));
        return { props: { ...args.props, tags: merged }, opts: args.opts };
    };
}

/** Base class of every scenario component: children inherit the scenario's tags. */
export abstract class Blueprint extends pulumi.ComponentResource {
    /** Tags (including `scenario`) applied to the component's taggable resources. */
    readonly tags: Readonly<Record<string, string>>;
    /** Whether stateful children are protected. */
    protected readonly protectStateful: boolean;
    /** Log retention in days for the component's log groups. */
    readonly logRetentionDays: number;
    private readonly acknowledgements: Acknowledgement[] = [];

    protected constructor(
        type: string,
        name: string,
        scenario: string,
        args: BlueprintArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        const tags = { application: APPLICATION, ...args.tags, scenario };
        super(type, name, {}, { ...opts, transformations: [tagTransformation(tags), ...(opts?.transformations ?? [])] });
        this.tags = tags;
        this.protectStateful = args.protect ?? false;
        this.logRetentionDays = args.logRetentionDays ?? 30;
    }

    /**
     * Records that a child (usually an untaggable one, such as a policy attachment) knowingly breaks a policy rule.
     * Registered with the component's outputs, where the policy pack reads it; taggable resources use
     * `acknowledgeTags` instead.
     */
    protected acknowledge(resource: string, rule: string, reason: string): void {
        if (reason.trim().length < 10) throw new Error(`acknowledgement of ${rule} on ${resource} needs a reason of at least 10 characters`);
        this.acknowledgements.push({ resource, rule, reason });
    }

    /** Registers the component's outputs together with its acknowledgements. */
    protected registerOutputs(outputs?: pulumi.Inputs | Promise<pulumi.Inputs> | pulumi.Output<pulumi.Inputs>): void {
        const acks = [...this.acknowledgements];
        super.registerOutputs(
            pulumi.output(outputs ?? {}).apply((o) => (acks.length > 0 ? { ...o, acknowledgements: acks } : o)),
        );
    }

    /** Options for a stateful child: protected (and kept on delete) when the stack protects its data. */
    protected stateful(extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
        return { parent: this, ...extra, protect: this.protectStateful, retainOnDelete: this.protectStateful || undefined };
    }
}
