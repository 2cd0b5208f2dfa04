// Resource types whose deletion or replacement loses data. The plan diff, the preview guard and the
// whole-stack test (protection in prod) share this one definition.

/** Pulumi type tokens of resources that hold data: databases, buckets, tables, file systems, keys, logs, queues. */
export const STATEFUL_TYPES: readonly string[] = [
    // Databases and data stores
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:rds/globalCluster:GlobalCluster",
    "aws:docdb/cluster:Cluster",
    "aws:neptune/cluster:Cluster",
    "aws:redshift/cluster:Cluster",
    "aws:dynamodb/table:Table",
    "aws:dynamodb/tableReplica:TableReplica",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/serverlessCache:ServerlessCache",
    "aws:opensearch/domain:Domain",
    "aws:timestreamwrite/table:Table",
    "aws:kinesis/stream:Stream",
    "aws:cognito/userPool:UserPool",
    // Object storage and backups (BucketV2 is the alias older programs used for the same bucket)
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:s3/directoryBucket:DirectoryBucket",
    "aws:glacier/vault:Vault",
    "aws:backup/vault:Vault",
    "aws:ecr/repository:Repository",
    // File systems and volumes
    "aws:efs/fileSystem:FileSystem",
    "aws:fsx/lustreFileSystem:LustreFileSystem",
    "aws:fsx/windowsFileSystem:WindowsFileSystem",
    "aws:fsx/ontapFileSystem:OntapFileSystem",
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem",
    "aws:ebs/volume:Volume",
    // Keys and secrets: deleting a key makes everything encrypted with it unreadable
    "aws:kms/key:Key",
    "aws:kms/replicaKey:ReplicaKey",
    "aws:kms/externalKey:ExternalKey",
    "aws:secretsmanager/secret:Secret",
    // Logs (audit evidence) and queues (messages in flight)
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:sqs/queue:Queue",
];

const STATEFUL = new Set(STATEFUL_TYPES);

/** Whether losing a resource of this type loses data. */
export function isStateful(type: string): boolean {
    return STATEFUL.has(type);
}
