// What the stack expects of the account's services without creating it: a CloudTrail trail for the API-call events
// its rules react to, Inspector for the findings it forwards, a Config recorder for its Config rules, SES out of its
// sandbox for the mail it sends, and CloudFront allowed for a new account.
import { CloudFrontClient, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import { ConfigServiceClient, DescribeConfigurationRecorderStatusCommand } from "@aws-sdk/client-config-service";
import { BatchGetAccountStatusCommand, Inspector2Client } from "@aws-sdk/client-inspector2";
import { GetAccountCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import { CheckContext, Finding, ofType, PlannedResource, GLOBAL_REGION } from "./model";


function patternOf(rule: PlannedResource): any {
    try {
        return typeof rule.inputs.eventPattern === "string" ? JSON.parse(rule.inputs.eventPattern) : rule.inputs.eventPattern;
    } catch {
        return undefined;
    }
}

const rulesMatching = (context: CheckContext, region: string, test: (pattern: any) => boolean) =>
    ofType(context.model, "aws:cloudwatch/eventRule:EventRule", region).filter((r) => {
        const pattern = patternOf(r);
        return pattern !== undefined && test(pattern);
    });

/** Trails that log this region's management events: its own and multi-Region (and organization) trails. */
async function loggingTrails(context: CheckContext, region: string): Promise<string[]> {
    const cloudtrail = context.clients.in(CloudTrailClient, region);
    const trails = (await cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
    const covering = trails.filter((t) => t.HomeRegion === region || t.IsMultiRegionTrail);
    const logging: string[] = [];
    for (const t of covering) {
        const status = await cloudtrail.send(new GetTrailStatusCommand({ Name: t.TrailARN ?? t.Name }));
        if (status.IsLogging) logging.push(t.Name ?? t.TrailARN ?? "");
    }
    return logging;
}

/**
 * EventBridge delivers "AWS API Call via CloudTrail" events only where a trail logs management events
 * (https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure-cloudtrail.html); a second trail of the same
 * events is charged (https://aws.amazon.com/cloudtrail/pricing/).
 */
async function trails(context: CheckContext): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const region of context.model.regions) {
        const apiRules = rulesMatching(context, region, (p) => [].concat(p["detail-type"] ?? []).includes("AWS API Call via CloudTrail" as never));
        const ownTrails = ofType(context.model, "aws:cloudtrail/trail:Trail", region);
        if (apiRules.length === 0 && ownTrails.length === 0) continue;
        const logging = await loggingTrails(context, region);
        if (apiRules.length > 0 && ownTrails.length === 0 && logging.length === 0) {
            findings.push({
                severity: "warning",
                check: "services",
                subject: apiRules.map((r) => r.name).join(", "),
                region,
                problem: `no CloudTrail trail logs ${region}'s management events: EventBridge never delivers the "AWS API Call via CloudTrail" events these rules wait for, so they never fire`,
                fix: "let the stack create a trail (securityGroupGuard.createTrail: true), or create an account or organization trail",
            });
        }
        const others = logging.filter((name) => !ownTrails.some((t) => t.inputs.name === name));
        if (ownTrails.length > 0 && others.length > 0) {
            findings.push({
                severity: "warning",
                check: "services",
                subject: ownTrails.map((t) => t.inputs.name ?? t.name).join(", "),
                region,
                problem: `${others.join(", ")} already log(s) ${region}'s management events: the stack's trail would be another copy, which CloudTrail charges for`,
                fix: "keep it if this stack needs its own audit trail (each copy after the first is charged per event), or turn off the setting that creates it where there is one (securityGroupGuard.createTrail)",
            });
        }
    }
    return findings;
}

/** Inspector findings reach EventBridge only where Inspector scans (https://docs.aws.amazon.com/inspector/latest/user/eventbridge-integration.html). */
async function inspector(context: CheckContext): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const region of context.model.regions) {
        const rules = rulesMatching(context, region, (p) => [].concat(p.source ?? []).includes("aws.inspector2" as never));
        if (rules.length === 0 || ofType(context.model, "aws:inspector2/enabler:Enabler", region).length > 0) continue;
        const status = await context.clients.in(Inspector2Client, region).send(new BatchGetAccountStatusCommand({ accountIds: [context.accountId] }));
        const ec2 = status.accounts?.[0]?.resourceState?.ec2?.status;
        if (ec2 !== "ENABLED" && ec2 !== "ENABLING") {
            findings.push({
                severity: "warning",
                check: "services",
                subject: "patchInspectProtect.enableInspector",
                region,
                problem: `Amazon Inspector does not scan EC2 in ${region} (${ec2 ?? "not enabled"}): ${rules.map((r) => r.name).join(", ")} would never see a finding`,
                fix: "set patchInspectProtect.enableInspector to true, or enable Inspector for the account (or through your organization's delegated administrator)",
            });
        }
    }
    return findings;
}

/** Config rules evaluate only what a recorder records (https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config.html). */
async function configRecorder(context: CheckContext): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const region of context.model.regions) {
        const rules = ofType(context.model, "aws:cfg/rule:Rule", region);
        if (rules.length === 0 || ofType(context.model, "aws:cfg/recorder:Recorder", region).length > 0) continue;
        const statuses = (await context.clients.in(ConfigServiceClient, region).send(new DescribeConfigurationRecorderStatusCommand({}))).ConfigurationRecordersStatus ?? [];
        if (!statuses.some((s) => s.recording)) {
            findings.push({
                severity: "warning",
                check: "services",
                subject: "compliantWebApp.createConfigRecorder",
                region,
                problem: `no AWS Config recorder records in ${region}: the stack's ${rules.length} Config rules would evaluate nothing`,
                fix: "set compliantWebApp.createConfigRecorder to true, or start the region's recorder",
            });
        }
    }
    return findings;
}

/** SES starts in its sandbox: mail only to verified addresses, 200 a day (https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html). */
async function ses(context: CheckContext): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const region of context.model.regions) {
        const resources = context.model.resources.filter((r) => r.region === region && r.type.startsWith("aws:sesv2/"));
        if (resources.length === 0) continue;
        const account = await context.clients.in(SESv2Client, region).send(new GetAccountCommand({}));
        if (account.SendingEnabled === false) {
            findings.push({
                severity: "warning",
                check: "services",
                subject: "sesTracking",
                region,
                problem: `sending is paused for this account in ${region} (enforcement status ${account.EnforcementStatus ?? "unknown"}): no mail goes out`,
                fix: "resolve the pause with AWS (SES console, reputation dashboard) before relying on the tracking",
            });
        } else if (account.ProductionAccessEnabled === false) {
            findings.push({
                severity: "warning",
                check: "services",
                subject: "sesTracking",
                region,
                problem: `SES is in its sandbox in ${region}: mail goes only to verified addresses, at most ${account.SendQuota?.Max24HourSend ?? 200} a day`,
                fix: "request production access for SES in this region (aws sesv2 put-account-details) before sending to customers",
            });
        }
    }
    return findings;
}

/**
 * A new account may be refused CloudFront distributions until AWS verifies it (CreateDistribution answers
 * AccessDenied, "Your account must be verified before you can add new CloudFront resources"). Nothing reads that
 * state; an account without any distribution is the sign to look for.
 */
async function cloudfront(context: CheckContext): Promise<Finding[]> {
    const distributions = ofType(context.model, "aws:cloudfront/distribution:Distribution");
    if (distributions.length === 0) return [];
    const list = await context.clients.in(CloudFrontClient, GLOBAL_REGION).send(new ListDistributionsCommand({ MaxItems: 1 }));
    if ((list.DistributionList?.Quantity ?? 0) > 0) return [];
    return [
        {
            severity: "warning",
            check: "services",
            subject: distributions.map((d) => d.name).join(", "),
            problem: "the account has no CloudFront distribution yet: a new account may be refused one (AccessDenied, \"Your account must be verified before you can add new CloudFront resources\")",
            fix: "if pulumi up fails so, open an AWS Support case to verify the account for CloudFront, then run it again",
        },
    ];
}

export async function serviceChecks(context: CheckContext): Promise<Finding[]> {
    const all = await Promise.all([trails(context), inspector(context), configRecorder(context), ses(context), cloudfront(context)]);
    return all.flat();
}
