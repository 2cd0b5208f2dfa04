import assert from "node:assert/strict";
import { MAX_EXTRA_CERTIFICATES } from "../../scenarios/sniLoadBalancer/certificates";
import { SniLoadBalancer, SniLoadBalancerArgs, SniSite } from "../../scenarios/sniLoadBalancer/component";
import { build, json, promiseOf, Resources } from "../../engine/evaluate";
import { ACCOUNT_ID, recordedResources } from "../../engine/mocks";

const ZONE = "Z0123456789ABCDEFGHIJ";
const OTHER_ZONE = "Z9876543210ZYXWVUTSRQ";
const SITES: SniSite[] = [
    { domainName: "vim-is-better.example.com", alternativeNames: ["*.vim-is-better.example.com"], keyAlgorithms: ["RSA_2048", "EC_prime256v1"] },
    { domainName: "vim-is-the-best.example.org", hostedZoneId: OTHER_ZONE },
];

/** Resources sorted by logical name (the recorder sees them in completion order). */
const byName = <T extends { name: string }>(xs: T[]): T[] => [...xs].sort((a, b) => a.name.localeCompare(b.name));
const byPriority = <T extends { inputs: Record<string, any> }>(xs: T[]): T[] => [...xs].sort((a, b) => a.inputs.priority - b.inputs.priority);

async function balancer(args: Partial<SniLoadBalancerArgs> = {}, name = "sni") {
    const { value, resources } = await build(() => new SniLoadBalancer(name, { sites: SITES, hostedZoneId: ZONE, ...args }));
    return { lb: value, r: new Resources(resources) };
}

describe("SniLoadBalancer component", () => {
    let lb: SniLoadBalancer;
    let r: Resources;
    before(async () => {
        ({ lb, r } = await balancer());
    });

    it("requests one DNS-validated ACM certificate per site and key algorithm", () => {
        const certs = byName(r.ofType("aws:acm/certificate:Certificate"));
        assert.deepEqual(
            certs.map((c) => [c.name, c.inputs.domainName, c.inputs.keyAlgorithm, c.inputs.validationMethod, c.inputs.subjectAlternativeNames]),
            [
                ["sni-cert-vim-is-better-example-com-ec256", "vim-is-better.example.com", "EC_prime256v1", "DNS", ["*.vim-is-better.example.com"]],
                ["sni-cert-vim-is-better-example-com-rsa", "vim-is-better.example.com", "RSA_2048", "DNS", ["*.vim-is-better.example.com"]],
                ["sni-cert-vim-is-the-best-example-org-rsa", "vim-is-the-best.example.org", "RSA_2048", "DNS", undefined],
            ],
        );
        for (const c of certs) assert.equal(c.inputs.options.certificateTransparencyLoggingPreference, "ENABLED");
    });

    it("writes each validation CNAME once, in the site's zone, and validates every certificate with it", () => {
        const records = r.ofType("aws:route53/record:Record").filter((x) => x.inputs.type === "CNAME");
        // The RSA and ECDSA certificates, and *.name and name, share one validation record.
        assert.equal(records.length, 2);
        const better = r.one("aws:route53/record:Record", "sni-acm-vim-is-better-example-com");
        const rsa = r.one("aws:acm/certificate:Certificate", "sni-cert-vim-is-better-example-com-rsa");
        const option = rsa.outputs.domainValidationOptions.find((o: any) => o.domainName === "vim-is-better.example.com");
        assert.deepEqual(
            [better.inputs.zoneId, better.inputs.name, better.inputs.type, better.inputs.records],
            [ZONE, option.resourceRecordName, "CNAME", [option.resourceRecordValue]],
        );
        assert.equal(r.one("aws:route53/record:Record", "sni-acm-vim-is-the-best-example-org").inputs.zoneId, OTHER_ZONE);

        const validations = r.ofType("aws:acm/certificateValidation:CertificateValidation");
        assert.equal(validations.length, 3);
        for (const v of validations) {
            const cert = r.ofType("aws:acm/certificate:Certificate").find((c) => c.outputs.arn === v.inputs.certificateArn)!;
            assert.ok(cert, "validates one of the certificates");
            const expected = cert.inputs.domainName === "vim-is-better.example.com" ? [better.outputs.fqdn, better.outputs.fqdn] : [r.one("aws:route53/record:Record", "sni-acm-vim-is-the-best-example-org").outputs.fqdn];
            assert.deepEqual(v.inputs.validationRecordFqdns, expected);
        }
    });

    it("serves HTTPS with a TLS 1.3/1.2 policy, the first issued certificate as default and every other one by SNI", async () => {
        const https = r.one("aws:lb/listener:Listener", "sni-https");
        const alb = r.one("aws:lb/loadBalancer:LoadBalancer");
        assert.deepEqual([https.inputs.port, https.inputs.protocol, https.inputs.sslPolicy], [443, "HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06"]);
        assert.equal(https.inputs.loadBalancerArn, alb.outputs.arn);
        const issued = await promiseOf(lb.certificateArns);
        const cert = (n: string) => r.one("aws:acm/certificate:Certificate", `sni-cert-${n}`).outputs.arn;
        assert.deepEqual(
            issued,
            [cert("vim-is-better-example-com-rsa"), cert("vim-is-better-example-com-ec256"), cert("vim-is-the-best-example-org-rsa")],
            "issued ARNs come from the validations, sites and algorithms in the order given",
        );
        assert.equal(https.inputs.certificateArn, issued[0]);
        const extra = r.ofType("aws:lb/listenerCertificate:ListenerCertificate");
        assert.deepEqual(extra.map((c) => c.inputs.certificateArn).sort(), issued.slice(1).sort());
        for (const c of extra) assert.equal(c.inputs.listenerArn, https.outputs.arn);
        assert.deepEqual(https.inputs.defaultActions, [
            { type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Unknown host\n", statusCode: "404" } },
        ]);
    });

    it("answers plain HTTP only with a permanent redirect to HTTPS", () => {
        const http = r.one("aws:lb/listener:Listener", "sni-http");
        assert.deepEqual([http.inputs.port, http.inputs.protocol], [80, "HTTP"]);
        assert.deepEqual(http.inputs.defaultActions, [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }]);
    });

    it("routes each site's host names to the site's own target group", () => {
        const https = r.one("aws:lb/listener:Listener", "sni-https");
        const rules = byPriority(r.ofType("aws:lb/listenerRule:ListenerRule"));
        const groups = byName(r.ofType("aws:lb/targetGroup:TargetGroup"));
        assert.equal(groups.length, 2);
        assert.deepEqual(
            rules.map((x) => [x.inputs.priority, x.inputs.conditions[0].hostHeader.values, x.inputs.actions[0].targetGroupArn]),
            [
                [1, ["vim-is-better.example.com", "*.vim-is-better.example.com"], groups[0].outputs.arn],
                [2, ["vim-is-the-best.example.org"], groups[1].outputs.arn],
            ],
        );
        for (const x of rules) {
            assert.equal(x.inputs.listenerArn, https.outputs.arn);
            assert.equal(x.inputs.actions[0].type, "forward");
        }
        assert.deepEqual(
            groups.map((g) => [g.inputs.port, g.inputs.protocol, g.inputs.targetType, g.inputs.healthCheck.path, g.inputs.healthCheck.matcher]),
            [
                [80, "HTTP", "instance", "/", "200-399"],
                [80, "HTTP", "instance", "/", "200-399"],
            ],
        );
    });

    it("splits a site with many names over rules of at most five host names", async () => {
        const names = ["a", "b", "c", "d", "e", "f"].map((n) => `${n}.example.com`);
        const { r: many } = await balancer({ sites: [{ domainName: "www.example.com", alternativeNames: names }], createDnsRecords: false });
        const rules = byPriority(many.ofType("aws:lb/listenerRule:ListenerRule"));
        assert.deepEqual(
            rules.map((x) => [x.inputs.priority, x.inputs.conditions[0].hostHeader.values.length]),
            [
                [1, 5],
                [2, 2],
            ],
        );
        assert.equal(many.ofType("aws:route53/record:Record").filter((x) => x.inputs.type === "A").length, 0, "no alias records when turned off");
    });

    it("logs requests to a private SSE-S3 bucket that only ELB log delivery may write to", () => {
        const bucket = r.one("aws:s3/bucket:Bucket");
        const alb = r.one("aws:lb/loadBalancer:LoadBalancer");
        assert.deepEqual(alb.inputs.accessLogs, { bucket: bucket.outputs.bucket, enabled: true, prefix: "sni" });
        const sse = r.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
        assert.equal(sse.inputs.bucket, bucket.outputs.id);
        assert.equal(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256", "ALB log delivery supports SSE-S3 only");
        const block = r.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
        assert.deepEqual([block.inputs.blockPublicAcls, block.inputs.blockPublicPolicy, block.inputs.ignorePublicAcls, block.inputs.restrictPublicBuckets], [true, true, true, true]);
        assert.equal(r.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule.objectOwnership, "BucketOwnerEnforced");
        assert.equal(r.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules[0].expiration.days, 90);
        const policyResource = r.one("aws:s3/bucketPolicy:BucketPolicy");
        const policy = json(policyResource.inputs.policy);
        const write = policy.Statement.find((s: any) => s.Sid === "ElbLogDelivery");
        assert.deepEqual(write.Principal, { Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
        assert.equal(write.Action, "s3:PutObject");
        assert.equal(write.Resource, `${bucket.outputs.arn}/sni/AWSLogs/${ACCOUNT_ID}/*`);
        const deny = policy.Statement.find((s: any) => s.Sid === "DenyInsecureTransport");
        assert.deepEqual([deny.Effect, deny.Condition], ["Deny", { Bool: { "aws:SecureTransport": "false" } }]);
        assert.ok(alb.dependencies.includes(policyResource.urn), "ELB tests its write access when logging is enabled");
        assert.ok(policyResource.dependencies.includes(block.urn), "S3 refuses a policy change while the access block changes");
        assert.equal(alb.inputs.dropInvalidHeaderFields, true);
    });

    it("points an alias A record of every host name at the load balancer, in the site's zone", () => {
        const alb = r.one("aws:lb/loadBalancer:LoadBalancer");
        const aliases = byName(r.ofType("aws:route53/record:Record").filter((x) => x.inputs.aliases));
        assert.deepEqual(
            aliases.map((a) => [a.inputs.name, a.inputs.type, a.inputs.zoneId]),
            [
                ["vim-is-better.example.com", "A", ZONE],
                ["vim-is-the-best.example.org", "A", OTHER_ZONE],
                ["*.vim-is-better.example.com", "A", ZONE],
            ],
        );
        for (const a of aliases) assert.deepEqual(a.inputs.aliases, [{ name: alb.outputs.dnsName, zoneId: alb.outputs.zoneId, evaluateTargetHealth: true }]);
        assert.deepEqual(lb.siteUrls, ["https://vim-is-better.example.com", "https://vim-is-the-best.example.org"]);
    });

    it("adds AAAA aliases for a dual-stack load balancer", async () => {
        const { r: dual } = await balancer({ sites: [{ domainName: "www.example.com" }], ipAddressType: "dualstack" });
        assert.equal(dual.one("aws:lb/loadBalancer:LoadBalancer").inputs.ipAddressType, "dualstack");
        const aliases = dual.ofType("aws:route53/record:Record").filter((x) => x.inputs.aliases);
        assert.deepEqual(aliases.map((a) => a.inputs.type).sort(), ["A", "AAAA"]);
    });

    it("alarms on every certificate's days to expiry before ACM's renewal window runs out", async () => {
        const topicArn = await promiseOf(lb.alarmTopicArn);
        const topic = r.one("aws:sns/topic:Topic");
        assert.equal(topicArn, topic.outputs.arn, "its own encrypted topic when none is given");
        assert.ok(topic.inputs.kmsMasterKeyId);
        const alarms = r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        const certs = r.ofType("aws:acm/certificate:Certificate");
        assert.equal(alarms.length, certs.length);
        for (const cert of certs) {
            const alarm = r.one("aws:cloudwatch/metricAlarm:MetricAlarm", cert.name.replace("sni-cert-", "sni-expiry-"));
            assert.deepEqual(
                [alarm.inputs.namespace, alarm.inputs.metricName, alarm.inputs.dimensions, alarm.inputs.statistic, alarm.inputs.comparisonOperator, alarm.inputs.threshold, alarm.inputs.period],
                ["AWS/CertificateManager", "DaysToExpiry", { CertificateArn: cert.outputs.arn }, "Minimum", "LessThanThreshold", 45, 86400],
            );
            assert.deepEqual(alarm.inputs.alarmActions, [topicArn]);
        }
        const given = "arn:aws:sns:us-east-1:123456789012:security";
        const { r: shared } = await balancer({ sites: [{ domainName: "www.example.com" }], alarmTopicArn: given, certificateExpiryAlarmDays: 30 });
        assert.equal(shared.ofType("aws:sns/topic:Topic").length, 0);
        const alarm = shared.one("aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.deepEqual([alarm.inputs.alarmActions, alarm.inputs.threshold], [[given], 30]);
    });

    it("admits HTTPS and HTTP from the internet and reaches only the VPC on the target port", () => {
        const sg = r.one("aws:ec2/securityGroup:SecurityGroup");
        assert.deepEqual(r.one("aws:lb/loadBalancer:LoadBalancer").inputs.securityGroups, [sg.outputs.id]);
        const ingress = byName(r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"));
        assert.deepEqual(
            ingress.map((x) => [x.inputs.securityGroupId, x.inputs.fromPort, x.inputs.toPort, x.inputs.cidrIpv4]),
            [
                [sg.outputs.id, 443, 443, "0.0.0.0/0"],
                [sg.outputs.id, 80, 80, "0.0.0.0/0"],
            ],
        );
        const egress = r.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
        assert.deepEqual([egress.inputs.fromPort, egress.inputs.toPort, egress.inputs.cidrIpv4], [80, 80, "172.31.0.0/16"]);
    });

    it("uses the default VPC and its default subnets when given no VPC", () => {
        const alb = r.one("aws:lb/loadBalancer:LoadBalancer");
        assert.deepEqual(alb.inputs.subnets, ["subnet-0d3fa17de5a2e9c0a", "subnet-0d3fa17de5a2e9c0b"]);
        assert.equal(alb.inputs.internal, false);
        for (const g of r.ofType("aws:lb/targetGroup:TargetGroup")) assert.equal(g.inputs.vpcId, "vpc-0d3fa17de5a2e9c01");
    });

    it("as an internal load balancer: no HTTP listener, HTTPS only from the given tiers, out only to the targets", async () => {
        const { r: internal } = await balancer({
            sites: [{ domainName: "app.example.com" }],
            internal: true,
            vpcId: "vpc-0a1b2c3d4e5f60718",
            subnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
            ingressSecurityGroupIds: ["sg-0000000000000000a"],
            targetSecurityGroupIds: ["sg-0000000000000000b"],
            targetPort: 8080,
        });
        assert.equal(internal.one("aws:lb/loadBalancer:LoadBalancer").inputs.internal, true);
        assert.deepEqual(internal.ofType("aws:lb/listener:Listener").map((l) => l.inputs.port), [443]);
        const ingress = internal.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.deepEqual([ingress.inputs.fromPort, ingress.inputs.referencedSecurityGroupId, ingress.inputs.cidrIpv4], [443, "sg-0000000000000000a", undefined]);
        const egress = internal.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
        assert.deepEqual([egress.inputs.fromPort, egress.inputs.referencedSecurityGroupId], [8080, "sg-0000000000000000b"]);
    });

    it("creates no group or rules when the caller manages the security group", async () => {
        const { r: managed } = await balancer({
            sites: [{ domainName: "www.example.com" }],
            vpcId: "vpc-0a1b2c3d4e5f60718",
            subnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
            securityGroupId: "sg-0123456789abcdef0",
        });
        assert.equal(managed.ofType("aws:ec2/securityGroup:SecurityGroup").length, 0);
        assert.equal(managed.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").length, 0);
        assert.deepEqual(managed.one("aws:lb/loadBalancer:LoadBalancer").inputs.securityGroups, ["sg-0123456789abcdef0"]);
    });

    it("protects its log bucket and turns on deletion protection when asked", async () => {
        assert.equal(r.one("aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection, false);
        const { r: kept } = await balancer({ sites: [{ domainName: "www.example.com" }], protect: true });
        assert.equal(kept.one("aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection, true);
        const bucket = kept.one("aws:s3/bucket:Bucket");
        assert.deepEqual([bucket.protect, bucket.retainOnDelete, bucket.inputs.forceDestroy], [true, true, false]);
    });

    it("takes 25 certificates besides the default one", async () => {
        const sites = Array.from({ length: 13 }, (_, i) => ({ domainName: `site${i}.example.com`, keyAlgorithms: ["RSA_2048", "EC_prime256v1"] as const }));
        const { r: full } = await balancer({ sites: sites.map((s) => ({ ...s, keyAlgorithms: [...s.keyAlgorithms] })), createDnsRecords: false });
        assert.equal(full.ofType("aws:acm/certificate:Certificate").length, MAX_EXTRA_CERTIFICATES + 1);
        assert.equal(full.ofType("aws:lb/listenerCertificate:ListenerCertificate").length, MAX_EXTRA_CERTIFICATES);
    });

    describe("refuses bad arguments before creating anything", () => {
        const refuses = async (args: Partial<SniLoadBalancerArgs>, message: RegExp, name = "sni") => {
            await assert.rejects(balancer(args, name), message);
            assert.equal(recordedResources().length, 0, "no resource was created");
        };

        it("more than 25 extra certificates", () =>
            refuses(
                { sites: Array.from({ length: 27 }, (_, i) => ({ domainName: `site${i}.example.com` })) },
                /^Error: sni: sites: need 27 certificates; one HTTPS listener takes 26 \(a default and 25 more\); got \[\{"domainName":"site0\.example\.com"/,
            ));
        it("no sites", () => refuses({ sites: [] }, /sni: sites: needs at least one site when enabled, like .*; got \[\]/));
        it("a host name that is not one", () => refuses({ sites: [{ domainName: "WWW.Example.com" }] }, /sni: sites\[0\]\.domainName: must be a lowercase host name like www\.example\.com .*; got "WWW\.Example\.com"/));
        it("one host name on two sites", () =>
            refuses({ sites: [{ domainName: "a.example.com" }, { domainName: "b.example.com", alternativeNames: ["a.example.com"] }] }, /sni: sites\[1\]\.alternativeNames\[0\]: is also a name of sites\[0\]; each host name routes to one site; got "a\.example\.com"/));
        it("a site without a hosted zone", () => refuses({ hostedZoneId: undefined }, /sni: sites\[0\]\.hostedZoneId: is required: set it on the site or the section's hostedZoneId; got nothing/));
        it("a malformed hosted zone id", () => refuses({ hostedZoneId: "example.com" }, /sni: hostedZoneId: must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ; got "example\.com"/));
        it("an unknown key algorithm", () =>
            refuses({ sites: [{ domainName: "a.example.com", keyAlgorithms: ["RSA_4096" as any] }] }, /sni: sites\[0\]\.keyAlgorithms\[0\]: .*"RSA_2048".*"EC_prime256v1".*"EC_secp384r1".*; got "RSA_4096"/));
        it("a key algorithm named twice", () =>
            refuses({ sites: [{ domainName: "a.example.com", keyAlgorithms: ["RSA_2048", "RSA_2048"] }] }, /sni: sites\[0\]\.keyAlgorithms: must not name an algorithm twice; got \["RSA_2048","RSA_2048"\]/));
        it("one subnet", () => refuses({ vpcId: "vpc-0a1b2c3d4e5f60718", subnetIds: ["subnet-0000000000000000a"] }, /sni: subnetIds: must name subnets in at least two Availability Zones; got \["subnet-0000000000000000a"\]/));
        it("a VPC without subnets", () => refuses({ vpcId: "vpc-0a1b2c3d4e5f60718" }, /sni: subnetIds: set vpcId and subnetIds together \(or neither, for the default VPC\); got nothing/));
        it("a caller-managed group together with rules", () =>
            refuses({ securityGroupId: "sg-0123456789abcdef0", ingressCidrBlocks: ["10.0.0.0/8"] }, /sni: securityGroupId is a group the caller manages/));
        it("an internal load balancer nobody may reach", () => refuses({ internal: true }, /sni: nothing may reach the load balancer/));
        it("a TLS policy that allows old protocols", () =>
            refuses({ sslPolicy: "ELBSecurityPolicy-2016-08" as any }, /sni: sslPolicy "ELBSecurityPolicy-2016-08" is not one of ELBSecurityPolicy-TLS13-1-2-2021-06/));
        it("a bad ingress CIDR", () => refuses({ ingressCidrBlocks: ["10.0.0.0/33"] }, /sni: ingressCidrBlocks entry "10.0.0.0\/33" is not an IPv4 CIDR block/));
        it("a name too long for load balancer names", () =>
            refuses({}, /the name must be 1-18 lowercase letters, digits or dashes/, "a-very-long-load-balancer-name"));
    });
});
