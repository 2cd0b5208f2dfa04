// Arguments of the CJIS-aligned web environment, their defaults and their validation (before any resource exists).
import { BlueprintArgs } from "../../components/common";
import { resolveArgs as resolveDeclared } from "../../components/scenario";
import { SniSite, sniLoadBalancerSettings } from "../sniLoadBalancer/settings";
import { cidrsOverlap, parseCidr } from "./network";

/** NAT gateways of a VPC: none, one shared by every AZ (cheap), or one per AZ (an AZ outage leaves the others online). */
export type NatGateways = "none" | "single" | "perAz";

export interface NetworkArgs {
    /** CIDR block of the production VPC (/16 to /22). @default "10.0.0.0/16" */
    readonly productionCidr?: string;
    /** CIDR block of the management VPC; must not overlap the production VPC. @default "10.1.0.0/16" */
    readonly managementCidr?: string;
    /** Availability Zones used by both VPCs (2 or 3). @default 2 */
    readonly availabilityZones?: number;
    /** NAT gateways of the production VPC (its private subnets reach the internet only through them). @default "single" */
    readonly natGateways?: "single" | "perAz";
    /** NAT gateways of the management VPC, whose private subnets hold nothing by default. @default "none" */
    readonly managementNatGateways?: NatGateways;
}

export interface ServerTierArgs {
    /** EC2 instance type; Graviton types (t4g, m7g, ...) get the arm64 AMI. @default "t4g.micro" */
    readonly instanceType?: string;
    /** Fewest instances. @default 1 */
    readonly minSize?: number;
    /** Most instances. @default 2 */
    readonly maxSize?: number;
    /** Average CPU utilisation the target-tracking policy keeps the group at, in percent. @default 50 */
    readonly cpuTargetPercent?: number;
    /** Size of the encrypted root volume in GiB. @default 20 */
    readonly rootVolumeGb?: number;
}

export interface DatabaseArgs {
    /** RDS instance class. @default "db.t4g.micro" */
    readonly instanceClass?: string;
    /** MySQL major version ("8.0" or "8.4"); minor versions upgrade automatically. @default "8.4" */
    readonly engineVersion?: "8.0" | "8.4";
    /** Initial storage in GiB. @default 20 */
    readonly allocatedStorageGb?: number;
    /** Storage autoscaling ceiling in GiB. @default 100 */
    readonly maxAllocatedStorageGb?: number;
    /** A standby in another AZ with synchronous replication. @default false */
    readonly multiAz?: boolean;
    /** Days automated backups are kept (1-35). @default 7 */
    readonly backupRetentionDays?: number;
    /** Refuse deletion of the database. @default the value of `protect` */
    readonly deletionProtection?: boolean;
    /** Master user name; its password is generated and kept in Secrets Manager by RDS. @default "dbadmin" */
    readonly masterUsername?: string;
    /** The database user the app tier connects as with IAM authentication (`rds-db:connect`). @default "app_user" */
    readonly iamDatabaseUser?: string;
}

export interface BastionArgs {
    /** The only network that may reach the bastion over SSH, e.g. an office range; never 0.0.0.0/0. */
    readonly allowedCidr: string;
    /** EC2 key pair for SSH. */
    readonly keyName: string;
    /** Instance type. @default "t4g.nano" */
    readonly instanceType?: string;
}

export interface CompliantWebAppArgs extends BlueprintArgs {
    /** Public Route 53 hosted zone for certificate validation and alias records (sites may name their own). */
    readonly hostedZoneId: string;
    /** The public sites of the web tier, served by SNI on one load balancer. */
    readonly sites: readonly SniSite[];
    /** Name of the internal (app-tier) load balancer, in the hosted zone, e.g. `app-internal.example.com`; gets its own certificate. */
    readonly internalDomainName: string;
    /** VPC layout. @default see NetworkArgs */
    readonly network?: NetworkArgs;
    /** Reverse-proxy tier behind the public load balancer. @default see ServerTierArgs */
    readonly web?: ServerTierArgs;
    /** Application tier behind the internal load balancer. @default see ServerTierArgs */
    readonly app?: ServerTierArgs;
    /** The MySQL database. @default see DatabaseArgs */
    readonly database?: DatabaseArgs;
    /** An SSH bastion in the management VPC. @default none (Session Manager reaches every instance) */
    readonly bastion?: BastionArgs;
    /**
     * Create the AWS Config recorder and delivery channel. An account holds one of each per region, so only one stack
     * (and no Control Tower or Security Hub setup) may create them; the Config rules need a recorder, this one or the
     * existing one. @default false
     */
    readonly createConfigRecorder?: boolean;
    /** Days CloudTrail and Config files stay in the audit bucket (CJIS: at least one year). @default 365 */
    readonly auditRetentionDays?: number;
    /** Days load-balancer access logs are kept. @default 90 */
    readonly accessLogRetentionDays?: number;
    /** Email subscribed to the security topic (CloudTrail alarms, certificate expiry). @default none */
    readonly notificationEmail?: string;
}

/** Arguments with every default filled in. */
export interface ResolvedArgs {
    readonly network: Required<NetworkArgs>;
    readonly web: Required<ServerTierArgs>;
    readonly app: Required<ServerTierArgs>;
    readonly database: Required<Omit<DatabaseArgs, "deletionProtection">> & { readonly deletionProtection: boolean };
    readonly bastion?: Required<BastionArgs>;
    readonly createConfigRecorder: boolean;
    readonly auditRetentionDays: number;
    readonly accessLogRetentionDays: number;
}

const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const DB_INSTANCE_CLASS = /^db\.[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const MYSQL_USER = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
const RESERVED_MYSQL_USERS = ["root", "rdsadmin", "rdsrepladmin", "mysql.sys", "mysql.session", "mysql.infoschema"];
const KEY_NAME = /^[\x20-\x7e]{1,255}$/;

function tierDefaults(t: ServerTierArgs | undefined): Required<ServerTierArgs> {
    return {
        instanceType: t?.instanceType ?? "t4g.micro",
        minSize: t?.minSize ?? 1,
        maxSize: t?.maxSize ?? 2,
        cpuTargetPercent: t?.cpuTargetPercent ?? 50,
        rootVolumeGb: t?.rootVolumeGb ?? 20,
    };
}

function validateTier(name: string, key: string, t: Required<ServerTierArgs>): void {
    if (!INSTANCE_TYPE.test(t.instanceType)) throw new Error(`${name}: ${key}.instanceType "${t.instanceType}" is not an EC2 instance type like t4g.micro`);
    if (!Number.isInteger(t.minSize) || t.minSize < 1) throw new Error(`${name}: ${key}.minSize must be a whole number >= 1; got ${t.minSize}`);
    if (!Number.isInteger(t.maxSize) || t.maxSize < t.minSize || t.maxSize > 100) {
        throw new Error(`${name}: ${key}.maxSize must be between minSize (${t.minSize}) and 100; got ${t.maxSize}`);
    }
    if (!(t.cpuTargetPercent >= 10 && t.cpuTargetPercent <= 90)) throw new Error(`${name}: ${key}.cpuTargetPercent must be 10-90; got ${t.cpuTargetPercent}`);
    if (!Number.isInteger(t.rootVolumeGb) || t.rootVolumeGb < 8 || t.rootVolumeGb > 1024) {
        throw new Error(`${name}: ${key}.rootVolumeGb must be 8-1024 (the AMI needs 8); got ${t.rootVolumeGb}`);
    }
}

/** Fills in defaults and throws, naming the argument and its value, on anything contradictory or impossible. */
export function resolveArgs(name: string, args: CompliantWebAppArgs, protect: boolean): ResolvedArgs {
    if (!/^[a-z][a-z0-9-]{0,13}$/.test(name)) {
        // The load balancers are named <name>-web and <name>-app, and load balancer names are short.
        throw new Error(`${name}: the name must be 1-14 lowercase letters, digits or dashes, starting with a letter`);
    }
    resolveDeclared(`${name}-web`, sniLoadBalancerSettings, { hostedZoneId: args.hostedZoneId, sites: [...args.sites] });
    resolveDeclared(`${name}-app`, sniLoadBalancerSettings, { hostedZoneId: args.hostedZoneId, sites: [{ domainName: args.internalDomainName }] });
    if (args.sites.some((s) => [s.domainName, ...(s.alternativeNames ?? [])].includes(args.internalDomainName))) {
        throw new Error(`${name}: internalDomainName "${args.internalDomainName}" is also a public site; give the internal load balancer a name of its own`);
    }

    const network: Required<NetworkArgs> = {
        productionCidr: args.network?.productionCidr ?? "10.0.0.0/16",
        managementCidr: args.network?.managementCidr ?? "10.1.0.0/16",
        availabilityZones: args.network?.availabilityZones ?? 2,
        natGateways: args.network?.natGateways ?? "single",
        managementNatGateways: args.network?.managementNatGateways ?? "none",
    };
    for (const key of ["productionCidr", "managementCidr"] as const) {
        const cidr = parseCidr(network[key]);
        if (!cidr || cidr.prefix < 16 || cidr.prefix > 22) {
            throw new Error(`${name}: network.${key} "${network[key]}" must be an IPv4 network from /16 to /22, like 10.0.0.0/16`);
        }
    }
    if (cidrsOverlap(network.productionCidr, network.managementCidr)) {
        throw new Error(`${name}: network.productionCidr ${network.productionCidr} and network.managementCidr ${network.managementCidr} overlap; peered VPCs need distinct ranges`);
    }
    if (![2, 3].includes(network.availabilityZones)) throw new Error(`${name}: network.availabilityZones must be 2 or 3; got ${network.availabilityZones}`);
    if (!["single", "perAz"].includes(network.natGateways)) throw new Error(`${name}: network.natGateways must be "single" or "perAz"; got "${network.natGateways}"`);
    if (!["none", "single", "perAz"].includes(network.managementNatGateways)) {
        throw new Error(`${name}: network.managementNatGateways must be "none", "single" or "perAz"; got "${network.managementNatGateways}"`);
    }

    const web = tierDefaults(args.web);
    const app = tierDefaults(args.app);
    validateTier(name, "web", web);
    validateTier(name, "app", app);

    const d = args.database ?? {};
    const database = {
        instanceClass: d.instanceClass ?? "db.t4g.micro",
        engineVersion: d.engineVersion ?? "8.4",
        allocatedStorageGb: d.allocatedStorageGb ?? 20,
        maxAllocatedStorageGb: d.maxAllocatedStorageGb ?? 100,
        multiAz: d.multiAz ?? false,
        backupRetentionDays: d.backupRetentionDays ?? 7,
        deletionProtection: d.deletionProtection ?? protect,
        masterUsername: d.masterUsername ?? "dbadmin",
        iamDatabaseUser: d.iamDatabaseUser ?? "app_user",
    } as const;
    if (!DB_INSTANCE_CLASS.test(database.instanceClass)) throw new Error(`${name}: database.instanceClass "${database.instanceClass}" is not an RDS class like db.t4g.micro`);
    if (!["8.0", "8.4"].includes(database.engineVersion)) throw new Error(`${name}: database.engineVersion must be "8.0" or "8.4"; got "${database.engineVersion}"`);
    if (!Number.isInteger(database.allocatedStorageGb) || database.allocatedStorageGb < 20 || database.allocatedStorageGb > 65536) {
        throw new Error(`${name}: database.allocatedStorageGb must be 20-65536 (gp3); got ${database.allocatedStorageGb}`);
    }
    if (!Number.isInteger(database.maxAllocatedStorageGb) || database.maxAllocatedStorageGb < database.allocatedStorageGb) {
        throw new Error(`${name}: database.maxAllocatedStorageGb must be at least allocatedStorageGb (${database.allocatedStorageGb}); got ${database.maxAllocatedStorageGb}`);
    }
    if (!Number.isInteger(database.backupRetentionDays) || database.backupRetentionDays < 1 || database.backupRetentionDays > 35) {
        throw new Error(`${name}: database.backupRetentionDays must be 1-35; got ${database.backupRetentionDays}`);
    }
    for (const key of ["masterUsername", "iamDatabaseUser"] as const) {
        const user = database[key];
        if (!MYSQL_USER.test(user) || RESERVED_MYSQL_USERS.includes(user.toLowerCase())) {
            throw new Error(`${name}: database.${key} "${user}" must be 1-32 letters, digits or _, start with a letter, and not be a reserved MySQL/RDS user`);
        }
    }
    if (database.masterUsername === database.iamDatabaseUser) {
        throw new Error(`${name}: database.iamDatabaseUser must differ from masterUsername ("${database.masterUsername}"); the master user keeps its password`);
    }

    let bastion: Required<BastionArgs> | undefined;
    if (args.bastion) {
        bastion = { allowedCidr: args.bastion.allowedCidr, keyName: args.bastion.keyName, instanceType: args.bastion.instanceType ?? "t4g.nano" };
        const cidr = parseCidr(bastion.allowedCidr);
        if (!cidr) throw new Error(`${name}: bastion.allowedCidr "${bastion.allowedCidr}" is not an IPv4 CIDR block like 203.0.113.0/24`);
        if (cidr.prefix < 8) {
            throw new Error(`${name}: bastion.allowedCidr "${bastion.allowedCidr}" is too wide (/${cidr.prefix}); SSH is only for a known network (/8 or narrower), never the internet`);
        }
        if (!KEY_NAME.test(bastion.keyName)) throw new Error(`${name}: bastion.keyName "${bastion.keyName}" is not an EC2 key pair name`);
        if (!INSTANCE_TYPE.test(bastion.instanceType)) throw new Error(`${name}: bastion.instanceType "${bastion.instanceType}" is not an EC2 instance type like t4g.nano`);
    }

    const auditRetentionDays = args.auditRetentionDays ?? 365;
    if (!Number.isInteger(auditRetentionDays) || auditRetentionDays < 365) {
        throw new Error(`${name}: auditRetentionDays must be at least 365 (CJIS keeps audit records a year); got ${auditRetentionDays}`);
    }
    const accessLogRetentionDays = args.accessLogRetentionDays ?? 90;
    if (!Number.isInteger(accessLogRetentionDays) || accessLogRetentionDays < 1) {
        throw new Error(`${name}: accessLogRetentionDays must be a whole number of days >= 1; got ${accessLogRetentionDays}`);
    }
    return {
        network,
        web,
        app,
        database,
        bastion,
        createConfigRecorder: args.createConfigRecorder ?? false,
        auditRetentionDays,
        accessLogRetentionDays,
    };
}
