// Offline preview: runs the program for a stack under the mocks and prints what `pulumi preview` would create.
// Usage: npm run preview -- --stack dev
import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { archiveFiles, runProgram, RecordedResource } from "../tests/harness";

function argValue(flag: string, fallback?: string): string | undefined {
    const i = process.argv.indexOf(flag);
    if (i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith("--")) return process.argv[i + 1];
    const eq = process.argv.find((a) => a.startsWith(`${flag}=`));
    return eq ? eq.slice(flag.length + 1) : fallback;
}

function kib(bytes: number): string {
    return `${(bytes / 1024).toFixed(1)} KiB`;
}

export interface HandlerSize {
    readonly name: string;
    /** The serialized handler (`__index.js`). */
    readonly bytes: number;
    /** Everything in the archive, bundled packages included (uncompressed). */
    readonly totalBytes: number;
    readonly files: number;
    readonly sha256: string;
}

/** Bytes of a file, or of every file below a directory (a bundled package). */
function directorySize(p: string): number {
    const stat = statSync(p);
    if (!stat.isDirectory()) return stat.size;
    return readdirSync(p).reduce((sum, entry) => sum + directorySize(path.join(p, entry)), 0);
}

/** Serialized size of every callback function's archive. */
export async function handlerSizes(resources: readonly RecordedResource[]): Promise<HandlerSize[]> {
    const sizes: HandlerSize[] = [];
    for (const fn of resources.filter((r) => r.type === "aws:lambda/function:Function" && r.inputs.code?.assets)) {
        const files = await archiveFiles(fn);
        const text = [...files.values()].map((f) => f.text ?? "").join("");
        const packaged = [...files.values()].reduce((sum, f) => sum + (f.path ? directorySize(f.path) : 0), 0);
        sizes.push({
            name: fn.name,
            bytes: Buffer.byteLength(text),
            totalBytes: Buffer.byteLength(text) + packaged,
            files: files.size,
            sha256: createHash("sha256").update(text).digest("hex").slice(0, 12),
        });
    }
    return sizes.sort((a, b) => a.name.localeCompare(b.name));
}

/** Renders the resource tree the way `pulumi preview` does. */
export function renderTree(stack: string, resources: readonly RecordedResource[]): string[] {
    const rows: Array<[string, string]> = [["pulumi:pulumi:Stack", `aws-blueprints-${stack}`]];
    const byParent = new Map<string | undefined, RecordedResource[]>();
    const urns = new Set(resources.map((r) => r.urn));
    for (const r of resources) {
        const parent = r.parentUrn && urns.has(r.parentUrn) ? r.parentUrn : undefined;
        byParent.set(parent, [...(byParent.get(parent) ?? []), r]);
    }
    const walk = (parent: string | undefined, prefix: string) => {
        const kids = (byParent.get(parent) ?? []).slice().sort((a, b) => (a.custom === b.custom ? a.name.localeCompare(b.name) : a.custom ? 1 : -1));
        kids.forEach((r, i) => {
            const last = i === kids.length - 1;
            const flags = r.protect ? " [protect]" : "";
            rows.push([`${prefix}${last ? "└─ " : "├─ "}${r.type}`, `${r.name}${flags}`]);
            walk(r.urn, `${prefix}${last ? "   " : "│  "}`);
        });
    };
    walk(undefined, "");
    const width = Math.max(...rows.map(([t]) => t.length)) + 2;
    return [` ${"".padEnd(3)}${"Type".padEnd(width)}Name`, ...rows.map(([t, n]) => ` +  ${t.padEnd(width)}${n}`)];
}

async function main(): Promise<void> {
    const stack = argValue("--stack", "dev")!;
    const run = await runProgram(stack);
    const lines = [`Previewing update (${stack}) offline, under mocks: no cloud calls were made`, "", ...renderTree(stack, run.resources)];
    const sizes = await handlerSizes(run.resources);
    if (sizes.length > 0) {
        lines.push("", "Lambda handlers (serialized archive):");
        const w = Math.max(...sizes.map((s) => s.name.length)) + 2;
        for (const s of sizes) {
            const bundled = s.totalBytes > s.bytes ? `  (${kib(s.totalBytes)} with bundled packages)` : "";
            lines.push(`    ${s.name.padEnd(w)}${kib(s.bytes).padStart(10)}  ${s.files} file(s)  sha256 ${s.sha256}${bundled}`);
        }
    }
    lines.push("", "Outputs:");
    for (const [k, v] of Object.entries(run.exports)) lines.push(`    ${k}: ${JSON.stringify(v, null, 2)?.replace(/\n/g, "\n    ")}`);
    const protectedCount = run.resources.filter((r) => r.protect).length;
    lines.push("", "Resources:", `    + ${run.resources.length + 1} to create${protectedCount ? ` (${protectedCount} protected)` : ""}`);
    console.log(lines.join("\n"));
}

if (require.main === module) {
    main().then(
        () => process.exit(0),
        (err: unknown) => {
            console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
            process.exit(1);
        },
    );
}
