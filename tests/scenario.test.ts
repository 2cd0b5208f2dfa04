import * as pulumi from "@pulumi/pulumi";
import assert from "node:assert/strict";
import { z } from "zod";
import { ArgsOf, enabled, resolveArgs } from "../components/scenario";
import { SCENARIOS } from "../scenarios";

/** A small declaration with a default, a range, a key for other resources' values and a rule between keys. */
const sample = z
    .object({
        enabled: enabled(),
        size: z.number().int().min(1).max(10).default(2).describe("Size."),
        name: z.string().regex(/^[a-z]+$/, "must be lowercase letters").optional().describe("Name."),
        vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, "must be a VPC id").optional().describe("VPC."),
        largest: z.number().int().default(5).describe("Largest size."),
    })
    .strict()
    .superRefine((s, ctx) => {
        if (s.size > s.largest) ctx.addIssue({ code: "custom", path: ["size"], message: `must not exceed largest (${s.largest})`, input: s.size });
    });
type SampleArgs = ArgsOf<typeof sample, "vpcId">;
const resolve = (args: SampleArgs) => resolveArgs<typeof sample, "vpcId">("thing", sample, args);

describe("scenario declarations (components/scenario.ts)", () => {
    it("applies the declaration's defaults and keeps the shared arguments", () => {
        const s = resolve({ protect: true, name: "web" });
        assert.equal(s.size, 2);
        assert.equal(s.largest, 5);
        assert.equal(s.name, "web");
        assert.equal(s.protect, true);
    });

    it("refuses a bad value naming the component, the key, the rule and the value", () => {
        assert.throws(() => resolve({ size: 11 }), /^Error: thing: size: .*10.*; got 11$/);
        assert.throws(() => resolve({ name: "Web" }), /^Error: thing: name: must be lowercase letters; got "Web"$/);
    });

    it("applies the declaration's rules between keys when every value is known", () => {
        assert.throws(() => resolve({ size: 6 }), /^Error: thing: size: must not exceed largest \(5\); got 6$/);
    });

    it("runs the rules between keys with another resource's output counted as set", () => {
        const together = z
            .object({ enabled: enabled(), name: z.string().optional().describe("Name."), vpcId: z.string().optional().describe("VPC.") })
            .strict()
            .superRefine((s, ctx) => {
                if (s.vpcId !== undefined && s.name === undefined) ctx.addIssue({ code: "custom", path: ["name"], message: "is required with vpcId", input: undefined });
            });
        const vpcId = pulumi.output("vpc-0123");
        assert.throws(() => resolveArgs<typeof together, "vpcId">("thing", together, { vpcId }), /^Error: thing: name: is required with vpcId; got nothing$/);
        assert.equal(resolveArgs<typeof together, "vpcId">("thing", together, { vpcId, name: "web" }).vpcId, vpcId);
    });

    it("passes another resource's output through unchecked and still checks the other keys", () => {
        const vpcId = pulumi.output("not-checked-now");
        const s = resolve({ vpcId, size: 3 });
        assert.equal(s.vpcId, vpcId);
        assert.throws(() => resolve({ vpcId, name: "Web" }), /thing: name: must be lowercase letters/);
    });

    it("takes an output at a nested key and applies the declaration around it: defaults, sibling checks, list lengths", () => {
        const sites = z
            .object({
                enabled: enabled(),
                zoneId: z.string().regex(/^Z[A-Z0-9]+$/, "must be a zone id").optional().describe("Zone."),
                sites: z
                    .array(z.object({ domainName: z.string().regex(/^[a-z.]+$/, "must be a host name"), zoneId: z.string().regex(/^Z[A-Z0-9]+$/, "must be a zone id").optional(), port: z.number().default(443) }).strict())
                    .min(1, "must name a site")
                    .default([])
                    .describe("Sites."),
            })
            .strict()
            .superRefine((s, ctx) => {
                s.sites.forEach((site, i) => {
                    if (site.zoneId === undefined && s.zoneId === undefined) ctx.addIssue({ code: "custom", path: ["sites", i, "zoneId"], message: "is required", input: undefined });
                });
            });
        type Paths = "zoneId" | "sites.zoneId";
        const run = (args: ArgsOf<typeof sites, Paths>) => resolveArgs<typeof sites, Paths>("lb", sites, args);
        const zone = pulumi.output("Z123");
        const s = run({ sites: [{ domainName: "a.test", zoneId: zone }, { domainName: "b.test", zoneId: "Z9" }] });
        assert.equal(s.sites[0].zoneId, zone, "the output is passed through as it is");
        assert.deepEqual(s.sites.map((site) => site.port), [443, 443], "the defaults beside it apply");
        assert.throws(() => run({ sites: [{ domainName: "A!", zoneId: zone }] }), /^Error: lb: sites\[0\]\.domainName: must be a host name; got "A!"$/);
        assert.throws(() => run({ sites: [{ domainName: "a.test", zoneId: zone }, { domainName: "b.test", zoneId: "bad" }] }), /sites\[1\]\.zoneId: must be a zone id/);
        assert.throws(() => run({ zoneId: zone, sites: [] }), /^Error: lb: sites: must name a site; got \[\]$/);
        assert.throws(() => run({ sites: [{ domainName: "a.test", zoneId: zone }, { domainName: "b.test" }] }), /^Error: lb: sites\[1\]\.zoneId: is required; got nothing$/, "the rules between keys see the output as set");
        assert.equal(run({ zoneId: zone, sites: [{ domainName: "b.test" }] }).zoneId, zone);
    });

    it("every scenario's declaration starts with enabled, is strict and describes its top-level keys", () => {
        for (const scenario of SCENARIOS) {
            const shape = scenario.declaration.shape as Record<string, z.ZodType>;
            assert.equal(Object.keys(shape)[0], "enabled", scenario.key);
            assert.equal(scenario.declaration.safeParse({ noSuchKey: 1 }).success, false, `${scenario.key} accepts unknown keys`);
            const undescribed = Object.entries(shape).filter(([, schema]) => !z.globalRegistry.get(schema)?.description).map(([k]) => k);
            assert.deepEqual(undescribed, [], `${scenario.key}: keys without a description`);
        }
    });
});

/** What the development guide calls a screenful. */
const SCREENFUL = 70;

describe("scenario components follow the development guide's conventions", () => {
    const { readdirSync, readFileSync } = require("node:fs") as typeof import("node:fs");
    const path = require("node:path") as typeof import("node:path");
    const root = path.resolve(__dirname, "..", "scenarios");

    it("each component resolves its arguments with resolveArgs before it registers (super), so a bad argument creates nothing", () => {
        const late: string[] = [];
        for (const key of SCENARIOS.map((s) => s.key)) {
            const file = path.join(root, key, "component.ts");
            const text = readFileSync(file, "utf8");
            // The scenario's component: the first class whose constructor registers an `aws-blueprints:` type (parts it
            // builds from already resolved values, such as the multi-region API's per-region stacks, come after it).
            const constructor = /\n {4}constructor\([^]*?\n {8}super\("aws-blueprints:/.exec(text);
            assert.ok(constructor, `scenarios/${key}/component.ts registers no aws-blueprints component`);
            if (!constructor[0].includes("resolveArgs")) late.push(`scenarios/${key}/component.ts`);
        }
        assert.deepEqual(late, []);
        assert.ok(readdirSync(root).length > SCENARIOS.length);
    });

    it(`every constructor of a component fits a screen (${SCREENFUL} lines): a longer one reads as named private steps`, () => {
        const ts = require("typescript") as typeof import("typescript");
        const files = [
            ...readdirSync(path.join(root, "..", "components")).map((f) => path.join(root, "..", "components", f)),
            ...readdirSync(root, { recursive: true, encoding: "utf8" }).map((f) => path.join(root, f)),
        ].filter((f) => f.endsWith(".ts"));
        const long: string[] = [];
        let constructors = 0;
        for (const file of files) {
            const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
            const visit = (node: import("typescript").Node): void => {
                if (ts.isConstructorDeclaration(node) && node.body) {
                    constructors++;
                    const [start, end] = [node.getStart(source), node.getEnd()].map((p) => source.getLineAndCharacterOfPosition(p).line);
                    if (end - start + 1 > SCREENFUL) long.push(`${path.relative(path.join(root, ".."), file)}:${start + 1} (${end - start + 1} lines)`);
                }
                ts.forEachChild(node, visit);
            };
            visit(source);
        }
        assert.ok(constructors >= SCENARIOS.length);
        assert.deepEqual(long, []);
    });
});
