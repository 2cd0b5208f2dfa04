// Scenario: `aws-blueprints:spotFleet`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { SpotCapacity } from "./component";
import { spotFleetSettings } from "./settings";

export const spotFleet = defineScenario({
    key: "spotFleet",
    readme: { number: 4, title: "EC2 Spot capacity with interruption handling" },
    declaration: spotFleetSettings,
    build: (settings, shared) => {
        const fleet = new SpotCapacity("spot-fleet", { ...shared, ...settings });
        return pick(fleet, ["interruptionBehavior", "autoScalingGroupName", "instanceIds", "launchTemplateId", "securityGroupId", "imageId", "topicArn", "ruleArn"]);
    },
});
