// The URN contract of the package's public components (urn-contract.json): what a program that built one of them has
// in its state. The committed file must hold for the program (no old URN left without an alias) and be current; a
// renamed token or child fails naming the component, the old URN and the fix.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { build, runStack, withoutTestRunnerGlobals } from "../engine/evaluate";
import { CONTRACT_FILE, CONTRACT_STACK, contractBreaks, contractGenerator, contractOf, publicTokens, UrnContract } from "../tools/urnContract";

/** A component registering one topic, named as a renaming would leave it. */
async function thing(token: string, child: string, opts: pulumi.CustomResourceOptions = {}, componentOpts: pulumi.ComponentResourceOptions = {}) {
    return (
        await withoutTestRunnerGlobals(() =>
            build(() => {
                const parent = new pulumi.ComponentResource(token, "app", {}, componentOpts);
                new aws.sns.Topic(child, {}, { ...opts, parent });
            }),
        )
    ).resources;
}

describe("the URN contract of the public components", () => {
    const committed = JSON.parse(readFileSync(CONTRACT_FILE, "utf8")) as UrnContract;

    it("lists every exported component class's token, with the children the stack all registers under it", () => {
        const tokens = publicTokens();
        assert.ok(tokens.has("aws-blueprints:compute:SpotFleet") && tokens.has("aws-blueprints:shared:HandlerFunction"));
        assert.deepEqual(Object.keys(committed.components).sort(), [...tokens].sort());
        assert.deepEqual(committed.components["aws-blueprints:compute:SpotFleet"].children["{name}-interruptions"], [
            "aws-blueprints:shared:EncryptedTopic",
            "aws-blueprints:shared:EncryptedTopic$aws:sns/topic:Topic",
        ]);
    });

    it("holds for the program and is current (npm run contract)", async () => {
        assert.deepEqual(await contractGenerator.check(), []);
    });

    it("names the component, the old URN and the fix when a child's name changed", async () => {
        const renamed = structuredClone(committed) as unknown as { components: Record<string, { children: Record<string, string[]> }> };
        const spot = renamed.components["aws-blueprints:compute:SpotFleet"].children;
        spot["{name}-notices"] = spot["{name}-interruptions"];
        delete spot["{name}-interruptions"];
        const breaks = contractBreaks(renamed as unknown as UrnContract, CONTRACT_STACK, (await runStack(CONTRACT_STACK)).resources);
        assert.equal(breaks.length, 2, breaks.join("\n"));
        assert.match(breaks[0], /^aws-blueprints:compute:SpotFleet: its child \{name\}-notices \(aws-blueprints:shared:EncryptedTopic\) is gone: urn:pulumi:all::aws-blueprints::(\S+\$)?aws-blueprints:compute:SpotFleet\$aws-blueprints:shared:EncryptedTopic::\S+-notices is neither registered nor covered by an alias/);
        assert.match(breaks[0], /add an alias .* or, if the break is intended, run `npm run contract` and note it in CHANGELOG\.md as a breaking change/);
    });

    it("accepts a child renamed under an alias, and names one renamed without", async () => {
        const before = contractOf("test", await thing("test:index:Thing", "app-alerts"), new Set(["test:index:Thing"]));
        assert.deepEqual(before.components["test:index:Thing"].children, { "{name}-alerts": ["aws:sns/topic:Topic"] });
        assert.deepEqual(contractBreaks(before, "test", await thing("test:index:Thing", "app-notices", { aliases: [{ name: "app-alerts" }] })), []);
        const broken = contractBreaks(before, "test", await thing("test:index:Thing", "app-notices"));
        assert.deepEqual(broken.map((b) => b.slice(0, b.indexOf(";"))), [
            "test:index:Thing: its child {name}-alerts (aws:sns/topic:Topic) is gone: urn:pulumi:test::aws-blueprints::test:index:Thing$aws:sns/topic:Topic::app-alerts is neither registered nor covered by an alias",
        ]);
    });

    it("accepts a token renamed under an alias (its children follow), and names one renamed without", async () => {
        const before = contractOf("test", await thing("test:index:Thing", "app-alerts"), new Set(["test:index:Thing"]));
        assert.deepEqual(contractBreaks(before, "test", await thing("test:index:Renamed", "app-alerts", {}, { aliases: [{ type: "test:index:Thing" }] })), []);
        const broken = contractBreaks(before, "test", await thing("test:index:Renamed", "app-alerts"));
        assert.equal(broken.length, 1);
        assert.match(broken[0], /^test:index:Thing: no component registers this type token in the stack test, and no alias covers its URNs/);
    });
});
