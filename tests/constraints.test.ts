import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { build, ROOT, runStack } from "../engine/evaluate";
import { AUTO_NAMES, autoName } from "../engine/autoNames";
import { physicalName } from "../engine/mocks";
import { checkResources, Finding, StackCheck } from "../checks/constraints/check";
import { MAPPINGS } from "../checks/constraints/mapping";
import { coverageRows, describeFinding, mergeCoverage, renderCoverage, renderFindings } from "../checks/constraints/report";
import { HAND_RULES } from "../checks/constraints/rules";
import { resourceSchema } from "../checks/constraints/schemas";
import { SDK_ENUMS, sdkEnumValues } from "../checks/constraints/sdkEnums";
import { configuredStacks } from "../tools/plan";
import { constraints, constraintsCommand } from "../tools/constraints";
import { runCommand } from "../tools/cli";
import { exampleScenarios, runExample } from "../engine/examples";

/** Each configured stack and each filled-in example, checked once. */
const checked = new Map<string, Promise<StackCheck>>();
function check(label: string, run: () => Promise<{ resources: Parameters<typeof checkResources>[0] }>): Promise<StackCheck> {
    if (!checked.has(label)) checked.set(label, run().then(({ resources }) => checkResources(resources)));
    return checked.get(label)!;
}
const stackCheck = (stack: string) => check(`stack ${stack}`, () => runStack(stack));
const exampleCheck = (scenario: string) => check(`example ${scenario}`, () => runExample(scenario));

/** Registers resources outside the program and checks them: deliberately bad inputs. */
async function findingsOf(create: () => void): Promise<Finding[]> {
    const { resources } = await build(create);
    return [...checkResources(resources).findings];
}

function only(findings: readonly Finding[], path: string, rule: RegExp): Finding {
    const matching = findings.filter((f) => f.path === path && rule.test(f.rule));
    assert.equal(matching.length, 1, `one finding at ${path} matching ${rule}, got:\n${renderFindings(findings)}`);
    return matching[0];
}

describe("constraints layer: AWS's constraints on every input (checks/constraints)", () => {
    it("runs on every configured stack, the test stack that enables every scenario among them", () => {
        assert.ok(configuredStacks().includes("all") && configuredStacks().includes("prod"), configuredStacks().join(", "));
    });

    for (const stack of configuredStacks()) {
        it(`${stack}: no input of any resource breaks a constraint AWS documents`, async () => {
            const { findings } = await stackCheck(stack);
            assert.deepEqual(findings.map(describeFinding), []);
        });
    }

    for (const scenario of exampleScenarios()) {
        it(`scenarios/${scenario}/example.yaml, filled in: no input breaks a constraint`, async () => {
            const { findings } = await exampleCheck(scenario);
            assert.deepEqual(findings.map(describeFinding), []);
        });
    }

    it("checks every resource type the stacks create with constraints of AWS's data or a hand rule", async () => {
        const results = [...(await Promise.all(configuredStacks().map(stackCheck))), ...(await Promise.all(exampleScenarios().map(exampleCheck)))];
        const coverage = mergeCoverage(results);
        const rows = coverageRows(coverage);
        const unconstrained = rows.filter((r) => r.data + r.hand === 0).map((r) => r.type);
        assert.deepEqual(unconstrained, [], "types without a single constraint: add a mapping or a hand rule");
        const unmapped = [...coverage.keys()].filter((t) => !MAPPINGS[t]);
        assert.deepEqual(unmapped, [], "types without an entry in checks/constraints/mapping.ts");
        assert.match(renderCoverage(coverage), /^aws:lambda\/function:Function\s+\d+\s+\d+/m);
    });

    it("npm run constraints -- -s <stack> prints the findings and, with --coverage, the coverage table", async () => {
        let out = "";
        let err = "";
        const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } };
        assert.equal(await runCommand(constraintsCommand, constraints, ["-s", "dev", "--coverage"], io), 0, err);
        assert.match(out, /^no input breaks a constraint AWS documents\n/);
        assert.match(out, /\ntype +inputs +data +hand rule +type only +nothing +provider only\n/);
        assert.match(out, /\ntotal +\d+ +\d+/);
        out = "";
        assert.equal(await runCommand(constraintsCommand, constraints, ["-s", "dev", "--json"], io), 0);
        const report = JSON.parse(out);
        assert.deepEqual(report.findings, []);
        assert.ok(report.coverage.some((row: { type: string; data: number }) => row.type === "aws:lambda/function:Function" && row.data > 0));
    });

    it("points every mapping at a property AWS's schemas have, and every SDK enum at an export of an installed client", async () => {
        for (const [type, mapping] of Object.entries(MAPPINGS)) {
            if (mapping.cfn) assert.ok(resourceSchema(mapping.cfn), `${type}: no CloudFormation schema ${mapping.cfn}`);
        }
        // A wrong property path throws while a stack is checked; every stack is checked above.
        await Promise.all(configuredStacks().map(stackCheck));
        for (const refs of Object.values(SDK_ENUMS)) for (const ref of Object.values(refs)) assert.ok(sdkEnumValues(ref).length > 0, `${ref.client} ${ref.name}`);
        for (const rule of HAND_RULES) assert.match(rule.source, /^https:\/\/docs\.aws\.amazon\.com\//, rule.rule);
    });

    describe("finds what AWS would refuse, naming the resource, the input, the value, the rule and its source", () => {
        it("a length: a Lambda description longer than 256 characters (CloudFormation schema)", async () => {
            const findings = await findingsOf(() => {
                new aws.lambda.Function("too-long", { role: "arn:aws:iam::123456789012:role/r", runtime: "nodejs22.x", handler: "index.handler", description: "x".repeat(300) });
            });
            const f = only(findings, "description", /at most 256 characters/);
            assert.match(f.urn, /aws:lambda\/function:Function::too-long$/);
            assert.equal(f.value, "x".repeat(300));
            assert.match(f.source, /CloudFormation schema AWS::Lambda::Function\/Description \(https:\/\/docs\.aws\.amazon\.com\//);
            assert.match(describeFinding(f), /too-long: description = "x{20}/);
        });

        it("a character set: a log group name with a space (CloudFormation pattern) and a security group rule description with an apostrophe (hand rule)", async () => {
            const findings = await findingsOf(() => {
                new aws.cloudwatch.LogGroup("spaced", { name: "my logs" });
                new aws.vpc.SecurityGroupEgressRule("quoted", { securityGroupId: "sg-0123456789abcdef0", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/8", description: "The tasks' port" });
            });
            assert.match(only(findings, "name", /must match/).source, /AWS::Logs::LogGroup\/LogGroupName/);
            assert.equal(only(findings, "description", /\._-:\/\(\)#,@\[\]\+=&;\{\}!\$\*/).source, "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html");
        });

        it("an enum: a log retention CloudWatch does not offer (CloudFormation) and a runtime Lambda does not have (AWS SDK model)", async () => {
            const findings = await findingsOf(() => {
                new aws.cloudwatch.LogGroup("kept", { retentionInDays: 42 });
                new aws.lambda.Function("ancient", { role: "arn:aws:iam::123456789012:role/r", runtime: "nodejs99.x", handler: "index.handler" });
            });
            assert.match(only(findings, "retentionInDays", /one of 1, 3, 5/).source, /AWS::Logs::LogGroup\/RetentionInDays/);
            assert.match(only(findings, "runtime", /one of /).source, /enum Runtime of @aws-sdk\/client-lambda/);
        });

        it("a range: a KMS deletion window under 7 days (CloudFormation) and a Lambda timeout over 900 seconds (hand rule)", async () => {
            const findings = await findingsOf(() => {
                new aws.kms.Key("hasty", { deletionWindowInDays: 3 });
                new aws.lambda.Function("patient", { role: "arn:aws:iam::123456789012:role/r", runtime: "nodejs22.x", handler: "index.handler", timeout: 1200 });
            });
            assert.match(only(findings, "deletionWindowInDays", /at least 7/).source, /AWS::KMS::Key\/PendingWindowInDays/);
            assert.equal(only(findings, "timeout", /between 1 and 900/).source, "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html");
        });

        it("a rule between properties: an Auto Scaling group wanting more than its maximum, an alarm asking more data points than it evaluates", async () => {
            const findings = await findingsOf(() => {
                new aws.autoscaling.Group("crowded", { minSize: 1, maxSize: 2, desiredCapacity: 3, availabilityZones: ["eu-west-1a"] });
                new aws.cloudwatch.MetricAlarm("eager", { comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 2, datapointsToAlarm: 3, metricName: "Errors", namespace: "AWS/Lambda", period: 60, statistic: "Sum", threshold: 1 });
            });
            assert.match(only(findings, "desiredCapacity", /at most maxSize \(2\)/).source, /API_CreateAutoScalingGroup/);
            assert.match(only(findings, "datapointsToAlarm", /at most evaluationPeriods \(2\)/).source, /API_PutMetricAlarm/);
        });

        it("a rule between resources: a sixth target on one EventBridge rule", async () => {
            const findings = await findingsOf(() => {
                const rule = new aws.cloudwatch.EventRule("busy", { scheduleExpression: "rate(1 hour)" });
                for (let i = 0; i < 6; i++) new aws.cloudwatch.EventTarget(`busy-${i}`, { rule: rule.name, arn: "arn:aws:sns:eu-west-1:123456789012:t" });
            });
            assert.match(only(findings, "rule", /at most 5 targets per rule \(it has 6\)/).source, /eb-quota/);
        });

        it("an auto-named overflow: the name pulumi-aws generates, over AWS's limit or over the provider's own", async () => {
            const findings = await findingsOf(() => {
                new aws.sfn.StateMachine("nightly-reconciliation-of-every-ledger-entry-across-all-european-regions2", { roleArn: "arn:aws:iam::123456789012:role/r", definition: "{}" });
                new aws.lb.TargetGroup("storefront-blue-targets-2026", { port: 80, protocol: "HTTP", vpcId: "vpc-0123456789abcdef0" });
            });
            const sfn = only(findings, "name", /at most 80 characters \(it has 81\)/);
            assert.equal(sfn.autoNamed, true);
            assert.match(sfn.value as string, /^nightly-reconciliation-of-every-ledger-entry-across-all-european-regions2-[0-9a-f]{7}$/);
            assert.match(describeFinding(sfn), /\(the name pulumi-aws generates\)/);
            const tg = only(findings, "name", /pulumi-aws auto-names it "storefront-blue-targets-2026-" plus 7 random characters, longer than its maximum of 32/);
            assert.equal(tg.autoNamed, true);
            only(findings, "name", /1-32 characters \(it has 36\)/);
        });
    });

    describe("auto-names as pulumi-aws generates them (engine/autoNames.ts, used by the mocks)", () => {
        it("adds the separator and seven random characters, lowercases bucket names, and keeps RDS identifiers without a separator", () => {
            assert.equal(physicalName("resize", "aws:lambda/function:Function"), autoName("aws:lambda/function:Function", "resize")!.value);
            assert.equal(physicalName("resize", "aws:lambda/function:Function", { name: "given" }), "given");
            assert.match(autoName("aws:s3/bucket:Bucket", "Photos")!.value, /^photos-[0-9a-f]{7}$/);
            assert.match(autoName("aws:lambda/function:Function", "resize")!.value, /^resize-[0-9a-f]{7}$/);
            assert.match(autoName("aws:rds/instance:Instance", "orders")!.value, /^orders[0-9a-f]{7}$/);
            assert.match(autoName("aws:glue/catalogTable:CatalogTable", "Sales")!.value, /^sales_[a-z]{8}$/);
            assert.match(autoName("aws:kms/alias:Alias", "app")!.value, /^alias\/app-[0-9a-f]{7}$/);
            assert.match(autoName("aws:sqs/queue:Queue", "jobs", { fifoQueue: true })!.value, /^jobs-[0-9a-f]{7}\.fifo$/);
            assert.match(autoName("aws:ec2/securityGroup:SecurityGroup", "web", { namePrefix: "web-" })!.value, /^web-\d{18}[0-9a-f]{8}$/);
            // 24 characters, "-" and 7 random ones fill the 32 a target group name may have.
            assert.equal(autoName("aws:lb/targetGroup:TargetGroup", "a".repeat(24))!.overLimit, false);
            assert.equal(autoName("aws:lb/targetGroup:TargetGroup", "a".repeat(25))!.overLimit, true);
            assert.equal(autoName("aws:ec2/vpc:Vpc", "main"), undefined);
        });

        it("the mocks give a resource the auto-name as the provider's state", async () => {
            const { resources } = await build(() => {
                new aws.s3.Bucket("Uploads", {});
                new aws.cloudwatch.EventTarget("notify", { rule: "r", arn: "arn:aws:sns:eu-west-1:123456789012:t" });
            });
            const bucket = resources.find((r) => r.name === "Uploads")!;
            assert.match(bucket.outputs.bucket, /^uploads-[0-9a-f]{7}$/);
            const target = resources.find((r) => r.name === "notify")!;
            assert.match(target.outputs.targetId, /^notify-[0-9a-f]{7}$/);
        });

        it("lists every type the program registers whose pulumi-aws arguments have an optional name (the installed SDK's declarations)", () => {
            const missing: string[] = [];
            for (const type of Object.keys(MAPPINGS)) {
                const [, module, resource] = type.split(":");
                const [dir, file] = module.split("/");
                const declaration = readFileSync(path.join(ROOT, "node_modules", "@pulumi", "aws", dir, `${file}.d.ts`), "utf8");
                const args = declaration.slice(declaration.indexOf(`export interface ${resource}Args`));
                const body = args.slice(0, args.indexOf("\n}"));
                const optionalName = /^\s{4}name\?: /m.test(body);
                if (optionalName && AUTO_NAMES[type]?.property !== "name") missing.push(type);
                if (!optionalName && AUTO_NAMES[type]?.property === "name") missing.push(`${type} (no optional name)`);
            }
            assert.deepEqual(missing, []);
        });
    });
});
