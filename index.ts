// Composition root: validated settings in, one component per enabled scenario, outputs per scenario.
import "./components/runtime";
import { BlueprintArgs } from "./components/common";
import { CompliantWebApp } from "./scenarios/compliantWebApp/component";
import { MultiRegionApi } from "./scenarios/multiRegionApi/component";
import { OpsAutomator } from "./scenarios/opsAutomator/component";
import { PatchInspectProtect } from "./scenarios/patchInspectProtect/component";
import { SafeDeployPipeline } from "./scenarios/safeDeployPipeline/component";
import { SecurityGroupGuard } from "./scenarios/securityGroupGuard/component";
import { WindowsContainerCluster } from "./scenarios/windowsContainers/component";
import { SniLoadBalancer } from "./scenarios/sniLoadBalancer/component";
import { AthenaAnalytics } from "./scenarios/athenaAnalytics/component";
import { ImageHandler } from "./scenarios/imageHandler/component";
import { SesTracking } from "./scenarios/sesTracking/component";
import { BudgetGuardrail } from "./scenarios/budgetGuardrail/component";
import { SpotFleet } from "./scenarios/spotFleet/component";
import { LambdaCanaryDeployer } from "./scenarios/lambdaCanary/component";
import { loadSettings } from "./components/settings";

const settings = loadSettings();
const shared: BlueprintArgs = {
    tags: settings.tags,
    protect: settings.protect,
    logRetentionDays: settings.logRetentionDays,
};

function buildSecurityGroupGuard() {
    const s = settings.securityGroupGuard;
    if (!s.enabled) return undefined;
    const guard = new SecurityGroupGuard("sg-guard", {
        ...shared,
        monitoredGroupIds: s.monitoredGroupIds,
        monitoredTag: s.monitoredTag,
        approvedPrincipalArns: s.approvedPrincipalArns,
        exemptDeployingRole: s.exemptDeployingRole,
        createSampleGroup: s.createSampleGroup,
        sampleGroupVpcId: s.sampleGroupVpcId,
        createTrail: s.createTrail,
        memorySizeMb: s.memorySizeMb,
        notificationEmail: settings.notificationEmail,
    });
    return {
        topicArn: guard.topicArn,
        functionName: guard.functionName,
        ruleArn: guard.ruleArn,
        failureQueueUrl: guard.failureQueueUrl,
        monitoredGroupIds: guard.monitoredGroupIds,
        sampleGroupId: guard.sampleGroupId,
        trailArn: guard.trailArn,
    };
}

function buildWindowsContainers() {
    const s = settings.windowsContainers;
    if (!s.enabled) return undefined;
    const cluster = new WindowsContainerCluster("windows-containers", {
        ...shared,
        windowsServer: s.windowsServer,
        instanceType: s.instanceType,
        minInstances: s.minInstances,
        maxInstances: s.maxInstances,
        rootVolumeGb: s.rootVolumeGb,
        availabilityZones: s.availabilityZones,
        natGateways: s.natGateways,
        vpcCidr: s.vpcCidr,
        certificateArn: s.certificateArn,
        ingressCidrs: s.ingressCidrs,
        desiredTasks: s.desiredTasks,
        minTasks: s.minTasks,
        maxTasks: s.maxTasks,
        scaleOutCpuPercent: s.scaleOutCpuPercent,
        scaleInCpuPercent: s.scaleInCpuPercent,
        containerInsights: s.containerInsights,
        keepImages: s.keepImages,
        accessLogRetentionDays: s.accessLogRetentionDays,
    });
    return {
        url: cluster.url,
        clusterName: cluster.clusterName,
        serviceName: cluster.serviceName,
        taskDefinitionArn: cluster.taskDefinitionArn,
        capacityProviderName: cluster.capacityProviderName,
        autoScalingGroupName: cluster.autoScalingGroupName,
        repositoryUrl: cluster.repositoryUrl,
        logGroupName: cluster.logGroupName,
        logKeyArn: cluster.logKeyArn,
        accessLogBucket: cluster.accessLogBucket,
        vpcId: cluster.vpcId,
    };
}

function buildOpsAutomator() {
    const s = settings.opsAutomator;
    if (!s.enabled) return undefined;
    const engine = new OpsAutomator("ops-automator", {
        ...shared,
        scheduleMinutes: s.scheduleMinutes,
        snapshotTask: s.snapshotTask,
        deleteExpiredSnapshots: s.deleteExpiredSnapshots,
        defaultRetentionDays: s.defaultRetentionDays,
        memorySizeMb: s.memorySizeMb,
        timeoutSeconds: s.timeoutSeconds,
        notificationEmail: settings.notificationEmail,
    });
    return {
        tableName: engine.tableName,
        topicArn: engine.topicArn,
        functionName: engine.functionName,
        ruleArn: engine.ruleArn,
        scheduleExpression: engine.scheduleExpression,
        snapshotMarker: engine.snapshotMarker,
    };
}

function buildPatchInspectProtect() {
    const s = settings.patchInspectProtect;
    if (!s.enabled) return undefined;
    const pip = new PatchInspectProtect("patch-inspect-protect", {
        ...shared,
        instanceType: s.instanceType,
        windowsServerVersion: s.windowsServerVersion,
        vpcId: s.vpcId,
        subnetId: s.subnetId,
        rootVolumeGb: s.rootVolumeGb,
        dataVolumeGb: s.dataVolumeGb,
        patchGroup: s.patchGroup,
        approveAfterDays: s.approveAfterDays,
        maintenanceSchedule: s.maintenanceSchedule,
        maintenanceDurationHours: s.maintenanceDurationHours,
        enableInspector: s.enableInspector,
        minimumSeverity: s.minimumSeverity,
        snapshotTimes: s.snapshotTimes,
        snapshotRetentionDays: s.snapshotRetentionDays,
        snapshotTimeZone: s.snapshotTimeZone,
        snapshotDays: s.snapshotDays,
        notificationEmail: settings.notificationEmail,
    });
    return {
        instanceId: pip.instanceId,
        dataVolumeId: pip.dataVolumeId,
        patchBaselineId: pip.patchBaselineId,
        maintenanceWindowId: pip.maintenanceWindowId,
        patchLogGroupName: pip.patchLogGroupName,
        findingsTopicArn: pip.findingsTopicArn,
        snapshotTags: pip.snapshotTags,
        // The tags only take effect where an Ops Automator with the snapshot task runs in the same account and region.
        snapshotsScheduledBy: settings.opsAutomator.enabled && settings.opsAutomator.snapshotTask ? "opsAutomator" : "none in this stack",
    };
}

function buildSafeDeployPipeline() {
    const s = settings.safeDeployPipeline;
    if (!s.enabled) return undefined;
    const pipeline = new SafeDeployPipeline("safe-deploy", {
        ...shared,
        stackNamePrefix: s.stackNamePrefix ?? `blueprints-${settings.environment}-`,
        source: s.source,
        deploySample: s.deploySample,
        inputFile: s.inputFile,
        deploymentRoleArn: s.deploymentRoleArn,
        conditionalReplacementIsUnsafe: s.conditionalReplacementIsUnsafe,
        pollIntervalSeconds: s.pollIntervalSeconds,
        maxPolls: s.maxPolls,
        notificationEmail: settings.notificationEmail,
    });
    return {
        pipelineName: pipeline.pipelineName,
        stateMachineArn: pipeline.stateMachineArn,
        artifactBucket: pipeline.artifactBucket,
        sourceBucket: pipeline.sourceBucket,
        sourceObjectKey: pipeline.sourceObjectKey,
        stackNamePrefix: pipeline.stackNamePrefix,
        sampleStackName: pipeline.sampleStackName,
        deploymentRoleArn: pipeline.deploymentRoleArn,
        triggerFunctionName: pipeline.triggerFunctionName,
        inspectFunctionName: pipeline.inspectFunctionName,
        topicArn: pipeline.topicArn,
    };
}

function buildMultiRegionApi() {
    const s = settings.multiRegionApi;
    if (!s.enabled || s.domainName === undefined || s.hostedZoneId === undefined) return undefined;
    const api = new MultiRegionApi("multi-region-api", {
        ...shared,
        domainName: s.domainName,
        hostedZoneId: s.hostedZoneId,
        regions: s.regions,
        unhealthyRegions: s.unhealthyRegions,
        corsAllowOrigin: s.corsAllowOrigin,
        deployClient: s.deployClient,
        clientPriceClass: s.clientPriceClass,
        clientDomainName: s.clientDomainName,
        healthCheckerRegions: s.healthCheckerRegions,
        throttleRateLimit: s.throttleRateLimit,
        throttleBurstLimit: s.throttleBurstLimit,
        manageApiGatewayAccount: s.manageApiGatewayAccount,
        memorySizeMb: s.memorySizeMb,
        notificationEmail: settings.notificationEmail,
    });
    return {
        url: api.url,
        regionalEndpoints: api.regionalEndpoints,
        healthCheckIds: api.healthCheckIds,
        alarmTopicArn: api.alarmTopicArn,
        clientUrl: api.clientUrl,
        clientBucketName: api.clientBucketName,
        clientDistributionId: api.clientDistributionId,
    };
}

function buildCompliantWebApp() {
    const s = settings.compliantWebApp;
    if (!s.enabled || s.hostedZoneId === undefined || s.internalDomainName === undefined) return undefined;
    const app = new CompliantWebApp("cjis", {
        ...shared,
        hostedZoneId: s.hostedZoneId,
        sites: s.sites,
        internalDomainName: s.internalDomainName,
        network: s.network,
        web: s.web,
        app: s.app,
        database: s.database,
        bastion: s.bastion,
        createConfigRecorder: s.createConfigRecorder,
        auditRetentionDays: s.auditRetentionDays,
        accessLogRetentionDays: s.accessLogRetentionDays,
        notificationEmail: settings.notificationEmail,
    });
    return {
        siteUrls: app.siteUrls,
        loadBalancerDnsName: app.loadBalancerDnsName,
        internalUrl: app.internalUrl,
        productionVpcId: app.productionVpcId,
        managementVpcId: app.managementVpcId,
        peeringConnectionId: app.peeringConnectionId,
        webGroupName: app.webGroupName,
        appGroupName: app.appGroupName,
        databaseAddress: app.databaseAddress,
        databaseResourceId: app.databaseResourceId,
        databaseSecretArn: app.databaseSecretArn,
        iamDatabaseUser: app.iamDatabaseUser,
        trailArn: app.trailArn,
        auditBucketName: app.auditBucketName,
        flowLogGroupName: app.flowLogGroupName,
        securityTopicArn: app.securityTopicArn,
        keyArn: app.keyArn,
        bastionPublicIp: app.bastionPublicIp,
    };
}

function buildSniLoadBalancer() {
    const s = settings.sniLoadBalancer;
    if (!s.enabled) return undefined;
    const lb = new SniLoadBalancer("sni-lb", {
        ...shared,
        hostedZoneId: s.hostedZoneId,
        sites: s.sites,
        vpcId: s.vpcId,
        subnetIds: s.subnetIds,
        targetPort: s.targetPort,
        targetProtocol: s.targetProtocol,
        healthCheckPath: s.healthCheckPath,
        ipAddressType: s.ipAddressType,
        accessLogRetentionDays: s.accessLogRetentionDays,
        certificateExpiryAlarmDays: s.certificateExpiryAlarmDays,
        notificationEmail: settings.notificationEmail,
    });
    return {
        siteUrls: lb.siteUrls,
        dnsName: lb.dnsName,
        httpsListenerArn: lb.httpsListenerArn,
        targetGroupArns: lb.targetGroupArnsByDomain,
        certificateArns: lb.certificateArns,
        securityGroupId: lb.securityGroupId,
        accessLogBucket: lb.accessLogBucket,
        alarmTopicArn: lb.alarmTopicArn,
    };
}

function buildSesTracking() {
    const s = settings.sesTracking;
    if (!s.enabled) return undefined;
    const ses = new SesTracking("ses-tracking", {
        ...shared,
        configurationSetName: s.configurationSetName,
        eventDestinations: s.eventDestinations,
        campaignTag: s.campaignTag,
        bounceRateThreshold: s.bounceRateThreshold,
        complaintRateThreshold: s.complaintRateThreshold,
        domain: s.domain,
        hostedZoneId: s.hostedZoneId,
        notificationEmail: settings.notificationEmail,
    });
    return {
        configurationSetName: ses.configurationSetName,
        configurationSetArn: ses.configurationSetArn,
        eventsTopicArn: ses.eventsTopicArn,
        alertsTopicArn: ses.alertsTopicArn,
        alarmNames: ses.alarmNames,
        identityArn: ses.identityArn,
        dkimRecordNames: ses.dkimRecordNames,
    };
}

function buildImageHandler() {
    const s = settings.imageHandler;
    if (!s.enabled) return undefined;
    const images = new ImageHandler("image-handler", {
        ...shared,
        priceClass: s.priceClass,
        architecture: s.architecture,
        memorySizeMb: s.memorySizeMb,
        maxWidth: s.maxWidth,
        maxHeight: s.maxHeight,
        maxSourceBytes: s.maxSourceMegabytes * 1024 * 1024,
        maxSourcePixels: s.maxSourceMegapixels * 1_000_000,
        defaultQuality: s.defaultQuality,
        defaultTtlSeconds: s.defaultTtlSeconds,
        reservedConcurrency: s.reservedConcurrency,
        notificationEmail: settings.notificationEmail,
    });
    return {
        url: images.url,
        distributionId: images.distributionId,
        sourceBucketName: images.sourceBucketName,
        functionName: images.functionName,
        functionUrl: images.functionUrl,
        alertsTopicArn: images.alertsTopicArn,
    };
}

function buildAthenaAnalytics() {
    const s = settings.athenaAnalytics;
    if (!s.enabled) return undefined;
    const athena = new AthenaAnalytics("athena-analytics", {
        ...shared,
        databaseName: s.databaseName,
        dataLocation: s.dataLocation,
        bytesScannedCutoffMb: s.bytesScannedCutoffMb,
        resultsExpirationDays: s.resultsExpirationDays,
        createWorkstation: s.createWorkstation,
        instanceType: s.instanceType,
        subnetId: s.subnetId,
        subnetType: s.subnetType,
        allowedCidr: s.allowedCidr,
        rootVolumeSizeGb: s.rootVolumeSizeGb,
        rstudioUser: s.rstudioUser,
        rstudioServerVersion: s.rstudioServerVersion,
        rstudioServerSha256: s.rstudioServerSha256,
    });
    return {
        databaseName: athena.databaseName,
        tableName: athena.tableName,
        workgroupName: athena.workgroupName,
        dataLocation: athena.dataLocation,
        dataBucketName: athena.dataBucketName,
        resultsLocation: athena.resultsLocation,
        namedQueryIds: athena.namedQueryIds,
        rstudioUrl: athena.rstudioUrl,
        portForwardCommand: athena.portForwardCommand,
        instanceId: athena.instanceId,
        passwordSecretArn: athena.passwordSecretArn,
        setupLogGroupName: athena.setupLogGroupName,
    };
}

function buildSpotFleet() {
    const s = settings.spotFleet;
    if (!s.enabled) return undefined;
    const fleet = new SpotFleet("spot-fleet", {
        ...shared,
        instanceTypes: s.instanceTypes,
        desiredCapacity: s.desiredCapacity,
        minSize: s.minSize,
        maxSize: s.maxSize,
        onDemandBaseCapacity: s.onDemandBaseCapacity,
        onDemandPercentageAboveBaseCapacity: s.onDemandPercentageAboveBaseCapacity,
        maxPrice: s.maxPrice,
        interruptionBehavior: s.interruptionBehavior,
        rootVolumeSizeGiB: s.rootVolumeSizeGiB,
        vpcId: s.vpcId,
        subnetIds: s.subnetIds,
        capacityRebalance: s.capacityRebalance,
        instanceTags: s.instanceTags,
        notificationEmail: settings.notificationEmail,
    });
    return {
        interruptionBehavior: fleet.interruptionBehavior,
        autoScalingGroupName: fleet.autoScalingGroupName,
        instanceIds: fleet.instanceIds,
        launchTemplateId: fleet.launchTemplateId,
        securityGroupId: fleet.securityGroupId,
        imageId: fleet.imageId,
        topicArn: fleet.topicArn,
        ruleArn: fleet.ruleArn,
    };
}

function buildBudgetGuardrail() {
    const s = settings.budgetGuardrail;
    if (!s.enabled) return undefined;
    const guardrail = new BudgetGuardrail("budget-guardrail", {
        ...shared,
        budgetName: s.budgetName,
        limitAmount: s.limitAmount,
        currency: s.currency,
        timeUnit: s.timeUnit,
        service: s.service,
        projectTag: s.projectTag,
        enforceAtPercent: s.enforceAtPercent,
        forecastWarningPercent: s.forecastWarningPercent,
        createTestUser: s.createTestUser,
        createTestFleet: s.createTestFleet,
        testFleetInstanceTypes: s.testFleetInstanceTypes,
        testFleetSize: s.testFleetSize,
        memorySizeMb: s.memorySizeMb,
        notificationEmail: settings.notificationEmail,
    });
    return {
        budgetName: guardrail.budgetName,
        topicArn: guardrail.topicArn,
        groupName: guardrail.groupName,
        enforceStateMachineArn: guardrail.enforceStateMachineArn,
        restoreStateMachineArn: guardrail.restoreStateMachineArn,
        alertFunctionName: guardrail.alertFunctionName,
        enforcementFunctionName: guardrail.enforcementFunctionName,
        failureQueueUrl: guardrail.failureQueueUrl,
        testUserName: guardrail.testUserName,
        // A Pulumi secret: `pulumi stack output budgetGuardrail --show-secrets` reveals it to whoever may decrypt the stack.
        testUserPassword: guardrail.testUserPassword,
        consoleSignInUrl: guardrail.consoleSignInUrl,
        testFleetGroupName: guardrail.testFleet?.autoScalingGroupName,
    };
}

function buildLambdaCanary() {
    const s = settings.lambdaCanary;
    if (!s.enabled) return undefined;
    const canary = new LambdaCanaryDeployer("lambda-canary", {
        ...shared,
        targetFunctionNames: s.targetFunctionNames,
        targetFunctionPrefix: s.targetFunctionPrefix,
        alarmNames: s.alarmNames,
        alarmNamePrefix: s.alarmNamePrefix,
        maxErrorRate: s.maxErrorRate,
        minInvocations: s.minInvocations,
        onInsufficientData: s.onInsufficientData,
        maxInsufficientDataWaits: s.maxInsufficientDataWaits,
        createSimpleDeployer: s.createSimpleDeployer,
        simpleDeployerTimeoutSeconds: s.simpleDeployerTimeoutSeconds,
        createDemo: s.createDemo,
        demoAliasName: s.demoAliasName,
        memorySizeMb: s.memorySizeMb,
        notificationEmail: settings.notificationEmail,
    });
    return {
        stateMachineArn: canary.stateMachineArn,
        topicArn: canary.topicArn,
        executionsFailedAlarmName: canary.executionsFailedAlarmName,
        simpleDeployerFunctionName: canary.simpleDeployerFunctionName,
        demoFunctionName: canary.demoFunctionName,
        demoAliasName: canary.demoAliasName,
        demoStableVersion: canary.demoStableVersion,
        demoCandidateVersion: canary.demoCandidateVersion,
        demoExecutionInput: canary.demoExecutionInput,
    };
}

export const environment = settings.environment;
export const securityGroupGuard = buildSecurityGroupGuard();
export const safeDeployPipeline = buildSafeDeployPipeline();
export const windowsContainers = buildWindowsContainers();
export const opsAutomator = buildOpsAutomator();
export const patchInspectProtect = buildPatchInspectProtect();
export const multiRegionApi = buildMultiRegionApi();
export const compliantWebApp = buildCompliantWebApp();
export const sniLoadBalancer = buildSniLoadBalancer();
export const sesTracking = buildSesTracking();
export const imageHandler = buildImageHandler();
export const athenaAnalytics = buildAthenaAnalytics();
export const spotFleet = buildSpotFleet();
export const budgetGuardrail = buildBudgetGuardrail();
export const lambdaCanary = buildLambdaCanary();
