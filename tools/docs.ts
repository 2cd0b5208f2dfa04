// Writes the configuration reference from the settings declarations: each scenario page's configuration table
// (scenarios/<key>/README.md), the README's global keys table and Pulumi.yaml's `config` block. The declarations
// are the one place a setting is described; these are copies a test keeps in step.
// Usage: npm run docs   (npm run docs -- --check: exit 1 naming every stale file, writing nothing)
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { globalSettings, PROJECT } from "../components/settings";
import { SCENARIOS } from "../scenarios";
import { defineCommand, Io, main } from "./cli";

export const ROOT = path.resolve(__dirname, "..");
/** The test stack that turns every scenario on. */
export const ALL_STACK = "tests/stacks/Pulumi.all.yaml";

/** The part of a JSON Schema the tables read (zod's `toJSONSchema` output, with the declarations' metadata). */
interface JsonSchema {
    readonly type?: string | readonly string[];
    readonly description?: string;
    readonly whenUnset?: string;
    readonly allowed?: string;
    readonly default?: unknown;
    readonly enum?: readonly unknown[];
    readonly const?: unknown;
    readonly minimum?: number;
    readonly maximum?: number;
    readonly exclusiveMinimum?: number;
    readonly exclusiveMaximum?: number;
    readonly minItems?: number;
    readonly maxItems?: number;
    readonly minLength?: number;
    readonly maxLength?: number;
    readonly format?: string;
    readonly items?: JsonSchema;
    readonly properties?: Readonly<Record<string, JsonSchema>>;
    readonly additionalProperties?: JsonSchema | boolean;
    readonly anyOf?: readonly JsonSchema[];
    readonly oneOf?: readonly JsonSchema[];
    readonly required?: readonly string[];
}

/** One row of a configuration table. */
export interface ConfigRow {
    readonly key: string;
    readonly type: string;
    readonly default: string;
    readonly allowed: string;
    readonly description: string;
}

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
    // Input side: what a stack file may write. Refinements and transforms have no JSON form; their rules live in
    // the description or `allowed`.
    return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

function typeOf(s: JsonSchema): string {
    const options = s.anyOf ?? s.oneOf;
    if (options) return [...new Set(options.map(typeOf))].join(" or ");
    if (s.const !== undefined) return typeof s.const;
    const type = Array.isArray(s.type) ? s.type.join(" or ") : (s.type as string | undefined);
    if (type === "array") return `list of ${s.items ? typeOf(s.items) : "values"}`;
    if (type === "object" && !s.properties && typeof s.additionalProperties === "object") return `map of ${typeOf(s.additionalProperties)}`;
    if (type === "object") return "object";
    return type ?? "any";
}

function range(min: number | undefined, max: number | undefined, exclusiveMin?: number, exclusiveMax?: number): string {
    const low = min !== undefined ? `${min}` : exclusiveMin !== undefined ? `above ${exclusiveMin}` : undefined;
    const high = max !== undefined ? `${max}` : exclusiveMax !== undefined ? `below ${exclusiveMax}` : undefined;
    if (low !== undefined && high !== undefined) return min !== undefined && max !== undefined ? `${low} to ${high}` : `${low}, ${high}`;
    if (low !== undefined) return min !== undefined ? `at least ${low}` : low;
    if (high !== undefined) return max !== undefined ? `at most ${high}` : high;
    return "";
}

function allowedOf(s: JsonSchema): string {
    if (s.allowed) return s.allowed;
    const options = s.anyOf ?? s.oneOf;
    if (options) return options.map(allowedOf).filter(Boolean).join("; ");
    if (s.enum) return s.enum.map((v) => code(String(v))).join(", ");
    if (s.const !== undefined) return code(String(s.const));
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    if (type === "array") {
        const items = range(s.minItems, s.maxItems).replace(/^(at least|at most) 1$/, "$1 one");
        const each = s.items ? allowedOf(s.items) : "";
        return [items && `${items} ${/ one$/.test(items) ? "item" : "items"}`, each && `each ${each}`].filter(Boolean).join(", ");
    }
    if (type === "integer" || type === "number") return range(s.minimum, s.maximum, s.exclusiveMinimum, s.exclusiveMaximum);
    if (type === "string") {
        if (s.format === "email") return "an email address";
        if (s.minLength === 1 && s.maxLength === undefined) return "not empty";
        const length = range(s.minLength, s.maxLength);
        return length && `${length} characters`;
    }
    return "";
}

function defaultOf(s: JsonSchema, required: boolean): string {
    if (s.whenUnset !== undefined) {
        if (/^"[^"]*"$/.test(s.whenUnset)) return code(s.whenUnset.slice(1, -1));
        return /^(-?\d+(\.\d+)?|true|false)$/.test(s.whenUnset) ? code(s.whenUnset) : s.whenUnset;
    }
    if (s.default === undefined) return required ? "required" : "none";
    if (typeof s.default === "string") return s.default === "" ? '`""` (none)' : code(s.default);
    return code(JSON.stringify(s.default));
}

const isObject = (s: JsonSchema) => s.type === "object" && s.properties !== undefined;

/** The rows of one schema's keys, nested objects as `parent.child`, lists of objects as `list[].child`. */
export function configRows(schema: z.ZodType, skip: readonly string[] = []): ConfigRow[] {
    const rows: ConfigRow[] = [];
    const walk = (s: JsonSchema, prefix: string, note: string) => {
        for (const [key, prop] of Object.entries(s.properties ?? {})) {
            if (prefix === "" && skip.includes(key)) continue;
            const name = `${prefix}${key}`;
            const options = (prop.oneOf ?? prop.anyOf ?? []).filter(isObject);
            const element = prop.type === "array" && prop.items && isObject(prop.items) ? prop.items : undefined;
            const nested = isObject(prop);
            rows.push({
                key: name,
                type: typeOf(prop),
                // A nested object's default is its keys' defaults, listed below it.
                default: nested && prop.whenUnset === undefined ? "see below" : defaultOf(prop, (s.required ?? []).includes(key)),
                allowed: options.length > 0 || nested || element ? "" : allowedOf(prop),
                description: `${note}${prop.description ?? ""}`,
            });
            if (nested) walk(prop, `${name}.`, "");
            if (element) walk(element, `${name}[].`, "");
            for (const option of options) {
                // A discriminated union: each option's keys, said to apply under its discriminator's value.
                const [tag, value] = Object.entries(option.properties ?? {}).find(([, p]) => p.const !== undefined) ?? [];
                walk(option, `${name}.`, tag ? `With \`${tag}: ${String(value?.const)}\`: ` : "");
            }
        }
    };
    walk(jsonSchemaOf(schema), "", "");
    // A union's discriminator appears once per option: keep its first row, listing every value.
    const seen = new Map<string, ConfigRow>();
    for (const row of rows) {
        const first = seen.get(row.key);
        if (!first) seen.set(row.key, row);
        else if (row.allowed && !first.allowed.includes(row.allowed)) seen.set(row.key, { ...first, allowed: `${first.allowed}, ${row.allowed}`, description: first.description.replace(/^With `[^`]*`: /, "") });
    }
    return [...seen.values()];
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderTable(rows: readonly ConfigRow[]): string {
    const lines = ["| Key | Type | Default | Allowed | Description |", "|-----|------|---------|---------|-------------|"];
    for (const r of rows) lines.push(`| ${code(r.key)} | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.allowed)} | ${cell(r.description)} |`);
    return lines.join("\n");
}

const OPENING = (source: string) => `<!-- generated by npm run docs from ${source}:`;
const BEGIN = (source: string, what = "the declaration") => `${OPENING(source)} edit ${what} there, not this table -->`;
const END = "<!-- end of generated table -->";

/** The page with its generated block from `source` (between the markers) replaced, or inserted where `fallback` says. */
function withBlock(page: string, source: string, block: string, fallback: (page: string, block: string) => string, what?: string): string {
    const text = `${BEGIN(source, what)}\n${block}\n${END}`;
    const start = page.indexOf(OPENING(source));
    if (start >= 0) {
        const end = page.indexOf(END, start);
        if (end < 0) throw new Error(`a generated block opens at offset ${start} but never closes with ${END}`);
        return page.slice(0, start) + text + page.slice(end + END.length);
    }
    return fallback(page, text);
}

/**
 * Replaces the first Markdown table in the section under `heading` (the hand-written table the generated one
 * supersedes), or puts the block right under the heading when the section has none (a new page).
 */
function replaceFirstTableAfter(heading: RegExp): (page: string, block: string) => string {
    return (page, block) => {
        const at = page.search(heading);
        if (at < 0) throw new Error(`no heading ${heading} to put the table under`);
        const lines = page.slice(at).split("\n");
        const nextHeading = lines.findIndex((l, i) => i > 0 && /^#{1,6} /.test(l));
        const first = lines.findIndex((l, i) => l.startsWith("|") && (nextHeading < 0 || i < nextHeading));
        if (first < 0) return page.slice(0, at) + [lines[0], "", block, ...lines.slice(1)].join("\n");
        let last = first;
        while (last + 1 < lines.length && lines[last + 1].startsWith("|")) last++;
        return page.slice(0, at) + [...lines.slice(0, first), block, ...lines.slice(last + 1)].join("\n");
    };
}

/**
 * Rows of the README's scenario table that no registry entry builds: a reference architecture realised inside
 * another scenario or by the policy pack. Each goes before the first registry row of the same or a higher number.
 */
const ROWS_WITHOUT_ENTRY: readonly { readonly number: number; readonly row: string }[] = [
    {
        number: 7,
        row: "| 7 | FedRAMP Moderate authorised-services report | policy config | `policy/rules.ts` (`fedramp-authorised-services`) | [policy](docs/policy.md#scenario-7-fedramp-moderate-authorised-services-report) |",
    },
    {
        number: 9,
        row: "| 9 | RDS IAM auth | `compliantWebApp.database` | `scenarios/compliantWebApp/database.ts` | [compliantWebApp](scenarios/compliantWebApp/README.md#iam-database-authentication-scenario-9) |",
    },
];

/** The README's scenario table: one row per registry entry, in the registry's order. */
export function renderScenarioTable(): string {
    const lines = ["| # | Scenario | Config section | Folder | Page |", "|---|----------|----------------|-----------|------|"];
    const pending = [...ROWS_WITHOUT_ENTRY];
    for (const s of SCENARIOS) {
        while (pending.length > 0 && pending[0].number <= s.readme.number) lines.push(pending.shift()!.row);
        const folder = `scenarios/${s.key}/`;
        lines.push(`| ${s.readme.number} | ${cell(s.readme.title)} | ${code(s.key)} | [${code(folder)}](${folder}) | [${s.key}](${folder}README.md) |`);
    }
    lines.push(...pending.map((p) => p.row));
    return lines.join("\n");
}

/** The README's scenario table is the block under this heading. */
const SCENARIO_TABLE_SOURCE = "scenarios/<key>/component.ts";

/**
 * The stack the offline tests build whole (every scenario on): the committed file with a section for each registry
 * entry it lacks, taken from the scenario's example stack file (its placeholders are warnings offline) or, without
 * one, `enabled: true`; a section that is off is turned on.
 */
export function allStackYaml(text: string, root = ROOT): string {
    const doc = parseDocument(text);
    let changed = false;
    for (const s of SCENARIOS) {
        const key = `${PROJECT}:${s.key}`;
        if (doc.getIn(["config", key, "enabled"]) === true) continue;
        changed = true;
        if (doc.getIn(["config", key], true) !== undefined) {
            doc.setIn(["config", key, "enabled"], true);
            continue;
        }
        const example = path.join(root, "scenarios", s.key, "example.yaml");
        const fromExample = existsSync(example) ? parseDocument(readFileSync(example, "utf8")).getIn(["config", key], true) : undefined;
        doc.setIn(["config", key], fromExample ?? doc.createNode({ enabled: true }));
        doc.setIn(["config", key, "enabled"], true);
    }
    return changed ? doc.toString({ lineWidth: 0, flowCollectionPadding: false }) : text;
}

/** A scenario page shows its architecture diagram (the diagrams entry of npm run generate draws it) under its title. */
function withDiagram(page: string, key: string): string {
    if (page.includes("](architecture.svg)")) return page;
    const title = /^# .*$/m.exec(page);
    if (!title) throw new Error(`scenarios/${key}/README.md has no title (a line starting with "# ")`);
    const at = title.index + title[0].length;
    const image = `![Architecture of ${key}, drawn by npm run docs from example.yaml: nodes are its resources, edges the verified requests and traffic between them](architecture.svg)`;
    return `${page.slice(0, at)}\n\n${image}${page.slice(at)}`;
}

/** Every generated file's expected content, by path relative to the repository. */
export function generatedFiles(root = ROOT): Map<string, string> {
    const files = new Map<string, string>();
    for (const scenario of SCENARIOS) {
        const rel = `scenarios/${scenario.key}/README.md`;
        const page = readFileSync(path.join(root, rel), "utf8");
        files.set(rel, withBlock(withDiagram(page, scenario.key), "settings.ts", renderTable(configRows(scenario.declaration)), replaceFirstTableAfter(/^## Configuration$/m)));
    }
    const readme = withBlock(readFileSync(path.join(root, "README.md"), "utf8"), SCENARIO_TABLE_SOURCE, renderScenarioTable(), replaceFirstTableAfter(/^## Scenarios$/m), "its defineScenario entry");
    const globals = configRows(globalSettings, ["region"]);
    const region = jsonSchemaOf(globalSettings).properties?.region;
    const regionRow: ConfigRow = { key: "aws:region", type: "string", default: "none (required)", allowed: "", description: region?.description ?? "" };
    files.set("README.md", withBlock(readme, "components/settings.ts", renderTable([regionRow, ...globals]), replaceFirstTableAfter(/^### Global keys/m)));
    files.set("Pulumi.yaml", pulumiYaml(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")));
    files.set(ALL_STACK, allStackYaml(readFileSync(path.join(root, ALL_STACK), "utf8"), root));
    return files;
}

/** The config type the Pulumi CLI knows a key by: a union of strings (e.g. empty or an email address) is a string. */
function pulumiType(s: JsonSchema): string | undefined {
    const options = s.anyOf ?? s.oneOf;
    if (options) {
        const types = new Set(options.map(pulumiType));
        return types.size === 1 ? [...types][0] : undefined;
    }
    if (s.const !== undefined) return typeof s.const;
    return Array.isArray(s.type) ? undefined : (s.type as string | undefined);
}

/** Why the block leaves `environment` out, written above it. */
const ENVIRONMENT_NOTE =
    " `environment` (resource names and the `environment` tag) is not declared here: a declared key without a default\n" +
    " is required by the CLI, and the program defaults it to the stack's name.";

/** Pulumi.yaml with its `config` block written from the global keys' declarations: the CLI reads types and defaults from it. */
export function pulumiYaml(text: string): string {
    const doc = parseDocument(text);
    const schema = jsonSchemaOf(globalSettings);
    const config = doc.createNode(
        Object.fromEntries(
            Object.entries(schema.properties ?? {})
                .filter(([key, prop]) => key !== "region" && prop.default !== undefined)
                .map(([key, prop]) => [key, { type: pulumiType(prop), description: prop.description, default: prop.default }]),
        ),
    );
    config.commentBefore = ENVIRONMENT_NOTE;
    doc.set("config", config);
    return doc.toString({ lineWidth: 0 });
}

/** The rows of a generated table, by key: the first cell of each row between the markers. */
function tableRows(text: string): Map<string, string> {
    const rows = new Map<string, string>();
    for (let start = text.indexOf("<!-- generated by npm run docs from "); start >= 0; start = text.indexOf("<!-- generated by npm run docs from ", start + 1)) {
        const end = text.indexOf(END, start);
        if (end < 0) break;
        for (const line of text.slice(start, end).split("\n")) {
            const key = /^\| `([^`]*)`/.exec(line)?.[1] ?? /^\| \d+ \| [^|]* \| `([^`]*)`/.exec(line)?.[1];
            if (key !== undefined) rows.set(key, line);
        }
    }
    return rows;
}

/** The keys whose entries in Pulumi.yaml's `config` block differ from their declarations. */
function configDrift(committed: string, expected: string): string[] {
    const read = (text: string) => (parseDocument(text).toJS()?.config ?? {}) as Record<string, unknown>;
    const have = read(committed);
    const want = read(expected);
    return [...new Set([...Object.keys(have), ...Object.keys(want)])].filter((k) => JSON.stringify(have[k]) !== JSON.stringify(want[k]));
}

/**
 * What is stale in the committed reference: one line per file that differs from what the declarations generate,
 * naming the keys that drifted where the difference is in a table or the config block.
 */
export function staleness(root = ROOT): string[] {
    const problems: string[] = [];
    for (const [rel, expected] of generatedFiles(root)) {
        const committed = readFileSync(path.join(root, rel), "utf8");
        if (committed === expected) continue;
        let keys: string[];
        if (rel === ALL_STACK) {
            const config = (parseDocument(committed).toJS()?.config ?? {}) as Record<string, { enabled?: unknown } | undefined>;
            const off = SCENARIOS.map((sc) => sc.key).filter((k) => config[`${PROJECT}:${k}`]?.enabled !== true);
            problems.push(`${rel}: ${off.length > 0 ? `${off.map(code).join(", ")} not turned on` : "differs from what the registry generates"}; run npm run docs`);
            continue;
        }
        if (rel === "Pulumi.yaml") keys = configDrift(committed, expected);
        else {
            const have = tableRows(committed);
            const want = tableRows(expected);
            keys = [...new Set([...have.keys(), ...want.keys()])].filter((k) => have.get(k) !== want.get(k));
        }
        const what = keys.length > 0 ? `${keys.map((k) => code(k)).join(", ")} ${keys.length === 1 ? "differs" : "differ"} from the declaration` : "differs from what the declarations generate";
        problems.push(`${rel}: ${what}; run npm run docs`);
    }
    return problems;
}

export const docsCommand = defineCommand({
    invocation: "npm run docs --",
    summary: `Writes the configuration reference from the settings declarations and the registry: each scenario page's table, the README's scenario table and global keys, Pulumi.yaml's config block (${PROJECT}:<key>) and the test stack that turns every scenario on (${ALL_STACK}); and the architecture diagrams drawn from the example stacks and the dev stack.`,
    options: { check: { type: "boolean", description: "write nothing; exit 1 naming every file that is not up to date" } },
    notes: ["Exit codes: 0 up to date or written, 1 stale (with --check) or a page could not be read, 2 unusable command line."],
});

export async function runDocs(values: { readonly check?: boolean }, io: Io): Promise<number> {
    // The architecture diagrams evaluate the example stacks, so they load only when the command runs.
    const { diagramGenerator } = await import("../diagram/pages");
    if (values.check) {
        const problems = [...staleness(), ...(await diagramGenerator.check())];
        for (const p of problems) io.stderr.write(`${p}\n`);
        if (problems.length === 0) io.stdout.write("configuration reference and diagrams: up to date\n");
        return problems.length === 0 ? 0 : 1;
    }
    for (const rel of await diagramGenerator.generate()) io.stdout.write(`wrote ${rel}\n`);
    let written = 0;
    for (const [rel, text] of generatedFiles()) {
        if (readFileSync(path.join(ROOT, rel), "utf8") === text) continue;
        writeFileSync(path.join(ROOT, rel), text);
        io.stdout.write(`wrote ${rel}\n`);
        written++;
    }
    if (written === 0) io.stdout.write("configuration reference: up to date\n");
    return 0;
}

if (require.main === module) main(docsCommand, runDocs);
