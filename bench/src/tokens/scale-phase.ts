import os from 'node:os';
import { createQueueClient } from '@outlook-connect/queues';
import { closeStore, connectStore, createModels } from '@outlook-connect/shared';
import {
  addToRefreshSchedule,
  addToSyncSchedule,
  defaultRefreshPolicy,
  nextRefreshAt,
  refreshJobId,
} from '@outlook-connect/mailbox-runtime';
import {
  DEFAULT_INBOX_POLICY,
  DEFAULT_PUSH_POLICY,
  refreshSweep,
  syncHorizonMs,
  syncSweep,
} from '@outlook-connect/workers';
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
// polled every 60 s it would need 1,667 syncs/s), and no sync job in Redis: the first pass hands out the syncs due
// within its horizon (one interval), they run (the bench plays their end: the job goes, the next sync moves 15 min
// on), and the next pass, one interval later, moves their entries on and hands out the next interval's syncs.

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
  /**
   * The pass one interval later, after the refreshes due in that interval ran (each connection's next refresh 48-80
   * min on, as a grant of 60-90 min leaves it): time against the interval, what it handed out, read and moved on.
   */
  nextPassMs: number | null;
  nextPassHandedOut: number;
  nextPassRead: number;
  nextPassMoved: number;
  sweepIntervalMs: number;
  /** Delayed jobs in Redis after those passes, and the Redis memory they and the scheduling took. */
  scheduledJobs: number;
  redisMemoryBytes: number | null;
  redisBytesPerConnection: number | null;
  /** The inbox sync sweep's first pass over the fleet's first horizon of next syncs (all handed out), per 1,000. */
  syncSweepPer1000DueMs: number | null;
  syncDueInPass: number;
  /** The next pass, one interval later, after those syncs ran: time against the interval, what it did. */
  syncSteadyPassMs: number | null;
  syncSteadyPassHandedOut: number;
  syncSteadyPassRead: number;
  syncSteadyPassMoved: number;
  /** Where the next pass spent its time (ms). */
  syncSteadyPassSplitMs: { buckets: number; connections: number; queue: number; schedule: number } | null;
  syncSweepIntervalMs: number;
  /** The 1-min load average when the sync sweep's first pass started and when its next pass ended (a noisy machine). */
  syncLoadAvg: { firstPass: number; nextPass: number };
  syncHorizonMs: number;
  syncPeriodMs: number;
  /** Sync jobs in Redis after the first pass (one horizon of syncs) and the Redis memory they took (used_memory diff). */
  syncScheduledJobs: number;
  syncRedisMemoryBytes: number | null;
  syncRedisBytesPerConnection: number | null;
  syncRedisBytesPerJob: number | null;
  /** The same jobs for a fleet polled every 60 s instead (computed: a horizon of 60 s polls is horizon / 60 s of it). */
  syncRedisBytesPerConnectionPolled60s: number | null;
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
  const syncEvery = DEFAULT_INBOX_POLICY.sweepEveryMs;
  const syncHorizon = syncHorizonMs(DEFAULT_INBOX_POLICY);
  // Next syncs on a clock of their own, after the refresh passes' (neither sweep reads the other's schedule).
  const firstSyncAt = firstDueAt + 2 * SPREAD_MS;
  const syncDueOf = (k: number) => firstSyncAt + Math.ceil((k * SYNC_PERIOD_MS) / opts.count);
  // The connections the first sync pass hands out (due within its horizon): the bench plays their syncs' end.
  const firstSynced: Array<{ _id: string; atMs: number }> = [];
  // The connections whose refreshes come due in the production pass's first interval: the bench plays their refresh.
  const firstRefreshed: Array<{ _id: string; atMs: number; tokenVersion: number }> = [];
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
      for (const d of synced)
        if (d.sync.nextSyncAt.getTime() <= firstSyncAt + syncHorizon)
          firstSynced.push({ _id: d._id, atMs: d.sync.nextSyncAt.getTime() });
      for (const d of docs)
        if (d.nextRefreshAt && d.nextRefreshAt.getTime() < firstDueAt + policy.sweepEveryMs)
          firstRefreshed.push({ _id: d._id, atMs: d.nextRefreshAt.getTime(), tokenVersion: d.tokenVersion });
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

    // The refreshes due in that interval ran: each job went, each connection holds a new token version and its next
    // refresh (a grant of 60-90 min, refreshed ahead as the policy says), as a refresh leaves it (no schedule write).
    const queue = queues.queue('token-refresh');
    for (let i = 0; i < firstRefreshed.length; i += 500) {
      const batch = firstRefreshed.slice(i, i + 500);
      await Promise.all(batch.map((c) => queue.remove(refreshJobId({ ...c, refreshFailures: 0 }))));
      await models.Connection.bulkWrite(
        batch.map((c) => {
          const expiresAt = new Date(c.atMs + (60 + Math.random() * 30) * 60_000);
          return {
            updateOne: {
              filter: { _id: c._id },
              update: {
                $set: { nextRefreshAt: nextRefreshAt(expiresAt, c.atMs, policy), lastRefreshAt: new Date(c.atMs) },
                $inc: { tokenVersion: 1 },
              },
            },
          };
        }),
        { ordered: false },
      );
    }
    ms = Date.now();
    const next = await sweep(firstDueAt + policy.sweepEveryMs, policy.sweepHorizonMs);
    const nextMs = Date.now() - ms;
    progress(
      `scale: next refresh pass (${policy.sweepEveryMs / 1000} s later, ${firstRefreshed.length} refreshed since) ` +
        `handed out ${next.enqueued}, moved ${next.moved} (${next.read} read) in ${nextMs} ms`,
    );

    // The sync sweep: the pass before the first next syncs (nothing due yet), then the pass when they come due, which
    // hands out the horizon's syncs (Redis holds those: measured), then the next pass one interval later, after they ran.
    await sync(firstSyncAt - 10 * 60_000);
    const syncMemBefore = usedMemoryBytes(await redis.info('memory'));
    const loadFirst = os.loadavg()[0]!;
    ms = Date.now();
    const syncFirst = await sync(firstSyncAt);
    const syncFirstMs = Date.now() - ms;
    const syncJobs = await queues.queue('inbox-sync').getDelayedCount();
    const syncMemAfter = usedMemoryBytes(await redis.info('memory'));
    const syncMem = syncMemAfter - syncMemBefore;
    progress(
      `scale: sync sweep pass with ${syncFirst.handedOut} due within ${syncHorizon / 1000} s took ${syncFirstMs} ms ` +
        `(${syncFirst.read} entries read); ${syncJobs} sync jobs, +${(syncMem / 1048576).toFixed(1)} MB`,
    );
    // Their syncs ran: each job ended (the next sync is 15 min away) and the next sync is stored, as a run leaves it.
    await queues.queue('inbox-sync').obliterate({ force: true, count: 5_000 });
    for (let i = 0; i < firstSynced.length; i += 500) {
      const batch = firstSynced.slice(i, i + 500);
      await models.Connection.updateMany(
        { _id: { $in: batch.map((c) => c._id) } },
        { $set: { 'sync.nextSyncAt': new Date(batch[batch.length - 1]!.atMs + SYNC_PERIOD_MS) } },
      );
    }
    ms = Date.now();
    const syncSteady = await sync(firstSyncAt + syncEvery);
    const syncSteadyMs = Date.now() - ms;
    const loadNext = os.loadavg()[0]!;
    progress(
      `scale: next sync sweep pass (${syncEvery / 1000} s later) handed out ${syncSteady.handedOut}, moved ${syncSteady.moved} ` +
        `(${syncSteady.read} read) in ${syncSteadyMs} ms: ${JSON.stringify(syncSteady.ms)}; ` +
        `load average ${loadFirst.toFixed(1)} -> ${loadNext.toFixed(1)}`,
    );
    const perJob = syncJobs > 0 ? syncMem / syncJobs : null;
    return {
      syncSweepPer1000DueMs: syncFirst.handedOut > 0 ? (syncFirstMs * 1000) / syncFirst.handedOut : null,
      syncDueInPass: syncFirst.handedOut,
      syncSteadyPassMs: syncSteadyMs,
      syncSteadyPassHandedOut: syncSteady.handedOut,
      syncSteadyPassRead: syncSteady.read,
      syncSteadyPassMoved: syncSteady.moved,
      syncSteadyPassSplitMs: syncSteady.ms,
      syncSweepIntervalMs: syncEvery,
      syncLoadAvg: { firstPass: loadFirst, nextPass: loadNext },
      syncHorizonMs: syncHorizon,
      syncPeriodMs: SYNC_PERIOD_MS,
      syncScheduledJobs: syncJobs,
      syncRedisMemoryBytes: syncMem,
      syncRedisBytesPerConnection: inserted > 0 ? syncMem / inserted : null,
      syncRedisBytesPerJob: perJob,
      syncRedisBytesPerConnectionPolled60s: perJob === null ? null : (perJob * syncHorizon) / 60_000,
      connectionsWanted: opts.count,
      connections: inserted,
      buildAndEncryptMs,
      insertPerSec: ratePerSec(inserted, insertMs),
      sweepPer1000DueMs: first.enqueued > 0 ? (firstMs * 1000) / first.enqueued : null,
      dueInPass: first.enqueued,
      steadyPassMs: steadyMs,
      steadyPassDue: steady.enqueued,
      nextPassMs: nextMs,
      nextPassHandedOut: next.enqueued,
      nextPassRead: next.read,
      nextPassMoved: next.moved,
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
