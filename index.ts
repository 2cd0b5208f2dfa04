// Composition root: validated settings in, one component per enabled scenario, outputs per scenario.
import { BlueprintArgs } from "./components/common";
import { SecurityGroupGuard } from "./components/securityGroupGuard";
import { loadSettings } from "./components/settings";

const settings = loadSettings();
const shared: BlueprintArgs = {
    tags: settings.tags,
    protect: settings.protect,
    logRetentionDays: settings.logRetentionDays,
};

function buildSecurityGroupGuard() {
    const s = settings.securityGroupGuard;
    if (!s.enabled) return undefined;
    const guard = new SecurityGroupGuard("sg-guard", {
        ...shared,
        monitoredGroupIds: s.monitoredGroupIds,
        monitoredTag: s.monitoredTag,
        approvedPrincipalArns: s.approvedPrincipalArns,
        createSampleGroup: s.createSampleGroup,
        sampleGroupVpcId: s.sampleGroupVpcId,
        createTrail: s.createTrail,
        memorySizeMb: s.memorySizeMb,
        notificationEmail: settings.notificationEmail,
    });
    return {
        topicArn: guard.topicArn,
        functionName: guard.functionName,
        ruleArn: guard.ruleArn,
        failureQueueUrl: guard.failureQueueUrl,
        monitoredGroupIds: guard.monitoredGroupIds,
        sampleGroupId: guard.sampleGroupId,
        trailArn: guard.trailArn,
    };
}

export const environment = settings.environment;
export const securityGroupGuard = buildSecurityGroupGuard();
