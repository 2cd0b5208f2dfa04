// The tier chain as security groups: each tier admits only the tier in front of it
// (internet -> public ALB -> web -> internal ALB -> app -> database), plus an optional SSH bastion.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Port the web (reverse-proxy) instances listen on, behind the public load balancer. */
export const WEB_PORT = 80;
/** Port the app instances listen on, behind the internal load balancer. */
export const APP_PORT = 8080;
/** MySQL. */
export const DB_PORT = 3306;

export interface TierSecurityGroupsArgs {
    /** The production VPC (load balancers, tiers, database). */
    readonly productionVpcId: pulumi.Input<string>;
    /** The management VPC (bastion). */
    readonly managementVpcId: pulumi.Input<string>;
    /** Network allowed to SSH to the bastion; no bastion group when absent. */
    readonly bastionCidr?: string;
    /** The peering between the VPCs: rules referencing a group across it need it active. */
    readonly peering: pulumi.Resource;
}

type Source = { cidrIpv4: string } | { referencedSecurityGroupId: pulumi.Input<string> };

/**
 * One security group per tier and one rule resource per permitted flow, so each flow is reviewable on its own.
 * Only the public load balancer is open to the internet, and only on 443 (and 80, which just redirects).
 * Instances reach AWS endpoints (Systems Manager, package repositories) over HTTPS through NAT.
 */
export class TierSecurityGroups extends pulumi.ComponentResource {
    readonly publicLoadBalancer: aws.ec2.SecurityGroup;
    readonly web: aws.ec2.SecurityGroup;
    readonly internalLoadBalancer: aws.ec2.SecurityGroup;
    readonly app: aws.ec2.SecurityGroup;
    readonly database: aws.ec2.SecurityGroup;
    readonly bastion?: aws.ec2.SecurityGroup;

    constructor(name: string, args: TierSecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:cjis:TierSecurityGroups", name, {}, opts);
        const group = (role: string, vpcId: pulumi.Input<string>, description: string) =>
            new aws.ec2.SecurityGroup(`${name}-${role}`, { vpcId, description, tags: { Name: `${name}-${role}` } }, { parent: this });
        const ingress = (group: aws.ec2.SecurityGroup, id: string, port: number, source: Source, description: string, dependsOn: pulumi.Resource[] = []) =>
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-${id}`,
                { securityGroupId: group.id, ipProtocol: "tcp", fromPort: port, toPort: port, description, ...source },
                { parent: this, dependsOn },
            );
        const egress = (group: aws.ec2.SecurityGroup, id: string, port: number, destination: Source, description: string, dependsOn: pulumi.Resource[] = []) =>
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-${id}`,
                { securityGroupId: group.id, ipProtocol: "tcp", fromPort: port, toPort: port, description, ...destination },
                { parent: this, dependsOn },
            );

        this.publicLoadBalancer = group("public-alb", args.productionVpcId, "Internet-facing load balancer: HTTPS (and HTTP redirect) from anywhere");
        this.web = group("web", args.productionVpcId, "Web tier: HTTP from the public load balancer only");
        this.internalLoadBalancer = group("internal-alb", args.productionVpcId, "Internal load balancer: HTTPS from the web tier only");
        this.app = group("app", args.productionVpcId, "App tier: HTTP from the internal load balancer only");
        this.database = group("database", args.productionVpcId, "Database: MySQL from the app tier (and the bastion) only");

        const anywhere = { cidrIpv4: "0.0.0.0/0" };
        const from = (g: aws.ec2.SecurityGroup) => ({ referencedSecurityGroupId: g.id });

        ingress(this.publicLoadBalancer, "public-alb-in-https", 443, anywhere, "HTTPS from the internet");
        ingress(this.publicLoadBalancer, "public-alb-in-http", 80, anywhere, "HTTP from the internet (redirected to HTTPS)");
        egress(this.publicLoadBalancer, "public-alb-out-web", WEB_PORT, from(this.web), "Requests and health checks to the web tier");

        ingress(this.web, "web-in-public-alb", WEB_PORT, from(this.publicLoadBalancer), "HTTP from the public load balancer");
        egress(this.web, "web-out-internal-alb", 443, from(this.internalLoadBalancer), "HTTPS to the internal load balancer");
        egress(this.web, "web-out-https", 443, anywhere, "HTTPS to AWS endpoints (Systems Manager) and package repositories through NAT");

        ingress(this.internalLoadBalancer, "internal-alb-in-web", 443, from(this.web), "HTTPS from the web tier");
        egress(this.internalLoadBalancer, "internal-alb-out-app", APP_PORT, from(this.app), "Requests and health checks to the app tier");

        ingress(this.app, "app-in-internal-alb", APP_PORT, from(this.internalLoadBalancer), "HTTP from the internal load balancer");
        egress(this.app, "app-out-database", DB_PORT, from(this.database), "MySQL to the database");
        egress(this.app, "app-out-https", 443, anywhere, "HTTPS to AWS endpoints (Systems Manager) and package repositories through NAT");

        ingress(this.database, "database-in-app", DB_PORT, from(this.app), "MySQL from the app tier");

        if (args.bastionCidr !== undefined) {
            this.bastion = group("bastion", args.managementVpcId, `Bastion: SSH from ${args.bastionCidr} only`);
            ingress(this.bastion, "bastion-in-ssh", 22, { cidrIpv4: args.bastionCidr }, `SSH from ${args.bastionCidr}`);
            // Same-region peering lets groups reference groups of the peer VPC.
            egress(this.bastion, "bastion-out-database", DB_PORT, from(this.database), "MySQL to the database (through the peering)", [args.peering]);
            egress(this.bastion, "bastion-out-https", 443, anywhere, "HTTPS to AWS endpoints (Systems Manager) and package repositories");
            ingress(this.database, "database-in-bastion", DB_PORT, from(this.bastion), "MySQL from the bastion (through the peering)", [args.peering]);
        }
        this.registerOutputs({
            publicLoadBalancerId: this.publicLoadBalancer.id,
            webId: this.web.id,
            internalLoadBalancerId: this.internalLoadBalancer.id,
            appId: this.app.id,
            databaseId: this.database.id,
            bastionId: this.bastion?.id,
        });
    }
}
