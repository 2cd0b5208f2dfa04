// The names the settings point at: each Route 53 hosted zone the stack writes records in (it exists, is public,
// holds the names), records that exist already, and each ACM certificate the settings name (it exists, is ISSUED and
// unexpired, lives in the region its user needs, and covers the names it serves).
import { ACMClient, DescribeCertificateCommand } from "@aws-sdk/client-acm";
import { GetHostedZoneCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { CheckContext, deployedOfType, errorName, Finding, ofType, PlannedResource, settingPaths, settingsNaming, GLOBAL_REGION } from "./model";

const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;

/** A name without its trailing dot, lowercase, as Route 53 compares names. */
const bare = (name: string) => name.replace(/\.$/, "").toLowerCase();

/** A value the settings gave (not another resource's output, which under the mocks is a stand-in). */
function fromSettings(r: PlannedResource, input: string): string | undefined {
    const value = r.inputs[input];
    return typeof value === "string" && (r.propertyDependencies[input] ?? []).length === 0 ? value : undefined;
}

async function hostedZones(context: CheckContext): Promise<Finding[]> {
    const { model } = context;
    const route53 = context.clients.in(Route53Client, GLOBAL_REGION);
    const findings: Finding[] = [];
    const records = ofType(model, "aws:route53/record:Record");
    // Zones the settings name; one the program looked up by name is the mocks' stand-in offline.
    const zoneIds = [...new Set(records.map((r) => fromSettings(r, "zoneId")).filter((z): z is string => !!z && settingPaths(model, z).length > 0))].sort();
    for (const zoneId of zoneIds) {
        const setting = settingsNaming(model, zoneId, `the hosted zone ${zoneId}`);
        let zoneName: string;
        try {
            const zone = await route53.send(new GetHostedZoneCommand({ Id: zoneId }));
            zoneName = bare(zone.HostedZone?.Name ?? "");
            if (zone.HostedZone?.Config?.PrivateZone) {
                findings.push({
                    severity: "error",
                    check: "dns",
                    subject: setting,
                    problem: `hosted zone ${zoneId} (${zoneName}) is private: ACM cannot validate certificates through it and the internet cannot resolve the stack's names`,
                    fix: `set ${setting} to the public hosted zone of ${zoneName}`,
                });
                continue;
            }
        } catch (err) {
            if (errorName(err) !== "NoSuchHostedZone") throw err;
            findings.push({
                severity: "error",
                check: "dns",
                subject: setting,
                problem: `no hosted zone ${zoneId} in this account: every record the stack writes there fails with NoSuchHostedZone (and its DNS-validated certificates never issue)`,
                fix: `set ${setting} to the id of your public hosted zone (aws route53 list-hosted-zones)`,
            });
            continue;
        }
        for (const record of records.filter((r) => fromSettings(r, "zoneId") === zoneId)) {
            const name = fromSettings(record, "name");
            if (!name) continue;
            const fqdn = bare(name);
            if (fqdn !== zoneName && !fqdn.endsWith(`.${zoneName}`)) {
                findings.push({
                    severity: "error",
                    check: "dns",
                    subject: settingsNaming(model, fqdn, `the record ${fqdn}`),
                    problem: `${fqdn} is not in hosted zone ${zoneId} (${zoneName}): Route 53 rejects the record (InvalidChangeBatch)`,
                    fix: `use a name under ${zoneName}, or set ${setting} to the zone that holds ${fqdn}`,
                });
                continue;
            }
            if (record.inputs.allowOverwrite === true) continue;
            const owned = deployedOfType(model, record.type).some(
                (d) => bare(String(d.inputs.name ?? "")) === fqdn && d.inputs.type === record.inputs.type && d.inputs.zoneId === zoneId && d.inputs.setIdentifier === record.inputs.setIdentifier,
            );
            if (owned) continue;
            // Records of a routing policy share name and type, told apart by their set identifier.
            const listed = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: fqdn, StartRecordType: record.inputs.type, MaxItems: 20 }));
            const existing = (listed.ResourceRecordSets ?? []).find(
                (s) => bare(s.Name ?? "") === fqdn && s.Type === record.inputs.type && (s.SetIdentifier ?? undefined) === (record.inputs.setIdentifier ?? undefined),
            );
            if (existing) {
                const target = existing.AliasTarget?.DNSName ?? (existing.ResourceRecords ?? []).map((v) => v.Value).join(", ");
                findings.push({
                    severity: "error",
                    check: "dns",
                    subject: settingsNaming(model, fqdn, `the record ${fqdn}`),
                    problem: `${fqdn} ${existing.Type} exists in ${zoneName} already (${target}): Route 53 refuses to create it again (InvalidChangeBatch: it already exists)`,
                    fix: `delete the existing record once nothing needs it, or choose another name`,
                });
            }
        }
    }
    return findings;
}

/** Where each certificate the settings name is used, with the region it must be in and the names it must cover. */
interface CertificateUse {
    readonly arn: string;
    readonly user: PlannedResource;
    readonly region: string;
    readonly names: readonly string[];
}

function certificateUses(context: CheckContext): CertificateUse[] {
    const { model } = context;
    const own = new Set(ofType(model, "aws:acm/certificate:Certificate").map((c) => c.outputs.arn));
    const uses: CertificateUse[] = [];
    for (const r of model.resources) {
        const add = (arn: unknown, region: string, names: readonly string[] = []) => {
            if (typeof arn === "string" && ACM_ARN.test(arn) && !own.has(arn) && settingPaths(model, arn).length > 0) uses.push({ arn, user: r, region, names });
        };
        if (r.type === "aws:lb/listener:Listener" || r.type === "aws:lb/listenerCertificate:ListenerCertificate") add(r.inputs.certificateArn, r.region);
        // CloudFront takes certificates from us-east-1 only.
        if (r.type === "aws:cloudfront/distribution:Distribution") add(r.inputs.viewerCertificate?.acmCertificateArn, GLOBAL_REGION, r.inputs.aliases ?? []);
        if (r.type === "aws:apigateway/domainName:DomainName") {
            add(r.inputs.regionalCertificateArn, r.region, [r.inputs.domainName]);
            add(r.inputs.certificateArn, GLOBAL_REGION, [r.inputs.domainName]);
        }
    }
    return uses;
}

/** Whether a certificate name (possibly `*.example.com`) covers a host name. */
function covers(certName: string, host: string): boolean {
    const c = certName.toLowerCase();
    const h = host.toLowerCase();
    if (c.startsWith("*.")) return h.split(".").slice(1).join(".") === c.slice(2);
    return c === h;
}

async function certificates(context: CheckContext): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const use of certificateUses(context)) {
        const setting = settingsNaming(context.model, use.arn, `the certificate of ${use.user.name}`);
        const arnRegion = ACM_ARN.exec(use.arn)![1];
        const problem = (severity: "error" | "warning", text: string, fix: string) =>
            findings.push({ severity, check: "dns", subject: setting, region: use.region, problem: `${use.arn}: ${text}`, fix });
        if (arnRegion !== use.region) {
            problem("error", `it lives in ${arnRegion}, but ${use.user.type.split(":")[1]} ${use.user.name} can use only a certificate of ${use.region}`, `request or import the certificate in ${use.region} and set ${setting} to it`);
            continue;
        }
        let cert;
        try {
            cert = (await context.clients.in(ACMClient, arnRegion).send(new DescribeCertificateCommand({ CertificateArn: use.arn }))).Certificate;
        } catch (err) {
            if (errorName(err) !== "ResourceNotFoundException") throw err;
            problem("error", `no such certificate in this account: the ${use.user.type.split(":")[1]} would be refused (CertificateNotFound)`, `set ${setting} to a certificate of this account in ${use.region} (aws acm list-certificates --region ${use.region})`);
            continue;
        }
        if (cert?.Status !== "ISSUED") {
            problem("error", `its status is ${cert?.Status}: only an ISSUED certificate can be attached`, cert?.Status === "PENDING_VALIDATION" ? "complete its DNS or email validation first" : `set ${setting} to an issued certificate`);
            continue;
        }
        if (cert.NotAfter && cert.NotAfter.getTime() < Date.now()) {
            problem("error", `it expired on ${cert.NotAfter.toISOString().slice(0, 10)}`, `renew or replace it, and set ${setting} to the new one`);
            continue;
        }
        const names = cert.SubjectAlternativeNames ?? (cert.DomainName ? [cert.DomainName] : []);
        const uncovered = use.names.filter((host) => !names.some((n) => covers(n, host)));
        if (uncovered.length > 0) {
            problem("error", `it covers ${names.join(", ")}, not ${uncovered.join(", ")}: browsers would refuse the connection and the service refuses the name`, `set ${setting} to a certificate for ${uncovered.join(", ")}`);
        }
    }
    return findings;
}

export async function dnsChecks(context: CheckContext): Promise<Finding[]> {
    return [...(await hostedZones(context)), ...(await certificates(context))];
}
