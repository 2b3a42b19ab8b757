import { createQueueClient } from '@outlook-connect/queues';
import { closeStore, connectStore, createModels } from '@outlook-connect/shared';
import { defaultRefreshPolicy } from '@outlook-connect/mailbox-runtime';
import { refreshSweep } from '@outlook-connect/workers';
import { progress } from '../lib/progress';
import { usedMemoryBytes } from '../lib/redis-info';
import { ratePerSec } from '../lib/stats';
import type { BenchEnv } from '../setup/bench-env';
import { realisticConnections } from './realistic-connections';

// Scheduling at scale: N connections in a database of their own, scheduled by the real refresh sweep on a queue
// prefix of its own (no worker serves it, so the delayed jobs just sit there to be measured).

export interface ScalePhaseResult {
  connectionsWanted: number;
  connections: number;
  buildAndEncryptMs: number;
  insertPerSec: number | null;
  /** One sweep pass with ~1,000 connections due (jobs new), scaled to exactly 1,000. */
  sweepPer1000DueMs: number | null;
  dueInPass: number;
  /** One pass with every connection due: all of them get their delayed job. */
  scheduleAllMs: number | null;
  scheduledJobs: number;
  redisMemoryBytes: number | null;
  redisBytesPerConnection: number | null;
}

const LEAD_MS = 10 * 60_000;
const SPREAD_MS = 60 * 60_000;

export async function runScalePhase(
  env: BenchEnv,
  opts: { count: number; insertBudgetMs: number },
): Promise<ScalePhaseResult> {
  const { redis, box, logger } = env.clients.deps;
  const store = await connectStore({ url: env.iso.mongoUrl, dbName: `${env.iso.dbName}_scale` });
  const models = await createModels(store);
  const queues = createQueueClient({ connection: redis, prefix: `${env.iso.queuePrefix}-scale` });
  const firstDueAt = Date.now() + 5 * 60_000;
  try {
    let t = Date.now();
    const docs = realisticConnections(box, {
      count: opts.count,
      workspaceId: env.workspaceId,
      appId: env.app.id,
      tenantId: env.tenant.id,
      firstDueAt,
      spreadMs: SPREAD_MS,
      leadMs: LEAD_MS,
    });
    const buildAndEncryptMs = Date.now() - t;
    progress(`scale: ${opts.count} connections built and encrypted in ${buildAndEncryptMs} ms; inserting`);
    t = Date.now();
    let inserted = 0;
    for (let i = 0; i < docs.length && Date.now() - t < opts.insertBudgetMs; i += 2_000) {
      await models.Connection.insertMany(docs.slice(i, i + 2_000), { ordered: false, lean: true });
      inserted = Math.min(docs.length, i + 2_000);
      if (inserted % 20_000 === 0) progress(`  ${inserted} inserted`);
    }
    const insertMs = Date.now() - t;
    if (inserted < opts.count)
      progress(
        `scale: insert budget of ${opts.insertBudgetMs / 1000} s reached at ${inserted} connections; measuring those`,
      );
    const due = (n: number) => firstDueAt + Math.ceil((n * SPREAD_MS) / opts.count);
    const sweep = (upTo: number) =>
      refreshSweep({
        models,
        queues,
        logger,
        now: Date.now,
        policy: { ...defaultRefreshPolicy, sweepHorizonMs: Math.max(0, upTo - Date.now()) },
      });

    const memBefore = usedMemoryBytes(await redis.info('memory'));
    t = Date.now();
    const first = await sweep(due(1_000));
    const firstMs = Date.now() - t;
    progress(`scale: pass with ${first.enqueued} due took ${firstMs} ms; scheduling all`);
    t = Date.now();
    await sweep(firstDueAt + SPREAD_MS + 60_000);
    const scheduleAllMs = Date.now() - t;
    const scheduledJobs = await queues.queue('token-refresh').getDelayedCount();
    const memAfter = usedMemoryBytes(await redis.info('memory'));
    progress(
      `scale: ${scheduledJobs} delayed jobs in ${scheduleAllMs} ms, +${((memAfter - memBefore) / 1048576).toFixed(1)} MB`,
    );
    const per1000 = (ms: number, n: number) => (n > 0 ? (ms * 1000) / n : null);
    return {
      connectionsWanted: opts.count,
      connections: inserted,
      buildAndEncryptMs,
      insertPerSec: ratePerSec(inserted, insertMs),
      sweepPer1000DueMs: per1000(firstMs, first.enqueued),
      dueInPass: first.enqueued,
      scheduleAllMs,
      scheduledJobs,
      redisMemoryBytes: memAfter - memBefore,
      redisBytesPerConnection: scheduledJobs > 0 ? (memAfter - memBefore) / scheduledJobs : null,
    };
  } finally {
    progress('scale: cleaning up (queue and database)');
    await queues
      .queue('token-refresh')
      .obliterate({ force: true, count: 5_000 })
      .catch(() => undefined);
    await queues.close();
    await store.dropDatabase().catch(() => undefined);
    await closeStore(store);
  }
}
