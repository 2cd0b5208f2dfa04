// Evaluation benchmark: each committed stack under the mocks against the SDK's floor for the same resources.
// The floor loads the same SDK modules and resource classes and registers the same resources (type, name, parent,
// provider, from the committed plan) with bare inputs, so the ratio is what the program itself adds: its inputs,
// outputs, handlers and policies.
// Two measurements per stack, each the minimum of several runs:
//   cold: a fresh process per run, from process start to the end of the evaluation: what `pulumi preview` pays
//   warm: repeated evaluations in one process, modules loaded and compiled: the evaluation alone
// Usage: npm run bench [-- -s prod --runs 5]
import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { runProgram, stackConfig } from "../engine/evaluate";
import { defineCommand, Io, main, stackName, Values } from "./cli";
import { committedStacks, planPath } from "./plan";

interface BareResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly parent?: string;
    readonly provider?: string;
}

/** The resources of a committed plan, each after its parent and provider (the order a program registers them). */
export function planResources(stack: string): BareResource[] {
    const plan = JSON.parse(readFileSync(planPath(stack), "utf8")) as { resources: Record<string, Omit<BareResource, "urn">> };
    const byUrn = new Map(Object.entries(plan.resources).map(([urn, r]) => [urn, { urn, ...r }]));
    const ordered: BareResource[] = [];
    const placed = new Set<string>();
    const place = (r: BareResource) => {
        if (placed.has(r.urn)) return;
        placed.add(r.urn);
        for (const dep of [r.parent, r.provider]) {
            const d = dep ? byUrn.get(dep) : undefined;
            if (d) place(d);
        }
        ordered.push(r);
    };
    for (const r of byUrn.values()) place(r);
    return ordered;
}

class BareCustom extends pulumi.CustomResource {}
class BareProvider extends pulumi.ProviderResource {}
class BareComponent extends pulumi.ComponentResource {
    constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        this.registerOutputs({});
    }
}

/** Loads the SDK module of each resource class the stack uses, as constructing it would (`aws.s3.Bucket`). */
function loadResourceClasses(resources: readonly BareResource[]): void {
    const aws = require("@pulumi/aws");
    require("@pulumi/awsx");
    for (const r of resources) {
        const m = /^aws:([^/]+)\/[^:]+:(.+)$/.exec(r.type);
        if (m && m[1] !== "index") void aws[m[1]]?.[m[2]];
    }
}

/** Registers the resources with no inputs under id-only mocks: what the SDK costs for this stack. */
export async function floor(stack: string, resources: readonly BareResource[]): Promise<number> {
    loadResourceClasses(resources);
    let count = 0;
    // Outputs are the id alone: the project's mocks derive outputs from inputs, which the floor does not have.
    pulumi.runtime.setMocks({ newResource: (a) => (count++, { id: `${a.name}-id`, state: {} }), call: () => ({}) }, "aws-blueprints", stack, true);
    pulumi.runtime.setAllConfig(stackConfig(stack));
    const made = new Map<string, pulumi.Resource>();
    for (const r of resources) {
        const opts = { parent: r.parent ? made.get(r.parent) : undefined, provider: r.provider ? (made.get(r.provider) as pulumi.ProviderResource) : undefined };
        const res = r.type.startsWith("pulumi:providers:")
            ? new BareProvider(r.type.slice("pulumi:providers:".length), r.name, {}, opts)
            : r.custom
              ? new BareCustom(r.type, r.name, {}, opts)
              : new BareComponent(r.type, r.name, opts);
        made.set(r.urn, res);
    }
    await Promise.all([...made.values()].map((m) => new Promise((resolve) => m.urn.apply(resolve))));
    const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings");
    await waitForRPCs();
    return count;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
    const start = performance.now();
    await run();
    return performance.now() - start;
}

/** One cold run: a fresh process that evaluates once and reports the time since it started. */
function coldRun(stack: string, what: "program" | "floor"): number {
    const out = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", __filename, "--child", what, "-s", stack], { encoding: "utf8" });
    if (out.status !== 0) throw new Error(`${what} run of ${stack} failed:\n${out.stderr}`);
    return Number(JSON.parse(out.stdout.trim().split("\n").pop()!).ms);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export const benchCommand = defineCommand({
    invocation: "npm run bench --",
    summary: "Times each committed stack's evaluation under the mocks against the SDK floor for the same resources (minimum of the runs).",
    options: {
        stack: { type: "string", short: "s", multiple: true, value: "name", description: "stack to measure, repeatable (default: every committed plan)" },
        runs: { type: "string", value: "n", description: "runs of each measurement (default 3)" },
        child: { type: "string", value: "program|floor", description: "internal: one cold run, reporting its time as JSON" },
    },
});

async function bench(values: Values<typeof benchCommand.options>, io: Io): Promise<number> {
    const stacks = (values.stack ?? committedStacks()).map((s) => stackName(s));
    if (values.child) {
        const stack = stacks[0];
        if (values.child === "program") await runProgram(stack);
        else await floor(stack, planResources(stack));
        io.stdout.write(`${JSON.stringify({ ms: performance.now() })}\n`);
        return 0;
    }
    const runs = Number(values.runs ?? "3");
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number; got ${values.runs}`);
    const rows = [`${"stack".padEnd(8)}${"resources".padStart(10)}  ${"cold program".padStart(12)} ${"floor".padStart(8)} ${"ratio".padStart(6)}   ${"warm program".padStart(12)} ${"floor".padStart(8)} ${"ratio".padStart(6)}`];
    for (const stack of stacks) {
        const resources = planResources(stack);
        const cold = { program: [] as number[], floor: [] as number[] };
        for (let i = 0; i < runs; i++) {
            cold.program.push(coldRun(stack, "program"));
            cold.floor.push(coldRun(stack, "floor"));
        }
        // Warm: the first run of each loads and compiles modules; only the runs after it count.
        await runProgram(stack);
        await floor(stack, resources);
        const warm = { program: [] as number[], floor: [] as number[] };
        for (let i = 0; i < runs; i++) {
            warm.program.push(await timed(() => runProgram(stack)));
            warm.floor.push(await timed(() => floor(stack, resources)));
        }
        const min = (list: number[]) => Math.min(...list);
        const ratio = (a: number[], b: number[]) => `${(min(a) / min(b)).toFixed(1)}x`;
        rows.push(
            `${stack.padEnd(8)}${String(resources.length).padStart(10)}  ${seconds(min(cold.program)).padStart(12)} ${seconds(min(cold.floor)).padStart(8)} ${ratio(cold.program, cold.floor).padStart(6)}` +
                `   ${seconds(min(warm.program)).padStart(12)} ${seconds(min(warm.floor)).padStart(8)} ${ratio(warm.program, warm.floor).padStart(6)}`,
        );
    }
    io.stdout.write(`${rows.join("\n")}\n(minimum of ${runs} runs each; cold = a fresh process from start to the end of the evaluation)\n`);
    return 0;
}

if (require.main === module) main(benchCommand, bench);
