// Runs the program or single components offline, under the mocks, and queries what they registered.
import * as pulumi from "@pulumi/pulumi";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { format } from "node:util";
import { parse } from "yaml";
import { clearRecorded, installMocks, mockFailures, recordedResources, RecordedResource } from "./mocks";

export const ROOT = path.resolve(__dirname, "..");
export type { RecordedResource } from "./mocks";

/**
 * Resolves an output (or plain value) to its value, rejecting when the output failed (e.g. an invoke without a
 * mock), so a broken program fails its test instead of hanging. Await it and assert outside `apply`.
 */
export function promiseOf<T>(value: pulumi.Input<T> | undefined): Promise<T> {
    const output: any = pulumi.output(value as pulumi.Input<T>);
    // Output.promise() is the SDK's own settled value of the output (it rejects on failure; apply never runs then).
    return output.promise() as Promise<T>;
}

/** Resolves every output inside a plain object or array; secret outputs become "[secret]". */
export async function resolveDeep(value: unknown): Promise<unknown> {
    // Secret outputs read as `pulumi stack output` shows them, so no tool prints a secret.
    if (pulumi.Output.isInstance(value)) return (await pulumi.isSecret(value)) ? "[secret]" : resolveDeep(await promiseOf(value));
    if (value instanceof Promise) return resolveDeep(await value);
    if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
    if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = await resolveDeep(v);
        return out;
    }
    return value;
}

function toConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** Where stack files are found: the user's stacks in the root, the stacks only tests run in tests/stacks. */
export const STACK_DIRS = [ROOT, path.join(ROOT, "tests", "stacks")];

/** The settings file of a stack: `Pulumi.<stack>.yaml` in the root or in tests/stacks. */
export function stackFile(stack: string): string {
    const found = STACK_DIRS.map((dir) => path.join(dir, `Pulumi.${stack}.yaml`)).filter((f) => existsSync(f));
    if (found.length === 0) throw new Error(`no Pulumi.${stack}.yaml in ${STACK_DIRS.map((d) => path.relative(ROOT, d) || ".").join(" or ")}`);
    if (found.length > 1) throw new Error(`Pulumi.${stack}.yaml exists twice: ${found.map((f) => path.relative(ROOT, f)).join(", ")}`);
    return found[0];
}

/** A stack file's configuration as the config system holds it, and which keys are secrets. */
export interface StackFileConfig {
    readonly config: Record<string, string>;
    readonly secretKeys: readonly string[];
}

/**
 * Reads a stack file for an offline run. Secrets cannot be decrypted offline: each `secure:` value becomes
 * `offline-secret-<key>`, still a secret. An imported ESC environment cannot be read offline either: that is an error.
 */
export function readStackFile(file: string): StackFileConfig {
    const doc = parse(readFileSync(file, "utf8")) ?? {};
    if (doc.environment !== undefined) {
        const names = ([] as unknown[]).concat(doc.environment?.imports ?? doc.environment).map(String).join(", ");
        throw new Error(
            `${file} imports the Pulumi ESC environment(s) ${names}; offline runs cannot read ESC. Copy the values the ` +
                "environment provides into the file's config: block (or pass them as overrides), without the environment: list.",
        );
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries<unknown>(doc.config ?? {})) {
        let secret = false;
        const fake = (v: unknown, where: string): unknown => {
            if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v) {
                secret = true;
                return `offline-secret-${where}`;
            }
            if (Array.isArray(v)) return v.map((x, i) => fake(x, `${where}[${i}]`));
            if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fake(x, `${where}.${k}`)]));
            return v;
        };
        config[key] = toConfigString(fake(value, key));
        if (secret) secretKeys.push(key);
    }
    return { config, secretKeys };
}

/** Where a run's stack configuration comes from. */
export interface StackSource {
    /** A stack file other than `Pulumi.<stack>.yaml` (e.g. a scenario's example.yaml). @default stackFile(stack) */
    readonly stackFile?: string;
}

function loadStack(stack: string, overrides: Record<string, unknown>, source: StackSource): StackFileConfig {
    const project = parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    const config: Record<string, string> = {};
    for (const [key, decl] of Object.entries<any>(project.config ?? {})) {
        const full = key.includes(":") ? key : `${project.name}:${key}`;
        const value = decl !== null && typeof decl === "object" && !Array.isArray(decl) ? (decl.value ?? decl.default) : decl;
        if (value !== undefined) config[full] = toConfigString(value);
    }
    const file = readStackFile(source.stackFile ? path.resolve(ROOT, source.stackFile) : stackFile(stack));
    Object.assign(config, file.config);
    const secretKeys = new Set(file.secretKeys);
    for (const [key, value] of Object.entries(overrides)) {
        secretKeys.delete(key);
        if (value === undefined) delete config[key];
        else config[key] = toConfigString(value);
    }
    return { config, secretKeys: [...secretKeys] };
}

/**
 * The configuration `pulumi up` would give the program for a stack: defaults declared in Pulumi.yaml
 * (mocks do not apply them) overlaid with the stack file, plus optional overrides.
 */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}, source: StackSource = {}): Record<string, string> {
    return loadStack(stack, overrides, source).config;
}

async function settle(): Promise<void> {
    const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings");
    await waitForRPCs();
}

export interface ProgramRun {
    readonly stack: string;
    readonly exports: Record<string, unknown>;
    readonly resources: readonly RecordedResource[];
    /** What the program logged with `pulumi.log.warn`, in order (kept here rather than printed by every run). */
    readonly warnings: readonly string[];
}

/** Under the mocks `pulumi.log.warn` has no engine to log to and writes `warning: [runtime] <message>` to console.warn. */
const RUNTIME_WARNING = "warning: [runtime] ";

export interface RunOptions extends StackSource {
    /** Run as `pulumi preview` (documentation-only values warn) or, false, as `pulumi up` (they are refused). @default true */
    readonly preview?: boolean;
    /**
     * Keep the runtime's error lines (`error: [runtime] ...`) to the run's problems instead of also printing them, for
     * a caller that reports a failed run's problems itself (see programProblems). @default false
     */
    readonly quiet?: boolean;
}

const TEST_RUNNER_GLOBALS = [
    "describe", "context", "it", "specify", "xdescribe", "xcontext", "xit", "xspecify",
    "before", "after", "beforeEach", "afterEach", "run", "suite", "test", "setup", "teardown", "suiteSetup", "suiteTeardown",
];

/**
 * Closure serialization leaves out a handler's own function when a global of the same name exists (a handler's
 * `describe` helper under mocha), so the archive would differ from the one `pulumi up` ships. Whole-program runs
 * happen with those globals removed, and they are restored afterwards.
 */
export async function withoutTestRunnerGlobals<T>(run: () => Promise<T>): Promise<T> {
    const g = globalThis as Record<string, unknown>;
    const saved = TEST_RUNNER_GLOBALS.filter((n) => Object.prototype.hasOwnProperty.call(g, n)).map(
        (n) => [n, Object.getOwnPropertyDescriptor(g, n)!] as const,
    );
    for (const [n] of saved) delete g[n];
    try {
        return await run();
    } finally {
        for (const [n, descriptor] of saved) Object.defineProperty(g, n, descriptor);
    }
}

/**
 * Runs index.ts for a stack under the mocks and returns its resolved exports and every registered resource.
 * A configuration or program error rejects with the program's own message.
 */
export function runProgram(stack: string, overrides: Record<string, unknown> = {}, options: RunOptions = {}): Promise<ProgramRun> {
    return withoutTestRunnerGlobals(() => evaluate(stack, overrides, options));
}

async function evaluate(stack: string, overrides: Record<string, unknown>, options: RunOptions): Promise<ProgramRun> {
    clearRecorded();
    installMocks(stack, { preview: options.preview ?? true });
    const { config, secretKeys } = loadStack(stack, overrides, options);
    pulumi.runtime.setAllConfig(config, [...secretKeys]);
    const entry = require.resolve(path.join(ROOT, "index.ts"));
    delete require.cache[entry];
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
        const text = format(...args);
        if (text.startsWith(RUNTIME_WARNING)) warnings.push(text.slice(RUNTIME_WARNING.length));
        else warn(...args);
    };
    const logged: string[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => {
        const text = format(...args);
        if (text.startsWith(RUNTIME_ERROR)) logged.push(text.slice(RUNTIME_ERROR.length));
        if (!options.quiet || !text.startsWith(RUNTIME_ERROR)) error(...args);
    };
    try {
        const program = require(entry);
        const exports = (await resolveDeep({ ...program }).catch((err) => {
            throw mockFailures().length > 0 ? new Error(mockFailures().join("\n")) : err;
        })) as Record<string, unknown>;
        await settle();
        if (mockFailures().length > 0) throw new Error(mockFailures().join("\n"));
        if (failures.length > 0) throw failures[0];
        return { stack, exports, resources: [...recordedResources()], warnings };
    } catch (err) {
        // The first failure rejects the run; the others are still on their way, so the run's problems wait until no
        // more arrive (outputs failing later reject on later turns of the event loop).
        for (let seen = -1, rounds = 0; seen !== failures.length + logged.length && rounds < 50; rounds++) {
            seen = failures.length + logged.length;
            await settle().catch(() => undefined);
            await new Promise((resolve) => setTimeout(resolve, 25));
        }
        const messages = [err, ...failures, ...logged].map(programMessage);
        if (err !== null && typeof err === "object") runProblems.set(err, [...new Set(messages.filter((m) => m !== ""))]);
        throw err;
    } finally {
        console.warn = warn;
        console.error = error;
        process.off("unhandledRejection", onRejection);
    }
}

/** Under the mocks `pulumi.log.error` writes `error: [runtime] <message>` to console.error. */
const RUNTIME_ERROR = "error: [runtime] ";
const runProblems = new WeakMap<object, readonly string[]>();

/** A program's own message, without the SDK's wrapping of where a failed output was being sent. */
function programMessage(failure: unknown): string {
    const text = failure instanceof Error ? failure.message : String(failure);
    return text
        .replace(/^Error serializing arguments for invoke \S+ (Error: )?/, "")
        .replace(/^(error serializing property "[^"]*": )+/, "")
        .split("\n")[0]
        .trim();
}

/**
 * Every distinct problem a failed `runProgram` met, the first (the one it rejected with) first: a run stops at its
 * first failure, while the program may fail for several reasons (each scenario names its own setting).
 */
export function programProblems(err: unknown): readonly string[] {
    return (err !== null && typeof err === "object" && runProblems.get(err)) || [programMessage(err)];
}

const runs = new Map<string, Promise<ProgramRun>>();

/** `runProgram(stack)` once per test process: whole-stack checks share one run of each committed stack. */
export function runStack(stack: string): Promise<ProgramRun> {
    if (!runs.has(stack)) runs.set(stack, runProgram(stack));
    return runs.get(stack)!;
}

/** Builds components outside the program (component tests), with the given configuration in effect. */
export async function build<T>(
    create: () => T,
    config: Record<string, string> = { "aws:region": "us-east-1" },
): Promise<{ value: T; resources: readonly RecordedResource[] }> {
    clearRecorded();
    installMocks("test");
    pulumi.runtime.setAllConfig(config);
    const value = create();
    await resolveDeep(value instanceof pulumi.Resource ? (value as any).urn : undefined);
    await settle();
    return { value, resources: [...recordedResources()] };
}

/** Query helpers over recorded resources. */
export class Resources {
    constructor(readonly all: readonly RecordedResource[]) {}

    ofType(type: string): RecordedResource[] {
        return this.all.filter((r) => r.type === type);
    }

    /** The single resource of a type whose logical name matches; throws when there is not exactly one. */
    one(type: string, name?: string | RegExp): RecordedResource {
        const found = this.ofType(type).filter(
            (r) => name === undefined || (typeof name === "string" ? r.name === name : name.test(r.name)),
        );
        if (found.length !== 1) {
            throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
        }
        return found[0];
    }

    children(urn: string): RecordedResource[] {
        return this.all.filter((r) => r.parentUrn === urn);
    }

    descendants(urn: string): RecordedResource[] {
        return this.children(urn).flatMap((c) => [c, ...this.descendants(c.urn)]);
    }

    parentOf(r: RecordedResource): RecordedResource | undefined {
        return this.all.find((p) => p.urn === r.parentUrn);
    }

    /** Nearest component ancestor of a given type. */
    ancestorOfType(r: RecordedResource, type: string): RecordedResource | undefined {
        for (let p = this.parentOf(r); p; p = this.parentOf(p)) if (p.type === type) return p;
        return undefined;
    }
}

/** Parses a JSON policy or pattern input (string or object). */
export function json(value: unknown): any {
    return typeof value === "string" ? JSON.parse(value) : value;
}

/** The files of a Lambda function's code archive, with their text (StringAssets) or source path (file assets). */
export async function archiveFiles(fn: RecordedResource): Promise<Map<string, { text?: string; path?: string }>> {
    const code = fn.inputs.code;
    if (!code || !code.assets) throw new Error(`${fn.name} has no asset archive as code`);
    const assets: Record<string, any> = await code.assets;
    const files = new Map<string, { text?: string; path?: string }>();
    for (const [name, asset] of Object.entries(assets)) {
        if (asset && asset.text !== undefined) files.set(name, { text: await asset.text });
        else if (asset && asset.path !== undefined) files.set(name, { path: await asset.path });
        else files.set(name, {});
    }
    return files;
}

/**
 * Loads a function's serialized handler exactly as Lambda would (`__index.handler`) from a temporary copy of its
 * archive, with the function's environment variables set. Returns the handler and a cleanup function.
 */
export async function loadArchivedHandler(
    fn: RecordedResource,
): Promise<{ handler: (event: unknown, context?: unknown) => Promise<unknown>; restore: () => void }> {
    const { mkdtempSync, writeFileSync, mkdirSync, rmSync } = require("node:fs") as typeof import("node:fs");
    const files = await archiveFiles(fn);
    const cache = path.join(ROOT, "node_modules", ".cache", "aws-blueprints");
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(path.join(cache, "handler-"));
    for (const [name, file] of files) {
        if (file.text === undefined) throw new Error(`${fn.name}: archive entry ${name} is not inline text`);
        mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        writeFileSync(path.join(dir, name), file.text);
    }
    const variables: Record<string, string> = fn.inputs.environment?.variables ?? {};
    const saved: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(variables)) {
        saved[k] = process.env[k];
        process.env[k] = v;
    }
    const mod = require(path.join(dir, "__index.js"));
    return {
        handler: mod.handler,
        restore: () => {
            for (const [k, v] of Object.entries(saved)) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
            rmSync(dir, { recursive: true, force: true });
        },
    };
}
