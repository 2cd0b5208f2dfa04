// The example stack files (scenarios/<key>/example.yaml) filled in as a user would, and one evaluation of each per
// process (per stack name), shared by the diagrams each scenario page shows and by the example, account-model and
// constraints tests.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { isMap, isScalar, isSeq, parseDocument, Scalar } from "yaml";
import { documentationOnlyReason, SAMPLE_HOSTED_ZONE_ID } from "../components/documentationValues";
import { ProgramRun, ROOT, runProgram } from "./evaluate";

export const exampleFile = (key: string) => path.join("scenarios", key, "example.yaml");

/** The scenarios that have an example stack file. */
export function exampleScenarios(): string[] {
    return readdirSync(path.join(ROOT, "scenarios")).filter((d) => existsSync(path.join(ROOT, exampleFile(d)))).sort();
}

/** The region the example runs use (the examples leave it to `pulumi config set`). */
export const EXAMPLE_REGION = "eu-west-1";

/**
 * What a user would put in place of a value the examples mark `# SET:`: each kind of documentation-only value
 * (components/documentationValues.ts) becomes a realistic one of the same shape, so a new scenario's example needs
 * nothing here. A value this cannot fill is refused by {@link filledExample}, naming its key.
 */
const REALISTIC: readonly [RegExp, string][] = [
    [/^[^@\s]+@example\.(?:com|net|org)$/i, "platform-alerts@acme-widgets.com"],
    [/\bexample\.(?:com|net|org)\b/gi, "acme-widgets.com"],
    [new RegExp(SAMPLE_HOSTED_ZONE_ID, "g"), "Z06312952LQ7VTYR4NV3A"],
    [/\b(?:192\.0\.2|198\.51\.100|203\.0\.113)\.(?=\d)/g, "84.17.32."],
    [/\b123456789012\b/g, "210987654321"],
];

/** `value` with every documentation-only part replaced by a realistic one. */
export function realisticValue(value: string): string {
    return REALISTIC.reduce((v, [pattern, replacement]) => v.replace(pattern, replacement), value);
}

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

/**
 * An example's configuration with every `# SET:` value filled in; `namePrefix` goes before each domain name, as a
 * second copy in the same account uses names of its own in the same hosted zone.
 */
export function filledExample(key: string, namePrefix = ""): Record<string, unknown> {
    const copy = parseDocument(readFileSync(path.join(ROOT, exampleFile(key)), "utf8"));
    for (const [k, scalar] of markedValues(copy.get("config"), "", new Map())) {
        const value = realisticValue(String(scalar.value));
        const reason = documentationOnlyReason(value);
        if (reason) throw new Error(`${exampleFile(key)}: ${k} is marked # SET: but has no realistic stand-in (${reason}); give engine/examples.ts a rule for it`);
        scalar.value = /domainName$|DomainName$/.test(k) ? `${namePrefix}${value}` : value;
    }
    return copy.toJS().config as Record<string, unknown>;
}

/** A deployment through a named profile and an assumed role into an allowed account: every provider must carry them. */
export const DEPLOYER = {
    "aws:profile": "acme-platform",
    "aws:assumeRoles": [{ roleArn: "arn:aws:iam::210987654321:role/blueprints-deployer", sessionName: "pulumi-up" }],
    "aws:allowedAccountIds": ["210987654321"],
};

const runs = new Map<string, Promise<ProgramRun>>();

/** The filled-in example deployed as `pulumi up` would, by the {@link DEPLOYER}, once per stack name and process. */
export function runExample(key: string, stack = "example", overrides: Record<string, unknown> = {}): Promise<ProgramRun> {
    const id = `${key}|${stack}|${JSON.stringify(overrides)}`;
    if (!runs.has(id)) {
        runs.set(id, runProgram(stack, { ...filledExample(key), ...DEPLOYER, "aws:region": EXAMPLE_REGION, ...overrides }, { stackFile: exampleFile(key), preview: false }));
    }
    return runs.get(id)!;
}
