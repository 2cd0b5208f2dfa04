import {
    CreateSnapshotsCommand,
    DeleteSnapshotCommand,
    DescribeInstancesCommand,
    DescribeSnapshotsCommand,
    EC2,
    EC2Client,
    Instance,
    Snapshot,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import {
    dueSlot,
    localMinutes,
    minuteFormat,
    parseActiveDays,
    parseScheduleTag,
    runSnapshotScheduler,
    SnapshotSchedule,
    SnapshotWindow,
    snapshotTagKeys,
    windowEnding,
} from "../../handlers/opsAutomator/snapshotScheduler";
import { accessDenied, awsError, ec2Throttling, ec2Unauthorized } from "../faults";

const MARKER = "ops-automator-tasks-1a2b3c4";
const KEYS = snapshotTagKeys();

function due(tag: [string, string], end: string, minutes = 5): string | undefined {
    const window = windowEnding(new Date(end), minutes);
    return dueSlot(parseScheduleTag(...tag), window, (z) => localMinutes(window, z))?.slot;
}

/** Every slot a schedule is due in, running every `minutes` minutes from `from` for `hours` hours. */
function slotsOver(schedule: SnapshotSchedule, from: string, hours: number, minutes = 5): string[] {
    const slots: string[] = [];
    const start = new Date(from).getTime();
    const format = minuteFormat(schedule.timeZone);
    for (let t = start + minutes * 60_000; t <= start + hours * 3_600_000; t += minutes * 60_000) {
        const window = windowEnding(new Date(t), minutes);
        const slot = dueSlot(schedule, window, (z) => localMinutes(window, z, format));
        if (slot) slots.push(slot.slot);
    }
    return slots;
}

describe("snapshot scheduler: schedule tags", () => {
    it("reads the post's tag: 0900, kept 3 days, UTC, weekdays", () => {
        assert.deepEqual(parseScheduleTag("scheduler:ebs-snapshot:0900", "0900;3;utc;weekdays"), {
            tagKey: "scheduler:ebs-snapshot:0900",
            time: "0900",
            retentionDays: 3,
            timeZone: "UTC",
            days: ["mon", "tue", "wed", "thu", "fri"],
        });
    });

    it("fills in the original's defaults: 2330, 15 days, UTC, every day", () => {
        const all = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        assert.deepEqual(parseScheduleTag("scheduler:ebs-snapshot", ""), { tagKey: "scheduler:ebs-snapshot", time: "2330", retentionDays: 15, timeZone: "UTC", days: all });
        assert.deepEqual(parseScheduleTag("scheduler:ebs-snapshot", "default").time, "2330");
        // An empty time takes the key's HHMM, not 2330.
        assert.equal(parseScheduleTag("scheduler:ebs-snapshot:0715", "").time, "0715");
        assert.deepEqual(parseScheduleTag("scheduler:ebs-snapshot:0715", ";7").retentionDays, 7);
        const partial = parseScheduleTag("scheduler:ebs-snapshot", "1000;;;");
        assert.deepEqual([partial.time, partial.retentionDays, partial.timeZone, partial.days.length], ["1000", 15, "UTC", 7]);
        assert.equal(parseScheduleTag("scheduler:ebs-snapshot", "", { time: "2330", retentionDays: 30, timeZone: "UTC", days: all as any }).retentionDays, 30);
    });

    it("takes IANA zones in any letter case and lists of days in any order", () => {
        const s = parseScheduleTag("scheduler:ebs-snapshot:0900", "0900;3;america/los_angeles;FRI, mon,mon");
        assert.equal(s.timeZone, "America/Los_Angeles");
        assert.deepEqual(s.days, ["mon", "fri"]);
        assert.equal(parseScheduleTag("scheduler:ebs-snapshot", "0900;3;GMT;all").timeZone, "UTC");
        assert.deepEqual(parseActiveDays("all").length, 7);
        assert.deepEqual(parseActiveDays("sat,sun"), ["sat", "sun"]);
    });

    for (const [key, value, message] of [
        ["scheduler:ebs-snapshot:0900", "2500;3;utc;all", /time "2500" must be HHMM/],
        ["scheduler:ebs-snapshot:0900", "0960", /time "0960"/],
        ["scheduler:ebs-snapshot:9am", "", /must end in a time HHMM/],
        ["scheduler:ebs-snapshot", "0900;0", /retention days "0" must be a whole number from 1 to 3650/],
        ["scheduler:ebs-snapshot", "0900;3.5", /retention days "3.5"/],
        ["scheduler:ebs-snapshot", "0900;-1", /retention days "-1"/],
        ["scheduler:ebs-snapshot", "0900;3;Mars/Olympus_Mons", /unknown time zone "Mars\/Olympus_Mons"/],
        ["scheduler:ebs-snapshot", "0900;3;utc;someday", /unknown day "someday"/],
        ["scheduler:ebs-snapshot", "0900;3;utc;mon;tue", /at most 4 fields/],
        ["scheduler:other", "0900", /not a scheduler:ebs-snapshot tag/],
    ] as const) {
        it(`refuses ${key}="${value}" naming the tag`, () => {
            assert.throws(() => parseScheduleTag(key, value), (err: Error) => {
                assert.ok(err instanceof Error);
                assert.equal(err.name, "ScheduleTagError");
                assert.match(err.message, message);
                assert.ok(err.message.startsWith(`tag ${key}="${value}"`), err.message);
                return true;
            });
        });
    }
});

describe("snapshot scheduler: due windows", () => {
    it("rounds a late trigger down to the schedule's boundary", () => {
        assert.equal(windowEnding(new Date("2026-11-26T10:07:42Z"), 5).end.toISOString(), "2026-11-26T10:05:00.000Z");
        assert.equal(windowEnding(new Date("2026-11-26T10:59:59Z"), 60).end.toISOString(), "2026-11-26T10:00:00.000Z");
        assert.throws(() => windowEnding(new Date(), 7), /must divide 60/);
    });

    it("is due at the local time, in the window that ends on it", () => {
        const post: [string, string] = ["scheduler:ebs-snapshot:0900", "0900;3;utc;weekdays"];
        assert.equal(due(post, "2026-11-26T09:00:00Z"), "2026-11-26T09:00 UTC");
        assert.equal(due(post, "2026-11-26T09:01:30Z"), "2026-11-26T09:00 UTC", "a trigger late by a minute covers the same window");
        assert.equal(due(post, "2026-11-26T08:55:00Z"), undefined);
        assert.equal(due(post, "2026-11-26T09:05:00Z"), undefined);
        assert.equal(due(post, "2026-11-28T09:00:00Z"), undefined, "not on a Saturday");
    });

    it("handles windows that cross midnight: each minute keeps its own date and weekday", () => {
        // Wed 2026-11-25 23:50 -> Thu 00:05 UTC in one 15-minute window.
        const end = "2026-11-26T00:05:00Z";
        assert.equal(due(["scheduler:ebs-snapshot", "0000;3;utc;thu"], end, 15), "2026-11-26T00:00 UTC");
        assert.equal(due(["scheduler:ebs-snapshot", "2355;3;utc;wed"], end, 15), "2026-11-25T23:55 UTC");
        assert.equal(due(["scheduler:ebs-snapshot", "2355;3;utc;thu"], end, 15), undefined, "23:55 in this window is a Wednesday");
        assert.equal(due(["scheduler:ebs-snapshot", "0000;3;utc;wed"], end, 15), undefined, "00:00 in this window is a Thursday");
    });

    it("uses the tag's time zone, including its own date and half-hour offsets", () => {
        // 09:00 in Los Angeles (PST, UTC-8) is 17:00 UTC.
        const la: [string, string] = ["scheduler:ebs-snapshot:0900", "0900;3;America/Los_Angeles;weekdays"];
        assert.equal(due(la, "2026-11-26T17:00:00Z"), "2026-11-26T09:00 America/Los_Angeles");
        assert.equal(due(la, "2026-11-26T09:00:00Z"), undefined);
        // Friday 00:30 in Kolkata (UTC+5:30) is Thursday 19:00 UTC: the local weekday decides.
        assert.equal(due(["scheduler:ebs-snapshot", "0030;3;Asia/Kolkata;fri"], "2026-11-26T19:00:00Z"), "2026-11-27T00:30 Asia/Kolkata");
        assert.equal(due(["scheduler:ebs-snapshot", "0030;3;Asia/Kolkata;thu"], "2026-11-26T19:00:00Z"), undefined);
    });

    it("is due exactly once per active day, whatever the window length", () => {
        const schedule = parseScheduleTag("scheduler:ebs-snapshot:1600", "1600;3;Europe/Amsterdam;weekdays");
        for (const minutes of [5, 15, 60]) {
            const slots = slotsOver(schedule, "2026-11-23T00:00:00Z", 7 * 24, minutes);
            assert.deepEqual(slots, ["23", "24", "25", "26", "27"].map((d) => `2026-11-${d}T16:00 Europe/Amsterdam`), `${minutes}-minute windows`);
        }
    });

    it("skips a local time that daylight saving removes and takes a repeated one once", () => {
        // New York springs forward on 2026-03-08 (02:00 -> 03:00) and falls back on 2026-11-01 (02:00 -> 01:00).
        const skipped = parseScheduleTag("scheduler:ebs-snapshot", "0230;3;America/New_York;all");
        assert.deepEqual(slotsOver(skipped, "2026-03-08T04:00:00Z", 6), []);
        const repeated = parseScheduleTag("scheduler:ebs-snapshot", "0130;3;America/New_York;all");
        const slots = slotsOver(repeated, "2026-11-01T04:00:00Z", 4);
        assert.equal(slots.length, 2, "01:30 happens twice that night");
        assert.equal(new Set(slots).size, 1, "both have the same slot, so the second run finds it taken");
    });
});

function instance(id: string, tags: Record<string, string>): Instance {
    return { InstanceId: id, State: { Name: "running" }, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
}

function ownSnapshot(id: string, tags: Record<string, string>): Snapshot {
    return { SnapshotId: id, State: "completed", Tags: Object.entries({ [KEYS.marker]: MARKER, ...tags }).map(([Key, Value]) => ({ Key, Value })) };
}

describe("snapshot scheduler task", () => {
    const ec2Mock = mockClient(EC2Client);
    const window: SnapshotWindow = windowEnding(new Date("2026-11-26T09:00:00Z"), 5);
    const context = { window, markerValue: MARKER };
    const deps = () => ({ ec2: new EC2({ region: "us-east-1" }) });
    const creates = () => ec2Mock.commandCalls(CreateSnapshotsCommand).map((c) => c.args[0].input);
    const deletes = () => ec2Mock.commandCalls(DeleteSnapshotCommand).map((c) => c.args[0].input.SnapshotId);
    const server = instance("i-0aaaaaaaaaaaaaaa1", { Name: "web-1", "scheduler:ebs-snapshot:0900": "0900;3;utc;weekdays", "scheduler:ebs-snapshot:1600": "1600;3;utc;weekdays" });
    const other = instance("i-0bbbbbbbbbbbbbbb2", { "scheduler:ebs-snapshot:0900": "0900;7;utc;all" });

    beforeEach(() => {
        ec2Mock.reset();
        ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [server, other] }] });
        ec2Mock.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
        ec2Mock.on(CreateSnapshotsCommand).callsFake((input) => ({
            Snapshots: [0, 1].map((i) => ({ SnapshotId: `snap-0${input.InstanceSpecification.InstanceId.slice(-1)}${i}cccccccccccccc`, VolumeId: `vol-${i}` })),
        }));
        ec2Mock.on(DeleteSnapshotCommand).resolves({});
    });
    after(() => ec2Mock.restore());

    it("finds tagged instances with a server-side tag filter in the client's region only", async () => {
        await runSnapshotScheduler({}, context, deps());
        const calls = ec2Mock.commandCalls(DescribeInstancesCommand);
        assert.equal(calls.length, 1);
        assert.deepEqual(calls[0].args[0].input.Filters, [
            { Name: "tag-key", Values: ["scheduler:ebs-snapshot", "scheduler:ebs-snapshot:*"] },
            { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] },
        ]);
        assert.equal(ec2Mock.commandCalls(DescribeSnapshotsCommand)[0].args[0].input.Filters![0].Name, `tag:${KEYS.marker}`);
    });

    it("with an instance tag, asks only for its own deployment's instances (server-side), so two engines never snapshot one server twice", async () => {
        await runSnapshotScheduler({}, { ...context, instanceTag: { key: "environment", value: "dev" } }, deps());
        const filters = ec2Mock.commandCalls(DescribeInstancesCommand)[0].args[0].input.Filters;
        assert.deepEqual(filters?.[2], { Name: "tag:environment", Values: ["dev"] });
    });

    it("snapshots every attached volume of each due instance, tagged with its slot and expiry at creation", async () => {
        const result = await runSnapshotScheduler({}, context, deps());
        assert.deepEqual(
            creates().map((c) => c.InstanceSpecification),
            [
                { InstanceId: "i-0aaaaaaaaaaaaaaa1", ExcludeBootVolume: false },
                { InstanceId: "i-0bbbbbbbbbbbbbbb2", ExcludeBootVolume: false },
            ],
        );
        const tags = Object.fromEntries(creates()[0].TagSpecifications![0].Tags!.map((t) => [t.Key, t.Value]));
        assert.equal(creates()[0].TagSpecifications![0].ResourceType, "snapshot");
        assert.deepEqual(tags, {
            [KEYS.marker]: MARKER,
            [KEYS.instance]: "i-0aaaaaaaaaaaaaaa1",
            [KEYS.slot]: "2026-11-26T09:00 UTC",
            [KEYS.expires]: "2026-11-29T09:00:00.000Z",
            Name: "web-1 2026-11-26T09:00 UTC",
        });
        const otherExpiry = creates()[1].TagSpecifications![0].Tags!.find((t) => t.Key === KEYS.expires)!.Value;
        assert.equal(otherExpiry, "2026-12-03T09:00:00.000Z", "its own retention of 7 days");
        assert.deepEqual(result.created.map((c) => c.snapshotIds.length), [2, 2]);
        assert.deepEqual(result.issues, []);
        assert.equal(result.instancesChecked, 2);
    });

    it("deletes only its own snapshots whose expiry has passed", async () => {
        ec2Mock.on(DescribeSnapshotsCommand).resolves({
            Snapshots: [
                ownSnapshot("snap-0expired000000001", { [KEYS.expires]: "2026-11-26T08:00:00.000Z" }),
                ownSnapshot("snap-0exactlynow00002", { [KEYS.expires]: "2026-11-26T09:00:00.000Z" }),
                ownSnapshot("snap-0keep00000000003", { [KEYS.expires]: "2026-11-27T08:00:00.000Z" }),
            ],
        });
        const result = await runSnapshotScheduler({}, context, deps());
        assert.deepEqual(deletes(), ["snap-0expired000000001", "snap-0exactlynow00002"]);
        assert.deepEqual(result.deleted, ["snap-0expired000000001", "snap-0exactlynow00002"]);
    });

    it("pages through instances and snapshots", async () => {
        ec2Mock
            .on(DescribeInstancesCommand)
            .resolvesOnce({ Reservations: [{ Instances: [server] }], NextToken: "page-2" })
            .resolvesOnce({ Reservations: [{ Instances: [other] }] });
        ec2Mock
            .on(DescribeSnapshotsCommand)
            .resolvesOnce({ Snapshots: [], NextToken: "s2" })
            .resolvesOnce({ Snapshots: [ownSnapshot("snap-0old0000000000001", { [KEYS.expires]: "2026-01-01T00:00:00Z" })] });
        const result = await runSnapshotScheduler({}, context, deps());
        assert.equal(result.instancesChecked, 2);
        assert.equal(ec2Mock.commandCalls(DescribeInstancesCommand)[1].args[0].input.NextToken, "page-2");
        assert.deepEqual(deletes(), ["snap-0old0000000000001"]);
    });

    it("a retried run skips slots it already took (idempotent)", async () => {
        ec2Mock.on(DescribeSnapshotsCommand).resolves({
            Snapshots: [ownSnapshot("snap-0taken00000000001", { [KEYS.instance]: "i-0aaaaaaaaaaaaaaa1", [KEYS.slot]: "2026-11-26T09:00 UTC", [KEYS.expires]: "2026-11-29T09:00:00.000Z" })],
        });
        const result = await runSnapshotScheduler({}, context, deps());
        assert.deepEqual(creates().map((c) => c.InstanceSpecification!.InstanceId), ["i-0bbbbbbbbbbbbbbb2"]);
        assert.deepEqual(result.alreadyTaken, [{ instanceId: "i-0aaaaaaaaaaaaaaa1", slot: "2026-11-26T09:00 UTC" }]);
    });

    it("takes one snapshot when two tags name the same minute, kept for the longer retention", async () => {
        ec2Mock.on(DescribeInstancesCommand).resolves({
            Reservations: [{ Instances: [instance("i-0ccccccccccccccc3", { "scheduler:ebs-snapshot:0900": "0900;3;utc;all", "scheduler:ebs-snapshot": "0900;10;UTC;all" })] }],
        });
        await runSnapshotScheduler({}, context, deps());
        assert.equal(creates().length, 1);
        assert.equal(creates()[0].TagSpecifications![0].Tags!.find((t) => t.Key === KEYS.expires)!.Value, "2026-12-06T09:00:00.000Z");
    });

    it("does nothing when nothing is due and expired snapshots are kept", async () => {
        const quiet = { window: windowEnding(new Date("2026-11-26T12:00:00Z"), 5), markerValue: MARKER };
        const result = await runSnapshotScheduler({ deleteExpired: false }, quiet, deps());
        assert.equal(ec2Mock.commandCalls(DescribeSnapshotsCommand).length, 0);
        assert.equal(creates().length, 0);
        assert.deepEqual(result.deleted, []);
    });

    describe("malformed input", () => {
        for (const [label, params, message] of [
            ["a non-boolean deleteExpired", { deleteExpired: "yes" }, /deleteExpired must be true or false; got "yes"/],
            ["a retention of zero", { defaultRetentionDays: 0 }, /defaultRetentionDays must be a whole number from 1 to 3650; got 0/],
            ["an unknown parameter", { retention: 3 }, /unknown parameter\(s\) retention/],
            ["a list", [1], /parameters must be a map/],
        ] as const) {
            it(`${label}: a clear error before any call`, async () => {
                await assert.rejects(runSnapshotScheduler(params, context, deps()), (err: Error) => err instanceof Error && err.name === "TaskParametersError" && /^Invalid ebs-snapshot-scheduler parameters: /.test(err.message) && message.test(err.message));
                assert.equal(ec2Mock.calls().length, 0);
            });
        }

        it("a malformed tag is a warning, not an issue: the instance's other tags and other instances proceed", async () => {
            ec2Mock.on(DescribeInstancesCommand).resolves({
                Reservations: [{ Instances: [instance("i-0ddddddddddddddd4", { "scheduler:ebs-snapshot:0900": "0900;3;utc;weekdays", "scheduler:ebs-snapshot:1000": "10am;3" }), other] }],
            });
            const result = await runSnapshotScheduler({}, context, deps());
            assert.equal(creates().length, 2);
            assert.deepEqual(result.issues, [], "a bad tag does not fail the task");
            assert.deepEqual(result.warnings, [
                {
                    instanceId: "i-0ddddddddddddddd4",
                    tagKey: "scheduler:ebs-snapshot:1000",
                    tagValue: "10am;3",
                    message: 'i-0ddddddddddddddd4: tag scheduler:ebs-snapshot:1000="10am;3": time "10am" must be HHMM in 24-hour form (0000-2359)',
                },
            ]);
        });

        it("a malformed tag next to a refused snapshot: the warning and the issue are kept apart", async () => {
            ec2Mock.on(DescribeInstancesCommand).resolves({
                Reservations: [{ Instances: [instance("i-0ddddddddddddddd4", { "scheduler:ebs-snapshot:0900": "0900;3;utc;weekdays", "scheduler:ebs-snapshot": "0900;3;Moon/Base" })] }],
            });
            ec2Mock.on(CreateSnapshotsCommand).rejects(accessDenied("ec2:CreateSnapshots"));
            const result = await runSnapshotScheduler({}, context, deps());
            assert.deepEqual(result.warnings.map((w) => [w.tagKey, w.tagValue]), [["scheduler:ebs-snapshot", "0900;3;Moon/Base"]]);
            assert.equal(result.issues.length, 1);
            assert.match(result.issues[0], /CreateSnapshots for 2026-11-26T09:00 UTC failed: AccessDenied/);
        });

        it("an expiry that is not a time is reported and the snapshot left alone", async () => {
            ec2Mock.on(DescribeSnapshotsCommand).resolves({ Snapshots: [ownSnapshot("snap-0weird0000000001", { [KEYS.expires]: "soon" })] });
            const result = await runSnapshotScheduler({}, context, deps());
            assert.deepEqual(deletes(), []);
            assert.match(result.issues[0], /snap-0weird0000000001: ops-automator:expires-at is "soon", not a time; left in place/);
        });
    });

    describe("AWS failures surface and leave nothing half-done", () => {
        it("throttling while listing instances: throws before any snapshot or deletion", async () => {
            ec2Mock.on(DescribeInstancesCommand).rejects(ec2Throttling());
            await assert.rejects(runSnapshotScheduler({}, context, deps()), { name: "RequestLimitExceeded" });
            assert.equal(creates().length, 0);
            assert.equal(deletes().length, 0);
        });

        it("access denied while listing own snapshots: throws before creating (it could not tell what is taken)", async () => {
            ec2Mock.on(DescribeSnapshotsCommand).rejects(ec2Unauthorized("ec2:DescribeSnapshots"));
            await assert.rejects(runSnapshotScheduler({}, context, deps()), /not authorized/);
            assert.equal(creates().length, 0);
        });

        it("a refused snapshot of one instance is reported; the other instance and the clean-up still run", async () => {
            ec2Mock.on(DescribeSnapshotsCommand).resolves({ Snapshots: [ownSnapshot("snap-0expired000000001", { [KEYS.expires]: "2026-11-01T00:00:00Z" })] });
            ec2Mock.on(CreateSnapshotsCommand, { InstanceSpecification: { InstanceId: "i-0aaaaaaaaaaaaaaa1", ExcludeBootVolume: false } }).rejects(accessDenied("ec2:CreateSnapshots"));
            const result = await runSnapshotScheduler({}, context, deps());
            assert.deepEqual(result.created.map((c) => c.instanceId), ["i-0bbbbbbbbbbbbbbb2"]);
            assert.deepEqual(result.issues, ["i-0aaaaaaaaaaaaaaa1: CreateSnapshots for 2026-11-26T09:00 UTC failed: AccessDenied: User is not authorized to perform: ec2:CreateSnapshots"]);
            assert.deepEqual(deletes(), ["snap-0expired000000001"]);
        });

        it("an instance without EBS volumes is reported, not counted as done", async () => {
            ec2Mock.on(CreateSnapshotsCommand).resolves({ Snapshots: [] });
            const result = await runSnapshotScheduler({}, context, deps());
            assert.equal(result.created.length, 0);
            assert.match(result.issues[0], /returned no snapshots/);
        });

        it("a snapshot already deleted (not found) counts as deleted; one in use is reported", async () => {
            ec2Mock.on(DescribeSnapshotsCommand).resolves({
                Snapshots: [
                    ownSnapshot("snap-0gone00000000001", { [KEYS.expires]: "2026-11-01T00:00:00Z" }),
                    ownSnapshot("snap-0inuse0000000002", { [KEYS.expires]: "2026-11-01T00:00:00Z" }),
                ],
            });
            ec2Mock.on(DeleteSnapshotCommand, { SnapshotId: "snap-0gone00000000001" }).rejects(awsError("InvalidSnapshot.NotFound", "The snapshot does not exist"));
            ec2Mock.on(DeleteSnapshotCommand, { SnapshotId: "snap-0inuse0000000002" }).rejects(awsError("InvalidSnapshot.InUse", "The snapshot is in use by ami-0123"));
            const result = await runSnapshotScheduler({}, context, deps());
            assert.deepEqual(result.deleted, ["snap-0gone00000000001"]);
            assert.deepEqual(result.issues, ["snap-0inuse0000000002: DeleteSnapshot failed: InvalidSnapshot.InUse: The snapshot is in use by ami-0123"]);
        });
    });
});
