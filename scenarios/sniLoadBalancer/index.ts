// Scenario: `aws-blueprints:sniLoadBalancer`, its component, and the stack output of the same name.
import { defineScenario, pick } from "../../components/scenario";
import { SniLoadBalancer } from "./component";
import { sniLoadBalancerSettings } from "./settings";

export const sniLoadBalancer = defineScenario({
    key: "sniLoadBalancer",
    readme: { number: 13, title: "ALB with multiple TLS certificates (SNI)" },
    declaration: sniLoadBalancerSettings,
    build: (settings, shared) => {
        const lb = new SniLoadBalancer("sni-lb", { ...shared, ...settings });
        return {
            ...pick(lb, ["siteUrls", "dnsName", "httpsListenerArn", "certificateArns", "securityGroupId", "accessLogBucket", "alarmTopicArn"]),
            targetGroupArns: lb.targetGroupArnsByDomain,
        };
    },
});
