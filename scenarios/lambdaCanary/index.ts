// Scenario: `aws-blueprints:lambdaCanary`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { LambdaCanaryDeployer } from "./component";
import { lambdaCanarySettings } from "./settings";

export const lambdaCanary = defineScenario({
    key: "lambdaCanary",
    readme: { number: 3, title: "Lambda canary deployments with alias traffic shifting" },
    declaration: lambdaCanarySettings,
    build: (settings, shared) => {
        const canary = new LambdaCanaryDeployer("lambda-canary", { ...shared, ...settings });
        return pick(canary, ["stateMachineArn", "topicArn", "executionsFailedAlarmName", "simpleDeployerFunctionName", "demoFunctionName", "demoAliasName", "demoStableVersion", "demoCandidateVersion", "demoExecutionInput"]);
    },
});
