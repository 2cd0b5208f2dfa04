// Prints every request AWS services make on a stack's resources (rules, alarms, log delivery, ...) and every AWS call its
// Lambda handlers make as their own roles, and whether AWS's policy logic allows it, with the deciding statement (or,
// for a denial, the denying statement or missing grant). Exits 1 when any request is denied.
import { parseArgs } from "node:util";

const USAGE = `Usage: npm run authz -- --stack <name> [--verbose]

  --stack <name>   stack to evaluate (Pulumi.<name>.yaml), e.g. dev or prod
  --verbose        also show the statements that allowed each request
  --help           show this help`;

async function main(): Promise<number> {
    let values: { stack?: string; verbose?: boolean; help?: boolean };
    try {
        ({ values } = parseArgs({
            options: { stack: { type: "string" }, verbose: { type: "boolean" }, help: { type: "boolean" } },
            strict: true,
            allowPositionals: false,
        }));
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
        return 2;
    }
    if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    if (!values.stack) {
        process.stderr.write(`--stack is required\n${USAGE}\n`);
        return 2;
    }
    const { runProgram } = await import("../tests/harness");
    const { authorizeStack, failures, renderResults } = await import("../tests/authz/report");
    const { resources } = await runProgram(values.stack);
    const results = await authorizeStack(resources);
    process.stdout.write(`${renderResults(results, values.verbose)}\n`);
    return failures(results).length > 0 ? 1 : 0;
}

main().then(
    (code) => process.exit(code),
    (err) => {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    },
);
