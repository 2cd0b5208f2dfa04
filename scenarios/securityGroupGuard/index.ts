// Scenario: `aws-blueprints:securityGroupGuard`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { SecurityGroupGuard } from "./component";
import { securityGroupGuardSettings } from "./settings";

export const securityGroupGuard = defineScenario({
    key: "securityGroupGuard",
    readme: { number: 12, title: "Revert and report security-group changes" },
    declaration: securityGroupGuardSettings,
    build: (settings, shared) => {
        const guard = new SecurityGroupGuard("sg-guard", { ...shared, ...settings });
        return pick(guard, ["topicArn", "functionName", "ruleArn", "failureQueueUrl", "monitoredGroupIds", "sampleGroupId", "trailArn"]);
    },
});
