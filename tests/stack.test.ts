import assert from "node:assert/strict";
import { PROJECT } from "../components/settings";
import { parseSettings, SCENARIO_KEYS, Settings } from "../scenarios";
import { configuredStacks } from "../tools/plan";
import { isStateful } from "../tools/stateful";
import { archiveFiles, ProgramRun, Resources, runStack, stackConfig } from "../engine/evaluate";

/** The stack's settings as the program reads them. */
function settingsOf(stack: string): Settings {
    const config = stackConfig(stack);
    const raw = Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith(`${PROJECT}:`)).map(([k, v]) => [k.slice(PROJECT.length + 1), v]));
    return parseSettings(raw, config["aws:region"], { stack });
}

const TAGGABLE_TYPES = [
    "aws:lambda/function:Function",
    "aws:iam/role:Role",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:sqs/queue:Queue",
    "aws:sns/topic:Topic",
    "aws:kms/key:Key",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:s3/bucket:Bucket",
    "aws:cloudtrail/trail:Trail",
];

for (const stack of configuredStacks()) {
    describe(`whole stack: ${stack}`, () => {
        let run: ProgramRun;
        let r: Resources;
        let settings: Settings;
        before(async () => {
            run = await runStack(stack);
            r = new Resources(run.resources);
            settings = settingsOf(stack);
        });

        it("builds the components its settings enable and exports their outputs", () => {
            const enabled = SCENARIO_KEYS.filter((k) => (settings as unknown as Record<string, { enabled: boolean }>)[k].enabled);
            assert.ok(enabled.length > 0);
            assert.deepEqual(SCENARIO_KEYS.filter((k) => run.exports[k] !== undefined), enabled, "one export per enabled scenario");
            if (settings.securityGroupGuard.enabled) {
                assert.equal(r.ofType("aws-blueprints:security:SecurityGroupGuard").length, 1);
                const out = run.exports.securityGroupGuard as Record<string, unknown>;
                assert.match(String(out.topicArn), /^arn:aws:sns:us-east-1:\d{12}:/);
                assert.match(String(out.functionName), /^sg-guard-revert/);
            }
            assert.equal(run.exports.environment, stack, "the environment defaults to, or is set to, the stack's name");
        });

        it("gives every function an explicit role of its own, a pinned runtime, timeout, memory and log group", () => {
            const functions = r.ofType("aws:lambda/function:Function");
            assert.ok(functions.length > 0);
            for (const fn of functions) {
                assert.equal(fn.inputs.runtime, "nodejs22.x", `${fn.name} runtime`);
                assert.ok(Number.isInteger(fn.inputs.timeout) && fn.inputs.timeout <= 900, `${fn.name} timeout`);
                assert.ok(Number.isInteger(fn.inputs.memorySize), `${fn.name} memory`);
                const owner = r.parentOf(fn)!;
                assert.equal(owner.type, "aws-blueprints:shared:HandlerFunction", `${fn.name} is built by the shared wrapper`);
                const role = r.descendants(owner.urn).find((c) => c.type === "aws:iam/role:Role")!;
                assert.equal(fn.inputs.role, role.outputs.arn, `${fn.name} uses its own role`);
                const logGroup = r.children(owner.urn).find((c) => c.type === "aws:cloudwatch/logGroup:LogGroup")!;
                assert.equal(fn.inputs.loggingConfig.logGroup, logGroup.outputs.name);
                assert.ok(logGroup.inputs.retentionInDays > 0);
            }
        });

        it("never creates CallbackFunction's default role with its FullAccess policies", () => {
            const attachments = r.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
            for (const a of attachments) assert.doesNotMatch(String(a.inputs.policyArn), /FullAccess|PowerUser|AdministratorAccess/);
        });

        it("ships each callback as an archive holding only its serialized handler (and the packages it requires)", async () => {
            // The Lambda runtime provides the AWS SDK, so a handler's @aws-sdk/* require is never bundled.
            const dependencies = Object.keys(require("../package.json").dependencies).filter((d) => !d.startsWith("@aws-sdk/"));
            for (const fn of r.ofType("aws:lambda/function:Function")) {
                const files = await archiveFiles(fn);
                const text = files.get("__index.js")!.text!;
                // Only a handler that requires a runtime dependency (sharp for the image handler) carries node_modules;
                // its own component test lists the exact packages.
                const required = dependencies.filter((d) => text.includes(`require("${d}")`));
                const extra = [...files.keys()].filter((k) => k !== "__index.js");
                if (required.length === 0) assert.deepEqual(extra, [], `${fn.name} archive`);
                for (const d of required) assert.ok(files.has(`node_modules/${d}`), `${fn.name} archive carries ${d}`);
                for (const k of extra) assert.match(k, /^node_modules\//, `${fn.name} archive entry ${k}`);
                assert.ok(!extra.some((k) => k.startsWith("node_modules/@aws-sdk/")), `${fn.name} archive carries no AWS SDK package`);
                assert.match(text, /exports\.handler = /);
                assert.doesNotMatch(text, /require\("@pulumi\//, `${fn.name} must not load Pulumi at run time`);
            }
        });

        it("builds every bucket from the private-bucket building block: no public access, encrypted, ACLs off, TLS only", () => {
            const buckets = run.resources.filter((b) => b.type === "aws:s3/bucket:Bucket");
            for (const b of buckets) {
                const companion = (type: string) => run.resources.find((c) => c.type === type && c.name === b.name);
                const block = companion("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
                assert.ok(block, `${b.name}: no public access block`);
                assert.deepEqual([block.inputs.blockPublicAcls, block.inputs.blockPublicPolicy, block.inputs.ignorePublicAcls, block.inputs.restrictPublicBuckets], [true, true, true, true], b.name);
                assert.ok(companion("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"), `${b.name}: no default encryption`);
                assert.equal(companion("aws:s3/bucketOwnershipControls:BucketOwnershipControls")?.inputs.rule.objectOwnership, "BucketOwnerEnforced", `${b.name}: ACLs not disabled`);
                const policy = companion("aws:s3/bucketPolicy:BucketPolicy");
                assert.ok(policy, `${b.name}: no bucket policy`);
                assert.ok(policy.dependencies.includes(block.urn), `${b.name}: its policy does not wait for the public access block`);
                const statements = JSON.parse(policy.inputs.policy).Statement as { Sid?: string; Condition?: unknown }[];
                assert.deepEqual(statements.find((st) => st.Sid === "DenyInsecureTransport")?.Condition, { Bool: { "aws:SecureTransport": "false" } }, b.name);
            }
        });

        it("tags every taggable resource with environment, application, owner and scenario", () => {
            const taggable = r.all.filter((x) => x.custom && (TAGGABLE_TYPES.includes(x.type) || x.inputs.tags !== undefined));
            assert.ok(taggable.length > 5);
            for (const x of taggable) {
                // Auto Scaling groups take a list of { key, value, propagateAtLaunch } blocks.
                const tags = Array.isArray(x.inputs.tags)
                    ? Object.fromEntries(x.inputs.tags.map((t: { key: string; value: string }) => [t.key, t.value]))
                    : (x.inputs.tags ?? {});
                assert.equal(tags.environment, stack, `${x.type} ${x.name} environment tag`);
                assert.equal(tags.application, "aws-blueprints", `${x.type} ${x.name} application tag`);
                assert.ok(tags.owner, `${x.type} ${x.name} owner tag`);
                assert.ok(tags.scenario, `${x.type} ${x.name} scenario tag`);
            }
        });

        it("protects and retains every stateful resource exactly when its settings say protect", () => {
            // The same types the preview guard and the plan diff treat as holding data.
            assert.equal(settings.protect, stack === "prod", "prod protects; dev and the test stack are disposable");
            const stateful = r.all.filter((x) => x.custom && isStateful(x.type));
            assert.ok(stateful.length > 0);
            for (const x of stateful) {
                assert.equal(x.protect, settings.protect, `${x.type} ${x.name} protect`);
                assert.equal(x.retainOnDelete, settings.protect, `${x.type} ${x.name} retainOnDelete`);
            }
        });

        it("warns in a preview about each documentation-only value, and dev holds none", () => {
            for (const w of run.warnings) assert.match(w, /^aws-blueprints:\S+ holds a documentation-only value /);
            if (stack === "dev") assert.deepEqual(run.warnings, []);
            if (stack === "prod") assert.ok(run.warnings.length > 0, "prod's example values are documentation-only");
        });

        // Step Functions adds each log group outside /aws/vendedlogs/ to the account's CloudWatch Logs resource
        // policy (5120 characters at most), so every deployment of such a state machine brings the account nearer
        // the point where no further state machine can log.
        it("logs every state machine to a /aws/vendedlogs/states/ log group", () => {
            const machines = r.ofType("aws:sfn/stateMachine:StateMachine");
            if (settings.lambdaCanary.enabled && settings.budgetGuardrail.enabled && settings.safeDeployPipeline.enabled) {
                assert.ok(machines.length >= 3, `the canary, budget and pipeline state machines; found ${machines.length}`);
            }
            for (const sm of machines) {
                const destination = String(sm.inputs.loggingConfiguration?.logDestination ?? "");
                const group = r.ofType("aws:cloudwatch/logGroup:LogGroup").find((lg) => destination === `${lg.outputs.arn}:*`);
                assert.ok(group, `${sm.name} logs to a log group of the program; got ${JSON.stringify(destination)}`);
                const name = String(group.inputs.name ?? group.inputs.namePrefix ?? "");
                assert.ok(name.startsWith("/aws/vendedlogs/states/"), `${sm.name} logs to ${group.name}, named ${JSON.stringify(name)}`);
            }
        });
    });
}
