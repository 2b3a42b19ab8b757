import type { QueueClient } from '@outlook-connect/queues';
import type { ConnectionDoc, Logger, Models } from '@outlook-connect/shared';
import { notPolledReason } from './poll-schedule';
import { scheduleInboxSync } from '@outlook-connect/queues';

// The store is the source of truth for who is polled: after a Redis loss, a recovery from needs_reconnect, or a new
// connection, the sweep puts the connection's sync job back. Indexed on {status, sync.nextSyncAt}.

/** Bounds one sweep's work; the next sweep continues. */
const MAX_PER_SWEEP = 5_000;

export interface SyncSweepDeps {
  models: Pick<Models, 'Connection'>;
  queues: QueueClient;
  logger: Logger;
  now: () => number;
}

export interface SyncSweepResult {
  checked: number;
  /** Connections whose sync job was missing (or finished) and was put back. */
  scheduled: number;
}

type Candidate = Pick<ConnectionDoc, '_id' | 'status' | 'grantedScopes'>;

export async function syncSweep(deps: SyncSweepDeps): Promise<SyncSweepResult> {
  const now = new Date(deps.now());
  const result: SyncSweepResult = { checked: 0, scheduled: 0 };
  // Never scheduled (new, or stopped and since recovered), or overdue: a live poller keeps nextSyncAt ahead of now.
  // send_only connections never read mail, so they are left out in the query (their grant is checked again below).
  for (const nextSyncAt of [null, { $lte: now }]) {
    const cursor = deps.models.Connection.find(
      { status: 'active', 'sync.nextSyncAt': nextSyncAt, scopePreset: { $ne: 'send_only' } },
      { _id: 1, status: 1, grantedScopes: 1 },
    )
      .limit(MAX_PER_SWEEP)
      .lean()
      .cursor();
    for await (const conn of cursor as AsyncIterable<Candidate>) {
      if (notPolledReason(conn)) continue;
      result.checked++;
      if ((await scheduleInboxSync(deps.queues, conn._id)) === 'added') result.scheduled++;
    }
  }
  if (result.scheduled) deps.logger.info(result, 'sync sweep put inbox syncs back on the queue');
  return result;
}
