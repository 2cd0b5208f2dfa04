// Scenario: `aws-blueprints:multiRegionApi`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { MultiRegionApi } from "./component";
import { multiRegionApiSettings } from "./settings";

export const multiRegionApi = defineScenario({
    key: "multiRegionApi",
    readme: { number: 8, title: "Multi-region serverless API with failover" },
    declaration: multiRegionApiSettings,
    build: (settings, shared) => {
        const api = new MultiRegionApi("multi-region-api", { ...shared, ...settings });
        return pick(api, ["url", "regionalEndpoints", "healthCheckIds", "alarmTopicArn", "clientUrl", "clientBucketName", "clientDistributionId"]);
    },
});
