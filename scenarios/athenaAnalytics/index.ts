// Scenario: `aws-blueprints:athenaAnalytics`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { AthenaAnalytics } from "./component";
import { athenaAnalyticsSettings } from "./settings";

export const athenaAnalytics = defineScenario({
    key: "athenaAnalytics",
    readme: { number: 11, title: "Athena analytics workstation" },
    declaration: athenaAnalyticsSettings,
    build: (settings, shared) => {
        const athena = new AthenaAnalytics("athena-analytics", { ...shared, ...settings });
        return pick(athena, ["databaseName", "tableName", "workgroupName", "dataLocation", "dataBucketName", "resultsLocation", "namedQueryIds", "rstudioUrl", "portForwardCommand", "instanceId", "passwordSecretArn", "setupLogGroupName"]);
    },
});
