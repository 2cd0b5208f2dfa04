// Scenario: `aws-blueprints:windowsContainers`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { WindowsContainerCluster } from "./component";
import { protectedStackRules, windowsContainersSettings } from "./settings";

export const windowsContainers = defineScenario({
    key: "windowsContainers",
    readme: { number: 2, title: "Windows containers on Amazon ECS" },
    declaration: windowsContainersSettings,
    build: (settings, shared) => {
        const cluster = new WindowsContainerCluster("windows-containers", { ...shared, ...settings });
        return pick(cluster, ["url", "clusterName", "serviceName", "taskDefinitionArn", "capacityProviderName", "autoScalingGroupName", "repositoryUrl", "logGroupName", "logKeyArn", "accessLogBucket", "vpcId"]);
    },
    checkWithGlobals: (s, globals) => (s.enabled ? protectedStackRules(s, globals) : []),
});
