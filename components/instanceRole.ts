// The role and instance profile of EC2 instances: AWS-managed policies made for one agent (ECS, SSM) plus exact
// inline statements.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, Statement, validateStatements } from "./iam";

export interface InstanceRoleArgs {
    /** What the instances are. */
    readonly description: string;
    /**
     * AWS-managed policies by path and name under `arn:<partition>:iam::aws:policy/`, e.g.
     * `AmazonSSMManagedInstanceCore`. Broad policies (`*FullAccess`, `PowerUser*`, `AdministratorAccess`) are refused.
     */
    readonly managedPolicies: readonly string[];
    /** Inline permissions besides the managed policies. @default [] */
    readonly statements?: readonly Statement[];
}

/** An EC2 instance role with its instance profile. Children: `${name}-role`, one attachment per policy, `${name}-policy`, `${name}-profile`. */
export class InstanceRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly profile: aws.iam.InstanceProfile;
    readonly arn: pulumi.Output<string>;
    readonly profileArn: pulumi.Output<string>;
    readonly profileName: pulumi.Output<string>;

    constructor(name: string, args: InstanceRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-blueprints:shared:InstanceRole", name, {}, opts);
        for (const p of args.managedPolicies) {
            if (!/^([A-Za-z0-9-]+\/)*[A-Za-z0-9_+=,.@-]+$/.test(p) || /FullAccess|PowerUser|AdministratorAccess/.test(p)) {
                throw new Error(`${name}: managedPolicies entry "${p}" must name a narrow AWS-managed policy (no *FullAccess, PowerUser or AdministratorAccess)`);
            }
        }
        const statements = args.statements ?? [];
        validateStatements(name, statements);
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;

        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                description: args.description,
                // The trust AWS documents for instance roles: no aws:SourceAccount condition, which would deny every
                // assumption if EC2 does not send the key. Only instances launched with the profile get the role.
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
            },
            { parent: this },
        );
        const attachments = args.managedPolicies.map(
            (p) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-${p.split("/").pop()}`,
                    { role: this.role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${p}` },
                    { parent: this },
                ),
        );
        const inline =
            statements.length > 0
                ? [new aws.iam.RolePolicy(`${name}-policy`, { role: this.role.name, policy: policyDocument(statements) }, { parent: this })]
                : [];
        this.profile = new aws.iam.InstanceProfile(
            `${name}-profile`,
            { role: this.role.name },
            // Instances launched with the profile must find its permissions in place.
            { parent: this, dependsOn: [...attachments, ...inline] },
        );
        this.arn = this.role.arn;
        this.profileArn = this.profile.arn;
        this.profileName = this.profile.name;
        this.registerOutputs({ arn: this.arn, profileArn: this.profileArn, profileName: this.profileName });
    }
}
