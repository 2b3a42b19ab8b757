import type { ConnectionDoc } from '@outlook-connect/shared';
import {
  addToRefreshSchedule,
  applyScheduleChanges,
  clearFinishedRefresh,
  nextRefreshAt,
  passWindow,
  planBucketPass,
  readBuckets,
  REFRESH_SCHEDULE,
  REFRESH_SLOT_MS,
  saveScheduleCursor,
  scheduleCursor,
  scheduleRefreshes,
  type RuntimeDeps,
  type ScheduledFields,
} from '@outlook-connect/mailbox-runtime';
import { moveLegacyRefreshSchedule } from './legacy-refresh-move';

/** Connections per `_id $in` read and per addBulk. */
const BATCH = 500;
/** The window reaches back this far (clock skew between the writers and the sweep), in slots (5 minutes). */
const SLACK_SLOTS = (5 * 60_000) / REFRESH_SLOT_MS;
/** A backlog (the sweep did not run for a while) is read at most this many slots per pass (24 hours). */
const MAX_BACKLOG_SLOTS = (24 * 60 * 60_000) / REFRESH_SLOT_MS;

export interface SweepResult {
  /** Active connections due within the horizon whose job was (re)enqueued (existing jobs collapse). */
  enqueued: number;
  /** Overdue connections whose finished job was cleared so the re-enqueue takes effect. */
  healed: number;
  /** Active connections without nextRefreshAt, given one (first pass on a store only). */
  initialized: number;
  /** Schedule entries read, moved on to their connection's next due time, and dropped. */
  read: number;
  moved: number;
  dropped: number;
}

type Deps = Pick<RuntimeDeps, 'models' | 'queues' | 'now' | 'policy' | 'logger'>;
type Scheduled = Pick<ConnectionDoc, '_id' | 'status' | 'tokenVersion' | 'refreshFailures' | 'nextRefreshAt'>;

/**
 * The store is the source of truth for the refresh schedule. The sweep reads the store's schedule buckets of its
 * window by `_id` (10 s slots: those of its horizon and slack, a few documents each, whatever the fleet's size), then
 * those connections by `_id`, and hands every active connection due within the horizon to the queue under its
 * deterministic job id; entries whose connection moved on are filed at its new due time. After a Redis flush every connection due soon is back within one sweep;
 * the rest were never in Redis.
 */
export async function refreshSweep(deps: Deps): Promise<SweepResult> {
  const now = deps.now();
  const { models } = deps;
  const result: SweepResult = { enqueued: 0, healed: 0, initialized: 0, read: 0, moved: 0, dropped: 0 };
  // The old minute buckets' due entries first, so this pass reads what it copies; a failure here only delays the move.
  try {
    const legacy = await moveLegacyRefreshSchedule(deps, now);
    if (legacy && (legacy.copied || legacy.deleted || legacy.done))
      deps.logger.info(legacy, 'refresh sweep moved the old minute-bucket schedule');
  } catch (err) {
    deps.logger.warn({ err }, 'refresh sweep could not move the old minute-bucket schedule; the next pass tries again');
  }
  const cursor = await scheduleCursor(models, REFRESH_SCHEDULE);
  if (cursor === null) result.initialized = await backfill(deps, now);

  const horizonEndMs = now + deps.policy.sweepHorizonMs;
  const win = passWindow({
    cursorMinute: cursor,
    nowMs: now,
    horizonMs: deps.policy.sweepHorizonMs,
    slackMinutes: SLACK_SLOTS,
    maxBacklog: MAX_BACKLOG_SLOTS,
    slotMs: REFRESH_SLOT_MS,
  });
  const buckets = await readBuckets(models, REFRESH_SCHEDULE, win.ranges);
  const ids = [...new Set(buckets.flatMap((b) => b.ids))];
  const byId = new Map<string, Scheduled>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const found = (await models.Connection.find(
      { _id: { $in: ids.slice(i, i + BATCH) } },
      { _id: 1, status: 1, tokenVersion: 1, refreshFailures: 1, nextRefreshAt: 1 },
    ).lean()) as Scheduled[];
    for (const c of found) byId.set(c._id, c);
  }
  const plan = planBucketPass(
    buckets,
    (id) => {
      const c = byId.get(id);
      return c?.status === 'active' && c.nextRefreshAt ? c.nextRefreshAt.getTime() : null;
    },
    { windowStart: win.windowStart, horizonEndMs, slotMs: REFRESH_SLOT_MS },
  );
  result.read = ids.length;
  result.moved = plan.moves.length;
  for (const pulled of plan.pulls.values()) result.dropped += pulled.length;
  result.dropped -= plan.moves.length;

  const overdueBefore = now - deps.policy.lockTtlMs - deps.policy.sweepEveryMs;
  const due = plan.due.map((id) => byId.get(id)!) as ScheduledFields[];
  for (let i = 0; i < due.length; i += BATCH) {
    const batch = due.slice(i, i + BATCH);
    for (const c of batch) {
      if (c.nextRefreshAt && c.nextRefreshAt.getTime() < overdueBefore && (await clearFinishedRefresh(deps.queues, c)))
        result.healed++;
    }
    await scheduleRefreshes(deps.queues, batch, now);
    result.enqueued += batch.length;
  }
  await applyScheduleChanges(models, REFRESH_SCHEDULE, {
    ...plan,
    notBefore: win.windowStart,
    slotMs: REFRESH_SLOT_MS,
  });
  if (cursor !== win.nextCursor) await saveScheduleCursor(models, REFRESH_SCHEDULE, win.nextCursor);
  if (result.healed || result.initialized) deps.logger.info(result, 'refresh sweep healed the schedule');
  return result;
}

/**
 * The first pass on a store (no cursor yet: a new deployment, or one from before the schedule buckets): every
 * active connection filed on the schedule, with a nextRefreshAt given to any stored without one. One scan, once.
 */
async function backfill(deps: Deps, now: number): Promise<number> {
  let initialized = 0;
  let batch: Array<Pick<ConnectionDoc, '_id' | 'nextRefreshAt'>> = [];
  const cursor = deps.models.Connection.find(
    { status: 'active' },
    { _id: 1, nextRefreshAt: 1, accessTokenExpiresAt: 1 },
  )
    .lean()
    .cursor();
  for await (const c of cursor as AsyncIterable<
    Pick<ConnectionDoc, '_id' | 'nextRefreshAt' | 'accessTokenExpiresAt'>
  >) {
    let at = c.nextRefreshAt;
    if (!at) {
      at = c.accessTokenExpiresAt ? nextRefreshAt(c.accessTokenExpiresAt, now, deps.policy) : new Date(now);
      const res = await deps.models.Connection.updateOne(
        { _id: c._id, nextRefreshAt: null },
        { $set: { nextRefreshAt: at } },
      );
      initialized += res.modifiedCount;
    }
    // Filed no earlier than now: an overdue one lands in the window this pass reads.
    batch.push({ _id: c._id, nextRefreshAt: new Date(Math.max(at.getTime(), now)) });
    if (batch.length >= 5_000) {
      await addToRefreshSchedule(deps.models, batch, now);
      batch = [];
    }
  }
  await addToRefreshSchedule(deps.models, batch, now);
  return initialized;
}
