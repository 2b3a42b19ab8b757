import { createQueueClient } from '@outlook-connect/queues';
import { closeStore, connectStore, createModels } from '@outlook-connect/shared';
import {
  addToRefreshSchedule,
  addToSyncSchedule,
  BUCKET_MS,
  defaultRefreshPolicy,
} from '@outlook-connect/mailbox-runtime';
import { DEFAULT_INBOX_POLICY, DEFAULT_PUSH_POLICY, refreshSweep, syncSweep } from '@outlook-connect/workers';
import { progress } from '../lib/progress';
import { usedMemoryBytes } from '../lib/redis-info';
import { ratePerSec } from '../lib/stats';
import type { BenchEnv } from '../setup/bench-env';
import { realisticConnections } from './realistic-connections';

// Scheduling at scale: N connections in a database of their own, stored as the connect flow stores them (on the
// store's refresh schedule), then the real refresh sweep on a queue prefix of its own (no worker serves it, so the
// delayed jobs just sit there to be measured). The sweeps run on a clock of their own, placed where the connections
// come due: the figures are those of a fleet whose refreshes are spread over one period, as in production.
// Then the real inbox sync sweep on the same fleet, each connection filed on the store's sync schedule at its next
// sync (as its last poll left it), those spread over one push safety poll (15 min: at this size a fleet is on push;
// polled every 60 s it would need 1,667 syncs/s), and no sync job in Redis: the sweep after a Redis loss.

export interface ScalePhaseResult {
  connectionsWanted: number;
  connections: number;
  buildAndEncryptMs: number;
  insertPerSec: number | null;
  /** One sweep pass with ~1,000 connections due (jobs new), scaled to exactly 1,000. */
  sweepPer1000DueMs: number | null;
  dueInPass: number;
  /** The production policy's pass (horizon, interval) once the fleet's refreshes come due: time and jobs handed out. */
  steadyPassMs: number | null;
  steadyPassDue: number;
  sweepIntervalMs: number;
  /** Delayed jobs in Redis after those passes, and the Redis memory they and the scheduling took. */
  scheduledJobs: number;
  redisMemoryBytes: number | null;
  redisBytesPerConnection: number | null;
  /** The inbox sync sweep after a Redis loss: one pass over the first minute of next syncs (jobs put back), per 1,000. */
  syncSweepPer1000DueMs: number | null;
  syncDueInPass: number;
  /** The next pass, one sweep interval later: time, syncs checked (and put back) against the interval. */
  syncSteadyPassMs: number | null;
  syncSteadyPassChecked: number;
  syncSteadyPassScheduled: number;
  syncSweepIntervalMs: number;
  syncPeriodMs: number;
  /** Redis memory the sync jobs put back took (used_memory diff over the two passes), per job. */
  syncRedisBytesPerJob: number | null;
}

const LEAD_MS = 10 * 60_000;
/** About one refresh period (tokens live 60-90 min, refreshed 10-12 min ahead). */
const SPREAD_MS = 60 * 60_000;
const CHUNK = 2_000;
/** Next syncs spread over one push safety poll (a healthy push mailbox's polling interval). */
const SYNC_PERIOD_MS = DEFAULT_PUSH_POLICY.safetyPollMs;

export async function runScalePhase(
  env: BenchEnv,
  opts: { count: number; insertBudgetMs: number },
): Promise<ScalePhaseResult> {
  const { redis, box, logger } = env.clients.deps;
  const store = await connectStore({ url: env.iso.mongoUrl, dbName: `${env.iso.dbName}_scale` });
  const models = await createModels(store);
  const queues = createQueueClient({ connection: redis, prefix: `${env.iso.queuePrefix}-scale` });
  const firstDueAt = Date.now() + 60 * 60_000;
  const policy = defaultRefreshPolicy;
  const sweep = (nowMs: number, horizonMs: number) =>
    refreshSweep({ models, queues, logger, now: () => nowMs, policy: { ...policy, sweepHorizonMs: horizonMs } });
  const sync = (nowMs: number) => syncSweep({ models, queues, logger, now: () => nowMs });
  // Next syncs on a clock of their own, after the refresh passes' (neither sweep reads the other's schedule).
  const firstSyncAt = firstDueAt + 2 * SPREAD_MS;
  const syncDueOf = (k: number) => firstSyncAt + Math.ceil((k * SYNC_PERIOD_MS) / opts.count);
  try {
    // The sweeps ran before these connections were made (a deployment in service): their first pass on an empty store.
    await sweep(Date.now(), policy.sweepHorizonMs);
    await sync(Date.now());
    let buildAndEncryptMs = 0;
    let inserted = 0;
    const t = Date.now();
    // Built, encrypted and inserted a chunk at a time (a million documents at once would not fit in memory), chunk
    // i holding the i-th slice of the period.
    for (let i = 0; i < opts.count && Date.now() - t < opts.insertBudgetMs; i += CHUNK) {
      const n = Math.min(CHUNK, opts.count - i);
      const b = Date.now();
      const docs = realisticConnections(box, {
        count: n,
        workspaceId: env.workspaceId,
        appId: env.app.id,
        tenantId: env.tenant.id,
        firstDueAt: firstDueAt + Math.floor((i * SPREAD_MS) / opts.count),
        spreadMs: Math.floor((n * SPREAD_MS) / opts.count),
        leadMs: LEAD_MS,
      });
      // Their next syncs, in the same random order over the sync period.
      const synced = docs.map((d, k) => ({ ...d, sync: { nextSyncAt: new Date(syncDueOf(i + k)) } }));
      buildAndEncryptMs += Date.now() - b;
      await addToRefreshSchedule(models, docs, Date.now());
      await addToSyncSchedule(
        models,
        synced.map((d) => ({ _id: d._id, atMs: d.sync.nextSyncAt.getTime() })),
        Date.now(),
      );
      await models.Connection.insertMany(synced, { ordered: false, lean: true });
      inserted += n;
      if (inserted % 20_000 === 0) progress(`  ${inserted} inserted`);
    }
    const insertMs = Date.now() - t;
    if (inserted < opts.count)
      progress(
        `scale: insert budget of ${opts.insertBudgetMs / 1000} s reached at ${inserted} connections; measuring those`,
      );
    // Due times of the inserted ones: [firstDueAt, firstDueAt + insertedSpan).
    const dueOf = (k: number) => firstDueAt + Math.ceil((k * SPREAD_MS) / opts.count);

    const memBefore = usedMemoryBytes(await redis.info('memory'));
    // A pass a minute before the first come due, its horizon reaching the 1,000th.
    const firstNow = firstDueAt - 60_000;
    let ms = Date.now();
    const first = await sweep(firstNow, dueOf(Math.min(1_000, inserted)) - firstNow);
    const firstMs = Date.now() - ms;
    progress(`scale: pass with ${first.enqueued} due took ${firstMs} ms (${first.read} entries read)`);
    // The production pass when they come due: its horizon and interval.
    ms = Date.now();
    const steady = await sweep(firstDueAt, policy.sweepHorizonMs);
    const steadyMs = Date.now() - ms;
    const scheduledJobs = await queues.queue('token-refresh').getDelayedCount();
    const memAfter = usedMemoryBytes(await redis.info('memory'));
    progress(
      `scale: production pass (${policy.sweepHorizonMs / 1000} s horizon) handed out ${steady.enqueued} in ${steadyMs} ms ` +
        `(interval ${policy.sweepEveryMs / 1000} s); ${scheduledJobs} delayed jobs, +${((memAfter - memBefore) / 1048576).toFixed(1)} MB`,
    );

    // The sync sweep after a Redis loss. It reads a minute once it is over: the first pass just after the first
    // minute of next syncs (those due, jobs put back), then the next one an interval later.
    const syncEvery = DEFAULT_INBOX_POLICY.sweepEveryMs;
    const syncMemBefore = usedMemoryBytes(await redis.info('memory'));
    const syncFirstNow = (Math.floor(firstSyncAt / BUCKET_MS) + 2) * BUCKET_MS + 1_000;
    await sync(firstSyncAt - 10 * 60_000); // the pass before: nothing due yet
    ms = Date.now();
    const syncFirst = await sync(syncFirstNow);
    const syncFirstMs = Date.now() - ms;
    progress(
      `scale: sync sweep pass with ${syncFirst.checked} due took ${syncFirstMs} ms (${syncFirst.scheduled} put back, ${syncFirst.read} entries read)`,
    );
    ms = Date.now();
    const syncSteady = await sync(syncFirstNow + syncEvery);
    const syncSteadyMs = Date.now() - ms;
    const syncMemAfter = usedMemoryBytes(await redis.info('memory'));
    const syncJobs = syncFirst.scheduled + syncSteady.scheduled;
    progress(
      `scale: next sync sweep pass (${syncEvery / 1000} s later) checked ${syncSteady.checked}, put back ${syncSteady.scheduled} in ${syncSteadyMs} ms; ` +
        `${syncJobs} sync jobs, +${((syncMemAfter - syncMemBefore) / 1048576).toFixed(1)} MB`,
    );
    return {
      syncSweepPer1000DueMs: syncFirst.checked > 0 ? (syncFirstMs * 1000) / syncFirst.checked : null,
      syncDueInPass: syncFirst.checked,
      syncSteadyPassMs: syncSteadyMs,
      syncSteadyPassChecked: syncSteady.checked,
      syncSteadyPassScheduled: syncSteady.scheduled,
      syncSweepIntervalMs: syncEvery,
      syncPeriodMs: SYNC_PERIOD_MS,
      syncRedisBytesPerJob: syncJobs > 0 ? (syncMemAfter - syncMemBefore) / syncJobs : null,
      connectionsWanted: opts.count,
      connections: inserted,
      buildAndEncryptMs,
      insertPerSec: ratePerSec(inserted, insertMs),
      sweepPer1000DueMs: first.enqueued > 0 ? (firstMs * 1000) / first.enqueued : null,
      dueInPass: first.enqueued,
      steadyPassMs: steadyMs,
      steadyPassDue: steady.enqueued,
      sweepIntervalMs: policy.sweepEveryMs,
      scheduledJobs,
      redisMemoryBytes: memAfter - memBefore,
      redisBytesPerConnection: inserted > 0 ? (memAfter - memBefore) / inserted : null,
    };
  } finally {
    progress('scale: cleaning up (queue and database)');
    for (const q of ['token-refresh', 'inbox-sync'] as const)
      await queues
        .queue(q)
        .obliterate({ force: true, count: 5_000 })
        .catch(() => undefined);
    await queues.close();
    await store.dropDatabase().catch(() => undefined);
    await closeStore(store);
  }
}
