// A deployed stack's resources, from `pulumi stack export` (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_export/):
// what the stack already owns (an existing name or singleton that is its own is no conflict) and what `pulumi up`
// would delete (resources the program no longer registers).
import { readFileSync } from "node:fs";

export interface DeployedResource {
    readonly urn: string;
    readonly type: string;
    readonly id?: string;
    readonly custom: boolean;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly inputs: Readonly<Record<string, any>>;
    readonly outputs: Readonly<Record<string, any>>;
    /** The region it lives in: its own `region` (pulumi-aws 7 records it), else its provider's, else the stack's. */
    readonly region: string;
}

interface ExportedResource {
    urn: string;
    type: string;
    id?: string;
    custom?: boolean;
    protect?: boolean;
    retainOnDelete?: boolean;
    inputs?: Record<string, any>;
    outputs?: Record<string, any>;
    provider?: string;
}

/** Parses a `pulumi stack export` document (deployment format version 3). */
export function parseStackExport(text: string, source: string, stackRegion: string): DeployedResource[] {
    let doc: any;
    try {
        doc = JSON.parse(text);
    } catch (err) {
        throw new Error(`${source} is not JSON (${(err as Error).message}); write it with pulumi stack export --file ${source}`);
    }
    const resources: ExportedResource[] | undefined = doc?.deployment?.resources;
    if (!Array.isArray(resources) && !(doc?.deployment && !("resources" in doc.deployment))) {
        throw new Error(`${source} is not a pulumi stack export: it has no deployment.resources`);
    }
    const list = resources ?? [];
    const providerRegions = new Map<string, string>();
    for (const r of list) {
        if (r.type.startsWith("pulumi:providers:aws")) {
            const region = r.outputs?.region ?? r.inputs?.region;
            if (typeof region === "string") providerRegions.set(`${r.urn}::${r.id}`, region);
        }
    }
    return list.map((r) => ({
        urn: r.urn,
        type: r.type,
        id: r.id,
        custom: r.custom === true,
        protect: r.protect === true,
        retainOnDelete: r.retainOnDelete === true,
        inputs: r.inputs ?? {},
        outputs: r.outputs ?? {},
        region: (typeof r.outputs?.region === "string" && r.outputs.region) || (r.provider && providerRegions.get(r.provider)) || stackRegion,
    }));
}

export function readStackExport(file: string, stackRegion: string): DeployedResource[] {
    return parseStackExport(readFileSync(file, "utf8"), file, stackRegion);
}
