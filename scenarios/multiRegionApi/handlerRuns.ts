// How the authorization check (checks/authz/handlerCalls.ts) exercises this scenario's Lambda handlers, keyed by
// component type and function role (the HandlerFunction's name after the component's): the SDK clients to record
// and representative invocations built from the stack, or why a function makes no AWS call. npm run authz and
// npm test run every function of a stack this way; a function without an entry fails them.
import type { HandlerRuns } from "../../checks/authz/handlerCalls";

export const handlerRuns: HandlerRuns = {
    "aws-blueprints:serverless:RegionalApi/hello": "answers from its region and environment; it calls no AWS API",
    "aws-blueprints:serverless:RegionalApi/health": "answers from its environment; it calls no AWS API",
};
