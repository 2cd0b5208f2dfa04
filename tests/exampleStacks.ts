// The example stack files (scenarios/<key>/example.yaml) filled in as a user would, and one evaluation of each per
// test process, shared by the tests that read them (the examples' own test and the constraints layer).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { isMap, isScalar, isSeq, parseDocument, Scalar } from "yaml";
import { PROJECT } from "../components/settings";
import { ProgramRun, ROOT, runProgram } from "../engine/evaluate";

const SCENARIOS = path.join(ROOT, "scenarios");

export const exampleFile = (key: string) => path.join("scenarios", key, "example.yaml");

/** The scenarios that have an example stack file. */
export function exampleScenarios(): string[] {
    return readdirSync(SCENARIOS).filter((d) => existsSync(path.join(ROOT, exampleFile(d)))).sort();
}

/** Realistic values for what the examples mark `# SET:` (none reserved for documentation). */
export const FILL: Record<string, string> = {
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
export function markedValues(node: unknown, at: string, out: Map<string, Scalar>): Map<string, Scalar> {
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

/** An example's configuration with its `# SET:` values filled in from FILL. */
export function filledExample(scenario: string): Record<string, unknown> {
    const copy = parseDocument(readFileSync(path.join(ROOT, exampleFile(scenario)), "utf8"));
    for (const [key, scalar] of markedValues(copy.get("config"), "", new Map())) scalar.value = FILL[key.slice(PROJECT.length + 1)];
    return copy.toJS().config as Record<string, unknown>;
}

const runs = new Map<string, Promise<ProgramRun>>();

/** The filled-in example evaluated as `pulumi up` would run it (in eu-west-1), once per test process. */
export function runExample(scenario: string): Promise<ProgramRun> {
    if (!runs.has(scenario)) {
        runs.set(scenario, runProgram("example", { ...filledExample(scenario), "aws:region": "eu-west-1" }, { stackFile: exampleFile(scenario), preview: false }));
    }
    return runs.get(scenario)!;
}
