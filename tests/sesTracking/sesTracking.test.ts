import assert from "node:assert/strict";
import { SesTracking, SesTrackingArgs } from "../../scenarios/sesTracking/component";
import { build, json, promiseOf, Resources } from "../../engine/evaluate";
import { clearRecorded, recordedResources, withHostedZones } from "../../engine/mocks";

async function ses(args: SesTrackingArgs = {}) {
    const { value, resources } = await build(() => new SesTracking("mail", args));
    return { ses: value, r: new Resources(resources) };
}

const EVENT_TYPES = ["OPEN", "CLICK", "BOUNCE", "COMPLAINT"];

describe("SesTracking component", () => {
    it("creates a configuration set with reputation metrics and suppression of bounced and complaining addresses", async () => {
        const { r, ses: s } = await ses();
        const set = r.one("aws:sesv2/configurationSet:ConfigurationSet");
        assert.equal(set.inputs.configurationSetName, "mail-test", "named after the component and the stack");
        assert.deepEqual(set.inputs.reputationOptions, { reputationMetricsEnabled: true });
        assert.deepEqual(set.inputs.sendingOptions, { sendingEnabled: true });
        assert.deepEqual(set.inputs.suppressionOptions, { suppressedReasons: ["BOUNCE", "COMPLAINT"] });
        assert.equal(await promiseOf(s.configurationSetName), "mail-test");
        assert.equal(await promiseOf(s.configurationSetArn), set.outputs.arn);
    });

    it("publishes open, click, bounce and complaint events to an encrypted topic SES may publish to", async () => {
        const { r, ses: s } = await ses();
        const destination = r.one("aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination", "mail-sns");
        const events = r.one("aws:sns/topic:Topic", "mail-events");
        assert.equal(await promiseOf(s.eventsTopicArn), events.outputs.arn);
        assert.equal(destination.inputs.configurationSetName, "mail-test");
        assert.deepEqual(destination.inputs.eventDestination, {
            enabled: true,
            matchingEventTypes: EVENT_TYPES,
            snsDestination: { topicArn: events.outputs.arn },
        });
        const key = r.one("aws:kms/key:Key", "mail-events-key");
        assert.equal(events.inputs.kmsMasterKeyId, key.outputs.arn);
        const keyGrant = json(key.inputs.policy).Statement.find((st: any) => st.Sid === "PublishingServicesEncryptUnscoped");
        assert.deepEqual(keyGrant.Principal.Service, ["ses.amazonaws.com"]);
        assert.deepEqual(keyGrant.Action, ["kms:Decrypt", "kms:GenerateDataKey*"]);
        const topicPolicy = json(r.one("aws:sns/topicPolicy:TopicPolicy", "mail-events-policy").inputs.policy);
        const publish = topicPolicy.Statement.find((st: any) => st.Sid === "ServicesPublish");
        assert.deepEqual(publish.Principal.Service, ["ses.amazonaws.com"]);
        assert.equal(publish.Resource, events.outputs.arn);
        assert.equal(publish.Condition.StringEquals["aws:SourceAccount"], "123456789012");
        for (const policy of [r.one("aws:sns/topicPolicy:TopicPolicy", "mail-events-policy"), key]) {
            assert.ok(destination.dependencies.includes(policy.urn), `created after ${policy.name}`);
        }
        assert.equal(r.ofType("aws:sns/topicSubscription:TopicSubscription").length, 0, "no email per open or click");
    });

    it("publishes the same events as CloudWatch metrics by configuration set (and campaign tag)", async () => {
        const { r } = await ses({ campaignTag: "campaign" });
        const destination = r.one("aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination", "mail-cloudwatch");
        assert.deepEqual(destination.inputs.eventDestination.matchingEventTypes, EVENT_TYPES);
        assert.deepEqual(destination.inputs.eventDestination.cloudWatchDestination.dimensionConfigurations, [
            { dimensionName: "ses:configuration-set", dimensionValueSource: "MESSAGE_TAG", defaultDimensionValue: "mail-test" },
            { dimensionName: "campaign", dimensionValueSource: "MESSAGE_TAG", defaultDimensionValue: "none" },
        ]);
        const snsOnly = await ses({ eventDestinations: ["sns"] });
        assert.deepEqual(
            snsOnly.r.ofType("aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination").map((d) => d.inputs.eventDestinationName),
            ["sns"],
        );
        const cloudwatchOnly = await ses({ eventDestinations: ["cloudwatch"] });
        assert.equal(cloudwatchOnly.r.ofType("aws:sns/topic:Topic").length, 1, "only the alerts topic");
        assert.equal(cloudwatchOnly.ses.eventsTopicArn, undefined);
    });

    it("alarms on bounce and complaint rates, account-wide and for the set, below the review levels by default", async () => {
        const { r, ses: s } = await ses({ notificationEmail: "postmaster@example.com" });
        const alerts = r.one("aws:sns/topic:Topic", "mail-alerts");
        const alarms = r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        const facts = alarms
            .map((a) => ({
                metric: a.inputs.metricName,
                dimensions: a.inputs.dimensions,
                threshold: a.inputs.threshold,
            }))
            .sort((a, b) => `${a.metric} ${Object.keys(a.dimensions).length}`.localeCompare(`${b.metric} ${Object.keys(b.dimensions).length}`));
        assert.deepEqual(facts, [
            // AWS recommends below 2% bounces; half the 0.1% review level for complaints.
            { metric: "Reputation.BounceRate", dimensions: {}, threshold: 0.02 },
            { metric: "Reputation.BounceRate", dimensions: { "ses:configuration-set": "mail-test" }, threshold: 0.02 },
            { metric: "Reputation.ComplaintRate", dimensions: {}, threshold: 0.0005 },
            { metric: "Reputation.ComplaintRate", dimensions: { "ses:configuration-set": "mail-test" }, threshold: 0.0005 },
        ]);
        // SES reviews an account at 5% bounces or 0.1% complaints: each alarm is in ALARM strictly before that.
        const review: Record<string, number> = { "Reputation.BounceRate": 0.05, "Reputation.ComplaintRate": 0.001 };
        const breaches = (op: string, value: number, threshold: number) =>
            ({ GreaterThanOrEqualToThreshold: value >= threshold, GreaterThanThreshold: value > threshold })[op];
        for (const a of alarms) {
            assert.ok(a.inputs.threshold < review[a.inputs.metricName], `${a.name} threshold below the review level`);
            assert.equal(breaches(a.inputs.comparisonOperator, a.inputs.threshold, a.inputs.threshold), true, `${a.name} fires at its threshold`);
            assert.equal(breaches(a.inputs.comparisonOperator, a.inputs.threshold * 0.999, a.inputs.threshold), false, `${a.name} is OK below it`);
        }
        for (const a of alarms) {
            assert.equal(a.inputs.namespace, "AWS/SES");
            assert.equal(a.inputs.comparisonOperator, "GreaterThanOrEqualToThreshold");
            assert.equal(a.inputs.treatMissingData, "notBreaching", "no sending means no bad news");
            assert.deepEqual(a.inputs.alarmActions, [alerts.outputs.arn]);
            assert.deepEqual(a.inputs.okActions, [alerts.outputs.arn]);
        }
        assert.equal((await promiseOf(s.alarmNames)).length, 4);
        assert.equal(r.one("aws:sns/topicSubscription:TopicSubscription").inputs.endpoint, "postmaster@example.com");
        assert.equal(alerts.inputs.kmsMasterKeyId, r.one("aws:kms/key:Key", "mail-alerts-key").outputs.arn);
    });

    it("takes other thresholds below the review levels, and says so in the alarm", async () => {
        const { r } = await ses({ bounceRateThreshold: 0.01, complaintRateThreshold: 0.0008 });
        const bounce = r.one("aws:cloudwatch/metricAlarm:MetricAlarm", "mail-account-bounce-rate");
        assert.equal(bounce.inputs.threshold, 0.01);
        assert.match(bounce.inputs.alarmDescription, /reached 1% \(SES places accounts under review at 5%\)/);
        const complaint = r.one("aws:cloudwatch/metricAlarm:MetricAlarm", "mail-set-complaint-rate");
        assert.equal(complaint.inputs.threshold, 0.0008);
        assert.match(complaint.inputs.alarmDescription, /configuration set mail-test complaint rate reached 0.08%/);
    });

    it("verifies a domain with Easy DKIM and publishes its three CNAME records in Route 53", async () => {
        const { r, ses: s } = await ses({ domain: "mail.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" });
        const identity = r.one("aws:sesv2/emailIdentity:EmailIdentity");
        assert.equal(identity.inputs.emailIdentity, "mail.example.com");
        assert.equal(identity.inputs.configurationSetName, "mail-test", "mail from the domain uses the set by default");
        assert.deepEqual(identity.inputs.dkimSigningAttributes, { nextSigningKeyLength: "RSA_2048_BIT" });
        const tokens: string[] = identity.outputs.dkimSigningAttributes.tokens;
        const records = r.ofType("aws:route53/record:Record").sort((a, b) => a.name.localeCompare(b.name));
        assert.deepEqual(
            records.map((rec) => [rec.inputs.zoneId, rec.inputs.type, rec.inputs.ttl, rec.inputs.name, rec.inputs.records]),
            tokens.map((t) => ["Z0123456789ABCDEFGHIJ", "CNAME", 1800, `${t}._domainkey.mail.example.com`, [`${t}.dkim.amazonses.com`]]),
        );
        assert.equal(await promiseOf(s.identityArn), identity.outputs.arn);
        assert.deepEqual(await promiseOf(s.dkimRecordNames), tokens.map((t) => `${t}._domainkey.mail.example.com`));
    });

    it("finds the public hosted zone named after the domain when no zone id is given", async () => {
        const { r } = await withHostedZones(["example.com"], () => ses({ domain: "example.com" }));
        const zoneIds = new Set(r.ofType("aws:route53/record:Record").map((rec) => rec.inputs.zoneId));
        assert.equal(zoneIds.size, 1);
        assert.match([...zoneIds][0], /^Z[0-9A-F]{20}$/);
        assert.equal((await ses()).r.ofType("aws:sesv2/emailIdentity:EmailIdentity").length, 0, "no identity without a domain");
    });

    it("needs the zone id for a subdomain, whose records usually live in its parent's zone", async () => {
        // mail.example.com in the example.com zone: a lookup by the exact name would find nothing and fail the run.
        await withHostedZones(["example.com"], async () => {
            clearRecorded();
            await build(() => {
                assert.throws(
                    () => new SesTracking("mail", { domain: "mail.example.com" }),
                    /^Error: mail: hostedZoneId: is required for domain "mail\.example\.com": give the id of the public Route 53 zone that holds its records \(the zone of example\.com or another parent.*; got nothing$/,
                );
            });
            assert.equal(recordedResources().filter((x) => x.custom).length, 0, "nothing created");
            const { r } = await ses({ domain: "mail.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" });
            assert.deepEqual([...new Set(r.ofType("aws:route53/record:Record").map((rec) => rec.inputs.zoneId))], ["Z0123456789ABCDEFGHIJ"]);
        });
    });

    it("says which key to set when no zone is named like a registrable domain", async () => {
        await withHostedZones(["example.org"], async () => {
            const { ses: s } = await ses({ domain: "example.com" });
            await assert.rejects(
                promiseOf(s.dkimRecordNames),
                /mail: no public Route 53 hosted zone named example\.com was found.*; set hostedZoneId to the zone that holds example\.com$/,
            );
        });
    });

    it("protects its keys when asked", async () => {
        const { r } = await ses({ protect: true });
        for (const key of r.ofType("aws:kms/key:Key")) assert.equal(key.protect, true, key.name);
    });

    it("refuses bad arguments before creating any resource", async () => {
        const cases: Array<[SesTrackingArgs, RegExp]> = [
            [{ bounceRateThreshold: 0.06 }, /bad: bounceRateThreshold: must be below 0\.05 \(5%, the bounce rate at which SES places an account under review\); got 0\.06/],
            [{ bounceRateThreshold: 0.05 }, /bad: bounceRateThreshold: must be below 0\.05 .*; got 0\.05/],
            [{ bounceRateThreshold: 0 }, /bad: bounceRateThreshold: must be above 0; got 0/],
            [{ complaintRateThreshold: 0.002 }, /bad: complaintRateThreshold: must be below 0\.001 \(0\.1%, the complaint rate at which SES places an account under review\); got 0\.002/],
            [{ complaintRateThreshold: 0.001 }, /bad: complaintRateThreshold: must be below 0\.001 .*; got 0\.001/],
            [{ configurationSetName: "my set" }, /bad: configurationSetName: must be 1-64 letters, digits, underscores or dashes; got "my set"/],
            [{ eventDestinations: [] }, /bad: eventDestinations: must name sns and\/or cloudwatch; got \[\]/],
            [{ eventDestinations: ["firehose" as any] }, /bad: eventDestinations\[0\]: .*"sns".*"cloudwatch".*; got "firehose"/],
            [{ campaignTag: "ses:campaign" }, /bad: campaignTag: must be a message tag name: letters, digits, _ or -; got "ses:campaign"/],
            [{ eventDestinations: ["sns"], campaignTag: "campaign" }, /bad: campaignTag: is a CloudWatch dimension: add "cloudwatch" to eventDestinations; got "campaign"/],
            [{ domain: "Example.COM" }, /bad: domain: must be a lowercase host name like api\.example\.com; got "Example\.COM"/],
            [{ hostedZoneId: "Z123" }, /bad: hostedZoneId: is only used with domain; got "Z123"/],
        ];
        clearRecorded();
        await build(() => {
            for (const [args, expected] of cases) assert.throws(() => new SesTracking("bad", args), expected);
        });
        assert.deepEqual(recordedResources().filter((x) => x.custom).map((x) => x.type), []);
    });
});
