// SES reputation and open/click tracking (SCENARIOS.md 9): a configuration set with reputation metrics, an event
// destination for open, click, bounce and complaint events, alarms below the rates at which SES reviews an account,
// and an optional DKIM-verified domain identity with its DNS records in Route 53.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Blueprint, BlueprintArgs } from "../../components/common";
import { EncryptedTopic, topicAlarm } from "../../components/notifications";

export type SesEventDestinationKind = "sns" | "cloudwatch";

export interface SesTrackingArgs extends BlueprintArgs {
    /** Name of the configuration set senders name in their requests. @default `<component name>-<stack>` */
    readonly configurationSetName?: string;
    /** Where open, click, bounce and complaint events go: an encrypted SNS topic and/or CloudWatch metrics. @default ["sns", "cloudwatch"] */
    readonly eventDestinations?: readonly SesEventDestinationKind[];
    /** A message tag (e.g. `campaign`) whose value becomes an extra dimension of the CloudWatch event metrics. @default none */
    readonly campaignTag?: string;
    /** Alarm when the bounce rate reaches this fraction; below 0.05 (5%), where SES reviews an account. @default 0.02 (AWS's recommended ceiling) */
    readonly bounceRateThreshold?: number;
    /** Alarm when the complaint rate reaches this fraction; below 0.001 (0.1%), where SES reviews an account. @default 0.0005 */
    readonly complaintRateThreshold?: number;
    /** A domain to verify as a sending identity with Easy DKIM (2048-bit). @default none */
    readonly domain?: string;
    /**
     * Public hosted zone receiving the three DKIM CNAME records; required when `domain` has more than two labels (a
     * subdomain such as mail.example.com usually lives in its parent's zone). @default the public zone named exactly `domain`
     */
    readonly hostedZoneId?: pulumi.Input<string>;
    /** Email subscribed to the reputation alarms. @default none */
    readonly notificationEmail?: string;
}

/** Event types published: engagement (open, click) and the two that drive reputation (bounce, complaint). */
export function trackedEventTypes(): string[] {
    return ["OPEN", "CLICK", "BOUNCE", "COMPLAINT"];
}

// SES places an account under review at a bounce rate of 5% or more and a complaint rate of 0.1% or more, and
// recommends staying below 2% bounces and 0.1% complaints ("Amazon SES sending review process FAQs",
// https://docs.aws.amazon.com/ses/latest/dg/faqs-enforcement.html; "Reputation metrics messages",
// https://docs.aws.amazon.com/ses/latest/dg/reputationdashboardmessages.html). An alarm at the review level fires only
// once the account is already under review, so thresholds must sit strictly below it.
const REVIEW_BOUNCE_RATE = 0.05;
const REVIEW_COMPLAINT_RATE = 0.001;
const DEFAULT_BOUNCE_RATE = 0.02;
const DEFAULT_COMPLAINT_RATE = 0.0005;
const CONFIGURATION_SET_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
// SES message tag names: letters, digits, underscores and dashes, at most 256 characters.
const TAG_NAME = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * Why a domain needs an explicit hosted zone id, or undefined when the zone named like it is the one to look up.
 * Route 53's lookup by name fails the whole run when no zone has exactly that name ("no matching Route 53 Hosted Zone
 * found"), and the zone holding a subdomain's records is usually its parent's, so a name with more labels than a
 * registrable domain (example.com) needs the id. Multi-label public suffixes (example.co.uk) need it too: telling
 * them apart needs the public suffix list.
 */
export function zoneIdRequired(domain: string): string | undefined {
    const labels = domain.split(".");
    if (labels.length <= 2) return undefined;
    const parent = labels.slice(1).join(".");
    return (
        `is required for domain "${domain}": give the id of the public Route 53 zone that holds its records ` +
        `(the zone of ${parent} or another parent, or ${domain}'s own zone if it is delegated)`
    );
}

function percent(fraction: number): string {
    return `${Number((fraction * 100).toPrecision(6))}%`;
}

export class SesTracking extends Blueprint {
    readonly configurationSetName: pulumi.Output<string>;
    readonly configurationSetArn: pulumi.Output<string>;
    /** Topic receiving every tracked event as JSON (subscribe a queue or function to it). */
    readonly eventsTopicArn?: pulumi.Output<string>;
    /** Topic receiving the reputation alarms. */
    readonly alertsTopicArn: pulumi.Output<string>;
    readonly alarmNames: pulumi.Output<string[]>;
    readonly identityArn?: pulumi.Output<string>;
    /** The DKIM CNAME record names created in the hosted zone. */
    readonly dkimRecordNames?: pulumi.Output<string[]>;

    constructor(name: string, args: SesTrackingArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:email:SesTracking", name, "ses-tracking", args, opts);
        const setName = args.configurationSetName ?? `${name}-${pulumi.getStack()}`;
        if (!CONFIGURATION_SET_NAME.test(setName)) {
            throw new Error(`${name}: configurationSetName "${setName}" must be 1-64 letters, digits, underscores or dashes`);
        }
        const destinations = [...new Set(args.eventDestinations ?? ["sns", "cloudwatch"])];
        if (destinations.length === 0 || destinations.some((d) => d !== "sns" && d !== "cloudwatch")) {
            throw new Error(`${name}: eventDestinations ${JSON.stringify(args.eventDestinations)} must name "sns" and/or "cloudwatch"`);
        }
        if (args.campaignTag !== undefined && (!TAG_NAME.test(args.campaignTag) || args.campaignTag.startsWith("ses:"))) {
            throw new Error(`${name}: campaignTag "${args.campaignTag}" must be a message tag name (letters, digits, _ or -; not ses:)`);
        }
        if (args.campaignTag !== undefined && !destinations.includes("cloudwatch")) {
            throw new Error(`${name}: campaignTag is a CloudWatch dimension; add "cloudwatch" to eventDestinations`);
        }
        const bounce = args.bounceRateThreshold ?? DEFAULT_BOUNCE_RATE;
        if (!(bounce > 0 && bounce < REVIEW_BOUNCE_RATE)) {
            throw new Error(
                `${name}: bounceRateThreshold ${bounce} must be above 0 and below ${REVIEW_BOUNCE_RATE} (5%, where SES places an account under review)`,
            );
        }
        const complaint = args.complaintRateThreshold ?? DEFAULT_COMPLAINT_RATE;
        if (!(complaint > 0 && complaint < REVIEW_COMPLAINT_RATE)) {
            throw new Error(
                `${name}: complaintRateThreshold ${complaint} must be above 0 and below ${REVIEW_COMPLAINT_RATE} (0.1%, where SES places an account under review)`,
            );
        }
        if (args.domain !== undefined && !DOMAIN.test(args.domain)) {
            throw new Error(`${name}: domain "${args.domain}" must be a lowercase domain name like mail.example.com`);
        }
        if (args.hostedZoneId !== undefined && args.domain === undefined) throw new Error(`${name}: hostedZoneId is only used with domain`);
        if (args.domain !== undefined && args.hostedZoneId === undefined) {
            const problem = zoneIdRequired(args.domain);
            if (problem) throw new Error(`${name}: hostedZoneId ${problem}`);
        }

        const alerts = new EncryptedTopic(
            `${name}-alerts`,
            { displayName: "SES reputation", email: args.notificationEmail, protect: this.protectStateful },
            { parent: this },
        );
        const configurationSet = new aws.sesv2.ConfigurationSet(
            `${name}`,
            {
                configurationSetName: setName,
                reputationOptions: { reputationMetricsEnabled: true },
                sendingOptions: { sendingEnabled: true },
                // Never send twice to an address that bounced hard or complained: both count against reputation.
                suppressionOptions: { suppressedReasons: ["BOUNCE", "COMPLAINT"] },
            },
            { parent: this },
        );

        if (destinations.includes("sns")) {
            // No email subscription: every open and click is a message; subscribe a queue or a function instead.
            const events = new EncryptedTopic(
                `${name}-events`,
                { displayName: "SES email events", publishingServices: ["ses.amazonaws.com"], protect: this.protectStateful },
                { parent: this },
            );
            new aws.sesv2.ConfigurationSetEventDestination(
                `${name}-sns`,
                {
                    configurationSetName: configurationSet.configurationSetName,
                    eventDestinationName: "sns",
                    eventDestination: { enabled: true, matchingEventTypes: trackedEventTypes(), snsDestination: { topicArn: events.topicArn } },
                },
                // SES checks that it may publish (topic and key policy) when the destination is created.
                { parent: this, dependsOn: [events] },
            );
            this.eventsTopicArn = events.topicArn;
        }
        if (destinations.includes("cloudwatch")) {
            new aws.sesv2.ConfigurationSetEventDestination(
                `${name}-cloudwatch`,
                {
                    configurationSetName: configurationSet.configurationSetName,
                    eventDestinationName: "cloudwatch",
                    eventDestination: {
                        enabled: true,
                        matchingEventTypes: trackedEventTypes(),
                        cloudWatchDestination: {
                            dimensionConfigurations: [
                                // SES tags every message with its configuration set, so this dimension is always filled.
                                { dimensionName: "ses:configuration-set", dimensionValueSource: "MESSAGE_TAG", defaultDimensionValue: setName },
                                ...(args.campaignTag
                                    ? [{ dimensionName: args.campaignTag, dimensionValueSource: "MESSAGE_TAG", defaultDimensionValue: "none" }]
                                    : []),
                            ],
                        },
                    },
                },
                { parent: this },
            );
        }

        // Account-level reputation metrics carry no dimensions; the set's own (published because reputation metrics
        // are enabled on it) carry ses:configuration-set. Alarm on both: SES reviews the account, the set says who.
        const scopes: Array<{ label: string; dimensions: Record<string, pulumi.Input<string>> }> = [
            { label: "account", dimensions: {} },
            { label: "set", dimensions: { "ses:configuration-set": configurationSet.configurationSetName } },
        ];
        // ALARM from the threshold up, so OK means strictly below it: AWS's advice is to keep the rates *below* 2% and
        // 0.1%, and a threshold strictly below the review level always fires before the account is reviewed.
        const comparison = "GreaterThanOrEqualToThreshold";
        const alarms = scopes.flatMap(({ label, dimensions }) => [
            topicAlarm(
                `${name}-${label}-bounce-rate`,
                {
                    description: `SES ${label === "account" ? "account" : `configuration set ${setName}`} bounce rate reached ${percent(bounce)} (SES places accounts under review at 5%)`,
                    namespace: "AWS/SES",
                    metricName: "Reputation.BounceRate",
                    dimensions,
                    statistic: "Maximum",
                    comparison,
                    threshold: bounce,
                    periodSeconds: 900,
                    topicArn: alerts.topicArn,
                    notifyOnOk: true,
                },
                { parent: this },
            ),
            topicAlarm(
                `${name}-${label}-complaint-rate`,
                {
                    description: `SES ${label === "account" ? "account" : `configuration set ${setName}`} complaint rate reached ${percent(complaint)} (SES places accounts under review at 0.1%)`,
                    namespace: "AWS/SES",
                    metricName: "Reputation.ComplaintRate",
                    dimensions,
                    statistic: "Maximum",
                    comparison,
                    threshold: complaint,
                    periodSeconds: 900,
                    topicArn: alerts.topicArn,
                    notifyOnOk: true,
                },
                { parent: this },
            ),
        ]);

        if (args.domain !== undefined) {
            const domain = args.domain;
            const identity = new aws.sesv2.EmailIdentity(
                `${name}-domain`,
                {
                    emailIdentity: domain,
                    configurationSetName: configurationSet.configurationSetName,
                    dkimSigningAttributes: { nextSigningKeyLength: "RSA_2048_BIT" },
                },
                { parent: this },
            );
            const zoneId =
                args.hostedZoneId ??
                pulumi.output(
                    aws.route53.getZone({ name: domain, privateZone: false }, { parent: this }).then(
                        (zone) => zone.zoneId,
                        (err: Error) => {
                            throw new Error(
                                `${name}: no public Route 53 hosted zone named ${domain} was found${err?.message ? ` (${err.message})` : ""}; set hostedZoneId to the zone that holds ${domain}`,
                            );
                        },
                    ),
                );
            const tokens = identity.dkimSigningAttributes.apply((d) => {
                const list = d?.tokens ?? [];
                if (list.length !== 3) throw new Error(`${name}: SES returned ${list.length} DKIM tokens for ${domain}; Easy DKIM gives 3`);
                return list;
            });
            // Easy DKIM always gives three tokens, so the three records are known before the identity exists.
            const records = [0, 1, 2].map(
                (i) =>
                    new aws.route53.Record(
                        `${name}-dkim-${i}`,
                        {
                            zoneId,
                            name: tokens.apply((t) => `${t[i]}._domainkey.${domain}`),
                            type: "CNAME",
                            ttl: 1800,
                            records: [tokens.apply((t) => `${t[i]}.dkim.amazonses.com`)],
                        },
                        { parent: this },
                    ),
            );
            this.identityArn = identity.arn;
            this.dkimRecordNames = pulumi.all(records.map((r) => r.name));
        }

        this.configurationSetName = configurationSet.configurationSetName;
        this.configurationSetArn = configurationSet.arn;
        this.alertsTopicArn = alerts.topicArn;
        this.alarmNames = pulumi.all(alarms.map((a) => a.name));
        this.registerOutputs({
            configurationSetName: this.configurationSetName,
            configurationSetArn: this.configurationSetArn,
            eventsTopicArn: this.eventsTopicArn,
            alertsTopicArn: this.alertsTopicArn,
            alarmNames: this.alarmNames,
            identityArn: this.identityArn,
            dkimRecordNames: this.dkimRecordNames,
        });
    }
}
