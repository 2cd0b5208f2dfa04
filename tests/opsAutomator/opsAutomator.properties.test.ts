// Properties of the Ops Automator runner and its snapshot scheduler task: hostile scheduled events, instance tags
// (`scheduler:ebs-snapshot:<HHMM>` = `<time>;<retention days>;<time zone>;<active days>`, owned by whoever tags an
// instance) and task items, repeated deliveries and failing AWS calls, on stateful EC2, DynamoDB, CloudWatch and SNS.
import { AttributeValue } from "@aws-sdk/client-dynamodb";
import fc from "fast-check";
import assert from "node:assert/strict";
import { runOpsAutomator, RunSummary } from "../../handlers/opsAutomator/opsAutomator";
import { cleanUpSnapshots, isSnapshotCleanup } from "../../handlers/opsAutomator/snapshotCleanup";
import { snapshotTagKeys } from "../../handlers/opsAutomator/snapshotScheduler";
import { transientFaults } from "../faults";
import { FakeCloudWatch, FakeDynamo, FakeEc2, FakeSns } from "../hostile/fakes";
import { hostileString, JS_NAMES, mutatedEvent } from "../hostile/generators";
import { holds, outcome } from "../hostile/properties";
import { MARKER, runnerConfig as config, scheduled, seed } from "./events";

const KEYS = snapshotTagKeys();
const NOW = new Date("2026-11-26T09:02:48Z");
// A Thursday, 09:00 UTC: 14:30 in Asia/Kolkata, 01:00 in Los Angeles.
const EVENT = scheduled("2026-11-26T09:02:41Z");
const RUN_ERRORS = ["MalformedEventError", "TasksFailedError"];

/** Text as EC2 holds it in a tag: at most `max` Unicode characters, well formed. */
const tagText = (max: number) => (s: string) => [...s.replace(/[\ud800-\udfff]/g, "?")].slice(0, max).join("");

/** A schedule tag anyone could write: real-looking fields in any combination, or any text at all. */
function scheduleTag(): fc.Arbitrary<{ Key: string; Value: string }> {
    const key = fc.oneof(
        fc.constantFrom("scheduler:ebs-snapshot", "scheduler:ebs-snapshot:0900", "scheduler:ebs-snapshot:1430", "scheduler:ebs-snapshot:0100"),
        hostileString({ maxLength: 20 }).map((s) => `scheduler:ebs-snapshot:${tagText(100)(s)}`),
    );
    const field = (real: string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...real) }, fc.constantFrom(...JS_NAMES), hostileString({ maxLength: 12 }));
    const structured = fc
        .tuple(
            field(["0900", "1430", "0100", "", "0855", "2400"]),
            field(["3", "", "3650", "0", "3651", "1.5"]),
            field(["utc", "UTC", "Asia/Kolkata", "asia/kolkata", "Asia/Calcutta", "America/Los_Angeles", "+05:30", "Etc/GMT-5", ""]),
            field(["all", "weekdays", "thu", "mon,thu", "THU, thu", ""]),
            fc.nat({ max: 5 }),
        )
        .map(([time, days, zone, active, n]) => [time, days, zone, active, "extra"].slice(0, n).join(";"));
    return fc.record({ Key: key, Value: fc.oneof({ weight: 3, arbitrary: structured }, hostileString(), fc.constantFrom("", "default", ";;;")).map(tagText(256)) });
}

/** An instance's tags: schedule tags, and maybe a Name anyone chose (up to EC2's 256 characters, emoji included). */
function instanceTags(): fc.Arbitrary<Record<string, string>> {
    // Names that fill the tag: the snapshot's Name (this name, a space and the slot) is cut at 256 characters, through them.
    const name = fc.oneof(hostileString({ maxLength: 40 }), fc.integer({ min: 250, max: 256 }).map((n) => `${"n".repeat(n)}😀😀😀`));
    // Mostly with one tag due in the run's window (in one of the spellings of its moment), so the rest meet it.
    const due = fc.constantFrom(["scheduler:ebs-snapshot:0900", "0900;3;utc;all"], ["scheduler:ebs-snapshot:1430", "1430;3;Asia/Kolkata;thu"], ["scheduler:ebs-snapshot", "1430;7;asia/kolkata"]);
    return fc.tuple(fc.option(due, { freq: 4, nil: undefined }), fc.array(scheduleTag(), { minLength: 1, maxLength: 4 }), fc.option(name.map(tagText(256)), { nil: undefined })).map(([d, tags, n]) => ({
        ...(d ? { [d[0]]: d[1] } : {}),
        ...Object.fromEntries(tags.map((t) => [t.Key, t.Value])),
        ...(n !== undefined ? { Name: n } : {}),
    }));
}

/** A DynamoDB attribute value with any content, as Scan returns it (well formed: the SDK builds it from the wire). */
const attribute: fc.Arbitrary<AttributeValue> = fc.letrec<{ value: AttributeValue }>((tie) => ({
    value: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        hostileString().map((S) => ({ S }) as AttributeValue),
        fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })).map((n) => ({ N: String(n) }) as AttributeValue),
        fc.boolean().map((BOOL) => ({ BOOL }) as AttributeValue),
        fc.constant({ NULL: true } as AttributeValue),
        fc.array(tie("value"), { maxLength: 3 }).map((L) => ({ L }) as AttributeValue),
        fc.array(fc.tuple(fc.oneof(hostileString({ maxLength: 12 }), fc.constantFrom(...JS_NAMES, "deleteExpired", "defaultRetentionDays")), tie("value")), { maxLength: 3 }).map(
            (entries) => ({ M: Object.fromEntries(entries) }) as AttributeValue,
        ),
        fc.array(hostileString({ maxLength: 8 }), { minLength: 1, maxLength: 3 }).map((SS) => ({ SS }) as AttributeValue),
        fc.constant({ B: new Uint8Array([1, 2]) } as AttributeValue),
    ),
})).value;

/** A task item a person may have written into the table: near the seeded one, or anything under its key. */
function taskItem(): fc.Arbitrary<Record<string, AttributeValue>> {
    const near = (real: AttributeValue) => fc.oneof({ weight: 3, arbitrary: fc.constant(real) }, attribute);
    return fc
        .record({
            taskId: fc.oneof(fc.constantFrom(...JS_NAMES), hostileString().filter((s) => s.length > 0)).map((S) => ({ S }) as AttributeValue),
            action: near(seed.action),
            enabled: near(seed.enabled),
            parameters: near(seed.parameters),
            description: attribute,
        }, { requiredKeys: ["taskId"] })
        .map((item) => item as Record<string, AttributeValue>);
}

/** Whether an item is an enabled snapshot task with valid parameters, stated from the task's documented shape. */
function runnableSnapshotTask(item: Record<string, AttributeValue>): boolean {
    const p = item.parameters?.M;
    const paramsOk =
        item.parameters === undefined ||
        (p !== undefined &&
            Object.keys(p).every((k) => k === "deleteExpired" || k === "defaultRetentionDays") &&
            (p.deleteExpired === undefined || p.deleteExpired.BOOL !== undefined) &&
            (p.defaultRetentionDays === undefined || (Number.isInteger(Number(p.defaultRetentionDays.N)) && Number(p.defaultRetentionDays.N) >= 1 && Number(p.defaultRetentionDays.N) <= 3650)));
    return item.action?.S === "ebs-snapshot-scheduler" && item.enabled?.BOOL === true && paramsOk && !String(item.taskId?.S).startsWith("reported-warning#");
}

describe("Ops Automator: properties", () => {
    let ec2: FakeEc2;
    let dynamo: FakeDynamo;
    let cloudwatch: FakeCloudWatch;
    let sns: FakeSns;
    const fakes = () => [ec2, dynamo, cloudwatch, sns];
    beforeEach(() => {
        ec2 = new FakeEc2();
        dynamo = new FakeDynamo();
        cloudwatch = new FakeCloudWatch();
        sns = new FakeSns();
        reset();
    });
    afterEach(() => fakes().forEach((f) => f.restore()));

    /** The seeded task, instances with `tags`, an expired and a current snapshot of this engine and one of someone else's. */
    function reset(instances: Record<string, Record<string, string>> = { "i-0aaaaaaaaaaaaaaa1": { "scheduler:ebs-snapshot:0900": "0900;3;utc;weekdays" } }, items = [seed]) {
        dynamo.items.clear();
        for (const item of items) dynamo.items.set(item.taskId.S!, structuredClone(item));
        ec2.instances.clear();
        // Every instance carries this deployment's tag (config.instanceTag) unless its tags say another environment.
        for (const [id, tags] of Object.entries(instances)) ec2.instances.set(id, { tags: { environment: "dev", ...tags }, volumes: ["vol-01", "vol-02"], state: "running" });
        ec2.snapshots.clear();
        ec2.snapshots.set("snap-0expired0000000001", { volumeId: "vol-9", state: "completed", tags: { [KEYS.marker]: MARKER, [KEYS.expires]: "2026-11-20T09:00:00.000Z" } });
        ec2.snapshots.set("snap-0current0000000002", { volumeId: "vol-9", state: "completed", tags: { [KEYS.marker]: MARKER, [KEYS.expires]: "2026-12-20T09:00:00.000Z" } });
        ec2.snapshots.set("snap-0foreign0000000003", { volumeId: "vol-9", state: "completed", tags: { [KEYS.expires]: "2020-01-01T00:00:00.000Z" } });
        sns.messages.length = 0;
        cloudwatch.put.length = 0;
        fakes().forEach((f) => f.clearLog());
    }
    const run = (event: unknown = EVENT) => runOpsAutomator(event, config, { dynamodb: dynamo.client, cloudwatch: cloudwatch.client, sns: sns.client, ec2: ec2.client, now: () => NOW });
    const creates = () => ec2.changes().filter((c) => c.command === "CreateSnapshots");
    /** Snapshot sets this engine holds, per instance and slot. */
    const sets = () => {
        const bySet = new Map<string, number>();
        for (const s of ec2.snapshots.values()) if (s.tags[KEYS.slot]) bySet.set(`${s.tags[KEYS.instance]}|${s.tags[KEYS.slot]}`, (bySet.get(`${s.tags[KEYS.instance]}|${s.tags[KEYS.slot]}`) ?? 0) + 1);
        return bySet;
    };
    const createdPerInstance = () => {
        const per = new Map<string, number>();
        for (const c of creates()) per.set(c.input.InstanceSpecification.InstanceId, (per.get(c.input.InstanceSpecification.InstanceId) ?? 0) + 1);
        return per;
    };

    it("on any variant of the scheduled event, runs its window or refuses before any call", async () => {
        await holds(
            fc.asyncProperty(mutatedEvent(EVENT), async (event: any) => {
                reset();
                const result = await outcome(() => run(event), RUN_ERRORS);
                if ("error" in result && result.error.name === "MalformedEventError") {
                    assert.equal(fakes().reduce((n, f) => n + f.calls.length, 0), 0, "a malformed event calls nothing");
                    return;
                }
                assert.ok("value" in result, "error" in result ? result.error.message : "");
                const end = result.value.windowEnd;
                for (const c of creates()) assert.match(c.input.Description, new RegExp(`at ${end.slice(0, 10)}T${end.slice(11, 16)} UTC`), "only what the event's window makes due");
                assert.ok(![...ec2.snapshots.keys()].includes("snap-0expired0000000001") && ec2.snapshots.has("snap-0foreign0000000003"), "expired own snapshots go, others' stay");
            }),
            80,
        );
    });

    it("reads any schedule tags anyone writes: a bad one is a warning, never a failure; one snapshot set per instance and moment; a repeated delivery takes none", async () => {
        await holds(
            fc.asyncProperty(fc.array(fc.tuple(instanceTags(), fc.boolean()), { minLength: 1, maxLength: 3 }), async (tagSets) => {
                reset(Object.fromEntries(tagSets.map(([tags, own], i) => [`i-0${String(i).padStart(16, "0")}`, own ? tags : { ...tags, environment: "prod" }])));
                const first: RunSummary = await run();
                assert.equal(first.failures, 0, `tags are an owner's data, never a failure: ${JSON.stringify(first.tasks.flatMap((t) => t.issues))}`);
                for (const c of creates()) assert.equal(ec2.instances.get(c.input.InstanceSpecification.InstanceId)?.tags.environment, "dev", "only this deployment's instances");
                for (const [id, n] of createdPerInstance()) assert.equal(n, 1, `${id}: one crash-consistent set per run`);
                for (const c of creates()) {
                    const name = c.input.TagSpecifications[0].Tags.find((t: { Key: string }) => t.Key === "Name").Value;
                    assert.ok([...name].length <= 256);
                }
                assert.equal(sns.messages.length, first.newWarnings.length > 0 ? 1 : 0, "warnings are notified in one message");
                ec2.clearLog();
                sns.clearLog();
                const again = await run();
                assert.equal(creates().length, 0, "a repeated delivery takes no second snapshot set");
                assert.equal(sns.calls.length, 0, "nor notifies the same warnings again");
                assert.equal(again.failures, 0);
                for (const [set, n] of sets()) assert.equal(n, 2, `${set}: one set (two volumes)`);
            }),
            70,
        );
    });

    it("reads any task items a person writes into the table: acts only on an enabled snapshot task, writes only its own items", async () => {
        await holds(
            fc.asyncProperty(fc.array(taskItem(), { minLength: 1, maxLength: 3 }), async (items) => {
                reset(undefined, items);
                const result = await outcome(() => run(), ["TasksFailedError"]);
                const runnable = [...dynamo.items.values()].filter(runnableSnapshotTask);
                if (creates().length > 0) assert.ok(runnable.length > 0, "snapshots only for an enabled, valid snapshot task");
                for (const c of dynamo.changes()) assert.ok(String(c.input.Item?.taskId?.S ?? c.input.Key?.taskId?.S).startsWith("reported-warning#"), "the runner writes only its own state items");
                if ("error" in result) assert.ok(sns.messages.length === 1 || sns.calls.some((c) => c.error), "a failed run is notified");
            }),
            70,
        );
    });

    describe("repeated delivery (EventBridge and Lambda's asynchronous invocation deliver at least once; a failed run is retried)", () => {
        const both = { "i-0aaaaaaaaaaaaaaa1": { "scheduler:ebs-snapshot:0900": "0900;3;utc;weekdays" }, "i-0bad0000000000001": { "scheduler:ebs-snapshot:0900": "0900;3;Moon/Base" } };

        it("the same event twice: one snapshot set, one notification, the second run succeeds", async () => {
            reset(both);
            await run();
            const second = await run();
            assert.deepEqual([second.failures, second.newWarnings.length, creates().length, sns.messages.length], [0, 0, 1, 1]);
        });

        it("a CreateSnapshots that landed with its answer lost fails the run; the retry finds the slot taken and takes no second set", async () => {
            reset(both);
            ec2.fail("CreateSnapshots", transientFaults[2][1], { after: true });
            await assert.rejects(run(), { name: "TasksFailedError", message: /CreateSnapshots for 2026-11-26T09:00 UTC failed: TimeoutError/ });
            const retry = await run();
            assert.deepEqual(retry.tasks[0].result && (retry.tasks[0].result as any).alreadyTaken, [{ instanceId: "i-0aaaaaaaaaaaaaaa1", slot: "2026-11-26T09:00 UTC" }]);
            assert.equal(retry.failures, 0);
            assert.deepEqual([...sets().values()], [2]);
        });

        it("a DeleteSnapshot that landed with its answer lost: the retry counts it deleted, without an error", async () => {
            ec2.fail("DeleteSnapshot", transientFaults[1][1], { after: true });
            await assert.rejects(run(), { name: "TasksFailedError" });
            assert.equal((await run()).failures, 0);
            assert.ok(!ec2.snapshots.has("snap-0expired0000000001"));
        });

        it("a notification whose answer was lost is sent again by the retry (at least once, never lost), then remembered", async () => {
            reset(both);
            sns.fail("Publish", transientFaults[2][1], { after: true });
            await assert.rejects(run(), { name: "TasksFailedError", message: /could not notify/ });
            await run();
            await run();
            assert.equal(sns.messages.length, 2, "the lost answer's message and the retry's; the third run sends none");
            assert.ok([...dynamo.items.keys()].some((k) => k.startsWith("reported-warning#")));
        });
    });

    describe("failing AWS calls", () => {
        const commands = ["Scan", "DescribeInstances", "DescribeSnapshots", "CreateSnapshots", "DeleteSnapshot", "PutMetricData", "Publish", "PutItem", "DeleteItem"];
        const fakeOf = (command: string) => (["Scan", "PutItem", "DeleteItem"].includes(command) ? dynamo : command === "PutMetricData" ? cloudwatch : command === "Publish" ? sns : ec2);

        it("any call failing (throttling, a 500, a timeout; before or after its effect) fails the run naming it; a retry completes the window once", async () => {
            const stale = { taskId: { S: "reported-warning#ebs-snapshot-scheduler#i-0gone000000000001#scheduler:ebs-snapshot" }, task: { S: "ebs-snapshot-scheduler" }, tagValue: { S: "x" } };
            await holds(
                fc.asyncProperty(fc.constantFrom(...commands), fc.constantFrom(...transientFaults), fc.boolean(), async (command, [, fault], after) => {
                    reset({ "i-0aaaaaaaaaaaaaaa1": { "scheduler:ebs-snapshot:0900": "0900;3;utc;weekdays" }, "i-0bad0000000000001": { "scheduler:ebs-snapshot": "25:00" } }, [seed, stale]);
                    fakeOf(command).fail(command, fault, { after });
                    const result = await outcome(() => run(), ["TasksFailedError"]);
                    const failed = fakes().some((f) => f.calls.some((c) => c.error));
                    if ("value" in result) assert.ok(!failed, "success only when every call succeeded");
                    else assert.ok(failed && result.error.message.length > 0);
                    fakes().forEach((f) => f.clearLog());
                    const retry = await run();
                    assert.equal(retry.failures, 0);
                    assert.deepEqual([...sets().values()], [2], "one snapshot set for the window, whatever failed first");
                    assert.ok(!ec2.snapshots.has("snap-0expired0000000001"));
                    assert.ok(!dynamo.items.has(stale.taskId.S), "the resolved warning is forgotten");
                }),
                60,
            );
        });
    });

    describe("snapshot cleanup (the runner's managed invocation on pulumi destroy)", () => {
        /** What the runner's function does with an event (scenarios/opsAutomator/component.ts): a cleanup, or a run. */
        const invoke = (event: unknown): Promise<unknown> => (isSnapshotCleanup(event) ? cleanUpSnapshots(event, MARKER, { ec2: ec2.client }) : run(event));
        const cleanup = (action: string) => ({ cleanup: "snapshots", tf: { action, prev_input: action === "create" ? null : { cleanup: "snapshots" } } });
        const own = () => [...ec2.snapshots].filter(([, s]) => s.tags[KEYS.marker] === MARKER).map(([id]) => id);

        it("on any variant of the deployment's invocation or a scheduled event, deletes this engine's snapshots only on a delete", async () => {
            await holds(
                fc.asyncProperty(fc.oneof(mutatedEvent(cleanup("delete")), mutatedEvent(cleanup("update")), mutatedEvent(EVENT)), async (event: any) => {
                    reset();
                    await outcome(() => invoke(event), [...RUN_ERRORS, { name: "Error", message: /^not a managed invocation event/ }]);
                    assert.ok(ec2.snapshots.has("snap-0foreign0000000003"), "another engine's snapshot is never deleted");
                    const deletedCurrent = !ec2.snapshots.has("snap-0current0000000002");
                    if (deletedCurrent) assert.ok(event?.tf?.action === "delete" && event.cleanup === "snapshots", `deleted unexpired snapshots on ${JSON.stringify(event).slice(0, 200)}`);
                }),
                80,
            );
        });

        it("a delete repeated, or retried after any call failed (before or after its effect), leaves none of its snapshots and fails loudly until then", async () => {
            await holds(
                fc.asyncProperty(fc.constantFrom("DescribeSnapshots", "DeleteSnapshot"), fc.constantFrom(...transientFaults), fc.nat({ max: 1 }), fc.boolean(), async (command, [, fault], skip, after) => {
                    reset();
                    ec2.fail(command, fault, { skip, after });
                    const first = await outcome(() => invoke(cleanup("delete")), [fault().name, { name: "Error", message: /^could not delete 1 of 2 snapshots/ }]);
                    if ("value" in first) assert.deepEqual(own(), [], "reported done only when none is left");
                    ec2.clearLog();
                    await invoke(cleanup("delete"));
                    const again = await invoke(cleanup("delete"));
                    assert.deepEqual([own(), (again as { deleted: string[] }).deleted], [[], []]);
                    assert.ok(ec2.snapshots.has("snap-0foreign0000000003"));
                }),
                40,
            );
        });
    });

    describe("large inputs", () => {
        it("pins: hundreds of bad tags make a report beyond SNS's 256 KB; it is cut to fit, not refused by Publish on every run", async () => {
            const bad = `0900;3;${"Nowhere/".repeat(30)}`;
            reset(Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`i-0${String(i).padStart(16, "0")}`, { "scheduler:ebs-snapshot": bad }])));
            const summary = await run();
            assert.equal(summary.newWarnings.length, 600);
            assert.equal(sns.messages.length, 1);
            assert.ok(Buffer.byteLength(sns.messages[0].Message) <= 262_144);
            assert.match(sns.messages[0].Message, /cut to SNS's 256 KB message limit; the function's log has the rest\]$/);
        });

        it("pins: an instance Name that fills the Name tag, ending in an emoji, is cut between characters (no URIError, the snapshot is taken)", async () => {
            reset({ "i-0aaaaaaaaaaaaaaa1": { Name: `${"n".repeat(255)}😀`, "scheduler:ebs-snapshot:0900": "0900;3;utc;all" } });
            const summary = await run();
            assert.equal(summary.failures, 0);
            const name = creates()[0].input.TagSpecifications[0].Tags.find((t: { Key: string }) => t.Key === "Name").Value as string;
            assert.equal(name, `${"n".repeat(255)}😀`);
        });

        it("pins: two tags naming one moment in two spellings of a zone take one snapshot set, kept for the longer retention", async () => {
            reset({ "i-0aaaaaaaaaaaaaaa1": { "scheduler:ebs-snapshot:1430": "1430;3;Asia/Kolkata;all", "scheduler:ebs-snapshot": "1430;9;asia/kolkata;all", "scheduler:ebs-snapshot:0900": "0900;5;utc;all" } });
            await run();
            assert.equal(creates().length, 1);
            assert.equal(creates()[0].input.TagSpecifications[0].Tags.find((t: { Key: string }) => t.Key === KEYS.expires).Value, "2026-12-05T09:00:00.000Z");
            ec2.clearLog();
            await run();
            assert.equal(creates().length, 0);
        });
    });
});
