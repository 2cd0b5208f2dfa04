// The account model (checks/account/): the committed stacks and the examples deployed side by side into one
// simulated account, updated with the settings users routinely change, destroyed, and deployed alone into a fresh
// account. Every run is shared with the other whole-stack tests (runStack, runExample) except the second copies and
// the updated runs, which only this file evaluates.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { isMap, isScalar, isSeq, parseDocument, Scalar } from "yaml";
import { Account, Finding, Leftover, leftovers, replacements, selects, StackDeployment, typesWithoutRows } from "../checks/account/model";
import { OUTSIDE_KINDS, TYPE_FACTS } from "../checks/account/facts";
import { REPLACEMENTS } from "../checks/account/replacements";
import { EXISTING_LOOKUPS, LOOKED_UP_ELSEWHERE, typesNeedingLookup } from "../preflight/existing";
import { PROJECT } from "../components/settings";
import { ProgramRun, ROOT, runProgram, runStack, STACK_DIRS } from "../engine/evaluate";
import { SCENARIOS } from "../scenarios";
import { EXAMPLE_REGION, exampleFile, filledExample, runExample } from "../engine/examples";

const COMMITTED = readdirSync(ROOT).filter((f) => /^Pulumi\.[a-z0-9-]+\.yaml$/.test(f)).map((f) => f.slice("Pulumi.".length, -".yaml".length)).sort();
const TEST_STACKS = readdirSync(STACK_DIRS[1]).filter((f) => /^Pulumi\.[a-z0-9-]+\.yaml$/.test(f)).map((f) => f.slice("Pulumi.".length, -".yaml".length));
const EXAMPLES = SCENARIOS.map((s) => s.key).filter((k) => existsSync(path.join(ROOT, exampleFile(k))));

const stackFileText = (stack: string) => readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");

/** Collisions left once a stack file's own words are taken into account: a billed second trail it documents. */
function undocumented(findings: readonly Finding[], text: string): string[] {
    const comments = text.split("\n").filter((l) => l.trim().startsWith("#")).join(" ");
    const billedTrailDocumented = /trail/i.test(comments) && /billed/i.test(comments);
    return findings.filter((f) => !(f.kind === "billed-copy" && billedTrailDocumented)).map((f) => f.message);
}

function deployment(run: ProgramRun, region: string): StackDeployment {
    return { stack: run.stack, region, resources: run.resources };
}

/**
 * What a stack file says a second stack in the same account sets instead: scalars commented `# SHARED: <value>` (where
 * AWS allows one of a thing per account or region, the first stack creates it and the others rely on it).
 */
function sharedOverrides(text: string, config: Record<string, any> = parseDocument(text).toJS().config): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const walk = (node: unknown, at: string[]) => {
        if (isMap(node)) {
            for (const pair of node.items) {
                const key = String((pair.key as Scalar).value);
                const m = isScalar(pair.value) ? /SHARED:\s*(\S+)/.exec(pair.value.comment ?? "") : null;
                if (m) out[[...at, key].join(".")] = JSON.parse(m[1]);
                walk(pair.value, [...at, key]);
            }
        } else if (isSeq(node)) node.items.forEach((item) => walk(item, at));
    };
    walk(parseDocument(text).get("config"), []);
    // A nested key is set by overriding its whole top-level section.
    const sections: Record<string, unknown> = {};
    for (const [dotted, value] of Object.entries(out)) {
        const [top, ...rest] = dotted.split(".");
        if (rest.length === 0) {
            sections[top] = value;
            continue;
        }
        const section = (sections[top] ??= structuredClone(config[top])) as Record<string, any>;
        let at = section;
        for (const k of rest.slice(0, -1)) at = at[k];
        at[rest[rest.length - 1]] = value;
    }
    return sections;
}

/** A configuration whose domain names start with `copy-`. */
function renamed(value: any, key = ""): any {
    if (typeof value === "string") return /domain|alternativeNames/i.test(key) && value.includes(".") && !value.includes("@") ? `copy-${value}` : value;
    if (Array.isArray(value)) return value.map((v) => renamed(v, key));
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamed(v, k)]));
    return value;
}

/** The zod schema at a path of a declaration, unwrapped from defaults and optionals. */
function schemaAt(schema: any, keys: readonly string[]): any {
    let def = schema?._zod?.def;
    while (def && ["default", "optional", "prefault", "nullable", "pipe"].includes(def.type)) def = (def.innerType ?? def.in)?._zod?.def;
    if (keys.length === 0) return def;
    if (def?.type === "object") return schemaAt(def.shape[keys[0]], keys.slice(1));
    return undefined;
}

/**
 * The settings a user routinely changes, changed: every number (thresholds, sizes, schedules, retention), every
 * choice among fixed values (engine versions, price classes) and the notification email of each enabled section.
 * A change the declaration refuses (a divisor of 60, min below max) is left out.
 */
function routineChanges(config: Record<string, any>): { overrides: Record<string, unknown>; changed: string[] } {
    const overrides: Record<string, unknown> = { [`${PROJECT}:notificationEmail`]: "oncall-rotation@acme-widgets.com" };
    const changed = ["notificationEmail"];
    for (const scenario of SCENARIOS) {
        const key = `${PROJECT}:${scenario.key}`;
        const raw = config[key];
        if (!raw?.enabled) continue;
        const declaration = scenario.declaration as any;
        let value = declaration.parse(raw);
        const visit = (node: any, at: string[]) => {
            for (const [k, v] of Object.entries(node)) {
                const here = [...at, k];
                if (v && typeof v === "object" && !Array.isArray(v)) {
                    visit(v, here);
                    continue;
                }
                const def = schemaAt(declaration, here);
                // Choices users change in place: versions and classes (an architecture or a network layout is a redesign).
                const choice = def?.type === "enum" && /version|class/i.test(k);
                const candidates = typeof v === "number" ? [v * 2, v + 1, v - 1, v / 2] : choice ? Object.values(def.entries).filter((e) => e !== v) : [];
                for (const candidate of candidates) {
                    const next = structuredClone(value);
                    let target = next;
                    for (const p of here.slice(0, -1)) target = target[p];
                    target[k] = candidate;
                    if (declaration.safeParse(next).success) {
                        value = next;
                        changed.push(`${scenario.key}.${here.join(".")}`);
                        break;
                    }
                }
            }
        };
        visit(value, []);
        overrides[key] = value;
    }
    return { overrides, changed };
}

/** Where a leftover is documented: the page of the scenario whose component left it. */
function scenarioOfComponent(type: string | undefined): string | undefined {
    if (!type) return undefined;
    return SCENARIOS.map((s) => s.key).find((k) => readFileSync(path.join(ROOT, "scenarios", k, "component.ts"), "utf8").includes(`"${type}"`));
}

/** A leftover the scenario's page documents, with the command that removes it, under "Left behind by pulumi destroy". */
function documented(l: Leftover): boolean {
    const key = scenarioOfComponent(l.component);
    if (!key) return false;
    const page = readFileSync(path.join(ROOT, "scenarios", key, "README.md"), "utf8");
    const section = /## Left behind by `pulumi destroy`\n([\s\S]*?)(\n## |$)/.exec(page)?.[1] ?? "";
 const words = l.what.toLowerCase().split(/\s+/).filter((w) => /^[a-z]{4,}$/.test(w) && w !== "cloudwatch").map((w) => w.replace(/s$/, ""));
    return words.some((w) => section.toLowerCase().includes(w)) && /`aws [a-z0-9-]+ [a-z0-9-]+/.test(section);
}

describe("account model (checks/account)", function () {
    this.timeout(5 * 60 * 1000);

    describe("tables", () => {
        it("every type a stack or an example creates has a row of facts and of replacing inputs, and the preflight looks up what it names or holds once", async () => {
            const runs: ProgramRun[] = [];
            // One evaluation at a time: the mocks record into one list.
            for (const stack of [...COMMITTED, ...TEST_STACKS]) runs.push(await runStack(stack));
            for (const key of EXAMPLES) runs.push(await runExample(key));
            const missing = [...new Set(runs.flatMap((r) => typesWithoutRows(r.resources)))];
            assert.deepEqual(missing, []);
            const needed = [...new Set(runs.flatMap((r) => typesNeedingLookup(r.resources)))];
            assert.deepEqual(needed.filter((t) => !EXISTING_LOOKUPS[t] && !LOOKED_UP_ELSEWHERE[t]), [], "types without a lookup in preflight/existing.ts: a real account may hold one already");
            for (const type of Object.keys(EXISTING_LOOKUPS)) {
                const facts = TYPE_FACTS[type];
                assert.ok(facts && (facts.singleton || (facts.name && facts.scope !== "parent" && facts.scope !== "generated")), `${type}: a lookup for a type whose facts give it no chosen name and no singleton`);
            }
        });

        it("every row cites its source", () => {
            for (const [type, facts] of Object.entries(TYPE_FACTS)) {
                assert.match(facts.doc, /^https:\/\/docs\.aws\.amazon\.com\//, type);
            }
            for (const [type, row] of Object.entries(REPLACEMENTS)) {
                assert.match(row.source, /^internal\/service\/[a-z0-9]+ (func|method)\./, type);
                assert.match(row.terraform, /^aws_[a-z0-9_]+$/, type);
            }
            for (const kind of OUTSIDE_KINDS) assert.match(kind.doc, /^https:\/\/docs\.aws\.amazon\.com\//, kind.what);
        });
    });

    describe("what the model finds (fixtures)", () => {
        const base = (over: Partial<RecordedLike>): RecordedLike => ({ urn: "u", type: "aws:sqs/queue:Queue", name: "q", custom: true, protect: false, retainOnDelete: false, aliases: [], dependencies: [], propertyDependencies: {}, inputs: {}, outputs: {}, ...over });
        type RecordedLike = Parameters<typeof leftovers>[0][number];

        it("an explicit name taken by another stack, a singleton claimed twice, a type without a row", () => {
            const a = [base({ urn: "a1", type: "aws:budgets/budget:Budget", inputs: { name: "team" } }), base({ urn: "a2", type: "aws:cfg/recorder:Recorder" })];
            const account = new Account();
            assert.deepEqual(account.deploy({ stack: "a", region: "us-east-1", resources: a }), []);
            const kinds = account.deploy({ stack: "b", region: "us-east-1", resources: a }).map((f) => f.kind).sort();
            assert.deepEqual(kinds, ["name", "singleton"]);
            assert.deepEqual(new Account().deploy({ stack: "c", region: "us-east-1", resources: [base({ type: "aws:xray/group:Group" })] }).map((f) => f.kind), ["unknown-type"]);
            // Auto-named resources never collide, and a singleton in another region is another one.
            const b = new Account();
            b.deploy({ stack: "a", region: "us-east-1", resources: [base({ type: "aws:cfg/recorder:Recorder" }), base({ urn: "q" })] });
            assert.deepEqual(b.deploy({ stack: "b", region: "eu-west-1", resources: [base({ type: "aws:cfg/recorder:Recorder" }), base({ urn: "q" })] }), []);
        });

        it("a tag-conditioned policy selects another stack's tagged resource; a creation-only one does not", () => {
            const sg = "arn:aws:ec2:us-east-1:123456789012:security-group/*";
            assert.ok(selects({ owner: "a", source: "p", arnPattern: sg, tags: { guard: "revert" }, actions: [] }, { arn: sg.replace("*", "sg-1"), tags: { guard: "revert" }, label: "x" }));
            assert.ok(!selects({ owner: "a", source: "p", arnPattern: sg, tags: { guard: "dev" }, actions: [] }, { arn: sg.replace("*", "sg-1"), tags: { guard: "prod" }, label: "x" }));
            const policy = (Condition: unknown) => base({ type: "aws:iam/rolePolicy:RolePolicy", name: "p", inputs: { role: "r", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "ec2:DeleteSnapshot", Resource: "arn:aws:ec2:us-east-1::snapshot/*", Condition }] }) } });
            const account = new Account();
            account.deploy({ stack: "a", region: "us-east-1", resources: [policy(undefined)] });
            const creator = base({ type: "aws:iam/rolePolicy:RolePolicy", name: "c", inputs: { role: "r", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "ec2:CreateSnapshots", Resource: "arn:aws:ec2:us-east-1::snapshot/*", Condition: { StringEquals: { "aws:RequestTag/m": "b" } } }] }) } });
            assert.deepEqual(account.deploy({ stack: "b", region: "us-east-1", resources: [creator] }).map((f) => f.kind), ["selector"]);
        });

        it("replacements come from the provider's replacing inputs; ignored inputs are left out", () => {
            const before = [base({ type: "aws:lambda/function:Function", inputs: { name: "a", memorySize: 128 } }), base({ urn: "t", type: "aws:dynamodb/tableItem:TableItem", inputs: { item: "1", tableName: "t" }, ignoreChanges: ["item"] })];
            const after = [base({ type: "aws:lambda/function:Function", inputs: { name: "b", memorySize: 256 } }), base({ urn: "t", type: "aws:dynamodb/tableItem:TableItem", inputs: { item: "2", tableName: "t" }, ignoreChanges: ["item"] })];
            assert.deepEqual(replacements(before, after).map((r) => r.inputs), [["name"]]);
        });

        it("a destroy leaves snapshots a role creates unless a cleanup invocation holds the deleting action", () => {
            const role = (name: string, actions: string[]) => base({ type: "aws:iam/rolePolicy:RolePolicy", name: `${name}-policy`, inputs: { role: name, policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] }) } });
            const creates = [role("runner", ["ec2:CreateSnapshots"])];
            assert.deepEqual(leftovers(creates).map((l) => l.what), ["EBS snapshots"]);
            const cleaned = [
                ...creates,
                role("cleaner", ["ec2:DeleteSnapshot"]),
                base({ type: "aws:lambda/function:Function", inputs: { role: "arn:aws:iam::123456789012:role/cleaner" }, outputs: { name: "fn" } }),
                base({ type: "aws:lambda/invocation:Invocation", inputs: { functionName: "fn", lifecycleScope: "CRUD" } }),
            ];
            assert.deepEqual(leftovers(cleaned), []);
        });
    });

    describe("side by side in one account and region", () => {
        for (const stack of COMMITTED) {
            it(`${stack} and a copy of Pulumi.${stack}.yaml under another stack name (cp Pulumi.${stack}.yaml Pulumi.copy.yaml)`, async () => {
                const text = stackFileText(stack);
                const region = String(parseDocument(text).toJS().config["aws:region"]);
                const first = await runStack(stack);
                // The copy's own names in the hosted zone, as its owner would set them.
                const config = renamed(parseDocument(text).toJS().config);
                const copy = await runProgram("copy", { ...config, ...sharedOverrides(text, config) }, { stackFile: `Pulumi.${stack}.yaml` });
                const account = new Account();
                assert.deepEqual(account.deploy(deployment(first, region)), []);
                assert.deepEqual(undocumented(account.deploy(deployment(copy, region)), text), []);
            });
        }

        it("dev and prod (prod owns what exists once; dev sets what its file marks # SHARED)", async () => {
            const prod = await runStack("prod");
            const devText = stackFileText("dev");
            const dev = await runProgram("dev", sharedOverrides(devText));
            const region = String(parseDocument(devText).toJS().config["aws:region"]);
            const account = new Account();
            assert.deepEqual(account.deploy(deployment(prod, region)).map((f) => f.message), []);
            assert.deepEqual(undocumented(account.deploy(deployment(dev, region)), devText), []);
        });

        for (const key of EXAMPLES) {
            it(`two copies of scenarios/${key}/example.yaml`, async () => {
                const text = readFileSync(path.join(ROOT, exampleFile(key)), "utf8");
                const first = await runExample(key);
                const second = await runExample(key, "example-b", { ...filledExample(key, "copy-"), ...sharedOverrides(text, filledExample(key, "copy-")) });
                const account = new Account();
                assert.deepEqual(account.deploy(deployment(first, EXAMPLE_REGION)), []);
                assert.deepEqual(undocumented(account.deploy(deployment(second, EXAMPLE_REGION)), text), []);
            });
        }
    });

    describe("a fresh account (only aws:region and notificationEmail set)", () => {
        const check = (stack: string, run: ProgramRun, region: string, text: string) => {
            const account = new Account();
            account.deploy(deployment(run, region));
            const unmet = account.unmet(stack).filter(({ prerequisite }) => !text.split("\n").some((line) => line.trim().startsWith("#") && prerequisite.keyword.test(line)));
            assert.deepEqual(
                unmet.map(({ prerequisite, resource }) => `${resource} needs ${prerequisite.needs}; provided by ${prerequisite.settings}, or the stack file says in a comment that it is not`),
                [],
            );
        };
        for (const stack of COMMITTED) {
            it(`Pulumi.${stack}.yaml does its job, or says what it does not do there`, async () => {
                const text = stackFileText(stack);
                check(stack, await runStack(stack), String(parseDocument(text).toJS().config["aws:region"]), text);
            });
        }
        for (const key of EXAMPLES) {
            it(`scenarios/${key}/example.yaml does its job, or says what it does not do there`, async () => {
                check("example", await runExample(key), EXAMPLE_REGION, readFileSync(path.join(ROOT, exampleFile(key)), "utf8"));
            });
        }
    });

    describe("lifecycle: create, update the routine settings, destroy", () => {
        for (const stack of COMMITTED) {
            it(`${stack}: an update replaces nothing that holds data or is protected, and a destroy leaves nothing undocumented`, async () => {
                const text = stackFileText(stack);
                const config = parseDocument(text).toJS().config as Record<string, any>;
                const region = String(config["aws:region"]);
                const created = await runStack(stack);
                const { overrides, changed } = routineChanges(config);
                assert.ok(changed.length > 10, `routine changes: ${changed.join(", ")}`);
                const updated = await runProgram(stack, overrides);
                const account = new Account();
                account.deploy(deployment(created, region));
                const { replacements: replaced } = account.update(deployment(updated, region));
                assert.deepEqual(
                    replaced.filter((r) => r.holdsData || r.protect).map((r) => `${r.name} (${r.type}) replaced by a change of ${r.inputs.join(", ")}`),
                    [],
                );
                const left = account.destroy(stack).filter((l) => l.why !== "protected" && l.why !== "retained on delete");
                assert.deepEqual(left.filter((l) => l.costs && !documented(l)).map((l) => `${l.what} (${l.resource}): ${l.why}`), []);
            });
        }
        for (const key of EXAMPLES) {
            it(`scenarios/${key}/example.yaml: a destroy leaves nothing undocumented`, async () => {
                const left = leftovers((await runExample(key)).resources).filter((l) => l.costs && !documented(l));
                assert.deepEqual(left.map((l) => `${l.what} (${l.resource}): ${l.why}`), []);
            });
        }
    });
});
