// The one declaration of every key of `aws-blueprints:lambdaCanary`: type, range, default and description.
import { z } from "zod";
import { lambdaMemoryMb } from "../../components/settings";
import { enabled } from "../../components/scenario";
import { maximumInsufficientDataWaits } from "../../handlers/lambdaCanary/canaryDeploy";

const lambdaFunctionName = z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a Lambda function name (1-64 letters, digits, - or _; not an ARN)");
// IAM wildcards in an alarm name would widen the deployer's DescribeAlarms permission.
const alarmName = z.string().regex(/^[^*?]{1,255}$/, "must be a CloudWatch alarm name of 1-255 characters without * or ?");

/** The deployment workflow's own bound on waits for data, which a deployment's input may not exceed either. */
const MAX_WAITS = maximumInsufficientDataWaits();

export const lambdaCanarySettings = z
    .object({
        enabled: enabled(),
        targetFunctionNames: z.array(lambdaFunctionName).default([]).describe("Functions whose aliases the deployer may shift, by exact name."),
        targetFunctionPrefix: z
            .string()
            .regex(/^[A-Za-z0-9_-]{3,63}$/, "must be 3-63 letters, digits, - or _ (a shorter prefix would cover nearly every function)")
            .optional().meta({ description: "Functions whose name starts with this (at least 3 characters) may be shifted too.", whenUnset: "none" }),
        alarmNames: z.array(alarmName).default([]).describe("CloudWatch metric alarms a deployment may name as extra health checks, by exact name."),
        alarmNamePrefix: z.string().regex(/^[^*?]{3,255}$/, "must be 3-255 characters without * or ?").optional().meta({ description: "Alarms whose name starts with this (at least 3 characters) may be named too.", whenUnset: "none" }),
        maxErrorRate: z.number().min(0, "must be from 0 up to but excluding 1").lt(1, "must be from 0 up to but excluding 1").default(0).describe("Highest failure ratio, (Errors + Throttles) / (Invocations + Throttles), a step may show; 0 fails on any error or throttle."),
        minInvocations: z.number().int().min(1, "must be an integer of at least 1").default(10).describe("Fewer invocations of the new version than this in a step is \"not enough data\", never \"healthy\"."),
        onInsufficientData: z.enum(["wait", "fail"], { message: 'must be "wait" or "fail"' }).default("wait").describe("What a step with too little traffic does: `wait` another interval or `fail` (roll back)."),
        maxInsufficientDataWaits: z
            .number()
            .int()
            .min(0, `must be an integer from 0 to ${MAX_WAITS}`)
            .max(MAX_WAITS, `must be an integer from 0 to ${MAX_WAITS}`)
            .default(3)
            .describe(`Extra intervals a step may wait for data before failing (0-${MAX_WAITS}).`),
        createSimpleDeployer: z.boolean().default(true).describe("Deploy the single-function deployer for short rollouts."),
        simpleDeployerTimeoutSeconds: z
            .number()
            .int()
            .min(180, "must be an integer from 180 to 900 (Lambda's limit)")
            .max(900, "must be an integer from 180 to 900 (Lambda's limit)")
            .default(900).describe("Timeout of the simple deployer in seconds (180-900); it refuses rollouts that cannot finish inside it and points them to the state machine."),
        createDemo: z.boolean().default(true).describe("Deploy a demo function with an alias and two published versions to try the workflow on."),
        demoAliasName: z
            .string()
            .regex(/^(?!\d+$)[A-Za-z0-9_-]{1,128}$/, "must be 1-128 letters, digits, - or _, not only digits")
            .default("live").describe("Name of the demo function's alias."),
        memorySizeMb: lambdaMemoryMb().default(256).describe("Memory of the deployer functions in MB."),
    })
    .strict()
    .refine((s) => !s.enabled || s.targetFunctionNames.length > 0 || s.targetFunctionPrefix !== undefined || s.createDemo, {
        message: "nothing to deploy to: set targetFunctionNames, targetFunctionPrefix or createDemo: true",
    });

export type LambdaCanarySettings = z.output<typeof lambdaCanarySettings>;
