import assert from "node:assert/strict";
import {
    ecsOptimizedAmiParameter,
    iisImage,
    operatingSystemFamily,
    WindowsContainerCluster,
    WindowsContainerClusterArgs,
} from "../../scenarios/windowsContainers/component";
import { evaluate } from "../../policy/rules";
import { subjectsOf } from "../../tools/policyCheck";
import { build, json, promiseOf, Resources } from "../../engine/evaluate";
import { assertActionsExist } from "../iam";
import { ACCOUNT_ID, recordedResources, withoutInstanceTypes } from "../../engine/mocks";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-1111-4222-8333-444455556666";
const OFFICE = "203.0.113.0/24";

async function cluster(args: WindowsContainerClusterArgs = {}) {
    const { value, resources } = await build(
        () => new WindowsContainerCluster("win", { tags: { environment: "dev" }, ingressCidrs: [OFFICE], ...args }),
    );
    return { win: value, r: new Resources(resources), resources };
}

/** The post's command, verbatim: write the sample page, then keep IIS in the foreground. */
const POST_COMMAND =
    "New-Item -Path C:\\inetpub\\wwwroot\\index.html -Type file -Value '<html><head><title>Amazon ECS Sample App</title> <style>body {margin-top: 40px; background-color: #333;} </style> </head><body> <div style=color:white;text-align:center><h1>Amazon ECS Sample App</h1> <h2>Congratulations!</h2> <p>Your application is now running on a container in Amazon ECS.</p></body></html>'; C:\\ServiceMonitor.exe w3svc";

describe("WindowsContainerCluster component", () => {
    let http: Awaited<ReturnType<typeof cluster>>;
    let https: Awaited<ReturnType<typeof cluster>>;
    before(async () => {
        http = await cluster();
        https = await cluster({ certificateArn: CERT, ingressCidrs: undefined, windowsServer: "2019-core", minInstances: 2, maxInstances: 6, minTasks: 2, desiredTasks: 3, maxTasks: 6, natGateways: "single" });
    });

    it("builds a two-zone VPC with a NAT gateway per zone and puts the instances in its private subnets", async () => {
        const vpc = http.r.one("awsx:ec2:Vpc");
        assert.deepEqual([vpc.inputs.numberOfAvailabilityZones, vpc.inputs.natGateways, vpc.inputs.cidrBlock], [2, { strategy: "OnePerAz" }, "10.0.0.0/16"]);
        assert.equal(vpc.inputs.tags.environment, "dev");
        assert.deepEqual(https.r.one("awsx:ec2:Vpc").inputs.natGateways, { strategy: "Single" });
        const group = http.r.one("aws:autoscaling/group:Group");
        assert.deepEqual(group.inputs.vpcZoneIdentifiers, vpc.outputs.privateSubnetIds);
        const alb = http.r.one("aws:lb/loadBalancer:LoadBalancer");
        assert.deepEqual(alb.inputs.subnets, vpc.outputs.publicSubnetIds);
        assert.equal(alb.inputs.internal, false);
        assert.equal(alb.inputs.dropInvalidHeaderFields, true);
    });

    it("launches instances only in the VPC's zones that offer the instance type, and names it when none does", async () => {
        await withoutInstanceTypes({ "us-east-1a": ["m5.large"] }, async () => {
            const { r } = await cluster();
            const vpc = r.one("awsx:ec2:Vpc");
            assert.deepEqual(r.one("aws:autoscaling/group:Group").inputs.vpcZoneIdentifiers, [vpc.outputs.privateSubnetIds[1]], "only the us-east-1b subnet");
        });
        await withoutInstanceTypes({ "us-east-1a": ["m5.large"], "us-east-1b": ["m5.large"] }, async () => {
            const { win } = await cluster();
            await assert.rejects(
                promiseOf(win.autoScalingGroupName),
                /win: no subnet of the VPC \(private subnets\) lies in an Availability Zone offering m5\.large \(offered in us-east-1c\); set windowsContainers\.availabilityZones \(more zones\), or windowsContainers\.instanceType$/,
            );
        });
    });

    it("launches the current ECS-optimised Windows AMI with user data joining the cluster, IMDSv2 and encrypted volumes", async () => {
        assert.equal(ecsOptimizedAmiParameter("2022-full"), "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-ECS_Optimized/image_id");
        assert.equal(ecsOptimizedAmiParameter("2019-core"), "/aws/service/ami-windows-latest/Windows_Server-2019-English-Core-ECS_Optimized/image_id");
        const { r } = http;
        const template = r.one("aws:ec2/launchTemplate:LaunchTemplate");
        assert.equal(template.inputs.imageId, "ami-0abcdef1234567890");
        const clusterName = r.one("aws:ecs/cluster:Cluster").outputs.name;
        assert.equal(
            Buffer.from(template.inputs.userData, "base64").toString(),
            `<powershell>\nImport-Module ECSTools\nInitialize-ECSAgent -Cluster '${clusterName}' -EnableTaskIAMRole -LoggingDrivers '["json-file","awslogs"]'\n</powershell>`,
        );
        assert.deepEqual(template.inputs.metadataOptions, { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 });
        assert.deepEqual(template.inputs.blockDeviceMappings, [
            { deviceName: "/dev/sda1", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
        ]);
        assert.equal(template.inputs.iamInstanceProfile.arn, r.one("aws:iam/instanceProfile:InstanceProfile").outputs.arn);
        assert.deepEqual(template.inputs.vpcSecurityGroupIds, [r.one("aws:ec2/securityGroup:SecurityGroup", "win-hosts").outputs.id]);
        assert.equal(template.inputs.instanceType, "m5.large");
    });

    it("scales the instances with a capacity provider: managed scaling and termination protection on a scale-in-protected group", async () => {
        const { r } = http;
        const group = r.one("aws:autoscaling/group:Group");
        const template = r.one("aws:ec2/launchTemplate:LaunchTemplate");
        assert.equal(group.inputs.protectFromScaleIn, true);
        assert.deepEqual([group.inputs.minSize, group.inputs.maxSize, group.inputs.desiredCapacity], [1, 4, 1]);
        assert.deepEqual(group.inputs.launchTemplate, { id: template.outputs.id, version: "1" });
        assert.equal(group.inputs.healthCheckGracePeriod, 900, "Windows boots slowly");
        const tags = Object.fromEntries(group.inputs.tags.map((t: any) => [t.key, [t.value, t.propagateAtLaunch]]));
        assert.deepEqual(tags.AmazonECSManaged, ["true", true]);
        assert.deepEqual(tags.environment, ["dev", true]);
        assert.deepEqual(tags.scenario, ["windows-containers", true]);
        const provider = r.one("aws:ecs/capacityProvider:CapacityProvider");
        assert.deepEqual(provider.inputs.autoScalingGroupProvider, {
            autoScalingGroupArn: group.outputs.arn,
            managedTerminationProtection: "ENABLED",
            managedDraining: "ENABLED",
            managedScaling: { status: "ENABLED", targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 2, instanceWarmupPeriod: 900 },
        });
        const providers = r.one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders");
        assert.equal(providers.inputs.clusterName, r.one("aws:ecs/cluster:Cluster").outputs.name);
        assert.deepEqual(providers.inputs.capacityProviders, [provider.outputs.name]);
        assert.deepEqual(providers.inputs.defaultCapacityProviderStrategies, [{ capacityProvider: provider.outputs.name, weight: 1, base: 0 }]);
    });

    it("gives the instances exactly the ECS agent and SSM managed-instance policies", async () => {
        const { r } = http;
        assert.deepEqual(r.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs.policyArn).sort(), [
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
        ]);
        assert.equal(r.ofType("aws:iam/rolePolicy:RolePolicy").length, 0);
        assert.deepEqual(json(r.one("aws:iam/role:Role").inputs.assumeRolePolicy).Statement[0].Principal, { Service: "ec2.amazonaws.com" });
    });

    it("keeps images in a scanned, encrypted, immutable ECR repository with a lifecycle policy", async () => {
        const { r } = http;
        const repo = r.one("aws:ecr/repository:Repository");
        assert.deepEqual(repo.inputs.imageScanningConfiguration, { scanOnPush: true });
        assert.deepEqual(repo.inputs.encryptionConfigurations, [{ encryptionType: "KMS" }]);
        assert.equal(repo.inputs.imageTagMutability, "IMMUTABLE");
        const policy = r.one("aws:ecr/lifecyclePolicy:LifecyclePolicy");
        assert.equal(policy.inputs.repository, repo.outputs.name);
        assert.deepEqual(
            json(policy.inputs.policy).rules.map((rule: any) => [rule.rulePriority, rule.selection.tagStatus, rule.selection.countType, rule.selection.countNumber, rule.action.type]),
            [
                [1, "untagged", "sinceImagePushed", 7, "expire"],
                [2, "any", "imageCountMoreThan", 20, "expire"],
            ],
        );
    });

    it("defines the post's windows-simple-iis task on the host's Windows release, logging to CloudWatch", async () => {
        const { r } = http;
        const task = r.one("aws:ecs/taskDefinition:TaskDefinition");
        // The family is a name in the region: each stack registers its own.
        assert.equal(task.inputs.family, "windows-simple-iis-test");
        assert.deepEqual(task.inputs.requiresCompatibilities, ["EC2"]);
        assert.deepEqual(task.inputs.runtimePlatform, { operatingSystemFamily: "WINDOWS_SERVER_2022_FULL", cpuArchitecture: "X86_64" });
        assert.equal(task.inputs.networkMode, undefined, "the post's default (NAT) network mode");
        const logGroup = r.one("aws:cloudwatch/logGroup:LogGroup");
        assert.deepEqual(json(task.inputs.containerDefinitions), [
            {
                name: "windows_sample_app",
                image: "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022",
                cpu: 100,
                memory: 500,
                essential: true,
                entryPoint: ["powershell", "-Command"],
                command: [POST_COMMAND],
                portMappings: [{ protocol: "tcp", containerPort: 80, hostPort: 8080 }],
                logConfiguration: {
                    logDriver: "awslogs",
                    options: { "awslogs-group": logGroup.outputs.name, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "iis" },
                },
            },
        ]);
        assert.ok(logGroup.inputs.retentionInDays > 0);
        const core = json(https.r.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions)[0];
        assert.equal(core.image, iisImage("2019-core"));
        assert.equal(core.image, "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019");
        assert.equal(operatingSystemFamily("2019-core"), "WINDOWS_SERVER_2019_CORE");
    });

    it("runs the task as a service on the capacity provider behind the load balancer (container port 80, host port 8080)", async () => {
        const { r } = http;
        const service = r.one("aws:ecs/service:Service");
        const provider = r.one("aws:ecs/capacityProvider:CapacityProvider");
        const targets = r.one("aws:lb/targetGroup:TargetGroup");
        assert.equal(service.inputs.taskDefinition, r.one("aws:ecs/taskDefinition:TaskDefinition").outputs.arn);
        assert.equal(service.inputs.cluster, r.one("aws:ecs/cluster:Cluster").outputs.arn);
        assert.deepEqual(service.inputs.capacityProviderStrategies, [{ capacityProvider: provider.outputs.name, weight: 1, base: 0 }]);
        assert.equal(service.inputs.launchType, undefined);
        assert.deepEqual(service.inputs.loadBalancers, [{ targetGroupArn: targets.outputs.arn, containerName: "windows_sample_app", containerPort: 80 }]);
        assert.equal(service.inputs.desiredCount, 2);
        assert.deepEqual(service.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
        assert.deepEqual([targets.inputs.port, targets.inputs.protocol, targets.inputs.targetType], [8080, "HTTP", "instance"]);
        const listener = r.one("aws:lb/listener:Listener");
        assert.ok(service.dependencies.includes(listener.urn), "the target group has a load balancer before the service registers");
        assert.ok(service.dependencies.includes(r.one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders").urn));
    });

    it("adds a task when average CPU exceeds 60% for 3 consecutive minutes and removes one when it stays low", async () => {
        const { r } = http;
        const service = r.one("aws:ecs/service:Service");
        const clusterName = r.one("aws:ecs/cluster:Cluster").outputs.name;
        const target = r.one("aws:appautoscaling/target:Target");
        assert.equal(target.inputs.resourceId, `service/${clusterName}/${service.outputs.name}`);
        assert.deepEqual([target.inputs.scalableDimension, target.inputs.serviceNamespace, target.inputs.minCapacity, target.inputs.maxCapacity], ["ecs:service:DesiredCount", "ecs", 1, 4]);
        const policies = r.ofType("aws:appautoscaling/policy:Policy");
        const out = policies.find((p) => p.name === "win-web-scale-out")!;
        const inn = policies.find((p) => p.name === "win-web-scale-in")!;
        assert.deepEqual(out.inputs.stepScalingPolicyConfiguration.stepAdjustments, [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }]);
        assert.deepEqual(inn.inputs.stepScalingPolicyConfiguration.stepAdjustments, [{ metricIntervalUpperBound: "0", scalingAdjustment: -1 }]);
        for (const p of [out, inn]) assert.equal(p.inputs.resourceId, target.outputs.resourceId);
        const alarms = r.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        const high = alarms.find((a) => a.name === "win-web-cpu-high")!;
        assert.deepEqual(
            [high.inputs.namespace, high.inputs.metricName, high.inputs.statistic, high.inputs.period, high.inputs.evaluationPeriods, high.inputs.datapointsToAlarm, high.inputs.threshold, high.inputs.comparisonOperator],
            ["AWS/ECS", "CPUUtilization", "Average", 60, 3, 3, 60, "GreaterThanThreshold"],
        );
        assert.deepEqual(high.inputs.dimensions, { ClusterName: clusterName, ServiceName: service.outputs.name });
        assert.deepEqual(high.inputs.alarmActions, [out.outputs.arn]);
        const low = alarms.find((a) => a.name === "win-web-cpu-low")!;
        assert.deepEqual([low.inputs.threshold, low.inputs.comparisonOperator, low.inputs.evaluationPeriods], [25, "LessThanThreshold", 15]);
        assert.deepEqual(low.inputs.alarmActions, [inn.outputs.arn]);
    });

    it("without a certificate serves HTTP only to the named networks, and acknowledges that", async () => {
        const { r, win } = http;
        const listener = r.one("aws:lb/listener:Listener");
        assert.deepEqual([listener.inputs.port, listener.inputs.protocol], [80, "HTTP"]);
        assert.equal(listener.inputs.defaultActions[0].type, "forward");
        assert.match(listener.inputs.tags["aws-blueprints:acknowledge:network-tls-listeners"], /plain HTTP and only to the networks named in ingressCidrs/);
        const ingress = r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        const albGroup = r.one("aws:ec2/securityGroup:SecurityGroup", "win-alb").outputs.id;
        assert.deepEqual(
            ingress.filter((i) => i.inputs.securityGroupId === albGroup).map((i) => [i.inputs.fromPort, i.inputs.cidrIpv4]),
            [[80, OFFICE]],
        );
        assert.match(await promiseOf(win.url), /^http:\/\/.*elb\.amazonaws\.com\/$/);
    });

    it("with a certificate serves HTTPS with a TLS 1.2+ policy and only redirects HTTP", async () => {
        const { r, win } = https;
        const listeners = r.ofType("aws:lb/listener:Listener");
        const tls = listeners.find((l) => l.inputs.protocol === "HTTPS")!;
        assert.deepEqual([tls.inputs.port, tls.inputs.sslPolicy, tls.inputs.certificateArn], [443, "ELBSecurityPolicy-TLS13-1-2-2021-06", CERT]);
        const plain = listeners.find((l) => l.inputs.protocol === "HTTP")!;
        assert.deepEqual(plain.inputs.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
        assert.equal(plain.inputs.tags["aws-blueprints:acknowledge:network-tls-listeners"], undefined);
        const albGroup = r.one("aws:ec2/securityGroup:SecurityGroup", "win-alb").outputs.id;
        assert.deepEqual(
            r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((i) => i.inputs.securityGroupId === albGroup).map((i) => [i.inputs.fromPort, i.inputs.cidrIpv4]),
            [[443, "0.0.0.0/0"], [80, "0.0.0.0/0"]],
        );
        assert.match(await promiseOf(win.url), /^https:\/\//);
    });

    it("admits the tasks' host port from the load balancer only", async () => {
        const { r } = http;
        const hosts = r.one("aws:ec2/securityGroup:SecurityGroup", "win-hosts").outputs.id;
        const alb = r.one("aws:ec2/securityGroup:SecurityGroup", "win-alb").outputs.id;
        const ingress = r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((i) => i.inputs.securityGroupId === hosts);
        assert.deepEqual(ingress.map((i) => [i.inputs.fromPort, i.inputs.toPort, i.inputs.referencedSecurityGroupId, i.inputs.cidrIpv4]), [[8080, 8080, alb, undefined]]);
    });

    it("passes the policy pack: no unacknowledged mandatory finding, with or without a certificate", async () => {
        for (const { resources } of [http, https]) {
            const findings = evaluate(subjectsOf(resources)).filter((f) => f.enforcementLevel === "mandatory" && !f.acknowledged);
            assert.deepEqual(findings.map((f) => `${f.rule} ${f.name}: ${f.message}`), []);
        }
    });

    it("protects its logs and images, and the load balancer from deletion, when asked", async () => {
        const { r } = await cluster({ protect: true, certificateArn: CERT, ingressCidrs: undefined });
        assert.equal(r.one("aws:cloudwatch/logGroup:LogGroup").protect, true);
        assert.equal(r.one("aws:kms/key:Key", "win-containers").protect, true, "the key of protected logs is protected too");
        assert.deepEqual([r.one("aws:s3/bucket:Bucket", "win-access-logs").protect, r.one("aws:s3/bucket:Bucket", "win-access-logs").inputs.forceDestroy], [true, false]);
        const repo = r.one("aws:ecr/repository:Repository");
        assert.deepEqual([repo.protect, repo.inputs.forceDelete], [true, false]);
        assert.equal(r.one("aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection, true);
        assert.equal(http.r.one("aws:ecr/repository:Repository").inputs.forceDelete, true);
    });

    it("encrypts the container logs with its own rotating key that CloudWatch Logs may use only for them", async () => {
        const { r, win } = http;
        const key = r.one("aws:kms/key:Key", "win-containers");
        const group = r.one("aws:cloudwatch/logGroup:LogGroup", "win-containers");
        assert.equal(group.inputs.kmsKeyId, key.outputs.arn);
        assert.deepEqual([key.inputs.enableKeyRotation, key.inputs.deletionWindowInDays], [true, 30]);
        const statements = json(key.inputs.policy).Statement;
        const logs = statements.find((x: any) => x.Sid === "CloudWatchLogsEncryptContainerLogs");
        assert.deepEqual(logs.Principal, { Service: "logs.us-east-1.amazonaws.com" });
        assert.deepEqual(logs.Condition, { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:win-containers-*` } });
        assert.ok(logs.Action.includes("kms:GenerateDataKey") && logs.Action.includes("kms:Decrypt"));
        // In a key policy "*" means the key itself.
        await assertActionsExist(statements.map((x: any) => ({ ...x, Action: x.Action === "kms:*" ? [] : x.Action, Resource: key.outputs.arn })));
        const pattern = new RegExp(`^${logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"].replace(/\*/g, ".*")}$`);
        assert.match(`arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:${group.outputs.name}`, pattern, "the condition admits the group that is created");
        assert.doesNotMatch(`arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:other-app`, pattern);
        const admin = statements.find((x: any) => x.Sid === "AccountAdministersKey");
        assert.deepEqual(admin.Principal, { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` });
        assert.equal(statements.length, 2);
        assert.equal(await promiseOf(win.logKeyArn), key.outputs.arn);
    });

    it("writes the load balancer's access logs to a private SSE-S3 bucket that ELB log delivery may write to", async () => {
        const { r, win } = http;
        const alb = r.one("aws:lb/loadBalancer:LoadBalancer");
        const bucket = r.one("aws:s3/bucket:Bucket", "win-access-logs");
        assert.deepEqual(alb.inputs.accessLogs, { bucket: bucket.outputs.bucket, enabled: true, prefix: "win" });
        const policy = r.one("aws:s3/bucketPolicy:BucketPolicy", "win-access-logs");
        assert.ok(alb.dependencies.includes(policy.urn), "ELB checks the bucket policy when logging is enabled");
        const statements = json(policy.inputs.policy).Statement;
        const delivery = statements.find((x: any) => x.Sid === "ElbLogDelivery");
        assert.deepEqual(delivery.Principal, { Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
        assert.deepEqual([delivery.Action, delivery.Resource], ["s3:PutObject", `${bucket.outputs.arn}/win/AWSLogs/${ACCOUNT_ID}/*`]);
        assert.equal(statements.find((x: any) => x.Sid === "DenyInsecureTransport").Effect, "Deny");
        const sse = r.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "win-access-logs");
        assert.equal(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256", "ALB delivers only to SSE-S3 buckets");
        const block = r.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "win-access-logs");
        assert.deepEqual([block.inputs.blockPublicAcls, block.inputs.blockPublicPolicy, block.inputs.ignorePublicAcls, block.inputs.restrictPublicBuckets], [true, true, true, true]);
        assert.equal(r.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "win-access-logs").inputs.rule.objectOwnership, "BucketOwnerEnforced");
        assert.equal(r.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "win-access-logs").inputs.rules[0].expiration.days, 90);
        assert.equal(await promiseOf(win.accessLogBucket), bucket.outputs.bucket);
        const kept = await cluster({ accessLogRetentionDays: 400 });
        assert.equal(kept.r.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "win-access-logs").inputs.rules[0].expiration.days, 400);
    });

    it("refuses to forward plain HTTP in a protected stack, before creating anything", async () => {
        await assert.rejects(
            build(() => new WindowsContainerCluster("win", { protect: true, ingressCidrs: [OFFICE] })),
            /win: certificateArn: required when protect is true: a protected stack serves HTTPS and only redirects HTTP; got nothing/,
        );
        assert.equal(recordedResources().length, 0, "no resource was created");
    });

    it("refuses contradictory or unsafe arguments before creating anything", () => {
        const bad = (args: WindowsContainerClusterArgs) => () => new WindowsContainerCluster("bad", { ingressCidrs: [OFFICE], ...args });
        assert.throws(bad({ ingressCidrs: undefined }), /ingressCidrs: without certificateArn the load balancer serves plain HTTP: list the networks allowed \(not 0\.0\.0\.0\/0\), or set certificateArn; got nothing/);
        assert.throws(bad({ ingressCidrs: ["0.0.0.0/0"] }), /ingressCidrs: without certificateArn .*\(not 0\.0\.0\.0\/0\).*; got \["0\.0\.0\.0\/0"\]/);
        assert.throws(bad({ ingressCidrs: ["office"] }), /ingressCidrs\[0\]: must be an IPv4 CIDR block .*; got "office"/);
        assert.throws(bad({ minTasks: 3, desiredTasks: 2 }), /desiredTasks: must be between minTasks \(3\) and maxTasks \(4\); got 2/);
        assert.throws(bad({ maxTasks: 6, maxInstances: 4 }), /maxTasks: must not exceed maxInstances \(4\).*; got 6/);
        assert.throws(bad({ scaleInCpuPercent: 70 }), /scaleInCpuPercent: must be below scaleOutCpuPercent \(60\); got 70/);
        assert.throws(bad({ windowsServer: "2016-full" as any }), /windowsServer: .*"2019-core".*"2025-full"; got "2016-full"/);
        assert.throws(bad({ minInstances: 5, maxInstances: 4 }), /minInstances: must not exceed maxInstances \(4\); got 5/);
        assert.throws(bad({ vpcCidr: "10.0.0.0/8" }), /vpcCidr: must be a block from \/16 to \/24; got "10.0.0.0\/8"/);
        assert.throws(bad({ accessLogRetentionDays: 0 }), /accessLogRetentionDays: must be a whole number from 1 to 3650; got 0/);
        assert.throws(() => new WindowsContainerCluster("ecs-win", { ingressCidrs: [OFFICE] }), /must not start with aws, ecs or fargate/);
    });
});
