// A CJIS-aligned two-VPC, multi-tier web environment (README scenario 1), with an SNI load balancer in front
// (README scenario 13) and IAM database authentication for the app tier (README scenario 9).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACK_TAG_PREFIX, Blueprint } from "../../components/common";
import { EncryptedTopic } from "../../components/notifications";
import { ArgsOf, defineScenario, pick, resolveArgs, ResolvedArgs } from "../../components/scenario";
import { SniLoadBalancer } from "../sniLoadBalancer/component";
import { AuditTrail, ConfigRules } from "./audit";
import { Database } from "./database";
import { WorkloadKey } from "./encryption";
import { FlowLogs, TieredVpc, VpcPeering } from "./network";
import { APP_PORT, TierSecurityGroups, WEB_PORT } from "./securityGroups";
import { compliantWebAppSettings } from "./settings";
import { Bastion, ServerTier } from "./tiers";
import { appUserData, bastionUserData, HEALTH_CHECK_PATH, webUserData } from "./userData";

/** The hosted zones may be another resource's outputs. */
type Inputs = "hostedZoneId" | "sites.hostedZoneId";
/** The scenario's settings (see ./settings.ts). */
export type CompliantWebAppArgs = ArgsOf<typeof compliantWebAppSettings, Inputs>;
export type NetworkArgs = NonNullable<CompliantWebAppArgs["network"]>;
export type ServerTierArgs = NonNullable<CompliantWebAppArgs["web"]>;
export type DatabaseArgs = NonNullable<CompliantWebAppArgs["database"]>;
export type BastionArgs = NonNullable<CompliantWebAppArgs["bastion"]>;

const SCENARIO = "compliant-web-app";

/** The settings as resolveArgs returns them, which the constructor's steps read. */
type Settings = ResolvedArgs<typeof compliantWebAppSettings, Inputs>;

/**
 * Production and management VPCs joined by peering, flow logs on both; a KMS key for logs, trail, audit bucket and
 * database; a multi-region validated trail with the seven CIS/CJIS alarms; AWS Config rules; and the tier chain
 * internet -> SNI load balancer -> web Auto Scaling group -> internal load balancer -> app Auto Scaling group ->
 * MySQL (IAM authentication), each tier admitting only the one in front of it. Instances are reached by Session
 * Manager; an SSH bastion exists only when configured, and only for its configured network.
 */
export class CompliantWebApp extends Blueprint {
    readonly keyArn: pulumi.Output<string>;
    readonly securityTopicArn: pulumi.Output<string>;
    readonly productionVpcId: pulumi.Output<string>;
    readonly managementVpcId: pulumi.Output<string>;
    readonly peeringConnectionId: pulumi.Output<string>;
    readonly siteUrls: string[];
    readonly loadBalancerDnsName: pulumi.Output<string>;
    readonly internalUrl: string;
    readonly webGroupName: pulumi.Output<string>;
    readonly appGroupName: pulumi.Output<string>;
    readonly databaseAddress: pulumi.Output<string>;
    readonly databaseResourceId: pulumi.Output<string>;
    readonly databaseSecretArn: pulumi.Output<string | undefined>;
    readonly iamDatabaseUser: string;
    readonly trailArn: pulumi.Output<string>;
    readonly auditBucketName: pulumi.Output<string>;
    readonly flowLogGroupName: pulumi.Output<string>;
    readonly bastionPublicIp?: pulumi.Output<string>;

    constructor(name: string, args: CompliantWebAppArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveArgs<typeof compliantWebAppSettings, Inputs>(name, compliantWebAppSettings, args);
        if (!/^[a-z][a-z0-9-]{0,13}$/.test(name)) {
            // The load balancers are named <name>-web and <name>-app, and load balancer names are short.
            throw new Error(`${name}: the name must be 1-14 lowercase letters, digits or dashes, starting with a letter`);
        }
        super("aws-blueprints:compliance:CompliantWebApp", name, SCENARIO, args, opts);
        // The declaration requires it once enabled, and resolveArgs checked the declaration whole.
        const internalDomainName = s.internalDomainName!;
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const region = aws.getRegionOutput({}, { parent: this }).region;

        const trailName = `${name}-${pulumi.getStack()}`;
        const trailArn = pulumi.interpolate`arn:${partition}:cloudtrail:${region}:${identity.accountId}:trail/${trailName}`;
        const { key, security } = this.keyAndSecurityTopic(name, s, trailArn);
        const { flowLogs, production, management, peering } = this.network(name, s, key);
        const { audit, config } = this.audit(name, s, { trailName, trailArn, key, security });

        // The tier chain.
        const groups = new TierSecurityGroups(
            `${name}-sg`,
            { productionVpcId: production.vpcId, managementVpcId: management.vpcId, bastionCidr: s.bastion?.allowedCidr, peering: peering.connection },
            { parent: this },
        );
        const { publicLb, internalLb } = this.loadBalancers(name, s, { production, groups, security, internalDomainName });
        const database = this.database(name, s, { production, groups, key });
        const { web, app } = this.serverTiers(name, s, { production, groups, publicLb, internalLb, database, region, internalDomainName });
        if (s.bastion && groups.bastion) this.bastionPublicIp = this.bastion(name, s.bastion, management, groups.bastion).publicIp;

        this.keyArn = key.arn;
        this.securityTopicArn = security.topicArn;
        this.productionVpcId = production.vpcId;
        this.managementVpcId = management.vpcId;
        this.peeringConnectionId = peering.connectionId;
        this.siteUrls = publicLb.siteUrls;
        this.loadBalancerDnsName = publicLb.dnsName;
        this.internalUrl = `https://${internalDomainName}`;
        this.webGroupName = web.groupName;
        this.appGroupName = app.groupName;
        this.databaseAddress = database.address;
        this.databaseResourceId = database.resourceId;
        this.databaseSecretArn = database.masterUserSecretArn;
        this.iamDatabaseUser = database.iamDatabaseUser;
        this.trailArn = audit.trailArn;
        this.auditBucketName = audit.bucketName;
        this.flowLogGroupName = flowLogs.logGroup.name;
        this.registerOutputs({
            keyArn: this.keyArn,
            securityTopicArn: this.securityTopicArn,
            productionVpcId: this.productionVpcId,
            managementVpcId: this.managementVpcId,
            peeringConnectionId: this.peeringConnectionId,
            siteUrls: this.siteUrls,
            loadBalancerDnsName: this.loadBalancerDnsName,
            internalUrl: this.internalUrl,
            webGroupName: this.webGroupName,
            appGroupName: this.appGroupName,
            databaseAddress: this.databaseAddress,
            databaseResourceId: this.databaseResourceId,
            databaseSecretArn: this.databaseSecretArn,
            iamDatabaseUser: this.iamDatabaseUser,
            trailArn: this.trailArn,
            auditBucketName: this.auditBucketName,
            flowLogGroupName: this.flowLogGroupName,
            configRecorderName: config.recorderName,
            bastionPublicIp: this.bastionPublicIp,
        });
    }

    /** The workload's KMS key (logs, trail, audit bucket, database) and the topic security alarms notify. */
    private keyAndSecurityTopic(name: string, s: Settings, trailArn: pulumi.Output<string>): { key: WorkloadKey; security: EncryptedTopic } {
        const protect = this.protectStateful;
        const key = new WorkloadKey(`${name}-key`, { trailArn, alias: `${name}-${pulumi.getStack()}`, protect }, { parent: this });
        const security = new EncryptedTopic(
            `${name}-security`,
            { displayName: "CJIS web environment security alerts", email: s.notificationEmail, protect },
            { parent: this },
        );
        return { key, security };
    }

    /** Network: two tiered VPCs, flow logs on both, peering with routes both ways. */
    private network(name: string, s: Settings, key: WorkloadKey): { flowLogs: FlowLogs; production: TieredVpc; management: TieredVpc; peering: VpcPeering } {
        const flowLogs = new FlowLogs(`${name}-flow-logs`, { kmsKeyArn: key.arn, retentionDays: this.logRetentionDays, protect: this.protectStateful }, { parent: this });
        const production = new TieredVpc(
            `${name}-production`,
            {
                cidr: s.network.productionCidr,
                azCount: s.network.availabilityZones,
                natGateways: s.network.natGateways,
                flowLogs,
                purpose: "production",
                // The web and app tiers spread over every zone of the production VPC.
                instances: { instanceTypes: [s.web.instanceType, s.app.instanceType], typeSetting: "compliantWebApp.web.instanceType or compliantWebApp.app.instanceType" },
            },
            { parent: this },
        );
        const management = new TieredVpc(
            `${name}-management`,
            {
                cidr: s.network.managementCidr,
                azCount: s.network.availabilityZones,
                natGateways: s.network.managementNatGateways,
                flowLogs,
                purpose: "management",
                // The bastion runs in the first zone's public subnet.
                instances: s.bastion ? { instanceTypes: [s.bastion.instanceType], typeSetting: "compliantWebApp.bastion.instanceType" } : undefined,
            },
            { parent: this },
        );
        // Management hosts (public and private tiers) reach the production app and database tiers, and back.
        const peering = new VpcPeering(
            `${name}-peering`,
            {
                requester: production,
                requesterRouteTableIds: [...production.routeTableIds.private, ...production.routeTableIds.isolated],
                accepter: management,
                accepterRouteTableIds: [...management.routeTableIds.public, ...management.routeTableIds.private],
            },
            { parent: this },
        );
        return { flowLogs, production, management, peering };
    }

    /** Audit: the trail with its alarms, and AWS Config's rules over this environment's resources. */
    private audit(
        name: string,
        s: Settings,
        on: { trailName: string; trailArn: pulumi.Output<string>; key: WorkloadKey; security: EncryptedTopic },
    ): { audit: AuditTrail; config: ConfigRules } {
        const { trailName, trailArn, key, security } = on;
        const audit = new AuditTrail(
            `${name}-audit`,
            {
                trailName,
                trailArn,
                kmsKeyArn: key.arn,
                alarmTopicArn: security.topicArn,
                retentionDays: s.auditRetentionDays,
                logRetentionDays: this.logRetentionDays,
                protect: this.protectStateful,
            },
            { parent: this },
        );
        const config = new ConfigRules(
            `${name}-config`,
            {
                createRecorder: s.createConfigRecorder,
                bucket: audit.bucket,
                kmsKeyArn: key.arn,
                requiredTagKeys: Object.keys(this.tags)
                    .filter((k) => k !== "scenario" && !k.startsWith(ACK_TAG_PREFIX))
                    .slice(0, 6),
                // Every stack tags its resources with its environment; a component built without one is known by its scenario tag.
                scopeTag: this.tags.environment !== undefined ? { key: "environment", value: this.tags.environment } : { key: "scenario", value: SCENARIO },
            },
            { parent: this },
        );
        return { audit, config };
    }

    /** The public SNI load balancer in front of the web tier and the internal one in front of the app tier. */
    private loadBalancers(
        name: string,
        s: Settings,
        on: { production: TieredVpc; groups: TierSecurityGroups; security: EncryptedTopic; internalDomainName: string },
    ): { publicLb: SniLoadBalancer; internalLb: SniLoadBalancer } {
        const { production, groups, security, internalDomainName } = on;
        const embedded = { tags: s.tags, protect: this.protectStateful, logRetentionDays: this.logRetentionDays, scenario: SCENARIO };
        const publicLb = new SniLoadBalancer(
            `${name}-web`,
            {
                ...embedded,
                sites: s.sites,
                hostedZoneId: s.hostedZoneId,
                vpcId: production.vpcId,
                subnetIds: production.subnetIds.public,
                securityGroupId: groups.publicLoadBalancer.id,
                targetPort: WEB_PORT,
                healthCheckPath: HEALTH_CHECK_PATH,
                accessLogRetentionDays: s.accessLogRetentionDays,
                alarmTopicArn: security.topicArn,
            },
            { parent: this },
        );
        const internalLb = new SniLoadBalancer(
            `${name}-app`,
            {
                ...embedded,
                internal: true,
                redirectHttp: false,
                sites: [{ domainName: internalDomainName }],
                hostedZoneId: s.hostedZoneId,
                vpcId: production.vpcId,
                subnetIds: production.subnetIds.private,
                securityGroupId: groups.internalLoadBalancer.id,
                targetPort: APP_PORT,
                healthCheckPath: HEALTH_CHECK_PATH,
                accessLogRetentionDays: s.accessLogRetentionDays,
                alarmTopicArn: security.topicArn,
            },
            { parent: this },
        );
        return { publicLb, internalLb };
    }

    /** The MySQL database in the isolated subnets, admitting the app tier only, deletion-protected with the stack. */
    private database(name: string, s: Settings, on: { production: TieredVpc; groups: TierSecurityGroups; key: WorkloadKey }): Database {
        const { production, groups, key } = on;
        return new Database(
            `${name}-db`,
            {
                ...s.database,
                deletionProtection: s.database.deletionProtection ?? this.protectStateful,
                subnetIds: production.subnetIds.isolated,
                securityGroupId: groups.database.id,
                kmsKeyArn: key.arn,
                logRetentionDays: this.logRetentionDays,
                protect: this.protectStateful,
            },
            { parent: this },
        );
    }

    /** The web and app Auto Scaling groups behind their load balancers; the app tier may connect to the database as its IAM user. */
    private serverTiers(
        name: string,
        s: Settings,
        on: {
            production: TieredVpc;
            groups: TierSecurityGroups;
            publicLb: SniLoadBalancer;
            internalLb: SniLoadBalancer;
            database: Database;
            region: pulumi.Output<string>;
            internalDomainName: string;
        },
    ): { web: ServerTier; app: ServerTier } {
        const { production, groups, publicLb, internalLb, database, region, internalDomainName } = on;
        const web = new ServerTier(
            `${name}-web`,
            {
                ...s.web,
                description: "the web tier (reverse proxy to the internal load balancer)",
                subnetIds: production.subnetIds.private,
                securityGroupId: groups.web.id,
                targetGroupArns: publicLb.targetGroupArns,
                userData: webUserData(internalDomainName),
                tags: this.tags,
                egress: production.privateEgress,
            },
            { parent: this },
        );
        const app = new ServerTier(
            `${name}-app`,
            {
                ...s.app,
                description: "the app tier (connects to the database with IAM authentication)",
                subnetIds: production.subnetIds.private,
                securityGroupId: groups.app.id,
                targetGroupArns: internalLb.targetGroupArns,
                userData: pulumi
                    .all([database.address, database.port, region])
                    .apply(([host, port, regionName]) =>
                        appUserData({ databaseHost: host, databasePort: port, databaseName: "app", databaseUser: s.database.iamDatabaseUser, region: regionName }),
                    ),
                statements: [database.connectStatement()],
                tags: this.tags,
                egress: production.privateEgress,
            },
            { parent: this },
        );
        return { web, app };
    }

    /** The SSH bastion in the management VPC's first public subnet, reachable from its configured network only. */
    private bastion(name: string, settings: NonNullable<Settings["bastion"]>, management: TieredVpc, securityGroup: aws.ec2.SecurityGroup): Bastion {
        return new Bastion(
            `${name}-bastion`,
            {
                subnetId: management.subnetIds.public[0],
                securityGroupId: securityGroup.id,
                instanceType: settings.instanceType,
                keyName: settings.keyName,
                userData: bastionUserData(),
                tags: this.tags,
            },
            { parent: this },
        );
    }
}

// The scenario: `aws-blueprints:compliantWebApp` builds this component from its settings; its outputs are the stack output of the
// same name. The registry (scenarios/index.ts) is generated from these entries.
export const compliantWebApp = defineScenario({
    key: "compliantWebApp",
    readme: { number: 1, title: "CJIS-aligned two-VPC multi-tier web environment" },
    declaration: compliantWebAppSettings,
    build: (settings, shared) => {
        const app = new CompliantWebApp("cjis", { ...shared, ...settings });
        return pick(app, ["siteUrls", "loadBalancerDnsName", "internalUrl", "productionVpcId", "managementVpcId", "peeringConnectionId", "webGroupName", "appGroupName", "databaseAddress", "databaseResourceId", "databaseSecretArn", "iamDatabaseUser", "trailArn", "auditBucketName", "flowLogGroupName", "securityTopicArn", "keyArn", "bastionPublicIp"]);
    },
});
