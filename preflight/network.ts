// The network the stack relies on: the region's default VPC (landing-zone accounts have none), and Availability
// Zones that offer the instance types it launches (AZ names map to different physical zones in each account).
import { DescribeInstanceTypeOfferingsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { programProblems } from "../engine/evaluate";
import { withoutDefaultVpc } from "../engine/mocks";
import { allPages } from "./clients";
import { CheckContext, Finding, PlannedResource, settingsNaming, StackModel } from "./model";

/** The instance types a resource launches: an instance's, a launch template's, a mixed instances policy's overrides. */
export function instanceTypesOf(r: PlannedResource): string[] {
    const i = r.inputs;
    switch (r.type) {
        case "aws:ec2/instance:Instance":
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return typeof i.instanceType === "string" ? [i.instanceType] : [];
        case "aws:autoscaling/group:Group":
            return (i.mixedInstancesPolicy?.launchTemplate?.overrides ?? []).map((o: { instanceType?: string }) => o.instanceType).filter(Boolean);
        default:
            return [];
    }
}

/** The Availability Zones of a region that offer each of the types, from DescribeInstanceTypeOfferings by AZ. */
export async function zonesOffering(context: CheckContext, region: string, types: readonly string[]): Promise<Map<string, string[]>> {
    const ec2 = context.clients.in(EC2Client, region);
    const rows = await allPages(
        (NextToken) =>
            ec2.send(new DescribeInstanceTypeOfferingsCommand({ LocationType: "availability-zone", Filters: [{ Name: "instance-type", Values: [...types] }], NextToken })),
        (page) => page.InstanceTypeOfferings,
        (page) => page.NextToken,
    );
    const zones = new Map<string, string[]>(types.map((t) => [t, []]));
    for (const row of rows) if (row.InstanceType && row.Location) zones.get(row.InstanceType)?.push(row.Location);
    return zones;
}

/** Types the stack launches that no zone of their region offers. */
async function unofferedTypes(context: CheckContext): Promise<Finding[]> {
    const { model } = context;
    const findings: Finding[] = [];
    for (const region of model.regions) {
        const users = new Map<string, PlannedResource[]>();
        for (const r of model.resources.filter((x) => x.region === region)) for (const t of instanceTypesOf(r)) users.set(t, [...(users.get(t) ?? []), r]);
        if (users.size === 0) continue;
        const zones = await zonesOffering(context, region, [...users.keys()].sort());
        for (const [type, where] of zones) {
            if (where.length > 0) continue;
            const resources = users.get(type)!.map((r) => r.name).join(", ");
            findings.push({
                severity: "error",
                check: "network",
                subject: settingsNaming(model, type, `the instance type of ${resources}`),
                region,
                problem: `no Availability Zone of ${region} offers ${type} in this account: the launch of ${resources} would fail (Unsupported)`,
                fix: `choose an instance type that aws ec2 describe-instance-type-offerings --location-type availability-zone --region ${region} lists`,
            });
        }
    }
    return findings;
}

/** The part of a program message that names what to set, for the finding's subject. */
function subjectOf(message: string): string {
    return /; set (.+)$/.exec(message)?.[1] ?? message.split(":")[0];
}

/**
 * Without a default VPC in the stack's region, the program is evaluated again against an account without one: each
 * scenario that would fall back to it fails with its own message, naming the setting to give instead.
 */
async function defaultVpc(context: CheckContext, evaluate: (model: StackModel) => Promise<unknown>): Promise<Finding[]> {
    const { model } = context;
    const vpcs = await context.clients.in(EC2Client, model.region).send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }));
    if ((vpcs.Vpcs ?? []).length > 0) return [];
    try {
        await withoutDefaultVpc(() => evaluate(model));
        return [];
    } catch (err) {
        return programProblems(err).map((message) => ({
            severity: "error" as const,
            check: "network",
            subject: subjectOf(message),
            region: model.region,
            problem: `${message.replace(/; set .+$/, "")}: pulumi preview fails there, before anything is created`,
            fix: `set ${subjectOf(message)} to your own VPC and subnets`,
        }));
    }
}

export function networkChecks(evaluate: (model: StackModel) => Promise<unknown>) {
    return async (context: CheckContext): Promise<Finding[]> => [...(await defaultVpc(context, evaluate)), ...(await unofferedTypes(context))];
}
