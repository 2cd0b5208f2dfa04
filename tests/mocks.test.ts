import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import assert from "node:assert/strict";
import { ServiceRole } from "../components/iam";
import { build, json, promiseOf, Resources } from "../engine/evaluate";
import { mockFailures, withoutDefaultVpc, withoutInstanceTypes } from "../engine/mocks";

describe("mock harness", () => {
    it("renders iam.getPolicyDocument like the provider", async () => {
        const { value } = await build(() =>
            aws.iam.getPolicyDocumentOutput({
                statements: [
                    {
                        sid: "Read",
                        actions: ["s3:GetObject"],
                        resources: ["arn:aws:s3:::b/*"],
                        principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
                        conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] }],
                    },
                ],
            }),
        );
        assert.deepEqual(JSON.parse(await promiseOf(value.json)), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "Read",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: "arn:aws:s3:::b/*",
                    Principal: { Service: "lambda.amazonaws.com" },
                    Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
                },
            ],
        });
    });

    it("gives awsx components their id outputs (they are opaque under mocks)", async () => {
        const { value, resources } = await build(() => new awsx.ec2.Vpc("net", { numberOfAvailabilityZones: 2 }));
        assert.match(await promiseOf(value.vpcId), /^vpc-[0-9a-f]{17}$/);
        assert.equal((await promiseOf(value.privateSubnetIds)).length, 2);
        assert.equal(new Resources(resources).ofType("aws:ec2/subnet:Subnet").length, 0, "no children are visible");
    });

    it("answers instance type offerings by zone as DescribeInstanceTypeOfferings does, leaving out what a zone does not offer", async () => {
        const offerings = (types: string[]) =>
            build(() => aws.ec2.getInstanceTypeOfferingsOutput({ locationType: "availability-zone", filters: [{ name: "instance-type", values: types }] }));
        const all = await promiseOf((await offerings(["t3.micro", "m5.large"])).value);
        assert.deepEqual(
            all.locations.map((zone, i) => `${zone} ${all.instanceTypes[i]} ${all.locationTypes[i]}`),
            ["a", "b", "c"].flatMap((z) => [`us-east-1${z} t3.micro availability-zone`, `us-east-1${z} m5.large availability-zone`]),
        );
        await withoutInstanceTypes({ "us-east-1b": ["m5.large"] }, async () => {
            const some = await promiseOf((await offerings(["m5.large"])).value);
            assert.deepEqual(some.locations, ["us-east-1a", "us-east-1c"]);
        });
    });

    it("answers subnet lookups by their filters: default subnets per zone, given ids, none without a default VPC", async () => {
        const lookup = (filters: { name: string; values: string[] }[]) => build(() => aws.ec2.getSubnetsOutput({ filters }).ids);
        const defaults = [{ name: "vpc-id", values: ["vpc-0d3fa17de5a2e9c01"] }, { name: "default-for-az", values: ["true"] }];
        assert.deepEqual(await promiseOf((await lookup(defaults)).value), ["subnet-0d3fa17de5a2e9c0a", "subnet-0d3fa17de5a2e9c0b"]);
        assert.deepEqual(await promiseOf((await lookup([...defaults, { name: "availability-zone", values: ["us-east-1b", "us-east-1c"] }])).value), ["subnet-0d3fa17de5a2e9c0b"]);
        assert.deepEqual(await promiseOf((await lookup([{ name: "subnet-id", values: ["subnet-0123456789abcdef0"] }])).value), ["subnet-0123456789abcdef0"]);
        await withoutDefaultVpc(async () => assert.deepEqual(await promiseOf((await lookup(defaults)).value), []));
        const { value } = await build(() => aws.ec2.getSubnetOutput({ id: "subnet-0d3fa17de5a2e9c0b" }).availabilityZone);
        assert.equal(await promiseOf(value), "us-east-1b");
    });

    it("fails loudly on an invoke it has no realistic result for", async () => {
        await assert.rejects(
            (async () => {
                const { value } = await build(() => aws.ec2.getAmiOutput({ owners: ["amazon"], mostRecent: true }));
                await promiseOf(value.id);
            })(),
        );
        assert.deepEqual(mockFailures(), ["No mock for invoke aws:ec2/getAmi:getAmi: add a realistic result to engine/mocks.ts"]);
    });

    it("ServiceRole trusts one service (in this account, where the service supports the condition) and holds exactly the given statements", async () => {
        const { resources } = await build(
            () => new ServiceRole("sm", { service: "states.amazonaws.com", description: "d", statements: [{ actions: ["lambda:InvokeFunction"], resources: ["arn:aws:lambda:us-east-1:123456789012:function:f"] }] }),
        );
        const r = new Resources(resources);
        const trust = json(r.one("aws:iam/role:Role").inputs.assumeRolePolicy).Statement[0];
        assert.deepEqual(trust.Principal, { Service: "states.amazonaws.com" });
        assert.deepEqual(trust.Condition, { StringEquals: { "aws:SourceAccount": "123456789012" } });
        assert.deepEqual(json(r.one("aws:iam/rolePolicy:RolePolicy").inputs.policy).Statement, [
            { Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: "arn:aws:lambda:us-east-1:123456789012:function:f" },
        ]);
        assert.equal(r.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
    });
});
