import { scheduleInboxSyncs, type QueueClient } from '@outlook-connect/queues';
import type { ConnectionDoc, Logger, Models } from '@outlook-connect/shared';
import { addToSyncSchedule, INBOX_SYNC_SCHEDULE, openOverMinutesPass } from '@outlook-connect/mailbox-runtime';
import { notPolledReason } from './poll-schedule';

// The store is the source of truth for who is polled: after a Redis loss (or an enqueue that failed) the sweep puts
// a polled connection's sync job back once its next sync is overdue. It reads the store's sync schedule buckets of
// its window by `_id` (a few documents, whatever the fleet's size), then those connections by `_id`: a pass costs
// what came due since the last one, not the fleet (on FerretDB any other filter decodes every connection).

/** Connections per `_id $in` read, and job checks per pipelined burst (with one addBulk of the missing). */
const BATCH = 500;
/** A connection the sweep found due (job checked, or put back) is looked at again this much later if still due. */
const RECHECK_MS = 5 * 60_000;
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
}

export interface SyncSweepResult {
  /** Polled connections whose next sync is due, their job checked. */
  checked: number;
  /** Connections whose sync job was missing (or finished) and was put back. */
  scheduled: number;
  /** Polled connections filed on the schedule by the first pass on a store. */
  initialized: number;
  /** Schedule entries read, moved on to their connection's next sync, and dropped (not polled any more). */
  read: number;
  moved: number;
  dropped: number;
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

export async function syncSweep(deps: SyncSweepDeps): Promise<SyncSweepResult> {
  const now = deps.now();
  const { models } = deps;
  const result: SyncSweepResult = { checked: 0, scheduled: 0, initialized: 0, read: 0, moved: 0, dropped: 0 };
  const pass = await openOverMinutesPass(models, INBOX_SYNC_SCHEDULE, {
    nowMs: now,
    recheckMs: RECHECK_MS,
    firstPass: () => backfill(deps, now),
    dueAt: async (ids) => {
      const byId = new Map<string, Candidate>();
      for (let i = 0; i < ids.length; i += BATCH) {
        const found = (await models.Connection.find(
          { _id: { $in: ids.slice(i, i + BATCH) } },
          { _id: 1, status: 1, grantedScopes: 1, 'sync.nextSyncAt': 1 },
        ).lean()) as Candidate[];
        for (const c of found) byId.set(c._id, c);
      }
      return new Map(ids.map((id) => [id, syncDueAt(byId.get(id), now)]));
    },
  });
  const { plan } = pass;
  Object.assign(result, {
    initialized: pass.initialized,
    read: pass.ids.length,
    moved: pass.moved,
    dropped: pass.dropped,
  });
  // Due: a live poller has its job delayed, waiting or running ('exists'); a lost one is added back.
  for (let i = 0; i < plan.due.length; i += BATCH) {
    const batch = plan.due.slice(i, i + BATCH);
    result.scheduled += await scheduleInboxSyncs(deps.queues, batch);
    result.checked += batch.length;
  }
  await pass.commit();
  if (result.scheduled || result.initialized) deps.logger.info(result, 'sync sweep put inbox syncs back on the queue');
  return result;
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
