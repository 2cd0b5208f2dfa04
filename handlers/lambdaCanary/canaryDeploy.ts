// Canary deployment of a Lambda alias: validate a request and plan its weights, shift traffic step by step,
// judge the new version's health from CloudWatch, then finalize or roll back. The Step Functions workflow runs
// each task in its own function (validate, traffic, health); the simple deployer runs them all in one
// invocation for rollouts short enough to fit its timeout.
//
// Every alias change re-reads the alias first and is conditional on its RevisionId, so a deployment never
// overwrites a change someone else made meanwhile, and finalize and rollback are idempotent.
import type { CloudWatch, MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import type { AliasConfiguration, FunctionConfiguration, Lambda } from "@aws-sdk/client-lambda";
import type { SNS } from "@aws-sdk/client-sns";
import { hasErrorName } from "../shared/errors";
import { isTransient, retryWhile } from "../shared/retry";
import { fitChars, fitSnsMessage, shown } from "../shared/text";
import { assertValidSchedule, isStrategy, maximumSteps, Strategy, strategyNames, weightsFor } from "./canaryWeights";

export type InsufficientDataPolicy = "wait" | "fail";

/** How a step's health is judged. */
export interface HealthPolicy {
    /** Highest failure ratio, (Errors + Throttles) / (Invocations + Throttles), a step may show. 0 fails on any error. */
    readonly maxErrorRate: number;
    /** Fewer invocations than this in a step's window is "not enough data", never "healthy". */
    readonly minInvocations: number;
    /** What "not enough data" does: wait another interval (up to maxInsufficientDataWaits times) or fail. */
    readonly onInsufficientData: InsufficientDataPolicy;
    /** Extra intervals a step may wait for data before the deployment fails. */
    readonly maxInsufficientDataWaits: number;
    /** CloudWatch metric alarms that fail a step when in ALARM. */
    readonly alarmNames: readonly string[];
}

/** What a deployer may touch, and its default health policy. */
export interface DeployerConfig {
    /** Functions whose aliases this deployer may shift, by exact name. */
    readonly allowedFunctionNames: readonly string[];
    /** Functions whose name starts with this may be shifted too. */
    readonly allowedFunctionPrefix?: string;
    /** Alarms a request may name, by exact name. */
    readonly allowedAlarmNames: readonly string[];
    /** Alarms whose name starts with this may be named too. */
    readonly allowedAlarmPrefix?: string;
    /** Health policy for requests that do not override it. */
    readonly health: Omit<HealthPolicy, "alarmNames">;
}

/** A validated request, before any AWS call. */
export interface DeploymentRequest {
    readonly functionName: string;
    readonly aliasName: string;
    readonly newVersion: string;
    readonly strategy: Strategy;
    readonly intervalSeconds: number;
    readonly weights: number[];
    readonly health: HealthPolicy;
}

/** A deployment the workflow carries from task to task. */
export interface DeploymentPlan {
    readonly functionName: string;
    readonly aliasName: string;
    readonly newVersion: string;
    /** The version the alias served before the deployment; rollback returns to it. */
    readonly originalVersion: string;
    readonly strategy: Strategy;
    /** Weight of the new version after each step; the last is 1. */
    readonly weights: number[];
    /** Steps that route part of the traffic (every weight but the final 1). */
    readonly shiftCount: number;
    readonly intervalSeconds: number;
    readonly health: HealthPolicy;
}

/** One partial-traffic step, as applied. */
export interface StepState {
    readonly index: number;
    readonly weight: number;
    /** When the weight took effect (ISO 8601); the health window starts here. */
    readonly appliedAt: string;
    /** Extra intervals waited for data in this step. */
    readonly insufficientWaits: number;
}

export type HealthStatus = "HEALTHY" | "UNHEALTHY" | "INSUFFICIENT_DATA";

export interface HealthResult {
    readonly status: HealthStatus;
    readonly reason: string;
    readonly invocations: number;
    readonly errors: number;
    readonly throttles: number;
    /** (Errors + Throttles) / (Invocations + Throttles); null without any invocation. */
    readonly errorRate: number | null;
    readonly alarmsInAlarm: string[];
    readonly windowStart: string;
    readonly windowEnd: string;
}

/** The result of finalize or rollback: what happened, in words for the notification. */
export interface Outcome {
    readonly status: "finalized" | "rolledBack";
    /** True when the alias was already in the final state (a retried task). */
    readonly unchanged: boolean;
    readonly functionName: string;
    readonly aliasName: string;
    readonly version: string;
    readonly message: string;
}

type LambdaClient = Pick<Lambda, "getAlias" | "updateAlias" | "getFunctionConfiguration">;
type CloudWatchClient = Pick<CloudWatch, "getMetricData" | "describeAlarms">;

export interface ValidateDeps {
    readonly lambda: Pick<Lambda, "getAlias" | "getFunctionConfiguration">;
    readonly cloudwatch: Pick<CloudWatch, "describeAlarms">;
}

export interface TrafficDeps {
    readonly lambda: Pick<Lambda, "getAlias" | "updateAlias">;
    readonly now?: () => Date;
}

export interface HealthDeps {
    readonly cloudwatch: CloudWatchClient;
    readonly now?: () => Date;
}

// Module constants stay unexported: exported consts are read through `exports`, which closure
// serialization would then capture whole.
// Lambda publishes its metrics per minute: a shorter interval has nothing new to judge.
const MIN_INTERVAL_SECONDS = 60;
const MAX_INTERVAL_SECONDS = 86_400;
// Bounds the workflow's retry-for-data loop (and with it the execution history, at most 25,000 events).
const MAX_INSUFFICIENT_DATA_WAITS = 10;
// A Standard workflow execution runs at most one year.
const MAX_DURATION_SECONDS = 365 * 86_400;
// DescribeAlarms takes at most 100 names.
const MAX_ALARMS = 100;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const ALIAS_NAME = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;
const VERSION = /^[1-9]\d*$/;
const REQUEST_KEYS = [
    "functionName",
    "aliasName",
    "newVersion",
    "strategy",
    "steps",
    "intervalSeconds",
    "canaryWeight",
    "alarmNames",
    "maxErrorRate",
    "minInvocations",
    "onInsufficientData",
    "maxInsufficientDataWaits",
];
// The original post's input keys, accepted so its documented commands keep working.
const POST_KEYS: Record<string, string> = {
    "function-name": "functionName",
    "alias-name": "aliasName",
    "new-version": "newVersion",
    interval: "intervalSeconds",
    type: "strategy",
};

/** The interval limits a request must respect, in seconds. */
export function intervalLimits(): { min: number; max: number } {
    return { min: MIN_INTERVAL_SECONDS, max: MAX_INTERVAL_SECONDS };
}

/** The most extra intervals a step may wait for data. */
export function maximumInsufficientDataWaits(): number {
    return MAX_INSUFFICIENT_DATA_WAITS;
}

/**
 * An error whose `name` is what Lambda reports as errorType and Step Functions matches in Retry and Catch:
 * InvalidDeploymentInput (nothing was changed), AliasChangedOutsideDeployment (someone else moved the alias; it
 * is left alone), MetricDataUnavailable (CloudWatch could not answer completely; retried), AlarmNotFound,
 * UnhealthyDeployment and OutOfTime (simple deployer). Plain Errors rather than subclasses: closure
 * serialization turns classes into ES5 constructors whose `Error.call(this, message)` loses the message.
 */
export function deploymentError(name: string, message: string): Error {
    const err = new Error(message);
    err.name = name;
    return err;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function errorName(err: unknown): string {
    return typeof err === "object" && err !== null ? String((err as Json).name ?? "") : "";
}

function isNotFound(err: unknown): boolean {
    return errorName(err) === "ResourceNotFoundException";
}

function invalid(message: string): never {
    throw deploymentError("InvalidDeploymentInput", message);
}

/** Whether the deployer may shift this function's aliases. */
export function isAllowedFunction(name: string, config: Pick<DeployerConfig, "allowedFunctionNames" | "allowedFunctionPrefix">): boolean {
    return config.allowedFunctionNames.includes(name) || (!!config.allowedFunctionPrefix && name.startsWith(config.allowedFunctionPrefix));
}

function isAllowedAlarm(name: string, config: DeployerConfig): boolean {
    return config.allowedAlarmNames.includes(name) || (!!config.allowedAlarmPrefix && name.startsWith(config.allowedAlarmPrefix));
}

function describeAllowed(names: readonly string[], prefix: string | undefined): string {
    const parts = [
        ...(names.length > 0 ? [`names ${names.join(", ")}`] : []),
        ...(prefix ? [`names starting with "${prefix}"`] : []),
    ];
    return parts.length > 0 ? parts.join("; ") : "none";
}

function integerIn(value: unknown, key: string, min: number, max: number): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        invalid(`${key} must be an integer from ${min} to ${max}; got ${shown(value)}`);
    }
    return value;
}

/** Accepts the documented camelCase keys and the original post's keys; refuses unknown or duplicated keys. */
function normalizeKeys(raw: Json): Json {
    const out: Json = {};
    for (const [key, value] of Object.entries(raw)) {
        // Own keys only: "constructor" or "__proto__" must not find Object's own members in the table.
        const canonical = Object.hasOwn(POST_KEYS, key) ? POST_KEYS[key] : key;
        if (!REQUEST_KEYS.includes(canonical)) {
            invalid(`unknown input key ${shown(key)}; the input takes ${REQUEST_KEYS.join(", ")}`);
        }
        if (canonical in out) invalid(`the input gives ${canonical} twice (as "${canonical}" and as "${key}")`);
        out[canonical] = value;
    }
    return out;
}

/**
 * Validates a deployment request without calling AWS: names, allow-lists, weights and the limits of a
 * Standard workflow. Throws InvalidDeploymentInputError naming the key, the value and what is allowed.
 */
export function parseDeploymentRequest(raw: unknown, config: DeployerConfig): DeploymentRequest {
    if (!isObject(raw)) invalid(`the input must be a JSON object like {"functionName": ..., "aliasName": ..., "newVersion": ..., "steps": ..., "intervalSeconds": ..., "strategy": ...}; got ${shown(raw)}`);
    const input = normalizeKeys(raw);

    const functionName = input.functionName;
    if (typeof functionName !== "string" || !FUNCTION_NAME.test(functionName)) {
        invalid(`functionName must be a function name (1-64 letters, digits, - or _; not an ARN); got ${shown(functionName)}`);
    }
    if (!isAllowedFunction(functionName, config)) {
        invalid(
            `functionName "${functionName}" is not one of the functions this deployer may shift (allowed: ${describeAllowed(config.allowedFunctionNames, config.allowedFunctionPrefix)})`,
        );
    }
    const aliasName = input.aliasName;
    if (typeof aliasName !== "string" || !ALIAS_NAME.test(aliasName)) {
        invalid(`aliasName must be an alias name (1-128 letters, digits, - or _, not only digits); got ${shown(aliasName)}`);
    }
    const rawVersion = input.newVersion;
    const newVersion = typeof rawVersion === "number" && Number.isInteger(rawVersion) ? String(rawVersion) : rawVersion;
    if (typeof newVersion !== "string" || !VERSION.test(newVersion)) {
        invalid(`newVersion must be a published version number like "2" (not $LATEST or an alias); got ${shown(rawVersion)}`);
    }
    const strategy = input.strategy ?? "linear";
    if (!isStrategy(strategy)) invalid(`strategy must be one of ${strategyNames().join(", ")}; got ${shown(strategy)}`);
    if (strategy !== "canary" && input.steps === undefined) invalid(`steps is required for the ${strategy} strategy`);
    if (input.steps !== undefined && (typeof input.steps !== "number" || !Number.isInteger(input.steps))) {
        invalid(`steps must be an integer; got ${shown(input.steps)}`);
    }
    if (input.canaryWeight !== undefined && strategy !== "canary") {
        invalid(`canaryWeight applies to the canary strategy only; the ${strategy} strategy takes steps`);
    }
    const intervalSeconds = integerIn(input.intervalSeconds, "intervalSeconds", MIN_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS);

    let weights: number[];
    try {
        weights = weightsFor(strategy, input.steps as number | undefined, input.canaryWeight as number | undefined);
    } catch (err) {
        if (hasErrorName(err, "InvalidWeights")) invalid(err.message);
        throw err;
    }

    const alarmNames = input.alarmNames ?? [];
    if (!Array.isArray(alarmNames) || alarmNames.some((a) => typeof a !== "string" || a.length < 1 || a.length > 255)) {
        invalid(`alarmNames must be a list of CloudWatch alarm names; got ${shown(alarmNames)}`);
    }
    if (alarmNames.length > MAX_ALARMS) invalid(`alarmNames may list at most ${MAX_ALARMS} alarms; got ${alarmNames.length}`);
    for (const alarm of alarmNames as string[]) {
        if (!isAllowedAlarm(alarm, config)) {
            invalid(`alarm "${alarm}" is not one this deployer may read (allowed: ${describeAllowed(config.allowedAlarmNames, config.allowedAlarmPrefix)})`);
        }
    }

    const maxErrorRate = input.maxErrorRate ?? config.health.maxErrorRate;
    if (typeof maxErrorRate !== "number" || !Number.isFinite(maxErrorRate) || maxErrorRate < 0 || maxErrorRate >= 1) {
        invalid(`maxErrorRate must be a number from 0 (any error fails) up to but excluding 1; got ${shown(maxErrorRate)}`);
    }
    const minInvocations = integerIn(input.minInvocations ?? config.health.minInvocations, "minInvocations", 1, 1_000_000);
    const onInsufficientData = input.onInsufficientData ?? config.health.onInsufficientData;
    if (onInsufficientData !== "wait" && onInsufficientData !== "fail") {
        invalid(`onInsufficientData must be "wait" or "fail"; got ${shown(onInsufficientData)}`);
    }
    const maxInsufficientDataWaits = integerIn(
        input.maxInsufficientDataWaits ?? config.health.maxInsufficientDataWaits,
        "maxInsufficientDataWaits",
        0,
        MAX_INSUFFICIENT_DATA_WAITS,
    );

    const shifts = weights.length - 1;
    const longest = shifts * intervalSeconds * (onInsufficientData === "wait" ? 1 + maxInsufficientDataWaits : 1);
    if (longest > MAX_DURATION_SECONDS) {
        invalid(
            `${shifts} steps of ${intervalSeconds} s (with up to ${maxInsufficientDataWaits} extra intervals each for data) can take ${longest} s, beyond the ${MAX_DURATION_SECONDS} s a workflow may run; use fewer steps or a shorter interval`,
        );
    }
    return {
        functionName,
        aliasName,
        newVersion,
        strategy,
        intervalSeconds,
        weights,
        health: { maxErrorRate, minInvocations, onInsufficientData, maxInsufficientDataWaits, alarmNames: [...(alarmNames as string[])] },
    };
}

function additionalWeights(alias: AliasConfiguration): Record<string, number> {
    return { ...(alias.RoutingConfig?.AdditionalVersionWeights ?? {}) };
}

function describeAlias(alias: AliasConfiguration): string {
    const extra = Object.entries(additionalWeights(alias)).map(([v, w]) => `version ${v} at ${w}`);
    return `version ${alias.FunctionVersion}${extra.length > 0 ? ` plus ${extra.join(", ")}` : ""}`;
}

async function versionConfiguration(
    lambda: ValidateDeps["lambda"],
    functionName: string,
    version: string,
): Promise<FunctionConfiguration> {
    try {
        return await lambda.getFunctionConfiguration({ FunctionName: functionName, Qualifier: version });
    } catch (err) {
        if (isNotFound(err)) invalid(`version ${version} of ${functionName} does not exist; publish it first (aws lambda publish-version)`);
        throw err;
    }
}

/** The alias as it is now; a missing alias is a request that cannot be deployed. */
async function currentAlias(lambda: ValidateDeps["lambda"], functionName: string, aliasName: string): Promise<AliasConfiguration> {
    try {
        return await lambda.getAlias({ FunctionName: functionName, Name: aliasName });
    } catch (err) {
        if (isNotFound(err)) invalid(`alias ${aliasName} of function ${functionName} does not exist`);
        throw err;
    }
}

/** Plans a validated request against the alias as it was read; reads the versions and alarms, changes nothing. */
async function planAgainst(request: DeploymentRequest, alias: AliasConfiguration, deps: ValidateDeps): Promise<DeploymentPlan> {
    const { functionName, aliasName, newVersion } = request;
    const originalVersion = alias.FunctionVersion ?? "";
    if (!VERSION.test(originalVersion)) {
        invalid(`alias ${functionName}:${aliasName} points to ${originalVersion || "nothing"}; traffic shifting needs a published primary version`);
    }
    if (originalVersion === newVersion) invalid(`alias ${functionName}:${aliasName} already serves version ${newVersion}`);
    if (Object.keys(additionalWeights(alias)).length > 0) {
        invalid(
            `alias ${functionName}:${aliasName} already routes traffic to more than one version (${describeAlias(alias)}); another deployment may be running. Finish it, or clear the weights with aws lambda update-alias --routing-config '{}'`,
        );
    }
    const current = await versionConfiguration(deps.lambda, functionName, originalVersion);
    const candidate = await versionConfiguration(deps.lambda, functionName, newVersion);
    if (candidate.State === "Failed") {
        invalid(`version ${newVersion} of ${functionName} is in state Failed (${candidate.StateReason ?? "no reason given"})`);
    }
    // Lambda's own requirements for an alias that routes to two versions.
    if (candidate.Role !== current.Role) {
        invalid(`versions ${originalVersion} and ${newVersion} of ${functionName} have different execution roles; a weighted alias needs the same role`);
    }
    if ((candidate.DeadLetterConfig?.TargetArn ?? "") !== (current.DeadLetterConfig?.TargetArn ?? "")) {
        invalid(`versions ${originalVersion} and ${newVersion} of ${functionName} have different dead-letter queues; a weighted alias needs the same one`);
    }
    if (request.health.alarmNames.length > 0) {
        const found = await alarmStates(deps.cloudwatch, request.health.alarmNames);
        const missing = request.health.alarmNames.filter((a) => !found.has(a));
        if (missing.length > 0) {
            invalid(`alarm(s) ${missing.join(", ")} do not exist (only metric alarms are checked; composite alarms are not supported)`);
        }
    }
    return {
        functionName,
        aliasName,
        newVersion,
        originalVersion,
        strategy: request.strategy,
        weights: request.weights,
        shiftCount: request.weights.length - 1,
        intervalSeconds: request.intervalSeconds,
        health: request.health,
    };
}

/**
 * Validates a request against the alias and versions as they are now, and plans the rollout. Read-only:
 * any failure leaves the alias untouched. Throws InvalidDeploymentInputError for a request that cannot be
 * deployed; AWS errors (throttling, access denied) propagate as they are.
 */
export async function validateDeployment(raw: unknown, config: DeployerConfig, deps: ValidateDeps): Promise<DeploymentPlan> {
    const request = parseDeploymentRequest(raw, config);
    return planAgainst(request, await currentAlias(deps.lambda, request.functionName, request.aliasName), deps);
}

function isFraction(w: unknown): boolean {
    return typeof w === "number" && Number.isFinite(w) && w > 0 && w <= 1;
}

/** What is wrong with a health policy handed back by the workflow, or undefined. */
function healthProblem(h: unknown): string | undefined {
    if (!isObject(h)) return "health is not an object";
    const { maxErrorRate, minInvocations, onInsufficientData, maxInsufficientDataWaits, alarmNames } = h;
    if (typeof maxErrorRate !== "number" || !Number.isFinite(maxErrorRate) || maxErrorRate < 0 || maxErrorRate >= 1) return "health.maxErrorRate is not in [0, 1)";
    if (typeof minInvocations !== "number" || !Number.isInteger(minInvocations) || minInvocations < 1) return "health.minInvocations is not a positive integer";
    if (onInsufficientData !== "wait" && onInsufficientData !== "fail") return "health.onInsufficientData is not wait or fail";
    if (typeof maxInsufficientDataWaits !== "number" || !Number.isInteger(maxInsufficientDataWaits) || maxInsufficientDataWaits < 0 || maxInsufficientDataWaits > MAX_INSUFFICIENT_DATA_WAITS) {
        return `health.maxInsufficientDataWaits is not an integer from 0 to ${MAX_INSUFFICIENT_DATA_WAITS}`;
    }
    if (!Array.isArray(alarmNames) || alarmNames.length > MAX_ALARMS || alarmNames.some((a) => typeof a !== "string" || a.length < 1 || a.length > 255)) {
        return `health.alarmNames is not a list of at most ${MAX_ALARMS} alarm names`;
    }
    return undefined;
}

/** What is wrong with a plan handed back by the workflow, or undefined. */
function planProblem(p: Json): string | undefined {
    const name = (v: unknown, pattern: RegExp) => typeof v === "string" && pattern.test(v);
    if (!name(p.functionName, FUNCTION_NAME) || !name(p.aliasName, ALIAS_NAME)) return "functionName or aliasName is not a name";
    if (!name(p.newVersion, VERSION) || !name(p.originalVersion, VERSION) || p.newVersion === p.originalVersion) return "newVersion and originalVersion are not two published versions";
    if (!isStrategy(p.strategy)) return "strategy is not one of the strategies";
    const weights = p.weights;
    if (!Array.isArray(weights) || weights.length < 1 || weights.length > maximumSteps() || !weights.every(isFraction)) return "weights are not a list of fractions";
    try {
        assertValidSchedule(weights);
    } catch (err) {
        if (hasErrorName(err, "InvalidWeights")) return err.message;
        throw err;
    }
    if (p.shiftCount !== weights.length - 1) return "shiftCount does not match the weights";
    const interval = p.intervalSeconds;
    if (typeof interval !== "number" || !Number.isInteger(interval) || interval < MIN_INTERVAL_SECONDS || interval > MAX_INTERVAL_SECONDS) {
        return `intervalSeconds is not an integer from ${MIN_INTERVAL_SECONDS} to ${MAX_INTERVAL_SECONDS}`;
    }
    return healthProblem(p.health);
}

/**
 * Checks a plan handed back by the workflow as thoroughly as the request it came from: a malformed one (a task
 * invoked by hand, or a state edited in between) fails the task before any call, rather than shifting weights no
 * request asked for or judging health by a policy that is not there.
 */
export function requirePlan(value: unknown): DeploymentPlan {
    if (!isObject(value)) throw deploymentError("InvalidDeploymentInput", "the task input has no plan object");
    const problem = planProblem(value);
    if (problem) throw deploymentError("InvalidDeploymentInput", `the task input has a malformed plan (${problem}): ${shown(value, 300)}`);
    return value as unknown as DeploymentPlan;
}

async function readAlias(lambda: TrafficDeps["lambda"], plan: DeploymentPlan): Promise<AliasConfiguration> {
    return lambda.getAlias({ FunctionName: plan.functionName, Name: plan.aliasName });
}

/** The alias serves the original version, routing nothing or only the new version: this deployment's own state. */
function isMidDeployment(alias: AliasConfiguration, plan: DeploymentPlan): boolean {
    const extra = Object.keys(additionalWeights(alias));
    return alias.FunctionVersion === plan.originalVersion && extra.every((v) => v === plan.newVersion);
}

function hasNoWeights(alias: AliasConfiguration): boolean {
    return Object.keys(additionalWeights(alias)).length === 0;
}

/** Whether the alias serves `version`, routing exactly `weights` to others. */
function serves(alias: AliasConfiguration, version: string, weights: Record<string, number>): boolean {
    const routed = additionalWeights(alias);
    const keys = Object.keys(weights);
    return alias.FunctionVersion === version && Object.keys(routed).length === keys.length && keys.every((v) => routed[v] === weights[v]);
}

function changedOutside(alias: AliasConfiguration, plan: DeploymentPlan, action: string): Error {
    return deploymentError(
        "AliasChangedOutsideDeployment",
        `${action} refused: alias ${plan.functionName}:${plan.aliasName} now serves ${describeAlias(alias)}, not version ${plan.originalVersion} with version ${plan.newVersion} as canary; it was changed outside this deployment and is left as it is`,
    );
}

/**
 * Moves the alias to `version` with `weights`, conditionally on the revision read. When the update fails, the alias
 * is read again: an update that landed with its answer lost (a timeout; the SDK's own retry of it then fails its
 * condition with PreconditionFailedException) left the alias where this call wanted it, which is success, not a
 * reason to retry or roll back. Returns the alias's new revision.
 */
async function moveAlias(lambda: TrafficDeps["lambda"], plan: DeploymentPlan, version: string, weights: Record<string, number>, revisionId: string | undefined): Promise<string | undefined> {
    try {
        const out = await lambda.updateAlias({
            FunctionName: plan.functionName,
            Name: plan.aliasName,
            FunctionVersion: version,
            RoutingConfig: { AdditionalVersionWeights: weights },
            RevisionId: revisionId,
        });
        return out.RevisionId;
    } catch (err) {
        let now: AliasConfiguration;
        try {
            now = await readAlias(lambda, plan);
        } catch {
            throw err;
        }
        if (now.RevisionId !== revisionId && serves(now, version, weights)) return now.RevisionId;
        throw err;
    }
}

/** A shift as applied, with the revision it left the alias at. */
interface Applied<T> {
    readonly result: T;
    readonly revisionId: string | undefined;
}

async function applyShift(event: unknown, deps: TrafficDeps): Promise<Applied<StepState>> {
    if (!isObject(event)) throw deploymentError("InvalidDeploymentInput", "the shift task needs {plan, index}");
    const plan = requirePlan(event.plan);
    const index = event.index;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= plan.shiftCount) {
        throw deploymentError("InvalidDeploymentInput", `step index must be an integer from 0 to ${plan.shiftCount - 1}; got ${shown(index)}`);
    }
    const weight = plan.weights[index];
    const alias = await readAlias(deps.lambda, plan);
    if (!isMidDeployment(alias, plan)) throw changedOutside(alias, plan, `shifting to ${weight}`);
    const revisionId = await moveAlias(deps.lambda, plan, plan.originalVersion, { [plan.newVersion]: weight }, alias.RevisionId);
    return { result: { index, weight, appliedAt: (deps.now ?? (() => new Date()))().toISOString(), insufficientWaits: 0 }, revisionId };
}

/** Routes `weights[index]` of the alias's traffic to the new version, keeping the original version primary. */
export async function shiftTraffic(event: unknown, deps: TrafficDeps): Promise<StepState> {
    return (await applyShift(event, deps)).result;
}

async function applyFinalize(event: unknown, deps: TrafficDeps): Promise<Applied<Outcome>> {
    if (!isObject(event)) throw deploymentError("InvalidDeploymentInput", "the finalize task needs {plan}");
    const plan = requirePlan(event.plan);
    const target = `${plan.functionName}:${plan.aliasName}`;
    const alias = await readAlias(deps.lambda, plan);
    let unchanged = false;
    let revisionId = alias.RevisionId;
    if (alias.FunctionVersion === plan.newVersion && hasNoWeights(alias)) {
        unchanged = true;
    } else {
        if (!isMidDeployment(alias, plan)) throw changedOutside(alias, plan, "finalizing");
        revisionId = await moveAlias(deps.lambda, plan, plan.newVersion, {}, alias.RevisionId);
    }
    const result: Outcome = {
        status: "finalized",
        unchanged,
        functionName: plan.functionName,
        aliasName: plan.aliasName,
        version: plan.newVersion,
        message: [
            `Deployment succeeded: ${target} now serves version ${plan.newVersion} to all traffic (was version ${plan.originalVersion}).`,
            `Strategy: ${plan.strategy}, weights ${plan.weights.join(" -> ")}, ${plan.intervalSeconds} s between steps.`,
        ].join("\n"),
    };
    return { result, revisionId };
}

/** Makes the new version primary and clears the routing config. Idempotent. */
export async function finalizeDeployment(event: unknown, deps: TrafficDeps): Promise<Outcome> {
    return (await applyFinalize(event, deps)).result;
}

/** A value of the workflow's state as text: a string as it is, anything else as JSON (never String() of an object). */
function textOf(value: unknown, fallback: string): string {
    if (value === undefined || value === null) return fallback;
    return typeof value === "string" ? value : shown(value, 1000);
}

/** Why a deployment is being rolled back, from the workflow state (a caught error or a failed health check). */
export function rollbackReason(state: Json): string {
    const error = isObject(state.error) ? state.error : undefined;
    if (error) {
        let cause = textOf(error.Cause, "");
        try {
            const parsed = JSON.parse(cause);
            if (isObject(parsed) && typeof parsed.errorMessage === "string") cause = parsed.errorMessage;
        } catch {
            // Causes that are not a Lambda error document are shown as they are.
        }
        return fitChars(`${textOf(error.Error, "an error")}: ${cause}`, 1000);
    }
    const health = isObject(state.health) ? state.health : undefined;
    if (health) return fitChars(`health check ${textOf(health.status, "")}: ${textOf(health.reason, "")}`, 1000);
    return "no reason recorded";
}

/**
 * Returns all traffic to the original version and clears the routing config. Idempotent; also undoes a
 * finalize that happened before the workflow failed. Refuses (and changes nothing) when the alias was moved to
 * a third version meanwhile.
 */
export async function rollbackDeployment(event: unknown, deps: TrafficDeps): Promise<Outcome> {
    if (!isObject(event) || !isObject(event.state)) throw deploymentError("InvalidDeploymentInput", "the rollback task needs {state: {plan, ...}}");
    const plan = requirePlan(event.state.plan);
    return rollBack(plan, rollbackReason(event.state), await readAlias(deps.lambda, plan), deps);
}

async function rollBack(plan: DeploymentPlan, reason: string, alias: AliasConfiguration, deps: TrafficDeps): Promise<Outcome> {
    const target = `${plan.functionName}:${plan.aliasName}`;
    let unchanged = false;
    if (alias.FunctionVersion === plan.originalVersion && hasNoWeights(alias)) {
        unchanged = true;
    } else {
        const finalized = alias.FunctionVersion === plan.newVersion && hasNoWeights(alias);
        if (!finalized && !isMidDeployment(alias, plan)) throw changedOutside(alias, plan, "rolling back");
        await moveAlias(deps.lambda, plan, plan.originalVersion, {}, alias.RevisionId);
    }
    return {
        status: "rolledBack",
        unchanged,
        functionName: plan.functionName,
        aliasName: plan.aliasName,
        version: plan.originalVersion,
        message: [
            `Deployment of version ${plan.newVersion} to ${target} was rolled back: all traffic is on version ${plan.originalVersion} again.`,
            `Reason: ${reason}`,
        ].join("\n"),
    };
}

/** The traffic function's entry point: `{action: "shift" | "finalize" | "rollback", ...}`. */
export async function runTrafficTask(event: unknown, deps: TrafficDeps): Promise<StepState | Outcome> {
    const action = isObject(event) ? event.action : undefined;
    switch (action) {
        case "shift":
            return shiftTraffic(event, deps);
        case "finalize":
            return finalizeDeployment(event, deps);
        case "rollback":
            return rollbackDeployment(event, deps);
        default:
            throw deploymentError("InvalidDeploymentInput", `action must be shift, finalize or rollback; got ${shown(action)}`);
    }
}

/** Judges metric counts and alarm states against a policy (pure). */
export function classifyHealth(
    counts: { invocations: number; errors: number; throttles: number },
    alarmsInAlarm: readonly string[],
    policy: Pick<HealthPolicy, "maxErrorRate" | "minInvocations">,
): { status: HealthStatus; reason: string; errorRate: number | null } {
    const failures = counts.errors + counts.throttles;
    const attempts = counts.invocations + counts.throttles;
    const errorRate = attempts > 0 ? failures / attempts : null;
    const observed = `${counts.invocations} invocations, ${counts.errors} errors, ${counts.throttles} throttles`;
    if (alarmsInAlarm.length > 0) {
        return { status: "UNHEALTHY", reason: `alarm(s) in ALARM: ${alarmsInAlarm.join(", ")} (${observed})`, errorRate };
    }
    // Failures that exceed the threshold even if every invocation still missing from the minimum succeeded.
    if (failures / Math.max(attempts, policy.minInvocations) > policy.maxErrorRate) {
        return { status: "UNHEALTHY", reason: `failure ratio above ${policy.maxErrorRate} (${observed})`, errorRate };
    }
    if (attempts < policy.minInvocations) {
        return { status: "INSUFFICIENT_DATA", reason: `only ${attempts} of the ${policy.minInvocations} invocations needed to judge (${observed})`, errorRate };
    }
    return { status: "HEALTHY", reason: `failure ratio ${errorRate} within ${policy.maxErrorRate} (${observed})`, errorRate };
}

/** What follows a health check: the same rule the workflow's Decide state applies. */
export function nextAction(
    status: HealthStatus,
    policy: Pick<HealthPolicy, "onInsufficientData" | "maxInsufficientDataWaits">,
    waitsUsed: number,
): "advance" | "wait" | "rollback" {
    if (status === "HEALTHY") return "advance";
    if (status === "INSUFFICIENT_DATA" && policy.onInsufficientData === "wait" && waitsUsed < policy.maxInsufficientDataWaits) return "wait";
    return "rollback";
}

/** The metric queries for the alias's traffic that the new version executed. */
export function healthQueries(plan: Pick<DeploymentPlan, "functionName" | "aliasName" | "newVersion">): MetricDataQuery[] {
    const dimensions = [
        { Name: "FunctionName", Value: plan.functionName },
        { Name: "Resource", Value: `${plan.functionName}:${plan.aliasName}` },
        { Name: "ExecutedVersion", Value: plan.newVersion },
    ];
    return (["Invocations", "Errors", "Throttles"] as const).map((metric) => ({
        Id: metric.toLowerCase(),
        MetricStat: { Metric: { Namespace: "AWS/Lambda", MetricName: metric, Dimensions: dimensions }, Period: 60, Stat: "Sum" },
        ReturnData: true,
    }));
}

/** Alarm name -> state, for the metric alarms that exist. */
async function alarmStates(cloudwatch: Pick<CloudWatch, "describeAlarms">, names: readonly string[]): Promise<Map<string, string>> {
    const states = new Map<string, string>();
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
        const out = await cloudwatch.describeAlarms({ AlarmNames: [...names], NextToken: token });
        for (const a of out.MetricAlarms ?? []) if (a.AlarmName) states.set(a.AlarmName, String(a.StateValue));
        token = out.NextToken;
        if (!token) break;
    }
    return states;
}

/**
 * Reads the new version's Invocations, Errors and Throttles for the alias since the step's weight took effect,
 * plus the state of any alarms in the plan, and judges them. Throws when CloudWatch cannot give complete data
 * or an alarm has disappeared.
 */
export async function checkHealth(event: unknown, deps: HealthDeps): Promise<HealthResult> {
    if (!isObject(event) || !isObject(event.step)) throw deploymentError("InvalidDeploymentInput", "the health task needs {plan, step}");
    const plan = requirePlan(event.plan);
    const raw = event.step.appliedAt;
    const appliedAt = typeof raw === "string" ? Date.parse(raw) : NaN;
    const now = (deps.now ?? (() => new Date()))().getTime();
    // The shift task wrote it moments ago; a time outside the workflow's year (or in the future) would ask CloudWatch
    // for decades of minutes, or for none.
    if (!Number.isFinite(appliedAt) || appliedAt > now + 300_000 || appliedAt < now - MAX_DURATION_SECONDS * 1000 - 86_400_000) {
        throw deploymentError("InvalidDeploymentInput", `step.appliedAt must be the time the step's weight took effect (ISO 8601, within the workflow's year); got ${shown(raw)}`);
    }
    // Whole minutes, as Lambda publishes them: from the minute the weight changed to the end of the current one.
    const start = Math.floor(appliedAt / 60_000) * 60_000;
    const end = Math.max(Math.ceil(now / 60_000) * 60_000, start + 60_000);
    const totals: Record<string, number> = { invocations: 0, errors: 0, throttles: 0 };
    let token: string | undefined;
    for (let page = 0; ; page++) {
        if (page >= 20) throw deploymentError("MetricDataUnavailable", "GetMetricData kept returning more pages; giving up after 20");
        const out = await deps.cloudwatch.getMetricData({
            MetricDataQueries: healthQueries(plan),
            StartTime: new Date(start),
            EndTime: new Date(end),
            NextToken: token,
        });
        for (const result of out.MetricDataResults ?? []) {
            if (result.StatusCode === "InternalError" || result.StatusCode === "Forbidden") {
                throw deploymentError("MetricDataUnavailable", `GetMetricData returned ${result.StatusCode} for ${result.Id}`);
            }
            if (result.Id && result.Id in totals) totals[result.Id] += (result.Values ?? []).reduce((a, b) => a + b, 0);
        }
        token = out.NextToken;
        if (!token) break;
    }
    let alarmsInAlarm: string[] = [];
    if (plan.health.alarmNames.length > 0) {
        const states = await alarmStates(deps.cloudwatch, plan.health.alarmNames);
        const missing = plan.health.alarmNames.filter((a) => !states.has(a));
        if (missing.length > 0) throw deploymentError("AlarmNotFound", `alarm(s) ${missing.join(", ")} no longer exist; the deployment cannot be judged`);
        alarmsInAlarm = plan.health.alarmNames.filter((a) => states.get(a) === "ALARM");
    }
    const counts = { invocations: totals.invocations, errors: totals.errors, throttles: totals.throttles };
    const verdict = classifyHealth(counts, alarmsInAlarm, plan.health);
    return {
        ...verdict,
        ...counts,
        alarmsInAlarm,
        windowStart: new Date(start).toISOString(),
        windowEnd: new Date(end).toISOString(),
    };
}

function list(v: string | undefined): string[] {
    return (v ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
}

function numberFrom(env: Readonly<Record<string, string | undefined>>, key: string, fallback: number): number {
    const raw = env[key];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new Error(`${key} must be a number; got "${raw}"`);
    return value;
}

/** Reads a deployer's allow-lists and default health policy from its environment variables. */
export function configFromEnvironment(env: Readonly<Record<string, string | undefined>>): DeployerConfig {
    const onInsufficientData = env.ON_INSUFFICIENT_DATA || "wait";
    if (onInsufficientData !== "wait" && onInsufficientData !== "fail") {
        throw new Error(`ON_INSUFFICIENT_DATA must be wait or fail; got "${onInsufficientData}"`);
    }
    const config: DeployerConfig = {
        allowedFunctionNames: list(env.ALLOWED_FUNCTION_NAMES),
        allowedFunctionPrefix: env.ALLOWED_FUNCTION_PREFIX || undefined,
        allowedAlarmNames: list(env.ALLOWED_ALARM_NAMES),
        allowedAlarmPrefix: env.ALLOWED_ALARM_PREFIX || undefined,
        health: {
            maxErrorRate: numberFrom(env, "MAX_ERROR_RATE", 0),
            minInvocations: numberFrom(env, "MIN_INVOCATIONS", 10),
            onInsufficientData,
            maxInsufficientDataWaits: numberFrom(env, "MAX_INSUFFICIENT_DATA_WAITS", 3),
        },
    };
    if (config.allowedFunctionNames.length === 0 && !config.allowedFunctionPrefix) {
        throw new Error("ALLOWED_FUNCTION_NAMES or ALLOWED_FUNCTION_PREFIX must name the functions this deployer may shift");
    }
    return config;
}

// ---------------------------------------------------------------------------------------------------------
// The simple deployer: the whole rollout inside one Lambda invocation, for rollouts that fit its timeout.

export interface SimpleDeployerConfig extends DeployerConfig {
    readonly topicArn: string;
    /** The function's own timeout. */
    readonly timeoutSeconds: number;
    /** Where longer rollouts go. */
    readonly stateMachineArn: string;
}

export interface SimpleDeployDeps {
    readonly lambda: LambdaClient;
    readonly cloudwatch: CloudWatchClient;
    readonly sns: Pick<SNS, "publish">;
    readonly sleep: (ms: number) => Promise<void>;
    /** Milliseconds left before Lambda stops the invocation. */
    readonly remainingMs: () => number;
    readonly now?: () => Date;
    readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

/** Time the simple deployer keeps for API calls, a rollback and its notification, in seconds. */
export function simpleDeployerReserveSeconds(weights: readonly number[]): number {
    return 60 + 10 * weights.length;
}

/** Throws (before any AWS call) when a rollout cannot finish inside the simple deployer's timeout. */
export function assertFitsSimpleDeployer(request: DeploymentRequest, raw: unknown, config: SimpleDeployerConfig): void {
    const shifts = request.weights.length - 1;
    const waiting = shifts * request.intervalSeconds;
    const reserve = simpleDeployerReserveSeconds(request.weights);
    if (waiting + reserve > config.timeoutSeconds) {
        invalid(
            [
                `this rollout waits ${shifts} x ${request.intervalSeconds} s = ${waiting} s between its ${request.weights.length} steps, and the simple deployer needs ${reserve} s more for API calls and a possible rollback: it cannot finish inside its ${config.timeoutSeconds} s timeout.`,
                `Run it with the Step Functions workflow instead (no time limit): aws stepfunctions start-execution --state-machine-arn ${config.stateMachineArn} --input '${JSON.stringify(raw)}'`,
            ].join(" "),
        );
    }
}

async function notify(sns: SimpleDeployDeps["sns"], topicArn: string, subject: string, message: string): Promise<void> {
    await sns.publish({ TopicArn: topicArn, Subject: subject, Message: fitSnsMessage(message) });
}

export interface SimpleDeploymentResult extends Outcome {
    readonly steps: { readonly weight: number; readonly health: HealthResult }[];
}

/**
 * Undoes what this run changed. `own` is the alias revision this run last wrote: only an alias still at that
 * revision is rolled back. An alias at its original version without weights has nothing of this run left; any other
 * state was made by someone else (another deployment, or a duplicate delivery of this request running beside it)
 * and is left alone, which fails loudly.
 */
async function undoOwnChange(plan: DeploymentPlan, reason: string, own: string | undefined, deps: TrafficDeps): Promise<Outcome> {
    const alias = await readAlias(deps.lambda, plan);
    if (own !== undefined && alias.RevisionId === own) return rollBack(plan, reason, alias, deps);
    if (alias.FunctionVersion === plan.originalVersion && hasNoWeights(alias)) return rollBack(plan, reason, alias, deps);
    throw changedOutside(alias, plan, "rolling back");
}

function errorText(err: unknown): string {
    return err instanceof Error ? `${err.name}: ${err.message}` : shown(err);
}

/**
 * Runs a whole rollout in one invocation: validate, then for each step shift, wait, check health (waiting
 * longer for data as the policy allows), then finalize. Any failure after validation rolls back this run's own
 * change and throws; success and rollback are published to the topic. A request whose new version the alias already
 * serves alone is done: it succeeds without a change or a notification (Lambda may deliver an asynchronous request
 * twice, and the first delivery has reported it).
 */
export async function runSimpleDeployment(raw: unknown, config: SimpleDeployerConfig, deps: SimpleDeployDeps): Promise<SimpleDeploymentResult> {
    const log = deps.log ?? (() => undefined);
    // Nothing retries this function (its asynchronous retries are off: a failed run has rolled back), so it repeats
    // itself what the workflow's Retry repeats: every step re-reads the alias and changes it conditionally, and the
    // checks only read. A transient failure that outlasts the SDK's own attempts no longer rolls a rollout back.
    const again = <T>(call: () => Promise<T>, attempts = 3): Promise<T> =>
        retryWhile(call, (e) => isTransient(e) || ["PreconditionFailedException", "MetricDataUnavailable"].includes(errorName(e)), {
            sleep: deps.sleep,
            attempts,
            delayMs: 2000,
            onRetry: (attempt, err) => log("retrying after a transient failure", { attempt, error: errorText(err) }),
        });
    const request = parseDeploymentRequest(raw, config);
    assertFitsSimpleDeployer(request, raw, config);
    const alias = await again(() => currentAlias(deps.lambda, request.functionName, request.aliasName));
    if (alias.FunctionVersion === request.newVersion && hasNoWeights(alias)) {
        const done: SimpleDeploymentResult = {
            status: "finalized",
            unchanged: true,
            functionName: request.functionName,
            aliasName: request.aliasName,
            version: request.newVersion,
            message: `${request.functionName}:${request.aliasName} already serves version ${request.newVersion} to all traffic; nothing was changed.`,
            steps: [],
        };
        log("already deployed", { ...done });
        return done;
    }
    const plan = await again(() => planAgainst(request, alias, deps));
    const traffic = { lambda: deps.lambda, now: deps.now };
    const steps: SimpleDeploymentResult["steps"][number][] = [];
    let own: string | undefined;
    let outcome: Outcome;
    try {
        for (let index = 0; index < plan.shiftCount; index++) {
            const shifted = await again(() => applyShift({ plan, index }, traffic));
            own = shifted.revisionId;
            const step = shifted.result;
            log("shifted", { weight: step.weight });
            for (let waits = 0; ; waits++) {
                const needed = (plan.intervalSeconds + simpleDeployerReserveSeconds(plan.weights)) * 1000;
                if (deps.remainingMs() < needed) {
                    throw deploymentError(
                        "OutOfTime",
                        `the simple deployer ran out of time at weight ${step.weight} (waiting for data); use the Step Functions workflow (${config.stateMachineArn}) for this rollout`,
                    );
                }
                await deps.sleep(plan.intervalSeconds * 1000);
                const health = await again(() => checkHealth({ plan, step }, { cloudwatch: deps.cloudwatch, now: deps.now }));
                log("health", { ...health });
                const action = nextAction(health.status, plan.health, waits);
                if (action === "advance") {
                    steps.push({ weight: step.weight, health });
                    break;
                }
                if (action === "rollback") {
                    throw Object.assign(deploymentError("UnhealthyDeployment", `the new version is unhealthy: ${health.reason}`), { health });
                }
            }
        }
        const finalized = await again(() => applyFinalize({ plan }, traffic));
        own = finalized.revisionId;
        outcome = finalized.result;
    } catch (err) {
        const state: Json =
            errorName(err) === "UnhealthyDeployment"
                ? { plan, health: (err as { health?: HealthResult }).health }
                : { plan, error: { Error: errorName(err) || "Error", Cause: err instanceof Error ? err.message : shown(err) } };
        const reason = rollbackReason(state);
        let rolledBack: Outcome;
        try {
            // The rollback is what leaves the alias safe: it gets more attempts, as in the workflow.
            rolledBack = await again(() => undoOwnChange(plan, reason, own, traffic), 5);
        } catch (rollbackErr) {
            const message = `Deployment of version ${plan.newVersion} to ${plan.functionName}:${plan.aliasName} failed (${reason}) and its rollback failed too: ${errorText(rollbackErr)}. Check the alias now.`;
            await notify(deps.sns, config.topicArn, "Canary deployment rollback FAILED", message).catch((e) => log("notification failed", { error: errorText(e) }));
            throw deploymentError("RollbackFailed", message);
        }
        await notify(deps.sns, config.topicArn, "Canary deployment rolled back", rolledBack.message).catch((e) => log("notification failed", { error: errorText(e) }));
        log("rolled back", { ...rolledBack });
        throw err;
    }
    try {
        await notify(deps.sns, config.topicArn, "Canary deployment succeeded", outcome.message);
    } catch (err) {
        // The deployment stands: a lost notification must not undo it, but the run fails so the errors alarm says so.
        throw deploymentError("NotificationFailed", `${outcome.message}\nThe success notification could not be published: ${errorText(err)}`);
    }
    log("finalized", { ...outcome });
    return { ...outcome, steps };
}

/** Reads the simple deployer's configuration from its environment variables. */
export function simpleDeployerConfigFromEnvironment(env: Readonly<Record<string, string | undefined>>): SimpleDeployerConfig {
    const base = configFromEnvironment(env);
    if (!env.TOPIC_ARN) throw new Error("TOPIC_ARN is not set");
    if (!env.STATE_MACHINE_ARN) throw new Error("STATE_MACHINE_ARN is not set");
    const timeoutSeconds = numberFrom(env, "TIMEOUT_SECONDS", NaN);
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) throw new Error(`TIMEOUT_SECONDS must be the function's timeout; got "${env.TIMEOUT_SECONDS}"`);
    return { ...base, topicArn: env.TOPIC_ARN, stateMachineArn: env.STATE_MACHINE_ARN, timeoutSeconds };
}
