// Scenario: `aws-blueprints:compliantWebApp`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { CompliantWebApp } from "./component";
import { compliantWebAppSettings } from "./settings";

export const compliantWebApp = defineScenario({
    key: "compliantWebApp",
    readme: { number: 1, title: "CJIS-aligned two-VPC multi-tier web environment" },
    declaration: compliantWebAppSettings,
    build: (settings, shared) => {
        const app = new CompliantWebApp("cjis", { ...shared, ...settings });
        return pick(app, ["siteUrls", "loadBalancerDnsName", "internalUrl", "productionVpcId", "managementVpcId", "peeringConnectionId", "webGroupName", "appGroupName", "databaseAddress", "databaseResourceId", "databaseSecretArn", "iamDatabaseUser", "trailArn", "auditBucketName", "flowLogGroupName", "securityTopicArn", "keyArn", "bastionPublicIp"]);
    },
});
