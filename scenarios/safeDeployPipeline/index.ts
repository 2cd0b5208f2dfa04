// Scenario: `aws-blueprints:safeDeployPipeline`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { SafeDeployPipeline } from "./component";
import { safeDeployPipelineSettings } from "./settings";

export const safeDeployPipeline = defineScenario({
    key: "safeDeployPipeline",
    declaration: safeDeployPipelineSettings,
    build: (settings, shared, all) => {
        const pipeline = new SafeDeployPipeline("safe-deploy", {
            ...shared,
            ...settings,
            stackNamePrefix: settings.stackNamePrefix ?? `blueprints-${all.environment}-`,
        });
        return pick(pipeline, ["pipelineName", "stateMachineArn", "artifactBucket", "sourceBucket", "sourceObjectKey", "stackNamePrefix", "sampleStackName", "deploymentRoleArn", "triggerFunctionName", "inspectFunctionName", "topicArn"]);
    },
});
