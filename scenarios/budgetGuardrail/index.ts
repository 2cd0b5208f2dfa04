// Scenario: `aws-blueprints:budgetGuardrail`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { BudgetGuardrail } from "./component";
import { budgetGuardrailSettings } from "./settings";

export const budgetGuardrail = defineScenario({
    key: "budgetGuardrail",
    readme: { number: 5, title: "Serverless budget guardrail (\"freedom with guardrails\")" },
    declaration: budgetGuardrailSettings,
    build: (settings, shared) => {
        const guardrail = new BudgetGuardrail("budget-guardrail", { ...shared, ...settings });
        return {
            // testUserPassword is a Pulumi secret: `pulumi stack output budgetGuardrail --show-secrets` reveals it to whoever may decrypt the stack.
            ...pick(guardrail, ["budgetName", "topicArn", "groupName", "enforceStateMachineArn", "restoreStateMachineArn", "alertFunctionName", "enforcementFunctionName", "failureQueueUrl", "testUserName", "testUserPassword", "consoleSignInUrl"]),
            testFleetGroupName: guardrail.testFleet?.autoScalingGroupName,
        };
    },
});
