import * as aws from "@pulumi/aws";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import {
    clientContentSecurityPolicy,
    clientSettingsScript,
    MultiRegionApi,
    MultiRegionApiArgs,
} from "../../scenarios/multiRegionApi/component";
import { archiveFiles, build, json, loadArchivedHandler, promiseOf, RecordedResource, Resources, ROOT } from "../../engine/evaluate";
import { assertActionsExist, handlerStatements, list } from "../iam";
import { ACCOUNT_ID, clearRecorded, recordedResources } from "../../engine/mocks";

const DOMAIN = "api.example.com";
const ZONE = "Z0123456789ABCDEFGHIJ";
const REGIONS = ["eu-west-1", "ap-southeast-2"];

async function api(args: Partial<MultiRegionApiArgs> = {}) {
    const { value, resources } = await build(() => new MultiRegionApi("api", { domainName: DOMAIN, hostedZoneId: ZONE, regions: REGIONS, ...args }));
    return { api: value, r: new Resources(resources) };
}

// Each build serializes four functions, so the variants are built once and shared by the tests that need them.
const VARIANTS = {
    /** Rehearsing failover: one region unhealthy, three checker regions, an explicit CORS origin. */
    failover: {
        unhealthyRegions: ["ap-southeast-2"],
        healthCheckerRegions: ["us-east-1", "eu-west-1", "ap-southeast-1"],
        corsAllowOrigin: "https://status.example.com",
    },
    /** No client, and the account-level logging role left to someone else. */
    headless: { deployClient: false, manageApiGatewayAccount: false },
    /** Production-like: protected, us-east-1 among the regions, the client at its own name. */
    named: { protect: true, regions: ["us-east-1", "us-west-2"], clientDomainName: "status.example.com", clientPriceClass: "PriceClass_All" },
} satisfies Record<string, Partial<MultiRegionApiArgs>>;
const built = new Map<keyof typeof VARIANTS, ReturnType<typeof api>>();
function variant(key: keyof typeof VARIANTS): ReturnType<typeof api> {
    if (!built.has(key)) built.set(key, api(VARIANTS[key]));
    return built.get(key)!;
}

/** The region of the explicit provider a resource was created with (a provider reference is "<urn>::<id>"). */
function providerRegion(r: Resources, resource: RecordedResource): string | undefined {
    if (!resource.provider) return undefined;
    const urn = resource.provider.slice(0, resource.provider.lastIndexOf("::"));
    const provider = r.all.find((p) => p.urn === urn);
    assert.ok(provider, `${resource.name}: provider ${urn} was not registered`);
    assert.equal(provider.type, "pulumi:providers:aws");
    return provider.inputs.region;
}

/** The recorded resource of a type inside a region's component. */
function inRegion(r: Resources, region: string, type: string, name?: string): RecordedResource {
    const component = r.one("aws-blueprints:serverless:RegionalApi", `api-${region}`);
    const found = r.descendants(component.urn).filter((x) => x.type === type && (name === undefined || x.name === name));
    assert.equal(found.length, 1, `${region}: expected one ${type} ${name ?? ""}, found ${found.map((x) => x.name).join(", ")}`);
    return found[0];
}

describe("MultiRegionApi component", () => {
    let r: Resources;
    let component: MultiRegionApi;
    before(async () => {
        ({ r, api: component } = await api());
    });

    describe("providers and regions", () => {
        it("creates one explicit provider per configured region, plus us-east-1 for Route 53 metrics", () => {
            const providers = r.ofType("pulumi:providers:aws");
            assert.deepEqual(providers.map((p) => p.inputs.region).sort(), ["ap-southeast-2", "eu-west-1", "us-east-1"]);
            assert.deepEqual(providers.map((p) => p.name).sort(), ["api-ap-southeast-2", "api-eu-west-1", "api-us-east-1"]);
        });

        it("builds every regional resource with its region's provider, so its ARNs carry that region", () => {
            for (const region of REGIONS) {
                const component = r.one("aws-blueprints:serverless:RegionalApi", `api-${region}`);
                const regional = r.descendants(component.urn).filter((x) => x.custom && !x.type.startsWith("aws:route53/") && x.type !== "aws:cloudwatch/metricAlarm:MetricAlarm");
                assert.ok(regional.length > 30, `${region} has ${regional.length} regional resources`);
                for (const x of regional) assert.equal(providerRegion(r, x), region, `${x.type} ${x.name}`);
                for (const type of ["aws:lambda/function:Function", "aws:cloudwatch/logGroup:LogGroup", "aws:apigateway/restApi:RestApi", "aws:apigateway/stage:Stage"]) {
                    for (const x of r.descendants(component.urn).filter((d) => d.type === type)) {
                        assert.match(String(x.outputs.arn), new RegExp(`^arn:aws:[a-z-]+:${region}:`), `${x.name} ${x.outputs.arn}`);
                    }
                }
                const fn = inRegion(r, region, "aws:lambda/function:Function", `api-${region}-hello`);
                assert.match(fn.outputs.invokeArn, new RegExp(`^arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:`));
                assert.equal(providerRegion(r, r.one("aws:acm/certificate:Certificate", `api-${region}-cert`)), region, "certificate requested in its region");
            }
        });

        it("manages Route 53, the alarms and their topic through the us-east-1 provider", () => {
            for (const type of ["aws:route53/healthCheck:HealthCheck", "aws:route53/record:Record", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:sns/topic:Topic", "aws:kms/key:Key"]) {
                for (const x of r.ofType(type)) assert.equal(providerRegion(r, x), "us-east-1", `${type} ${x.name}`);
            }
            assert.match(r.one("aws:sns/topic:Topic").outputs.arn, /^arn:aws:sns:us-east-1:/);
        });

        it("offline, gives resources and invokes made through an explicit provider that provider's region", async () => {
            const { value } = await build(() => {
                const provider = new aws.Provider("probe", { region: "sa-east-1" });
                return {
                    region: aws.getRegionOutput({}, { provider }).region,
                    queue: new aws.sqs.Queue("probe", { sqsManagedSseEnabled: true }, { provider }).arn,
                    fallback: new aws.sqs.Queue("default", { sqsManagedSseEnabled: true }).arn,
                };
            });
            assert.equal(await promiseOf(value.region), "sa-east-1");
            assert.match(await promiseOf(value.queue), /^arn:aws:sqs:sa-east-1:/);
            assert.match(await promiseOf(value.fallback), /^arn:aws:sqs:us-east-1:/, "without a provider: the stack's region");
        });

        it("puts the client bucket in the first region and the distribution's pieces in us-east-1", () => {
            assert.equal(providerRegion(r, r.one("aws:s3/bucket:Bucket")), "eu-west-1");
            assert.equal(r.one("aws:s3/bucket:Bucket").outputs.bucketRegionalDomainName, `${r.one("aws:s3/bucket:Bucket").outputs.bucket}.s3.eu-west-1.amazonaws.com`);
            for (const type of ["aws:cloudfront/distribution:Distribution", "aws:cloudfront/originAccessControl:OriginAccessControl"]) {
                assert.equal(providerRegion(r, r.one(type)), "us-east-1", type);
            }
        });
    });

    describe("the API in each region", () => {
        it("is a REGIONAL REST API with GET /helloworld and GET /healthcheck as Lambda proxy integrations", () => {
            for (const region of REGIONS) {
                const restApi = inRegion(r, region, "aws:apigateway/restApi:RestApi");
                assert.deepEqual(restApi.inputs.endpointConfiguration, { types: "REGIONAL" });
                for (const [pathPart, fn] of [["helloworld", "hello"], ["healthcheck", "health"]]) {
                    const resource = inRegion(r, region, "aws:apigateway/resource:Resource", `api-${region}-${pathPart}`);
                    assert.deepEqual([resource.inputs.restApi, resource.inputs.parentId, resource.inputs.pathPart], [restApi.outputs.id, restApi.outputs.rootResourceId, pathPart]);
                    const method = inRegion(r, region, "aws:apigateway/method:Method", `api-${region}-${pathPart}-get`);
                    assert.deepEqual([method.inputs.httpMethod, method.inputs.authorization, method.inputs.resourceId], ["GET", "NONE", resource.outputs.id]);
                    const integration = inRegion(r, region, "aws:apigateway/integration:Integration", `api-${region}-${pathPart}-get`);
                    const handler = inRegion(r, region, "aws:lambda/function:Function", `api-${region}-${fn}`);
                    assert.equal(integration.inputs.type, "AWS_PROXY");
                    assert.equal(integration.inputs.integrationHttpMethod, "POST");
                    assert.equal(integration.inputs.uri, handler.outputs.invokeArn);
                    assert.equal(integration.inputs.resourceId, resource.outputs.id);
                }
            }
        });

        it("lets API Gateway invoke each function only for its own method and path of this API", () => {
            for (const region of REGIONS) {
                const restApi = inRegion(r, region, "aws:apigateway/restApi:RestApi");
                for (const [pathPart, fn] of [["helloworld", "hello"], ["healthcheck", "health"]]) {
                    const permission = inRegion(r, region, "aws:lambda/permission:Permission", `api-${region}-${pathPart}-invoke`);
                    assert.equal(permission.inputs.principal, "apigateway.amazonaws.com");
                    assert.equal(permission.inputs.action, "lambda:InvokeFunction");
                    assert.equal(permission.inputs.function, inRegion(r, region, "aws:lambda/function:Function", `api-${region}-${fn}`).outputs.name);
                    assert.equal(permission.inputs.sourceArn, `arn:aws:execute-api:${region}:${ACCOUNT_ID}:${restApi.outputs.id}/*/GET/${pathPart}`);
                }
            }
        });

        it("answers CORS preflights from API Gateway itself, and its own error responses carry CORS headers", async () => {
            const origin = `https://${await promiseOf(component.clientUrl!.apply((u) => new URL(u).host))}`;
            for (const region of REGIONS) {
                for (const pathPart of ["helloworld", "healthcheck"]) {
                    const options = inRegion(r, region, "aws:apigateway/method:Method", `api-${region}-${pathPart}-options`);
                    assert.deepEqual([options.inputs.httpMethod, options.inputs.authorization], ["OPTIONS", "NONE"]);
                    const mock = inRegion(r, region, "aws:apigateway/integration:Integration", `api-${region}-${pathPart}-options`);
                    assert.equal(mock.inputs.type, "MOCK");
                    assert.deepEqual(mock.inputs.requestTemplates, { "application/json": '{"statusCode": 200}' });
                    const declared = inRegion(r, region, "aws:apigateway/methodResponse:MethodResponse", `api-${region}-${pathPart}-options-200`);
                    const answered = inRegion(r, region, "aws:apigateway/integrationResponse:IntegrationResponse", `api-${region}-${pathPart}-options-200`);
                    assert.deepEqual(Object.keys(answered.inputs.responseParameters).sort(), Object.keys(declared.inputs.responseParameters).sort());
                    assert.equal(answered.inputs.responseParameters["method.response.header.Access-Control-Allow-Methods"], "'GET,OPTIONS'");
                    assert.equal(answered.inputs.responseParameters["method.response.header.Access-Control-Allow-Origin"], `'${origin}'`);
                    assert.match(answered.inputs.responseParameters["method.response.header.Access-Control-Allow-Headers"], /^'Content-Type,/);
                    assert.ok(answered.dependencies.includes(mock.urn), "the integration response waits for its integration");
                }
                for (const type of ["4xx", "5xx"]) {
                    const response = inRegion(r, region, "aws:apigateway/response:Response", `api-${region}-default-${type}`);
                    assert.equal(response.inputs.responseType, `DEFAULT_${type.toUpperCase()}`);
                    assert.equal(response.inputs.responseParameters["gatewayresponse.header.Access-Control-Allow-Origin"], `'${origin}'`);
                }
            }
        });

        it("deploys a prod stage with JSON access logs to a log group with a retention, throttled", () => {
            for (const region of REGIONS) {
                const stage = inRegion(r, region, "aws:apigateway/stage:Stage");
                const deployment = inRegion(r, region, "aws:apigateway/deployment:Deployment");
                const logs = inRegion(r, region, "aws:cloudwatch/logGroup:LogGroup", `api-${region}-access-logs`);
                assert.equal(stage.inputs.stageName, "prod");
                assert.equal(stage.inputs.deployment, deployment.outputs.id);
                assert.equal(stage.inputs.restApi, inRegion(r, region, "aws:apigateway/restApi:RestApi").outputs.id);
                assert.equal(stage.inputs.accessLogSettings.destinationArn, logs.outputs.arn);
                const format = JSON.parse(stage.inputs.accessLogSettings.format);
                assert.equal(format.requestId, "$context.requestId");
                assert.equal(format.status, "$context.status");
                assert.equal(logs.inputs.retentionInDays, 30);
                const settings = inRegion(r, region, "aws:apigateway/methodSettings:MethodSettings");
                assert.equal(settings.inputs.methodPath, "*/*");
                assert.equal(settings.inputs.stageName, "prod");
                assert.deepEqual([settings.inputs.settings.throttlingRateLimit, settings.inputs.settings.throttlingBurstLimit], [50, 100]);
            }
        });

        it("redeploys when a route or the CORS origin changes, and only after every method and integration exists", async () => {
            const region = REGIONS[0];
            const deployment = inRegion(r, region, "aws:apigateway/deployment:Deployment");
            assert.match(deployment.inputs.triggers.redeployment, /^[0-9a-f]{64}$/);
            for (const type of ["aws:apigateway/method:Method", "aws:apigateway/integration:Integration", "aws:apigateway/integrationResponse:IntegrationResponse", "aws:apigateway/response:Response"]) {
                const component = r.one("aws-blueprints:serverless:RegionalApi", `api-${region}`);
                for (const x of r.descendants(component.urn).filter((d) => d.type === type)) {
                    assert.ok(deployment.dependencies.includes(x.urn), `deployment waits for ${x.name}`);
                }
            }
            const other = await variant("failover");
            assert.notEqual(inRegion(other.r, region, "aws:apigateway/deployment:Deployment").inputs.triggers.redeployment, deployment.inputs.triggers.redeployment);
        });

        it("sets each region's account-level logging role, limited to that region's log groups, before the stage logs", async () => {
            for (const region of REGIONS) {
                const account = inRegion(r, region, "aws:apigateway/account:Account");
                const role = inRegion(r, region, "aws:iam/role:Role", `api-${region}-apigw-logs`);
                const policy = inRegion(r, region, "aws:iam/rolePolicy:RolePolicy", `api-${region}-apigw-logs`);
                assert.equal(account.inputs.cloudwatchRoleArn, role.outputs.arn);
                assert.ok(account.dependencies.includes(policy.urn), "UpdateAccount checks the role's permissions");
                assert.ok(inRegion(r, region, "aws:apigateway/stage:Stage").dependencies.includes(account.urn));
                assert.deepEqual(json(role.inputs.assumeRolePolicy).Statement, [
                    { Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" },
                ]);
                const statements = json(policy.inputs.policy).Statement;
                for (const s of statements) {
                    for (const resource of list<string>(s.Resource)) {
                        if (resource === "*") assert.deepEqual(s.Action, ["logs:DescribeLogGroups"]);
                        else assert.match(resource, new RegExp(`^arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:\\*(:log-stream:\\*)?$`));
                    }
                }
                assert.deepEqual(statements.flatMap((s: any) => s.Action).sort(), [
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:DescribeLogGroups",
                    "logs:DescribeLogStreams",
                    "logs:FilterLogEvents",
                    "logs:GetLogEvents",
                    "logs:PutLogEvents",
                ]);
                await assertActionsExist(statements);
            }
            const unmanaged = await variant("headless");
            assert.equal(unmanaged.r.ofType("aws:apigateway/account:Account").length, 0);
            assert.equal(unmanaged.r.all.filter((x) => x.name.endsWith("-apigw-logs")).length, 0);
        });

        it("runs two functions that need nothing but their own logs", async () => {
            for (const region of REGIONS) {
                for (const fn of ["hello", "health"]) {
                    const statements = handlerStatements(r, `api-${region}-${fn}`);
                    assert.deepEqual(statements.map((s) => s.Sid), ["OwnLogGroup"]);
                    const logs = inRegion(r, region, "aws:cloudwatch/logGroup:LogGroup", `api-${region}-${fn}-logs`);
                    assert.equal(statements[0].Resource, `${logs.outputs.arn}:*`);
                    const lambda = inRegion(r, region, "aws:lambda/function:Function", `api-${region}-${fn}`);
                    assert.deepEqual([lambda.inputs.runtime, lambda.inputs.timeout, lambda.inputs.memorySize], ["nodejs22.x", 5, 128]);
                    const files = await archiveFiles(lambda);
                    assert.deepEqual([...files.keys()], ["__index.js"]);
                    assert.doesNotMatch(files.get("__index.js")!.text!, /@aws-sdk|@pulumi/);
                }
            }
        });
    });

    describe("certificates and the custom domain", () => {
        it("requests a DNS-validated certificate in each region, validated by one record (ACM's record is the same in every region)", () => {
            const records = r.ofType("aws:route53/record:Record").filter((x) => x.name === "api-cert-validation");
            assert.equal(records.length, 1);
            const record = records[0];
            const first = r.one("aws:acm/certificate:Certificate", `api-${REGIONS[0]}-cert`);
            const option = first.outputs.domainValidationOptions[0];
            assert.deepEqual(
                [record.inputs.zoneId, record.inputs.name, record.inputs.type, record.inputs.records],
                [ZONE, option.resourceRecordName, "CNAME", [option.resourceRecordValue]],
            );
            for (const region of REGIONS) {
                const certificate = r.one("aws:acm/certificate:Certificate", `api-${region}-cert`);
                assert.deepEqual([certificate.inputs.domainName, certificate.inputs.validationMethod], [DOMAIN, "DNS"]);
                assert.match(certificate.outputs.arn, new RegExp(`^arn:aws:acm:${region}:`));
                assert.deepEqual(certificate.outputs.domainValidationOptions, first.outputs.domainValidationOptions);
                const validation = inRegion(r, region, "aws:acm/certificateValidation:CertificateValidation");
                assert.equal(validation.inputs.certificateArn, certificate.outputs.arn);
                assert.deepEqual(validation.inputs.validationRecordFqdns, [record.outputs.fqdn]);
            }
        });

        it("serves the API under one regional custom domain per region, mapped at v1 to the prod stage", () => {
            for (const region of REGIONS) {
                const domain = inRegion(r, region, "aws:apigateway/domainName:DomainName");
                const validation = inRegion(r, region, "aws:acm/certificateValidation:CertificateValidation");
                assert.equal(domain.inputs.domainName, DOMAIN);
                assert.deepEqual(domain.inputs.endpointConfiguration, { types: "REGIONAL" });
                assert.equal(domain.inputs.regionalCertificateArn, validation.outputs.certificateArn);
                assert.equal(domain.inputs.certificateArn, undefined, "an edge certificate would make the domain edge-optimized");
                assert.equal(domain.inputs.securityPolicy, "TLS_1_2");
                const mapping = inRegion(r, region, "aws:apigateway/basePathMapping:BasePathMapping");
                assert.deepEqual(
                    [mapping.inputs.basePath, mapping.inputs.stageName, mapping.inputs.domainName, mapping.inputs.restApi],
                    ["v1", "prod", DOMAIN, inRegion(r, region, "aws:apigateway/restApi:RestApi").outputs.id],
                );
            }
        });
    });

    describe("Route 53 failover", () => {
        it("health-checks each region's execute-api host over HTTPS for the string ok, as the post did", () => {
            for (const region of REGIONS) {
                const check = inRegion(r, region, "aws:route53/healthCheck:HealthCheck");
                const apiId = inRegion(r, region, "aws:apigateway/restApi:RestApi").outputs.id;
                assert.deepEqual(
                    {
                        type: check.inputs.type,
                        fqdn: check.inputs.fqdn,
                        port: check.inputs.port,
                        resourcePath: check.inputs.resourcePath,
                        searchString: check.inputs.searchString,
                        requestInterval: check.inputs.requestInterval,
                        failureThreshold: check.inputs.failureThreshold,
                        enableSni: check.inputs.enableSni,
                    },
                    {
                        type: "HTTPS_STR_MATCH",
                        fqdn: `${apiId}.execute-api.${region}.amazonaws.com`,
                        port: 443,
                        resourcePath: "/prod/healthcheck",
                        searchString: "ok",
                        requestInterval: 30,
                        failureThreshold: 2,
                        enableSni: true,
                    },
                );
                assert.equal(check.inputs.regions, undefined, "all checker regions by default");
                assert.ok(check.dependencies.includes(inRegion(r, region, "aws:apigateway/stage:Stage").urn), "checks start once the stage exists");
            }
        });

        it("routes the name by latency to each region's custom domain, tied to that region's health check", async () => {
            const records = r.ofType("aws:route53/record:Record").filter((x) => x.name.endsWith("-latency"));
            assert.deepEqual(records.map((x) => x.inputs.setIdentifier).sort(), [...REGIONS].sort());
            for (const region of REGIONS) {
                const record = inRegion(r, region, "aws:route53/record:Record", `api-${region}-latency`);
                const domain = inRegion(r, region, "aws:apigateway/domainName:DomainName");
                const check = inRegion(r, region, "aws:route53/healthCheck:HealthCheck");
                assert.deepEqual([record.inputs.zoneId, record.inputs.name, record.inputs.type], [ZONE, DOMAIN, "A"]);
                assert.deepEqual(record.inputs.latencyRoutingPolicies, [{ region }]);
                assert.equal(record.inputs.healthCheckId, check.outputs.id);
                assert.deepEqual(record.inputs.aliases, [{ name: domain.outputs.regionalDomainName, zoneId: domain.outputs.regionalZoneId, evaluateTargetHealth: true }]);
                assert.equal(record.inputs.ttl, undefined, "alias records take the target's TTL");
                assert.ok(record.dependencies.includes(inRegion(r, region, "aws:apigateway/basePathMapping:BasePathMapping").urn));
            }
            assert.equal(inRegion(r, "eu-west-1", "aws:apigateway/domainName:DomainName").outputs.regionalZoneId, "ZLY8HYME6SFDD");
            assert.deepEqual(await promiseOf(component.healthCheckIds), Object.fromEntries(REGIONS.map((region) => [region, inRegion(r, region, "aws:route53/healthCheck:HealthCheck").outputs.id])));
        });

        it("alarms on each health check's HealthCheckStatus in us-east-1, to an encrypted topic there", async () => {
            const topic = r.one("aws:sns/topic:Topic");
            assert.equal(topic.inputs.kmsMasterKeyId, r.one("aws:kms/key:Key").outputs.arn);
            assert.equal(await promiseOf(component.alarmTopicArn), topic.outputs.arn);
            for (const region of REGIONS) {
                const alarm = inRegion(r, region, "aws:cloudwatch/metricAlarm:MetricAlarm");
                assert.deepEqual(
                    [alarm.inputs.namespace, alarm.inputs.metricName, alarm.inputs.statistic, alarm.inputs.comparisonOperator, alarm.inputs.threshold, alarm.inputs.period],
                    ["AWS/Route53", "HealthCheckStatus", "Minimum", "LessThanThreshold", 1, 60],
                );
                assert.deepEqual(alarm.inputs.dimensions, { HealthCheckId: inRegion(r, region, "aws:route53/healthCheck:HealthCheck").outputs.id });
                assert.deepEqual(alarm.inputs.alarmActions, [topic.outputs.arn]);
                assert.deepEqual(alarm.inputs.okActions, [topic.outputs.arn]);
                assert.match(alarm.outputs.arn, /^arn:aws:cloudwatch:us-east-1:/);
            }
        });

        it("raises a separate alarm when no region is healthy (Route 53 then fails open)", () => {
            const alarm = r.one("aws:cloudwatch/metricAlarm:MetricAlarm", "api-no-healthy-region");
            const queries = alarm.inputs.metricQueries;
            const result = queries.filter((q: any) => q.returnData);
            assert.deepEqual(result.map((q: any) => q.expression), ["MAX([r0, r1])"]);
            assert.deepEqual(
                queries.filter((q: any) => q.metric).map((q: any) => [q.id, q.metric.namespace, q.metric.metricName, q.metric.stat, q.metric.dimensions.HealthCheckId]),
                REGIONS.map((region, i) => [`r${i}`, "AWS/Route53", "HealthCheckStatus", "Minimum", inRegion(r, region, "aws:route53/healthCheck:HealthCheck").outputs.id]),
            );
            assert.deepEqual([alarm.inputs.comparisonOperator, alarm.inputs.threshold], ["LessThanThreshold", 1]);
            assert.deepEqual(alarm.inputs.alarmActions, [r.one("aws:sns/topic:Topic").outputs.arn]);
        });

        it("reports a configured region unhealthy (STATUS=fail) to rehearse failover, and only that region", async () => {
            const { r: failing } = await variant("failover");
            const status = (region: string) => inRegion(failing, region, "aws:lambda/function:Function", `api-${region}-health`).inputs.environment.variables.STATUS;
            assert.equal(status("eu-west-1"), "ok");
            assert.equal(status("ap-southeast-2"), "fail");
            for (const region of REGIONS) {
                assert.deepEqual(inRegion(failing, region, "aws:route53/healthCheck:HealthCheck").inputs.regions, ["us-east-1", "eu-west-1", "ap-southeast-1"]);
            }
        });
    });

    describe("deployed handlers", () => {
        it("say which region they run in and report health, from their archives with their own environment", async () => {
            const { r: failing } = await variant("failover");
            const origin = "https://status.example.com";
            const event = { httpMethod: "GET", path: "/helloworld", resource: "/helloworld", headers: {} };

            const hello = inRegion(failing, "ap-southeast-2", "aws:lambda/function:Function", "api-ap-southeast-2-hello");
            const loaded = await loadArchivedHandler(hello);
            const savedRegion = process.env.AWS_REGION;
            const savedLog = console.log;
            console.log = () => undefined;
            try {
                const answer: any = await loaded.handler(event, { invokedFunctionArn: hello.outputs.arn });
                assert.equal(answer.statusCode, 200);
                assert.deepEqual(JSON.parse(answer.body), { message: "Hello from ap-southeast-2" });
                assert.equal(answer.headers["Access-Control-Allow-Origin"], origin);
                process.env.AWS_REGION = "ap-southeast-2";
                const fallback: any = await loaded.handler(event, {});
                assert.deepEqual(JSON.parse(fallback.body), { message: "Hello from ap-southeast-2" });
                delete process.env.AWS_REGION;
                await assert.rejects(loaded.handler(event, {}), /cannot tell the region/);
            } finally {
                console.log = savedLog;
                if (savedRegion === undefined) delete process.env.AWS_REGION;
                else process.env.AWS_REGION = savedRegion;
                loaded.restore();
            }

            for (const [region, statusCode, body] of [["eu-west-1", 200, '{"status":"ok"}'], ["ap-southeast-2", 503, '{"status":"fail"}']] as const) {
                const health = await loadArchivedHandler(inRegion(failing, region, "aws:lambda/function:Function", `api-${region}-health`));
                console.log = () => undefined;
                try {
                    const answer: any = await health.handler({ ...event, path: "/healthcheck" }, {});
                    assert.deepEqual([answer.statusCode, answer.body], [statusCode, body], region);
                } finally {
                    console.log = savedLog;
                    health.restore();
                }
            }
        });
    });

    describe("browser client", () => {
        it("is served from a private, encrypted bucket that only this distribution may read", () => {
            const bucket = r.one("aws:s3/bucket:Bucket");
            const block = r.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
            assert.equal(block.inputs.bucket, bucket.outputs.id);
            assert.deepEqual(
                [block.inputs.blockPublicAcls, block.inputs.blockPublicPolicy, block.inputs.ignorePublicAcls, block.inputs.restrictPublicBuckets],
                [true, true, true, true],
            );
            const sse = r.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
            assert.deepEqual([sse.inputs.bucket, sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm], [bucket.outputs.id, "AES256"]);
            assert.equal(r.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule.objectOwnership, "BucketOwnerEnforced");
            const distribution = r.one("aws:cloudfront/distribution:Distribution");
            const policy = json(r.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
            const read = policy.Statement.find((s: any) => s.Effect === "Allow");
            assert.deepEqual(read.Principal, { Service: "cloudfront.amazonaws.com" });
            assert.equal(read.Action, "s3:GetObject");
            assert.equal(read.Resource, `${bucket.outputs.arn}/*`);
            assert.deepEqual(read.Condition, { StringEquals: { "AWS:SourceArn": distribution.outputs.arn } });
            assert.equal(policy.Statement.filter((s: any) => s.Effect === "Allow").length, 1);
            assert.ok(policy.Statement.some((s: any) => s.Effect === "Deny" && s.Condition.Bool["aws:SecureTransport"] === "false"));
        });

        it("goes through origin access control, HTTPS only, with the configured price class and strict headers", () => {
            const distribution = r.one("aws:cloudfront/distribution:Distribution");
            const oac = r.one("aws:cloudfront/originAccessControl:OriginAccessControl");
            assert.deepEqual(
                [oac.inputs.originAccessControlOriginType, oac.inputs.signingBehavior, oac.inputs.signingProtocol],
                ["s3", "always", "sigv4"],
            );
            const [origin] = distribution.inputs.origins;
            assert.equal(origin.domainName, r.one("aws:s3/bucket:Bucket").outputs.bucketRegionalDomainName);
            assert.equal(origin.originAccessControlId, oac.outputs.id);
            assert.equal(origin.s3OriginConfig, undefined, "no legacy origin access identity");
            const behavior = distribution.inputs.defaultCacheBehavior;
            assert.equal(behavior.targetOriginId, origin.originId);
            assert.equal(behavior.viewerProtocolPolicy, "https-only");
            assert.deepEqual(behavior.allowedMethods, ["GET", "HEAD"]);
            assert.equal(distribution.inputs.priceClass, "PriceClass_100");
            assert.equal(distribution.inputs.defaultRootObject, "index.html");
            assert.deepEqual(distribution.inputs.viewerCertificate, { cloudfrontDefaultCertificate: true });
            const headers = r.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy");
            assert.equal(behavior.responseHeadersPolicyId, headers.outputs.id);
            const csp = headers.inputs.securityHeadersConfig.contentSecurityPolicy.contentSecurityPolicy;
            assert.equal(csp, clientContentSecurityPolicy(DOMAIN));
            assert.match(csp, /connect-src https:\/\/api\.example\.com(;|$)/);
            assert.match(csp, /script-src 'self'(;|$)/);
        });

        it("uploads the page, its script and style, and a settings.js written from the API's domain", async () => {
            const objects = new Map(r.ofType("aws:s3/bucketObjectv2:BucketObjectv2").map((o) => [o.inputs.key, o]));
            assert.deepEqual([...objects.keys()].sort(), ["client.css", "client.js", "index.html", "settings.js"]);
            const bucket = r.one("aws:s3/bucket:Bucket");
            for (const o of objects.values()) {
                assert.equal(o.inputs.bucket, bucket.outputs.id);
                assert.match(o.inputs.contentType, /^text\/(html|javascript|css); charset=utf-8$/);
            }
            assert.equal(objects.get("settings.js")!.inputs.content, clientSettingsScript(DOMAIN, 10));
            const sources = new Map<string, string>();
            for (const key of ["index.html", "client.js", "client.css"]) {
                const source: string = await objects.get(key)!.inputs.source.path;
                assert.ok(existsSync(source), `${key} comes from ${source}`);
                assert.equal(path.relative(ROOT, source), path.join("scenarios", "multiRegionApi", "site", key));
                sources.set(key, source);
            }
            const page = readFileSync(sources.get("index.html")!, "utf8");
            assert.ok(page.indexOf('src="settings.js"') < page.indexOf('src="client.js"'), "settings load before the client");
            assert.doesNotMatch(page, /<script>|style=|https?:\/\//, "no inline code or third-party scripts (the CSP forbids them)");
        });

        it("lets the client's origin, and only it, call the API by default; '*' without a client; an explicit origin wins", async () => {
            const origin = `https://${r.one("aws:cloudfront/distribution:Distribution").outputs.domainName}`;
            assert.equal(await promiseOf(component.clientUrl), `${origin}/`);
            const env = (x: Resources) => inRegion(x, REGIONS[0], "aws:lambda/function:Function", `api-${REGIONS[0]}-hello`).inputs.environment.variables.ALLOW_ORIGIN;
            assert.equal(env(r), origin);
            const headless = await variant("headless");
            assert.equal(env(headless.r), "*");
            assert.equal(headless.r.ofType("aws:cloudfront/distribution:Distribution").length, 0);
            assert.equal(headless.r.ofType("aws:s3/bucket:Bucket").length, 0);
            assert.equal(headless.api.clientUrl, undefined);
            const explicit = await variant("failover");
            assert.equal(env(explicit.r), "https://status.example.com");
        });

        it("can live at its own name: a us-east-1 certificate, TLS 1.2+, and alias records", async () => {
            const { r: named, api: value } = await variant("named");
            const distribution = named.one("aws:cloudfront/distribution:Distribution");
            const certificate = named.one("aws:acm/certificate:Certificate", "api-client-cert");
            const validation = named.one("aws:acm/certificateValidation:CertificateValidation", "api-client-cert");
            assert.equal(providerRegion(named, certificate), "us-east-1");
            assert.equal(certificate.inputs.domainName, "status.example.com");
            assert.deepEqual(distribution.inputs.aliases, ["status.example.com"]);
            assert.deepEqual(distribution.inputs.viewerCertificate, {
                acmCertificateArn: validation.outputs.certificateArn,
                sslSupportMethod: "sni-only",
                minimumProtocolVersion: "TLSv1.2_2021",
            });
            assert.equal(distribution.inputs.priceClass, "PriceClass_All");
            for (const type of ["A", "AAAA"]) {
                const record = named.one("aws:route53/record:Record", `api-client-${type.toLowerCase()}`);
                assert.deepEqual(record.inputs.aliases, [{ name: distribution.outputs.domainName, zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false }]);
                assert.equal(record.inputs.name, "status.example.com");
            }
            assert.equal(await promiseOf(value.clientUrl), "https://status.example.com/");
            assert.equal(inRegion(named, "us-west-2", "aws:lambda/function:Function", "api-us-west-2-health").inputs.environment.variables.ALLOW_ORIGIN, "https://status.example.com");
        });

        it("polls v1/helloworld every 10 s and keeps the history, errors included", async () => {
            const script = readFileSync(path.join(ROOT, "scenarios", "multiRegionApi", "site", "client.js"), "utf8");
            const settings = readFileSync(path.join(ROOT, "scenarios", "multiRegionApi", "site", "index.html"), "utf8");
            assert.match(settings, /<ul id="history">/);
            const element = () => ({ textContent: "", className: "", children: [] as any[], replaceChildren(...c: any[]) { this.children = c; } });
            const nodes: Record<string, any> = { status: element(), history: element() };
            const timers: Array<{ fn: () => Promise<void>; ms: number }> = [];
            const calls: Array<{ url: string; init: any }> = [];
            const answers: Array<() => Promise<any>> = [
                async () => ({ ok: true, status: 200, json: async () => ({ message: "Hello from eu-west-1" }) }),
                async () => ({ ok: false, status: 503, json: async () => ({ message: "Service Unavailable" }) }),
                async () => { throw new TypeError("Failed to fetch"); },
                async () => ({ ok: true, status: 200, json: async () => ({ message: "Hello from ap-southeast-2" }) }),
            ];
            const context = vm.createContext({
                window: {},
                document: { getElementById: (id: string) => nodes[id], createElement: () => element() },
                fetch: (url: string, init: any) => {
                    calls.push({ url, init });
                    return answers[calls.length - 1]();
                },
                setTimeout: (fn: () => Promise<void>, ms: number) => timers.push({ fn, ms }),
                URL,
                Date,
                JSON,
                String,
            });
            vm.runInContext(clientSettingsScript(DOMAIN, 10), context);
            vm.runInContext(script, context);
            const settle = () => new Promise((resolve) => setImmediate(resolve));
            await settle();
            for (let i = 1; i < answers.length; i++) {
                await timers[i - 1].fn();
                await settle();
            }
            assert.deepEqual(calls.map((c) => c.url), Array(4).fill("https://api.example.com/v1/helloworld"));
            assert.equal(calls[0].init.cache, "no-store");
            assert.deepEqual(timers.map((t) => t.ms), [10000, 10000, 10000, 10000]);
            const lines = nodes.history.children.map((li: any) => `${li.className} ${li.textContent.replace(/^\S+ {2}/, "")}`);
            assert.deepEqual(lines, ["ok Hello from ap-southeast-2", "error ERROR: Failed to fetch", "error ERROR: HTTP 503", "ok Hello from eu-west-1"]);
            assert.match(nodes.status.textContent, /every 10 s/);

            const broken = vm.createContext({ window: {}, document: { getElementById: (id: string) => nodes[id] } });
            vm.runInContext(script, broken);
            assert.match(nodes.status.textContent, /settings\.js is missing or malformed/);
        });
    });

    it("exposes the public URL and each region's own endpoint", async () => {
        assert.equal(await promiseOf(component.url), "https://api.example.com/v1/helloworld");
        const endpoints = await promiseOf(component.regionalEndpoints);
        for (const region of REGIONS) {
            const apiId = inRegion(r, region, "aws:apigateway/restApi:RestApi").outputs.id;
            assert.equal(endpoints[region], `https://${apiId}.execute-api.${region}.amazonaws.com/prod`);
        }
    });

    it("protects its log groups, bucket and key when asked, and tags everything with the scenario", async () => {
        const { r: prod } = await variant("named");
        for (const type of ["aws:cloudwatch/logGroup:LogGroup", "aws:s3/bucket:Bucket", "aws:kms/key:Key"]) {
            const found = prod.ofType(type);
            assert.ok(found.length > 0);
            for (const x of found) assert.deepEqual([x.protect, x.retainOnDelete], [true, true], `${type} ${x.name}`);
        }
        assert.equal(prod.ofType("pulumi:providers:aws").length, 2, "us-east-1 is a region: no extra provider");
        for (const x of r.all.filter((y) => y.custom && y.inputs.tags !== undefined)) {
            assert.equal(x.inputs.tags.scenario, "multi-region-api", `${x.type} ${x.name}`);
        }
        for (const x of r.ofType("aws:cloudwatch/logGroup:LogGroup")) assert.equal(x.protect, false);
    });

    it("refuses bad arguments before creating any resource, naming the argument and the value", async () => {
        const base = { domainName: DOMAIN, hostedZoneId: ZONE };
        const cases: Array<[Partial<MultiRegionApiArgs>, RegExp]> = [
            [{ domainName: "API.example.com" }, /domainName: must be a lowercase host name .*; got "API.example.com"/],
            [{ hostedZoneId: "example.com" }, /hostedZoneId: must be a Route 53 hosted zone id .*; got "example.com"/],
            [{ regions: ["us-east-1"] }, /regions: needs two or more regions .*; got \["us-east-1"\]/],
            [{ regions: ["us-east-1", "Virginia"] }, /regions\[1\]: must be an AWS region like us-east-1; got "Virginia"/],
            [{ regions: ["us-east-1", "us-east-1"] }, /regions: lists us-east-1 twice; got \["us-east-1","us-east-1"\]/],
            [{ unhealthyRegions: ["eu-west-1"] }, /unhealthyRegions: must be among regions \(us-east-1, us-west-2\); eu-west-1 is not; got \["eu-west-1"\]/],
            [{ corsAllowOrigin: "https://app.example.com/" }, /corsAllowOrigin: must be "\*" or one origin .*; got "https:\/\/app.example.com\/"/],
            [{ clientPriceClass: "PriceClass_1" as any }, /clientPriceClass: .*"PriceClass_100"\|"PriceClass_200"\|"PriceClass_All"; got "PriceClass_1"/],
            [{ clientDomainName: DOMAIN }, /clientDomainName: must differ from domainName; got "api.example.com"/],
            [{ clientDomainName: "status.example.com", deployClient: false }, /clientDomainName: needs deployClient: true; got "status.example.com"/],
            [{ healthCheckerRegions: ["us-east-1", "eu-west-1"] }, /healthCheckerRegions: needs at least three regions .*; got \["us-east-1","eu-west-1"\]/],
            [{ healthCheckerRegions: ["us-east-1", "eu-west-1", "eu-central-1"] as any }, /healthCheckerRegions\[2\]: .*"sa-east-1"; got "eu-central-1"/],
            [{ throttleRateLimit: 0 }, /throttleRateLimit: must be more than 0; got 0/],
            [{ throttleBurstLimit: 2.5 }, /throttleBurstLimit: must be a whole number from 1 to 5000; got 2.5/],
            [{ memorySizeMb: 64 }, /memorySizeMb: must be a whole number from 128 to 10240; got 64/],
            [{ domainName: undefined }, /domainName: is required when enabled: .*; got nothing/],
            [{ hostedZoneId: undefined }, /hostedZoneId: is required when enabled: .*; got nothing/],
        ];
        for (const [bad, message] of cases) {
            clearRecorded();
            assert.throws(() => new MultiRegionApi("bad", { ...base, ...bad }), message, JSON.stringify(bad));
            await new Promise((resolve) => setTimeout(resolve, 20));
            assert.equal(recordedResources().filter((x) => x.custom).length, 0, `nothing created for ${JSON.stringify(bad)}`);
        }
    });
});
