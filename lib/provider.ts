// The package as a Pulumi component provider, for programs in other Pulumi languages (`pulumi package add`). It serves
// the committed schema.json, generated from the settings declarations (npm run schema), and constructs the same
// classes a TypeScript program uses, under their own type tokens. Pulumi's schema inference (componentProviderHost)
// is not used: it accepts only `<package>:index:<Class>` tokens, which would change every URN, and it reads
// interfaces, not the zod declarations the components' arguments come from.
import * as pulumi from "@pulumi/pulumi";
import * as provider from "@pulumi/pulumi/provider";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PACKAGE_MANIFEST, PACKAGE_ROOT } from "../components/packaging";
import { COMPONENT_TYPES } from "./componentTypes";

interface ComponentSchema {
    readonly properties: Readonly<Record<string, unknown>>;
}

export const SCHEMA_PATH = path.join(PACKAGE_ROOT, "schema.json");

export class BlueprintsProvider implements provider.Provider {
    readonly version = PACKAGE_MANIFEST.version;
    private readonly schemaText = readFileSync(SCHEMA_PATH, "utf8");
    private readonly resources = (JSON.parse(this.schemaText) as { resources: Record<string, ComponentSchema> }).resources;

    async getSchema(): Promise<string> {
        return this.schemaText;
    }

    async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<provider.ConstructResult> {
        const Component = COMPONENT_TYPES[type];
        const schema = this.resources[type];
        if (!Component || !schema) throw new Error(`unknown resource type ${type}; this provider constructs ${Object.keys(COMPONENT_TYPES).join(", ")}`);
        const component = new Component(name, inputs, options) as pulumi.ComponentResource & Record<string, unknown>;
        const state = Object.fromEntries(Object.keys(schema.properties).map((key) => [key, component[key]]));
        return { urn: component.urn, state };
    }
}

/** Starts the provider: what `pulumi package add` and a program using the package run (see lib/plugin.js). */
export function serve(args: readonly string[]): Promise<void> {
    return provider.main(new BlueprintsProvider(), [...args]);
}
