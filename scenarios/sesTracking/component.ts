// SES reputation and open/click tracking (README scenario 9): a configuration set with reputation metrics, an event
// destination for open, click, bounce and complaint events, alarms below the rates at which SES reviews an account,
// and an optional DKIM-verified domain identity with its DNS records in Route 53.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Blueprint } from "../../components/common";
import { EncryptedTopic, topicAlarm } from "../../components/notifications";
import { ArgsOf, defineScenario, pick, ResolvedArgs, resolveArgs } from "../../components/scenario";
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

/** The scenario's settings, their defaults applied. */
type SesTrackingSettings = ResolvedArgs<typeof sesTrackingSettings, Inputs>;

/** The configuration set's name: the given one, else the component's and the stack's names, checked like a given one. */
function configurationSetNameFor(name: string, s: SesTrackingSettings): string {
    const setName = s.configurationSetName ?? `${name}-${pulumi.getStack()}`;
    // resolveArgs checked a given name; the one made up from the component's and the stack's names must pass the same rule.
    if (!sesTrackingSettings.shape.configurationSetName.safeParse(setName).success) {
        throw new Error(`${name}: configurationSetName "${setName}" must be 1-64 letters, digits, underscores or dashes`);
    }
    return setName;
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
        const setName = configurationSetNameFor(name, s);
        super("aws-blueprints:email:SesTracking", name, "ses-tracking", args, opts);

        const alerts = new EncryptedTopic(
            `${name}-alerts`,
            { displayName: "SES reputation", email: s.notificationEmail, protect: this.protectStateful },
            { parent: this },
        );
        const configurationSet = this.configurationSet(name, setName);
        this.eventsTopicArn = this.eventDestinations(name, s, configurationSet, setName);
        const alarms = this.reputationAlarms(name, s, { configurationSet, setName, alerts });
        if (s.domain !== undefined) {
            const domain = this.domainIdentity(name, s.domain, s.hostedZoneId, configurationSet);
            this.identityArn = domain.identity.arn;
            this.dkimRecordNames = pulumi.all(domain.records.map((r) => r.name));
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

    /** The configuration set: reputation metrics on, and addresses that bounced or complained suppressed. */
    private configurationSet(name: string, setName: string): aws.sesv2.ConfigurationSet {
        return new aws.sesv2.ConfigurationSet(
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
    }

    /**
     * Where the set's open, click, bounce and complaint events go: an encrypted topic and/or CloudWatch metrics.
     * Returns the events topic's ARN when there is one.
     */
    private eventDestinations(
        name: string,
        s: SesTrackingSettings,
        configurationSet: aws.sesv2.ConfigurationSet,
        setName: string,
    ): pulumi.Output<string> | undefined {
        const destinations = [...new Set(s.eventDestinations)];
        let eventsTopicArn: pulumi.Output<string> | undefined;
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
            eventsTopicArn = events.topicArn;
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
        return eventsTopicArn;
    }

    /** Bounce and complaint rate alarms, of the account and of the set, below the rates at which SES reviews an account. */
    private reputationAlarms(
        name: string,
        s: SesTrackingSettings,
        on: { configurationSet: aws.sesv2.ConfigurationSet; setName: string; alerts: EncryptedTopic },
    ): aws.cloudwatch.MetricAlarm[] {
        const { configurationSet, setName, alerts } = on;
        const bounce = s.bounceRateThreshold;
        const complaint = s.complaintRateThreshold;
        // Account-level reputation metrics carry no dimensions; the set's own (published because reputation metrics
        // are enabled on it) carry ses:configuration-set. Alarm on both: SES reviews the account, the set says who.
        const scopes: Array<{ label: string; dimensions: Record<string, pulumi.Input<string>> }> = [
            { label: "account", dimensions: {} },
            { label: "set", dimensions: { "ses:configuration-set": configurationSet.configurationSetName } },
        ];
        // ALARM from the threshold up, so OK means strictly below it: AWS's advice is to keep the rates *below* 2% and
        // 0.1%, and a threshold strictly below the review level always fires before the account is reviewed.
        const comparison = "GreaterThanOrEqualToThreshold";
        return scopes.flatMap(({ label, dimensions }) => [
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
    }

    /**
     * The domain's email identity with Easy DKIM, using the configuration set by default, and its three DKIM records
     * in the given hosted zone, else the public zone named after the domain.
     */
    private domainIdentity(
        name: string,
        domain: string,
        hostedZoneId: pulumi.Input<string> | undefined,
        configurationSet: aws.sesv2.ConfigurationSet,
    ): { identity: aws.sesv2.EmailIdentity; records: aws.route53.Record[] } {
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
            hostedZoneId ??
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
        return { identity, records };
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
