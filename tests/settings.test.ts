import assert from "node:assert/strict";
import { parseSettings, SettingsError } from "../components/settings";
import { clearRecorded, recordedResources } from "./mocks";
import { runProgram, stackConfig } from "./harness";

/** Raw config as the config system stores it for a stack (project key -> string). */
function raw(stack: string, overrides: Record<string, unknown> = {}): { values: Record<string, string>; region?: string } {
    const config = stackConfig(stack, overrides);
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) if (k.startsWith("aws-blueprints:")) values[k.slice("aws-blueprints:".length)] = v;
    return { values, region: config["aws:region"] };
}

function problems(stack: string, overrides: Record<string, unknown>): string[] {
    const { values, region } = raw(stack, overrides);
    try {
        parseSettings(values, region);
    } catch (err) {
        assert.ok(err instanceof SettingsError, `expected a SettingsError, got ${String(err)}`);
        return err.problems;
    }
    assert.fail("expected the configuration to be refused");
}

describe("settings", () => {
    it("accepts both committed stacks and fills in defaults", () => {
        for (const stack of ["dev", "prod"]) {
            const { values, region } = raw(stack);
            const s = parseSettings(values, region);
            assert.equal(s.environment, stack);
            assert.equal(s.region, "us-east-1");
            assert.equal(s.securityGroupGuard.enabled, true);
            assert.equal(s.compliantWebApp.enabled, false, "unbuilt scenarios default to disabled");
            assert.deepEqual(s.tags, { application: "aws-blueprints", environment: stack, owner: "platform-team", "cost-center": s.costCenter });
        }
    });

    it("applies Pulumi.yaml defaults for keys a stack leaves out", () => {
        assert.equal(stackConfig("dev")["aws-blueprints:notificationEmail"], "", "the Pulumi.yaml default");
        const { values, region } = raw("dev", { "aws-blueprints:securityGroupGuard": { enabled: true } });
        const s = parseSettings(values, region);
        assert.equal(s.notificationEmail, undefined, "an empty email means no subscription");
        assert.equal(s.securityGroupGuard.createSampleGroup, true);
        assert.equal(s.securityGroupGuard.memorySizeMb, 256);
        assert.deepEqual(s.securityGroupGuard.approvedPrincipalArns, []);
    });

    it("prod protects stateful resources and keeps logs a year; dev does neither", () => {
        const prod = raw("prod");
        const dev = raw("dev");
        assert.equal(parseSettings(prod.values, prod.region).protect, true);
        assert.equal(parseSettings(prod.values, prod.region).logRetentionDays, 365);
        assert.equal(parseSettings(dev.values, dev.region).protect, false);
    });

    describe("bad values name the key, the value and what is allowed", () => {
        it("global: environment", () => {
            assert.deepEqual(problems("dev", { "aws-blueprints:environment": "Prod_1" }), [
                'aws-blueprints:environment: must be 2-16 lowercase letters, digits or dashes, starting with a letter; got "Prod_1"',
            ]);
        });

        it("global: notification email", () => {
            const [p] = problems("dev", { "aws-blueprints:notificationEmail": "not-an-email" });
            assert.match(p, /^aws-blueprints:notificationEmail: must be an email address; got "not-an-email"$/);
        });

        it("global: log retention must be a value CloudWatch accepts", () => {
            const [p] = problems("dev", { "aws-blueprints:logRetentionDays": 10 });
            assert.match(p, /^aws-blueprints:logRetentionDays: must be one of 1, 3, 5, 7, 14, 30.*; got 10$/);
        });

        it("global: protect must be a boolean", () => {
            const [p] = problems("dev", { "aws-blueprints:protect": "yes" });
            assert.match(p, /^aws-blueprints:protect: .*boolean.*; got "yes"$/);
        });

        it("global: a missing region", () => {
            const [p] = problems("dev", { "aws:region": undefined });
            assert.match(p, /^aws:region: .*; got nothing \(the key is missing\)$/);
        });

        it("global: a missing required value", () => {
            const { values, region } = raw("dev");
            delete values.environment;
            assert.throws(() => parseSettings(values, region), /aws-blueprints:environment: .*got nothing \(the key is missing\)/);
        });

        it("securityGroupGuard: a malformed group id, by its index", () => {
            const [p] = problems("dev", { "aws-blueprints:securityGroupGuard": { enabled: true, monitoredGroupIds: ["sg-0a1b2c3d4e5f60718", "web"] } });
            assert.equal(p, 'aws-blueprints:securityGroupGuard.monitoredGroupIds[1]: must be a security group id like sg-0123456789abcdef0; got "web"');
        });

        it("securityGroupGuard: a principal that is not an ARN", () => {
            const [p] = problems("dev", { "aws-blueprints:securityGroupGuard": { enabled: true, approvedPrincipalArns: ["alice"] } });
            assert.match(p, /^aws-blueprints:securityGroupGuard\.approvedPrincipalArns\[0\]: must be an IAM user, role or assumed-role ARN.*; got "alice"$/);
        });

        it("securityGroupGuard: a misspelt key", () => {
            const [p] = problems("dev", { "aws-blueprints:securityGroupGuard": { enabled: true, monitoredGroups: ["sg-0a1b2c3d"] } });
            assert.equal(p, "aws-blueprints:securityGroupGuard: unknown key(s) monitoredGroups");
        });

        it("securityGroupGuard: nothing to monitor", () => {
            const [p] = problems("dev", { "aws-blueprints:securityGroupGuard": { enabled: true, createSampleGroup: false } });
            assert.match(p, /^aws-blueprints:securityGroupGuard: nothing to monitor/);
        });

        it("securityGroupGuard: memory out of range", () => {
            const [p] = problems("dev", { "aws-blueprints:securityGroupGuard": { enabled: true, memorySizeMb: 64 } });
            assert.match(p, /^aws-blueprints:securityGroupGuard\.memorySizeMb: .*128.*; got 64$/);
        });

        for (const section of [
            "compliantWebApp",
            "windowsContainers",
            "lambdaCanary",
            "spotFleet",
            "budgetGuardrail",
            "patchInspectProtect",
            "multiRegionApi",
            "sesTracking",
            "imageHandler",
            "opsAutomator",
            "safeDeployPipeline",
            "athenaAnalytics",
            "sniLoadBalancer",
        ]) {
            it(`${section}: cannot be enabled before its component exists`, () => {
                const [p] = problems("dev", { [`aws-blueprints:${section}`]: { enabled: true } });
                assert.match(p, new RegExp(`^aws-blueprints:${section}\\.enabled: ${section} .* is not available .*; got true$`));
            });
        }

        it("a section that is not an object", () => {
            const [p] = problems("dev", { "aws-blueprints:securityGroupGuard": "on" });
            assert.match(p, /^aws-blueprints:securityGroupGuard: .*object.*; got "on"$/);
        });

        it("reports every problem at once", () => {
            const found = problems("dev", { "aws-blueprints:environment": "X", "aws-blueprints:logRetentionDays": 2 });
            assert.equal(found.length, 2);
        });
    });

    it("a bad value stops the program before any resource is created", async () => {
        clearRecorded();
        await assert.rejects(
            runProgram("dev", { "aws-blueprints:securityGroupGuard": { enabled: true, monitoredGroupIds: ["nope"] } }),
            /Invalid stack configuration:\n {2}- aws-blueprints:securityGroupGuard\.monitoredGroupIds\[0\]/,
        );
        assert.equal(recordedResources().length, 0);
    });
});
