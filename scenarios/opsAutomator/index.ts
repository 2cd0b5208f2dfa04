// Scenario: `aws-blueprints:opsAutomator`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { OpsAutomator } from "./component";
import { opsAutomatorSettings } from "./settings";

export const opsAutomator = defineScenario({
    key: "opsAutomator",
    readme: { number: 9, title: "Ops Automator with the EBS snapshot scheduler" },
    declaration: opsAutomatorSettings,
    build: (settings, shared) => {
        const engine = new OpsAutomator("ops-automator", { ...shared, ...settings });
        return pick(engine, ["tableName", "topicArn", "functionName", "ruleArn", "scheduleExpression", "snapshotMarker"]);
    },
});
