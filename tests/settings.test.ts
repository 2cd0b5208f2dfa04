import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse, parseDocument } from "yaml";
import { DocumentationValuesError, findDocumentationOnlyValues } from "../components/documentationValues";
import { closestKey, CONFIG_NAMESPACES, editDistance, PROJECT, SettingsError } from "../components/settings";
import { loadSettings, parseSettings, PROJECT_KEYS, SCENARIO_KEYS, Settings } from "../scenarios";
import { configuredStacks } from "../tools/plan";
import { clearRecorded, installMocks, recordedResources } from "../engine/mocks";
import { readStackFile, ROOT, runProgram, stackConfig, stackFile } from "../engine/evaluate";
import { exampleFile, exampleScenarios, markedValues } from "../engine/examples";

/** Raw config as the config system stores it for a stack (project key -> string). */
function raw(stack: string, overrides: Record<string, unknown> = {}): { values: Record<string, string>; region?: string } {
    const config = stackConfig(stack, overrides);
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) if (k.startsWith("aws-blueprints:")) values[k.slice("aws-blueprints:".length)] = v;
    // The program's environment when the file sets none: the stack's name (what parseSettings does given { stack }).
    values.environment ??= stack;
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
    it("accepts every stack file and fills in defaults; the test stack enables every scenario", () => {
        for (const stack of configuredStacks()) {
            const { values, region } = raw(stack);
            const s = parseSettings(values, region, { stack });
            assert.equal(s.environment, stack);
            assert.equal(s.region, "us-east-1");
            assert.deepEqual(s.tags, { application: "aws-blueprints", environment: stack, owner: "platform-team", "cost-center": s.costCenter });
        }
        const all = parseSettings(raw("all").values, "us-east-1", { stack: "all" }) as unknown as Record<string, { enabled: boolean }>;
        assert.deepEqual(SCENARIO_KEYS.filter((k) => !all[k].enabled), [], "all: scenarios left off");
    });

    it("applies Pulumi.yaml defaults for keys a stack leaves out", () => {
        assert.equal(stackConfig("dev")["aws-blueprints:notificationEmail"], "", "the Pulumi.yaml default");
        const { values, region } = raw("dev", { "aws-blueprints:securityGroupGuard": { enabled: true } });
        const s = parseSettings(values, region);
        assert.equal(s.notificationEmail, undefined, "an empty email means no subscription");
        assert.equal(s.securityGroupGuard.createSampleGroup, true);
        assert.equal(s.securityGroupGuard.memorySizeMb, 256);
        assert.deepEqual(s.securityGroupGuard.approvedPrincipalArns, []);
        assert.equal(s.securityGroupGuard.exemptDeployingRole, false, "a shared deploying role is not exempt unless asked");
    });

    it("securityGroupGuard: exemptDeployingRole is a boolean that can be turned on", () => {
        const guard = { enabled: true, exemptDeployingRole: true };
        const { values, region } = raw("dev", { "aws-blueprints:securityGroupGuard": guard });
        assert.equal(parseSettings(values, region).securityGroupGuard.exemptDeployingRole, true);
        const [p] = problems("dev", { "aws-blueprints:securityGroupGuard": { enabled: true, exemptDeployingRole: "yes" } });
        assert.match(p, /^aws-blueprints:securityGroupGuard\.exemptDeployingRole: .*boolean.*; got "yes"$/);
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
            assert.equal(p, "aws-blueprints:securityGroupGuard.monitoredGroups: unknown key; did you mean `monitoredGroupIds`?");
        });

        it("securityGroupGuard: nothing to monitor", () => {
            const [p] = problems("dev", { "aws-blueprints:securityGroupGuard": { enabled: true, createSampleGroup: false } });
            assert.match(p, /^aws-blueprints:securityGroupGuard: nothing to monitor/);
        });

        it("securityGroupGuard: memory out of range", () => {
            const [p] = problems("dev", { "aws-blueprints:securityGroupGuard": { enabled: true, memorySizeMb: 64 } });
            assert.match(p, /^aws-blueprints:securityGroupGuard\.memorySizeMb: .*128.*; got 64$/);
        });

        it("windowsContainers, opsAutomator, patchInspectProtect: defaults", () => {
            const { values, region } = raw("dev", {
                "aws-blueprints:windowsContainers": { enabled: true, ingressCidrs: ["203.0.113.0/24"] },
                "aws-blueprints:opsAutomator": { enabled: true },
                "aws-blueprints:patchInspectProtect": { enabled: true },
            });
            const s = parseSettings(values, region);
            assert.deepEqual(
                [s.windowsContainers.windowsServer, s.windowsContainers.natGateways, s.windowsContainers.scaleOutCpuPercent, s.windowsContainers.accessLogRetentionDays],
                ["2022-full", "onePerAz", 60, 90],
            );
            assert.deepEqual([s.opsAutomator.scheduleMinutes, s.opsAutomator.defaultRetentionDays, s.opsAutomator.deleteExpiredSnapshots], [5, 15, true]);
            assert.equal(s.patchInspectProtect.maintenanceSchedule, "cron(0 22 ? * SUN *)");
            assert.deepEqual(s.patchInspectProtect.snapshotTimes, ["0900", "1000", "1100", "1200", "1300", "1400", "1500", "1600"]);
        });

        it("windowsContainers: plain HTTP to the whole internet", () => {
            const [p] = problems("dev", { "aws-blueprints:windowsContainers": { enabled: true, ingressCidrs: ["0.0.0.0/0"] } });
            assert.equal(
                p,
                'aws-blueprints:windowsContainers.ingressCidrs: without certificateArn the load balancer serves plain HTTP: list the networks allowed (not 0.0.0.0/0), or set certificateArn; got ["0.0.0.0/0"]',
            );
        });

        it("windowsContainers: a protected stack without a certificate", () => {
            const found = problems("prod", { "aws-blueprints:windowsContainers": { enabled: true, ingressCidrs: ["203.0.113.0/24"] } });
            assert.deepEqual(found, [
                "aws-blueprints:windowsContainers.certificateArn: required when protect is true: a protected stack serves HTTPS and only redirects HTTP; got nothing (the key is missing)",
            ]);
            const prod = raw("prod");
            const s = parseSettings(prod.values, prod.region);
            assert.match(String(s.windowsContainers.certificateArn), /^arn:aws:acm:us-east-1:123456789012:certificate\//, "the prod stack names its certificate");
            assert.equal(s.windowsContainers.accessLogRetentionDays, 365);
        });

        it("windowsContainers: more tasks than instances, and a CIDR that is not one", () => {
            const found = problems("dev", { "aws-blueprints:windowsContainers": { enabled: true, ingressCidrs: ["office"], maxTasks: 9 } });
            assert.match(found.join("\n"), /windowsContainers\.ingressCidrs\[0\]: must be an IPv4 CIDR block like 203\.0\.113\.0\/24; got "office"/);
            assert.match(found.join("\n"), /windowsContainers\.maxTasks: must not exceed maxInstances \(4\): each task holds host port 8080 on its instance; got 9/);
        });

        it("opsAutomator: a schedule that does not divide the hour", () => {
            const [p] = problems("dev", { "aws-blueprints:opsAutomator": { enabled: true, scheduleMinutes: 7 } });
            assert.equal(p, "aws-blueprints:opsAutomator.scheduleMinutes: must be 5, 10, 15, 20, 30 or 60 (a divisor of 60); got 7");
        });

        it("patchInspectProtect: snapshot times, zone and a subnet without its VPC", () => {
            const found = problems("dev", {
                "aws-blueprints:patchInspectProtect": { enabled: true, snapshotTimes: [900, "2500"], snapshotTimeZone: "Mars/Olympus", subnetId: "subnet-0123456789abcdef0" },
            });
            assert.deepEqual(found, [
                'aws-blueprints:patchInspectProtect.snapshotTimes[1]: must be a time HHMM from 0000 to 2359, quoted in YAML like "0900"; got "2500"',
                'aws-blueprints:patchInspectProtect.snapshotTimeZone: must be utc or an IANA time zone such as America/Los_Angeles; got "Mars/Olympus"',
                "aws-blueprints:patchInspectProtect.vpcId: set vpcId and subnetId together; got nothing (the key is missing)",
            ]);
            const unquoted = raw("dev", { "aws-blueprints:patchInspectProtect": { enabled: true, snapshotTimes: [900, 1600] } });
            assert.deepEqual(parseSettings(unquoted.values, unquoted.region).patchInspectProtect.snapshotTimes, ["0900", "1600"], "an unquoted YAML 0900 reads as 900");
        });

        it("safeDeployPipeline: defaults, and a connection source", () => {
            const { values, region } = raw("dev", { "aws-blueprints:safeDeployPipeline": { enabled: true } });
            const s = parseSettings(values, region).safeDeployPipeline;
            assert.deepEqual(s.source, { type: "s3", objectKey: "source/app.zip" });
            assert.deepEqual([s.maxPolls, s.pollIntervalSeconds, s.conditionalReplacementIsUnsafe, s.inputFile], [120, 15, true, "deploy.json"]);
            const arn = "arn:aws:codestar-connections:us-east-1:123456789012:connection/0a1b2c3d-0000-4000-8000-000000000001";
            const c = raw("dev", { "aws-blueprints:safeDeployPipeline": { enabled: true, source: { type: "codestarConnection", connectionArn: arn, fullRepositoryId: "acme/infra" } } });
            assert.deepEqual(parseSettings(c.values, c.region).safeDeployPipeline.source, { type: "codestarConnection", connectionArn: arn, fullRepositoryId: "acme/infra", branchName: "main" });
        });

        it("safeDeployPipeline: a stack name prefix CloudFormation would refuse", () => {
            const [p] = problems("dev", { "aws-blueprints:safeDeployPipeline": { enabled: true, stackNamePrefix: "prod_" } });
            assert.equal(p, 'aws-blueprints:safeDeployPipeline.stackNamePrefix: must start with a letter and hold up to 64 letters, digits or dashes; got "prod_"');
        });

        it("safeDeployPipeline: a connection ARN that is not one", () => {
            const [p] = problems("dev", {
                "aws-blueprints:safeDeployPipeline": { enabled: true, source: { type: "codestarConnection", connectionArn: "github", fullRepositoryId: "acme/infra" } },
            });
            assert.match(p, /^aws-blueprints:safeDeployPipeline\.source\.connectionArn: must be a CodeStar connection ARN.*; got "github"$/);
        });

        it("safeDeployPipeline: poll bounds and the deployment role", () => {
            const found = problems("dev", { "aws-blueprints:safeDeployPipeline": { enabled: true, maxPolls: 0, deploymentRoleArn: "cfn-deployer" } });
            assert.equal(found.length, 2);
            assert.match(found.join("\n"), /safeDeployPipeline\.maxPolls: .*1.*; got 0/);
            assert.match(found.join("\n"), /safeDeployPipeline\.deploymentRoleArn: must be an IAM role ARN.*; got "cfn-deployer"/);
        });

        it("safeDeployPipeline: a sample without an S3 source", () => {
            const arn = "arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-0000-4000-8000-000000000001";
            const [p] = problems("dev", {
                "aws-blueprints:safeDeployPipeline": { enabled: true, deploySample: true, source: { type: "codestarConnection", connectionArn: arn, fullRepositoryId: "a/b" } },
            });
            assert.match(p, /^aws-blueprints:safeDeployPipeline\.deploySample: true needs source\.type s3/);
        });

        it("multiRegionApi: defaults, and the name and zone it cannot do without", () => {
            const { values, region } = raw("dev", { "aws-blueprints:multiRegionApi": { enabled: true, domainName: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" } });
            const s = parseSettings(values, region).multiRegionApi;
            assert.deepEqual(s.regions, ["us-east-1", "us-west-2"]);
            assert.deepEqual([s.unhealthyRegions, s.deployClient, s.clientPriceClass, s.healthCheckerRegions], [[], true, "PriceClass_100", undefined]);
            assert.deepEqual([s.throttleRateLimit, s.throttleBurstLimit, s.manageApiGatewayAccount, s.memorySizeMb], [50, 100, true, 128]);
            assert.deepEqual(problems("dev", { "aws-blueprints:multiRegionApi": { enabled: true } }), [
                "aws-blueprints:multiRegionApi.domainName: is required when enabled: the API's public name, like api.example.com; got nothing (the key is missing)",
                "aws-blueprints:multiRegionApi.hostedZoneId: is required when enabled: the Route 53 zone of domainName; got nothing (the key is missing)",
            ]);
        });

        it("multiRegionApi: one region, a host name in capitals, a checker region Route 53 does not have", () => {
            const found = problems("dev", {
                "aws-blueprints:multiRegionApi": {
                    enabled: true,
                    domainName: "API.example.com",
                    hostedZoneId: "Z0123456789ABCDEFGHIJ",
                    regions: ["us-east-1"],
                    healthCheckerRegions: ["us-east-1", "eu-west-1", "eu-central-1"],
                    corsAllowOrigin: "https://app.example.com/",
                },
            });
            assert.deepEqual(found, [
                'aws-blueprints:multiRegionApi.domainName: must be a lowercase host name like api.example.com; got "API.example.com"',
                'aws-blueprints:multiRegionApi.regions: needs two or more regions to fail over between; got ["us-east-1"]',
                'aws-blueprints:multiRegionApi.corsAllowOrigin: must be "*" or one origin like https://app.example.com (scheme and host, no path); got "https://app.example.com/"',
                'aws-blueprints:multiRegionApi.healthCheckerRegions[2]: Invalid option: expected one of "us-east-1"|"us-west-1"|"us-west-2"|"eu-west-1"|"ap-southeast-1"|"ap-southeast-2"|"ap-northeast-1"|"sa-east-1"; got "eu-central-1"',
            ]);
        });

        it("multiRegionApi: a region twice, and an unhealthy region the API does not run in", () => {
            const found = problems("dev", {
                "aws-blueprints:multiRegionApi": {
                    enabled: true,
                    domainName: "api.example.com",
                    hostedZoneId: "Z0123456789ABCDEFGHIJ",
                    regions: ["us-east-1", "eu-west-1", "us-east-1"],
                    unhealthyRegions: ["us-west-2"],
                },
            });
            assert.deepEqual(found, [
                'aws-blueprints:multiRegionApi.regions: lists us-east-1 twice; got ["us-east-1","eu-west-1","us-east-1"]',
                'aws-blueprints:multiRegionApi.unhealthyRegions: must be among regions (us-east-1, eu-west-1, us-east-1); us-west-2 is not; got ["us-west-2"]',
            ]);
        });

        it("spotFleet: stop and hibernate refuse Auto Scaling settings", () => {
            const [p] = problems("dev", { "aws-blueprints:spotFleet": { enabled: true, interruptionBehavior: "stop", onDemandBaseCapacity: 1 } });
            assert.match(p, /^aws-blueprints:spotFleet\.onDemandBaseCapacity: applies to Auto Scaling groups, which only terminate interrupted Spot instances; interruptionBehavior stop runs standalone persistent Spot instances; got 1$/);
        });

        it("spotFleet: hibernate needs a root volume that holds the memory", () => {
            const [p] = problems("dev", {
                "aws-blueprints:spotFleet": { enabled: true, interruptionBehavior: "hibernate", instanceTypes: ["m5.large"], rootVolumeSizeGiB: 10 },
            });
            assert.equal(p, "aws-blueprints:spotFleet.rootVolumeSizeGiB: must be at least 16 for hibernate (the 8 GiB AMI plus 8 GiB of memory to save); got 10");
        });

        it("spotFleet: an unknown interruption behaviour and a bad subnet, by key", () => {
            const found = problems("dev", { "aws-blueprints:spotFleet": { enabled: true, interruptionBehavior: "sleep", subnetIds: ["subnet-1"], vpcId: "vpc-0123456789abcdef0" } });
            assert.ok(found.some((p) => /^aws-blueprints:spotFleet\.interruptionBehavior: .*"terminate".*"stop".*"hibernate".*; got "sleep"$/.test(p)), found.join("\n"));
            assert.ok(found.includes('aws-blueprints:spotFleet.subnetIds[0]: must be a subnet id like subnet-0123456789abcdef0; got "subnet-1"'), found.join("\n"));
        });

        it("budgetGuardrail: a threshold given as money instead of a percentage (the original template's 1.75)", () => {
            const [p] = problems("dev", { "aws-blueprints:budgetGuardrail": { enabled: true, enforceAtPercent: 1.75 } });
            assert.equal(p, "aws-blueprints:budgetGuardrail.enforceAtPercent: is a percentage of the budget (100 = all of it) from 10 to 1000, not an amount of money; got 1.75");
        });

        it("budgetGuardrail: a project tag that would break the cost filter, and an unknown key", () => {
            const found = problems("dev", { "aws-blueprints:budgetGuardrail": { enabled: true, projectTag: { key: "Pro$ject", value: "Beta" }, limit: 5 } });
            assert.ok(found.includes('aws-blueprints:budgetGuardrail.projectTag.key: must not contain $ (Budgets joins key and value with it); got "Pro$ject"'), found.join("\n"));
            assert.ok(found.includes("aws-blueprints:budgetGuardrail.limit: unknown key; did you mean `limitAmount`?"), found.join("\n"));
        });

        it("budgetGuardrail: a test fleet of mixed architectures", () => {
            const [p] = problems("dev", {
                "aws-blueprints:budgetGuardrail": { enabled: true, createTestFleet: true, testFleetInstanceTypes: ["t3.small", "t4g.small"] },
            });
            assert.match(p, /^aws-blueprints:budgetGuardrail\.testFleetInstanceTypes: mix arm64 and x86_64 types \(t3\.small, t4g\.small\).*; got \["t3\.small","t4g\.small"\]$/);
        });

        it("lambdaCanary: a function ARN instead of a name, by its index", () => {
            const [p] = problems("dev", { "aws-blueprints:lambdaCanary": { enabled: true, targetFunctionNames: ["orders-api", "arn:aws:lambda:us-east-1:123456789012:function:x"] } });
            assert.equal(
                p,
                'aws-blueprints:lambdaCanary.targetFunctionNames[1]: must be a Lambda function name (1-64 letters, digits, - or _; not an ARN); got "arn:aws:lambda:us-east-1:123456789012:function:x"',
            );
        });

        it("lambdaCanary: a prefix short enough to cover nearly every function", () => {
            const [p] = problems("dev", { "aws-blueprints:lambdaCanary": { enabled: true, targetFunctionPrefix: "a" } });
            assert.equal(p, 'aws-blueprints:lambdaCanary.targetFunctionPrefix: must be 3-63 letters, digits, - or _ (a shorter prefix would cover nearly every function); got "a"');
        });

        it("lambdaCanary: health policy and timeout out of range", () => {
            const found = problems("dev", {
                "aws-blueprints:lambdaCanary": { enabled: true, maxErrorRate: 1, onInsufficientData: "ignore", maxInsufficientDataWaits: 11, simpleDeployerTimeoutSeconds: 1200, alarmNames: ["errors-*"] },
            });
            for (const expected of [
                "aws-blueprints:lambdaCanary.maxErrorRate: must be from 0 up to but excluding 1; got 1",
                'aws-blueprints:lambdaCanary.onInsufficientData: must be "wait" or "fail"; got "ignore"',
                "aws-blueprints:lambdaCanary.maxInsufficientDataWaits: must be an integer from 0 to 10; got 11",
                "aws-blueprints:lambdaCanary.simpleDeployerTimeoutSeconds: must be an integer from 180 to 900 (Lambda's limit); got 1200",
                'aws-blueprints:lambdaCanary.alarmNames[0]: must be a CloudWatch alarm name of 1-255 characters without * or ?; got "errors-*"',
            ]) {
                assert.ok(found.includes(expected), `${expected}\n  not in:\n${found.join("\n")}`);
            }
        });

        it("lambdaCanary: nothing to deploy to", () => {
            const [p] = problems("dev", { "aws-blueprints:lambdaCanary": { enabled: true, createDemo: false } });
            assert.match(p, /^aws-blueprints:lambdaCanary: nothing to deploy to: set targetFunctionNames, targetFunctionPrefix or createDemo: true/);
        });

        const cjis = (extra: Record<string, unknown>) => ({
            "aws-blueprints:compliantWebApp": {
                enabled: true,
                hostedZoneId: "Z0123456789ABCDEFGHIJ",
                sites: [{ domainName: "www.example.com" }],
                internalDomainName: "app-internal.example.com",
                ...extra,
            },
        });

        it("compliantWebApp: what enabling needs, each key named", () => {
            const found = problems("dev", { "aws-blueprints:compliantWebApp": { enabled: true } });
            assert.deepEqual(found, [
                "aws-blueprints:compliantWebApp.hostedZoneId: is required when enabled: the public Route 53 zone of the sites; got nothing (the key is missing)",
                'aws-blueprints:compliantWebApp.sites: needs at least one site when enabled, like [{ domainName: www.example.com }]; got []',
                "aws-blueprints:compliantWebApp.internalDomainName: is required when enabled: the internal load balancer's name, like app-internal.example.com; got nothing (the key is missing)",
            ]);
        });

        it("compliantWebApp: no AWS Config recorder unless a stack asks (one per account and region); dev asks, prod does not", () => {
            const { values, region } = raw("dev", cjis({}));
            assert.equal(parseSettings(values, region).compliantWebApp.createConfigRecorder, false);
            const dev = raw("dev");
            const prod = raw("prod");
            assert.equal(parseSettings(dev.values, dev.region).compliantWebApp.createConfigRecorder, true);
            assert.equal(parseSettings(prod.values, prod.region).compliantWebApp.createConfigRecorder, false);
        });

        it("compliantWebApp: SSH from the internet", () => {
            const [p] = problems("dev", cjis({ bastion: { allowedCidr: "0.0.0.0/0", keyName: "ops" } }));
            assert.equal(p, 'aws-blueprints:compliantWebApp.bastion.allowedCidr: must be a known network, /8 or narrower: SSH is never open to the internet; got "0.0.0.0/0"');
        });

        it("compliantWebApp: overlapping VPCs", () => {
            const [p] = problems("dev", cjis({ network: { productionCidr: "10.0.0.0/16", managementCidr: "10.0.128.0/20" } }));
            assert.equal(p, 'aws-blueprints:compliantWebApp.network.managementCidr: overlaps productionCidr (10.0.0.0/16); peered VPCs need distinct ranges; got "10.0.128.0/20"');
        });

        it("compliantWebApp: a tier whose maximum is below its minimum", () => {
            const [p] = problems("dev", cjis({ web: { minSize: 3, maxSize: 2 } }));
            assert.equal(p, "aws-blueprints:compliantWebApp.web.maxSize: must be at least minSize (3); got 2");
        });

        it("compliantWebApp: a reserved database user and an unknown key algorithm", () => {
            const found = problems("dev", cjis({ database: { iamDatabaseUser: "root" }, sites: [{ domainName: "www.example.com", keyAlgorithms: ["RSA_1024"] }] }));
            assert.equal(found.length, 2);
            assert.match(found[0], /^aws-blueprints:compliantWebApp\.sites\[0\]\.keyAlgorithms\[0\]: .*"RSA_2048".*; got "RSA_1024"$/);
            assert.equal(found[1], 'aws-blueprints:compliantWebApp.database.iamDatabaseUser: is reserved by MySQL or RDS; got "root"');
        });

        it("sniLoadBalancer: more certificates than one listener takes", () => {
            const sites = Array.from({ length: 14 }, (_, i) => ({ domainName: `s${i}.example.com`, keyAlgorithms: ["RSA_2048", "EC_prime256v1"] }));
            const [p] = problems("dev", { "aws-blueprints:sniLoadBalancer": { enabled: true, hostedZoneId: "Z0123456789ABCDEFGHIJ", sites } });
            assert.equal(p, 'aws-blueprints:sniLoadBalancer.sites: need 28 certificates; one HTTPS listener takes 26 (a default and 25 more); got "14 sites"');
        });

        it("sniLoadBalancer: a site without a hosted zone, and a VPC without subnets", () => {
            const found = problems("dev", { "aws-blueprints:sniLoadBalancer": { enabled: true, sites: [{ domainName: "www.example.com" }], vpcId: "vpc-0a1b2c3d4e5f60718" } });
            assert.deepEqual(found, [
                "aws-blueprints:sniLoadBalancer.sites[0].hostedZoneId: is required: set it on the site or the section's hostedZoneId; got nothing (the key is missing)",
                "aws-blueprints:sniLoadBalancer.subnetIds: set vpcId and subnetIds together (or neither, for the default VPC); got nothing (the key is missing)",
            ]);
        });

        it("sniLoadBalancer: an expiry alarm past ACM's renewal window", () => {
            const [p] = problems("dev", { "aws-blueprints:sniLoadBalancer": { enabled: true, hostedZoneId: "Z0123456789ABCDEFGHIJ", sites: [{ domainName: "www.example.com" }], certificateExpiryAlarmDays: 90 } });
            assert.equal(p, "aws-blueprints:sniLoadBalancer.certificateExpiryAlarmDays: must be a whole number from 1 to 59; got 90");
        });

        it("sniLoadBalancer: a host name with capitals", () => {
            const [p] = problems("dev", { "aws-blueprints:sniLoadBalancer": { enabled: true, hostedZoneId: "Z0123456789ABCDEFGHIJ", sites: [{ domainName: "WWW.example.com" }] } });
            assert.equal(p, 'aws-blueprints:sniLoadBalancer.sites[0].domainName: must be a lowercase host name like www.example.com (or *.example.com); got "WWW.example.com"');
        });

        it("sesTracking: a bounce threshold at or above the level where SES reviews an account", () => {
            const [p] = problems("dev", { "aws-blueprints:sesTracking": { enabled: true, bounceRateThreshold: 0.08 } });
            assert.equal(p, "aws-blueprints:sesTracking.bounceRateThreshold: must be below 0.05 (5%, the bounce rate at which SES places an account under review); got 0.08");
            const [at] = problems("dev", { "aws-blueprints:sesTracking": { enabled: true, bounceRateThreshold: 0.05 } });
            assert.match(at, /^aws-blueprints:sesTracking\.bounceRateThreshold: must be below 0\.05 .*; got 0\.05$/, "the review level itself alarms too late");
        });

        it("sesTracking: a complaint threshold given as a percentage, or at the review level", () => {
            const [p] = problems("dev", { "aws-blueprints:sesTracking": { enabled: true, complaintRateThreshold: 0.1 } });
            assert.match(p, /^aws-blueprints:sesTracking\.complaintRateThreshold: must be below 0\.001 \(0\.1%.*; got 0\.1$/);
            const [at] = problems("dev", { "aws-blueprints:sesTracking": { enabled: true, complaintRateThreshold: 0.001 } });
            assert.match(at, /^aws-blueprints:sesTracking\.complaintRateThreshold: must be below 0\.001 .*; got 0\.001$/);
        });

        it("sesTracking: thresholds default below the review levels (2% bounces, 0.05% complaints)", () => {
            const { values, region } = raw("dev", { "aws-blueprints:sesTracking": { enabled: true } });
            const s = parseSettings(values, region);
            assert.equal(s.sesTracking.bounceRateThreshold, 0.02);
            assert.equal(s.sesTracking.complaintRateThreshold, 0.0005);
        });

        it("sesTracking: a subdomain without its zone id", () => {
            const [p] = problems("dev", { "aws-blueprints:sesTracking": { enabled: true, domain: "mail.example.com" } });
            assert.match(p, /^aws-blueprints:sesTracking\.hostedZoneId: is required for domain "mail\.example\.com": give the id of the public Route 53 zone that holds its records .*; got nothing \(the key is missing\)$/);
            const { values, region } = raw("dev", { "aws-blueprints:sesTracking": { enabled: true, domain: "example.com" } });
            assert.equal(parseSettings(values, region).sesTracking.hostedZoneId, undefined, "a registrable domain is looked up by name");
        });

        it("sesTracking: an unknown event destination and a zone without a domain", () => {
            const [destination] = problems("dev", { "aws-blueprints:sesTracking": { enabled: true, eventDestinations: ["firehose"] } });
            assert.match(destination, /^aws-blueprints:sesTracking\.eventDestinations\[0\]: .*"sns".*"cloudwatch".*; got "firehose"$/);
            const [zone] = problems("dev", { "aws-blueprints:sesTracking": { enabled: true, hostedZoneId: "Z0123456789ABCDEFGHIJ" } });
            assert.equal(zone, 'aws-blueprints:sesTracking.hostedZoneId: is only used with domain; got "Z0123456789ABCDEFGHIJ"');
        });

        it("imageHandler: a price class CloudFront does not have", () => {
            const [p] = problems("dev", { "aws-blueprints:imageHandler": { enabled: true, priceClass: "PriceClass_50" } });
            assert.match(p, /^aws-blueprints:imageHandler\.priceClass: .*"PriceClass_100".*"PriceClass_200".*"PriceClass_All".*; got "PriceClass_50"$/);
        });

        it("imageHandler: limits that do not fit in the function's memory", () => {
            const [p] = problems("dev", { "aws-blueprints:imageHandler": { enabled: true, memorySizeMb: 512, maxSourceMegapixels: 50 } });
            assert.match(p, /^aws-blueprints:imageHandler\.memorySizeMb: is too small for maxSourceMegabytes 20 and maxSourceMegapixels 50 \(about 593 MB needed.*; got 512$/);
        });

        it("imageHandler: a size limit beyond what an image can have", () => {
            const [p] = problems("dev", { "aws-blueprints:imageHandler": { enabled: true, maxWidth: 20000 } });
            assert.equal(p, "aws-blueprints:imageHandler.maxWidth: must be a whole number from 1 to 16383; got 20000");
        });

        it("athenaAnalytics: RStudio open to the whole internet", () => {
            const [p] = problems("dev", { "aws-blueprints:athenaAnalytics": { enabled: true, allowedCidr: "0.0.0.0/0" } });
            assert.match(p, /^aws-blueprints:athenaAnalytics\.allowedCidr: must not be open to the whole internet.*; got "0\.0\.0\.0\/0"$/);
        });

        it("athenaAnalytics: a private subnet without its id, and a Graviton instance type", () => {
            const found = problems("dev", { "aws-blueprints:athenaAnalytics": { enabled: true, subnetType: "private", instanceType: "m7g.large" } });
            assert.match(found[0], /^aws-blueprints:athenaAnalytics\.instanceType: must be an x86_64 type.*; got "m7g\.large"$/);
            assert.equal(found[1], "aws-blueprints:athenaAnalytics.subnetId: is required with subnetType private: a private subnet with a NAT route; got nothing (the key is missing)");
        });

        it("every instance type key: a type EC2 does not have, which fits the pattern", () => {
            const found = problems("dev", {
                "aws-blueprints:patchInspectProtect": { enabled: true, instanceType: "t3.mediun" },
                "aws-blueprints:spotFleet": { enabled: true, instanceTypes: ["t3.micro", "m5.larg"] },
            });
            assert.deepEqual(found.sort(), [
                'aws-blueprints:patchInspectProtect.instanceType: must be an EC2 instance type like m5.large: EC2 has no type of that name; got "t3.mediun"',
                'aws-blueprints:spotFleet.instanceTypes[1]: must be an EC2 instance type like m5.large: EC2 has no type of that name; got "m5.larg"',
            ]);
        });

        it("athenaAnalytics: a data location that is not an S3 folder", () => {
            const [p] = problems("dev", { "aws-blueprints:athenaAnalytics": { enabled: true, dataLocation: "s3://bucket/data.csv" } });
            assert.equal(p, 'aws-blueprints:athenaAnalytics.dataLocation: must be an S3 location like s3://my-bucket/billboard/ (ending with /); got "s3://bucket/data.csv"');
        });

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

/**
 * Runs the settings layer as `pulumi preview` (preview: true) or `pulumi up` would, for a stack name and its whole
 * configuration, and collects what it logs as warnings (under mocks `pulumi.log.warn` writes to console.warn).
 */
function loadAs(stack: string, config: Record<string, string>, preview: boolean): { settings?: Settings; error?: Error; warnings: string[] } {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
    try {
        installMocks(stack, { preview });
        pulumi.runtime.setAllConfig(config);
        return { settings: loadSettings(), warnings };
    } catch (err) {
        return { error: err as Error, warnings };
    } finally {
        console.warn = warn;
        installMocks("test");
    }
}

describe("settings: unknown keys", () => {
    it("suggests the nearest known key by edit distance, or the key a word starts", () => {
        assert.equal(editDistance("spotFleets", "spotFleet"), 1);
        assert.equal(editDistance("costcentre", "costcenter"), 1, "two swapped neighbours count once");
        assert.equal(editDistance("", "abc"), 3);
        assert.equal(closestKey("spotFleets", PROJECT_KEYS), "spotFleet");
        assert.equal(closestKey("costCentre", PROJECT_KEYS), "costCenter");
        assert.equal(closestKey("enviroment", PROJECT_KEYS), "environment");
        assert.equal(closestKey("SPOTFLEET", PROJECT_KEYS), "spotFleet", "case is ignored");
        assert.equal(closestKey("limit", ["limitAmount", "currency"]), "limitAmount");
        assert.equal(closestKey("xyz", PROJECT_KEYS), undefined);
    });

    it("a misspelt section or global key is an error naming it and the key meant", () => {
        const found = problems("dev", { "aws-blueprints:spotFleets": { enabled: true }, "aws-blueprints:costCentre": "finance" });
        assert.deepEqual(found, [
            "aws-blueprints:spotFleets: unknown key; did you mean `spotFleet`?",
            "aws-blueprints:costCentre: unknown key; did you mean `costCenter`?",
        ]);
    });

    it("the region belongs to the AWS provider; a key with no near match lists the known ones", () => {
        const [region] = problems("dev", { "aws-blueprints:region": "eu-west-1" });
        assert.match(region, /^aws-blueprints:region: unknown key; did you mean `aws:region`\?/);
        const [other] = problems("dev", { "aws-blueprints:zzz": "1" });
        assert.equal(other, `aws-blueprints:zzz: unknown key; the known keys are ${PROJECT_KEYS.join(", ")}`);
    });

    it("nested unknown keys get suggestions too, inside unions and lists", () => {
        const found = problems("dev", {
            "aws-blueprints:safeDeployPipeline": { enabled: true, source: { type: "s3", objectkey: "a.zip" } },
            "aws-blueprints:compliantWebApp": { enabled: false, database: { multiAZ: true } },
            "aws-blueprints:sniLoadBalancer": { enabled: false, sites: [{ domainName: "a.acme-widgets.com", keyAlgorithm: ["RSA_2048"] }] },
        });
        assert.deepEqual(found.sort(), [
            "aws-blueprints:compliantWebApp.database.multiAZ: unknown key; did you mean `multiAz`?",
            "aws-blueprints:safeDeployPipeline.source.objectkey: unknown key; did you mean `objectKey`?",
            "aws-blueprints:sniLoadBalancer.sites[0].keyAlgorithm: unknown key; did you mean `keyAlgorithms`?",
        ]);
    });

    it("the whole configuration is read: a typo stops the program before any resource; other namespaces are not ours", async () => {
        clearRecorded();
        await assert.rejects(
            runProgram("dev", { "aws-blueprints:spotFleets": { enabled: true } }),
            /Invalid stack configuration:\n {2}- aws-blueprints:spotFleets: unknown key; did you mean `spotFleet`\?/,
        );
        assert.equal(recordedResources().length, 0);
        const { settings, error } = loadAs("dev", stackConfig("dev", { "aws:skipMetadataApiCheck": "false", "pulumi:tags": '{"team":"x"}' }), true);
        assert.equal(error, undefined);
        assert.equal(settings!.environment, "dev");
    });

    it("every key Pulumi.yaml declares is a known key with a default (a declared key without one is required by the CLI)", () => {
        const project = parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
        for (const [key, decl] of Object.entries<any>(project.config ?? {})) {
            assert.ok(PROJECT_KEYS.includes(key), key);
            assert.ok(decl.default !== undefined || decl.value !== undefined, `${key} has no default`);
        }
        assert.equal(project.config.environment, undefined, "environment defaults to the stack name, not to a declared default");
    });
});

describe("settings: environment", () => {
    const withoutEnvironment = () => {
        const { values, region } = raw("dev");
        delete values.environment;
        return { values, region };
    };

    it("defaults to the stack's name, so a new stack's tags name it", () => {
        const { values, region } = withoutEnvironment();
        const s = parseSettings(values, region, { stack: "staging" });
        assert.equal(s.environment, "staging");
        assert.equal(s.tags.environment, "staging");
        const set = loadAs("staging", stackConfig("dev", { "aws-blueprints:environment": undefined }), true);
        assert.equal(set.settings?.environment, "staging", "loadSettings takes pulumi.getStack()");
    });

    it("a set key still wins", () => {
        const { values, region } = raw("dev");
        assert.equal(parseSettings(values, region, { stack: "sandbox" }).environment, "dev");
    });

    it("a stack name that is not an environment name asks for the key", () => {
        const { values, region } = withoutEnvironment();
        assert.throws(
            () => parseSettings(values, region, { stack: "Team_Sandbox" }),
            /aws-blueprints:environment: is not set, and the stack name "Team_Sandbox" is not an environment name .*: set it/,
        );
    });
});

describe("settings: documentation-only values", () => {
    const keysOf = (config: Record<string, string>) => findDocumentationOnlyValues(config, CONFIG_NAMESPACES).map((v) => v.key);

    it("finds example domains, RFC 5737 addresses and blocks, the sample zone and the sample account, at any depth", () => {
        const config = {
            "aws-blueprints:notificationEmail": "ops@example.org",
            "aws-blueprints:multiRegionApi": JSON.stringify({ domainName: "api.example.net", hostedZoneId: "Z0123456789ABCDEFGHIJ", corsAllowOrigin: "https://app.example.com" }),
            "aws-blueprints:windowsContainers": JSON.stringify({ ingressCidrs: ["10.0.0.0/8", "198.51.100.0/25", "192.0.2.7/32"] }),
            "aws-blueprints:athenaAnalytics": JSON.stringify({ allowedCidr: "203.0.113.9/32" }),
            "aws-blueprints:securityGroupGuard": JSON.stringify({ approvedPrincipalArns: ["arn:aws:iam::123456789012:role/deployer"] }),
            "aws:allowedAccountIds": JSON.stringify([123456789012]),
        };
        assert.deepEqual(keysOf(config), [
            "aws-blueprints:athenaAnalytics.allowedCidr",
            "aws-blueprints:multiRegionApi.domainName",
            "aws-blueprints:multiRegionApi.hostedZoneId",
            "aws-blueprints:multiRegionApi.corsAllowOrigin",
            "aws-blueprints:notificationEmail",
            "aws-blueprints:securityGroupGuard.approvedPrincipalArns[0]",
            "aws-blueprints:windowsContainers.ingressCidrs[1]",
            "aws-blueprints:windowsContainers.ingressCidrs[2]",
            "aws:allowedAccountIds[0]",
        ]);
        assert.match(findDocumentationOnlyValues(config, CONFIG_NAMESPACES)[1].reason, /^api\.example\.net is an example domain/);
    });

    it("leaves real values alone: look-alike domains, wider blocks, other accounts, other namespaces", () => {
        const config = {
            "aws-blueprints:notificationEmail": "ops@notexample.com",
            "aws-blueprints:multiRegionApi": JSON.stringify({ domainName: "api.example.community", clientDomainName: "example.com.au.acme-widgets.com" }),
            "aws-blueprints:windowsContainers": JSON.stringify({ ingressCidrs: ["0.0.0.0/0", "192.0.0.0/16", "203.0.114.0/24", "10.192.0.2/32"] }),
            "aws-blueprints:securityGroupGuard": JSON.stringify({ approvedPrincipalArns: ["arn:aws:iam::1234567890123:role/x", "arn:aws:iam::210987654321:role/x"] }),
            "pulumi:template": "https://example.com/template",
        };
        assert.deepEqual(keysOf(config), []);
    });

    it("a preview warns naming each key; pulumi up refuses them all in one error before any resource", async () => {
        const config = stackConfig("prod");
        const expected = keysOf(config);
        assert.ok(expected.length >= 5);
        const preview = loadAs("prod", config, true);
        assert.equal(preview.error, undefined);
        assert.equal(preview.warnings.length, expected.length);
        expected.forEach((key, i) => assert.match(preview.warnings[i], new RegExp(`^warning: .*${key.replace(/[.[\]]/g, "\\$&")} holds a documentation-only value .*pulumi up refuses it`)));
        const up = loadAs("prod", config, false);
        assert.ok(up.error instanceof DocumentationValuesError, String(up.error));
        assert.deepEqual(up.error.values.map((v) => v.key), expected);
        for (const key of expected) assert.ok(up.error.message.includes(`  - ${key}: `), key);
        assert.deepEqual(up.warnings, []);
        clearRecorded();
        await assert.rejects(runProgram("prod", {}, { preview: false }), /still holds values reserved for documentation.*\n {2}- aws-blueprints:/);
        assert.equal(recordedResources().length, 0, "refused before any resource is registered");
    });

    it("dev holds none at all: its preview prints no warning and pulumi up accepts it", () => {
        assert.deepEqual(keysOf(stackConfig("dev")), []);
        assert.deepEqual(loadAs("dev", stackConfig("dev"), true).warnings, []);
        const up = loadAs("dev", stackConfig("dev"), false);
        assert.equal(up.error, undefined);
        assert.deepEqual(up.warnings, []);
    });

    it("dev leaves off every scenario that needs an account's own network, zone or domain, and says why for each it names", () => {
        const { values, region } = raw("dev");
        const s = parseSettings(values, region) as unknown as Record<string, { enabled: boolean }>;
        // What a scenario needs of the user's own is what its example marks `# SET:` in its section.
        const needsOwnValues = exampleScenarios().filter((key) => {
            const marked = markedValues(parseDocument(readFileSync(path.join(ROOT, exampleFile(key)), "utf8")).get("config"), "", new Map());
            return [...marked.keys()].some((k) => k.startsWith(`${PROJECT}:${key}.`));
        });
        assert.ok(needsOwnValues.length > 0, "no example marks a value of its own section");
        assert.deepEqual(needsOwnValues.filter((k) => s[k].enabled), [], "dev turns on a scenario that needs values of the user's own");
        // Which scenarios a stack turns on is its owner's choice: a scenario dev does not name is off, and needs no
        // comment; one it names and leaves off says what to set.
        const text = readFileSync(stackFile("dev"), "utf8");
        for (const key of SCENARIO_KEYS.filter((k) => !s[k].enabled && text.includes(`aws-blueprints:${k}:`))) {
            const section = text.slice(text.indexOf(`aws-blueprints:${key}:`)).split(/\n {2}aws-blueprints:/)[0];
            assert.match(section, /# Off: .*\n(\s*#.*\n)*\s*enabled: false/, `${key} says why it is off`);
            assert.match(section, /To turn it on, set\s+(#\s+)?\w+/, `${key} says which keys to set`);
        }
    });
});

describe("stack files offline", () => {
    const { mkdtempSync, writeFileSync, rmSync } = require("node:fs") as typeof import("node:fs");
    const os = require("node:os") as typeof import("node:os");
    const file = (text: string) => {
        const dir = mkdtempSync(path.join(os.tmpdir(), "stack-"));
        writeFileSync(path.join(dir, "Pulumi.x.yaml"), text);
        return { path: path.join(dir, "Pulumi.x.yaml"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    };

    it("are found in the root and in tests/stacks", () => {
        assert.equal(stackFile("dev"), path.join(ROOT, "Pulumi.dev.yaml"));
        assert.equal(stackFile("all"), path.join(ROOT, "tests", "stacks", "Pulumi.all.yaml"));
        assert.ok(configuredStacks().includes("all") && configuredStacks().includes("dev") && configuredStacks().includes("prod"));
        assert.throws(() => stackFile("nope"), /no Pulumi\.nope\.yaml in \. or tests\/stacks/);
    });

    it("secure: values become clearly fake values that stay secret, at any depth", () => {
        const f = file("config:\n  aws:region: us-east-1\n  aws:secretKey:\n    secure: v1:abc\n  aws-blueprints:x:\n    a:\n      - secure: v1:def\n    b: plain\n");
        try {
            const { config, secretKeys } = readStackFile(f.path);
            assert.deepEqual(config, {
                "aws:region": "us-east-1",
                "aws:secretKey": "offline-secret-aws:secretKey",
                "aws-blueprints:x": JSON.stringify({ a: ["offline-secret-aws-blueprints:x.a[0]"], b: "plain" }),
            });
            assert.deepEqual(secretKeys, ["aws:secretKey", "aws-blueprints:x"]);
        } finally {
            f.cleanup();
        }
    });

    it("a stack with secrets previews offline, its secrets marked secret", async () => {
        const { isConfigSecret } = require("@pulumi/pulumi/runtime/config");
        assert.deepEqual(readStackFile(stackFile("all")).secretKeys, ["aws:accessKey", "aws:secretKey"]);
        const run = await runProgram("all", Object.fromEntries(SCENARIO_KEYS.map((k) => [`aws-blueprints:${k}`, { enabled: false }])));
        assert.equal(run.exports.environment, "all");
        assert.equal(pulumi.runtime.allConfig()["aws:secretKey"], "offline-secret-aws:secretKey");
        assert.equal(isConfigSecret("aws:secretKey"), true);
        assert.equal(isConfigSecret("aws:region"), false);
    });

    it("a stack importing an ESC environment is an error saying what to set locally", () => {
        for (const imports of ["environment:\n  - acme/dev\n", "environment:\n  imports:\n    - acme/dev\n"]) {
            const f = file(`${imports}config:\n  aws:region: us-east-1\n`);
            try {
                assert.throws(
                    () => readStackFile(f.path),
                    /imports the Pulumi ESC environment\(s\) acme\/dev; offline runs cannot read ESC\. Copy the values the environment provides into the file's config: block \(or pass them as overrides\)/,
                );
            } finally {
                f.cleanup();
            }
        }
    });
});
