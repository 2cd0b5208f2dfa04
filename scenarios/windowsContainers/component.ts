// Windows containers on Amazon ECS (README scenario 2): a cluster of ECS-optimised Windows Server instances in private
// subnets, scaled by a capacity provider, running the post's `windows-simple-iis` task as a service behind an
// Application Load Balancer, with service auto scaling on CPU and an ECR repository for the team's own images.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { acknowledgeTags, Blueprint } from "../../components/common";
import { accountAdministersKey, logsEncryptStatement } from "../../components/iam";
import { InstanceRole } from "../../components/instanceRole";
import { subnetsOffering, webEgress } from "../../components/network";
import { ArgsOf, defineScenario, pick, resolveArgs, ResolvedArgs } from "../../components/scenario";
import { loadBalancerLogBucket } from "../../components/storage";
import { protectedStackRules, windowsContainersSettings, WindowsContainersSettings } from "./settings";

export type WindowsServer = WindowsContainersSettings["windowsServer"];

/** Arguments that also take other resources' values. */
type Inputs = "certificateArn";
/** The settings as resolveArgs returns them, which the constructor's steps read. */
type Settings = ResolvedArgs<typeof windowsContainersSettings, Inputs>;
/** The scenario's settings (see ./settings.ts), and the task's image, which no stack file sets. */
export type WindowsContainerClusterArgs = ArgsOf<typeof windowsContainersSettings, Inputs> & {
    /** Image of the sample task. @default the IIS image matching `windowsServer` (Windows containers must match the host release) */
    readonly containerImage?: string;
};

const CONTAINER_NAME = "windows_sample_app";

/** SSM public parameter of the ECS-optimised Windows AMI. */
export function ecsOptimizedAmiParameter(server: WindowsServer): string {
    const [version, option] = server.split("-");
    return `/aws/service/ami-windows-latest/Windows_Server-${version}-English-${option === "core" ? "Core" : "Full"}-ECS_Optimized/image_id`;
}

/** The task definition's operating system family: ECS places the task only on instances of that family. */
export function operatingSystemFamily(server: WindowsServer): string {
    const [version, option] = server.split("-");
    return `WINDOWS_SERVER_${version}_${option.toUpperCase()}`;
}

/** The IIS image built on the host's release (process-isolated Windows containers must match it). */
export function iisImage(server: WindowsServer): string {
    return `mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc${server.split("-")[0]}`;
}

/** User data joining the ECS cluster with IAM roles for tasks and the awslogs driver enabled. */
export function windowsUserData(clusterName: string): string {
    return [
        "<powershell>",
        "Import-Module ECSTools",
        `Initialize-ECSAgent -Cluster '${clusterName}' -EnableTaskIAMRole -LoggingDrivers '["json-file","awslogs"]'`,
        "</powershell>",
    ].join("\n");
}

/** The post's `windows_sample_app` container, with its logs sent to CloudWatch. */
export function windowsSimpleIisContainers(image: string, logGroup: string, region: string): object[] {
    return [
        {
            name: CONTAINER_NAME,
            image,
            cpu: 100,
            memory: 500,
            essential: true,
            entryPoint: ["powershell", "-Command"],
            command: [
                "New-Item -Path C:\\inetpub\\wwwroot\\index.html -Type file -Value '<html><head><title>Amazon ECS Sample App</title> " +
                    "<style>body {margin-top: 40px; background-color: #333;} </style> </head><body> " +
                    "<div style=color:white;text-align:center><h1>Amazon ECS Sample App</h1> <h2>Congratulations!</h2> " +
                    "<p>Your application is now running on a container in Amazon ECS.</p></body></html>'; C:\\ServiceMonitor.exe w3svc",
            ],
            // Host port 8080: with IAM roles for tasks the ECS agent's credential proxy holds port 80 on Windows hosts.
            portMappings: [{ protocol: "tcp", containerPort: 80, hostPort: 8080 }],
            logConfiguration: {
                logDriver: "awslogs",
                options: { "awslogs-group": logGroup, "awslogs-region": region, "awslogs-stream-prefix": "iis" },
            },
        },
    ];
}

/**
 * Policy of the container log group's key: the account administers it through IAM, and CloudWatch Logs of this
 * region may use it only for this component's log groups, named in the encryption context CloudWatch Logs sends
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html). The group is auto-named
 * `<logical name>-<random suffix>`, so its ARN is matched by its name prefix: the key must exist before the group.
 */
export function containerLogKeyPolicy(args: {
    partition: pulumi.Input<string>;
    region: pulumi.Input<string>;
    accountId: pulumi.Input<string>;
    logGroupNamePattern: string;
}): pulumi.Output<string> {
    const { partition, region, accountId, logGroupNamePattern } = args;
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            accountAdministersKey(pulumi.interpolate`arn:${partition}:iam::${accountId}:root`),
            logsEncryptStatement(
                "CloudWatchLogsEncryptContainerLogs",
                region,
                pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupNamePattern}`,
            ),
        ],
    });
}

export class WindowsContainerCluster extends Blueprint {
    readonly url: pulumi.Output<string>;
    readonly loadBalancerDnsName: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    readonly serviceName: pulumi.Output<string>;
    readonly taskDefinitionArn: pulumi.Output<string>;
    readonly capacityProviderName: pulumi.Output<string>;
    readonly autoScalingGroupName: pulumi.Output<string>;
    readonly repositoryUrl: pulumi.Output<string>;
    readonly logGroupName: pulumi.Output<string>;
    readonly logKeyArn: pulumi.Output<string>;
    readonly accessLogBucket: pulumi.Output<string>;
    readonly vpcId: pulumi.Output<string>;

    constructor(name: string, args: WindowsContainerClusterArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        // ECS refuses capacity provider names with these prefixes, and the provider is named after the component.
        if (/^(aws|ecs|fargate)/i.test(name)) throw new Error(`${name}: the name must not start with aws, ecs or fargate (ECS capacity provider rule)`);
        const s = resolveArgs<typeof windowsContainersSettings, Inputs>(name, windowsContainersSettings, args);
        for (const problem of protectedStackRules(s, { protect: args.protect ?? false })) throw new Error(`${name}: ${problem.key}: ${problem.message}; got nothing`);
        super("aws-blueprints:containers:WindowsContainerCluster", name, "windows-containers", args, opts);
        const https = s.certificateArn !== undefined;
        const ingressCidrs = s.ingressCidrs ?? (https ? ["0.0.0.0/0"] : []);

        const region = aws.getRegionOutput({}, { parent: this }).region;

        const vpc = this.network(name, s);
        const cluster = new aws.ecs.Cluster(
            `${name}-cluster`,
            { settings: [{ name: "containerInsights", value: s.containerInsights ? "enabled" : "disabled" }] },
            { parent: this },
        );
        const { logKey, logs } = this.containerLogs(name, region);
        const { albGroup, hostGroup } = this.securityGroups(name, vpc, https, ingressCidrs);
        const group = this.containerInstances(name, s, cluster, hostGroup, vpc);
        const { capacity, clusterProviders } = this.capacityProvider(name, cluster, group);
        const repository = this.imageRepository(name, s);
        const { accessLogs, alb, targets, listeners } = this.loadBalancer(name, s, vpc, albGroup, https);
        const { taskDefinition, service } = this.webService(name, s, args.containerImage, { cluster, logs, region, capacity, targets, dependsOn: [clusterProviders, ...listeners] });
        this.serviceScaling(name, s, cluster, service);

        this.loadBalancerDnsName = alb.dnsName;
        this.url = pulumi.interpolate`${https ? "https" : "http"}://${alb.dnsName}/`;
        this.clusterName = cluster.name;
        this.serviceName = service.name;
        this.taskDefinitionArn = taskDefinition.arn;
        this.capacityProviderName = capacity.name;
        this.autoScalingGroupName = group.name;
        this.repositoryUrl = repository.repositoryUrl;
        this.logGroupName = logs.name;
        this.logKeyArn = logKey.arn;
        this.accessLogBucket = accessLogs.bucket.bucket;
        this.vpcId = vpc.vpcId;
        this.registerOutputs({
            url: this.url,
            loadBalancerDnsName: this.loadBalancerDnsName,
            clusterName: this.clusterName,
            serviceName: this.serviceName,
            taskDefinitionArn: this.taskDefinitionArn,
            capacityProviderName: this.capacityProviderName,
            autoScalingGroupName: this.autoScalingGroupName,
            repositoryUrl: this.repositoryUrl,
            logGroupName: this.logGroupName,
            logKeyArn: this.logKeyArn,
            accessLogBucket: this.accessLogBucket,
            vpcId: this.vpcId,
        });
    }

    /** The VPC: public subnets for the load balancer, private ones for the container instances, NAT per the settings. */
    private network(name: string, s: Settings): awsx.ec2.Vpc {
        const vpc = new awsx.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: s.vpcCidr,
                numberOfAvailabilityZones: s.availabilityZones,
                natGateways: { strategy: s.natGateways === "single" ? "Single" : "OnePerAz" },
                subnetStrategy: "Auto",
                tags: { ...this.tags, Name: `${name}-vpc` },
            },
            { parent: this },
        );
        return vpc;
    }

    /** The container logs' group, encrypted with a key of its own that CloudWatch Logs may use for this group alone. */
    private containerLogs(name: string, region: pulumi.Output<string>): { logKey: aws.kms.Key; logs: aws.cloudwatch.LogGroup } {
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const logKey = new aws.kms.Key(
            `${name}-containers`,
            {
                description: `Encrypts the container logs of ${name}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: containerLogKeyPolicy({ partition, region, accountId, logGroupNamePattern: `${name}-containers-*` }),
            },
            this.stateful(),
        );
        const logs = new aws.cloudwatch.LogGroup(
            `${name}-containers`,
            { retentionInDays: this.logRetentionDays, kmsKeyId: logKey.arn },
            this.stateful(),
        );
        return { logKey, logs };
    }

    /** The load balancer's and the instances' security groups: the allowed networks to the listeners, the listeners to the tasks' host port, the instances out to HTTPS and HTTP only. */
    private securityGroups(name: string, vpc: awsx.ec2.Vpc, https: boolean, ingressCidrs: readonly string[]): { albGroup: aws.ec2.SecurityGroup; hostGroup: aws.ec2.SecurityGroup } {
        const albGroup = new aws.ec2.SecurityGroup(`${name}-alb`, { description: "Load balancer of the Windows containers", vpcId: vpc.vpcId }, { parent: this });
        const hostGroup = new aws.ec2.SecurityGroup(`${name}-hosts`, { description: "ECS Windows container instances", vpcId: vpc.vpcId }, { parent: this });
        const listenerPorts = https ? [443, 80] : [80];
        for (const port of listenerPorts) {
            ingressCidrs.forEach((cidr, i) => {
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-alb-${port}-${i}`,
                    {
                        securityGroupId: albGroup.id,
                        description: port === 443 ? "HTTPS from allowed networks" : https ? "HTTP (redirected to HTTPS)" : "HTTP from allowed networks",
                        ipProtocol: "tcp",
                        fromPort: port,
                        toPort: port,
                        cidrIpv4: cidr,
                    },
                    { parent: this },
                );
            });
        }
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-alb-to-hosts`,
            {
                securityGroupId: albGroup.id,
                description: "To the host port of the tasks",
                ipProtocol: "tcp",
                fromPort: 8080,
                toPort: 8080,
                referencedSecurityGroupId: hostGroup.id,
            },
            { parent: this },
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-hosts-from-alb`,
            {
                securityGroupId: hostGroup.id,
                description: "Task host port from the load balancer only",
                ipProtocol: "tcp",
                fromPort: 8080,
                toPort: 8080,
                referencedSecurityGroupId: albGroup.id,
            },
            { parent: this },
        );
        webEgress(`${name}-hosts-egress`, { securityGroupId: hostGroup.id, https: "HTTPS: ECS, ECR, SSM, CloudWatch, image registries", http: "HTTP: Windows Update and certificate revocation lists" }, { parent: this });
        return { albGroup, hostGroup };
    }

    /** The ECS-optimised Windows instances: their role, launch template and Auto Scaling group in the private subnets. */
    private containerInstances(name: string, s: Settings, cluster: aws.ecs.Cluster, hostGroup: aws.ec2.SecurityGroup, vpc: awsx.ec2.Vpc): aws.autoscaling.Group {
        const server = s.windowsServer;
        const role = new InstanceRole(
            `${name}-hosts`,
            {
                description: "ECS Windows container instances: the ECS agent (register, pull from ECR, awslogs) and Systems Manager",
                managedPolicies: ["service-role/AmazonEC2ContainerServiceforEC2Role", "AmazonSSMManagedInstanceCore"],
            },
            { parent: this },
        );

        const ami = aws.ssm.getParameterOutput({ name: ecsOptimizedAmiParameter(server) }, { parent: this }).value;
        const template = new aws.ec2.LaunchTemplate(
            `${name}-hosts`,
            {
                description: `ECS-optimised Windows Server ${server} container instances of ${name}`,
                imageId: ami,
                instanceType: s.instanceType,
                iamInstanceProfile: { arn: role.profileArn },
                vpcSecurityGroupIds: [hostGroup.id],
                // Tasks take credentials from their task role through the agent; containers cannot reach the
                // instance's own credentials past one hop.
                metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
                blockDeviceMappings: [
                    { deviceName: "/dev/sda1", ebs: { volumeSize: s.rootVolumeGb, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
                ],
                userData: cluster.name.apply((n) => Buffer.from(windowsUserData(n)).toString("base64")),
                tagSpecifications: [{ resourceType: "volume", tags: { ...this.tags, Name: `${name} container instance` } }],
                updateDefaultVersion: true,
            },
            { parent: this },
        );
        const group = new aws.autoscaling.Group(
            `${name}-hosts`,
            {
                // awsx takes the region's first zones; the group uses those of them that offer the instance type.
                vpcZoneIdentifiers: subnetsOffering(
                    [{ name: "subnet-id", values: vpc.privateSubnetIds }],
                    { instanceTypes: [s.instanceType], typeSetting: "windowsContainers.instanceType" },
                    {
                        owner: name,
                        setting: "windowsContainers.availabilityZones (more zones)",
                        parent: this,
                        candidates: vpc.privateSubnetIds,
                        describe: "the VPC (private subnets)",
                    },
                ),
                minSize: s.minInstances,
                maxSize: s.maxInstances,
                desiredCapacity: s.minInstances,
                launchTemplate: { id: template.id, version: template.latestVersion.apply((v) => String(v)) },
                // Windows instances take up to ~15 minutes to boot and join the cluster.
                healthCheckGracePeriod: 900,
                defaultInstanceWarmup: 900,
                // Managed termination protection: ECS decides which instances may go (those without tasks).
                protectFromScaleIn: true,
                // New launch template versions (a new AMI) roll through the group; ECS drains each instance first.
                instanceRefresh: {
                    strategy: "Rolling",
                    preferences: { minHealthyPercentage: 50, instanceWarmup: "900", skipMatching: true, scaleInProtectedInstances: "Refresh" },
                },
                // Protected instances would otherwise hold `pulumi destroy` until they are unprotected by hand.
                forceDelete: true,
                tags: [
                    ...Object.entries({ ...this.tags, Name: `${name} container instance` }).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
                    // ECS adds this tag when the capacity provider takes the group over; declaring it avoids a diff.
                    { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
                ],
            },
            // The capacity provider owns the group's desired capacity.
            { parent: this, ignoreChanges: ["desiredCapacity"] },
        );
        return group;
    }

    /** The capacity provider that scales the instances for the tasks, and the cluster's default strategy. */
    private capacityProvider(name: string, cluster: aws.ecs.Cluster, group: aws.autoscaling.Group): { capacity: aws.ecs.CapacityProvider; clusterProviders: aws.ecs.ClusterCapacityProviders } {
        const capacity = new aws.ecs.CapacityProvider(
            `${name}-capacity`,
            {
                autoScalingGroupProvider: {
                    autoScalingGroupArn: group.arn,
                    managedTerminationProtection: "ENABLED",
                    managedDraining: "ENABLED",
                    managedScaling: {
                        status: "ENABLED",
                        targetCapacity: 100,
                        minimumScalingStepSize: 1,
                        maximumScalingStepSize: 2,
                        instanceWarmupPeriod: 900,
                    },
                },
            },
            { parent: this },
        );
        const clusterProviders = new aws.ecs.ClusterCapacityProviders(
            `${name}-cluster-capacity`,
            {
                clusterName: cluster.name,
                capacityProviders: [capacity.name],
                defaultCapacityProviderStrategies: [{ capacityProvider: capacity.name, weight: 1, base: 0 }],
            },
            { parent: this },
        );
        return { capacity, clusterProviders };
    }

    /** The private image repository (scanned on push, immutable tags) and its lifecycle policy. */
    private imageRepository(name: string, s: Settings): aws.ecr.Repository {
        const repository = new aws.ecr.Repository(
            `${name}-images`,
            {
                imageScanningConfiguration: { scanOnPush: true },
                imageTagMutability: "IMMUTABLE",
                encryptionConfigurations: [{ encryptionType: "KMS" }],
                forceDelete: !this.protectStateful,
            },
            this.stateful(),
        );
        new aws.ecr.LifecyclePolicy(
            `${name}-images`,
            {
                repository: repository.name,
                policy: JSON.stringify({
                    rules: [
                        {
                            rulePriority: 1,
                            description: "Expire untagged images after 7 days",
                            selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
                            action: { type: "expire" },
                        },
                        {
                            rulePriority: 2,
                            description: `Keep the newest ${s.keepImages} images`,
                            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: s.keepImages },
                            action: { type: "expire" },
                        },
                    ],
                }),
            },
            { parent: this },
        );
        return repository;
    }

    /** The public load balancer with its access logs, the tasks' target group, and the listeners (HTTPS with an HTTP redirect when a certificate is set). */
    private loadBalancer(name: string, s: Settings, vpc: awsx.ec2.Vpc, albGroup: aws.ec2.SecurityGroup, https: boolean): { accessLogs: ReturnType<typeof loadBalancerLogBucket>; alb: aws.lb.LoadBalancer; targets: aws.lb.TargetGroup; listeners: aws.lb.Listener[] } {
        const accessLogs = loadBalancerLogBucket(
            `${name}-access-logs`,
            { retentionDays: s.accessLogRetentionDays, prefix: name, forceDestroy: !this.protectStateful },
            this,
            this.stateful(),
        );
        const alb = new aws.lb.LoadBalancer(
            `${name}-alb`,
            {
                loadBalancerType: "application",
                internal: false,
                securityGroups: [albGroup.id],
                subnets: vpc.publicSubnetIds,
                dropInvalidHeaderFields: true,
                enableDeletionProtection: this.protectStateful,
                accessLogs: { bucket: accessLogs.bucket.bucket, enabled: true, prefix: accessLogs.prefix },
            },
            // ELB writes a test object when logging is enabled: the bucket policy must exist first.
            { parent: this, dependsOn: [accessLogs.policy] },
        );
        const targets = new aws.lb.TargetGroup(
            `${name}-web`,
            {
                port: 8080,
                protocol: "HTTP",
                targetType: "instance",
                vpcId: vpc.vpcId,
                deregistrationDelay: 30,
                healthCheck: { path: "/", matcher: "200", interval: 30, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
            },
            { parent: this },
        );
        const listeners: aws.lb.Listener[] = [];
        if (https) {
            listeners.push(
                new aws.lb.Listener(
                    `${name}-https`,
                    {
                        loadBalancerArn: alb.arn,
                        port: 443,
                        protocol: "HTTPS",
                        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
                        certificateArn: s.certificateArn,
                        defaultActions: [{ type: "forward", targetGroupArn: targets.arn }],
                    },
                    { parent: this },
                ),
                new aws.lb.Listener(
                    `${name}-http`,
                    {
                        loadBalancerArn: alb.arn,
                        port: 80,
                        protocol: "HTTP",
                        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
                    },
                    { parent: this },
                ),
            );
        } else {
            listeners.push(
                new aws.lb.Listener(
                    `${name}-http`,
                    {
                        loadBalancerArn: alb.arn,
                        port: 80,
                        protocol: "HTTP",
                        defaultActions: [{ type: "forward", targetGroupArn: targets.arn }],
                        tags: acknowledgeTags({
                            "network-tls-listeners":
                                "No certificateArn is configured: the sample page is served over plain HTTP and only to the networks named in ingressCidrs",
                        }),
                    },
                    { parent: this },
                ),
            );
        }
        return { accessLogs, alb, targets, listeners };
    }

    /** The IIS task definition and the service that runs it on the capacity provider behind the target group. */
    private webService(name: string, s: Settings, containerImage: string | undefined, on: { cluster: aws.ecs.Cluster; logs: aws.cloudwatch.LogGroup; region: pulumi.Output<string>; capacity: aws.ecs.CapacityProvider; targets: aws.lb.TargetGroup; dependsOn: pulumi.Resource[] }): { taskDefinition: aws.ecs.TaskDefinition; service: aws.ecs.Service } {
        const { cluster, logs, region, capacity, targets, dependsOn } = on;
        const server = s.windowsServer;
        const taskDefinition = new aws.ecs.TaskDefinition(
            `${name}-iis`,
            {
                // Families are names in the region: two stacks registering one would share its revisions.
                family: `windows-simple-iis-${pulumi.getStack()}`,
                requiresCompatibilities: ["EC2"],
                runtimePlatform: { operatingSystemFamily: operatingSystemFamily(server), cpuArchitecture: "X86_64" },
                containerDefinitions: pulumi
                    .all([logs.name, region])
                    .apply(([group, r]) => JSON.stringify(windowsSimpleIisContainers(containerImage ?? iisImage(server), group, r))),
            },
            { parent: this },
        );
        const service = new aws.ecs.Service(
            `${name}-web`,
            {
                cluster: cluster.arn,
                taskDefinition: taskDefinition.arn,
                desiredCount: s.desiredTasks,
                // EC2 capacity through the provider (a service cannot name both a launch type and a strategy): tasks
                // waiting for an instance make managed scaling add one.
                capacityProviderStrategies: [{ capacityProvider: capacity.name, weight: 1, base: 0 }],
                loadBalancers: [{ targetGroupArn: targets.arn, containerName: CONTAINER_NAME, containerPort: 80 }],
                healthCheckGracePeriodSeconds: 300,
                deploymentMinimumHealthyPercent: 50,
                deploymentMaximumPercent: 200,
                deploymentCircuitBreaker: { enable: true, rollback: true },
                orderedPlacementStrategies: [
                    { type: "spread", field: "attribute:ecs.availability-zone" },
                    { type: "binpack", field: "memory" },
                ],
                enableEcsManagedTags: true,
                propagateTags: "SERVICE",
            },
            // Service auto scaling owns the desired count once the service exists.
            { parent: this, dependsOn, ignoreChanges: ["desiredCount"] },
        );
        return { taskDefinition, service };
    }

    /** Step scaling of the service's task count on its average CPU: out after 3 minutes above, in after 15 below. */
    private serviceScaling(name: string, s: Settings, cluster: aws.ecs.Cluster, service: aws.ecs.Service): void {
        const scaling = new aws.appautoscaling.Target(
            `${name}-web-scaling`,
            {
                serviceNamespace: "ecs",
                scalableDimension: "ecs:service:DesiredCount",
                resourceId: pulumi.interpolate`service/${cluster.name}/${service.name}`,
                minCapacity: s.minTasks,
                maxCapacity: s.maxTasks,
            },
            { parent: this },
        );
        const step = (direction: "out" | "in") =>
            new aws.appautoscaling.Policy(
                `${name}-web-scale-${direction}`,
                {
                    policyType: "StepScaling",
                    resourceId: scaling.resourceId,
                    scalableDimension: scaling.scalableDimension,
                    serviceNamespace: scaling.serviceNamespace,
                    stepScalingPolicyConfiguration: {
                        adjustmentType: "ChangeInCapacity",
                        metricAggregationType: "Average",
                        cooldown: direction === "out" ? 300 : 600,
                        stepAdjustments:
                            direction === "out"
                                ? [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }]
                                : [{ metricIntervalUpperBound: "0", scalingAdjustment: -1 }],
                    },
                },
                { parent: this },
            );
        const scaleOutPolicy = step("out");
        const scaleInPolicy = step("in");
        const dimensions = { ClusterName: cluster.name, ServiceName: service.name };
        new aws.cloudwatch.MetricAlarm(
            `${name}-web-cpu-high`,
            {
                alarmDescription: `Service CPU above ${s.scaleOutCpuPercent}% for 3 consecutive minutes: add a task`,
                namespace: "AWS/ECS",
                metricName: "CPUUtilization",
                dimensions,
                statistic: "Average",
                period: 60,
                evaluationPeriods: 3,
                datapointsToAlarm: 3,
                threshold: s.scaleOutCpuPercent,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "missing",
                alarmActions: [scaleOutPolicy.arn],
            },
            { parent: this },
        );
        new aws.cloudwatch.MetricAlarm(
            `${name}-web-cpu-low`,
            {
                alarmDescription: `Service CPU below ${s.scaleInCpuPercent}% for 15 consecutive minutes: remove a task`,
                namespace: "AWS/ECS",
                metricName: "CPUUtilization",
                dimensions,
                statistic: "Average",
                period: 60,
                evaluationPeriods: 15,
                datapointsToAlarm: 15,
                threshold: s.scaleInCpuPercent,
                comparisonOperator: "LessThanThreshold",
                treatMissingData: "missing",
                alarmActions: [scaleInPolicy.arn],
            },
            { parent: this },
        );
    }
}

// The scenario: `aws-blueprints:windowsContainers` builds this component from its settings; its outputs are the stack output of the
// same name. The registry (scenarios/index.ts) is generated from these entries.
export const windowsContainers = defineScenario({
    key: "windowsContainers",
    readme: { number: 2, title: "Windows containers on Amazon ECS" },
    declaration: windowsContainersSettings,
    build: (settings, shared) => {
        const cluster = new WindowsContainerCluster("windows-containers", { ...shared, ...settings });
        return pick(cluster, ["url", "clusterName", "serviceName", "taskDefinitionArn", "capacityProviderName", "autoScalingGroupName", "repositoryUrl", "logGroupName", "logKeyArn", "accessLogBucket", "vpcId"]);
    },
    checkWithGlobals: (s, globals) => (s.enabled ? protectedStackRules(s, globals) : []),
});
