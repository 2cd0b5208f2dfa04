// The command line every tool in this folder shares, shaped after the Pulumi CLI the tools sit beside: options
// parsed by node:util parseArgs, `-h/--help` (usage on stdout, exit 0), usage errors as one line plus the usage on
// stderr (exit 2), `-s/--stack` in Pulumi's forms, failures as `error: <message>`, and output that is never cut
// short when piped.
import * as path from "node:path";
import { parseArgs } from "node:util";

/** Exit code of a command line the tool cannot use (unknown option, missing value, missing required option). */
export const EXIT_USAGE = 2;

/** One option of a tool. */
export interface OptionDef {
    readonly type: "string" | "boolean";
    readonly short?: string;
    /** The option may be repeated; its values are collected in order. */
    readonly multiple?: boolean;
    /** Placeholder of the value in the usage text, e.g. `name`. @default "value" */
    readonly value?: string;
    /** One line for the usage text, stating the default where there is one. */
    readonly description: string;
}

export type OptionDefs = Readonly<Record<string, OptionDef>>;

type ValueOf<D extends OptionDef> = D["type"] extends "string" ? string : boolean;

/** Parsed values: absent options are undefined; repeated options are arrays. */
export type Values<O extends OptionDefs> = {
    readonly [K in keyof O]?: O[K]["multiple"] extends true ? ValueOf<O[K]>[] : ValueOf<O[K]>;
} & { readonly help?: boolean };

/** A tool's command line: how it is invoked, what it does, its options and its exit codes. */
export interface Command<O extends OptionDefs> {
    /** Invocation, e.g. `npm run preview --`. */
    readonly invocation: string;
    readonly summary: string;
    readonly options: O;
    /** Lines after the options, e.g. exit codes. */
    readonly notes?: readonly string[];
}

/** The stack option every tool that works on a stack takes, spelled as `pulumi --stack`. */
export const STACK_OPTION = { type: "string", short: "s", value: "name" } as const;

const HELP: OptionDef = { type: "boolean", short: "h", description: "show this help and exit" };

/** A command line the tool cannot use; reported with the usage and exit 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export function defineCommand<const O extends OptionDefs>(command: Command<O>): Command<O> {
    if ("help" in command.options) throw new Error("help is an option of every command");
    return command;
}

function optionLabel(name: string, def: OptionDef): string {
    const long = `--${name}${def.type === "string" ? ` <${def.value ?? "value"}>` : ""}`;
    return def.short ? `-${def.short}, ${long}` : `    ${long}`;
}

/** The text `--help` prints. */
export function usage<O extends OptionDefs>(command: Command<O>): string {
    const entries: Array<[string, OptionDef]> = [...Object.entries(command.options), ["help", HELP]];
    const labels = entries.map(([name, def]) => optionLabel(name, def) + (def.multiple ? " ..." : ""));
    const width = Math.max(...labels.map((l) => l.length)) + 3;
    const lines = [
        `Usage: ${command.invocation} [options]`,
        "",
        command.summary,
        "",
        "Options:",
        ...entries.map(([, def], i) => `  ${labels[i].padEnd(width)}${def.description}`),
    ];
    if (command.notes?.length) lines.push("", ...command.notes);
    return `${lines.join("\n")}\n`;
}

/** parseArgs reports problems in several lines meant for a developer; a command line gets one line. */
function usageMessage(err: { code?: string; message: string }): string {
    const quoted = /'([^']+)'/.exec(err.message)?.[1];
    switch (err.code) {
        case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
            return `unknown option ${quoted ?? err.message}`;
        case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
            return `unexpected argument ${quoted ?? err.message}; this command takes options only`;
        case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
            const option = quoted?.replace(/ <value>$/, "");
            if (/does not take an argument/.test(err.message)) return `option ${option} takes no value`;
            // `--stack --json`: parseArgs will not take another option as a value.
            const long = /'(--[^=']+)=-XYZ'/.exec(err.message)?.[1];
            if (/ambiguous/.test(err.message)) return `option ${option} needs a value (write ${long ?? option}=<value> for a value that starts with -)`;
            return `option ${option} needs a value`;
        }
        default:
            return err.message.split("\n")[0];
    }
}

/** Parses a command line (without node and the script); throws UsageError for one the tool cannot use. */
export function parseCommand<O extends OptionDefs>(command: Command<O>, argv: readonly string[]): Values<O> {
    const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
    for (const [name, def] of [...Object.entries(command.options), ["help", HELP] as const]) {
        options[name] = { type: def.type, ...(def.short ? { short: def.short } : {}), ...(def.multiple ? { multiple: true } : {}) };
    }
    try {
        return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Values<O>;
    } catch (err) {
        const e = err as { code?: string; message: string };
        if (typeof e.code === "string" && e.code.startsWith("ERR_PARSE_ARGS_")) throw new UsageError(usageMessage(e));
        throw err;
    }
}

/** The value of an option the tool cannot do without. */
export function required(value: string | undefined, option: string): string {
    if (value === undefined || value === "") throw new UsageError(`--${option} is required`);
    return value;
}

const STACK_PART = /^[A-Za-z0-9_.-]+$/;

/**
 * The stack name of `-s/--stack` as `pulumi --stack` takes it: `name`, `org/name` or `org/project/name`. Stack
 * settings live in `Pulumi.<name>.yaml` and URNs carry `name` alone, so the short name is returned.
 * https://www.pulumi.com/docs/iac/concepts/stacks/
 */
export function stackName(value: string, project = "aws-blueprints"): string {
    const parts = value.split("/");
    const bad = parts.length > 3 || parts.some((p) => !STACK_PART.test(p) || /^\.+$/.test(p));
    if (bad) {
        throw new UsageError(`--stack ${JSON.stringify(value)} is not a stack name: use name, org/name or org/project/name, each part letters, digits, -, _ or .`);
    }
    if (parts.length === 3 && parts[1] !== project) throw new UsageError(`--stack ${value} names project ${parts[1]}, but this project is ${project}`);
    return parts[parts.length - 1];
}

/** Where a command writes: the process's streams, or buffers in tests. */
export interface Io {
    readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
    readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
}

export type Handler<O extends OptionDefs> = (values: Values<O>, io: Io) => number | void | Promise<number | void>;

/**
 * Runs a command and returns its exit code: 0 after `--help` or success, the handler's own code, EXIT_USAGE for a
 * command line it cannot use, and `failureCode` (after `error: <message>` on stderr) when the handler throws.
 */
export async function runCommand<O extends OptionDefs>(
    command: Command<O>,
    handler: Handler<O>,
    argv: readonly string[],
    io: Io,
    failureCode = 1,
): Promise<number> {
    const rejectUsage = (err: UsageError) => {
        io.stderr.write(`error: ${err.message}\n\n${usage(command)}`);
        return EXIT_USAGE;
    };
    let values: Values<O>;
    try {
        values = parseCommand(command, argv);
    } catch (err) {
        if (err instanceof UsageError) return rejectUsage(err);
        throw err;
    }
    if (values.help) {
        io.stdout.write(usage(command));
        return 0;
    }
    try {
        return (await handler(values, io)) ?? 0;
    } catch (err) {
        if (err instanceof UsageError) return rejectUsage(err);
        io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
        return failureCode;
    }
}

/**
 * Runs a tool as its process. The result goes to process.exitCode and the process ends by itself, so everything
 * written reaches a piped stdout: process.exit() right after a write cuts it short at the pipe's buffer (64 KiB on
 * Linux), dropping what is still queued.
 */
export function main<O extends OptionDefs>(command: Command<O>, handler: Handler<O>, options: { readonly failureCode?: number } = {}): void {
    const failureCode = options.failureCode ?? 1;
    runCommand(command, handler, process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, failureCode).then(
        (code) => {
            process.exitCode = code;
        },
        (err: unknown) => {
            process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exitCode = failureCode;
        },
    );
}

/**
 * Progress on stderr while a tool works, only when stderr is a terminal: a redirected or piped stderr (CI logs)
 * stays free of it. Each update replaces the line; `done()` clears it.
 */
export function progress(stderr: Io["stderr"]): { update(text: string): void; done(): void } {
    if (!stderr.isTTY) return { update: () => undefined, done: () => undefined };
    return {
        update: (text) => stderr.write(`\r\x1b[2K${text}`),
        done: () => stderr.write("\r\x1b[2K"),
    };
}

/** A generated file's writer and checker, as a generator command runs it. */
export interface FileGenerator {
    /** Absolute paths of what it writes. */
    readonly files: readonly string[];
    readonly generate: () => Promise<unknown>;
    /** One line per stale or broken file; empty when up to date. */
    readonly check: () => Promise<readonly string[]>;
}

/** A generator's own command: `--check` prints what is stale (exit 1), otherwise it writes its files. */
export async function writeOrCheck(generator: FileGenerator, check: boolean | undefined, io: Io, root: string): Promise<number> {
    if (check) {
        const stale = await generator.check();
        for (const line of stale) io.stderr.write(`${line}\n`);
        return stale.length > 0 ? 1 : 0;
    }
    await generator.generate();
    for (const file of generator.files) io.stdout.write(`wrote ${path.relative(root, file)}\n`);
    return 0;
}
