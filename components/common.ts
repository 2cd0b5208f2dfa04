// What every scenario component shares: tagging, protection of stateful resources, naming.
import * as pulumi from "@pulumi/pulumi";

export const APPLICATION = "aws-blueprints";

/** Tag key prefix by which a taggable resource acknowledges a policy rule it knowingly breaks (value: the reason). */
export const ACK_TAG_PREFIX = "aws-blueprints:acknowledge:";

/** Tags acknowledging rules on a taggable resource: `{ "aws-blueprints:acknowledge:<rule>": reason }`. */
export function acknowledgeTags(acks: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(acks).map(([rule, reason]) => {
            // Tag values allow letters, digits, spaces and _ . : / = + - @ only, at most 256 characters.
            if (!/^[\p{L}\p{N}\s_.:/=+\-@]{10,256}$/u.test(reason.trim())) {
                throw new Error(
                    `acknowledgement of ${rule} needs a reason of 10-256 characters using letters, digits, spaces and _ . : / = + - @; got "${reason}"`,
                );
            }
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
    /** Email subscribed to the component's notification topics, where it has any. @default none */
    readonly notificationEmail?: string;
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

    /** Options for a stateful child: protected (and kept on delete) when the stack protects its data. */
    protected stateful(extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
        return { parent: this, ...extra, protect: this.protectStateful, retainOnDelete: this.protectStateful || undefined };
    }
}
