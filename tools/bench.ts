// Evaluation benchmark: each committed stack under the mocks against the SDK's floor for the same resources.
// The floor loads the same SDK modules and registers the same resources (type, name, parent, provider) with bare
// inputs, so the ratio is what the program itself adds: its inputs, outputs, handlers and policies.
// Usage: npm run bench [-- --stack prod --runs 5]
import * as pulumi from "@pulumi/pulumi";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import type { RecordedResource } from "../tests/mocks";
import { runProgram, stackConfig } from "../tests/harness";
import { committedStacks } from "./plan";

interface Timing {
    readonly wallMs: number;
    readonly cpuMs: number;
}

async function timed(run: () => Promise<unknown>): Promise<Timing> {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await run();
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

async function settle(): Promise<void> {
    const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings");
    await waitForRPCs();
}

class BareResource extends pulumi.CustomResource {}
class BareProvider extends pulumi.ProviderResource {}
class BareComponent extends pulumi.ComponentResource {
    constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        this.registerOutputs({});
    }
}

/** Registers the given resources again, in their order, with no inputs: what the SDK costs for this stack. */
export async function floor(stack: string, resources: readonly RecordedResource[]): Promise<number> {
    // Outputs are the id alone: the project's mocks derive outputs from inputs, which the floor does not have.
    let count = 0;
    pulumi.runtime.setMocks(
        { newResource: (a) => (count++, { id: `${a.name}-id`, state: {} }), call: () => ({}) },
        "aws-blueprints",
        stack,
        false,
    );
    pulumi.runtime.setAllConfig(stackConfig(stack));
    const made = new Map<string, pulumi.Resource>();
    for (const r of resources) {
        const parent = r.parentUrn ? made.get(r.parentUrn) : undefined;
        const provider = r.provider ? made.get(r.provider.slice(0, r.provider.lastIndexOf("::"))) : undefined;
        const opts = { parent, provider: provider as pulumi.ProviderResource | undefined };
        const res = r.type.startsWith("pulumi:providers:")
            ? new BareProvider(r.type.slice("pulumi:providers:".length), r.name, {}, opts)
            : r.custom
              ? new BareResource(r.type, r.name, {}, opts)
              : new BareComponent(r.type, r.name, opts);
        made.set(r.urn, res);
    }
    await Promise.all([...made.values()].map((m) => new Promise((resolve) => m.urn.apply(resolve))));
    await settle();
    return count;
}

function fmt(ms: number): string {
    return `${(ms / 1000).toFixed(2)} s`;
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: { stack: { type: "string", short: "s", multiple: true }, runs: { type: "string", default: "5" }, help: { type: "boolean", short: "h" } },
        strict: true,
    });
    if (values.help) {
        console.log("Usage: npm run bench [-- --stack <name> ... --runs <n>]\n\nTimes each stack's evaluation under the mocks against the SDK floor for the same resources; the ratio uses the minimum of the runs.");
        return;
    }
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number; got ${values.runs}`);
    const stacks = values.stack ?? committedStacks();
    const rows: string[] = [];
    for (const stack of stacks) {
        // The first run loads and transpiles every module; it is reported apart, not counted in the minimum.
        const first = await timed(() => runProgram(stack));
        const resources = (await runProgram(stack)).resources;
        await floor(stack, resources);
        const program: Timing[] = [];
        const bare: Timing[] = [];
        for (let i = 0; i < runs; i++) {
            program.push(await timed(() => runProgram(stack)));
            bare.push(await timed(() => floor(stack, resources)));
        }
        const min = (list: Timing[], k: keyof Timing) => Math.min(...list.map((t) => t[k]));
        const ratio = min(program, "wallMs") / min(bare, "wallMs");
        rows.push(
            `${stack.padEnd(8)}${String(resources.length).padStart(6)}  first ${fmt(first.wallMs).padStart(8)}  program ${fmt(min(program, "wallMs")).padStart(8)} (cpu ${fmt(min(program, "cpuMs"))})` +
                `  floor ${fmt(min(bare, "wallMs")).padStart(8)} (cpu ${fmt(min(bare, "cpuMs"))})  ratio ${ratio.toFixed(2)}x`,
        );
        console.error(rows[rows.length - 1]);
    }
    console.log(`stack    resources  (minimum of ${runs} runs each)`);
    console.log(rows.join("\n"));
}

if (require.main === module) {
    main().then(
        () => undefined,
        (err: unknown) => {
            console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
            process.exitCode = 1;
        },
    );
}
