// Scenario: `aws-blueprints:sesTracking`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { SesTracking } from "./component";
import { sesTrackingSettings } from "./settings";

export const sesTracking = defineScenario({
    key: "sesTracking",
    readme: { number: 9, title: "SES reputation and open/click tracking" },
    declaration: sesTrackingSettings,
    build: (settings, shared) => {
        const ses = new SesTracking("ses-tracking", { ...shared, ...settings });
        return pick(ses, ["configurationSetName", "configurationSetArn", "eventsTopicArn", "alertsTopicArn", "alarmNames", "identityArn", "dkimRecordNames"]);
    },
});
