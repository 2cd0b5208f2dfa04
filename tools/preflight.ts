// Before AWS sees it: checks the target account and regions, read-only, against what a stack would create (quotas,
// what exists already, singletons another stack holds, hosted zones and certificates the settings name, the
// services it relies on, deletions of non-empty buckets). Credentials: the default AWS credential chain, with the
// stack's aws:profile; the stack's aws:region.
// Usage: npm run preflight -- -s prod [--state state.json] [--json]   (npm run preflight -- --help)
import { defineCommand, Io, main, progress, required, STACK_OPTION, stackName, Values } from "./cli";

export const preflightCommand = defineCommand({
    invocation: "npm run preflight --",
    summary:
        "Checks, read-only and with your AWS credentials, whether the account and regions of a stack can take what it creates: quotas, existing names and singletons, hosted zones and certificates, the services it relies on, and deletions AWS would refuse.",
    options: {
        stack: { ...STACK_OPTION, description: "stack to check, configured by Pulumi.<name>.yaml (required)" },
        state: {
            type: "string",
            value: "file",
            description: "the deployed stack's `pulumi stack export` (what it owns already and what pulumi up would delete); without it, a stack not deployed yet",
        },
        json: { type: "boolean", description: "print the report as JSON" },
    },
    notes: [
        "Credentials: the default AWS SDK credential chain (environment, AWS_PROFILE, SSO, instance role), with the stack's aws:profile when set.",
        "Exit codes: 0 nothing that would fail pulumi up (warnings possible), 1 a finding that would fail it, or an error, 2 unusable command line.",
    ],
});

export async function preflight(values: Values<typeof preflightCommand.options>, io: Io): Promise<number> {
    const stack = stackName(required(values.stack, "stack"));
    const status = progress(io.stderr);
    const { runProgram, stackConfig } = await import("../engine/evaluate");
    const { AwsClients } = await import("../preflight/clients");
    const { readStackExport } = await import("../preflight/state");
    const { failed, renderReport, reportJson, runPreflight } = await import("../preflight");
    const config = stackConfig(stack);
    status.update(`evaluating ${stack} offline`);
    const run = await runProgram(stack);
    const deployed = values.state ? readStackExport(values.state, config["aws:region"] ?? "") : undefined;
    status.update(`reading the account (read-only)`);
    try {
        const report = await runPreflight({
            run,
            deployed,
            clients: new AwsClients({ profile: config["aws:profile"] }),
            evaluate: (model) => runProgram(model.stack, {}, { quiet: true }),
        });
        status.done();
        io.stdout.write(values.json ? reportJson(report) : renderReport(report));
        return failed(report) ? 1 : 0;
    } finally {
        status.done();
    }
}

if (require.main === module) main(preflightCommand, preflight);
