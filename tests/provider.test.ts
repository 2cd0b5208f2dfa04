// The package as a component provider, through the provider's own interface: GetSchema answers the committed
// schema (which must match the declarations), and Construct of a component, started in another program's working
// directory, registers what the TypeScript program registers for the same settings, with the outputs the schema names.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { build, resolveDeep, ROOT, stackConfig, withoutTestRunnerGlobals } from "../engine/evaluate";
import type { RecordedResource } from "../engine/mocks";
import { BlueprintsProvider } from "../lib/provider";
import { parseSettings, SCENARIOS } from "../scenarios";
import { planFromResources } from "../tools/plan";
import { schemaDifferences, schemaGenerator } from "../tools/schema";

interface RegistryInputs {
    /** The component's inputs as its registry entry gives them: the shared arguments, the section and what the entry adds. */
    readonly inputs: Record<string, unknown>;
    readonly section: Record<string, unknown>;
    readonly shared: Record<string, unknown>;
    readonly all: Record<string, any>;
}

/**
 * The inputs of each scenario's component for the test stack `all`. What a registry entry adds to the section from
 * other settings is given as the input of the same name (the schema declares it); the comparison with the entry's
 * own build fails when it is not what the entry passes.
 */
function inputsFor(key: string): RegistryInputs {
    const config = stackConfig("all");
    const raw = Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith("aws-blueprints:")).map(([k, v]) => [k.slice("aws-blueprints:".length), v]));
    const all = parseSettings(raw, config["aws:region"], { stack: "all" }) as unknown as Record<string, any>;
    const section = Object.fromEntries(Object.entries(all[key] as Record<string, unknown>).filter(([k]) => k !== "enabled"));
    const shared = { tags: all.tags, protect: all.protect, logRetentionDays: all.logRetentionDays, notificationEmail: all.notificationEmail };
    const added: Record<string, Record<string, unknown>> = {
        safeDeployPipeline: { stackNamePrefix: section.stackNamePrefix ?? `blueprints-${all.environment}-App-` },
    };
    return { inputs: { ...shared, ...section, ...added[key] }, section, shared, all };
}

async function planOf(resources: readonly RecordedResource[]) {
    return (await planFromResources("test", "aws-blueprints", resources)).resources;
}

describe("the component provider", () => {
    const provider = new BlueprintsProvider();
    const schema = JSON.parse(readFileSync(path.join(ROOT, "schema.json"), "utf8"));

    it("answers GetSchema with the committed schema.json, whose tokens are the components' own", async () => {
        assert.equal(await provider.getSchema(), readFileSync(path.join(ROOT, "schema.json"), "utf8"));
        assert.equal(Object.keys(schema.resources).length, SCENARIOS.length);
        assert.ok(schema.resources["aws-blueprints:compute:SpotFleet"].isComponent);
    });

    it("schema.json is what the settings declarations generate", async () => {
        assert.deepEqual(await schemaGenerator.check(), []);
    });

    it("names the stale key when schema.json differs from the declarations", () => {
        const changed = structuredClone(schema);
        changed.resources["aws-blueprints:compute:SpotFleet"].inputProperties.desiredCapacity.default = 3;
        assert.deepEqual(schemaDifferences(changed, schema), ["resources.aws-blueprints:compute:SpotFleet.inputProperties.desiredCapacity.default"]);
    });

    for (const scenario of SCENARIOS) {
        const key = scenario.key;
        it(`Construct of ${key} registers what the TypeScript program registers, with the schema's outputs`, async function () {
            const token = Object.keys(schema.resources).find((t) => schema.resources[t].description.includes(`\`${key}\``))!;
            const { inputs, section, shared, all } = inputsFor(key);
            const declared = schema.resources[token].inputProperties as Record<string, unknown>;
            assert.deepEqual(Object.keys(inputs).filter((k) => !(k in declared)), [], `${key}: the schema declares every input Construct is given`);
            const direct = await withoutTestRunnerGlobals(() => build(() => scenario.build(section as never, shared, all as never)));
            const name = direct.resources.find((r) => r.type === token)!.name;
            // Pulumi starts the provider in the deploying program's directory.
            const elsewhere = mkdtempSync(path.join(tmpdir(), "aws-blueprints-provider-"));
            const previous = process.cwd();
            process.chdir(elsewhere);
            let state: Record<string, unknown> = {};
            let constructed: readonly RecordedResource[];
            try {
                ({ resources: constructed } = await withoutTestRunnerGlobals(() =>
                    build(() => provider.construct(name, token, inputs, {}).then(async (result) => (state = (await resolveDeep(result.state)) as Record<string, unknown>))),
                ));
            } finally {
                process.chdir(previous);
                rmSync(elsewhere, { recursive: true, force: true });
            }
            const plan = await planOf(constructed);
            assert.ok(Object.values(plan).some((r) => r.type === token) && Object.keys(plan).length > 5, `${key}: the component and its children`);
            assert.deepEqual(plan, await planOf(direct.resources));
            const outputs = schema.resources[token].properties as Record<string, { type?: string }>;
            assert.deepEqual(Object.keys(state).sort(), Object.keys(outputs).sort());
            for (const [output, value] of Object.entries(state)) {
                if (value === undefined) continue;
                const type = outputs[output].type;
                const actual = Array.isArray(value) ? "array" : typeof value === "number" ? (Number.isInteger(value) ? "integer" : "number") : typeof value;
                assert.ok(actual === type || (type === "number" && actual === "integer") || (type === "object" && actual === "object"), `${key}.${output}: ${actual}, the schema says ${type}`);
            }
        });
    }
});
