// SES reputation and open/click tracking (README scenario 9): a configuration set with reputation metrics, an event
// destination for open, click, bounce and complaint events, alarms below the rates at which SES reviews an account,
// and an optional DKIM-verified domain identity with its DNS records in Route 53.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Blueprint } from "../../components/common";
import { EncryptedTopic, topicAlarm } from "../../components/notifications";
import { ArgsOf, defineScenario, pick, resolveArgs } from "../../components/scenario";
import { sesTrackingSettings } from "./settings";

/** Arguments that also take other resources' values. */
type Inputs = "hostedZoneId";
/** The scenario's settings (see ./settings.ts); the hosted zone may be another resource's output. */
export type SesTrackingArgs = ArgsOf<typeof sesTrackingSettings, Inputs>;
export type SesEventDestinationKind = NonNullable<SesTrackingArgs["eventDestinations"]>[number];

/** Event types published: engagement (open, click) and the two that drive reputation (bounce, complaint). */
export function trackedEventTypes(): string[] {
    return ["OPEN", "CLICK", "BOUNCE", "COMPLAINT"];
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
        const s = resolveArgs<typeof sesTrackingSettings, Inputs>(name, sesTrackingSettings, args);
        super("aws-blueprints:email:SesTracking", name, "ses-tracking", args, opts);
        const setName = s.configurationSetName ?? `${name}-${pulumi.getStack()}`;
        // resolveArgs checked a given name; the one made up from the component's and the stack's names must pass the same rule.
        if (!sesTrackingSettings.shape.configurationSetName.safeParse(setName).success) {
            throw new Error(`${name}: configurationSetName "${setName}" must be 1-64 letters, digits, underscores or dashes`);
        }
        const destinations = [...new Set(s.eventDestinations)];
        const bounce = s.bounceRateThreshold;
        const complaint = s.complaintRateThreshold;

        const alerts = new EncryptedTopic(
            `${name}-alerts`,
            { displayName: "SES reputation", email: s.notificationEmail, protect: this.protectStateful },
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
                                ...(s.campaignTag
                                    ? [{ dimensionName: s.campaignTag, dimensionValueSource: "MESSAGE_TAG", defaultDimensionValue: "none" }]
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

        if (s.domain !== undefined) {
            const domain = s.domain;
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
                s.hostedZoneId ??
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

// The scenario: `aws-blueprints:sesTracking` builds this component from its settings; its outputs are the stack output of the
// same name. The registry (scenarios/index.ts) is generated from these entries.
export const sesTracking = defineScenario({
    key: "sesTracking",
    readme: { number: 9, title: "SES reputation and open/click tracking" },
    declaration: sesTrackingSettings,
    build: (settings, shared) => {
        const ses = new SesTracking("ses-tracking", { ...shared, ...settings });
        return pick(ses, ["configurationSetName", "configurationSetArn", "eventsTopicArn", "alertsTopicArn", "alarmNames", "identityArn", "dkimRecordNames"]);
    },
});
