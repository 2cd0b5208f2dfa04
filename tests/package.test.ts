// The package as another program uses it: packed, installed into a fresh program outside the tree, and evaluated
// there (in the consumer's directory) under the mocks; what it registers must be what the same program registers from
// this repository's sources, Lambda archives included.
import * as aws from "@pulumi/aws";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { archiveFiles, build, ROOT, withoutTestRunnerGlobals } from "../engine/evaluate";
import type { RecordedResource } from "../engine/mocks";
import * as blueprints from "../lib";
import { SCENARIO_KEYS } from "../scenarios";
import { Plan, planFromResources } from "../tools/plan";
import { consumerProgram } from "./fixtures/consumer/program";
import { InstalledPackage, installedPackage } from "./packaged";

const MANIFEST = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** Runs `create` under the mocks with `cwd` as the working directory, as `pulumi up` in that program would. */
async function evaluate(cwd: string, create: () => unknown): Promise<{ plan: Plan; resources: readonly RecordedResource[] }> {
    const previous = process.cwd();
    process.chdir(cwd);
    try {
        const { resources } = await withoutTestRunnerGlobals(() => build(create));
        return { plan: await planFromResources("test", "consumer", resources), resources };
    } finally {
        process.chdir(previous);
    }
}

/** The consumer program's own files: the fixture as the consumer's JavaScript, and an entry using the installed package. */
function writeConsumerProgram(installed: InstalledPackage): string {
    const source = readFileSync(path.join(ROOT, "tests", "fixtures", "consumer", "program.ts"), "utf8");
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(path.join(installed.consumer, "program.js"), js);
    const entry = path.join(installed.consumer, "index.js");
    writeFileSync(entry, `module.exports = require("./program").consumerProgram(require("aws-blueprints"), require("@pulumi/aws"));\n`);
    return entry;
}

describe("the package installed in another program", function () {
    let installed: InstalledPackage;
    let consumer: { plan: Plan; resources: readonly RecordedResource[] };
    let here: { plan: Plan; resources: readonly RecordedResource[] };

    before(async function () {
        installed = installedPackage();
        const entry = writeConsumerProgram(installed);
        consumer = await evaluate(installed.consumer, () => require(entry));
        here = await evaluate(ROOT, () => consumerProgram(blueprints, aws));
    });

    it("is installed from the tarball, not linked to this repository", () => {
        assert.ok(existsSync(path.join(installed.root, "dist", "lib", "index.js")));
        assert.ok(!existsSync(path.join(installed.root, "components")), "the tarball carries the build, not the sources");
        assert.ok(!installed.root.startsWith(ROOT));
    });

    it("resolves every entry point of package.json's exports to JavaScript and declarations", () => {
        for (const [pattern, target] of Object.entries(MANIFEST.exports as Record<string, string | { types: string; default: string }>)) {
            // `./*` is each scenario's own entry, `aws-blueprints/<config section>`.
            for (const key of pattern.includes("*") ? SCENARIO_KEYS : [""]) {
                const subpath = pattern.replace("*", key);
                const files = (typeof target === "string" ? [target] : [target.types, target.default]).map((f) => f.replace("*", key));
                for (const file of files) assert.ok(existsSync(path.join(installed.root, file)), `${subpath}: ${file} is in the tarball`);
            }
        }
        // TypeScript finds each entry's declarations under both the resolution that reads exports and the one that reads typesVersions.
        const importer = path.join(installed.consumer, "index.ts");
        for (const moduleResolution of [ts.ModuleResolutionKind.Node16, ts.ModuleResolutionKind.Node10]) {
            const options = { moduleResolution, module: moduleResolution === ts.ModuleResolutionKind.Node16 ? ts.ModuleKind.Node16 : ts.ModuleKind.CommonJS };
            for (const entry of ["aws-blueprints", "aws-blueprints/blocks", "aws-blueprints/provider", ...SCENARIO_KEYS.map((k) => `aws-blueprints/${k}`)]) {
                const resolved = ts.resolveModuleName(entry, importer, options, ts.sys).resolvedModule?.resolvedFileName;
                assert.ok(resolved?.endsWith(".d.ts") && resolved.startsWith(installed.root), `${entry} (${ts.ModuleResolutionKind[moduleResolution]}): ${resolved}`);
            }
        }
        const spot = require(require.resolve("aws-blueprints/spotFleet", { paths: [installed.consumer] }));
        const all = require(require.resolve("aws-blueprints", { paths: [installed.consumer] }));
        assert.equal(spot.SpotCapacity, all.SpotCapacity, "the scenario's entry and the package's entry export one class");
        assert.equal(typeof all.HandlerFunction, "function");
    });

    it("registers exactly what the same program registers from this repository's sources", () => {
        assert.ok(Object.keys(consumer.plan.resources).length > 100);
        assert.deepEqual(Object.keys(consumer.plan.resources).sort(), Object.keys(here.plan.resources).sort(), "the same URNs");
        for (const [urn, resource] of Object.entries(here.plan.resources)) assert.deepEqual(consumer.plan.resources[urn], resource, urn);
    });

    it("builds the blueprints from the consumer's own VPC, subnets, topic, certificate, security group, hosted zone and role", () => {
        const urnOf = (type: string, name: string) => consumer.resources.find((r) => r.type === type && r.name === name)!.urn;
        /** Every input of `blueprint`'s descendants that took a value of `urn`. */
        const uses = (blueprint: string, urn: string) =>
            consumer.resources
                .filter((r) => r.name.startsWith(`${blueprint}-`))
                .flatMap((r) => Object.entries(r.propertyDependencies).filter(([, from]) => from.includes(urn)).map(([key]) => `${r.type} ${r.name}.${key}`));
        const subnet = urnOf("aws:ec2/subnet:Subnet", "platform-public-a");
        assert.ok(uses("batch", subnet).some((u) => u.startsWith("aws:autoscaling/group:Group") && u.endsWith(".vpcZoneIdentifiers")), "the fleet's group is in the consumer's subnets");
        assert.ok(uses("edge", subnet).some((u) => u.startsWith("aws:lb/loadBalancer:LoadBalancer") && u.endsWith(".subnets")), "the load balancer is in the consumer's subnets");
        assert.ok(uses("edge", urnOf("aws:sns/topic:Topic", "platform-alerts")).some((u) => u.endsWith(".alarmActions")), "the expiry alarms notify the consumer's topic");
        assert.ok(uses("win", urnOf("aws:acm/certificate:Certificate", "platform-cert")).some((u) => u.startsWith("aws:lb/listener:Listener") && u.endsWith(".certificateArn")), "the HTTPS listener serves the consumer's certificate");
        assert.ok(uses("sg-guard", urnOf("aws:ec2/securityGroup:SecurityGroup", "platform-web")).length > 0, "the guard watches the consumer's security group");
        const zone = urnOf("aws:route53/zone:Zone", "platform-zone");
        const zoned = uses("edge", zone).filter((u) => u.startsWith("aws:route53/record:Record") && u.endsWith(".zoneId"));
        assert.ok(zoned.some((u) => u.includes("edge-acm-shop")) && zoned.some((u) => u.includes("edge-acm-docs")), "the validation records are in the consumer's zone (the section's and a site's own)");
        assert.ok(uses("sg-guard", urnOf("aws:iam/role:Role", "platform-operators")).some((u) => u.endsWith(".environment")), "the guard approves the consumer's role");
    });

    it("serializes every handler into the same archive, its modules copied from the installed package and sharp taken from it", async () => {
        const functions = consumer.resources.filter((r) => r.type === "aws:lambda/function:Function");
        assert.ok(functions.length >= 2);
        for (const fn of functions) {
            const files = await archiveFiles(fn);
            const text = files.get("__index.js")!.text!;
            assert.doesNotMatch(text, /require\("aws-blueprints/, `${fn.name} requires nothing of the package at run time`);
            assert.doesNotMatch(text, /node_modules|aws-blueprints-consumer/, `${fn.name} names no path of the deploying machine`);
        }
        const resize = functions.find((f) => f.name === "images-resize")!;
        const files = await archiveFiles(resize);
        for (const p of ["node_modules/sharp", "node_modules/@img/sharp-linux-x64", "node_modules/@img/sharp-libvips-linux-x64", "node_modules/detect-libc"]) {
            assert.ok(files.has(p) || [...files.keys()].some((k) => k.startsWith(`${p}/`)), `the resize archive carries ${p}`);
        }
    });
});
