import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import assert from "node:assert/strict";
import { ServiceRole } from "../components/iam";
import { build, json, promiseOf, Resources } from "../engine/evaluate";
import { mockFailures } from "../engine/mocks";

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
