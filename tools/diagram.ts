// Draws the architecture of a stack (or one scenario of it) from one offline evaluation under the mocks: the resources
// a person names as nodes, the verified requests between them as edges (see diagram/model.ts).
// Usage: npm run diagram -- -s <stack> [--scenario <key>] [--format svg|dot|mermaid] [-o <file>]   (npm run diagram -- --help)
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { defineCommand, Io, main, progress, required, STACK_OPTION, stackName, UsageError, Values } from "./cli";

const FORMATS = ["svg", "dot", "mermaid"] as const;
type Format = (typeof FORMATS)[number];

export const diagramCommand = defineCommand({
    invocation: "npm run diagram --",
    summary: "Draws the architecture of a stack from its offline evaluation: resources as nodes, the verified requests and traffic between them as edges.",
    options: {
        stack: { ...STACK_OPTION, description: "stack to draw, configured by Pulumi.<name>.yaml (required)" },
        "stack-file": { type: "string", value: "file", description: "read the stack's settings from this file instead, e.g. scenarios/spotFleet/example.yaml" },
        scenario: { type: "string", value: "key", description: "only this scenario's component and what it talks to, e.g. spotFleet" },
        format: { type: "string", short: "f", value: "format", description: "svg (default), dot or mermaid" },
        output: { type: "string", short: "o", value: "file", description: "write to this file instead of stdout" },
    },
    notes: ["Exit codes: 0 drawn, 1 configuration or program error, 2 unusable command line."],
});

export async function diagram(values: Values<typeof diagramCommand.options>, io: Io): Promise<number> {
    const stack = stackName(required(values.stack, "stack"));
    const format = (values.format ?? "svg") as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format ${values.format} is not one of ${FORMATS.join(", ")}`);
    const { runProgram } = await import("../engine/evaluate");
    const { checkScenario, scenarioSettings } = await import("./preview");
    const { architectureOf } = await import("../diagram");
    const { toDot, toMermaid, toSvg } = await import("../diagram/render");
    const source = values["stack-file"] ? { stackFile: path.resolve(values["stack-file"]) } : {};
    if (values.scenario !== undefined && !values["stack-file"]) checkScenario(values.scenario, scenarioSettings(stack), stack);
    const status = progress(io.stderr);
    let text: string;
    try {
        status.update(`evaluating program (stack ${stack})...`);
        const run = await runProgram(stack, {}, source);
        status.update("drawing...");
        const architecture = await architectureOf(run, values.scenario);
        const title = `${stack}${values.scenario ? ` · ${values.scenario}` : ""}`;
        text = format === "svg" ? await toSvg(architecture) : format === "dot" ? toDot(architecture, { title }) : toMermaid(architecture);
    } finally {
        status.done();
    }
    if (values.output) {
        writeFileSync(path.resolve(values.output), text);
        io.stderr.write(`wrote ${values.output}\n`);
    } else io.stdout.write(text);
    return 0;
}

if (require.main === module) main(diagramCommand, diagram);
