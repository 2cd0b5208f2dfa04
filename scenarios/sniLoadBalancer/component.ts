// An Application Load Balancer serving several TLS sites through SNI (README scenario 13): one DNS-validated ACM
// certificate per site and key algorithm, host-header routing, HTTP -> HTTPS redirect, access logs, alias
// records and certificate-expiry alarms.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { Blueprint } from "../../components/common";
import { defaultVpcId } from "../../components/network";
import { EncryptedTopic, topicAlarm } from "../../components/notifications";
import { ArgsOf, defineScenario, pick, ResolvedArgs, resolveArgs } from "../../components/scenario";
import { LoadBalancerLogBucket, loadBalancerLogBucket } from "../../components/storage";
import { CertificateKeyAlgorithm, siteHostNames } from "./certificates";
import { sniLoadBalancerSettings, sniSiteSchema } from "./settings";

export type { SniSite } from "./settings";

/** The TLS policy of every HTTPS listener unless another TLS 1.2+ policy is chosen. */
export const DEFAULT_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** ELB security policies accepted for `sslPolicy`: TLS 1.3 with 1.2 (or 1.3 only), no older protocols. */
export const ALLOWED_TLS_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
] as const;

/** Host-header values one listener rule may match (ALB: five condition values per rule). */
const HOSTS_PER_RULE = 5;

/** Arguments that also take other resources' values. */
type Inputs = "vpcId" | "subnetIds" | "hostedZoneId" | "sites.hostedZoneId";

/** What a component embedding the load balancer may set besides the scenario's settings. */
export interface SniLoadBalancerEmbeddingArgs {
    /** An internal load balancer (private IPs only). @default false */
    readonly internal?: boolean;
    /**
     * A security group the caller manages (rules included). When set, the component creates no group and no
     * rules, and `ingressCidrBlocks`, `ingressSecurityGroupIds` and `targetSecurityGroupIds` must be left out.
     * @default the component's own group
     */
    readonly securityGroupId?: pulumi.Input<string>;
    /** IPv4 networks admitted on the listener ports. @default ["0.0.0.0/0"] for an internet-facing load balancer, [] for an internal one */
    readonly ingressCidrBlocks?: readonly string[];
    /** Security groups admitted on the listener ports. @default [] */
    readonly ingressSecurityGroupIds?: readonly pulumi.Input<string>[];
    /** Security groups of the targets; the load balancer may reach only them, on `targetPort`. @default the VPC's CIDR block */
    readonly targetSecurityGroupIds?: readonly pulumi.Input<string>[];
    /** Add a port 80 listener that only redirects to HTTPS. @default true for internet-facing, false for internal */
    readonly redirectHttp?: boolean;
    /** TLS policy of the HTTPS listener (one of ALLOWED_TLS_POLICIES). @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
    readonly sslPolicy?: (typeof ALLOWED_TLS_POLICIES)[number];
    /** Topic the expiry alarms notify. @default a topic of the component's own */
    readonly alarmTopicArn?: pulumi.Input<string>;
    /** Create Route 53 alias records for every site name. @default true */
    readonly createDnsRecords?: boolean;
    /** Refuse deletion of the load balancer. @default the value of `protect` */
    readonly deletionProtection?: boolean;
    /** Value of the `scenario` tag; a component embedding the load balancer passes its own. @default "sni-load-balancer" */
    readonly scenario?: string;
}

/**
 * The scenario's settings (see ./settings.ts), the VPC and subnets possibly other resources' outputs, and what an
 * embedding component sets besides.
 */
export type SniLoadBalancerArgs = ArgsOf<typeof sniLoadBalancerSettings, Inputs> & SniLoadBalancerEmbeddingArgs;

/** The scenario's settings, their defaults applied. */
type SniLoadBalancerSettings = ResolvedArgs<typeof sniLoadBalancerSettings, Inputs>;

/** A site with its defaults applied; its zone may be another resource's output. */
type ResolvedSite = Omit<z.output<typeof sniSiteSchema>, "hostedZoneId"> & { readonly hostedZoneId?: pulumi.Input<string> };

/** A readable, stable piece of a logical name for a host name (`*.example.com` -> `wildcard-example-com`). */
export function hostSlug(host: string): string {
    return host.replace(/^\*\./, "wildcard-").replace(/\./g, "-");
}

const ALGORITHM_SLUG: Record<CertificateKeyAlgorithm, string> = { RSA_2048: "rsa", EC_prime256v1: "ec256", EC_secp384r1: "ec384" };

const CIDR_V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function validCidr(cidr: string): boolean {
    const m = CIDR_V4.exec(cidr);
    return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

/**
 * Throws on contradictory or impossible arguments the settings declaration does not cover (the name, and what only
 * an embedding component sets), naming the argument and the bad value.
 */
function refuseBadEmbeddingArgs(name: string, args: SniLoadBalancerEmbeddingArgs): void {
    if (!/^[a-z][a-z0-9-]{0,17}$/.test(name)) {
        // Load balancer and target group names (logical name + 8 random characters) may not exceed 32 characters.
        throw new Error(`${name}: the name must be 1-18 lowercase letters, digits or dashes, starting with a letter (load balancer names are at most 32 characters)`);
    }
    const ownRules = args.ingressCidrBlocks !== undefined || args.ingressSecurityGroupIds !== undefined || args.targetSecurityGroupIds !== undefined;
    if (args.securityGroupId !== undefined && ownRules) {
        throw new Error(`${name}: securityGroupId is a group the caller manages; leave out ingressCidrBlocks, ingressSecurityGroupIds and targetSecurityGroupIds`);
    }
    for (const cidr of args.ingressCidrBlocks ?? []) {
        if (!validCidr(cidr)) throw new Error(`${name}: ingressCidrBlocks entry "${cidr}" is not an IPv4 CIDR block like 203.0.113.0/24`);
    }
    if (args.securityGroupId === undefined) {
        const cidrs = args.ingressCidrBlocks ?? (args.internal ? [] : ["0.0.0.0/0"]);
        if (cidrs.length === 0 && (args.ingressSecurityGroupIds ?? []).length === 0) {
            throw new Error(`${name}: nothing may reach the load balancer; give ingressCidrBlocks or ingressSecurityGroupIds`);
        }
    }
    if (args.sslPolicy !== undefined && !(ALLOWED_TLS_POLICIES as readonly string[]).includes(args.sslPolicy)) {
        throw new Error(`${name}: sslPolicy "${args.sslPolicy}" is not one of ${ALLOWED_TLS_POLICIES.join(", ")}`);
    }
}

/** A certificate of one site with one key algorithm. */
interface SiteCertificate {
    readonly site: ResolvedSite;
    readonly algorithm: CertificateKeyAlgorithm;
    readonly logicalName: string;
    readonly certificate: aws.acm.Certificate;
}

/**
 * An Application Load Balancer with one HTTPS listener serving several sites by SNI. Every site gets DNS-validated
 * ACM certificates (one per key algorithm), a target group and host-header rules; the first certificate is the
 * listener's default and every other one a listener certificate. Port 80 only redirects to HTTPS. Access logs go to
 * a private SSE-S3 bucket (the only encryption ALB log delivery supports) and each certificate has a days-to-expiry
 * alarm.
 */
export class SniLoadBalancer extends Blueprint {
    readonly loadBalancer: aws.lb.LoadBalancer;
    readonly httpsListener: aws.lb.Listener;
    readonly loadBalancerArn: pulumi.Output<string>;
    readonly arnSuffix: pulumi.Output<string>;
    readonly dnsName: pulumi.Output<string>;
    readonly zoneId: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;
    readonly httpsListenerArn: pulumi.Output<string>;
    /** Target groups in site order; register targets (or attach Auto Scaling groups) here. */
    readonly targetGroupArns: pulumi.Output<string[]>;
    /** Target group per site, by the site's domain name. */
    readonly targetGroupArnsByDomain: Record<string, pulumi.Output<string>>;
    /** Certificates in listener order (the default first). */
    readonly certificateArns: pulumi.Output<string[]>;
    readonly accessLogBucket: pulumi.Output<string>;
    readonly alarmTopicArn: pulumi.Output<string>;
    /** `https://<name>` for every host name that is not a wildcard. */
    readonly siteUrls: string[];

    constructor(name: string, args: SniLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveArgs<typeof sniLoadBalancerSettings, Inputs>(name, sniLoadBalancerSettings, args);
        refuseBadEmbeddingArgs(name, args);
        super("aws-blueprints:network:SniLoadBalancer", name, args.scenario ?? "sni-load-balancer", args, opts);
        const internal = args.internal ?? false;
        const redirect = args.redirectHttp ?? !internal;

        const { vpcId, subnetIds } = this.network(name, s);
        this.alarmTopicArn =
            args.alarmTopicArn !== undefined
                ? pulumi.output(args.alarmTopicArn)
                : new EncryptedTopic(
                      `${name}-alarms`,
                      { displayName: `Load balancer ${name}`, email: s.notificationEmail, protect: this.protectStateful },
                      { parent: this },
                  ).topicArn;
        this.securityGroupId =
            args.securityGroupId !== undefined
                ? pulumi.output(args.securityGroupId)
                : this.securityGroup(name, args, vpcId, redirect, s.targetPort).id;
        const logs = loadBalancerLogBucket(
            `${name}-access-logs`,
            { retentionDays: s.accessLogRetentionDays, prefix: name, forceDestroy: !this.protectStateful },
            this,
            this.stateful(),
        );
        this.loadBalancer = this.applicationLoadBalancer(name, s, args, { internal, subnetIds, logs });
        const certificates = this.certificates(name, s.sites);
        const validated = this.validate(name, s.hostedZoneId, certificates);
        this.httpsListener = this.listeners(name, args, { certificates, validated, redirect });
        this.targetGroupArnsByDomain = this.siteRoutes(name, s, args, vpcId);
        this.expiryAlarms(name, s, certificates);

        this.loadBalancerArn = this.loadBalancer.arn;
        this.arnSuffix = this.loadBalancer.arnSuffix;
        this.dnsName = this.loadBalancer.dnsName;
        this.zoneId = this.loadBalancer.zoneId;
        this.httpsListenerArn = this.httpsListener.arn;
        this.targetGroupArns = pulumi.all(s.sites.map((site) => this.targetGroupArnsByDomain[site.domainName]));
        this.certificateArns = pulumi.all(validated);
        this.accessLogBucket = logs.bucket.bucket;
        this.siteUrls = s.sites.flatMap(siteHostNames).filter((h) => !h.startsWith("*.")).map((h) => `https://${h}`);
        this.registerOutputs({
            loadBalancerArn: this.loadBalancerArn,
            dnsName: this.dnsName,
            zoneId: this.zoneId,
            securityGroupId: this.securityGroupId,
            httpsListenerArn: this.httpsListenerArn,
            targetGroupArns: this.targetGroupArns,
            certificateArns: this.certificateArns,
            accessLogBucket: this.accessLogBucket,
            alarmTopicArn: this.alarmTopicArn,
            siteUrls: this.siteUrls,
        });
    }

    /** The VPC and subnets: both given, else the default VPC and its default subnets. */
    private network(name: string, s: SniLoadBalancerSettings): { vpcId: pulumi.Input<string>; subnetIds: pulumi.Input<pulumi.Input<string>[]> } {
        if (s.vpcId !== undefined && s.subnetIds !== undefined) return { vpcId: s.vpcId, subnetIds: [...s.subnetIds] };
        const defaultVpc = defaultVpcId({ owner: name, setting: "vpcId and subnetIds (sniLoadBalancer.vpcId, sniLoadBalancer.subnetIds)", parent: this });
        const subnetIds = aws.ec2.getSubnetsOutput(
            { filters: [{ name: "vpc-id", values: [defaultVpc] }, { name: "default-for-az", values: ["true"] }] },
            { parent: this },
        ).ids;
        return { vpcId: defaultVpc, subnetIds };
    }

    /** The Application Load Balancer, dropping invalid headers and logging every request to the access log bucket. */
    private applicationLoadBalancer(
        name: string,
        s: SniLoadBalancerSettings,
        args: SniLoadBalancerEmbeddingArgs,
        on: { internal: boolean; subnetIds: pulumi.Input<pulumi.Input<string>[]>; logs: LoadBalancerLogBucket },
    ): aws.lb.LoadBalancer {
        const { internal, subnetIds, logs } = on;
        return new aws.lb.LoadBalancer(
            `${name}-alb`,
            {
                loadBalancerType: "application",
                internal,
                ipAddressType: s.ipAddressType,
                subnets: subnetIds,
                securityGroups: [this.securityGroupId],
                dropInvalidHeaderFields: true,
                enableDeletionProtection: args.deletionProtection ?? this.protectStateful,
                accessLogs: { bucket: logs.bucket.bucket, enabled: true, prefix: logs.prefix },
            },
            // ELB writes a test object when logging is enabled: the bucket policy must exist first.
            { parent: this, dependsOn: [logs.policy] },
        );
    }

    /**
     * The HTTPS listener (the first certificate its default, a 404 for unknown hosts), every other certificate added
     * to it for SNI, and the port 80 listener that only redirects, when asked.
     */
    private listeners(
        name: string,
        args: SniLoadBalancerEmbeddingArgs,
        on: { certificates: SiteCertificate[]; validated: pulumi.Output<string>[]; redirect: boolean },
    ): aws.lb.Listener {
        const { certificates, validated, redirect } = on;
        const https = new aws.lb.Listener(
            `${name}-https`,
            {
                loadBalancerArn: this.loadBalancer.arn,
                port: 443,
                protocol: "HTTPS",
                sslPolicy: args.sslPolicy ?? DEFAULT_TLS_POLICY,
                certificateArn: validated[0],
                defaultActions: [
                    { type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Unknown host\n", statusCode: "404" } },
                ],
            },
            { parent: this },
        );
        certificates.slice(1).forEach((c, i) => {
            new aws.lb.ListenerCertificate(
                `${name}-sni-${c.logicalName}`,
                { listenerArn: https.arn, certificateArn: validated[i + 1] },
                { parent: this },
            );
        });
        if (redirect) {
            new aws.lb.Listener(
                `${name}-http`,
                {
                    loadBalancerArn: this.loadBalancer.arn,
                    port: 80,
                    protocol: "HTTP",
                    defaultActions: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }],
                },
                { parent: this },
            );
        }
        return https;
    }

    /**
     * Each site's target group, the host-header rules of the HTTPS listener forwarding its names to it (priorities
     * in site order), and its alias records unless left out. Returns the target groups by the site's domain name.
     */
    private siteRoutes(
        name: string,
        s: SniLoadBalancerSettings,
        args: SniLoadBalancerEmbeddingArgs,
        vpcId: pulumi.Input<string>,
    ): Record<string, pulumi.Output<string>> {
        const targetGroupArns: Record<string, pulumi.Output<string>> = {};
        let priority = 1;
        s.sites.forEach((site, siteIndex) => {
            const slug = hostSlug(site.domainName);
            const group = new aws.lb.TargetGroup(
                `${name}-tg${siteIndex}`,
                {
                    vpcId,
                    port: s.targetPort,
                    protocol: s.targetProtocol,
                    targetType: "instance",
                    deregistrationDelay: 30,
                    healthCheck: {
                        enabled: true,
                        path: s.healthCheckPath,
                        protocol: s.targetProtocol,
                        matcher: "200-399",
                        interval: 15,
                        timeout: 5,
                        healthyThreshold: 2,
                        unhealthyThreshold: 3,
                    },
                    tags: { Name: site.domainName },
                },
                { parent: this },
            );
            targetGroupArns[site.domainName] = group.arn;
            const hosts = siteHostNames(site);
            for (let i = 0; i < hosts.length; i += HOSTS_PER_RULE) {
                new aws.lb.ListenerRule(
                    `${name}-rule-${slug}-${i / HOSTS_PER_RULE}`,
                    {
                        listenerArn: this.httpsListener.arn,
                        priority: priority++,
                        actions: [{ type: "forward", targetGroupArn: group.arn }],
                        conditions: [{ hostHeader: { values: hosts.slice(i, i + HOSTS_PER_RULE) } }],
                    },
                    { parent: this },
                );
            }
            if (args.createDnsRecords ?? true) this.aliasRecords(name, s.hostedZoneId, site, s.ipAddressType);
        });
        return targetGroupArns;
    }

    /** A days-to-expiry alarm per certificate: ACM renews DNS-validated certificates itself unless it cannot. */
    private expiryAlarms(name: string, s: SniLoadBalancerSettings, certificates: SiteCertificate[]): void {
        for (const c of certificates) {
            topicAlarm(
                `${name}-expiry-${c.logicalName}`,
                {
                    description: `Certificate for ${c.site.domainName} (${c.algorithm}) expires in under ${s.certificateExpiryAlarmDays} days: ACM could not renew it (check its DNS validation record)`,
                    namespace: "AWS/CertificateManager",
                    metricName: "DaysToExpiry",
                    dimensions: { CertificateArn: c.certificate.arn },
                    statistic: "Minimum",
                    comparison: "LessThanThreshold",
                    threshold: s.certificateExpiryAlarmDays,
                    // ACM publishes the metric once a day.
                    periodSeconds: 86400,
                    treatMissingData: "missing",
                    topicArn: this.alarmTopicArn,
                },
                { parent: this },
            );
        }
    }

    /** The load balancer's own group: listener ports from the given sources, out only to the targets. */
    private securityGroup(
        name: string,
        args: SniLoadBalancerEmbeddingArgs,
        vpcId: pulumi.Input<string>,
        redirect: boolean,
        targetPort: number,
    ): aws.ec2.SecurityGroup {
        const group = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            { vpcId, description: `Load balancer ${name}: listener ports in, target port out`, tags: { Name: `${name}-lb` } },
            { parent: this },
        );
        const ports = redirect ? [443, 80] : [443];
        const cidrs = args.ingressCidrBlocks ?? (args.internal ? [] : ["0.0.0.0/0"]);
        for (const port of ports) {
            cidrs.forEach((cidr, i) => {
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-in-${port}-cidr-${i}`,
                    { securityGroupId: group.id, description: `${port === 443 ? "HTTPS" : "HTTP (redirected)"} from ${cidr}`, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: cidr },
                    { parent: this },
                );
            });
            (args.ingressSecurityGroupIds ?? []).forEach((source, i) => {
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-in-${port}-sg-${i}`,
                    { securityGroupId: group.id, description: `${port === 443 ? "HTTPS" : "HTTP (redirected)"} from a client tier`, ipProtocol: "tcp", fromPort: port, toPort: port, referencedSecurityGroupId: source },
                    { parent: this },
                );
            });
        }
        const targets = args.targetSecurityGroupIds ?? [];
        if (targets.length > 0) {
            targets.forEach((target, i) => {
                new aws.vpc.SecurityGroupEgressRule(
                    `${name}-out-targets-${i}`,
                    { securityGroupId: group.id, description: "Requests and health checks to the targets", ipProtocol: "tcp", fromPort: targetPort, toPort: targetPort, referencedSecurityGroupId: target },
                    { parent: this },
                );
            });
        } else {
            const vpcCidr = aws.ec2.getVpcOutput({ id: vpcId }, { parent: this }).cidrBlock;
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-out-vpc`,
                { securityGroupId: group.id, description: "Requests and health checks to targets in the VPC", ipProtocol: "tcp", fromPort: targetPort, toPort: targetPort, cidrIpv4: vpcCidr },
                { parent: this },
            );
        }
        return group;
    }

    /** One DNS-validated ACM certificate per site and key algorithm, in site order (the listener's default first). */
    private certificates(name: string, sites: readonly ResolvedSite[]): SiteCertificate[] {
        return sites.flatMap((site) =>
            site.keyAlgorithms.map((algorithm) => {
                const logicalName = `${hostSlug(site.domainName)}-${ALGORITHM_SLUG[algorithm]}`;
                const certificate = new aws.acm.Certificate(
                    `${name}-cert-${logicalName}`,
                    {
                        domainName: site.domainName,
                        subjectAlternativeNames: site.alternativeNames.length > 0 ? [...site.alternativeNames] : undefined,
                        validationMethod: "DNS",
                        keyAlgorithm: algorithm,
                        options: { certificateTransparencyLoggingPreference: "ENABLED" },
                        tags: { Name: site.domainName },
                    },
                    { parent: this },
                );
                return { site, algorithm, logicalName, certificate };
            }),
        );
    }

    /**
     * DNS validation: one CNAME per distinct name (ACM asks for the same record for a name in every certificate of
     * the account, and `*.example.com` shares the record of `example.com`), in the zone of the first site naming it,
     * then one validation per certificate. Returns the ARNs of issued certificates, in certificate order. A zone may
     * be another resource's output, so records are told apart by name alone: two sites sharing a name's record
     * must name the same zone, checked here for plain ids and at deployment for outputs.
     */
    private validate(name: string, hostedZoneId: pulumi.Input<string> | undefined, certificates: SiteCertificate[]): pulumi.Output<string>[] {
        const records = new Map<string, { record: aws.route53.Record; zoneId: pulumi.Input<string>; host: string }>();
        return certificates.map((c) => {
            const zoneId = (c.site.hostedZoneId ?? hostedZoneId)!;
            const fqdns = siteHostNames(c.site).map((host) => {
                const base = host.replace(/^\*\./, "");
                const existing = records.get(base);
                if (existing) {
                    if (existing.zoneId === zoneId) return existing.record.fqdn;
                    const differ = (a: string, b: string) => `${name}: ${existing.host} and ${host} share a DNS validation record but name different hosted zones (${a}, ${b}); put them in one zone`;
                    if (typeof existing.zoneId === "string" && typeof zoneId === "string") throw new Error(differ(existing.zoneId, zoneId));
                    return pulumi.all([existing.record.fqdn, existing.zoneId, zoneId]).apply(([fqdn, a, b]) => {
                        if (a !== b) throw new Error(differ(a, b));
                        return fqdn;
                    });
                }
                const option = c.certificate.domainValidationOptions.apply((options) => {
                    const found = options.find((o) => o.domainName === host);
                    if (!found) throw new Error(`${name}: ACM returned no DNS validation record for ${host}`);
                    return found;
                });
                const record = new aws.route53.Record(
                    `${name}-acm-${hostSlug(base)}`,
                    {
                        zoneId,
                        name: option.resourceRecordName,
                        type: option.resourceRecordType,
                        records: [option.resourceRecordValue],
                        ttl: 300,
                    },
                    { parent: this },
                );
                records.set(base, { record, zoneId, host });
                return record.fqdn;
            });
            return new aws.acm.CertificateValidation(
                `${name}-cert-${c.logicalName}-issued`,
                { certificateArn: c.certificate.arn, validationRecordFqdns: fqdns },
                { parent: this },
            ).certificateArn;
        });
    }

    /** Alias records of every host name of a site to the load balancer (A, and AAAA when dual-stack). */
    private aliasRecords(name: string, hostedZoneId: pulumi.Input<string> | undefined, site: ResolvedSite, ipAddressType: "ipv4" | "dualstack"): void {
        const zoneId = (site.hostedZoneId ?? hostedZoneId)!;
        const types = ipAddressType === "dualstack" ? ["A", "AAAA"] : ["A"];
        for (const host of siteHostNames(site)) {
            for (const type of types) {
                new aws.route53.Record(
                    `${name}-alias-${hostSlug(host)}-${type.toLowerCase()}`,
                    {
                        zoneId,
                        name: host,
                        type,
                        aliases: [{ name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true }],
                    },
                    { parent: this },
                );
            }
        }
    }
}

// The scenario: `aws-blueprints:sniLoadBalancer` builds this component from its settings; its outputs are the stack output of the
// same name. The registry (scenarios/index.ts) is generated from these entries.
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
