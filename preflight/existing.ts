// What the stack would create that already exists: resources with explicit physical names, and the things an
// account or region holds once (a Config recorder and delivery channel, API Gateway's logging role, Inspector's
// enablement, a patch group's baseline). Where a name must be unique and what exists once come from the account
// model's facts (checks/account/facts.ts), the same rows the offline side-by-side checks use; this table adds, per
// type, the read-only call that finds an existing one and what AWS does then. What a deployed stack (its
// `pulumi stack export`) already holds is its own and no conflict.
import { APIGatewayClient, GetAccountCommand as GetApiGatewayAccountCommand, GetDomainNameCommand } from "@aws-sdk/client-api-gateway";
import { AthenaClient, GetWorkGroupCommand } from "@aws-sdk/client-athena";
import { BudgetsClient, DescribeBudgetCommand } from "@aws-sdk/client-budgets";
import { CloudTrailClient, GetTrailCommand } from "@aws-sdk/client-cloudtrail";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { ConfigServiceClient, DescribeConfigurationRecordersCommand, DescribeDeliveryChannelsCommand } from "@aws-sdk/client-config-service";
import { GetDatabaseCommand, GlueClient } from "@aws-sdk/client-glue";
import { BatchGetAccountStatusCommand, Inspector2Client } from "@aws-sdk/client-inspector2";
import { ECSClient, ListTaskDefinitionFamiliesCommand } from "@aws-sdk/client-ecs";
import { DescribeKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { GetBucketLocationCommand, S3Client } from "@aws-sdk/client-s3";
import { GetConfigurationSetCommand, GetEmailIdentityCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import { DescribePatchGroupsCommand, SSMClient } from "@aws-sdk/client-ssm";
import { factsOf } from "../checks/account/model";
import { TYPE_FACTS, TypeFacts } from "../checks/account/facts";
import { CheckContext, deployedOfType, errorName, exists, Finding, ofType, PlannedResource, settingsNaming } from "./model";

interface ExistingLookup {
    /**
     * Finds what exists: the names of existing instances (for a `name` lookup, the name if it exists). Read-only
     * Describe/Get/List calls only.
     */
    readonly find: (context: CheckContext, region: string, resource: PlannedResource, name?: string) => Promise<string[]>;
    readonly severity: "error" | "warning";
    /** What AWS does when the program creates it anyway. */
    readonly outcome: string;
    /** What to change; `{setting}` is replaced by the settings that hold the name, if any. */
    readonly fix: string;
}

const found = (name: string) => async (lookup: () => Promise<unknown>, absent: readonly string[]) => ((await exists(lookup, absent)) ? [name] : []);

/**
 * The lookup of each resource type that the program creates under a name it chooses, or that exists once per scope.
 * Every such type needs one (a test walks every stack and example); its scope and name input are the facts'.
 */
export const EXISTING_LOOKUPS: Readonly<Record<string, ExistingLookup>> = {
    // ---- once per account or region ----
    "aws:cfg/recorder:Recorder": {
        find: async (c, region) => ((await c.clients.in(ConfigServiceClient, region).send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders ?? []).map((r) => r.name ?? ""),
        severity: "error",
        outcome: "AWS Config keeps one configuration recorder per region: PutConfigurationRecorder fails with MaxNumberOfConfigurationRecordersExceededException",
        fix: "set compliantWebApp.createConfigRecorder to false: the stack's Config rules then use the region's recorder",
    },
    "aws:cfg/deliveryChannel:DeliveryChannel": {
        find: async (c, region) => ((await c.clients.in(ConfigServiceClient, region).send(new DescribeDeliveryChannelsCommand({}))).DeliveryChannels ?? []).map((d) => d.name ?? ""),
        severity: "error",
        outcome: "AWS Config keeps one delivery channel per region: PutDeliveryChannel fails with MaxNumberOfDeliveryChannelsExceededException",
        fix: "set compliantWebApp.createConfigRecorder to false (the recorder and its delivery channel come together)",
    },
    "aws:apigateway/account:Account": {
        find: async (c, region) => {
            const account = await c.clients.in(APIGatewayClient, region).send(new GetApiGatewayAccountCommand({}));
            return account.cloudwatchRoleArn ? [account.cloudwatchRoleArn] : [];
        },
        severity: "warning",
        outcome: "API Gateway has one CloudWatch logging role per region and account: the stack would replace it with its own, and whatever set it would set it back",
        fix: "set multiRegionApi.manageApiGatewayAccount to false where another stack or team manages the role",
    },
    "aws:inspector2/enabler:Enabler": {
        find: async (c, region) => {
            const status = await c.clients.in(Inspector2Client, region).send(new BatchGetAccountStatusCommand({ accountIds: [c.accountId] }));
            const state = status.accounts?.[0]?.resourceState;
            return [["EC2", state?.ec2?.status], ["ECR", state?.ecr?.status], ["Lambda", state?.lambda?.status]]
                .filter(([, s]) => s === "ENABLED" || s === "ENABLING")
                .map(([what]) => `Inspector scanning of ${what}`);
        },
        severity: "warning",
        outcome: "Amazon Inspector is enabled once per account and region: the stack would take over an enablement someone else made, and pulumi destroy would disable it for them",
        fix: "set patchInspectProtect.enableInspector to false: the stack still receives the findings",
    },
    "aws:ssm/patchGroup:PatchGroup": {
        find: async (c, region, r) => {
            const baseline = c.model.resources.find((b) => b.type === "aws:ssm/patchBaseline:PatchBaseline" && b.outputs.id === r.inputs.baselineId);
            const os = baseline?.inputs.operatingSystem ?? "WINDOWS";
            const groups = await c.clients
                .in(SSMClient, region)
                .send(new DescribePatchGroupsCommand({ Filters: [{ Key: "NAME_PREFIX", Values: [r.inputs.patchGroup] }, { Key: "OPERATING_SYSTEM", Values: [os] }] }));
            return (groups.Mappings ?? []).filter((m) => m.PatchGroup === r.inputs.patchGroup).map((m) => `patch group ${m.PatchGroup} -> ${m.BaselineIdentity?.BaselineName ?? m.BaselineIdentity?.BaselineId}`);
        },
        severity: "error",
        outcome: "a patch group has one patch baseline per operating system: RegisterPatchBaselineForPatchGroup fails with AlreadyExistsException",
        fix: "give the stack a patch group of its own (patchInspectProtect.patchGroup), or deregister the other baseline",
    },
    // ---- explicit names ----
    "aws:cloudwatch/logGroup:LogGroup": {
        find: async (c, region, _r, name) => {
            const groups = await c.clients.in(CloudWatchLogsClient, region).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 5 }));
            return (groups.logGroups ?? []).filter((g) => g.logGroupName === name).map((g) => g.logGroupName!);
        },
        severity: "error",
        outcome: "CreateLogGroup fails with ResourceAlreadyExistsException (log groups outlive what wrote to them, e.g. a deleted database's)",
        fix: "delete the old log group (after keeping what you need of it), or import it into the stack",
    },
    "aws:cloudtrail/trail:Trail": {
        find: (c, region, _r, name) => found(name!)(() => c.clients.in(CloudTrailClient, region).send(new GetTrailCommand({ Name: name })), ["TrailNotFoundException"]),
        severity: "error",
        outcome: "CreateTrail fails with TrailAlreadyExistsException",
        fix: "delete or rename the existing trail, or give the stack another environment name",
    },
    "aws:kms/alias:Alias": {
        find: (c, region, _r, name) => found(name!)(() => c.clients.in(KMSClient, region).send(new DescribeKeyCommand({ KeyId: name })), ["NotFoundException"]),
        severity: "error",
        outcome: "CreateAlias fails with AlreadyExistsException",
        fix: "delete the alias (a key scheduled for deletion keeps it until it is deleted), or give the stack another environment name",
    },
    "aws:athena/workgroup:Workgroup": {
        find: async (c, region, _r, name) => {
            try {
                await c.clients.in(AthenaClient, region).send(new GetWorkGroupCommand({ WorkGroup: name }));
                return [name!];
            } catch (err) {
                // Athena answers a missing workgroup with InvalidRequestException "WorkGroup ... is not found".
                if (errorName(err) === "InvalidRequestException" && /not found/i.test((err as Error).message)) return [];
                throw err;
            }
        },
        severity: "error",
        outcome: "CreateWorkGroup fails with InvalidRequestException (the workgroup exists)",
        fix: "delete the workgroup, or give the stack another environment name",
    },
    "aws:glue/catalogDatabase:CatalogDatabase": {
        find: (c, region, _r, name) => found(name!)(() => c.clients.in(GlueClient, region).send(new GetDatabaseCommand({ Name: name })), ["EntityNotFoundException"]),
        severity: "error",
        outcome: "CreateDatabase fails with AlreadyExistsException",
        fix: "drop the database, or give the stack another environment name",
    },
    "aws:rds/instance:Instance": {
        find: (c, region, _r, name) => found(name!)(() => c.clients.in(RDSClient, region).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: name })), ["DBInstanceNotFoundFault"]),
        severity: "error",
        outcome: "CreateDBInstance fails with DBInstanceAlreadyExists",
        fix: "delete the other database, or give the stack another environment name",
    },
    "aws:budgets/budget:Budget": {
        find: (c, region, _r, name) => found(name!)(() => c.clients.in(BudgetsClient, region).send(new DescribeBudgetCommand({ AccountId: c.accountId, BudgetName: name })), ["NotFoundException"]),
        severity: "error",
        outcome: "CreateBudget fails with DuplicateRecordException (budget names are unique in an account)",
        fix: "delete the other budget, or give the stack another environment name",
    },
    "aws:sesv2/configurationSet:ConfigurationSet": {
        find: (c, region, _r, name) => found(name!)(() => c.clients.in(SESv2Client, region).send(new GetConfigurationSetCommand({ ConfigurationSetName: name })), ["NotFoundException"]),
        severity: "error",
        outcome: "CreateConfigurationSet fails with AlreadyExistsException",
        fix: "delete the other configuration set, or give the stack another environment name",
    },
    "aws:sesv2/emailIdentity:EmailIdentity": {
        find: (c, region, _r, name) => found(name!)(() => c.clients.in(SESv2Client, region).send(new GetEmailIdentityCommand({ EmailIdentity: name })), ["NotFoundException"]),
        severity: "error",
        outcome: "CreateEmailIdentity fails with AlreadyExistsException (the identity is verified in this region already)",
        fix: "leave {setting} out and use the existing identity, or delete it first",
    },
    "aws:apigateway/domainName:DomainName": {
        find: (c, region, _r, name) => found(name!)(() => c.clients.in(APIGatewayClient, region).send(new GetDomainNameCommand({ domainName: name })), ["NotFoundException"]),
        severity: "error",
        outcome: "CreateDomainName fails: the custom domain name exists in this region",
        fix: "delete the other custom domain name, or choose another name ({setting})",
    },
    "aws:ecs/taskDefinition:TaskDefinition": {
        find: async (c, region, _r, name) => {
            const families = await c.clients.in(ECSClient, region).send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: name, status: "ACTIVE" }));
            return (families.families ?? []).filter((f) => f === name).map((f) => `task definition family ${f}`);
        },
        severity: "warning",
        // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
        outcome: "RegisterTaskDefinition adds a revision to the existing family: the stack's revisions interleave with the other owner's, and a destroy deregisters only its own",
        fix: "give the stack a family of its own (another environment name), unless the family is this stack's from an earlier deployment",
    },
    "aws:s3/bucket:Bucket": {
        find: async (c, region, _r, name) => {
            try {
                await c.clients.in(S3Client, region).send(new GetBucketLocationCommand({ Bucket: name }));
                return [`${name} (in this account)`];
            } catch (err) {
                if (errorName(err) === "NoSuchBucket") return [];
                // Bucket names are global: a bucket of another account answers AccessDenied.
                if (errorName(err) === "AccessDenied") return [`${name} (another account's)`];
                throw err;
            }
        },
        severity: "error",
        outcome: "CreateBucket fails with BucketAlreadyExists or BucketAlreadyOwnedByYou (bucket names are unique across all of AWS)",
        fix: "choose another bucket name ({setting})",
    },
};

/** Types whose existing instances another preflight check looks up, with where. */
export const LOOKED_UP_ELSEWHERE: Readonly<Record<string, string>> = {
    "aws:route53/record:Record": "preflight/dns.ts, with the hosted zone the settings name",
};

/** The explicit physical name a resource has, unless the name comes from another resource (known only at deployment). */
function explicitName(r: PlannedResource, input: string): string | undefined {
    const value = r.inputs[input];
    if (typeof value !== "string" || (r.propertyDependencies[input] ?? []).length > 0) return undefined;
    return value;
}

/** Whether the deployed stack holds this resource already (same type and name, or the type's singleton in the region). */
function ownedByStack(context: CheckContext, r: PlannedResource, facts: TypeFacts, name: string | undefined): boolean {
    const deployed = deployedOfType(context.model, r.type, facts.scope === "region" ? r.region : undefined);
    if (facts.singleton) return deployed.length > 0;
    return deployed.some((d) => d.id === name || d.inputs[facts.name!] === name || d.outputs[facts.name!] === name);
}

/** The types a stack creates under a name it chooses, or that exist once per scope: what the preflight must look up. */
export function typesNeedingLookup(resources: ReadonlyArray<{ type: string; inputs: Record<string, any>; propertyDependencies?: Readonly<Record<string, readonly unknown[]>> }>): string[] {
    const types = new Set<string>();
    for (const r of resources) {
        const facts = TYPE_FACTS[r.type];
        if (!facts || facts.scope === "parent" || facts.scope === "generated") continue;
        const named = facts.name !== undefined && typeof r.inputs[facts.name] === "string" && (r.propertyDependencies?.[facts.name] ?? []).length === 0;
        if (facts.singleton || named) types.add(r.type);
    }
    return [...types].sort();
}

export async function existingChecks(context: CheckContext): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const [type, lookup] of Object.entries(EXISTING_LOOKUPS)) {
        const facts = factsOf(type);
        for (const r of ofType(context.model, type)) {
            const name = facts.name ? explicitName(r, facts.name) : facts.singleton?.nameInput ? explicitName(r, facts.singleton.nameInput) : undefined;
            if (!facts.singleton && name === undefined) continue;
            if (ownedByStack(context, r, facts, name)) continue;
            const region = facts.scope === "region" ? r.region : context.model.region;
            const existing = await lookup.find(context, region, r, name);
            if (existing.length === 0) continue;
            const setting = name ? settingsNaming(context.model, name, `the name of ${r.name}`) : `the setting that creates ${r.name}`;
            findings.push({
                severity: lookup.severity,
                check: "existing",
                subject: name ? `${type} ${name}` : `${type} ${r.name}`,
                region: facts.scope === "region" ? region : undefined,
                problem: `${existing.join(", ")} exists already: ${lookup.outcome}`,
                fix: lookup.fix.replace("{setting}", setting),
            });
        }
    }
    return findings;
}
