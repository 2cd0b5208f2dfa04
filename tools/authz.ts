// Prints every request AWS services make on a stack's resources (rules, alarms, log delivery, ...), every AWS call its
// Lambda handlers make as their own roles and every documented call of its instance roles, and whether AWS's policy
// logic allows it, with the deciding statement (or, for a denial, the denying statement or missing grant).
// Usage: npm run authz -- -s prod   (exits 1 when any request is denied; npm run authz -- --help)
import { defineCommand, Io, main, required, STACK_OPTION, stackName, Values } from "./cli";

export const authzCommand = defineCommand({
    invocation: "npm run authz --",
    summary:
        "Simulates, with AWS's policy logic, every request AWS services, the Lambda handlers and the instance roles of a stack make on its resources, and prints each decision.",
    options: {
        stack: { ...STACK_OPTION, description: "stack to evaluate, configured by Pulumi.<name>.yaml (required)" },
        verbose: { type: "boolean", short: "v", description: "also show the statements that allowed each request" },
    },
    notes: ["Exit codes: 0 every request allowed, 1 a request denied or modelled wrongly, or a configuration or program error, 2 unusable command line."],
});

export async function authz(values: Values<typeof authzCommand.options>, io: Io): Promise<number> {
    const stack = stackName(required(values.stack, "stack"));
    const { runProgram } = await import("../engine/evaluate");
    const { authorizeStack, failures, renderResults } = await import("../checks/authz/report");
    const { resources } = await runProgram(stack);
    const results = await authorizeStack(resources);
    io.stdout.write(`${renderResults(results, values.verbose)}\n`);
    const bad = failures(results);
    if (bad.length > 0) io.stderr.write(`error: ${bad.length} request(s) of ${stack} denied or modelled wrongly\n`);
    return bad.length > 0 ? 1 : 0;
}

if (require.main === module) main(authzCommand, authz);
