// The EBS snapshot scheduler, run as an Ops Automator task. Instances tagged
// `scheduler:ebs-snapshot[:<HHMM>]` = `<time>;<retention days>;<time zone>;<active days>` get a snapshot of every
// attached EBS volume when that local time falls in the run's window; snapshots this task made are deleted once
// their expiry (a tag written at creation) has passed. One region per run (the client's), tagged instances only
// (server-side tag filter), one crash-consistent CreateSnapshots call per instance and slot, and a slot tag that
// makes a retried run skip what it already took.
import type { EC2, Instance, Snapshot, Tag } from "@aws-sdk/client-ec2";
import { namedError } from "../shared/errors";
import { fitChars, shown } from "../shared/text";

// Module constants stay unexported: exported consts are read through `exports`, which closure serialization would
// then capture whole.
const TAG_PREFIX = "scheduler:ebs-snapshot";
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const MARKER_KEY = "ops-automator:created-by";
const INSTANCE_KEY = "ops-automator:instance-id";
const SLOT_KEY = "ops-automator:slot";
const EXPIRES_KEY = "ops-automator:expires-at";
const MAX_PAGES = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export type Weekday = (typeof WEEKDAYS)[number];

/** Tag key (or key prefix, followed by `:<HHMM>`) that schedules snapshots of an instance. */
export function scheduleTagPrefix(): string {
    return TAG_PREFIX;
}

/** Tags every snapshot this task creates carries; the marker is also the IAM condition that lets it delete them. */
export function snapshotTagKeys(): { marker: string; instance: string; slot: string; expires: string } {
    return { marker: MARKER_KEY, instance: INSTANCE_KEY, slot: SLOT_KEY, expires: EXPIRES_KEY };
}

export interface ScheduleDefaults {
    /** Local time `HHMM`. */
    readonly time: string;
    readonly retentionDays: number;
    readonly timeZone: string;
    readonly days: readonly Weekday[];
}

/** The original scheduler's defaults: 23:30 UTC every day, kept 15 days. */
export function scheduleDefaults(): ScheduleDefaults {
    return { time: "2330", retentionDays: 15, timeZone: "UTC", days: [...WEEKDAYS] };
}

/** One parsed schedule tag. */
export interface SnapshotSchedule {
    readonly tagKey: string;
    /** Local time `HHMM`. */
    readonly time: string;
    readonly retentionDays: number;
    /** Canonical IANA time zone name (`UTC` for utc). */
    readonly timeZone: string;
    /** Active days, Monday first. */
    readonly days: readonly Weekday[];
}

export function scheduleTagError(message: string): Error {
    return namedError("ScheduleTagError", message);
}

export function taskParametersError(message: string): Error {
    return namedError("TaskParametersError", `Invalid ebs-snapshot-scheduler parameters: ${message}`);
}

export function isScheduleTagKey(key: string): boolean {
    return key === TAG_PREFIX || key.startsWith(`${TAG_PREFIX}:`);
}

function isTime(text: string): boolean {
    const m = /^(\d{2})(\d{2})$/.exec(text);
    return m !== null && Number(m[1]) < 24 && Number(m[2]) < 60;
}

/** `utc` or an IANA zone name (any letter case), as the canonical IANA name. */
export function canonicalTimeZone(text: string): string {
    const t = text.trim();
    if (/^(utc|gmt|z)$/i.test(t)) return "UTC";
    try {
        const resolved = new Intl.DateTimeFormat("en-US", { timeZone: t }).resolvedOptions().timeZone;
        // ICU may resolve a current name to an older alias (Asia/Kolkata -> Asia/Calcutta); keep the name as written
        // unless only its letter case differs.
        return resolved.toLowerCase() === t.toLowerCase() ? resolved : t;
    } catch {
        throw scheduleTagError(`unknown time zone "${text}" (use utc or an IANA name such as America/Los_Angeles)`);
    }
}

/** `all`, `weekdays`, or a comma-separated list of `mon`..`sun`; returned Monday first, without duplicates. */
export function parseActiveDays(text: string): Weekday[] {
    const t = text.trim().toLowerCase();
    if (t === "all") return [...WEEKDAYS];
    if (t === "weekdays") return WEEKDAYS.slice(0, 5);
    const names = t.split(",").map((d) => d.trim());
    for (const d of names) {
        if (!(WEEKDAYS as readonly string[]).includes(d)) {
            throw scheduleTagError(`unknown day "${d}" in "${text}" (use all, weekdays or a list such as mon,wed,fri)`);
        }
    }
    return WEEKDAYS.filter((d) => names.includes(d));
}

/**
 * Parses one schedule tag. Empty fields (and an empty or `default` value) take the defaults; the time defaults to
 * the key's `HHMM` suffix when there is one. Throws a ScheduleTagError naming the tag.
 */
export function parseScheduleTag(key: string, value: string, defaults: ScheduleDefaults = scheduleDefaults()): SnapshotSchedule {
    const where = `tag ${key}="${value}"`;
    if (!isScheduleTagKey(key)) throw scheduleTagError(`${where}: not a ${TAG_PREFIX} tag`);
    const suffix = key === TAG_PREFIX ? undefined : key.slice(TAG_PREFIX.length + 1);
    if (suffix !== undefined && !isTime(suffix)) {
        throw scheduleTagError(`${where}: the key must end in a time HHMM (00:00-23:59), like ${TAG_PREFIX}:0900`);
    }
    const raw = value.trim();
    const fields = raw === "" || raw.toLowerCase() === "default" ? [] : raw.split(";").map((f) => f.trim());
    if (fields.length > 4) {
        throw scheduleTagError(`${where}: expected at most 4 fields <time>;<retention days>;<time zone>;<active days>`);
    }
    const [time, retention, zone, days] = fields;
    if (time && !isTime(time)) throw scheduleTagError(`${where}: time "${time}" must be HHMM in 24-hour form (0000-2359)`);
    let retentionDays = defaults.retentionDays;
    if (retention) {
        if (!/^\d+$/.test(retention) || Number(retention) < 1 || Number(retention) > 3650) {
            throw scheduleTagError(`${where}: retention days "${retention}" must be a whole number from 1 to 3650`);
        }
        retentionDays = Number(retention);
    }
    try {
        return {
            tagKey: key,
            time: time || suffix || defaults.time,
            retentionDays,
            timeZone: zone ? canonicalTimeZone(zone) : defaults.timeZone,
            days: days ? parseActiveDays(days) : [...defaults.days],
        };
    } catch (err) {
        throw scheduleTagError(`${where}: ${(err as Error).message}`);
    }
}

/** A run covers the minutes in (end - minutes, end]. */
export interface SnapshotWindow {
    readonly end: Date;
    readonly minutes: number;
}

/**
 * The window of a run triggered at `at` by a schedule every `minutes` minutes: its end is `at` rounded down to the
 * schedule's boundary, so consecutive runs cover every minute exactly once even when a trigger arrives late.
 */
export function windowEnding(at: Date, minutes: number): SnapshotWindow {
    if (!Number.isInteger(minutes) || minutes < 1 || 60 % minutes !== 0) {
        throw new Error(`window minutes must divide 60 (1, 5, 10, 15, 20, 30 or 60); got ${minutes}`);
    }
    if (Number.isNaN(at.getTime())) throw new Error("window end is not a valid time");
    const step = minutes * 60_000;
    return { end: new Date(Math.floor(at.getTime() / step) * step), minutes };
}

/** A wall-clock minute in some time zone. */
export interface LocalMinute {
    /** `YYYY-MM-DD`. */
    readonly date: string;
    /** `HHMM`. */
    readonly time: string;
    readonly weekday: Weekday;
}

/** A formatter of wall-clock minutes in a time zone (building one is the costly part of `localMinutes`). */
export function minuteFormat(timeZone: string): Intl.DateTimeFormat {
    return new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        weekday: "short",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
    });
}

/** The local minutes a window covers in a time zone (each minute's own local date and weekday). */
export function localMinutes(window: SnapshotWindow, timeZone: string, format: Intl.DateTimeFormat = minuteFormat(timeZone)): LocalMinute[] {
    const minutes: LocalMinute[] = [];
    for (let i = window.minutes - 1; i >= 0; i--) {
        const parts = Object.fromEntries(
            format.formatToParts(new Date(window.end.getTime() - i * 60_000)).map((p) => [p.type, p.value]),
        );
        minutes.push({
            date: `${parts.year}-${parts.month}-${parts.day}`,
            time: `${parts.hour}${parts.minute}`,
            weekday: String(parts.weekday).toLowerCase() as Weekday,
        });
    }
    return minutes;
}

/** A schedule due in a window, identified by its local date, time and zone (e.g. `2026-11-26T09:00 UTC`). */
export interface DueSlot {
    readonly slot: string;
    readonly retentionDays: number;
    /** The due minute (milliseconds since the epoch): two zones' names for one moment share it. */
    readonly minute: number;
}

/**
 * When a schedule is due in the window, its slot. A local time skipped by a daylight-saving change is not due that
 * day; a repeated one has the same slot both times, so it is taken once.
 */
export function dueSlot(schedule: SnapshotSchedule, window: SnapshotWindow, minutesOf: (zone: string) => LocalMinute[]): DueSlot | undefined {
    const minutes = minutesOf(schedule.timeZone);
    const at = minutes.findIndex((m) => m.time === schedule.time && schedule.days.includes(m.weekday));
    if (at < 0) return undefined;
    const hit = minutes[at];
    return {
        slot: `${hit.date}T${schedule.time.slice(0, 2)}:${schedule.time.slice(2)} ${schedule.timeZone}`,
        retentionDays: schedule.retentionDays,
        // localMinutes lists the window's minutes in order, the last one the window's end.
        minute: window.end.getTime() - (minutes.length - 1 - at) * 60_000,
    };
}

export interface SnapshotTaskParameters {
    /** Delete this task's snapshots whose expiry has passed. */
    readonly deleteExpired: boolean;
    /** Retention of schedules that leave it out. */
    readonly defaultRetentionDays: number;
}

/** Validates the task's parameters from its table item; unknown keys are refused. */
export function snapshotTaskParameters(raw: unknown): SnapshotTaskParameters {
    const p = raw ?? {};
    if (typeof p !== "object" || Array.isArray(p)) throw taskParametersError("parameters must be a map");
    const known = ["deleteExpired", "defaultRetentionDays"];
    const unknown = Object.keys(p).filter((k) => !known.includes(k));
    if (unknown.length > 0) throw taskParametersError(`unknown parameter(s) ${unknown.join(", ")} (allowed: ${known.join(", ")})`);
    const { deleteExpired = true, defaultRetentionDays = scheduleDefaults().retentionDays } = p as Record<string, unknown>;
    if (typeof deleteExpired !== "boolean") throw taskParametersError(`deleteExpired must be true or false; got ${shown(deleteExpired)}`);
    if (typeof defaultRetentionDays !== "number" || !Number.isInteger(defaultRetentionDays) || defaultRetentionDays < 1 || defaultRetentionDays > 3650) {
        throw taskParametersError(`defaultRetentionDays must be a whole number from 1 to 3650; got ${shown(defaultRetentionDays)}`);
    }
    return { deleteExpired, defaultRetentionDays };
}

export interface SnapshotTaskContext {
    readonly window: SnapshotWindow;
    /** Value of the marker tag: identifies this engine's snapshots (its IAM role may delete only those). */
    readonly markerValue: string;
    /**
     * A tag an instance must also carry: two engines in one account each serve their own deployment's instances
     * rather than snapshotting every scheduled instance twice.
     */
    readonly instanceTag?: { readonly key: string; readonly value: string };
}

export interface SnapshotTaskDeps {
    readonly ec2: Pick<EC2, "describeInstances" | "describeSnapshots" | "createSnapshots" | "deleteSnapshot">;
    readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

export interface CreatedSnapshots {
    readonly instanceId: string;
    readonly slot: string;
    readonly snapshotIds: readonly string[];
    readonly expiresAt: string;
}

/** A schedule tag that could not be read: the instance is skipped for that tag, the others are served. */
export interface ScheduleTagWarning {
    readonly instanceId: string;
    readonly tagKey: string;
    readonly tagValue: string;
    readonly message: string;
}

export interface SnapshotTaskResult {
    readonly instancesChecked: number;
    readonly created: readonly CreatedSnapshots[];
    /** Slots already taken by an earlier (retried) run. */
    readonly alreadyTaken: readonly { readonly instanceId: string; readonly slot: string }[];
    readonly deleted: readonly string[];
    /** Failed calls and snapshots the task cannot account for; any issue fails the task. */
    readonly issues: readonly string[];
    /**
     * Schedule tags that could not be read. They are an instance owner's data, not a failure of the task: reporting
     * them as failures would fail every run (and page every few minutes) until the tag is fixed.
     */
    readonly warnings: readonly ScheduleTagWarning[];
}

function errorText(err: unknown): string {
    const e = err as { name?: string; message?: string };
    return `${e?.name ?? "Error"}: ${e?.message ?? String(err)}`;
}

function errorName(err: unknown): string {
    return String((err as { name?: string; Code?: string })?.name ?? (err as { Code?: string })?.Code ?? "");
}

function tagValue(tags: readonly Tag[] | undefined, key: string): string | undefined {
    return tags?.find((t) => t.Key === key)?.Value;
}

async function taggedInstances(ec2: SnapshotTaskDeps["ec2"], scope: SnapshotTaskContext["instanceTag"]): Promise<Instance[]> {
    const instances: Instance[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
        const out = await ec2.describeInstances({
            // Server-side filters: untagged instances never reach this function, whatever their number.
            Filters: [
                { Name: "tag-key", Values: [TAG_PREFIX, `${TAG_PREFIX}:*`] },
                { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] },
                ...(scope ? [{ Name: `tag:${scope.key}`, Values: [scope.value] }] : []),
            ],
            MaxResults: 1000,
            NextToken: token,
        });
        for (const r of out.Reservations ?? []) instances.push(...(r.Instances ?? []));
        token = out.NextToken;
        if (!token) return instances;
    }
    throw new Error(`DescribeInstances returned more than ${MAX_PAGES} pages`);
}

/** Every snapshot in the client's region carrying an engine's marker (all pages). */
export async function ownSnapshots(ec2: Pick<EC2, "describeSnapshots">, markerValue: string): Promise<Snapshot[]> {
    const snapshots: Snapshot[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
        const out = await ec2.describeSnapshots({
            OwnerIds: ["self"],
            Filters: [{ Name: `tag:${MARKER_KEY}`, Values: [markerValue] }],
            MaxResults: 1000,
            NextToken: token,
        });
        snapshots.push(...(out.Snapshots ?? []));
        token = out.NextToken;
        if (!token) return snapshots;
    }
    throw new Error(`DescribeSnapshots returned more than ${MAX_PAGES} pages`);
}

/**
 * One run of the task. Listing failures throw before anything is created; a failed snapshot or deletion of one
 * instance is reported as an issue and the others proceed (each CreateSnapshots call is atomic for its instance
 * and tags its snapshots at creation, so nothing is ever left untagged or half-recorded).
 */
export async function runSnapshotScheduler(parameters: unknown, context: SnapshotTaskContext, deps: SnapshotTaskDeps): Promise<SnapshotTaskResult> {
    const log = deps.log ?? (() => undefined);
    const params = snapshotTaskParameters(parameters);
    if (!context.markerValue) throw taskParametersError("the engine gave no snapshot marker value");
    const { window } = context;
    const defaults = { ...scheduleDefaults(), retentionDays: params.defaultRetentionDays };

    const instances = await taggedInstances(deps.ec2, context.instanceTag);
    const zones = new Map<string, LocalMinute[]>();
    const minutesOf = (zone: string) => {
        if (!zones.has(zone)) zones.set(zone, localMinutes(window, zone));
        return zones.get(zone)!;
    };
    const issues: string[] = [];
    const warnings: ScheduleTagWarning[] = [];
    const due: { instanceId: string; name?: string; slot: DueSlot; slots: string[] }[] = [];
    for (const instance of instances) {
        const instanceId = instance.InstanceId;
        if (!instanceId) continue;
        // Tags due at the same moment (the same minute, whatever zone or spelling names it: Asia/Kolkata and
        // asia/kolkata, or 0900 Asia/Kolkata and 0330 UTC) take one snapshot, kept for the longest retention; the
        // slot written is chosen whatever order EC2 lists the tags in, so a retried run finds it.
        const moments = new Map<number, { slot: DueSlot; slots: string[] }>();
        for (const tag of instance.Tags ?? []) {
            if (!tag.Key || !isScheduleTagKey(tag.Key)) continue;
            try {
                const slot = dueSlot(parseScheduleTag(tag.Key, tag.Value ?? "", defaults), window, minutesOf);
                if (!slot) continue;
                const same = moments.get(slot.minute);
                if (!same) moments.set(slot.minute, { slot, slots: [slot.slot] });
                else {
                    same.slots.push(slot.slot);
                    const better = slot.retentionDays > same.slot.retentionDays || (slot.retentionDays === same.slot.retentionDays && slot.slot < same.slot.slot);
                    if (better) same.slot = slot;
                }
            } catch (err) {
                warnings.push({ instanceId, tagKey: tag.Key, tagValue: tag.Value ?? "", message: `${instanceId}: ${(err as Error).message}` });
                log("schedule tag ignored", { instanceId, tagKey: tag.Key, tagValue: tag.Value ?? "", reason: (err as Error).message });
            }
        }
        for (const { slot, slots } of moments.values()) due.push({ instanceId, name: tagValue(instance.Tags, "Name"), slot, slots });
    }

    const existing = due.length > 0 || params.deleteExpired ? await ownSnapshots(deps.ec2, context.markerValue) : [];
    const taken = new Set(
        existing
            .filter((s) => s.State !== "error")
            .map((s) => `${tagValue(s.Tags, INSTANCE_KEY)}|${tagValue(s.Tags, SLOT_KEY)}`),
    );

    const created: CreatedSnapshots[] = [];
    const alreadyTaken: { instanceId: string; slot: string }[] = [];
    for (const { instanceId, name, slot, slots } of due) {
        if (slots.some((s) => taken.has(`${instanceId}|${s}`))) {
            alreadyTaken.push({ instanceId, slot: slot.slot });
            continue;
        }
        const expiresAt = new Date(window.end.getTime() + slot.retentionDays * DAY_MS).toISOString();
        try {
            const out = await deps.ec2.createSnapshots({
                InstanceSpecification: { InstanceId: instanceId, ExcludeBootVolume: false },
                Description: `Scheduled snapshot of ${instanceId} at ${slot.slot}, kept ${slot.retentionDays} days`,
                TagSpecifications: [
                    {
                        ResourceType: "snapshot",
                        Tags: [
                            { Key: MARKER_KEY, Value: context.markerValue },
                            { Key: INSTANCE_KEY, Value: instanceId },
                            { Key: SLOT_KEY, Value: slot.slot },
                            { Key: EXPIRES_KEY, Value: expiresAt },
                            // EC2 counts a tag value's 256 characters by code point; a cut through an emoji would
                            // leave half a surrogate pair, which the SDK refuses to send (URIError) on every run.
                            { Key: "Name", Value: fitChars(`${name ?? instanceId} ${slot.slot}`, 256) },
                        ],
                    },
                ],
            });
            const snapshotIds = (out.Snapshots ?? []).map((s) => s.SnapshotId).filter((id): id is string => !!id);
            if (snapshotIds.length === 0) {
                issues.push(`${instanceId}: CreateSnapshots for ${slot.slot} returned no snapshots (no EBS volume attached?)`);
                continue;
            }
            created.push({ instanceId, slot: slot.slot, snapshotIds, expiresAt });
            log("snapshots created", { instanceId, slot: slot.slot, snapshotIds, expiresAt });
        } catch (err) {
            issues.push(`${instanceId}: CreateSnapshots for ${slot.slot} failed: ${errorText(err)}`);
        }
    }

    const deleted: string[] = [];
    if (params.deleteExpired) {
        for (const snapshot of existing) {
            const id = snapshot.SnapshotId;
            if (!id) continue;
            const expires = tagValue(snapshot.Tags, EXPIRES_KEY);
            const at = expires === undefined ? NaN : Date.parse(expires);
            if (Number.isNaN(at)) {
                issues.push(`${id}: ${EXPIRES_KEY} is ${JSON.stringify(expires ?? null)}, not a time; left in place`);
                continue;
            }
            if (at > window.end.getTime()) continue;
            try {
                await deps.ec2.deleteSnapshot({ SnapshotId: id });
                deleted.push(id);
                log("expired snapshot deleted", { snapshotId: id, expiresAt: expires });
            } catch (err) {
                // Deleted since it was listed (e.g. by a retried run): the goal is met.
                if (errorName(err) === "InvalidSnapshot.NotFound") {
                    deleted.push(id);
                    continue;
                }
                issues.push(`${id}: DeleteSnapshot failed: ${errorText(err)}`);
            }
        }
    }
    return { instancesChecked: instances.length, created, alreadyTaken, deleted, issues, warnings };
}
