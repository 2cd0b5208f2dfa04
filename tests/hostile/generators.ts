// Generators of hostile input for the handlers' property tests: strings a person or the internet may send, JSON
// values of every type, and mutations of a real-shaped event (fields removed, nulled, retyped, emptied, made very
// long or unicode, extra fields), so a property starts from what AWS really delivers and walks away from it.
import fc from "fast-check";

/** Names that collide with JavaScript's own: as object keys or values they reach prototypes and built-ins. */
export const JS_NAMES = [
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "valueOf",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "__defineGetter__",
    "__lookupGetter__",
    "then",
    "length",
    "name",
] as const;

/** Strings that have broken parsers before: empties, whitespace, control characters, number-like and path-like text. */
const AWKWARD = [
    "",
    " ",
    "\t\n",
    "\u0000",
    "\u007f",
    "null",
    "undefined",
    "NaN",
    "-1",
    "0",
    "1e309",
    "0x1f",
    "[object Object]",
    "%",
    "%E0%A4%A",
    "%00",
    "../",
    "//",
    "\\",
    "\u202e",
    "\ud800",
    "\udfff",
    "😀",
    "Ω≈ç√",
    "é",
    "ｆｕｌｌｗｉｄｔｈ",
    "a".repeat(300),
];

/** Any string a person or the internet could send, JavaScript's own names and very long ones included. */
export function hostileString(options: { maxLength?: number } = {}): fc.Arbitrary<string> {
    const maxLength = options.maxLength ?? 40;
    return fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...JS_NAMES) },
        { weight: 3, arbitrary: fc.constantFrom(...AWKWARD) },
        { weight: 4, arbitrary: fc.string({ maxLength }) },
        { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength }) },
        { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength }) },
        { weight: 1, arbitrary: veryLong() },
    );
}

/** A string far beyond any limit a field has (up to 100,000 characters), unicode or not. */
export function veryLong(): fc.Arbitrary<string> {
    return fc
        .tuple(fc.constantFrom("a", "7", " ", "é", "😀", "%41", "x:"), fc.integer({ min: 1_000, max: 100_000 }))
        .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));
}

/** Any JSON value: what a JSON event may hold where a field is expected, with hostile strings among them. */
export function hostileValue(): fc.Arbitrary<unknown> {
    return fc.oneof(
        { weight: 3, arbitrary: hostileString() },
        { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308) },
        { weight: 1, arbitrary: fc.integer() },
        { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
        { weight: 1, arbitrary: fc.constantFrom([], {}, [null], [""], { items: [] }) },
        { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
        { weight: 1, arbitrary: hostileObject() },
    );
}

/** An object whose keys are hostile: `__proto__` as an own key, as JSON.parse makes it, included. */
export function hostileObject(): fc.Arbitrary<Record<string, unknown>> {
    return fc
        .array(fc.tuple(hostileString({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })), { maxLength: 4 })
        .map((entries) => {
            const out: Record<string, unknown> = {};
            for (const [key, value] of entries) own(out, key, value);
            return out;
        });
}

/** Sets `key` as an own, enumerable property, as JSON.parse does (plain assignment of `__proto__` would not). */
export function own(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy through JSON, the way every event reaches a handler. */
export function jsonCopy<T>(value: T): T {
    return JSON.parse(JSON.stringify(value));
}

type Path = readonly (string | number)[];

/** Every path to a node under the root (object keys and array indices), the root itself excluded. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
    if (value === null || typeof value !== "object") return [];
    const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    return keys.flatMap((k) => [[...prefix, k], ...pathsOf((value as Record<string, unknown>)[k as string], [...prefix, k])]);
}

function parentOf(root: unknown, path: Path): Record<string, unknown> | unknown[] | undefined {
    let node = root as Record<string, unknown>;
    for (const k of path.slice(0, -1)) {
        node = node?.[k as string] as Record<string, unknown>;
        if (node === null || typeof node !== "object") return undefined;
    }
    return node;
}

/** Kinds of change a mutation makes at one node. */
export type MutationKind = "remove" | "null" | "retype" | "empty" | "long" | "unicode" | "hostile" | "extra";

export interface Mutation {
    readonly kind: MutationKind;
    /** Picks the node: an index into the paths of the event as it is when the mutation applies. */
    readonly at: number;
    readonly value: unknown;
    readonly text: string;
}

const KINDS: readonly MutationKind[] = ["remove", "null", "retype", "empty", "long", "unicode", "hostile", "extra"];

function emptyOf(value: unknown): unknown {
    if (typeof value === "string") return "";
    if (Array.isArray(value)) return [];
    if (typeof value === "number") return 0;
    if (value !== null && typeof value === "object") return {};
    return "";
}

function lengthen(value: unknown, text: string): unknown {
    if (typeof value === "string") return (value || "x").repeat(Math.ceil(20_000 / Math.max(1, value.length)));
    if (Array.isArray(value)) return Array.from({ length: 1_000 }, (_, i) => value[i % Math.max(1, value.length)] ?? text);
    if (typeof value === "number") return Number.MAX_SAFE_INTEGER;
    return text.repeat(Math.ceil(20_000 / Math.max(1, text.length)));
}

/** The largest event a mutation may make, serialized: AWS delivers events up to 256 KB (1 MB leaves room to spare). */
const MAX_EVENT_CHARS = 1_000_000;

/** Applies one mutation to a copy of `root` (an object or array); one that would exceed any real event's size is skipped. */
export function applyMutation(root: unknown, m: Mutation): unknown {
    const mutated = mutateInPlace(jsonCopy(root), m);
    return JSON.stringify(mutated).length > MAX_EVENT_CHARS ? root : mutated;
}

function mutateInPlace(root: unknown, m: Mutation): unknown {
    const paths = pathsOf(root);
    if (paths.length === 0) return root;
    const path = paths[m.at % paths.length];
    const parent = parentOf(root, path);
    if (parent === undefined) return root;
    const key = path[path.length - 1];
    const current = (parent as Record<string, unknown>)[key as string];
    switch (m.kind) {
        case "remove":
            if (Array.isArray(parent)) parent.splice(key as number, 1);
            else delete parent[key as string];
            break;
        case "null":
            own(parent, key, null);
            break;
        case "retype":
            own(parent, key, typeof m.value === typeof current ? (typeof current === "string" ? 12345 : String(current)) : m.value);
            break;
        case "empty":
            own(parent, key, emptyOf(current));
            break;
        case "long":
            own(parent, key, lengthen(current, m.text));
            break;
        case "unicode":
            own(parent, key, typeof current === "string" ? `${current}\u0301😀\u202e${m.text}` : m.text);
            break;
        case "hostile":
            own(parent, key, m.text);
            break;
        case "extra": {
            const target = current !== null && typeof current === "object" && !Array.isArray(current) ? (current as Record<string, unknown>) : parent;
            if (!Array.isArray(target)) own(target, m.text, m.value);
            break;
        }
    }
    return root;
}

/** One mutation: its kind, where, and the value or text it brings. */
export function mutation(): fc.Arbitrary<Mutation> {
    return fc.record({
        kind: fc.constantFrom(...KINDS),
        at: fc.nat({ max: 10_000 }),
        value: hostileValue(),
        text: hostileString(),
    });
}

/**
 * Variants of a real-shaped event: one to three mutations anywhere in it, or, now and then, something that is not
 * an object at all. The base is copied through JSON first, as every event reaches a handler.
 */
export function mutatedEvent(base: unknown): fc.Arbitrary<unknown> {
    return fc.oneof(
        { weight: 12, arbitrary: fc.array(mutation(), { minLength: 1, maxLength: 3 }).map((ms) => ms.reduce(applyMutation, jsonCopy(base))) },
        { weight: 1, arbitrary: fc.constantFrom(null, undefined, "", "{}", 0, [], [base], true) },
    );
}

/** Replaces the value at `path` of a copy of `base`: how a property puts a person's text into a real-shaped event. */
export function withValueAt<T>(base: T, path: Path, value: unknown): T {
    const copy = jsonCopy(base);
    const parent = parentOf(copy, path);
    if (parent !== undefined) own(parent, path[path.length - 1], value);
    return copy;
}
