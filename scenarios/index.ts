// The registry: every scenario, in the order of the README's scenario table, which `npm run docs` generates from it (with
// the all-scenarios test stack). It is the one hand-written list of scenarios: a new one is its folder and one line here.
import { settingsFor, SettingsOf } from "../components/settings";
import { athenaAnalytics } from "./athenaAnalytics";
import { budgetGuardrail } from "./budgetGuardrail";
import { compliantWebApp } from "./compliantWebApp";
import { imageHandler } from "./imageHandler";
import { lambdaCanary } from "./lambdaCanary";
import { multiRegionApi } from "./multiRegionApi";
import { opsAutomator } from "./opsAutomator";
import { patchInspectProtect } from "./patchInspectProtect";
import { safeDeployPipeline } from "./safeDeployPipeline";
import { securityGroupGuard } from "./securityGroupGuard";
import { sesTracking } from "./sesTracking";
import { sniLoadBalancer } from "./sniLoadBalancer";
import { spotFleet } from "./spotFleet";
import { windowsContainers } from "./windowsContainers";

export const SCENARIOS = [
    compliantWebApp,
    windowsContainers,
    lambdaCanary,
    spotFleet,
    budgetGuardrail,
    patchInspectProtect,
    multiRegionApi,
    sesTracking,
    imageHandler,
    opsAutomator,
    safeDeployPipeline,
    athenaAnalytics,
    securityGroupGuard,
    sniLoadBalancer,
] as const;

export type Settings = SettingsOf<typeof SCENARIOS>;
export const { schema: settingsSchema, PROJECT_KEYS, SCENARIO_KEYS, parseSettings, loadSettings } = settingsFor(SCENARIOS);
