// What `pulumi up` would delete and AWS would refuse to: a resource of the deployed stack (its `pulumi stack export`)
// that the program no longer registers under its URN or an alias, holding data its deletion needs gone first. S3
// deletes only empty buckets, versions and delete markers included (BucketNotEmpty,
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html), and ECR only empty repositories without
// force (RepositoryNotEmptyException, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html).
import { ECRClient, ListImagesCommand } from "@aws-sdk/client-ecr";
import { ListObjectVersionsCommand, S3Client } from "@aws-sdk/client-s3";
import { engineUrns, projectName } from "../tools/plan";
import type { CheckContext, Finding } from "./model";
import type { DeployedResource } from "./state";

interface DeletionRule {
    /** Whether the resource's own settings let the provider empty it first. */
    readonly forced: (r: DeployedResource) => boolean;
    /** What it holds, read-only; empty when nothing. */
    readonly contents: (context: CheckContext, r: DeployedResource) => Promise<string>;
    readonly refusal: string;
}

const DELETION_RULES: Readonly<Record<string, DeletionRule>> = {
    "aws:s3/bucket:Bucket": {
        forced: (r) => r.inputs.forceDestroy === true,
        contents: async (c, r) => {
            const bucket = String(r.outputs.bucket ?? r.id);
            const page = await c.clients.in(S3Client, r.region).send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1 }));
            const held = (page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0);
            return held > 0 ? `bucket ${bucket} holds objects (${page.Versions?.[0]?.Key ?? page.DeleteMarkers?.[0]?.Key}${page.IsTruncated ? ", and more" : ""})` : "";
        },
        refusal: "S3 refuses to delete a bucket that is not empty (BucketNotEmpty) and pulumi up stops there",
    },
    "aws:ecr/repository:Repository": {
        forced: (r) => r.inputs.forceDelete === true,
        contents: async (c, r) => {
            const name = String(r.outputs.name ?? r.id);
            const images = await c.clients.in(ECRClient, r.region).send(new ListImagesCommand({ repositoryName: name, maxResults: 1 }));
            return (images.imageIds?.length ?? 0) > 0 ? `repository ${name} holds images (${images.imageIds![0].imageTag ?? images.imageIds![0].imageDigest})` : "";
        },
        refusal: "ECR refuses to delete a repository that holds images (RepositoryNotEmptyException) and pulumi up stops there",
    },
};

export async function deletionChecks(context: CheckContext): Promise<Finding[]> {
    const { model } = context;
    if (!model.deployed) return [];
    const kept = engineUrns(model.stack, projectName(), model.resources);
    const findings: Finding[] = [];
    for (const r of model.deployed) {
        const rule = DELETION_RULES[r.type];
        if (!rule || kept.has(r.urn) || r.retainOnDelete || rule.forced(r)) continue;
        if (r.protect) {
            findings.push({
                severity: "error",
                check: "deletions",
                subject: r.urn,
                region: r.region,
                problem: "the program no longer has this protected resource: pulumi up refuses to delete it and stops",
                fix: "keep it in the program (or give its new URN an alias), or unprotect it deliberately with pulumi state unprotect",
            });
            continue;
        }
        const contents = await rule.contents(context, r);
        if (!contents) continue;
        findings.push({
            severity: "error",
            check: "deletions",
            subject: r.urn,
            region: r.region,
            problem: `the program no longer has it, so pulumi up deletes it, but ${contents}: ${rule.refusal}`,
            fix: "keep it in the program (or give its new URN an alias), or empty it first if its data may go",
        });
    }
    return findings;
}
