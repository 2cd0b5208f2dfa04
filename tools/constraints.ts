// Checks every input of every resource a stack registers against what AWS accepts for that property (CloudFormation's
// resource schemas, the AWS SDK's enums and the hand rules of checks/constraints), auto-generated names included, and
// prints each value AWS would refuse and the coverage table.
// Usage: npm run constraints -- -s prod   (exits 1 when an input breaks a constraint; npm run constraints -- --help)
import { defineCommand, Io, main, required, STACK_OPTION, stackName, Values } from "./cli";

export const constraintsCommand = defineCommand({
    invocation: "npm run constraints --",
    summary:
        "Checks every input of every resource of a stack against AWS's constraints for that property (length, characters, allowed values, ranges, rules between properties) and prints what AWS would refuse.",
    options: {
        stack: { ...STACK_OPTION, description: "stack to check, configured by Pulumi.<name>.yaml (required)" },
        coverage: { type: "boolean", description: "also print, per resource type, how many inputs are checked and how" },
        json: { type: "boolean", description: "print findings and coverage as JSON" },
    },
    notes: ["Exit codes: 0 nothing AWS would refuse, 1 a finding or a configuration or program error, 2 unusable command line."],
});

export async function constraints(values: Values<typeof constraintsCommand.options>, io: Io): Promise<number> {
    const stack = stackName(required(values.stack, "stack"));
    const { runStack } = await import("../engine/evaluate");
    const { checkResources } = await import("../checks/constraints/check");
    const { coverageRows, renderCoverage, renderFindings } = await import("../checks/constraints/report");
    const { resources } = await runStack(stack);
    const result = checkResources(resources);
    if (values.json) {
        io.stdout.write(`${JSON.stringify({ stack, findings: result.findings, coverage: coverageRows(result.coverage) }, null, 2)}\n`);
    } else {
        io.stdout.write(`${renderFindings(result.findings)}\n`);
        if (values.coverage) io.stdout.write(`\n${renderCoverage(result.coverage)}\n`);
    }
    if (result.findings.length > 0) io.stderr.write(`error: ${result.findings.length} input(s) of ${stack} AWS would refuse\n`);
    return result.findings.length > 0 ? 1 : 0;
}

if (require.main === module) main(constraintsCommand, constraints);
