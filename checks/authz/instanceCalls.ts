// The AWS calls software on the stack's EC2 instances makes with the instance role, as far as the user data and the
// agents' documentation tell them: each instance profile's role is judged on them through its inline policies. AWS
// managed policies attached to a role are not in the stack; they are named in each result and their calls left out.
import type { RecordedResource } from "../../engine/mocks";
import { AuthzRequest, StackIndex, WireBuilder } from "./wires";

/** One call of an instance's software. */
export interface InstanceCall {
    /** Who makes it and why (user data, agent, driver). */
    readonly why: string;
    readonly action: string;
    readonly resource: string;
    readonly context?: Record<string, string | string[]>;
}

/** An instance profile of the stack, as a declaration sees it. */
export interface StackInstance {
    readonly ix: StackIndex;
    /** The scenario's component the profile belongs to. */
    readonly component: RecordedResource;
    readonly profile: RecordedResource;
    readonly role: RecordedResource;
}

/** The calls of one kind of instance; a string says why none are judged. */
export type InstanceRun = ((i: StackInstance) => InstanceCall[]) | string;

const INSTANCE_ID = "i-0123456789abcdef0";

const under = (ix: StackIndex, component: RecordedResource, type: string, name?: string): RecordedResource | undefined => {
    const inside = (r: RecordedResource): boolean => {
        const parent = ix.resources.find((p) => p.urn === r.parentUrn);
        return parent ? parent.urn === component.urn || inside(parent) : false;
    };
    return ix.ofType(type).find((r) => inside(r) && (name === undefined || r.name === name));
};

const s3Location = (uri: string): { bucket: string; prefix: string } => {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
    if (!m) throw new Error(`${uri} is not an s3:// location`);
    return { bucket: m[1], prefix: m[2] };
};

/** What the SSM agent calls to stay registered and carry Session Manager sessions, when the role grants it inline. */
function sessionManagerCalls({ ix }: StackInstance): InstanceCall[] {
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
    const why = "the SSM agent (Session Manager)";
    return [
        { why, action: "ssm:UpdateInstanceInformation", resource: `arn:aws:ec2:${ix.region}:${ix.account}:instance/${INSTANCE_ID}` },
        ...["CreateControlChannel", "CreateDataChannel", "OpenControlChannel", "OpenDataChannel"].map((a) => ({ why, action: `ssmmessages:${a}`, resource: "*" })),
    ];
}

/** Per scenario component type and instance role (the profile's name after the component's): its instances' calls. */
export const INSTANCE_CALLS: Readonly<Record<string, InstanceRun>> = {
    "aws-blueprints:analytics:AthenaAnalytics/workstation": (i) => {
        const { ix, component } = i;
        const workgroup = under(ix, component, "aws:athena/workgroup:Workgroup")!;
        const database = under(ix, component, "aws:glue/catalogDatabase:CatalogDatabase")!;
        const table = under(ix, component, "aws:glue/catalogTable:CatalogTable")!;
        const secret = under(ix, component, "aws:secretsmanager/secret:Secret")!;
        const logs = under(ix, component, "aws:cloudwatch/logGroup:LogGroup", `${component.name}-workstation-logs`)!;
        const { region, account } = ix;
        const workgroupArn = workgroup.outputs.arn ?? `arn:aws:athena:${region}:${account}:workgroup/${workgroup.inputs.name}`;
        const results = s3Location(workgroup.inputs.configuration.resultConfiguration.outputLocation);
        const data = s3Location(table.inputs.storageDescriptor.location);
        const glue = (resource: string) => `arn:aws:glue:${region}:${account}:${resource}`;
        const db = database.outputs.name ?? database.inputs.name;
        const tableName = table.outputs.name ?? table.inputs.name;
        const resultObject = `arn:aws:s3:::${results.bucket}/${results.prefix}0a1b2c3d-0000-4000-8000-000000000003.csv`;
        // S3 and Glue calls of a query are made by Athena with the caller's credentials
        // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-calledvia).
        const viaAthena = { "aws:CalledVia": ["athena.amazonaws.com"] };
        const driver = "the Athena JDBC driver (RJDBC in RStudio)";
        const query = `${driver} runs a query`;
        const glueTable = [glue("catalog"), glue(`database/${db}`), glue(`table/${db}/${tableName}`)];
        return [
            // User data: the password service reads the secret at every boot.
            { why: "the user data (aws secretsmanager get-secret-value)", action: "secretsmanager:GetSecretValue", resource: secret.outputs.arn },
            // The CloudWatch agent ships the setup and RStudio logs to the workstation's log group
            // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/create-iam-roles-for-cloudwatch-agent.html).
            ...["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"].map((action) => ({
                why: "the CloudWatch agent",
                action,
                resource: `${logs.outputs.arn}:log-stream:${INSTANCE_ID}`,
            })),
            ...sessionManagerCalls(i),
            // A query in the workgroup, as the driver runs it
            // (https://docs.aws.amazon.com/athena/latest/ug/managed-policies.html, https://docs.aws.amazon.com/athena/latest/ug/workgroups-access.html).
            ...["GetWorkGroup", "StartQueryExecution", "GetQueryExecution", "GetQueryResults", "GetQueryRuntimeStatistics", "StopQueryExecution", "ListQueryExecutions", "BatchGetQueryExecution"].map((a) => ({
                why: query,
                action: `athena:${a}`,
                resource: workgroupArn,
            })),
            // The post's notebook and the connection pane: named queries and the catalog.
            ...["ListNamedQueries", "GetNamedQuery", "BatchGetNamedQuery"].map((a) => ({ why: "the post's notebook (named queries)", action: `athena:${a}`, resource: workgroupArn })),
            ...["GetDataCatalog", "ListDatabases", "GetDatabase", "ListTableMetadata", "GetTableMetadata"].map((a) => ({
                why: `${driver} lists the catalog`,
                action: `athena:${a}`,
                resource: `arn:aws:athena:${region}:${account}:datacatalog/AwsDataCatalog`,
            })),
            // Glue is checked on the resource and each ancestor (https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html).
            ...["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"].flatMap((action) =>
                glueTable.slice(0, action === "glue:GetDatabase" ? 2 : 3).map((resource) => ({ why: query, action, resource, context: viaAthena })),
            ),
            ...[glue("catalog"), glue(`database/${db}`), glue(`table/${db}/*`)].map((resource) => ({ why: `${driver} lists the tables`, action: "glue:GetTables", resource, context: viaAthena })),
            ...[glue("catalog"), glue("database/*")].map((resource) => ({ why: `${driver} lists the databases`, action: "glue:GetDatabases", resource, context: viaAthena })),
            ...[glue("catalog"), glue("database/default")].map((resource) => ({ why: "Athena checks the default database", action: "glue:GetDatabase", resource, context: viaAthena })),
            // The data the table reads.
            { why: query, action: "s3:GetBucketLocation", resource: `arn:aws:s3:::${data.bucket}`, context: viaAthena },
            { why: query, action: "s3:ListBucket", resource: `arn:aws:s3:::${data.bucket}`, context: { ...viaAthena, "s3:prefix": data.prefix } },
            { why: query, action: "s3:GetObject", resource: `arn:aws:s3:::${data.bucket}/${data.prefix}part-00000.parquet`, context: viaAthena },
            // Results, written by Athena and read back by the driver
            // (https://docs.aws.amazon.com/athena/latest/ug/querying.html#query-results-specify-location).
            ...["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"].map((action) => ({ why: query, action, resource: `arn:aws:s3:::${results.bucket}`, context: viaAthena })),
            ...["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"].map((action) => ({ why: query, action, resource: resultObject, context: viaAthena })),
        ];
    },
    "aws-blueprints:operations:PatchInspectProtect/server": (i) => {
        const { ix, component } = i;
        const group = under(ix, component, "aws:cloudwatch/logGroup:LogGroup", `${component.name}-patching`)!;
        const why = "the SSM agent streams Run Command output";
        // https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-rc-setting-up-cwlogs.html; the stream is
        // <command id>/<instance id>/<plugin>/stdout. The agent's own registration, patching and inventory calls are
        // granted by AmazonSSMManagedInstanceCore, which is AWS managed and not evaluated here.
        const stream = `${group.outputs.arn}:log-stream:0a1b2c3d-0000-4000-8000-000000000004/${INSTANCE_ID}/PatchWindows/stdout`;
        return [
            { why, action: "logs:CreateLogGroup", resource: group.outputs.arn },
            { why, action: "logs:DescribeLogGroups", resource: "*" },
            { why, action: "logs:DescribeLogStreams", resource: group.outputs.arn },
            { why, action: "logs:CreateLogStream", resource: stream },
            { why, action: "logs:PutLogEvents", resource: stream },
        ];
    },
    "aws-blueprints:compliance:CompliantWebApp/app": ({ ix, component }) => {
        // The application connects to the database as its IAM database user; RDS authorizes the token with rds-db:connect
        // on that user (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html).
        const database = under(ix, component, "aws:rds/instance:Instance")!;
        const template = under(ix, component, "aws:ec2/launchTemplate:LaunchTemplate", `${component.name}-app`)!;
        const script = Buffer.from(String(template.inputs.userData), "base64").toString("utf8");
        const user = /^export DB_USER=(.+)$/m.exec(script)?.[1];
        if (!user) throw new Error(`${template.name}: the user data names no DB_USER`);
        return [{ why: "the application (IAM database authentication)", action: "rds-db:connect", resource: `arn:aws:rds-db:${ix.region}:${ix.account}:dbuser:${database.outputs.resourceId}/${user}` }];
    },
    "aws-blueprints:compliance:CompliantWebApp/web":
        "nginx proxies to the internal load balancer and calls no AWS API; the SSM agent's calls are granted by AmazonSSMManagedInstanceCore (AWS managed, not evaluated)",
    "aws-blueprints:compliance:CompliantWebApp/bastion":
        "the MySQL client reaches the database through the peering without AWS calls; the SSM agent's calls are granted by AmazonSSMManagedInstanceCore (AWS managed, not evaluated)",
    "aws-blueprints:containers:WindowsContainerCluster/hosts":
        "the role has no inline statements: the ECS agent (RegisterContainerInstance, ECR pulls, awslogs for tasks without an execution role) is granted by AmazonEC2ContainerServiceforEC2Role and the SSM agent by AmazonSSMManagedInstanceCore, both AWS managed and not in the stack, so they are not evaluated",
};

/** The scenario component a resource belongs to (its topmost ancestor) and the profile's key in INSTANCE_CALLS. */
function declarationKey(ix: StackIndex, profile: RecordedResource): { key: string; component?: RecordedResource } {
    let component = ix.resources.find((r) => r.urn === profile.parentUrn);
    for (let parent = component; parent; parent = ix.resources.find((r) => r.urn === parent!.parentUrn)) component = parent;
    if (!component) return { key: `(no component)/${profile.name}` };
    const suffix = (profile.name.startsWith(`${component.name}-`) ? profile.name.slice(component.name.length + 1) : profile.name).replace(/-profile$/, "");
    return { key: `${component.type}/${suffix}`, component };
}

/** Every known call of every instance profile's role in the stack, and the profiles INSTANCE_CALLS does not know. */
export function enumerateInstanceCalls(resources: readonly RecordedResource[]): { requests: AuthzRequest[]; unexercised: string[] } {
    const ix = new StackIndex(resources);
    const w = new WireBuilder(ix);
    const unexercised: string[] = [];
    for (const profile of ix.ofType("aws:iam/instanceProfile:InstanceProfile")) {
        const { key, component } = declarationKey(ix, profile);
        const run = INSTANCE_CALLS[key];
        if (run === undefined || !component) {
            unexercised.push(key);
            continue;
        }
        if (typeof run === "string") continue;
        const role = ix.ofType("aws:iam/role:Role").find((r) => [r.outputs.name, r.outputs.id, r.inputs.name].includes(profile.inputs.role));
        if (!role) throw new Error(`${profile.name}: its role ${profile.inputs.role} is not in the stack`);
        for (const call of run({ ix, component, profile, role })) {
            w.roleCalls(role, call.action, call.resource, { name: profile.name }, `instance ${profile.name}: ${call.why} calls ${call.action}`, (call.context ?? {}) as Record<string, string>);
        }
    }
    return { requests: w.requests.map((r) => ({ ...r, description: r.description.replace(/: [^:]+ calls [^ ]+$/, "") })), unexercised };
}
