// Pulumi mocks for offline runs: realistic outputs per resource type and per invoke, and a recorder of
// every registered resource with its parent, options and inputs. Used by the test suite and the tools.
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";

export const ACCOUNT_ID = "123456789012";
export const DEFAULT_REGION = "us-east-1";
export const DEPLOYER_ARN = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/platform-deployer/pulumi-session`;

/** Alias of a registered resource, as the resource declared it. */
export interface RecordedAlias {
    readonly urn?: string;
    readonly name?: string;
    readonly type?: string;
    readonly parentUrn?: string;
    readonly noParent?: boolean;
}

/** One resource the program registered. */
export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly parentUrn?: string;
    readonly provider?: string;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly aliases: readonly RecordedAlias[];
    readonly dependencies: readonly string[];
    /** Input property -> URNs of the resources its value came from. */
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    readonly inputs: Record<string, any>;
    outputs: Record<string, any>;
}

const recorded: RecordedResource[] = [];
/** Why mocks refused a call; the SDK reduces a failed invoke to a bare `Error`, so the reason is kept here. */
const failures: string[] = [];

export function mockFailures(): readonly string[] {
    return failures;
}

export function recordedResources(): readonly RecordedResource[] {
    return recorded;
}

export function clearRecorded(): void {
    recorded.length = 0;
    failures.length = 0;
}

function hex(seed: string, length: number): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

function uuid(seed: string): string {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The physical name the provider would generate: the logical name plus a stable suffix. */
function physicalName(logical: string, type: string): string {
    return `${logical}-${hex(`${type}::${logical}`, 7)}`;
}

type OutputFn = (ctx: { name: string; physical: string; region: string; inputs: Record<string, any> }) => Record<string, any>;

const arnOnly = (service: string, resource: (p: string) => string, global = false): OutputFn => ({ physical, region }) => ({
    arn: `arn:aws:${service}:${global ? "" : region}:${global && service === "s3" ? "" : ACCOUNT_ID}:${resource(physical)}`,
});

/** Outputs the provider would report, by type token. Types not listed get an id, name and a generic ARN. */
const RESOURCE_OUTPUTS: Record<string, OutputFn> = {
    "aws:iam/role:Role": ({ physical }) => ({ id: physical, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${physical}`, uniqueId: `AROA${hex(physical, 16).toUpperCase()}` }),
    "aws:iam/policy:Policy": ({ physical }) => ({ id: `arn:aws:iam::${ACCOUNT_ID}:policy/${physical}`, arn: `arn:aws:iam::${ACCOUNT_ID}:policy/${physical}` }),
    "aws:iam/user:User": ({ physical }) => ({ id: physical, arn: `arn:aws:iam::${ACCOUNT_ID}:user/${physical}` }),
    "aws:iam/group:Group": ({ physical }) => ({ id: physical, arn: `arn:aws:iam::${ACCOUNT_ID}:group/${physical}` }),
    "aws:iam/instanceProfile:InstanceProfile": ({ physical }) => ({ id: physical, arn: `arn:aws:iam::${ACCOUNT_ID}:instance-profile/${physical}` }),
    "aws:iam/rolePolicy:RolePolicy": ({ physical, inputs }) => ({ id: `${inputs.role}:${physical}` }),
    "aws:lambda/function:Function": ({ physical, region }) => {
        const arn = `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${physical}`;
        return {
            id: physical,
            arn,
            qualifiedArn: `${arn}:1`,
            version: "1",
            invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        };
    },
    "aws:sns/topic:Topic": ({ physical, region }) => {
        const arn = `arn:aws:sns:${region}:${ACCOUNT_ID}:${physical}`;
        return { id: arn, arn };
    },
    "aws:sns/topicSubscription:TopicSubscription": ({ inputs }) => ({ id: `${inputs.topic}:${uuid(String(inputs.endpoint))}` }),
    "aws:sqs/queue:Queue": ({ physical, region }) => ({
        id: `https://sqs.${region}.amazonaws.com/${ACCOUNT_ID}/${physical}`,
        url: `https://sqs.${region}.amazonaws.com/${ACCOUNT_ID}/${physical}`,
        arn: `arn:aws:sqs:${region}:${ACCOUNT_ID}:${physical}`,
    }),
    "aws:kms/key:Key": ({ name, region }) => {
        const keyId = uuid(name);
        return { id: keyId, keyId, arn: `arn:aws:kms:${region}:${ACCOUNT_ID}:key/${keyId}` };
    },
    "aws:cloudwatch/logGroup:LogGroup": ({ physical, region }) => ({ id: physical, arn: `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${physical}` }),
    "aws:cloudwatch/eventRule:EventRule": ({ physical, region }) => ({ id: physical, arn: `arn:aws:events:${region}:${ACCOUNT_ID}:rule/${physical}` }),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ({ physical, region }) => ({ id: physical, arn: `arn:aws:cloudwatch:${region}:${ACCOUNT_ID}:alarm:${physical}` }),
    "aws:s3/bucket:Bucket": ({ name, inputs, region }) => {
        const bucket = inputs.bucket ?? physicalName(name, "bucket").toLowerCase();
        return { id: bucket, bucket, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com`, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`, region };
    },
    "aws:cloudtrail/trail:Trail": ({ physical, region }) => ({ id: physical, arn: `arn:aws:cloudtrail:${region}:${ACCOUNT_ID}:trail/${physical}` }),
    "aws:ec2/securityGroup:SecurityGroup": ({ name, region }) => {
        const id = `sg-${hex(name, 17)}`;
        return { id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:security-group/${id}`, ownerId: ACCOUNT_ID };
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ({ name, region }) => {
        const id = `sgr-${hex(name, 17)}`;
        return { id, securityGroupRuleId: id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:security-group-rule/${id}` };
    },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ({ name, region }) => {
        const id = `sgr-${hex(name, 17)}`;
        return { id, securityGroupRuleId: id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:security-group-rule/${id}` };
    },
    "aws:sfn/stateMachine:StateMachine": ({ physical, region }) => {
        const arn = `arn:aws:states:${region}:${ACCOUNT_ID}:stateMachine:${physical}`;
        return { id: arn, arn };
    },
    "aws:dynamodb/table:Table": ({ physical, region }) => ({ id: physical, arn: `arn:aws:dynamodb:${region}:${ACCOUNT_ID}:table/${physical}` }),
    "aws:ec2/vpc:Vpc": ({ name, region }) => {
        const id = `vpc-${hex(name, 17)}`;
        return { id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:vpc/${id}` };
    },
    "aws:ec2/subnet:Subnet": ({ name, region }) => {
        const id = `subnet-${hex(name, 17)}`;
        return { id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:subnet/${id}` };
    },
    "aws:ec2/launchTemplate:LaunchTemplate": ({ name, region }) => {
        const id = `lt-${hex(name, 17)}`;
        return { id, arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:launch-template/${id}`, latestVersion: 1 };
    },
    "aws:lb/loadBalancer:LoadBalancer": ({ physical, region }) => {
        const arn = `arn:aws:elasticloadbalancing:${region}:${ACCOUNT_ID}:loadbalancer/app/${physical}/${hex(physical, 16)}`;
        return { id: arn, arn, arnSuffix: `app/${physical}/${hex(physical, 16)}`, dnsName: `${physical}-${hex(physical, 8)}.${region}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" };
    },
    "aws:ecr/repository:Repository": ({ physical, region }) => ({ id: physical, arn: `arn:aws:ecr:${region}:${ACCOUNT_ID}:repository/${physical}`, repositoryUrl: `${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${physical}` }),
};

/** Outputs of awsx components: remote components are one opaque resource under mocks, so ids are all there is. */
const COMPONENT_OUTPUTS: Record<string, OutputFn> = {
    "awsx:ec2:Vpc": ({ name }) => {
        const subnets = (kind: string) => [0, 1].map((i) => `subnet-${hex(`${name}-${kind}-${i}`, 17)}`);
        return {
            vpcId: `vpc-${hex(name, 17)}`,
            publicSubnetIds: subnets("public"),
            privateSubnetIds: subnets("private"),
            isolatedSubnetIds: subnets("isolated"),
        };
    },
    "awsx:ec2:DefaultVpc": () => ({
        vpcId: "vpc-0d3fa17de5a2e9c01",
        publicSubnetIds: ["subnet-0d3fa17de5a2e9c0a", "subnet-0d3fa17de5a2e9c0b"],
        privateSubnetIds: [],
    }),
};

/** Renders aws.iam.getPolicyDocument statements the way the provider does. */
function policyDocumentJson(inputs: Record<string, any>): string {
    const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
    const principals = (list: any[] | undefined) =>
        list && Object.fromEntries(list.map((p) => [p.type, p.identifiers.length === 1 ? p.identifiers[0] : p.identifiers]));
    const one = (v: any[] | undefined) => (v && v.length === 1 ? v[0] : v);
    return JSON.stringify({
        Version: inputs.version ?? "2012-10-17",
        Statement: (inputs.statements ?? []).map((s: any) => ({
            ...(s.sid ? { Sid: s.sid } : {}),
            Effect: cap(s.effect ?? "allow"),
            ...(s.actions ? { Action: one(s.actions) } : {}),
            ...(s.notActions ? { NotAction: one(s.notActions) } : {}),
            ...(s.resources ? { Resource: one(s.resources) } : {}),
            ...(s.principals ? { Principal: principals(s.principals) } : {}),
            ...(s.conditions
                ? {
                      Condition: s.conditions.reduce((acc: any, c: any) => {
                          acc[c.test] = { ...(acc[c.test] ?? {}), [c.variable]: one(c.values) };
                          return acc;
                      }, {}),
                  }
                : {}),
        })),
    });
}

/** Invoke results, by function token. An invoke not listed fails the run, so a new one gets a realistic mock. */
const INVOKE_RESULTS: Record<string, (inputs: Record<string, any>, region: string) => Record<string, any>> = {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({ id: ACCOUNT_ID, accountId: ACCOUNT_ID, arn: DEPLOYER_ARN, userId: "AROAEXAMPLEID:pulumi-session" }),
    "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
    "aws:index/getRegion:getRegion": (_i, region) => ({ id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region }),
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_i, region) => ({
        id: region,
        names: ["a", "b", "c"].map((z) => `${region}${z}`),
        zoneIds: [1, 2, 3].map((n) => `use1-az${n}`),
    }),
    "aws:ec2/getVpc:getVpc": (_i, region) => ({ id: "vpc-0d3fa17de5a2e9c01", arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:vpc/vpc-0d3fa17de5a2e9c01`, cidrBlock: "172.31.0.0/16", default: true }),
    "aws:iam/getPolicyDocument:getPolicyDocument": (inputs) => ({ id: "policy", json: policyDocumentJson(inputs) }),
    "aws:ssm/getParameter:getParameter": (inputs, region) => ({
        id: inputs.name,
        name: inputs.name,
        type: "String",
        value: "ami-0abcdef1234567890",
        arn: `arn:aws:ssm:${region}::parameter${inputs.name}`,
    }),
};

class Mocks implements pulumi.runtime.Mocks {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
        if (!args.custom) {
            const component = COMPONENT_OUTPUTS[args.type];
            const state = component ? component({ name: args.name, physical: args.name, region: DEFAULT_REGION, inputs: args.inputs }) : {};
            return { id: "", state };
        }
        const region = args.inputs.region ?? new pulumi.Config("aws").get("region") ?? DEFAULT_REGION;
        const physical = args.inputs.name ?? physicalName(args.name, args.type);
        const service = args.type.split(":")[1]?.split("/")[0] ?? "unknown";
        const fn = RESOURCE_OUTPUTS[args.type] ?? arnOnly(service, (p) => `${args.name}/${p}`);
        const outputs = fn({ name: args.name, physical, region, inputs: args.inputs });
        const id = outputs.id ?? physical;
        return { id, state: { ...args.inputs, name: physical, ...outputs, id } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        const fn = INVOKE_RESULTS[args.token];
        if (!fn) {
            const reason = `No mock for invoke ${args.token}: add a realistic result to tests/mocks.ts`;
            failures.push(reason);
            throw new Error(reason);
        }
        return fn(args.inputs, args.inputs.region ?? new pulumi.Config("aws").get("region") ?? DEFAULT_REGION);
    }
}

function aliasOf(a: any): RecordedAlias {
    if (a.hasUrn?.() || (a.getUrn?.() && !a.hasSpec?.())) return { urn: a.getUrn() };
    const spec = a.getSpec?.();
    if (!spec) return {};
    return {
        name: spec.getName() || undefined,
        type: spec.getType() || undefined,
        parentUrn: spec.getParenturn() || undefined,
        noParent: spec.getNoparent() || undefined,
    };
}

function propertyDependenciesOf(req: any): Record<string, string[]> {
    const deps: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((value: any, key: string) => {
        deps[key] = value.getUrnsList();
    });
    return deps;
}

/**
 * Installs the mocks for a stack and hooks the mock monitor so every registration is recorded with its
 * parent and options (the Mocks interface alone sees neither).
 */
export function installMocks(stack: string): void {
    pulumi.runtime.setMocks(new Mocks(), "aws-blueprints", stack, false);
    const monitor: any = pulumi.runtime.getMonitor();
    const rpc = require("@pulumi/pulumi/runtime/rpc");
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
        register(req, (err: any, resp: any) => {
            if (!err) {
                recorded.push({
                    urn: resp.getUrn(),
                    type: req.getType(),
                    name: req.getName(),
                    custom: req.getCustom(),
                    parentUrn: req.getParent() || undefined,
                    provider: req.getProvider() || undefined,
                    protect: req.getProtect() === true,
                    retainOnDelete: req.getRetainondelete() === true,
                    aliases: [...req.getAliasurnsList().map((urn: string) => ({ urn })), ...req.getAliasesList().map(aliasOf)],
                    dependencies: req.getDependenciesList(),
                    propertyDependencies: propertyDependenciesOf(req),
                    inputs: rpc.deserializeProperties(req.getObject()),
                    outputs: rpc.deserializeProperties(resp.getObject()),
                });
            }
            callback(err, resp);
        });
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: any, resp: any) => void) => {
        const r = recorded.find((x) => x.urn === req.getUrn());
        if (r) r.outputs = rpc.deserializeProperties(req.getOutputs());
        registerOutputs(req, callback);
    };
}
