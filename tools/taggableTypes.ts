// Lists the @pulumi/aws resource types that take a `tags` input, for the policy pack's tagging rule.
// A policy sees only the inputs a program sets, so it cannot tell an untagged taggable resource from an
// untaggable one; this list, generated from the installed provider SDK, tells it.
// Usage: npm run policy:taggable   (rewrites policy/taggable-types.json; npm run policy:taggable -- --help)
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { defineCommand, Io, main } from "./cli";

export const TAGGABLE_FILE = path.resolve(__dirname, "..", "policy", "taggable-types.json");

function jsFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "node_modules" ? [] : jsFiles(p);
        return e.name.endsWith(".js") ? [p] : [];
    });
}

/** Type tokens of every resource class in @pulumi/aws whose constructor sets a `tags` input. */
export function taggableTypes(): string[] {
    const root = path.dirname(require.resolve("@pulumi/aws/package.json"));
    const types = new Set<string>();
    for (const file of jsFiles(root)) {
        const text = readFileSync(file, "utf8");
        if (!text.includes('resourceInputs["tags"]')) continue;
        for (const m of text.matchAll(/__pulumiType = '([^']+)'/g)) types.add(m[1]);
    }
    return [...types].sort();
}

export function renderTaggable(): string {
    const version = require("@pulumi/aws/package.json").version;
    return `${JSON.stringify({ generatedFrom: `@pulumi/aws@${version}`, types: taggableTypes() }, null, 1)}\n`;
}

export const taggableCommand = defineCommand({
    invocation: "npm run policy:taggable --",
    summary: "Rewrites policy/taggable-types.json: the @pulumi/aws resource types that take tags, read from the installed provider SDK.",
    options: {},
    notes: ["Exit codes: 0 written, 1 the SDK could not be read or the file written, 2 unusable command line."],
});

export function writeTaggable(_values: unknown, io: Io): number {
    const text = renderTaggable();
    if (existsSync(TAGGABLE_FILE) && readFileSync(TAGGABLE_FILE, "utf8") === text) return 0;
    writeFileSync(TAGGABLE_FILE, text);
    io.stdout.write(`wrote ${path.relative(process.cwd(), TAGGABLE_FILE)}\n`);
    return 0;
}

if (require.main === module) main(taggableCommand, writeTaggable);
