// A scenario's one declaration of its settings, the component arguments derived from it, and its registry entry.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { BlueprintArgs } from "./common";
import type { GlobalSettings } from "./settings";

/**
 * A scenario's settings: a strict zod object whose every key carries its type, range, default and description
 * (`.describe(...)`, or `.meta({ description, whenUnset })` where leaving the key out means something a JSON
 * default cannot say). The stack file section, the component's arguments and the documentation table all come
 * from it.
 */
export type Declaration = z.ZodObject<{ enabled: z.ZodDefault<z.ZodBoolean> } & z.core.$ZodLooseShape>;

/** The metadata a setting's declaration may carry besides its description. */
export interface SettingMeta {
    readonly description: string;
    /** What leaving the key out means, where the declaration has no default value to show (e.g. "the region's default VPC"). */
    readonly whenUnset?: string;
    /** The values allowed, where a refinement rather than the type says so (e.g. "5, 10, 15, 20, 30 or 60"). */
    readonly allowed?: string;
}

/** `schema` with its documentation: `setting(z.number().default(5), "Minutes between runs.")`. */
export function setting<T extends z.ZodType>(schema: T, description: string, more: Omit<SettingMeta, "description"> = {}): T {
    return schema.meta({ description, ...more }) as T;
}

/** The switch every scenario has. */
export const enabled = () => z.boolean().default(false).describe("Build the scenario.");

type InputOf<T> = T extends readonly (infer E)[] ? readonly pulumi.Input<E>[] : pulumi.Input<T>;
type Without<T, K> = { readonly [P in keyof T as P extends K ? never : P]: T[P] };
/** The first key of each path (`sites.hostedZoneId` -> `sites`). */
type Heads<Paths extends string> = Paths extends `${infer H}.${string}` ? H : never;
/** The paths below `H` (`sites.hostedZoneId` -> `hostedZoneId`). */
type Below<Paths extends string, H> = Paths extends `${H & string}.${infer R}` ? R : never;
/** `T` with the values at `Paths` taking `pulumi.Input`s; a path goes through arrays and the options of a union. */
type WithInputs<T, Paths extends string> = [Paths] extends [never]
    ? T
    : T extends readonly (infer E)[]
      ? readonly WithInputs<E, Paths>[]
      : T extends object
        ? { readonly [P in keyof T]: P extends Paths ? InputOf<NonNullable<T[P]>> : P extends Heads<Paths> ? WithInputs<T[P], Below<Paths, P>> : T[P] }
        : T;

/**
 * A component's arguments derived from its scenario's declaration: every key but `enabled`, optional where the
 * declaration has a default; the keys in `Inputs` also take values of other resources (`pulumi.Input`), so another
 * program can build the component from its own resources. A nested key is a dotted path through objects, arrays
 * and unions (`sites.hostedZoneId`, `source.connectionArn`).
 */
export type ArgsOf<D extends Declaration, Inputs extends string = never> = BlueprintArgs & WithInputs<Without<z.input<D>, "enabled">, Inputs>;

/** The arguments after {@link resolveArgs}: declared defaults applied, each plain value checked against its declaration. */
export type ResolvedArgs<D extends Declaration, Inputs extends string = never> = BlueprintArgs & WithInputs<Without<z.output<D>, "enabled">, Inputs>;

/** Whether a value is known only at deployment (an Output or a promise). */
function isUnknown(value: unknown): boolean {
    return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** Passes an Output or a promise through a declaration's check: its own value is checked at deployment. */
const deploymentValue = z.custom<unknown>(isUnknown);

/**
 * `schema` as it checks `value`: where `value` holds an Output (at any depth), the declaration there accepts it as
 * it is; everything else (defaults, the other keys of the same object, an array's length, the rules of an object)
 * is checked as declared.
 */
function acceptingUnknowns(schema: z.ZodType, value: unknown): z.ZodType {
    if (isUnknown(value)) return z.union([deploymentValue, schema]);
    if (!holdsUnknown(value)) return schema;
    const def = (schema as any)._zod.def;
    const clone = (changes: Record<string, unknown>) => (schema as any).clone({ ...def, ...changes }) as z.ZodType;
    switch (def.type) {
        case "optional":
        case "nullable":
        case "default":
        case "prefault":
        case "readonly":
        case "catch":
            return clone({ innerType: acceptingUnknowns(def.innerType, value) });
        case "pipe":
            return clone({ in: acceptingUnknowns(def.in, value) });
        case "union":
            return clone({ options: def.options.map((o: z.ZodType) => acceptingUnknowns(o, value)) });
        case "array":
            return clone({ element: (value as unknown[]).reduce<z.ZodType>((element, v) => acceptingUnknowns(element, v), def.element) });
        case "record":
            return clone({ valueType: Object.values(value as object).reduce<z.ZodType>((element, v) => acceptingUnknowns(element, v), def.valueType) });
        case "object": {
            const shape: Record<string, z.ZodType> = { ...def.shape };
            for (const [k, v] of Object.entries(value as object)) if (shape[k]) shape[k] = acceptingUnknowns(shape[k], v);
            return clone({ shape });
        }
    }
    return schema;
}

/** Whether a value is, or holds, something known only at deployment (an Output or a promise). */
function holdsUnknown(value: unknown): boolean {
    if (isUnknown(value)) return true;
    if (Array.isArray(value)) return value.some(holdsUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(holdsUnknown);
    return false;
}

/** A value as an error message quotes it: JSON, cut at 80 characters; `missing` for nothing at all. */
export function describeValue(value: unknown, missing = "nothing"): string {
    const text = JSON.stringify(value);
    return text === undefined ? missing : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A path below `start` as configuration spells it: `sites[0].domainName`. */
export function keyPath(path: readonly PropertyKey[], start = ""): string {
    return path.map(String).reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc === "" ? p : `${acc}.${p}`), start);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
    return path.reduce<unknown>((v, p) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p] : undefined), value);
}

function problemsOf(error: z.ZodError, value: unknown, prefix: readonly PropertyKey[]): string[] {
    return error.issues.map((issue) => {
        const at = keyPath([...prefix, ...issue.path]);
        // A rule of the whole section names no key, and its value is the section: the message says what to set.
        return at === "" ? issue.message : `${at}: ${issue.message}; got ${describeValue(valueAt(value, issue.path))}`;
    });
}

/**
 * A component's arguments with its declaration's defaults applied and checked against the declaration, so a
 * component built by another program gets the same defaults and the same errors (naming the component and the key)
 * as a stack file. An Output (at any depth: a subnet id in a list, a site's zone) is passed through as it is and
 * everything around it is checked and defaulted as declared; the rules between keys still run, seeing it as set,
 * and only what they say about the Output's own value is left to deployment.
 */
export function resolveArgs<D extends Declaration, Inputs extends string = never>(name: string, declaration: D, args: ArgsOf<D, Inputs>): ResolvedArgs<D, Inputs> {
    const given = args as Record<string, unknown>;
    const resolved: Record<string, unknown> = { ...given };
    const problems: string[] = [];
    const shape = declaration.shape as Record<string, z.ZodType>;
    const unknown: Record<string, z.ZodType> = {};
    for (const [key, declared] of Object.entries(shape)) {
        if (key === "enabled") continue;
        const schema = holdsUnknown(given[key]) ? (unknown[key] = acceptingUnknowns(declared, given[key])) : declared;
        const result = schema.safeParse(given[key]);
        if (result.success) resolved[key] = result.data;
        else problems.push(...problemsOf(result.error, given[key], [key]));
    }
    if (problems.length === 0) {
        const declared = Object.fromEntries(Object.keys(shape).map((k) => [k, resolved[k]]));
        const check = Object.keys(unknown).length === 0 ? declaration : declaration.safeExtend(unknown);
        let result: ReturnType<typeof check.safeParse> | undefined;
        try {
            result = check.safeParse({ ...declared, enabled: true });
        } catch {
            // A rule that computes on an Output's value cannot run before deployment; the per-key checks stand.
            result = undefined;
        }
        if (result && !result.success) {
            // What a rule says at an Output (or at the object or list holding it) waits for the Output's value.
            const known = new z.ZodError(result.error.issues.filter((issue) => issue.path.length === 0 || !holdsUnknown(valueAt(declared, issue.path))));
            problems.push(...problemsOf(known, declared, []));
        }
    }
    if (problems.length > 0) throw new Error(`${name}: ${problems.join("; ")}`);
    return resolved as ResolvedArgs<D, Inputs>;
}

/** The stack outputs of `component`: the named fields, in that order. */
export function pick<C, K extends keyof C>(component: C, keys: readonly K[]): { [P in K]: C[P] } {
    return Object.fromEntries(keys.map((k) => [k, component[k]])) as { [P in K]: C[P] };
}

/** Every validated setting of the stack, for the few outputs that say how two scenarios work together. */
export type AllSettings = GlobalSettings & Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** One line of the registry: a scenario's config key, its declaration, and how its component and outputs are built. */
export interface Scenario<K extends string = string, D extends Declaration = Declaration> {
    /** The stack configuration section, `aws-blueprints:<key>`, and the stack output of the same name. */
    readonly key: K;
    /** Its row in the README's scenario table (generated): the reference architecture's number there, and its title. */
    readonly readme: { readonly number: number; readonly title: string };
    readonly declaration: D;
    /** Builds the component from the validated section (without `enabled`) and the shared settings; returns its stack outputs. */
    readonly build: (settings: Without<z.output<D>, "enabled">, shared: BlueprintArgs, all: AllSettings) => Record<string, unknown>;
    /** Rules between the section and the global keys, each naming the section's key it reports on. */
    readonly checkWithGlobals?: (settings: z.output<D>, globals: GlobalSettings) => readonly { readonly key: string; readonly message: string }[];
}

export function defineScenario<const K extends string, D extends Declaration>(scenario: Scenario<K, D>): Scenario<K, D> {
    return scenario;
}

/** The scenario's stack outputs when its section is enabled, otherwise undefined (nothing is built). */
export function buildEnabled(scenario: Scenario<string, any>, all: GlobalSettings, shared: BlueprintArgs): Record<string, unknown> | undefined {
    const { enabled, ...own } = (all as unknown as AllSettings)[scenario.key] as { enabled: boolean };
    return enabled ? scenario.build(own, shared, all as unknown as AllSettings) : undefined;
}
