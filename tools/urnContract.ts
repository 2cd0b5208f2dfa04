// npm run contract: the URN contract of the package's public components (urn-contract.json). A program that builds a
// component named N has, in its state, the component's URN (`<parents>$<token>::N`) and one per child
// (`<parents>$<token>$<child types>::<child name>`); renaming a token or a child without an alias makes `pulumi up`
// replace what that program deployed. The file lists, for every exported component class, its type token and the
// children it registers, each by its name relative to N (`{name}-interruptions`) and its types below the component;
// the union over every instance in the test stack `all` (every scenario on). `npm run contract -- --check` (and npm
// test) name each old URN that nothing registers and no alias covers, and say how to fix it.
import * as pulumi from "@pulumi/pulumi";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { RecordedResource, ROOT, runStack } from "../engine/evaluate";
import { engineUrns, parseUrn, projectName, UrnResolver } from "./plan";
import { defineCommand, Io, main, Values, writeOrCheck } from "./cli";
import { componentClassesIn } from "./registry";

export const CONTRACT_FILE = path.join(ROOT, "urn-contract.json");
/** The stack whose evaluation the contract is read from: every scenario on. */
export const CONTRACT_STACK = "all";
const NAME = "{name}";

export interface UrnContract {
    readonly stack: string;
    /** By type token: each child's name relative to the component's (`{name}-...`) and the type chains registered under it. */
    readonly components: Readonly<Record<string, { readonly children: Readonly<Record<string, readonly string[]>> }>>;
}

/** The type tokens of the component classes the package exports (lib/index.ts), read from the classes' sources. */
export function publicTokens(): Set<string> {
    const exported = require("../lib") as Record<string, unknown>;
    const classes = new Set(
        Object.entries(exported)
            .filter(([, v]) => typeof v === "function" && (v as { prototype: unknown }).prototype instanceof pulumi.ComponentResource)
            .map(([k]) => k),
    );
    const files = [
        ...readdirSync(path.join(ROOT, "components")).map((f) => path.join("components", f)),
        ...readdirSync(path.join(ROOT, "scenarios"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join("scenarios", e.name, "component.ts")),
    ].filter((f) => f.endsWith(".ts"));
    const tokens = new Set<string>();
    for (const file of files) {
        for (const c of componentClassesIn(readFileSync(path.join(ROOT, file), "utf8"))) if (classes.has(c.className)) tokens.add(c.token);
    }
    return tokens;
}

/** The contract of `tokens` as `resources` (one evaluation of a stack) show it. */
export function contractOf(stack: string, resources: readonly RecordedResource[], tokens: ReadonlySet<string>): UrnContract {
    const urns = new UrnResolver(stack, projectName(), resources);
    const children = new Map<string, Map<string, Set<string>>>();
    for (const r of resources) {
        const own = parseUrn(urns.urn(r.urn));
        // Every component of a public token above r (r's ancestors, nearest first).
        for (let ancestor = urns.parentOf(r); ancestor; ancestor = urns.parentOf(ancestor)) {
            if (!tokens.has(ancestor.type)) continue;
            const base = parseUrn(urns.urn(ancestor.urn)).qualifiedType;
            const chain = own.qualifiedType.slice(base.length + 1);
            const relative = r.name.startsWith(ancestor.name) ? NAME + r.name.slice(ancestor.name.length) : r.name;
            const byName = children.get(ancestor.type) ?? new Map<string, Set<string>>();
            children.set(ancestor.type, byName);
            byName.set(relative, (byName.get(relative) ?? new Set()).add(chain));
        }
    }
    const missing = [...tokens].filter((t) => !resources.some((r) => r.type === t));
    if (missing.length > 0) throw new Error(`the stack ${stack} registers no component of ${missing.join(", ")}; the contract cannot describe it`);
    const components = Object.fromEntries(
        [...tokens].sort().map((token) => {
            const byName = children.get(token) ?? new Map<string, Set<string>>();
            return [token, { children: Object.fromEntries([...byName.keys()].sort().map((n) => [n, [...byName.get(n)!].sort()])) }];
        }),
    );
    return { stack, components };
}

export function serializeContract(contract: UrnContract): string {
    return `${JSON.stringify(contract, null, 2)}\n`;
}

const FIX =
    "add an alias to the renamed resource (`aliases: [{ name: <old name> }]` or `{ type: <old type> }`, see " +
    "https://www.pulumi.com/docs/iac/concepts/options/aliases/), or, if the break is intended, run `npm run contract` " +
    "and note it in CHANGELOG.md as a breaking change (a new major version)";

/**
 * Every URN of the committed contract that the current evaluation neither registers nor covers with an alias: for
 * a token, at least one instance (own URN or an alias of one) must carry each committed child.
 */
export function contractBreaks(committed: UrnContract, stack: string, resources: readonly RecordedResource[]): string[] {
    const project = projectName();
    const urns = new UrnResolver(stack, project, resources);
    const known = engineUrns(stack, project, resources);
    const breaks: string[] = [];
    for (const [token, { children }] of Object.entries(committed.components)) {
        // An instance's URN now, or the old URN an alias of it keeps (a token renamed under an alias).
        const instances = resources.flatMap((r) => {
            const all = [urns.urn(r.urn), ...urns.aliases(r)];
            return all.filter((u) => parseUrn(u).qualifiedType.split("$").pop() === token);
        });
        if (instances.length === 0) {
            breaks.push(`${token}: no component registers this type token in the stack ${stack}, and no alias covers its URNs (\`urn:pulumi:<stack>::<project>::...${token}::<name>\`); ${FIX}`);
            continue;
        }
        for (const [relative, chains] of Object.entries(children)) {
            for (const chain of chains) {
                const expected = instances.map((base) => {
                    const b = parseUrn(base);
                    return `urn:pulumi:${b.stack}::${b.project}::${b.qualifiedType}$${chain}::${relative.split(NAME).join(b.name)}`;
                });
                if (!expected.some((u) => known.has(u))) {
                    breaks.push(`${token}: its child ${relative} (${chain}) is gone: ${expected[0]} is neither registered nor covered by an alias; ${FIX}`);
                }
            }
        }
    }
    return breaks;
}

function readContract(): UrnContract {
    return JSON.parse(readFileSync(CONTRACT_FILE, "utf8")) as UrnContract;
}

/** A generator of the shared shape: its files, what it writes, and what is stale or broken. */
export const contractGenerator = {
    name: "contract",
    files: [CONTRACT_FILE],
    async generate(): Promise<void> {
        writeFileSync(CONTRACT_FILE, serializeContract(contractOf(CONTRACT_STACK, (await runStack(CONTRACT_STACK)).resources, publicTokens())));
    },
    /** Breaks of the contract first (each says how to fix it); otherwise whether the file is stale (new children or tokens). */
    async check(): Promise<string[]> {
        const { resources } = await runStack(CONTRACT_STACK);
        const committed = readContract();
        const breaks = contractBreaks(committed, CONTRACT_STACK, resources);
        if (breaks.length > 0) return breaks.map((b) => `urn-contract.json: ${b}`);
        const current = serializeContract(contractOf(CONTRACT_STACK, resources, publicTokens()));
        return current === serializeContract(committed) ? [] : ["urn-contract.json is stale (a public component registers children or tokens it does not list); run npm run contract"];
    },
};

export const contractCommand = defineCommand({
    invocation: "npm run contract --",
    summary: "Write urn-contract.json, the type tokens and child names of the package's public components, from the stack all.",
    options: { check: { type: "boolean", description: "write nothing; exit 1 naming every URN the program no longer keeps, or a stale file" } },
    notes: ["Exit codes: 0 written or up to date, 1 broken or stale (with --check) or a program error, 2 unusable command line."],
});

export async function contract(values: Values<typeof contractCommand.options>, io: Io): Promise<number> {
    return writeOrCheck(contractGenerator, values.check, io, ROOT);
}

if (require.main === module) main(contractCommand, contract);
