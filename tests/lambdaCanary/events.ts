// The canary deployer's real-shaped inputs, shared by its example tests and its properties: a person's deployment
// request (the workflow's execution input, or the simple deployer's payload), the plan the validate task hands on,
// and the deployers' configuration as their environment gives it.
import { DeployerConfig, DeploymentPlan, SimpleDeployerConfig } from "../../handlers/lambdaCanary/canaryDeploy";

export const FN = "orders-api";
export const ROLE = "arn:aws:iam::123456789012:role/orders-api";
export const STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:canary-workflow";
export const TOPIC = "arn:aws:sns:us-east-1:123456789012:canary-events";

export const config: DeployerConfig = {
    allowedFunctionNames: [FN],
    allowedFunctionPrefix: "team-",
    allowedAlarmNames: ["orders-api-p99"],
    health: { maxErrorRate: 0.01, minInvocations: 10, onInsufficientData: "wait", maxInsufficientDataWaits: 2 },
};
export const simpleConfig: SimpleDeployerConfig = { ...config, topicArn: TOPIC, timeoutSeconds: 900, stateMachineArn: STATE_MACHINE };

/** The documented request: four linear steps, two minutes apart. */
export const request = { functionName: FN, aliasName: "live", newVersion: "2", steps: 4, intervalSeconds: 120, strategy: "linear" };
/** A request short enough for the simple deployer. */
export const shortRequest = { functionName: FN, aliasName: "live", newVersion: "2", steps: 2, intervalSeconds: 120, strategy: "linear" };

/** The plan validation makes of the documented request, with the alias on version 1. */
export function plan(overrides: Partial<DeploymentPlan> = {}): DeploymentPlan {
    return {
        functionName: FN,
        aliasName: "live",
        newVersion: "2",
        originalVersion: "1",
        strategy: "linear",
        weights: [0.25, 0.5, 0.75, 1],
        shiftCount: 3,
        intervalSeconds: 120,
        health: { ...config.health, alarmNames: [] },
        ...overrides,
    };
}
