// Composition root: the stack's settings, validated once, build every enabled scenario of the registry; each
// scenario's outputs are the stack output named like its config section.
import "./components/runtime";
import { BlueprintArgs } from "./components/common";
import { buildEnabled } from "./components/scenario";
import { loadSettings, SCENARIOS } from "./scenarios";

const settings = loadSettings();
const shared: BlueprintArgs = {
    tags: settings.tags,
    protect: settings.protect,
    logRetentionDays: settings.logRetentionDays,
    notificationEmail: settings.notificationEmail,
};

const outputs: Record<string, unknown> = { environment: settings.environment };
for (const scenario of SCENARIOS) outputs[scenario.key] = buildEnabled(scenario, settings, shared);

export = outputs;
