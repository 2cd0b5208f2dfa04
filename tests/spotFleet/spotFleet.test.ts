import { CancelSpotInstanceRequestsCommand, EC2, EC2Client } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { cancelSpotRequest, deployerCredentials } from "../../handlers/spotFleet/spotRequestCancel";
import { awsError } from "../faults";
import { amiParameter, SpotCapacity, SpotCapacityArgs } from "../../scenarios/spotFleet/component";
import { architectureOf, hibernationInstanceTypes } from "../../scenarios/spotFleet/fleetRules";
import { build, json, promiseOf, Resources, ROOT } from "../../engine/evaluate";
import { recordedResources, withoutInstanceTypes } from "../../engine/mocks";

async function fleet(args: SpotCapacityArgs = {}) {
    const { value, resources } = await build(() => new SpotCapacity("fleet", args));
    return { fleet: value, r: new Resources(resources) };
}

const DEFAULT_SUBNETS = ["subnet-0d3fa17de5a2e9c0a", "subnet-0d3fa17de5a2e9c0b"];

describe("SpotCapacity component", () => {
    describe("terminate (default): an Auto Scaling group with a mixed instances policy", () => {
        it("spreads Spot capacity over several instance types, price-capacity-optimized, with a configurable On-Demand base", async () => {
            const { r, fleet: f } = await fleet({
                instanceTypes: ["m6i.large", "m5.large", "m5a.large"],
                desiredCapacity: 4,
                maxSize: 6,
                onDemandBaseCapacity: 1,
                onDemandPercentageAboveBaseCapacity: 25,
            });
            const group = r.one("aws:autoscaling/group:Group");
            const template = r.one("aws:ec2/launchTemplate:LaunchTemplate");
            const policy = group.inputs.mixedInstancesPolicy;
            assert.deepEqual(policy.instancesDistribution, {
                onDemandBaseCapacity: 1,
                onDemandPercentageAboveBaseCapacity: 25,
                onDemandAllocationStrategy: "prioritized",
                spotAllocationStrategy: "price-capacity-optimized",
            });
            assert.deepEqual(policy.launchTemplate.overrides, [{ instanceType: "m6i.large" }, { instanceType: "m5.large" }, { instanceType: "m5a.large" }]);
            assert.deepEqual(policy.launchTemplate.launchTemplateSpecification, { launchTemplateId: template.outputs.id, version: "1" });
            assert.deepEqual([group.inputs.minSize, group.inputs.desiredCapacity, group.inputs.maxSize], [0, 4, 6]);
            assert.equal(group.inputs.capacityRebalance, true);
            assert.deepEqual(group.inputs.vpcZoneIdentifiers, DEFAULT_SUBNETS, "the default VPC's default subnets");
            assert.equal(group.inputs.launchTemplate, undefined, "a mixed instances policy, not a single launch template");
            assert.equal(await promiseOf(f.autoScalingGroupName), group.outputs.name);
            assert.equal(f.instanceIds, undefined);
        });

        it("keeps Spot market options out of the launch template (Auto Scaling rejects them in a mixed policy) and puts the max price in the policy", async () => {
            const { r } = await fleet({ maxPrice: 0.05 });
            const template = r.one("aws:ec2/launchTemplate:LaunchTemplate");
            assert.equal(template.inputs.instanceMarketOptions, undefined);
            assert.equal(template.inputs.hibernationOptions, undefined);
            assert.equal(r.one("aws:autoscaling/group:Group").inputs.mixedInstancesPolicy.instancesDistribution.spotMaxPrice, "0.0500");
        });

        it("propagates the scenario's tags and the instance tags at launch (ASG tags are a list)", async () => {
            const { r } = await fleet({ tags: { environment: "dev", owner: "platform-team" }, instanceTags: { Project: "Beta" } });
            const tags = r.one("aws:autoscaling/group:Group").inputs.tags as Array<{ key: string; value: string; propagateAtLaunch: boolean }>;
            const byKey = Object.fromEntries(tags.map((t) => [t.key, t.value]));
            assert.deepEqual(byKey, { Name: "fleet", application: "aws-blueprints", environment: "dev", owner: "platform-team", scenario: "spot-fleet", Project: "Beta" });
            assert.ok(tags.every((t) => t.propagateAtLaunch === true));
            const specs = r.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.tagSpecifications;
            assert.deepEqual(specs.map((s: any) => s.resourceType), ["instance", "volume"]);
            for (const s of specs) assert.equal(s.tags.Project, "Beta");
        });

        it("uses the given VPC and subnets", async () => {
            const { r } = await fleet({ vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"] });
            assert.deepEqual(r.one("aws:autoscaling/group:Group").inputs.vpcZoneIdentifiers, ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]);
            assert.equal(r.one("aws:ec2/securityGroup:SecurityGroup").inputs.vpcId, "vpc-0123456789abcdef0");
        });
    });

    describe("placement", () => {
        it("spreads the group over the default subnets whose zone offers any of its types", async () => {
            await withoutInstanceTypes({ "us-east-1a": ["t2.micro"] }, async () => {
                const { r } = await fleet();
                assert.deepEqual(r.one("aws:autoscaling/group:Group").inputs.vpcZoneIdentifiers, DEFAULT_SUBNETS, "t3.micro and t3a.micro still launch in us-east-1a");
            });
            await withoutInstanceTypes({ "us-east-1a": ["t3.micro", "t3a.micro", "t2.micro"] }, async () => {
                const { r } = await fleet();
                assert.deepEqual(r.one("aws:autoscaling/group:Group").inputs.vpcZoneIdentifiers, [DEFAULT_SUBNETS[1]]);
            });
        });

        it("names the instance types when no zone offers them", async () => {
            const nowhere = Object.fromEntries(["a", "b", "c"].map((z) => [`us-east-1${z}`, ["m7i-flex.large"]]));
            await withoutInstanceTypes(nowhere, async () => {
                const { fleet: f } = await fleet({ instanceTypes: ["m7i-flex.large"], interruptionBehavior: "stop", desiredCapacity: 1 });
                await assert.rejects(promiseOf(f.instanceIds), /fleet: no Availability Zone of us-east-1 offers m7i-flex\.large; set spotFleet\.instanceTypes to a type offered there/);
            });
        });
    });

    describe("the launch template", () => {
        it("requires IMDSv2, encrypts a gp3 root volume and takes the AMI from the SSM public parameter", async () => {
            const { r, fleet: f } = await fleet({ rootVolumeKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" });
            const t = r.one("aws:ec2/launchTemplate:LaunchTemplate").inputs;
            assert.equal(t.metadataOptions.httpTokens, "required");
            assert.equal(t.metadataOptions.httpPutResponseHopLimit, 1);
            assert.deepEqual(t.blockDeviceMappings, [
                {
                    deviceName: "/dev/xvda",
                    ebs: {
                        volumeSize: 8,
                        volumeType: "gp3",
                        encrypted: "true",
                        kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                        deleteOnTermination: "true",
                    },
                },
            ]);
            assert.equal(t.imageId, "ami-0abcdef1234567890");
            assert.equal(await promiseOf(f.imageId), "ami-0abcdef1234567890");
            assert.deepEqual(t.vpcSecurityGroupIds, [r.one("aws:ec2/securityGroup:SecurityGroup").outputs.id]);
        });

        it("picks the arm64 AMI for Graviton types", async () => {
            assert.equal(architectureOf("t4g.small"), "arm64");
            assert.equal(architectureOf("c7gn.large"), "arm64");
            assert.equal(architectureOf("m5.large"), "x86_64");
            assert.equal(architectureOf("g4dn.xlarge"), "x86_64");
            assert.equal(amiParameter("arm64"), "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
            const { r } = await fleet({ instanceTypes: ["t4g.small", "m7g.medium"] });
            assert.deepEqual(r.one("aws:autoscaling/group:Group").inputs.mixedInstancesPolicy.launchTemplate.overrides, [
                { instanceType: "t4g.small" },
                { instanceType: "m7g.medium" },
            ]);
        });

        it("admits nothing in and only HTTPS out", async () => {
            const { r } = await fleet();
            assert.equal(r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").length, 0);
            const egress = r.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").inputs;
            assert.deepEqual([egress.ipProtocol, egress.fromPort, egress.toPort, egress.cidrIpv4], ["tcp", 443, 443, "0.0.0.0/0"]);
        });
    });

    describe("stop and hibernate: standalone persistent Spot instances (Auto Scaling only terminates)", () => {
        it("stop: a persistent Spot request in the template, one instance per unit of capacity across subnets and types", async () => {
            const { r, fleet: f } = await fleet({ interruptionBehavior: "stop", desiredCapacity: 3, maxPrice: 0.02 });
            assert.equal(r.ofType("aws:autoscaling/group:Group").length, 0);
            const t = r.one("aws:ec2/launchTemplate:LaunchTemplate");
            assert.deepEqual(t.inputs.instanceMarketOptions, {
                marketType: "spot",
                spotOptions: { spotInstanceType: "persistent", instanceInterruptionBehavior: "stop", maxPrice: "0.0200" },
            });
            assert.equal(t.inputs.hibernationOptions, undefined);
            assert.ok(t.inputs.tagSpecifications.some((s: any) => s.resourceType === "spot-instances-request"));
            const instances = r.ofType("aws:ec2/instance:Instance").sort((a, b) => a.name.localeCompare(b.name));
            assert.deepEqual(instances.map((i) => i.inputs.instanceType), ["t3.micro", "t3a.micro", "t2.micro"]);
            assert.deepEqual(instances.map((i) => i.inputs.subnetId), [DEFAULT_SUBNETS[0], DEFAULT_SUBNETS[1], DEFAULT_SUBNETS[0]]);
            for (const i of instances) {
                assert.deepEqual(i.inputs.launchTemplate, { id: t.outputs.id, version: "1" });
                assert.equal(i.inputs.rootBlockDevice.encrypted, true);
            }
            assert.deepEqual(await promiseOf(f.instanceIds), instances.map((i) => i.outputs.id));
        });

        it("puts each instance in a subnet whose zone offers its type, in the given subnets' order", async () => {
            // t2 is a previous generation, missing from newer zones.
            await withoutInstanceTypes({ "us-east-1a": ["t2.micro"] }, async () => {
                const { r } = await fleet({ interruptionBehavior: "stop", desiredCapacity: 3 });
                const instances = r.ofType("aws:ec2/instance:Instance").sort((a, b) => a.name.localeCompare(b.name));
                assert.deepEqual(instances.map((i) => [i.inputs.instanceType, i.inputs.subnetId]), [
                    ["t3.micro", DEFAULT_SUBNETS[0]],
                    ["t3a.micro", DEFAULT_SUBNETS[1]],
                    ["t2.micro", DEFAULT_SUBNETS[1]],
                ]);
            });
            const given = ["subnet-0bbbbbbbbbbbbbbb2", "subnet-0aaaaaaaaaaaaaaa1"];
            const { r } = await fleet({ interruptionBehavior: "stop", desiredCapacity: 2, vpcId: "vpc-0123456789abcdef0", subnetIds: given });
            assert.deepEqual(r.ofType("aws:ec2/instance:Instance").sort((a, b) => a.name.localeCompare(b.name)).map((i) => i.inputs.subnetId), given);
        });

        it("each instance's persistent Spot request is cancelled before the instance is deleted or replaced", async () => {
            const { r } = await fleet({ interruptionBehavior: "stop", desiredCapacity: 2 });
            const instances = r.ofType("aws:ec2/instance:Instance").sort((a, b) => a.name.localeCompare(b.name));
            const cancellers = r.ofType("pulumi-nodejs:dynamic:Resource").sort((a, b) => a.name.localeCompare(b.name));
            assert.deepEqual(cancellers.map((c) => c.name), ["fleet-0-spot-request", "fleet-1-spot-request"]);
            for (const [i, c] of cancellers.entries()) {
                assert.equal(c.inputs.spotInstanceRequestId, instances[i].outputs.spotInstanceRequestId);
                assert.match(c.inputs.spotInstanceRequestId, /^sir-/);
                assert.equal(c.inputs.region, "us-east-1");
                // Pulumi deletes a resource before the resources it depends on: the request goes first.
                assert.ok(c.dependencies.includes(instances[i].urn), `${c.name} depends on ${instances[i].name}`);
                assert.equal(c.deleteBeforeReplace, false);
            }
            assert.deepEqual(instances.map((i) => i.name), ["fleet-0", "fleet-1"], "the instances keep their URNs");
            const terminate = await fleet();
            assert.equal(terminate.r.ofType("pulumi-nodejs:dynamic:Resource").length, 0, "Auto Scaling requests are one-time: nothing to cancel");
        });

        it("the cancellation acts as the stack's AWS provider does: its profile, files, keys and assumed roles", async () => {
            const roles = [{ roleArn: "arn:aws:iam::444455556666:role/deployer", sessionName: "ci", externalId: "blueprints" }];
            const { resources } = await build(() => new SpotCapacity("fleet", { interruptionBehavior: "stop", desiredCapacity: 1 }), {
                "aws:region": "us-east-1",
                "aws:profile": "blueprints-prod",
                "aws:sharedCredentialsFiles": JSON.stringify(["/home/ci/.aws/credentials"]),
                "aws:assumeRoles": JSON.stringify(roles),
            });
            const [canceller] = new Resources(resources).ofType("pulumi-nodejs:dynamic:Resource");
            assert.deepEqual(canceller.inputs.identity, { profile: "blueprints-prod", sharedCredentialsFiles: ["/home/ci/.aws/credentials"], assumeRoles: roles });
        });

        it("resolves the deploying identity's credentials as the provider does: keys or profile, then each role in turn", async () => {
            const dir = mkdtempSync(path.join(ROOT, "node_modules", ".cache", "spot-identity-"));
            // The STS client the credential providers build for themselves.
            const { AssumeRoleCommand, STSClient } = require("@aws-sdk/nested-clients/sts");
            const sts = mockClient(STSClient);
            try {
                const credentialsFile = path.join(dir, "credentials");
                writeFileSync(credentialsFile, "[blueprints-prod]\naws_access_key_id = AKIAPROFILEEXAMPLE\naws_secret_access_key = profile-secret\n");
                const fromProfile = deployerCredentials({ profile: "blueprints-prod", sharedCredentialsFiles: [credentialsFile] }, "us-east-1")!;
                assert.equal((await fromProfile()).accessKeyId, "AKIAPROFILEEXAMPLE");
                const expiration = new Date(Date.now() + 3600_000);
                sts.on(AssumeRoleCommand).callsFake((input: { RoleSessionName: string }) => ({
                    Credentials: { AccessKeyId: `ASIA-${input.RoleSessionName}`, SecretAccessKey: "assumed-secret", SessionToken: "token", Expiration: expiration },
                }));
                const assumed = deployerCredentials(
                    {
                        accessKey: "AKIASTATICEXAMPLE",
                        secretKey: "static-secret",
                        assumeRoles: [
                            { roleArn: "arn:aws:iam::111122223333:role/hop", sessionName: "hop" },
                            { roleArn: "arn:aws:iam::444455556666:role/deployer", sessionName: "deploy", externalId: "blueprints", duration: "1h" },
                        ],
                    },
                    "us-east-1",
                )!;
                assert.equal((await assumed()).accessKeyId, "ASIA-deploy");
                // The deployer role is assumed with the credentials of the hop before it, and the hop with the static keys
                // (under the mock, a client resolves its own credentials only when asked).
                const [deploy] = sts.commandCalls(AssumeRoleCommand);
                assert.deepEqual([deploy.args[0].input.RoleArn, deploy.args[0].input.ExternalId, deploy.args[0].input.DurationSeconds], ["arn:aws:iam::444455556666:role/deployer", "blueprints", 3600]);
                assert.equal((await deploy.thisValue.config.credentials()).accessKeyId, "ASIA-hop");
                const hop = sts.commandCalls(AssumeRoleCommand)[1];
                assert.equal(hop.args[0].input.RoleArn, "arn:aws:iam::111122223333:role/hop");
                assert.equal((await hop.thisValue.config.credentials()).accessKeyId, "AKIASTATICEXAMPLE");
                assert.equal(deployerCredentials({}, "us-east-1"), undefined, "nothing set: the SDK's default chain, as the provider's");
            } finally {
                sts.restore();
                rmSync(dir, { recursive: true, force: true });
            }
        });

        it("the cancellation's provider: a new request id replaces it; deleting it cancels that request in its region", async () => {
            const { r } = await fleet({ interruptionBehavior: "hibernate", instanceTypes: ["t3.micro"], desiredCapacity: 1 });
            const serialized = r.one("pulumi-nodejs:dynamic:Resource").inputs.__provider as string;
            // The provider as the deploying process loads it: the serialized module's handler returns it.
            mkdirSync(path.join(ROOT, "node_modules", ".cache"), { recursive: true });
            const dir = mkdtempSync(path.join(ROOT, "node_modules", ".cache", "spot-provider-"));
            writeFileSync(path.join(dir, "provider.js"), serialized);
            const provider = require(path.join(dir, "provider.js")).handler();
            rmSync(dir, { recursive: true, force: true });
            const ec2Mock = mockClient(EC2Client);
            try {
                const olds = { spotInstanceRequestId: "sir-0123abcd", region: "eu-west-1" };
                assert.deepEqual((await provider.diff("sir-0123abcd", olds, olds)).replaces, []);
                const replaced = await provider.diff("sir-0123abcd", olds, { ...olds, spotInstanceRequestId: "sir-4567efgh" });
                assert.deepEqual([replaced.changes, replaced.replaces, replaced.deleteBeforeReplace], [true, ["spotInstanceRequestId"], false]);
                assert.deepEqual(await provider.create(olds), { id: "sir-0123abcd", outs: olds });
                await assert.rejects(provider.create({ ...olds, spotInstanceRequestId: "" }), /spotInstanceRequestId must be a Spot instance request id/);

                ec2Mock.on(CancelSpotInstanceRequestsCommand).resolves({ CancelledSpotInstanceRequests: [{ SpotInstanceRequestId: "sir-0123abcd", State: "cancelled" }] });
                await provider.delete("sir-0123abcd", olds);
                const calls = ec2Mock.commandCalls(CancelSpotInstanceRequestsCommand);
                assert.deepEqual(calls.map((c) => c.args[0].input), [{ SpotInstanceRequestIds: ["sir-0123abcd"] }]);
                assert.equal(await calls[0].thisValue.config.region(), "eu-west-1");

                ec2Mock.on(CancelSpotInstanceRequestsCommand).rejects(awsError("UnauthorizedOperation", "not authorized to perform ec2:CancelSpotInstanceRequests", 403));
                await assert.rejects(provider.delete("sir-0123abcd", olds), { name: "UnauthorizedOperation" }, "a failed cancel stops the deletion");
            } finally {
                ec2Mock.restore();
            }
        });

        it("hibernate: configured in the template, with an encrypted root volume holding the AMI plus the largest memory", async () => {
            const { r } = await fleet({ interruptionBehavior: "hibernate", instanceTypes: ["m5.large", "r5.large"], desiredCapacity: 2 });
            const t = r.one("aws:ec2/launchTemplate:LaunchTemplate").inputs;
            assert.deepEqual(t.hibernationOptions, { configured: true });
            assert.equal(t.instanceMarketOptions.spotOptions.instanceInterruptionBehavior, "hibernate");
            assert.equal(t.instanceMarketOptions.spotOptions.spotInstanceType, "persistent");
            assert.equal(t.blockDeviceMappings[0].ebs.volumeSize, 8 + 16, "r5.large has 16 GiB");
            assert.equal(t.blockDeviceMappings[0].ebs.encrypted, "true");
        });

        it("hibernate is validated against the instance types' memory", () => {
            assert.throws(
                () => new SpotCapacity("bad", { interruptionBehavior: "hibernate", instanceTypes: ["m5.large"], rootVolumeSizeGiB: 12 }),
                /rootVolumeSizeGiB: must be at least 16 for hibernate \(the 8 GiB AMI plus 8 GiB of memory to save\); got 12/,
            );
            assert.throws(
                () => new SpotCapacity("bad", { interruptionBehavior: "hibernate", instanceTypes: ["m5.large", "x2iedn.32xlarge"] }),
                /instanceTypes: hibernate needs instance types whose memory is known to support hibernation; x2iedn\.32xlarge is not one of/,
            );
            assert.throws(() => new SpotCapacity("bad", { interruptionBehavior: "hibernate", instanceTypes: ["t4g.small"] }), /instanceTypes: hibernate is supported here for x86_64 instance types only; got \["t4g\.small"\]/);
            assert.equal(hibernationInstanceTypes()["t3.small"], 2);
        });
    });

    it("notifies an encrypted topic of Spot interruption warnings and rebalance recommendations", async () => {
        const { r, fleet: f } = await fleet({ notificationEmail: "ops@example.com" });
        const rule = r.one("aws:cloudwatch/eventRule:EventRule");
        assert.deepEqual(json(rule.inputs.eventPattern), {
            source: ["aws.ec2"],
            "detail-type": ["EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation"],
        });
        const target = r.one("aws:cloudwatch/eventTarget:EventTarget");
        const topic = r.one("aws:sns/topic:Topic");
        assert.equal(target.inputs.arn, topic.outputs.arn);
        assert.equal(target.inputs.rule, rule.outputs.name);
        assert.deepEqual(target.inputs.inputTransformer.inputPaths, { kind: "$.detail-type", instance: "$.detail.instance-id", time: "$.time", region: "$.region" });
        assert.match(target.inputs.inputTransformer.inputTemplate, /^"<kind>: Spot instance <instance> in <region> at <time>\./);
        const key = r.one("aws:kms/key:Key");
        assert.equal(topic.inputs.kmsMasterKeyId, key.outputs.arn);
        const keyPolicy = json(key.inputs.policy);
        assert.deepEqual(keyPolicy.Statement.find((s: any) => s.Sid === "PublishingServicesEncryptUnscoped").Principal.Service, ["events.amazonaws.com"]);
        const topicPolicy = json(r.one("aws:sns/topicPolicy:TopicPolicy").inputs.policy);
        assert.deepEqual(topicPolicy.Statement.find((s: any) => s.Sid === "RulesPublish").Principal.Service, "events.amazonaws.com");
        assert.equal(r.one("aws:sns/topicSubscription:TopicSubscription").inputs.endpoint, "ops@example.com");
        assert.equal(await promiseOf(f.topicArn), topic.outputs.arn);
    });

    it("tags its own resources with the scenario it belongs to", async () => {
        const { r } = await fleet({ scenario: "budget-guardrail", tags: { environment: "dev" } });
        for (const x of [r.one("aws:ec2/launchTemplate:LaunchTemplate"), r.one("aws:ec2/securityGroup:SecurityGroup"), r.one("aws:sns/topic:Topic")]) {
            assert.equal(x.inputs.tags.scenario, "budget-guardrail", x.type);
            assert.equal(x.inputs.tags.environment, "dev", x.type);
        }
    });

    it("protects its key when asked", async () => {
        assert.equal((await fleet({ protect: true })).r.one("aws:kms/key:Key").protect, true);
    });

    it("refuses contradictory or unsupported arguments before creating anything", async () => {
        const cases: Array<[SpotCapacityArgs, RegExp]> = [
            [{ interruptionBehavior: "pause" as any }, /interruptionBehavior: Invalid option: expected one of "terminate"\|"stop"\|"hibernate"; got "pause"/],
            [{ instanceTypes: [] }, /instanceTypes: must name at least one instance type; got \[\]/],
            [{ instanceTypes: ["t3.micro", "large"] }, /instanceTypes\[1\]: must be an EC2 instance type like m5\.large; got "large"/],
            [{ instanceTypes: ["t3.micro", "t3.micro"] }, /instanceTypes: lists t3\.micro twice/],
            [{ instanceTypes: ["t3.micro", "t4g.micro"] }, /instanceTypes: mix arm64 and x86_64 types \(t3\.micro, t4g\.micro\)/],
            [{ instanceTypes: ["t3.micro"] }, /instanceTypes: needs at least two types for a mixed instances policy; got \["t3\.micro"\]/],
            [{ desiredCapacity: 5, maxSize: 3 }, /desiredCapacity: must be from minSize to maxSize \(0 to 3\); got 5/],
            [{ onDemandPercentageAboveBaseCapacity: 120 }, /onDemandPercentageAboveBaseCapacity: must be a whole number from 0 to 100; got 120/],
            [{ onDemandBaseCapacity: 3, desiredCapacity: 2 }, /onDemandBaseCapacity: must be at most maxSize \(2\); got 3/],
            [{ interruptionBehavior: "stop", onDemandBaseCapacity: 1 }, /onDemandBaseCapacity: applies to Auto Scaling groups, which only terminate interrupted Spot instances; .*; got 1/],
            [{ interruptionBehavior: "hibernate", instanceTypes: ["t3.small"], capacityRebalance: true }, /capacityRebalance: applies to Auto Scaling groups.*; got true/],
            [{ maxPrice: 0 }, /maxPrice: must be more than 0\.001 \(USD per hour\); got 0/],
            [{ vpcId: "vpc-0123456789abcdef0" }, /subnetIds: give vpcId and subnetIds together \(or neither, for the default VPC\); got nothing/],
            [{ vpcId: "vpc-0123456789abcdef0", subnetIds: [] }, /subnetIds: must name at least one subnet; got \[\]/],
            [{ instanceTags: { "aws:cost": "x" } }, /instanceTags\.aws:cost: is not a tag key of your own/],
            [{ rootVolumeSizeGiB: 4 }, /rootVolumeSizeGiB: must be a whole number from 8 to 16384; got 4/],
        ];
        const before = recordedResources().length;
        for (const [args, message] of cases) assert.throws(() => new SpotCapacity("bad", args), message, JSON.stringify(args));
        assert.equal(recordedResources().length, before, "nothing was registered");
    });
});

describe("cancelling a persistent Spot request", () => {
    const ec2Mock = mockClient(EC2Client);
    const deps = () => ({ ec2: new EC2({ region: "us-east-1" }) });
    beforeEach(() => ec2Mock.reset());
    after(() => ec2Mock.restore());

    it("cancels the request and reports its state", async () => {
        ec2Mock.on(CancelSpotInstanceRequestsCommand).resolves({ CancelledSpotInstanceRequests: [{ SpotInstanceRequestId: "sir-0123abcd", State: "cancelled" }] });
        assert.deepEqual(await cancelSpotRequest("sir-0123abcd", deps()), { spotInstanceRequestId: "sir-0123abcd", state: "cancelled" });
        assert.deepEqual(ec2Mock.commandCalls(CancelSpotInstanceRequestsCommand).map((c) => c.args[0].input), [{ SpotInstanceRequestIds: ["sir-0123abcd"] }]);
    });

    it("is idempotent: a closed or forgotten request counts as cancelled", async () => {
        ec2Mock.on(CancelSpotInstanceRequestsCommand).resolves({ CancelledSpotInstanceRequests: [{ SpotInstanceRequestId: "sir-0123abcd", State: "closed" }] });
        assert.equal((await cancelSpotRequest("sir-0123abcd", deps())).state, "closed");
        ec2Mock.on(CancelSpotInstanceRequestsCommand).rejects(awsError("InvalidSpotInstanceRequestID.NotFound", "The spot instance request ID 'sir-0123abcd' does not exist", 400));
        assert.equal((await cancelSpotRequest("sir-0123abcd", deps())).state, "absent");
    });

    it("throws when the request is still open or active afterwards, or the call fails", async () => {
        ec2Mock.on(CancelSpotInstanceRequestsCommand).resolves({ CancelledSpotInstanceRequests: [{ SpotInstanceRequestId: "sir-0123abcd", State: "active" }] });
        await assert.rejects(cancelSpotRequest("sir-0123abcd", deps()), /left it in state active; it may still launch instances/);
        ec2Mock.on(CancelSpotInstanceRequestsCommand).resolves({});
        await assert.rejects(cancelSpotRequest("sir-0123abcd", deps()), /left it unreported/);
        ec2Mock.on(CancelSpotInstanceRequestsCommand).rejects(awsError("RequestLimitExceeded", "Request limit exceeded.", 503));
        await assert.rejects(cancelSpotRequest("sir-0123abcd", deps()), { name: "RequestLimitExceeded" });
    });

    it("refuses anything but a request id, calling nothing", async () => {
        for (const id of [undefined, "", "i-0123456789abcdef0", "sir-", 42]) {
            await assert.rejects(cancelSpotRequest(id, deps()), /spotInstanceRequestId must be a Spot instance request id like sir-0123abcd; got /);
        }
        assert.equal(ec2Mock.calls().length, 0);
    });
});
