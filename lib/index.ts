// The package's entry point (`aws-blueprints`): every scenario component and the building blocks. Each scenario also
// has an entry of its own, `aws-blueprints/<config section>` (e.g. `aws-blueprints/spotFleet`), which is its
// component module. The type tokens and child names of what is exported here are the URN contract (urn-contract.json, npm run contract).
export * from "./blocks";
export { AthenaAnalytics, type AthenaAnalyticsArgs } from "../scenarios/athenaAnalytics/component";
export { BudgetGuardrail, type BudgetGuardrailArgs } from "../scenarios/budgetGuardrail/component";
export { CompliantWebApp, type CompliantWebAppArgs } from "../scenarios/compliantWebApp/component";
export { ImageHandler, type ImageHandlerArgs } from "../scenarios/imageHandler/component";
export { LambdaCanaryDeployer, type LambdaCanaryDeployerArgs } from "../scenarios/lambdaCanary/component";
export { MultiRegionApi, type MultiRegionApiArgs } from "../scenarios/multiRegionApi/component";
export { OpsAutomator, type OpsAutomatorArgs } from "../scenarios/opsAutomator/component";
export { PatchInspectProtect, type PatchInspectProtectArgs } from "../scenarios/patchInspectProtect/component";
export { SafeDeployPipeline, type SafeDeployPipelineArgs } from "../scenarios/safeDeployPipeline/component";
export { SecurityGroupGuard, type SecurityGroupGuardArgs } from "../scenarios/securityGroupGuard/component";
export { SesTracking, type SesTrackingArgs } from "../scenarios/sesTracking/component";
export { SniLoadBalancer, type SniLoadBalancerArgs } from "../scenarios/sniLoadBalancer/component";
export { SpotCapacity, type SpotCapacityArgs } from "../scenarios/spotFleet/component";
export { WindowsContainerCluster, type WindowsContainerClusterArgs } from "../scenarios/windowsContainers/component";
