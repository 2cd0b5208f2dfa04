// The constraints layer: every input of every resource a stack registers, checked against what AWS accepts for that
// property before anything is created. Machine-readable constraints come from CloudFormation's resource schemas
// (schemas.ts) through the input-to-property map (mapping.ts); what AWS documents only in prose, and the rules between
// properties and between resources, are hand rules citing their page (rules.ts). Auto-named resources are checked
// with the name pulumi-aws gives them (engine/autoNames.ts).
import * as pulumi from "@pulumi/pulumi";
import type { RecordedResource } from "../../engine/mocks";
import { autoName, AutoNameRule } from "../../engine/autoNames";
import { MAPPINGS, TypeMapping } from "./mapping";
import { HAND_RULES, HandRule, StackView } from "./rules";
import { hasPath, isPlainObject, valuesAt } from "./paths";
import { SDK_ENUMS, sdkEnumSource, sdkEnumValues } from "./sdkEnums";
import {
    compilePattern,
    documentationUrl,
    isArrayNode,
    isObjectNode,
    propertiesOf,
    resolve,
    resourceSchema,
    ResourceSchema,
    SchemaNode,
    schemasVersion,
    typesOf,
} from "./schemas";

/** One value AWS would refuse. */
export interface Finding {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** The input's path, e.g. `healthCheck.timeout`, `tags.owner`, `rules[0].expiration.days`. */
    readonly path: string;
    readonly value: unknown;
    /** What AWS requires, e.g. "at most 64 characters". */
    readonly rule: string;
    /** Where the rule comes from: the CloudFormation schema property, or the AWS page a hand rule cites. */
    readonly source: string;
    /** The value is the name pulumi-aws generates, not one the program wrote. */
    readonly autoNamed?: boolean;
}

/** How an input is checked: by a constraint in AWS's schema, a hand rule, its type alone, not at all, or not sent to AWS. */
export type Coverage = "data" | "hand" | "type" | "none" | "provider";

const RANK: Record<Coverage, number> = { none: 0, provider: 1, type: 2, hand: 3, data: 4 };

/** A resource with the inputs AWS receives: the program's, plus the name the provider generates. */
export interface EffectiveResource {
    readonly resource: RecordedResource;
    readonly inputs: Record<string, unknown>;
    readonly autoNamed?: { readonly property: string; readonly rule: AutoNameRule; readonly overLimit: boolean };
}

export interface StackCheck {
    readonly findings: readonly Finding[];
    /** Type -> normalized input path -> how it is checked. */
    readonly coverage: ReadonlyMap<string, ReadonlyMap<string, Coverage>>;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Stands for an asset or archive (files the provider uploads): sent to AWS, but nothing here measures it. */
const UPLOAD = Object.freeze({ upload: true });

/** Secrets as their value, assets and archives as UPLOAD. */
function plain(value: unknown): unknown {
    if (value instanceof pulumi.asset.Asset || value instanceof pulumi.asset.Archive) return UPLOAD;
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SECRET_SIG] !== undefined && "value" in o) return plain(o.value);
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, plain(v)]).filter(([, v]) => v !== undefined));
    }
    return value;
}

export function effectiveResource(resource: RecordedResource): EffectiveResource {
    const inputs = plain(resource.inputs) as Record<string, unknown>;
    const auto = autoName(resource.type, resource.name, inputs);
    if (!auto || inputs[auto.rule.property] !== undefined) return { resource, inputs };
    return {
        resource,
        inputs: { ...inputs, [auto.rule.property]: auto.value },
        autoNamed: { property: auto.rule.property, rule: auto.rule, overLimit: auto.overLimit },
    };
}

/** A CloudFormation property, found from its type's root by a path like "Rules/[]/Status". */
interface Place {
    readonly schema: ResourceSchema;
    readonly node: SchemaNode;
    /** The property's path in the type, for messages: `AWS::S3::Bucket/LifecycleConfiguration/Rules/[]/Status`. */
    readonly where: string;
}

/** The items of a list node, or of the list among its oneOf/anyOf branches (a KeySchema is a list or an object). */
function itemsNode(schema: ResourceSchema, node: SchemaNode): SchemaNode | undefined {
    const r = resolve(schema, node);
    if (r.items) return r.items;
    for (const branch of [...(r.oneOf ?? []), ...(r.anyOf ?? [])]) {
        const items = itemsNode(schema, branch);
        if (items) return items;
    }
    return undefined;
}

function descend(place: Place, path: string): Place {
    let { node, where } = place;
    for (const part of path.split("/").filter((p) => p !== "")) {
        if (part === "[]") {
            const items = itemsNode(place.schema, node);
            if (!items) throw new Error(`${where} is not a list in the CloudFormation schema`);
            node = items;
        } else {
            const child = propertiesOf(place.schema, node)[part];
            if (!child) throw new Error(`${where} has no property ${part} in the CloudFormation schema`);
            node = child;
        }
        where = `${where}/${part}`;
    }
    return { schema: place.schema, node, where };
}

function rootOf(typeName: string): Place {
    const schema = resourceSchema(typeName);
    if (!schema) throw new Error(`no CloudFormation schema for ${typeName} in ${schemasVersion()}`);
    return { schema, node: { properties: schema.properties }, where: typeName };
}

/** Where a mapping entry points: relative to the mapping's `at`, absolute ("/X"), or in another type ("T#/X"). */
function target(mapping: TypeMapping, base: Place | undefined, to: string): Place {
    const hash = to.indexOf("#/");
    if (hash > 0) return descend(rootOf(to.slice(0, hash)), to.slice(hash + 2));
    if (!base || !mapping.cfn) throw new Error(`"${to}" needs a CloudFormation type to be relative to`);
    return to.startsWith("/") ? descend(rootOf(mapping.cfn), to.slice(1)) : descend(base, to);
}

function childByName(place: Place, key: string): Place | undefined {
    const props = propertiesOf(place.schema, place.node);
    const wanted = key.toLowerCase();
    const name =
        Object.keys(props).find((k) => k.toLowerCase() === wanted) ??
        Object.keys(props).find((k) => k.toLowerCase() === `${wanted}s` || `${k.toLowerCase()}s` === wanted);
    return name ? { schema: place.schema, node: props[name], where: `${place.where}/${name}` } : undefined;
}

/** The value schema of a map node (patternProperties / additionalProperties), with its key patterns. */
function mapOf(place: Place): { keyPatterns: string[]; value: Place } | undefined {
    const r = resolve(place.schema, place.node);
    const patterns = Object.entries(r.patternProperties ?? {});
    if (patterns.length > 0) return { keyPatterns: patterns.map(([p]) => p), value: { schema: place.schema, node: patterns[0][1], where: `${place.where}/{}` } };
    if (isPlainObject(r.additionalProperties)) return { keyPatterns: [], value: { schema: place.schema, node: r.additionalProperties as SchemaNode, where: `${place.where}/{}` } };
    return undefined;
}

/** A list of {Key, Value} (or {Name, Value}) in CloudFormation where the provider takes a map (tags, dimensions). */
function keyValueItems(place: Place): { key: Place; value: Place } | undefined {
    if (!isArrayNode(place.schema, place.node)) return undefined;
    const items = resolve(place.schema, place.node).items;
    if (!items) return undefined;
    const itemPlace = { schema: place.schema, node: items, where: `${place.where}/[]` };
    const key = childByName(itemPlace, "Key") ?? childByName(itemPlace, "Name");
    const value = childByName(itemPlace, "Value");
    return key && value ? { key, value } : undefined;
}

interface Violation {
    readonly rule: string;
}

function describeEnum(values: readonly unknown[]): string {
    const shown = values.slice(0, 12).map((v) => JSON.stringify(v)).join(", ");
    return values.length > 12 ? `${shown}, ... (${values.length} values)` : shown;
}

/** The value constraints of a leaf node that apply to this value, and which of them it breaks. */
function leafCheck(place: Place, value: unknown): { constrained: boolean; typed: boolean; violations: Violation[] } {
    const node = resolve(place.schema, place.node);
    const branches = [...(node.oneOf ?? []), ...(node.anyOf ?? [])];
    if (branches.length > 0 && node.enum === undefined && node.pattern === undefined && node.type === undefined) {
        const results = branches.map((b) => leafCheck({ ...place, node: b }, value));
        const constrained = results.some((r) => r.constrained);
        const ok = results.some((r) => r.violations.length === 0);
        return { constrained, typed: true, violations: ok ? [] : [{ rule: results.flatMap((r) => r.violations.map((v) => v.rule)).join("; or ") }] };
    }
    const violations: Violation[] = [];
    let constrained = false;
    const types = typesOf(node);
    if (node.enum) {
        constrained = true;
        if (!node.enum.some((e) => e === value || String(e) === String(value))) violations.push({ rule: `one of ${describeEnum(node.enum)}` });
    }
    if (node.const !== undefined) {
        constrained = true;
        if (node.const !== value) violations.push({ rule: `exactly ${JSON.stringify(node.const)}` });
    }
    if (typeof value === "string") {
        const length = [...value].length;
        if (node.minLength !== undefined) {
            constrained = true;
            if (length < node.minLength) violations.push({ rule: `at least ${node.minLength} characters (it has ${length})` });
        }
        if (node.maxLength !== undefined) {
            constrained = true;
            if (length > node.maxLength) violations.push({ rule: `at most ${node.maxLength} characters (it has ${length})` });
        }
        if (node.pattern !== undefined) {
            const re = compilePattern(node.pattern);
            if (re) {
                constrained = true;
                if (!re.test(value)) violations.push({ rule: `must match ${node.pattern}` });
            }
        }
        if ((types.includes("integer") || types.includes("number")) && !types.includes("string") && !/^-?\d+(\.\d+)?$/.test(value)) {
            violations.push({ rule: `a ${types.join(" or ")}` });
        }
    }
    if (typeof value === "number") {
        const checks: Array<[number | undefined, (n: number, l: number) => boolean, string]> = [
            [node.minimum, (n, l) => n >= l, "at least"],
            [node.maximum, (n, l) => n <= l, "at most"],
            [node.exclusiveMinimum, (n, l) => n > l, "more than"],
            [node.exclusiveMaximum, (n, l) => n < l, "less than"],
        ];
        for (const [limit, ok, words] of checks) {
            if (limit === undefined) continue;
            constrained = true;
            if (!ok(value, limit)) violations.push({ rule: `${words} ${limit}` });
        }
        if (types.length > 0 && types.includes("integer") && !types.includes("number") && !types.includes("string") && !Number.isInteger(value)) {
            violations.push({ rule: "an integer" });
        }
        if (types.length > 0 && !types.some((t) => t === "integer" || t === "number" || t === "string")) violations.push({ rule: `a ${types.join(" or ")}` });
    }
    if (typeof value === "boolean" && types.length > 0 && !types.includes("boolean") && !types.includes("string")) violations.push({ rule: `a ${types.join(" or ")}` });
    return { constrained, typed: types.length > 0, violations };
}

interface WalkState {
    readonly effective: EffectiveResource;
    readonly mapping: TypeMapping;
    readonly findings: Finding[];
    readonly coverage: Map<string, Coverage>;
}

function note(state: WalkState, normalized: string, coverage: Coverage): void {
    const before = state.coverage.get(normalized);
    if (before === undefined || RANK[coverage] > RANK[before]) state.coverage.set(normalized, coverage);
}

function report(state: WalkState, path: string, value: unknown, rule: string, place: Place): void {
    const { resource } = state.effective;
    const root = place.where.split("/")[0];
    const autoNamed = state.effective.autoNamed && path === state.effective.autoNamed.property;
    state.findings.push({
        urn: resource.urn,
        type: resource.type,
        name: resource.name,
        path,
        value,
        rule,
        source: `CloudFormation schema ${place.where} (${documentationUrl(root)})`,
        ...(autoNamed ? { autoNamed: true } : {}),
    });
}

function checkArray(state: WalkState, path: string, value: unknown[], place: Place): boolean {
    const node = resolve(place.schema, place.node);
    let constrained = false;
    if (node.minItems !== undefined) {
        constrained = true;
        if (value.length < node.minItems) report(state, path, value, `at least ${node.minItems} items (it has ${value.length})`, place);
    }
    if (node.maxItems !== undefined) {
        constrained = true;
        if (value.length > node.maxItems) report(state, path, value, `at most ${node.maxItems} items (it has ${value.length})`, place);
    }
    return constrained;
}

/** Walks one input value beside the CloudFormation property it becomes; undefined place: no property found. */
function walk(state: WalkState, value: unknown, path: string, normalized: string, place: Place | undefined | null, base: Place | undefined): void {
    const overrides = state.mapping.inputs ?? {};
    if (value === undefined || value === null) return;
    if (place === null) {
        note(state, normalized, "provider");
        return;
    }
    if (value === UPLOAD) {
        note(state, normalized, "none");
        return;
    }
    if (Array.isArray(value)) {
        const listConstrained = place && isArrayNode(place.schema, place.node) ? checkArray(state, path, value, place) : false;
        const itemPlace = place && isArrayNode(place.schema, place.node) ? itemsOf(place) : place;
        if (value.length === 0) note(state, `${normalized}[]`, place ? (listConstrained ? "data" : "type") : "none");
        value.forEach((item, i) => {
            const key = `${normalized}[]`;
            const override = key in overrides ? overrides[key] : undefined;
            const next = override === null ? null : override !== undefined ? target(state.mapping, base, override) : itemPlace;
            walk(state, item, `${path}[${i}]`, key, next, base);
            if (listConstrained && next) note(state, key, "data");
        });
        return;
    }
    if (place && !isPlainObject(value) && isArrayNode(place.schema, place.node) && !(typeof value === "string" && /^\s*\[/.test(value))) {
        // One value where CloudFormation takes a list of them (the provider's single-item blocks and strings).
        walk(state, value, path, normalized, itemsOf(place), base);
        return;
    }
    if (typeof value === "string" && place && isJsonNode(place) && !typesOf(resolve(place.schema, place.node)).includes("string")) {
        let parsed: unknown;
        try {
            parsed = JSON.parse(value);
        } catch {
            report(state, path, value, "a JSON document", place);
            note(state, normalized, "type");
            return;
        }
        walk(state, parsed, path, normalized, place, base);
        return;
    }
    if (isPlainObject(value)) {
        if (place) {
            const kv = keyValueItems(place);
            if (kv) {
                checkArray(state, path, Object.keys(value), place);
                for (const [k, v] of Object.entries(value)) {
                    leafInto(state, `${path}.${k}`, `${normalized}.{}`, k, kv.key, "key");
                    leafInto(state, `${path}.${k}`, `${normalized}.{}`, v, kv.value);
                }
                if (Object.keys(value).length === 0) note(state, `${normalized}.{}`, "data");
                return;
            }
            const resolved = resolve(place.schema, place.node);
            const declared = Object.keys(propertiesOf(place.schema, place.node)).length > 0;
            if (!declared && !mapOf(place) && typesOf(resolved).includes("object")) {
                // A free-form JSON object in CloudFormation (a policy document): AWS checks it as a whole.
                note(state, normalized, "type");
                return;
            }
        }
        const map = place ? mapOf(place) : undefined;
        const declared = place ? Object.keys(propertiesOf(place.schema, place.node)).length > 0 : false;
        if (Object.keys(value).length === 0) note(state, normalized, place ? "type" : "none");
        // Tags and maps the mapping marks with `.{}` are maps whatever CloudFormation makes of them.
        const asMap = (map && !declared) || `${normalized}.{}` in overrides || /(^|\.)tags$/.test(normalized);
        for (const [k, v] of Object.entries(value)) {
            const childPath = path ? `${path}.${k}` : k;
            const childNorm = asMap ? `${normalized}.{}` : normalized === "" ? k : `${normalized}.${k}`;
            if (childNorm in overrides) {
                const to = overrides[childNorm];
                walk(state, v, childPath, childNorm, to === null ? null : target(state.mapping, base, to), base);
                continue;
            }
            if (map && !declared && place) {
                if (map.keyPatterns.length > 0) {
                    const ok = map.keyPatterns.some((p) => compilePattern(p)?.test(k) ?? true);
                    if (!ok) report(state, childPath, k, `a key matching ${map.keyPatterns.join(" or ")}`, map.value);
                }
                walk(state, v, childPath, childNorm, map.value, base);
                continue;
            }
            walk(state, v, childPath, childNorm, place ? childByName(place, k) : undefined, base);
        }
        return;
    }
    leafInto(state, path, normalized, value, place ?? undefined);
}

function itemsOf(place: Place): Place | undefined {
    const items = itemsNode(place.schema, place.node);
    return items ? { schema: place.schema, node: items, where: `${place.where}/[]` } : undefined;
}

function isJsonNode(place: Place): boolean {
    return isObjectNode(place.schema, place.node) || isArrayNode(place.schema, place.node);
}

function leafInto(state: WalkState, path: string, normalized: string, value: unknown, place: Place | undefined, what?: "key"): void {
    if (!place) {
        note(state, normalized, "none");
        return;
    }
    const { constrained, typed, violations } = leafCheck(place, value);
    for (const v of violations) report(state, path, value, what === "key" ? `key ${v.rule}` : v.rule, place);
    note(state, normalized, constrained ? "data" : typed ? "type" : "none");
}

/** Checks every resource of a stack; `resources` is what one evaluation recorded. */
export function checkResources(resources: readonly RecordedResource[], rules: readonly HandRule[] = HAND_RULES): StackCheck {
    const findings: Finding[] = [];
    const coverage = new Map<string, Map<string, Coverage>>();
    const effective = resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).map(effectiveResource);
    const view = new StackView(effective);
    for (const e of effective) {
        const mapping = MAPPINGS[e.resource.type];
        const perType = coverage.get(e.resource.type) ?? new Map<string, Coverage>();
        coverage.set(e.resource.type, perType);
        if (!mapping) {
            findings.push({
                urn: e.resource.urn,
                type: e.resource.type,
                name: e.resource.name,
                path: "",
                value: undefined,
                rule: "a type without constraints: add it to checks/constraints/mapping.ts",
                source: "checks/constraints",
            });
            continue;
        }
        const base = mapping.cfn ? (mapping.at ? descend(rootOf(mapping.cfn), mapping.at) : rootOf(mapping.cfn)) : undefined;
        const state: WalkState = { effective: e, mapping, findings, coverage: perType };
        walk(state, e.inputs, "", "", base, base);
        for (const [enumPath, ref] of Object.entries(SDK_ENUMS[e.resource.type] ?? {})) {
            const values = sdkEnumValues(ref);
            for (const { path, value } of valuesAt(e.inputs, enumPath)) {
                perType.set(enumPath, "data");
                if (!values.includes(String(value))) {
                    findings.push({
                        urn: e.resource.urn,
                        type: e.resource.type,
                        name: e.resource.name,
                        path,
                        value,
                        rule: `one of ${describeEnum(values)}`,
                        source: sdkEnumSource(ref),
                    });
                }
            }
        }
        if (e.autoNamed?.overLimit) {
            const { property, rule } = e.autoNamed;
            findings.push({
                urn: e.resource.urn,
                type: e.resource.type,
                name: e.resource.name,
                path: property,
                value: e.inputs[property],
                rule: `pulumi-aws auto-names it "${e.resource.name}${rule.separator}" plus ${rule.randomLength} random characters, longer than its maximum of ${rule.maxLength}: the preview fails`,
                source: "pulumi-aws provider/resources.go (tfbridge AutoName) and pulumi-terraform-bridge ComputeAutoNameDefault",
                autoNamed: true,
            });
        }
    }
    for (const rule of rules) {
        for (const e of effective) {
            if (rule.types !== "*" && !rule.types.includes(e.resource.type)) continue;
            const perType = coverage.get(e.resource.type)!;
            for (const p of rule.paths) {
                if (!hasPath(e.inputs, p)) continue;
                const before = perType.get(p);
                if (before === undefined || RANK["hand"] > RANK[before]) perType.set(p, "hand");
            }
            for (const v of rule.check(e, view)) {
                findings.push({
                    urn: e.resource.urn,
                    type: e.resource.type,
                    name: e.resource.name,
                    path: v.path,
                    value: v.value,
                    rule: v.rule ?? rule.rule,
                    source: rule.source,
                    ...(e.autoNamed && v.path === e.autoNamed.property ? { autoNamed: true } : {}),
                });
            }
        }
    }
    return { findings, coverage };
}


