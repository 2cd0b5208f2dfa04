// Reverts and reports ingress rules added to monitored security groups (README scenario 12).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { configFromEnvironment, deployerPattern, handledEventNames, revertSecurityGroupChange } from "../../handlers/securityGroupGuard/securityGroupRevert";
import { Blueprint } from "../../components/common";
import { ArgsOf, defineScenario, pick, resolveArgs, ResolvedArgs } from "../../components/scenario";
import { Statement } from "../../components/iam";
import { HandlerFunction, ruleInvokesFunction } from "../../components/lambda";
import { defaultVpcId } from "../../components/network";
import { EncryptedTopic, failureQueueAlarm, functionAlarm } from "../../components/notifications";
import { privateBucket } from "../../components/storage";
import { securityGroupGuardSettings } from "./settings";

/** Arguments that also take other resources' values. */
type Inputs = "monitoredGroupIds" | "sampleGroupVpcId" | "approvedPrincipalArns";
/** The scenario's settings (see ./settings.ts); the monitored groups and the sample group's VPC may be other resources' outputs. */
export type SecurityGroupGuardArgs = ArgsOf<typeof securityGroupGuardSettings, Inputs>;

/** The tag that also marks a security group as monitored (its value defaults to the stack's). */
interface MonitoredTag {
    readonly key: string;
    readonly value: string;
}

/**
 * The revert function's permissions: read every group, revoke ingress only on the monitored groups (by id, and by tag
 * when set), publish to the topic and send to the failure queue.
 */
function revertStatements(on: {
    alerts: EncryptedTopic;
    failures: aws.sqs.Queue;
    revocable: readonly pulumi.Input<string>[];
    monitoredTag: MonitoredTag | undefined;
    accountId: pulumi.Output<string>;
    partition: pulumi.Output<string>;
    region: pulumi.Output<string>;
}): Statement[] {
    const { alerts, failures, revocable, monitoredTag, accountId, partition, region } = on;
    const groupArn = (id: pulumi.Input<string>) =>
        pulumi.interpolate`arn:${partition}:ec2:${region}:${accountId}:security-group/${id}`;
    const statements: Statement[] = [
        {
            sid: "ReadSecurityGroups",
            // Describe calls support no resource-level permissions.
            actions: ["ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"],
            resources: ["*"],
        },
        ...alerts.publishStatements(),
        { sid: "FailureDestination", actions: ["sqs:SendMessage"], resources: [failures.arn] },
    ];
    if (revocable.length > 0) {
        statements.push({
            sid: "RevokeOnMonitoredGroups",
            actions: ["ec2:RevokeSecurityGroupIngress"],
            resources: revocable.map(groupArn),
        });
    }
    if (monitoredTag) {
        statements.push({
            sid: "RevokeOnTaggedGroups",
            actions: ["ec2:RevokeSecurityGroupIngress"],
            resources: [groupArn("*")],
            conditions: { StringEquals: { [`aws:ResourceTag/${monitoredTag.key}`]: monitoredTag.value } },
        });
    }
    return statements;
}

export class SecurityGroupGuard extends Blueprint {
    readonly topicArn: pulumi.Output<string>;
    readonly functionName: pulumi.Output<string>;
    readonly ruleArn: pulumi.Output<string>;
    readonly failureQueueUrl: pulumi.Output<string>;
    readonly monitoredGroupIds: pulumi.Output<string[]>;
    readonly sampleGroupId?: pulumi.Output<string>;
    readonly trailArn?: pulumi.Output<string>;

    constructor(name: string, args: SecurityGroupGuardArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveArgs<typeof securityGroupGuardSettings, Inputs>(name, securityGroupGuardSettings, args);
        super("aws-blueprints:security:SecurityGroupGuard", name, "security-group-guard", args, opts);
        // A tag value of the stack's own by default: another stack's guard in the account never reverts this stack's groups.
        const monitoredTag = s.monitoredTag ? { key: s.monitoredTag.key, value: s.monitoredTag.value ?? this.tags.environment ?? pulumi.getStack() } : undefined;

        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const region = aws.getRegionOutput({}, { parent: this }).region;

        const alerts = new EncryptedTopic(
            `${name}-alerts`,
            { displayName: "Security group guard", email: s.notificationEmail, protect: this.protectStateful },
            { parent: this },
        );
        const sample = s.createSampleGroup ? this.sampleWebGroup(name, s.sampleGroupVpcId, monitoredTag) : undefined;
        if (sample) this.sampleGroupId = sample.group.id;
        const monitored = [...s.monitoredGroupIds, ...(sample ? [sample.group.id] : [])];
        const monitoredIds = pulumi.all(monitored);
        this.monitoredGroupIds = monitoredIds;

        if (s.createTrail) this.trailArn = this.createTrail(name, identity.accountId, partition, region);

        const failures = new aws.sqs.Queue(
            `${name}-failures`,
            { sqsManagedSseEnabled: true, messageRetentionSeconds: 14 * 24 * 3600 },
            this.stateful(),
        );
        const statements = revertStatements({ alerts, failures, revocable: monitored, monitoredTag, accountId: identity.accountId, partition, region });
        const revert = this.revertFunction(name, s, {
            statements,
            monitoredIds,
            monitoredTag,
            sampleRule: sample?.rule,
            callerArn: identity.arn,
            alerts,
            failures,
        });
        const rule = this.ingressChangeRule(name, revert, failures);
        this.failureAlarms(name, { alerts, failures, revert });

        this.topicArn = alerts.topicArn;
        this.functionName = revert.functionName;
        this.ruleArn = rule.arn;
        this.failureQueueUrl = failures.url;
        this.registerOutputs({
            topicArn: this.topicArn,
            functionName: this.functionName,
            ruleArn: this.ruleArn,
            failureQueueUrl: this.failureQueueUrl,
            monitoredGroupIds: this.monitoredGroupIds,
            sampleGroupId: this.sampleGroupId,
            trailArn: this.trailArn,
        });
    }

    /** A sample web server group to try the guard on: HTTPS in and out, monitored by id and, when set, by tag. */
    private sampleWebGroup(
        name: string,
        vpcId: pulumi.Input<string> | undefined,
        monitoredTag: MonitoredTag | undefined,
    ): { group: aws.ec2.SecurityGroup; rule: aws.vpc.SecurityGroupIngressRule } {
        const group = new aws.ec2.SecurityGroup(
            `${name}-web`,
            {
                // EC2 refuses a group name that begins with "sg-", which the auto-name of "sg-guard-web" would.
                namePrefix: `web-sample-${name}-`,
                description: "Web Server Security Group",
                vpcId:
                    vpcId ??
                    defaultVpcId({ owner: name, setting: "sampleGroupVpcId (securityGroupGuard.sampleGroupVpcId)", parent: this }),
                tags: {
                    Name: "Web Server Security Group",
                    ...(monitoredTag ? { [monitoredTag.key]: monitoredTag.value } : {}),
                },
            },
            { parent: this },
        );
        const rule = new aws.vpc.SecurityGroupIngressRule(
            `${name}-web-https`,
            {
                securityGroupId: group.id,
                description: "HTTPS from anywhere",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4: "0.0.0.0/0",
            },
            { parent: this },
        );
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-web-egress-https`,
            {
                securityGroupId: group.id,
                description: "HTTPS to anywhere (package updates)",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4: "0.0.0.0/0",
            },
            { parent: this },
        );
        return { group, rule };
    }

    /** The revert function, whose failed deliveries go to the failure queue after two retries. */
    private revertFunction(
        name: string,
        s: ResolvedArgs<typeof securityGroupGuardSettings, Inputs>,
        on: {
            statements: Statement[];
            monitoredIds: pulumi.Output<string[]>;
            monitoredTag: MonitoredTag | undefined;
            sampleRule: aws.vpc.SecurityGroupIngressRule | undefined;
            callerArn: pulumi.Output<string>;
            alerts: EncryptedTopic;
            failures: aws.sqs.Queue;
        },
    ): HandlerFunction {
        const { statements, monitoredIds, monitoredTag, sampleRule, callerArn, alerts, failures } = on;
        const exemptDeployer = s.exemptDeployingRole;
        // The approved principals may be other resources' ARNs: unwrapped with the caller's.
        const approved = pulumi.all([callerArn, pulumi.output(s.approvedPrincipalArns)]).apply(([caller, principals]) => [
            ...principals,
            ...(exemptDeployer ? [deployerPattern(caller)] : []),
        ]);
        const revert = new HandlerFunction(
            `${name}-revert`,
            {
                description: "Reverts ingress rules added to monitored security groups and reports who added them",
                statements,
                environment: {
                    MONITORED_GROUP_IDS: monitoredIds.apply((list) => list.join(",")),
                    MONITORED_TAG_KEY: monitoredTag?.key ?? "",
                    MONITORED_TAG_VALUE: monitoredTag?.value ?? "",
                    APPROVED_PRINCIPALS: approved.apply((list) => list.join(",")),
                    // The function exists only after the sample rule does, so the program's own rule is never reverted,
                    // however late CloudTrail delivers the event that created it.
                    MANAGED_RULE_IDS: sampleRule ? sampleRule.securityGroupRuleId : "",
                    TOPIC_ARN: alerts.topicArn,
                },
                timeoutSeconds: 30,
                memorySizeMb: s.memorySizeMb,
                logRetentionDays: this.logRetentionDays,
                protect: this.protectStateful,
                callback: revertHandler,
            },
            { parent: this },
        );
        new aws.lambda.FunctionEventInvokeConfig(
            `${name}-revert-async`,
            {
                functionName: revert.functionName,
                maximumRetryAttempts: 2,
                maximumEventAgeInSeconds: 3600,
                destinationConfig: { onFailure: { destination: failures.arn } },
            },
            { parent: this },
        );
        return revert;
    }

    /** The EventBridge rule on CloudTrail's ingress-change calls, targeting the function, with dead letters to the failure queue. */
    private ingressChangeRule(name: string, revert: HandlerFunction, failures: aws.sqs.Queue): aws.cloudwatch.EventRule {
        const rule = new aws.cloudwatch.EventRule(
            `${name}-ingress-changes`,
            {
                description: "EC2 calls that add or change security group ingress rules (recorded by CloudTrail)",
                eventPattern: JSON.stringify({
                    source: ["aws.ec2"],
                    "detail-type": ["AWS API Call via CloudTrail"],
                    detail: { eventSource: ["ec2.amazonaws.com"], eventName: handledEventNames() },
                }),
            },
            { parent: this },
        );
        ruleInvokesFunction(name, { rule, fn: revert, maximumRetryAttempts: 8, deadLetterArn: failures.arn }, { parent: this });
        new aws.sqs.QueuePolicy(
            `${name}-failures-policy`,
            {
                queueUrl: failures.url,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "RuleDeadLetters",
                            Effect: "Allow",
                            Principal: { Service: "events.amazonaws.com" },
                            Action: "sqs:SendMessage",
                            Resource: failures.arn,
                            Condition: { ArnEquals: { "aws:SourceArn": rule.arn } },
                        },
                    ],
                }),
            },
            { parent: this },
        );
        return rule;
    }

    /** Alarms on the topic: changes the guard gave up on, the revert function failing. */
    private failureAlarms(name: string, on: { alerts: EncryptedTopic; failures: aws.sqs.Queue; revert: HandlerFunction }): void {
        const { alerts, failures, revert } = on;
        failureQueueAlarm(
            `${name}-failed-events`,
            {
                queueName: failures.name,
                description: "Security group changes the guard could not process (see the failure queue)",
                topicArn: alerts.topicArn,
            },
            { parent: this },
        );
        functionAlarm(
            `${name}-revert-errors`,
            {
                functionName: revert.functionName,
                metric: "Errors",
                description: "The security group revert function failed",
                topicArn: alerts.topicArn,
            },
            { parent: this },
        );
    }

    /** A multi-region trail with log-file validation into a private, encrypted, versioned bucket. */
    private createTrail(
        name: string,
        accountId: pulumi.Output<string>,
        partition: pulumi.Output<string>,
        region: pulumi.Output<string>,
    ): pulumi.Output<string> {
        const trailName = `${name}-${pulumi.getStack()}`;
        const trailArn = pulumi.interpolate`arn:${partition}:cloudtrail:${region}:${accountId}:trail/${trailName}`;
        // CloudTrail writes to it until the trail is gone: an unprotected stack deletes it with its logs.
        const { bucket, policy } = privateBucket(
            `${name}-trail-logs`,
            {
                versioning: true,
                forceDestroy: !this.protectStateful,
                allow: (b) => [
                    {
                        Sid: "CloudTrailAclCheck",
                        Effect: "Allow",
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: "s3:GetBucketAcl",
                        Resource: b.arn,
                        Condition: { StringEquals: { "aws:SourceArn": trailArn } },
                    },
                    {
                        Sid: "CloudTrailWrite",
                        Effect: "Allow",
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: "s3:PutObject",
                        Resource: pulumi.interpolate`${b.arn}/AWSLogs/${accountId}/*`,
                        Condition: {
                            StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn },
                        },
                    },
                ],
            },
            this,
            this.stateful(),
        );
        const trail = new aws.cloudtrail.Trail(
            `${name}-trail`,
            {
                name: trailName,
                s3BucketName: bucket.id,
                isMultiRegionTrail: true,
                includeGlobalServiceEvents: true,
                enableLogFileValidation: true,
                enableLogging: true,
            },
            { parent: this, dependsOn: [policy] },
        );
        return trail.arn;
    }
}

// The functions' handlers, defined once here so that each is serialized once per program (see HandlerFunction's
// callback); their configuration comes from the function's environment.
const revertHandler = async (event: unknown) => {
    // SDK v3 ships with the Lambda runtime; required here so it is neither serialized nor bundled.
    const { EC2 } = require("@aws-sdk/client-ec2");
    const { SNS } = require("@aws-sdk/client-sns");
    const result = await revertSecurityGroupChange(event, configFromEnvironment(process.env), {
        ec2: new EC2({}),
        sns: new SNS({}),
        log: (message, data) => console.log(JSON.stringify({ message, ...data })),
    });
    console.log(JSON.stringify(result));
    return result;
};

// The scenario: `aws-blueprints:securityGroupGuard` builds this component from its settings; its outputs are the stack output of the
// same name. The registry (scenarios/index.ts) is generated from these entries.
export const securityGroupGuard = defineScenario({
    key: "securityGroupGuard",
    readme: { number: 12, title: "Revert and report security-group changes" },
    declaration: securityGroupGuardSettings,
    build: (settings, shared) => {
        const guard = new SecurityGroupGuard("sg-guard", { ...shared, ...settings });
        return pick(guard, ["topicArn", "functionName", "ruleArn", "failureQueueUrl", "monitoredGroupIds", "sampleGroupId", "trailArn"]);
    },
});
