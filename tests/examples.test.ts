import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { findDocumentationOnlyValues } from "../components/documentationValues";
import { CONFIG_NAMESPACES, PROJECT } from "../components/settings";
import { SCENARIO_KEYS } from "../scenarios";
import { ROOT } from "../engine/evaluate";
import { DEPLOYER, exampleFile, exampleScenarios, filledExample, markedValues, realisticValue, runExample } from "../engine/examples";

function toConfig(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

describe("example stack files (scenarios/<configKey>/example.yaml)", function () {
    this.timeout(5 * 60 * 1000);
    const scenarios = exampleScenarios();

    it("there is one per scenario section", () => {
        assert.deepEqual(scenarios, [...SCENARIO_KEYS].sort());
    });

    for (const scenario of scenarios) {
        const file = exampleFile(scenario);
        describe(file, () => {
            const text = readFileSync(path.join(ROOT, file), "utf8");
            const doc = parseDocument(text);
            const config = (doc.toJS().config ?? {}) as Record<string, unknown>;
            const marked = markedValues(doc.get("config"), "", new Map());

            it("turns on its scenario alone and leaves the region to pulumi config set", () => {
                assert.deepEqual(Object.keys(doc.toJS()), ["config"]);
                const sections = Object.keys(config).filter((k) => SCENARIO_KEYS.includes(k.slice(PROJECT.length + 1)));
                assert.deepEqual(sections, [`${PROJECT}:${scenario}`]);
                assert.equal((config[`${PROJECT}:${scenario}`] as { enabled?: boolean }).enabled, true);
                assert.equal(config["aws:region"], undefined);
                assert.match(text, new RegExp(`cp scenarios/${scenario}/example\\.yaml|Copy to Pulumi\\.<name>\\.yaml`));
            });

            it("marks every documentation-only value with # SET:, and marks nothing else", () => {
                const placeholders = findDocumentationOnlyValues(toConfig(config), CONFIG_NAMESPACES).map((v) => v.key);
                assert.deepEqual([...marked.keys()].sort(), placeholders.sort());
                for (const [key, scalar] of marked) assert.notEqual(realisticValue(String(scalar.value)), scalar.value, `the example runs fill in ${key}`);
            });

            it("filled in, pulumi up accepts it and builds only that scenario", async () => {
                assert.deepEqual(findDocumentationOnlyValues(toConfig(filledExample(scenario)), CONFIG_NAMESPACES), []);
                const run = await runExample(scenario);
                assert.deepEqual(SCENARIO_KEYS.filter((k) => run.exports[k] !== undefined), [scenario]);
                assert.ok(run.resources.length > 1);
                // Explicit providers do not read the stack's aws: settings by themselves; each must be given them.
                const providers = run.resources.filter((r) => r.type === "pulumi:providers:aws");
                if (scenario === "multiRegionApi") assert.deepEqual(providers.map((p) => p.inputs.region).sort(), ["us-east-1", "us-west-2"]);
                for (const provider of providers) {
                    assert.equal(provider.inputs.profile, DEPLOYER["aws:profile"], provider.name);
                    assert.deepEqual(JSON.parse(provider.inputs.assumeRoles), DEPLOYER["aws:assumeRoles"], provider.name);
                    assert.deepEqual(JSON.parse(provider.inputs.allowedAccountIds), DEPLOYER["aws:allowedAccountIds"], provider.name);
                }
            });
        });
    }
});
