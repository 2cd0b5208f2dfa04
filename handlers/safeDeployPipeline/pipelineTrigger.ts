// The CodePipeline Lambda invoke action that hands a deployment to the deploy state machine (README scenario 10).
// First invocation: read the input file and template from the source artifact, stage the template in S3, start an
// execution and give CodePipeline the execution ARN as continuation token. Each re-invocation (with that token)
// reports RUNNING (continue), SUCCEEDED or FAILED. Every failure is reported with PutJobFailureResult.
import type { CodePipeline } from "@aws-sdk/client-codepipeline";
import type { S3 } from "@aws-sdk/client-s3";
import type { SFN } from "@aws-sdk/client-sfn";
import { hasErrorName, namedError } from "../shared/errors";
import { readZip } from "./zipArchive";

export interface TriggerConfig {
    /** The deploy state machine. */
    readonly stateMachineArn: string;
    /** Bucket the extracted template is staged in (CloudFormation reads it by URL). */
    readonly templateBucket: string;
    /** Key prefix of staged templates, ending in `/`. */
    readonly templatePrefix: string;
    /** `https://<bucket>.s3.<region>.<dns suffix>/`: the staged template's URL is this plus its key. */
    readonly templateUrlBase: string;
    /** Stack names must start with this. */
    readonly stackNamePrefix: string;
    /** Input file read from the artifact when the action's UserParameters name none. */
    readonly defaultInputFile: string;
}

export interface TriggerDeps {
    readonly codepipeline: Pick<CodePipeline, "putJobSuccessResult" | "putJobFailureResult">;
    readonly sfn: Pick<SFN, "startExecution" | "describeExecution" | "stopExecution">;
    readonly s3: Pick<S3, "getObject" | "putObject">;
    readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

/** What the deploy state machine receives. */
export interface DeploymentInput {
    readonly stackName: string;
    readonly templateUrl: string;
    readonly parameters: ReadonlyArray<{ ParameterKey: string; ParameterValue: string }>;
    readonly capabilities: readonly string[];
    readonly changeSetName: string;
    readonly pipelineJobId: string;
}

export type TriggerResult =
    | { status: "started"; jobId: string; executionArn: string; stackName: string }
    | { status: "running"; jobId: string; executionArn: string }
    | { status: "succeeded"; jobId: string; executionArn: string }
    | { status: "failed"; jobId: string; message: string; executionArn?: string }
    | { status: "already-reported"; jobId: string; executionArn?: string };

/** The event carries no usable job: nothing can be reported to CodePipeline, so the invocation fails. */
export function malformedEventError(message: string): Error {
    return namedError("MalformedEventError", message);
}

/** The pipeline's configuration or the committed input file is wrong: reported as a ConfigurationError. */
export function deploymentConfigurationError(message: string): Error {
    return namedError("DeploymentConfigurationError", message);
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

interface Job {
    readonly id: string;
    readonly userParameters?: string;
    readonly continuationToken?: string;
    readonly artifacts: ReadonlyArray<{ name: string; bucket: string; key: string }>;
}

function parseJob(event: unknown): Job {
    const job = isObject(event) ? event["CodePipeline.job"] : undefined;
    if (!isObject(job) || typeof job.id !== "string" || job.id.length === 0) {
        throw malformedEventError("the event is not a CodePipeline job (no CodePipeline.job.id)");
    }
    const data = isObject(job.data) ? job.data : {};
    const action = isObject(data.actionConfiguration) && isObject(data.actionConfiguration.configuration) ? data.actionConfiguration.configuration : {};
    const artifacts = (Array.isArray(data.inputArtifacts) ? data.inputArtifacts : []).flatMap((a: unknown) => {
        const loc = isObject(a) && isObject(a.location) && isObject(a.location.s3Location) ? a.location.s3Location : undefined;
        return loc && typeof loc.bucketName === "string" && typeof loc.objectKey === "string"
            ? [{ name: String((a as Json).name ?? ""), bucket: loc.bucketName, key: loc.objectKey }]
            : [];
    });
    return {
        id: job.id,
        userParameters: typeof action.UserParameters === "string" ? action.UserParameters : undefined,
        continuationToken: typeof data.continuationToken === "string" && data.continuationToken.length > 0 ? data.continuationToken : undefined,
        artifacts,
    };
}

/** The action's UserParameters: empty, or a JSON object naming the input file. */
export function parseUserParameters(raw: string | undefined, config: TriggerConfig): { inputFile: string } {
    if (raw === undefined || raw.trim() === "") return { inputFile: config.defaultInputFile };
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        throw deploymentConfigurationError(`UserParameters must be a JSON object like {"inputFile":"deploy.json"}; got ${JSON.stringify(raw.slice(0, 100))}`);
    }
    if (!isObject(parsed)) throw deploymentConfigurationError("UserParameters must be a JSON object");
    const unknown = Object.keys(parsed).filter((k) => k !== "inputFile");
    if (unknown.length > 0) throw deploymentConfigurationError(`UserParameters has unknown key(s) ${unknown.join(", ")} (allowed: inputFile)`);
    if (parsed.inputFile !== undefined && (typeof parsed.inputFile !== "string" || parsed.inputFile.length === 0)) {
        throw deploymentConfigurationError("UserParameters.inputFile must be a non-empty file path");
    }
    return { inputFile: (parsed.inputFile as string | undefined) ?? config.defaultInputFile };
}

export interface DeploymentRequest {
    readonly stackName: string;
    readonly templateFile: string;
    readonly parameters: ReadonlyArray<{ ParameterKey: string; ParameterValue: string }>;
    readonly capabilities: readonly string[];
}

const CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"];
const INPUT_KEYS = ["stackName", "templateFile", "parameters", "capabilities"];

/**
 * Validates the committed input file: `{ stackName, templateFile?, parameters?, capabilities? }`. Throws a
 * DeploymentConfigurationError naming the key and what is allowed.
 */
export function parseDeploymentRequest(text: string, file: string, stackNamePrefix: string): DeploymentRequest {
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (err) {
        throw deploymentConfigurationError(`${file} is not valid JSON: ${(err as Error).message}`);
    }
    if (!isObject(raw)) throw deploymentConfigurationError(`${file} must hold a JSON object`);
    const unknown = Object.keys(raw).filter((k) => !INPUT_KEYS.includes(k));
    if (unknown.length > 0) throw deploymentConfigurationError(`${file}: unknown key(s) ${unknown.join(", ")} (allowed: ${INPUT_KEYS.join(", ")})`);
    const { stackName } = raw;
    if (typeof stackName !== "string" || !/^[A-Za-z][-A-Za-z0-9]{0,127}$/.test(stackName)) {
        throw deploymentConfigurationError(`${file}: stackName must be a CloudFormation stack name (letters, digits, dashes; up to 128); got ${JSON.stringify(stackName ?? null)}`);
    }
    if (!stackName.startsWith(stackNamePrefix)) {
        throw deploymentConfigurationError(`${file}: stackName "${stackName}" must start with "${stackNamePrefix}" (the pipeline may only deploy those stacks)`);
    }
    const templateFile = raw.templateFile ?? "template.yaml";
    if (typeof templateFile !== "string" || templateFile.length === 0) throw deploymentConfigurationError(`${file}: templateFile must be a file path`);
    const params = raw.parameters ?? {};
    if (!isObject(params)) throw deploymentConfigurationError(`${file}: parameters must be an object of name -> value`);
    const parameters = Object.entries(params).map(([key, value]) => {
        if (!["string", "number", "boolean"].includes(typeof value)) {
            throw deploymentConfigurationError(`${file}: parameters.${key} must be a string, number or boolean`);
        }
        return { ParameterKey: key, ParameterValue: String(value) };
    });
    const capabilities = raw.capabilities ?? [];
    if (!Array.isArray(capabilities) || capabilities.some((c) => !CAPABILITIES.includes(c))) {
        throw deploymentConfigurationError(`${file}: capabilities must be a list of ${CAPABILITIES.join(", ")}; got ${JSON.stringify(capabilities)}`);
    }
    return { stackName, templateFile, parameters, capabilities: capabilities as string[] };
}

async function readArtifact(job: Job, deps: TriggerDeps): Promise<Map<string, Buffer>> {
    if (job.artifacts.length !== 1) {
        throw deploymentConfigurationError(`the action needs exactly one input artifact (the source); got ${job.artifacts.length}`);
    }
    const { bucket, key } = job.artifacts[0];
    const object = await deps.s3.getObject({ Bucket: bucket, Key: key });
    if (!object.Body) throw new Error(`s3://${bucket}/${key} has no content`);
    const bytes = await object.Body.transformToByteArray();
    try {
        return readZip(bytes);
    } catch (err) {
        throw deploymentConfigurationError(`the source artifact is not a readable ZIP archive: ${(err as Error).message}`);
    }
}

function fileFrom(files: Map<string, Buffer>, path: string): Buffer {
    const normalised = path.replace(/^\.?\//, "");
    const found = files.get(normalised);
    if (!found) {
        const names = [...files.keys()].slice(0, 20).join(", ");
        throw deploymentConfigurationError(`the source artifact has no ${normalised} (it holds: ${names || "nothing"})`);
    }
    return found;
}

/** Largest template CloudFormation accepts from S3. */
const MAX_TEMPLATE_BYTES = 1024 * 1024;

async function startDeployment(job: Job, config: TriggerConfig, deps: TriggerDeps, started: (arn: string) => void): Promise<TriggerResult> {
    const log = deps.log ?? (() => undefined);
    const { inputFile } = parseUserParameters(job.userParameters, config);
    const files = await readArtifact(job, deps);
    const request = parseDeploymentRequest(fileFrom(files, inputFile).toString("utf8"), inputFile, config.stackNamePrefix);
    const template = fileFrom(files, request.templateFile);
    if (template.length > MAX_TEMPLATE_BYTES) {
        throw deploymentConfigurationError(`${request.templateFile} is ${template.length} bytes; CloudFormation accepts at most ${MAX_TEMPLATE_BYTES}`);
    }
    // Keyed by job id: a retried invocation writes the same object and starts the same execution.
    const key = `${config.templatePrefix}${job.id}/${request.templateFile.split("/").pop()}`;
    await deps.s3.putObject({ Bucket: config.templateBucket, Key: key, Body: template, ContentType: "text/plain" });
    const input: DeploymentInput = {
        stackName: request.stackName,
        templateUrl: `${config.templateUrlBase}${key}`,
        parameters: request.parameters,
        capabilities: request.capabilities,
        changeSetName: `deploy-${job.id}`.slice(0, 128),
        pipelineJobId: job.id,
    };
    // StartExecution with the same name and input is idempotent while the execution runs, so a repeated invocation
    // does not deploy twice; once it has ended, the same name is ExecutionAlreadyExists, and the job reports how the
    // execution ended, as a continuation would.
    // https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
    const name = job.id.replace(/[^A-Za-z0-9-_]/g, "-").slice(0, 80);
    let execution;
    try {
        execution = await deps.sfn.startExecution({ stateMachineArn: config.stateMachineArn, name, input: JSON.stringify(input) });
    } catch (err) {
        if (errorName(err) !== "ExecutionAlreadyExists") throw err;
        log("execution of this job already ended (repeated invocation)", { jobId: job.id });
        return continueDeployment(job, `${config.stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`, config, deps);
    }
    if (!execution.executionArn) throw new Error("StartExecution returned no execution ARN");
    started(execution.executionArn);
    log("deployment started", { jobId: job.id, stackName: request.stackName, executionArn: execution.executionArn });
    await deps.codepipeline.putJobSuccessResult({
        jobId: job.id,
        continuationToken: execution.executionArn,
        executionDetails: {
            summary: `Deploying stack ${request.stackName}`,
            externalExecutionId: execution.executionArn,
            percentComplete: 0,
        },
    });
    return { status: "started", jobId: job.id, executionArn: execution.executionArn, stackName: request.stackName };
}

function stackNameOf(input: string | undefined): string {
    try {
        const parsed = JSON.parse(input ?? "{}");
        return typeof parsed.stackName === "string" ? parsed.stackName : "the stack";
    } catch {
        return "the stack";
    }
}

async function continueDeployment(job: Job, executionArn: string, config: TriggerConfig, deps: TriggerDeps): Promise<TriggerResult> {
    const ours = `${config.stateMachineArn.replace(":stateMachine:", ":execution:")}:`;
    if (!executionArn.startsWith(ours)) {
        throw deploymentConfigurationError(`the continuation token is not an execution of ${config.stateMachineArn}`);
    }
    const execution = await deps.sfn.describeExecution({ executionArn });
    const stack = stackNameOf(execution.input);
    switch (execution.status) {
        case "RUNNING":
        case "PENDING_REDRIVE":
            await deps.codepipeline.putJobSuccessResult({
                jobId: job.id,
                continuationToken: executionArn,
                executionDetails: { summary: `Still deploying ${stack}`, externalExecutionId: executionArn },
            });
            return { status: "running", jobId: job.id, executionArn };
        case "SUCCEEDED":
            await deps.codepipeline.putJobSuccessResult({
                jobId: job.id,
                executionDetails: { summary: `Deployed ${stack}`, externalExecutionId: executionArn, percentComplete: 100 },
            });
            return { status: "succeeded", jobId: job.id, executionArn };
        case "FAILED":
        case "TIMED_OUT":
        case "ABORTED": {
            const why = [execution.error, execution.cause].filter((s) => s && s.length > 0).join(": ");
            const message = `Deployment of ${stack} ${execution.status === "FAILED" ? "failed" : execution.status === "TIMED_OUT" ? "timed out" : "was aborted"}${why ? `: ${why}` : ""} (${executionArn})`;
            await reportFailure(job.id, message, "JobFailed", executionArn, deps);
            return { status: "failed", jobId: job.id, message, executionArn };
        }
        default:
            throw new Error(`execution ${executionArn} has an unknown status ${JSON.stringify(execution.status)}`);
    }
}

function errorName(err: unknown): string {
    return isObject(err) ? String(err.name ?? "") : "";
}

/**
 * CodePipeline accepts one result per job: a result for a job that already has one is InvalidJobStateException.
 * Met on a repeated invocation, it means an earlier one reported the job, and its execution must go on.
 */
function isAlreadyReported(err: unknown): boolean {
    return errorName(err) === "InvalidJobStateException";
}

function failureType(err: unknown): "ConfigurationError" | "PermissionError" | "JobFailed" {
    if (hasErrorName(err, "DeploymentConfigurationError")) return "ConfigurationError";
    const name = isObject(err) ? String(err.name ?? "") : "";
    return /AccessDenied|Unauthorized|Forbidden/.test(name) ? "PermissionError" : "JobFailed";
}

async function reportFailure(jobId: string, message: string, type: string, externalExecutionId: string | undefined, deps: TriggerDeps): Promise<void> {
    await deps.codepipeline.putJobFailureResult({
        jobId,
        failureDetails: {
            type: type as "JobFailed",
            message: message.length > 5000 ? `${message.slice(0, 4997)}...` : message,
            ...(externalExecutionId ? { externalExecutionId } : {}),
        },
    });
}

/**
 * Handles one invocation by the pipeline. The outcome always reaches CodePipeline: success (with or without a
 * continuation token) or PutJobFailureResult with the reason. Throws only when the event has no job, or when even
 * the failure could not be reported (Lambda then retries the invocation, which is idempotent).
 */
export async function handlePipelineJob(event: unknown, config: TriggerConfig, deps: TriggerDeps): Promise<TriggerResult> {
    const log = deps.log ?? (() => undefined);
    // Never log the event: it carries the artifact credentials.
    const job = parseJob(event);
    let startedArn: string | undefined;
    try {
        if (job.continuationToken) return await continueDeployment(job, job.continuationToken, config, deps);
        return await startDeployment(job, config, deps, (arn) => (startedArn = arn));
    } catch (err) {
        if (isAlreadyReported(err)) {
            log("the job already has its result (repeated invocation); its execution is left running", { jobId: job.id });
            return { status: "already-reported", jobId: job.id, ...(startedArn ? { executionArn: startedArn } : {}) };
        }
        const reason = err instanceof Error ? `${err.name === "Error" ? "" : `${err.name}: `}${err.message}` : String(err);
        const message = startedArn ? `${reason} (execution ${startedArn} is stopped with this job)` : reason;
        log("pipeline job failed", { jobId: job.id, message });
        // The failure is reported first: when CodePipeline already holds a result for the job (a success whose answer
        // was lost, or a repeated invocation), the execution it reported must go on, not be stopped.
        try {
            await reportFailure(job.id, message, failureType(err), startedArn ?? job.continuationToken, deps);
        } catch (reportErr) {
            if (!isAlreadyReported(reportErr)) {
                // Nothing can be reported now; a deployment nobody watches must not go on meanwhile. Lambda's retry
                // finds the stopped execution and reports it.
                if (startedArn) await deps.sfn.stopExecution({ executionArn: startedArn, error: "PipelineJobFailed", cause: reason.slice(0, 32768) }).catch(() => undefined);
                throw reportErr;
            }
            log("the job already has its result; its execution is left running", { jobId: job.id, executionArn: startedArn });
            return { status: "already-reported", jobId: job.id, ...(startedArn ? { executionArn: startedArn } : {}) };
        }
        if (!startedArn) return { status: "failed", jobId: job.id, message };
        // The pipeline now knows the job failed, so the deployment it started must not go on unobserved.
        try {
            await deps.sfn.stopExecution({ executionArn: startedArn, error: "PipelineJobFailed", cause: reason.slice(0, 32768) });
            return { status: "failed", jobId: job.id, message, executionArn: startedArn };
        } catch (stopErr) {
            const unstopped = `${message}; stopping it failed, it may still deploy: ${(stopErr as Error).message}`;
            log("stopping the execution failed", { jobId: job.id, executionArn: startedArn, error: (stopErr as Error).message });
            return { status: "failed", jobId: job.id, message: unstopped, executionArn: startedArn };
        }
    }
}

/** Reads the function's configuration from its environment variables; throws naming a missing one. */
export function configFromEnvironment(env: Readonly<Record<string, string | undefined>>): TriggerConfig {
    const need = (name: string): string => {
        const v = env[name];
        if (!v) throw new Error(`${name} is not set`);
        return v;
    };
    return {
        stateMachineArn: need("STATE_MACHINE_ARN"),
        templateBucket: need("TEMPLATE_BUCKET"),
        templatePrefix: need("TEMPLATE_PREFIX"),
        templateUrlBase: need("TEMPLATE_URL_BASE"),
        stackNamePrefix: need("STACK_NAME_PREFIX"),
        defaultInputFile: env.DEFAULT_INPUT_FILE || "deploy.json",
    };
}
