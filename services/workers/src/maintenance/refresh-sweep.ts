import type { ConnectionDoc } from '@outlook-connect/shared';
import type { RuntimeDeps } from '@outlook-connect/mailbox-runtime';
import { clearFinishedRefresh, scheduleRefreshes, type ScheduledFields } from '@outlook-connect/mailbox-runtime';
import { nextRefreshAt } from '@outlook-connect/mailbox-runtime';

const BATCH = 500;

export interface SweepResult {
  /** Active connections due within the horizon whose job was (re)enqueued (existing jobs collapse). */
  enqueued: number;
  /** Overdue connections whose finished job was cleared so the re-enqueue takes effect. */
  healed: number;
  /** Active connections without nextRefreshAt, given one. */
  initialized: number;
}

/**
 * The store is the source of truth for the refresh schedule: one indexed range scan ({status, nextRefreshAt}) of the
 * active connections due within the horizon, each (re)enqueued under its deterministic job id. After a Redis flush
 * every connection is back on the queue within one sweep.
 */
export async function refreshSweep(
  deps: Pick<RuntimeDeps, 'models' | 'queues' | 'now' | 'policy' | 'logger'>,
): Promise<SweepResult> {
  const now = deps.now();
  const result: SweepResult = { enqueued: 0, healed: 0, initialized: 0 };

  // Connections stored without a schedule (e.g. by an older writer) get one from their token expiry.
  const unscheduled = await deps.models.Connection.find(
    { status: 'active', nextRefreshAt: null },
    { _id: 1, accessTokenExpiresAt: 1 },
  )
    .limit(BATCH)
    .lean();
  for (const c of unscheduled) {
    const at = c.accessTokenExpiresAt ? nextRefreshAt(c.accessTokenExpiresAt, now, deps.policy) : new Date(now);
    const res = await deps.models.Connection.updateOne(
      { _id: c._id, nextRefreshAt: null },
      { $set: { nextRefreshAt: at } },
    );
    result.initialized += res.modifiedCount;
  }

  const horizon = new Date(now + deps.policy.sweepHorizonMs);
  const overdueBefore = now - deps.policy.lockTtlMs - deps.policy.sweepEveryMs;
  const cursor = deps.models.Connection.find(
    { status: 'active', nextRefreshAt: { $lte: horizon } },
    { _id: 1, tokenVersion: 1, refreshFailures: 1, nextRefreshAt: 1 },
  )
    .sort({ nextRefreshAt: 1 })
    .lean()
    .cursor();
  let batch: ScheduledFields[] = [];
  const flush = async () => {
    for (const c of batch) {
      if (c.nextRefreshAt && c.nextRefreshAt.getTime() < overdueBefore && (await clearFinishedRefresh(deps.queues, c)))
        result.healed++;
    }
    await scheduleRefreshes(deps.queues, batch, now);
    result.enqueued += batch.length;
    batch = [];
  };
  for await (const c of cursor as AsyncIterable<
    Pick<ConnectionDoc, '_id' | 'tokenVersion' | 'refreshFailures' | 'nextRefreshAt'>
  >) {
    batch.push(c);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  if (result.healed || result.initialized) deps.logger.info(result, 'refresh sweep healed the schedule');
  return result;
}
