// Scenario: `aws-blueprints:windowsContainers`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { WindowsContainerCluster } from "./component";
import { windowsContainersSettings } from "./settings";

export const windowsContainers = defineScenario({
    key: "windowsContainers",
    declaration: windowsContainersSettings,
    build: (settings, shared) => {
        const cluster = new WindowsContainerCluster("windows-containers", { ...shared, ...settings });
        return pick(cluster, ["url", "clusterName", "serviceName", "taskDefinitionArn", "capacityProviderName", "autoScalingGroupName", "repositoryUrl", "logGroupName", "logKeyArn", "accessLogBucket", "vpcId"]);
    },
    // A protected (production) stack never forwards plain HTTP: its HTTP listener only redirects to HTTPS.
    checkWithGlobals: (s, globals) =>
        globals.protect && s.enabled && s.certificateArn === undefined
            ? [{ key: "certificateArn", message: "required when protect is true: a protected stack serves HTTPS and only redirects HTTP" }]
            : [],
});
