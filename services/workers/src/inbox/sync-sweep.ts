import { handOutInboxSyncs, type QueueClient, type SyncHandOut } from '@outlook-connect/queues';
import type { ConnectionDoc, Logger, Models } from '@outlook-connect/shared';
import {
  addToSyncSchedule,
  applyScheduleChanges,
  INBOX_SYNC_SCHEDULE,
  passWindow,
  planBucketPass,
  readBuckets,
  recheckDueAt,
  saveScheduleCursor,
  scheduleCursor,
  SYNC_SLOT_MS,
} from '@outlook-connect/mailbox-runtime';
import { DEFAULT_INBOX_POLICY, type InboxPolicy } from './inbox-policy';
import { notPolledReason, syncHorizonMs } from './poll-schedule';

// The store is the source of truth for when each polled connection syncs next (`sync.nextSyncAt`, filed on the
// store's `inbox-sync` schedule buckets); Redis holds only the syncs due within the horizon (about one sweep interval).
// Each pass reads the schedule buckets of its window by `_id` (5 s slots: the slots of its horizon, a few documents
// each, whatever the fleet's size), then those connections by `_id`, and hands every polled connection due within the
// horizon to the queue as a delayed job under its one job id (a job already there stays as it is). After a Redis loss
// the next pass puts back every sync due within its horizon; the others were never in Redis.

/** Connections per `_id $in` read, and syncs per addBulk. */
const BATCH = 1_000;
/** Connection reads in flight at once (the store works on one while this process decodes another). */
const READS_IN_FLIGHT = 2;
/** The window reaches back this far (clock skew between the writers and the sweep), in slots. */
const SLACK_SLOTS = (5 * 60_000) / SYNC_SLOT_MS;
/** A backlog (the sweep did not run for a while) is read at most this many slots per pass (24 hours). */
const MAX_BACKLOG_SLOTS = (24 * 60 * 60_000) / SYNC_SLOT_MS;
/**
 * A connection that needs reconnecting is not polled; its entry is looked at again this much later (markRecovered
 * and a reconnect file it for now, so this only bounds a return to active by any other path).
 */
const NOT_POLLED_RECHECK_MS = 60 * 60_000;

export interface SyncSweepDeps {
  models: Pick<Models, 'Connection' | 'ScheduleBucket' | 'ScheduleCursor'>;
  queues: QueueClient;
  logger: Logger;
  now: () => number;
  /** Its sweep interval sets the horizon; absent: the defaults. */
  inboxPolicy?: Pick<InboxPolicy, 'sweepEveryMs'>;
}

export interface SyncSweepResult {
  /** Polled connections due within the horizon, handed to the queue (an existing job under the id stays). */
  handedOut: number;
  /** Of those, overdue ones whose job had failed for good, removed so the hand-out takes effect. */
  healed: number;
  /** Polled connections filed on the schedule by the first pass on a store. */
  initialized: number;
  /** Schedule entries read, moved on to their connection's next sync, and dropped (not polled any more). */
  read: number;
  moved: number;
  dropped: number;
  /** Where the pass spent its time (ms): bucket reads, connection reads, queue adds, schedule writes. */
  ms: { buckets: number; connections: number; queue: number; schedule: number };
}

type Candidate = Pick<ConnectionDoc, '_id' | 'status' | 'grantedScopes' | 'sync'>;

/** When a schedule entry's connection is due: its next sync, now if it has none yet, null when it is off the schedule. */
export function syncDueAt(conn: Candidate | undefined, nowMs: number): number | null {
  if (!conn) return null;
  const skip = notPolledReason(conn);
  if (skip === 'needs_reconnect') return nowMs + NOT_POLLED_RECHECK_MS;
  if (skip) return null;
  return conn.sync?.nextSyncAt?.getTime() ?? nowMs;
}

/**
 * What a pass hands to the queue: each due connection's job delayed to its next sync; overdue (it should have run by
 * the previous pass, so its job may have failed for good) when due before now minus one interval.
 */
export function syncHandOuts(
  due: readonly string[],
  dueAt: ReadonlyMap<string, number | null>,
  nowMs: number,
  intervalMs: number,
): SyncHandOut[] {
  return due.map((connectionId) => {
    const at = dueAt.get(connectionId) ?? nowMs;
    return { connectionId, delayMs: Math.max(0, at - nowMs), overdue: at < nowMs - intervalMs };
  });
}

/**
 * Where a pass files an entry it hands out, to be looked at again: half a horizon before the next pass's horizon
 * ends, so the next pass reads it even when it starts up to half a horizon early (its slot is then still within that
 * pass's window: a next sync its run moved within that pass's horizon is handed out in time), and a pass started again
 * right away does not (its horizon ends before).
 */
export function syncRecheckAt(nowMs: number, intervalMs: number, horizonMs: number): number {
  return nowMs + intervalMs + horizonMs / 2;
}

export async function syncSweep(deps: SyncSweepDeps): Promise<SyncSweepResult> {
  const now = deps.now();
  const { models } = deps;
  const intervalMs = (deps.inboxPolicy ?? DEFAULT_INBOX_POLICY).sweepEveryMs;
  const horizonMs = syncHorizonMs({ sweepEveryMs: intervalMs });
  const result: SyncSweepResult = {
    handedOut: 0,
    healed: 0,
    initialized: 0,
    read: 0,
    moved: 0,
    dropped: 0,
    ms: { buckets: 0, connections: 0, queue: 0, schedule: 0 },
  };
  let t = Date.now();
  const lap = (what: keyof SyncSweepResult['ms']) => {
    const at = Date.now();
    result.ms[what] += at - t;
    t = at;
  };
  const cursor = await scheduleCursor(models, INBOX_SYNC_SCHEDULE);
  if (cursor === null) result.initialized = await backfill(deps, now);
  const win = passWindow({
    cursorMinute: cursor,
    nowMs: now,
    horizonMs,
    slackMinutes: SLACK_SLOTS,
    maxBacklog: MAX_BACKLOG_SLOTS,
    slotMs: SYNC_SLOT_MS,
  });
  const buckets = await readBuckets(models, INBOX_SYNC_SCHEDULE, win.ranges);
  const ids = [...new Set(buckets.flatMap((b) => b.ids))];
  lap('buckets');
  const byId = await readCandidates(models, ids);
  const dueAt = new Map(ids.map((id) => [id, syncDueAt(byId.get(id), now)]));
  lap('connections');
  const base = planBucketPass(buckets, (id) => dueAt.get(id) ?? null, {
    windowStart: win.windowStart,
    horizonEndMs: now + horizonMs,
    slotMs: SYNC_SLOT_MS,
  });
  // What is handed out is looked at again by the next pass: by then its sync has run and its entry moves on to the
  // next one, or it is overdue (its job was lost) and handed out again.
  const plan = recheckDueAt(base, buckets, syncRecheckAt(now, intervalMs, horizonMs), win.windowStart, SYNC_SLOT_MS);
  const due = new Set(plan.due);
  Object.assign(result, {
    read: ids.length,
    moved: base.moves.filter((m) => !due.has(m.id)).length,
    dropped: ids.filter((id) => (dueAt.get(id) ?? null) === null).length,
  });
  const handOuts = syncHandOuts(plan.due, dueAt, now, intervalMs);
  for (let i = 0; i < handOuts.length; i += BATCH) {
    result.healed += await handOutInboxSyncs(deps.queues, handOuts.slice(i, i + BATCH));
    result.handedOut += Math.min(BATCH, handOuts.length - i);
  }
  lap('queue');
  await applyScheduleChanges(models, INBOX_SYNC_SCHEDULE, {
    ...plan,
    notBefore: win.windowStart,
    slotMs: SYNC_SLOT_MS,
  });
  if (cursor !== win.nextCursor) await saveScheduleCursor(models, INBOX_SYNC_SCHEDULE, win.nextCursor);
  lap('schedule');
  if (result.healed || result.initialized) deps.logger.info(result, 'sync sweep healed the inbox sync schedule');
  return result;
}

/** The schedule entries' connections, by `_id`, `READS_IN_FLIGHT` batches at a time (a gone one is absent). */
async function readCandidates(
  models: SyncSweepDeps['models'],
  ids: readonly string[],
): Promise<Map<string, Candidate>> {
  const byId = new Map<string, Candidate>();
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH) batches.push(ids.slice(i, i + BATCH));
  let next = 0;
  const reader = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const found = (await models.Connection.find(
        { _id: { $in: batch } },
        { _id: 1, status: 1, grantedScopes: 1, 'sync.nextSyncAt': 1 },
      ).lean()) as Candidate[];
      for (const c of found) byId.set(c._id, c);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, batches.length) }, reader));
  return byId;
}

/**
 * The first pass on a store (no cursor yet: a new deployment, or one from before the sync schedule): every polled
 * connection filed at its next sync (now when it has none, or it is overdue). One scan, once.
 */
async function backfill(deps: SyncSweepDeps, now: number): Promise<number> {
  let filed = 0;
  let batch: Array<{ _id: string; atMs: number }> = [];
  const cursor = deps.models.Connection.find(
    { status: 'active', scopePreset: { $ne: 'send_only' } },
    { _id: 1, status: 1, grantedScopes: 1, 'sync.nextSyncAt': 1 },
  )
    .lean()
    .cursor();
  for await (const c of cursor as AsyncIterable<Candidate>) {
    if (notPolledReason(c)) continue;
    batch.push({ _id: c._id, atMs: Math.max(c.sync?.nextSyncAt?.getTime() ?? now, now) });
    filed++;
    if (batch.length >= 5_000) {
      await addToSyncSchedule(deps.models, batch, now);
      batch = [];
    }
  }
  await addToSyncSchedule(deps.models, batch, now);
  return filed;
}
