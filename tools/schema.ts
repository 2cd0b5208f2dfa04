// npm run schema: the Pulumi package schema (schema.json) of the scenario components, for programs in other Pulumi
// languages (`pulumi package add`). Generated from the same declarations as everything else: each component's
// inputs are its scenario's settings (zod: type, default, description, required keys), its token is the one its
// class registers, and its outputs are the stack outputs its registry entry picks, typed by their values in the test
// stack `all` (every scenario on). `npm run schema -- --check` (and npm test) name every key that is stale.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { ROOT, runStack } from "../engine/evaluate";
import { PACKAGE_MANIFEST, PACKAGE_NAME } from "../components/packaging";
import { blueprintArgsDeclaration } from "../components/settings";
import { SCENARIOS } from "../scenarios";
import { defineCommand, Io, main, Values, writeOrCheck } from "./cli";

export const SCHEMA_FILE = path.join(ROOT, "schema.json");

type Json = Record<string, unknown>;

/** Pulumi schema types of a JSON Schema (as zod writes it), with named object types added to `types`. */
function propertyOf(json: Json, typeName: string, types: Record<string, Json>): Json {
    const described = (p: Json): Json => ({
        ...p,
        ...(typeof json.description === "string" ? { description: json.description } : {}),
        ...(json.default !== undefined && ["string", "number", "integer", "boolean"].includes(String(p.type)) ? { default: json.default } : {}),
    });
    const variants = (json.anyOf ?? json.oneOf) as Json[] | undefined;
    if (variants) {
        const own = variants.filter((v) => v.type !== "null");
        if (own.length === 1) return described(propertyOf({ ...own[0], description: json.description, default: json.default }, typeName, types));
        if (own.every((v) => v.type === "string")) return described({ type: "string" });
        return described({ oneOf: own.map((v, i) => propertyOf(v, `${typeName}${i + 1}`, types)) });
    }
    if (json.type === "array") return described({ type: "array", items: propertyOf((json.items as Json) ?? {}, `${typeName}Item`, types) });
    if (json.type === "object") {
        const properties = json.properties as Record<string, Json> | undefined;
        if (!properties) return described({ type: "object", additionalProperties: propertyOf((json.additionalProperties as Json) ?? { type: "string" }, `${typeName}Value`, types) });
        const token = `${PACKAGE_NAME}:index:${typeName}`;
        types[token] = {
            type: "object",
            properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, propertyOf(v, `${typeName}${k[0].toUpperCase()}${k.slice(1)}`, types)])),
            required: ((json.required as string[]) ?? []).filter((k) => (properties[k] as Json).default === undefined).sort(),
        };
        return described({ $ref: `#/types/${token}` });
    }
    if (json.type === "string" || json.type === "boolean" || json.type === "number" || json.type === "integer") {
        const values = json.enum as unknown[] | undefined;
        const allowed = values ? ` One of: ${values.map((v) => JSON.stringify(v)).join(", ")}.` : "";
        return { ...described({ type: json.type }), ...(allowed ? { description: `${json.description ?? ""}${allowed}`.trim() } : {}) };
    }
    if (json.const !== undefined) return described({ type: typeof json.const === "number" ? "number" : typeof json.const });
    return described({ $ref: "pulumi.json#/Any" });
}

/** The Pulumi schema type of a resolved stack output. */
function outputType(value: unknown): Json {
    if (Array.isArray(value)) return { type: "array", items: value.length > 0 ? outputType(value[0]) : { type: "string" } };
    if (typeof value === "number") return { type: Number.isInteger(value) ? "integer" : "number" };
    if (typeof value === "boolean") return { type: "boolean" };
    if (value !== null && typeof value === "object") return { type: "object", additionalProperties: { $ref: "pulumi.json#/Any" } };
    return { type: "string" };
}

/** The class, token and picked outputs of a scenario, read from its component file (the class, then its registry entry). */
function componentOf(key: string): { className: string; token: string; outputs: string[] } {
    const source = readFileSync(path.join(ROOT, "scenarios", key, "component.ts"), "utf8");
    const declared = /export class (\w+) extends Blueprint \{[\s\S]*?super\("([^"]+)"/.exec(source);
    if (!declared) throw new Error(`scenarios/${key}/component.ts: no Blueprint class registering a type token`);
    // The registry entry closes the component's file.
    const entry = source.slice(source.indexOf("defineScenario("));
    const picked = /pick\(\w+, \[([^\]]*)\]\)/.exec(entry);
    const outputs = picked ? [...picked[1].matchAll(/"(\w+)"/g)].map((m) => m[1]) : [];
    return { className: declared[1], token: declared[2], outputs };
}

/** The schema, as committed: keys in a stable order, two-space indent, final newline. */
export async function generateSchema(): Promise<string> {
    const all = (await runStack("all")).exports as Record<string, Record<string, unknown> | undefined>;
    const resources: Record<string, Json> = {};
    const types: Record<string, Json> = {};
    for (const scenario of SCENARIOS) {
        const { className, token, outputs } = componentOf(scenario.key);
        const shape = (scenario.declaration.shape as Record<string, z.ZodType>);
        const inputs = z.object({ ...blueprintArgsDeclaration.shape, ...Object.fromEntries(Object.entries(shape).filter(([k]) => k !== "enabled")) });
        const json = z.toJSONSchema(inputs, { io: "input", unrepresentable: "any" }) as Json;
        const properties = json.properties as Record<string, Json>;
        const exported = all[scenario.key] ?? {};
        resources[token] = {
            isComponent: true,
            description: `${className}: the \`${scenario.key}\` blueprint. Its inputs are the \`aws-blueprints:${scenario.key}\` settings of a stack file, with the same defaults and checks, and the arguments every component takes (tags, protect, logRetentionDays, notificationEmail).`,
            inputProperties: Object.fromEntries(Object.keys(properties).map((k) => [k, propertyOf(properties[k], `${className}${k[0].toUpperCase()}${k.slice(1)}`, types)])),
            requiredInputs: ((json.required as string[]) ?? []).filter((k) => properties[k].default === undefined).sort(),
            properties: Object.fromEntries(outputs.map((k) => [k, outputType(exported[k])])),
            required: outputs.filter((k) => exported[k] !== undefined).sort(),
        };
    }
    const schema = {
        name: PACKAGE_NAME,
        displayName: "AWS blueprints",
        version: PACKAGE_MANIFEST.version,
        description: "Classic AWS CloudFormation reference architectures as tested, least-privilege Pulumi components.",
        license: "Apache-2.0",
        language: { nodejs: { packageName: PACKAGE_NAME }, python: { packageName: "aws_blueprints" } },
        resources,
        types,
    };
    return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Paths (`resources.<token>.inputProperties.<key>`) where two schemas differ. */
export function schemaDifferences(committed: unknown, current: unknown, at = ""): string[] {
    if (JSON.stringify(committed) === JSON.stringify(current)) return [];
    const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
    if (!isObject(committed) || !isObject(current) || at.split(".").length > 4) return [at || "(the whole schema)"];
    return [...new Set([...Object.keys(committed), ...Object.keys(current)])].flatMap((k) => schemaDifferences(committed[k], current[k], at ? `${at}.${k}` : k));
}

/** A generator of the shared shape: its files, what it writes, and what is stale. */
export const schemaGenerator = {
    name: "schema",
    files: [SCHEMA_FILE],
    async generate(): Promise<void> {
        writeFileSync(SCHEMA_FILE, await generateSchema());
    },
    async check(): Promise<string[]> {
        const committed = JSON.parse(readFileSync(SCHEMA_FILE, "utf8"));
        return schemaDifferences(committed, JSON.parse(await generateSchema())).map((p) => `schema.json: ${p} is stale; run npm run schema`);
    },
};

export const schemaCommand = defineCommand({
    invocation: "npm run schema --",
    summary: "Write schema.json, the Pulumi package schema of the scenario components, from the settings declarations.",
    options: { check: { type: "boolean", description: "write nothing; exit 1 naming every stale key" } },
    notes: ["Exit codes: 0 written or up to date, 1 stale (with --check) or a program error, 2 unusable command line."],
});

export async function schema(values: Values<typeof schemaCommand.options>, io: Io): Promise<number> {
    return writeOrCheck(schemaGenerator, values.check, io, ROOT);
}

if (require.main === module) main(schemaCommand, schema);
