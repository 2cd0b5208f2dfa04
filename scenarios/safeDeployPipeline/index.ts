// Scenario: `aws-blueprints:safeDeployPipeline`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { SafeDeployPipeline } from "./component";
import { safeDeployPipelineSettings } from "./settings";

export const safeDeployPipeline = defineScenario({
    key: "safeDeployPipeline",
    readme: { number: 10, title: "Safe stack-update pipeline (CodePipeline + Step Functions)" },
    declaration: safeDeployPipelineSettings,
    build: (settings, shared, all) => {
        const pipeline = new SafeDeployPipeline("safe-deploy", {
            ...shared,
            ...settings,
            // Environments are lower case, so the capital letter ends the environment: `blueprints-prod-App-` is not the
            // beginning of `blueprints-prod-eu-App-` (CloudFormation stack names and IAM ARN patterns are case-sensitive).
            stackNamePrefix: settings.stackNamePrefix ?? `blueprints-${all.environment}-App-`,
        });
        return pick(pipeline, ["pipelineName", "stateMachineArn", "artifactBucket", "sourceBucket", "sourceObjectKey", "stackNamePrefix", "sampleStackName", "deploymentRoleArn", "triggerFunctionName", "inspectFunctionName", "topicArn"]);
    },
});
