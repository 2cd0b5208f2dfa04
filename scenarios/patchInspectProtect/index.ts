// Scenario: `aws-blueprints:patchInspectProtect`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { PatchInspectProtect } from "./component";
import { patchInspectProtectSettings } from "./settings";

export const patchInspectProtect = defineScenario({
    key: "patchInspectProtect",
    readme: { number: 6, title: "Patch, inspect and protect Windows workloads" },
    declaration: patchInspectProtectSettings,
    build: (settings, shared, all) => {
        const pip = new PatchInspectProtect("patch-inspect-protect", { ...shared, ...settings });
        return {
            ...pick(pip, ["instanceId", "dataVolumeId", "patchBaselineId", "maintenanceWindowId", "patchLogGroupName", "findingsTopicArn", "snapshotTags"]),
            // The tags only take effect where an Ops Automator with the snapshot task runs in the same account and region.
            snapshotsScheduledBy: all.opsAutomator.enabled && all.opsAutomator.snapshotTask ? "opsAutomator" : "none in this stack",
        };
    },
});
