// Plan snapshots: every resource a stack registers (type, name, parent, options, inputs) as deterministic JSON,
// built by running the program under the mocks. Not Pulumi update plans (`pulumi preview --save-plan`): no diff
// against a deployed stack, only what the program asks for. `plans/<stack>.json` is committed so a pull request shows its
// infrastructure change; a test fails when a committed plan no longer matches the program.
// Usage: npm run plans:update [-- -s <name> ...]   (npm run plans:update -- --help)
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { promiseOf, RecordedResource, ROOT, runStack, STACK_DIRS } from "../engine/evaluate";
export { withoutTestRunnerGlobals } from "../engine/evaluate";
import { defineCommand, Io, main, STACK_OPTION, stackName, Values } from "./cli";

export const PLANS_DIR = path.join(ROOT, "plans");
export const PLAN_FORMAT = 1;
export const SECRET = "[secret]";
export const UNKNOWN = "[unknown]";

/** One resource of a plan. */
export interface PlanResource {
    readonly type: string;
    readonly name: string;
    /** Custom resource (managed by a provider) rather than a component. */
    readonly custom: boolean;
    /** URN of the parent resource; absent for top-level resources. */
    readonly parent?: string;
    /** URN of an explicit provider resource, when the resource names one. */
    readonly provider?: string;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    /** Every URN the engine treats as this resource's former identity (own aliases and those inherited from parents). */
    readonly aliases: readonly string[];
    /** Inputs as the program sets them; secrets redacted, archives summarized. */
    readonly inputs: Record<string, unknown>;
}

export interface Plan {
    readonly format: number;
    readonly project: string;
    readonly stack: string;
    /** Resources by URN. */
    readonly resources: Readonly<Record<string, PlanResource>>;
}

/** The project name from Pulumi.yaml: the second segment of every URN. */
export function projectName(): string {
    return parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).name;
}

export function planPath(stack: string): string {
    return path.join(PLANS_DIR, `${stack}.json`);
}

/** Stacks with a settings file (`Pulumi.<stack>.yaml`): the user's in the repository root, the tests' in tests/stacks. */
export function configuredStacks(): string[] {
    return STACK_DIRS.filter((dir) => existsSync(dir))
        .flatMap((dir) => readdirSync(dir))
        .map((f) => /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** Stacks whose plan is committed (`plans/<stack>.json`). */
export function committedStacks(): string[] {
    if (!existsSync(PLANS_DIR)) return [];
    return readdirSync(PLANS_DIR)
        .map((f) => /^(.+)\.json$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

// ---- URNs -------------------------------------------------------------------------------------------------

interface UrnParts {
    readonly stack: string;
    readonly project: string;
    /** Parent types and own type joined with `$`. */
    readonly qualifiedType: string;
    readonly name: string;
}

export function parseUrn(urn: string): UrnParts {
    const m = /^urn:pulumi:([^:]*)::([^:]*)::(.+?)::(.*)$/s.exec(urn);
    if (!m) throw new Error(`not a Pulumi URN: ${urn}`);
    return { stack: m[1], project: m[2], qualifiedType: m[3], name: m[4] };
}

/** The resource's own type (the last link of the qualified type). */
export function urnType(urn: string): string {
    return parseUrn(urn).qualifiedType.split("$").pop()!;
}

export function urnName(urn: string): string {
    return parseUrn(urn).name;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

function makeUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
    const parentType = parentUrn ? parseUrn(parentUrn).qualifiedType : undefined;
    const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Child alias derived from a parent alias, as the engine derives it (a `parent-role` name follows the parent's). */
function inheritedChildAlias(childName: string, childType: string, parentName: string, parentAlias: string): string {
    const alias = parseUrn(parentAlias);
    const name = childName.startsWith(parentName) ? alias.name + childName.slice(parentName.length) : childName;
    return makeUrn(alias.stack, alias.project, parentAlias, childType, name);
}

/**
 * The mock monitor qualifies a URN's type with the immediate parent's type only; the engine uses the whole parent
 * chain (`Outer$Inner$aws:...`). Plans carry the engine's URNs, so they match `pulumi preview` and the guard's
 * allow-list, and a component moved under another parent changes its children's URNs as it does for real.
 */
export class UrnResolver {
    private readonly byMockUrn = new Map<string, RecordedResource>();
    private readonly real = new Map<string, string>();
    private readonly aliasCache = new Map<string, string[]>();

    constructor(
        private readonly stack: string,
        private readonly project: string,
        resources: readonly RecordedResource[],
    ) {
        for (const r of resources) this.byMockUrn.set(r.urn, r);
    }

    /** Real URN for a URN the mocks reported; URNs from elsewhere (hand-written aliases) are returned unchanged. */
    urn(mockUrn: string): string {
        const cached = this.real.get(mockUrn);
        if (cached) return cached;
        const r = this.byMockUrn.get(mockUrn);
        if (!r) return mockUrn;
        const parent = r.parentUrn && this.byMockUrn.has(r.parentUrn) ? this.urn(r.parentUrn) : undefined;
        const urn = makeUrn(this.stack, this.project, parent, r.type, r.name);
        this.real.set(mockUrn, urn);
        return urn;
    }

    parentOf(r: RecordedResource): RecordedResource | undefined {
        return r.parentUrn ? this.byMockUrn.get(r.parentUrn) : undefined;
    }

    /** Own aliases collapsed to URNs, plus aliases inherited from every aliased ancestor. */
    aliases(r: RecordedResource): string[] {
        const cached = this.aliasCache.get(r.urn);
        if (cached) return cached;
        const parent = this.parentOf(r);
        const parentUrn = parent ? this.urn(parent.urn) : undefined;
        const own: string[] = [];
        const inheritsParent: Array<{ name: string; type: string }> = [];
        for (const a of r.aliases) {
            if (a.urn) {
                own.push(this.urn(a.urn));
                continue;
            }
            const name = a.name ?? r.name;
            const type = a.type ?? r.type;
            const aliasParent = a.noParent ? undefined : a.parentUrn !== undefined ? this.urn(a.parentUrn) : parentUrn;
            own.push(makeUrn(a.stack ?? this.stack, a.project ?? this.project, aliasParent, type, name));
            if (!a.noParent && (a.parentUrn === undefined || a.parentUrn === r.parentUrn)) inheritsParent.push({ name, type });
        }
        const all = new Set(own);
        if (parent) {
            for (const parentAlias of this.aliases(parent)) {
                all.add(inheritedChildAlias(r.name, r.type, parent.name, parentAlias));
                for (const a of inheritsParent) all.add(inheritedChildAlias(a.name, a.type, parent.name, parentAlias));
            }
        }
        all.delete(this.urn(r.urn));
        const result = [...all].sort();
        this.aliasCache.set(r.urn, result);
        return result;
    }
}

/** The URNs `pulumi up` knows the resources by: each one's own and those its aliases cover, as the engine computes them. */
export function engineUrns(stack: string, project: string, resources: readonly RecordedResource[]): Set<string> {
    const urns = new UrnResolver(stack, project, resources);
    return new Set(resources.flatMap((r) => [urns.urn(r.urn), ...urns.aliases(r)]));
}

// ---- values -----------------------------------------------------------------------------------------------

function isSecretValue(value: unknown): boolean {
    const rpc = require("@pulumi/pulumi/runtime/rpc");
    return rpc.isRpcSecret(value);
}

interface FileContent {
    readonly name: string;
    readonly content: Buffer;
}

/**
 * Packages declaring `os` or `cpu` hold native binaries npm installs per machine (sharp's `@img/sharp-<platform>`);
 * they are left out so a plan is the same on every machine that runs `npm ci`.
 */
function isPlatformPackage(dir: string): boolean {
    const manifest = path.join(dir, "package.json");
    if (!existsSync(manifest)) return false;
    const pkg = JSON.parse(readFileSync(manifest, "utf8"));
    return pkg.os !== undefined || pkg.cpu !== undefined;
}

function directoryFiles(dir: string, prefix: string): FileContent[] {
    if (isPlatformPackage(dir)) return [];
    const out: FileContent[] = [];
    for (const entry of readdirSync(dir).sort()) {
        const full = path.join(dir, entry);
        const name = `${prefix}/${entry}`;
        const stat = statSync(full);
        if (stat.isDirectory()) out.push(...directoryFiles(full, name));
        else if (stat.isFile()) out.push({ name, content: readFileSync(full) });
    }
    return out;
}

async function assetFiles(value: any, name: string): Promise<FileContent[]> {
    if (pulumi.asset.Archive.isInstance(value)) {
        const archive: any = value;
        if (archive.assets !== undefined) {
            const assets: Record<string, unknown> = await archive.assets;
            const nested = await Promise.all(Object.keys(assets).sort().map((k) => assetFiles(assets[k], name ? `${name}/${k}` : k)));
            return nested.flat();
        }
        if (archive.path !== undefined) {
            const p: string = await archive.path;
            const full = path.resolve(ROOT, p);
            return statSync(full).isDirectory() ? directoryFiles(full, name) : [{ name, content: readFileSync(full) }];
        }
        return [{ name, content: Buffer.from(`uri:${await archive.uri}`) }];
    }
    if (pulumi.asset.Asset.isInstance(value)) {
        const asset: any = value;
        if (asset.text !== undefined) return [{ name, content: Buffer.from(await asset.text) }];
        if (asset.path !== undefined) return [{ name, content: readFileSync(path.resolve(ROOT, await asset.path)) }];
        return [{ name, content: Buffer.from(`uri:${await asset.uri}`) }];
    }
    throw new Error(`${name}: archive entry is neither an asset nor an archive`);
}

/** An asset or archive as its content hash, size and file count (a Lambda's code archive, a bucket object's source). */
export async function summarizeAsset(value: unknown): Promise<{ sha256: string; bytes: number; files: number }> {
    const files = await assetFiles(value, "");
    const hash = createHash("sha256");
    let bytes = 0;
    for (const f of files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        hash.update(`${f.name}\0${f.content.length}\0`).update(f.content);
        bytes += f.content.length;
    }
    return { sha256: hash.digest("hex"), bytes, files: files.length };
}

const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

async function normalize(value: unknown, urns: UrnResolver): Promise<unknown> {
    if (value === undefined || value === null) return value;
    if (value === UNKNOWN_VALUE) return UNKNOWN;
    if (typeof value !== "object") return value;
    if (isSecretValue(value)) return SECRET;
    if (pulumi.Output.isInstance(value)) {
        const output: any = value;
        if (await output.isSecret) return SECRET;
        if (!(await output.isKnown)) return UNKNOWN;
        return normalize(await promiseOf(output), urns);
    }
    if (value instanceof Promise) return normalize(await value, urns);
    if (Array.isArray(value)) return Promise.all(value.map((v) => normalize(v, urns)));
    if (pulumi.asset.Archive.isInstance(value) || pulumi.asset.Asset.isInstance(value)) return summarizeAsset(value);
    if (pulumi.Resource.isInstance(value)) return urns.urn(await promiseOf((value as pulumi.Resource).urn));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const n = await normalize(v, urns);
        if (n !== undefined) out[k] = n;
    }
    return out;
}

/** Builds the plan of registered resources (URNs as the engine computes them). */
export async function planFromResources(stack: string, project: string, resources: readonly RecordedResource[]): Promise<Plan> {
    const urns = new UrnResolver(stack, project, resources);
    const out: Record<string, PlanResource> = {};
    for (const r of resources) {
        const urn = urns.urn(r.urn);
        if (out[urn]) throw new Error(`two resources share the URN ${urn}`);
        const parent = urns.parentOf(r);
        // A provider reference is `<urn>::<id>`.
        const provider = r.provider ? urns.urn(r.provider.slice(0, r.provider.lastIndexOf("::"))) : undefined;
        out[urn] = {
            type: r.type,
            name: r.name,
            custom: r.custom,
            ...(parent ? { parent: urns.urn(parent.urn) } : {}),
            ...(provider ? { provider } : {}),
            protect: r.protect,
            retainOnDelete: r.retainOnDelete,
            aliases: urns.aliases(r),
            inputs: (await normalize(r.inputs, urns)) as Record<string, unknown>,
        };
    }
    return { format: PLAN_FORMAT, project, stack, resources: out };
}

/** Globals a test runner (mocha) defines; `pulumi up` runs without them. */
/** Runs the program for a stack under the mocks, as `pulumi up` would run it, and returns its plan. */
export async function buildPlan(stack: string): Promise<Plan> {
    return planFromResources(stack, projectName(), (await runStack(stack)).resources);
}

function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
        return out;
    }
    return value;
}

/** The plan as committed: keys sorted at every level (resources by URN), two-space indent, final newline. */
export function serializePlan(plan: Plan): string {
    return `${JSON.stringify(sortKeys(plan), null, 2)}\n`;
}

/** Parses a plan file, refusing anything that is not one. */
export function parsePlan(text: string, source: string): Plan {
    let doc: any;
    try {
        doc = JSON.parse(text);
    } catch (err) {
        throw new Error(`${source} is not JSON: ${(err as Error).message}`);
    }
    if (!doc || typeof doc !== "object" || typeof doc.stack !== "string" || !doc.resources || typeof doc.resources !== "object") {
        throw new Error(`${source} is not a plan (expected { format, project, stack, resources })`);
    }
    if (doc.format !== PLAN_FORMAT) throw new Error(`${source} has plan format ${JSON.stringify(doc.format)}; this tool reads format ${PLAN_FORMAT}`);
    for (const [urn, r] of Object.entries<any>(doc.resources)) {
        if (!r || typeof r.type !== "string" || typeof r.name !== "string" || !r.inputs || !Array.isArray(r.aliases)) {
            throw new Error(`${source}: resource ${urn} is malformed`);
        }
    }
    return doc as Plan;
}

/** Writes `plans/<stack>.json`; returns whether its content changed. */
export async function updatePlan(stack: string): Promise<boolean> {
    const text = serializePlan(await buildPlan(stack));
    const file = planPath(stack);
    const before = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    if (before === text) return false;
    mkdirSync(PLANS_DIR, { recursive: true });
    writeFileSync(file, text);
    return true;
}

export const plansCommand = defineCommand({
    invocation: "npm run plans:update --",
    summary: "Regenerates the committed plan of each stack, plans/<stack>.json, from the program run under the mocks.",
    options: {
        stack: { ...STACK_OPTION, multiple: true, description: "stack to update, repeatable (default: every stack with a Pulumi.<stack>.yaml)" },
    },
    notes: ["Exit codes: 0 up to date or updated, 1 configuration or program error, 2 unusable command line."],
});

export async function updatePlans(values: Values<typeof plansCommand.options>, io: Io): Promise<number> {
    const stacks = values.stack?.length ? values.stack.map((s) => stackName(s)) : configuredStacks();
    for (const stack of stacks) {
        const changed = await updatePlan(stack);
        io.stdout.write(`${path.relative(ROOT, planPath(stack))}: ${changed ? "updated" : "up to date"}\n`);
    }
    const orphans = committedStacks().filter((s) => !configuredStacks().includes(s));
    for (const s of orphans) io.stderr.write(`warning: plans/${s}.json has no Pulumi.${s}.yaml; delete it if the stack is gone\n`);
    return 0;
}

if (require.main === module) main(plansCommand, updatePlans);
