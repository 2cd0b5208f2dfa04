// Events of a Lambda invocation that Pulumi manages with lifecycle scope CRUD (aws.lambda.Invocation): the provider
// invokes the function on create, on update and on delete, with the input recorded in the resource's state and
// `tf: { action, prev_input }` added (terraform-provider-aws internal/service/lambda/invocation.go, buildInput). A
// cleanup that must run when the stack is destroyed acts on `delete` only.

export type LifecycleAction = "create" | "update" | "delete";

/** The lifecycle action of an event, or undefined when the event is not a managed invocation's. */
export function lifecycleAction(event: unknown): LifecycleAction | undefined {
    const tf = (event as { tf?: { action?: unknown } } | null)?.tf;
    const action = tf?.action;
    return action === "create" || action === "update" || action === "delete" ? action : undefined;
}
