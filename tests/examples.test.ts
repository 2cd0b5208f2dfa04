import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { isMap, isScalar, isSeq, parseDocument, Scalar } from "yaml";
import { findDocumentationOnlyValues, PROJECT } from "../components/settings";
import { SCENARIO_KEYS } from "../scenarios";
import { ROOT, runProgram } from "../engine/evaluate";

const SCENARIOS = path.join(ROOT, "scenarios");
const exampleFile = (key: string) => path.join("scenarios", key, "example.yaml");

/** Realistic values for what the examples mark `# SET:` (none reserved for documentation). */
const FILL: Record<string, string> = {
    notificationEmail: "platform-alerts@acme-widgets.com",
    "windowsContainers.ingressCidrs[0]": "84.17.32.0/24",
    "multiRegionApi.domainName": "api.acme-widgets.com",
    "multiRegionApi.hostedZoneId": "Z06312952LQ7VTYR4NV3A",
    "compliantWebApp.hostedZoneId": "Z06312952LQ7VTYR4NV3A",
    "compliantWebApp.sites[0].domainName": "www.acme-widgets.com",
    "compliantWebApp.internalDomainName": "app-internal.acme-widgets.com",
    "sniLoadBalancer.hostedZoneId": "Z06312952LQ7VTYR4NV3A",
    "sniLoadBalancer.sites[0].domainName": "shop.acme-widgets.com",
    "sniLoadBalancer.sites[1].domainName": "blog.acme-widgets.com",
};

/** The `# SET:`-marked scalars of a stack file, by config path (`aws-blueprints:x.sites[0].domainName`). */
function markedValues(node: unknown, at: string, out: Map<string, Scalar>): Map<string, Scalar> {
    if (isMap(node)) {
        for (const pair of node.items) {
            const key = `${at}${at && !at.endsWith(":") ? "." : ""}${String((pair.key as Scalar).value)}`;
            if (isScalar(pair.value) && /^\s*SET:/.test(pair.value.comment ?? "")) out.set(key, pair.value);
            markedValues(pair.value, key, out);
        }
    } else if (isSeq(node)) {
        node.items.forEach((item, i) => {
            if (isScalar(item) && /^\s*SET:/.test(item.comment ?? "")) out.set(`${at}[${i}]`, item);
            markedValues(item, `${at}[${i}]`, out);
        });
    }
    return out;
}

/** A deployment through a named profile and an assumed role into an allowed account: every provider must carry them. */
const DEPLOYER = {
    "aws:profile": "acme-platform",
    "aws:assumeRoles": [{ roleArn: "arn:aws:iam::210987654321:role/blueprints-deployer", sessionName: "pulumi-up" }],
    "aws:allowedAccountIds": ["210987654321"],
};

function toConfig(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

describe("example stack files (scenarios/<configKey>/example.yaml)", function () {
    this.timeout(5 * 60 * 1000);
    const scenarios = readdirSync(SCENARIOS).filter((d) => existsSync(path.join(ROOT, exampleFile(d)))).sort();

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
                const placeholders = findDocumentationOnlyValues(toConfig(config)).map((v) => v.key);
                assert.deepEqual([...marked.keys()].sort(), placeholders.sort());
                for (const key of marked.keys()) assert.ok(FILL[key.slice(PROJECT.length + 1)], `the test has a value for ${key}`);
            });

            it("filled in, pulumi up accepts it and builds only that scenario", async () => {
                const copy = parseDocument(text);
                for (const [key, scalar] of markedValues(copy.get("config"), "", new Map())) scalar.value = FILL[key.slice(PROJECT.length + 1)];
                const filled = copy.toJS().config as Record<string, unknown>;
                assert.deepEqual(findDocumentationOnlyValues(toConfig(filled)), []);
                const run = await runProgram("example", { ...filled, ...DEPLOYER, "aws:region": "eu-west-1" }, {
                    stackFile: file,
                    preview: false,
                });
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
