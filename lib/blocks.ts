// The package's building blocks (`aws-blueprints/blocks`): what every scenario is built from, for a program's own components.
export { APPLICATION, Blueprint, type BlueprintArgs, acknowledgeTags, tagTransformation } from "../components/common";
export { HandlerFunction, type HandlerFunctionArgs, LAMBDA_RUNTIME, ruleInvokesFunction } from "../components/lambda";
export { EncryptedTopic, type EncryptedTopicArgs, failureQueueAlarm, functionAlarm, topicAlarm, type TopicAlarmArgs } from "../components/notifications";
export {
    privateBucket,
    type PrivateBucket,
    type PrivateBucketArgs,
    loadBalancerLogBucket,
    type LoadBalancerLogBucket,
    type LoadBalancerLogBucketArgs,
    denyInsecureTransport,
} from "../components/storage";
export { ServiceRole, type ServiceRoleArgs, type Statement, policyDocument } from "../components/iam";
export { InstanceRole, type InstanceRoleArgs } from "../components/instanceRole";
export { type ArgsOf, type Declaration, resolveArgs } from "../components/scenario";
