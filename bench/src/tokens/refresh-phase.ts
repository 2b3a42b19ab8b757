import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { ConnectionDoc } from '@outlook-connect/shared';
import { addToRefreshSchedule, defaultRefreshPolicy } from '@outlook-connect/mailbox-runtime';
import { refreshSweep } from '@outlook-connect/workers';
import { cpuOverTimes, describeCpu, serverPids, startCpuSampler, type CpuPerUnit } from '../lib/cpu-sampler';
import { pollUntil, progress } from '../lib/progress';
import { diffCommandStats, parseCommandStats, perUnit, topCommands, totalCalls } from '../lib/redis-info';
import { rateFromTimestamps, ratio } from '../lib/stats';
import type { BenchEnv } from '../setup/bench-env';
import { countStoreOps, runTs, spawnTs, workersMain, type Spawned } from '../setup/child-process';

// Refreshes against the emulator: every real connection made due at once, picked up by the real sweep and refreshed
// by a worker process (real MSAL refresh grants, lock, compare-and-set, re-encryption); then the bare baseline. Each
// refresher first refreshes a warm-up set of other connections, outside its window: a refresh worker runs for days,
// so what is measured is its refreshes, not its start-up (module loading and compiling, first connections, and for
// ours the first passes of its maintenance tasks, which ran beside the first refreshes).

export interface RefreshWarmup {
  connections: number;
  /** How long our worker took to refresh them (from their being due to the last stored), its start-up included. */
  oursMs: number | null;
}

export interface RefreshRateResult {
  connections: number;
  concurrency: number;
  refreshed: number;
  refreshesPerSec: number | null;
  baselineRefreshed: number;
  baselineFailed: number;
  baselineRefreshesPerSec: number | null;
  ratio: number | null;
  /** Redis commands per refresh of ours (INFO commandstats over the run, commands inside scripts counted). */
  redisCommandsPerRefresh: number | null;
  /**
   * CPU per refresh inside each side's rate window (first refresh stored to the last), ms: the whole machine (all
   * cores) and by process. On a machine the run keeps busy, refreshes/s is the cores divided by the machine's figure.
   */
  cpuPerRefresh: { ours: CpuPerUnit | null; baseline: CpuPerUnit | null };
  warmup: RefreshWarmup;
}

export interface CompressedPolicy {
  lifetimeSec: number;
  aheadSec: number;
  jitterSec: number;
  sweepEverySec: number;
}

/**
 * A token lifetime of seconds and the production policy scaled with it: tokens live 60-90 min (75 on average) and are
 * refreshed 10 min ahead with up to 2 min of jitter, so ahead = lifetime x 10/75 and jitter = lifetime x 2/75.
 */
export function compressedPolicy(lifetimeSec: number): CompressedPolicy {
  return {
    lifetimeSec,
    aheadSec: Math.max(5, Math.round((lifetimeSec * 10) / 75)),
    jitterSec: Math.max(2, Math.round((lifetimeSec * 2) / 75)),
    sweepEverySec: 10,
  };
}

/** The refresh worker process, with the compressed policy (it keeps running into the compressed-lifetime run). */
export function spawnRefreshWorker(env: BenchEnv, policy: CompressedPolicy, concurrency: number): Spawned {
  // BENCH_CPU_PROF_DIR: the worker writes a V8 CPU profile there when it stops (where its time goes).
  const cpuProf = process.env.BENCH_CPU_PROF_DIR ? `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}` : '';
  const counted = countStoreOps().NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? '';
  const nodeOptions = [counted, cpuProf].filter(Boolean).join(' ');
  return spawnTs(
    'refresh worker (ours)',
    workersMain,
    {
      ...env.childEnv,
      WORKER_QUEUES: 'token-refresh,maintenance',
      WORKER_CONCURRENCY: String(concurrency),
      REFRESH_AHEAD_SEC: String(policy.aheadSec),
      REFRESH_JITTER_SEC: String(policy.jitterSec),
      REFRESH_SWEEP_EVERY_SEC: String(policy.sweepEverySec),
      REFRESH_LOCK_TTL_SEC: '10',
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    },
    env.rss,
  );
}

export async function runRefreshRate(
  env: BenchEnv,
  conns: ConnectionDoc[],
  concurrency: number,
  timeoutMs: number,
  workerPid?: number,
  warmupConns: ConnectionDoc[] = [],
): Promise<RefreshRateResult> {
  const { redis } = env.clients.deps;
  const commandStats = async () => parseCommandStats(await redis.info('commandstats'));
  const ids = conns.map((c) => c._id);
  const warmupIds = warmupConns.map((c) => c._id);
  let warmupMs: number | null = null;
  if (warmupIds.length) {
    const t = Date.now();
    const warm = await refreshAllDue(env, warmupIds, timeoutMs);
    warmupMs = warm.length === warmupIds.length ? Date.now() - t : null;
    progress(`refresh: warm-up, ${warm.length}/${warmupIds.length} refreshed by our worker in ${Date.now() - t} ms`);
  }
  const statsBefore = await commandStats();
  // The bench process runs the emulator: its CPU is the token endpoint's, for both sides.
  const sampler = startCpuSampler({ worker: workerPid, ...serverPids(env.childEnv), emulator: process.pid });
  try {
    const done = await refreshAllDue(env, ids, timeoutMs);
    const oursTimes = done.map((c) => c.lastRefreshAt!.getTime());
    const ours = rateFromTimestamps(oursTimes);
    const redisCalls = diffCommandStats(statsBefore, await commandStats());
    const refreshed = Math.max(1, done.length);
    const redisPerRefresh = totalCalls(redisCalls) / refreshed;
    progress(
      `refresh: ours ${done.length}/${ids.length} at ${ours?.toFixed(1)}/s ${warmupIds.length ? 'after its warm-up' : 'with its start-up'}; Redis ` +
        `${redisPerRefresh.toFixed(1)} commands per refresh: ${topCommands(perUnit(redisCalls, refreshed), 12)
          .map((c) => `${c.command} ${c.calls}`)
          .join(', ')}; bare baseline`,
    );

    const idsFile = join(tmpdir(), `bench-refresh-ids-${process.pid}.json`);
    writeFileSync(idsFile, JSON.stringify(ids));
    const warmupFile = join(tmpdir(), `bench-refresh-warmup-ids-${process.pid}.json`);
    writeFileSync(warmupFile, JSON.stringify(warmupIds));
    const out = await runTs(
      'refresher (bare baseline)',
      join(__dirname, 'baseline-refresher.ts'),
      {
        ...env.childEnv,
        BENCH_IDS_FILE: idsFile,
        BENCH_WARMUP_IDS_FILE: warmupFile,
        BENCH_CONCURRENCY: String(concurrency),
      },
      env.rss,
      timeoutMs,
    );
    const samples = sampler.stop();
    const base = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
      done: number[];
      failed: number;
      cpuMs: number | null;
    };
    const baseline = rateFromTimestamps(base.done);
    const oursCpu = cpuOverTimes(samples, oursTimes, sampler.hz);
    const baseCpu = cpuOverTimes(samples, base.done, sampler.hz);
    if (baseCpu) {
      // The bare refresher exits just after its window: its own count, not the sampler's.
      delete baseCpu.byProcess.worker;
      baseCpu.byProcess.refresher =
        base.cpuMs == null || base.done.length < 2 ? null : base.cpuMs / (base.done.length - 1);
    }
    progress(
      `refresh: baseline ${base.done.length} at ${baseline?.toFixed(1)}/s (${base.failed} failed); machine CPU per ` +
        `refresh, ms: ours ${describeCpu(oursCpu)}, bare ${describeCpu(baseCpu)}`,
    );
    return {
      connections: ids.length,
      concurrency,
      refreshed: done.length,
      refreshesPerSec: ours,
      baselineRefreshed: base.done.length,
      baselineFailed: base.failed,
      baselineRefreshesPerSec: baseline,
      ratio: ratio(ours, baseline),
      redisCommandsPerRefresh: redisPerRefresh,
      cpuPerRefresh: { ours: oursCpu, baseline: baseCpu },
      warmup: { connections: warmupIds.length, oursMs: warmupMs },
    };
  } finally {
    sampler.stop();
  }
}

/**
 * Makes the connections due now, hands them out with the real sweep and waits until our worker stored a refresh of
 * each and its queues are idle (its maintenance tasks included): the connections refreshed, with when.
 */
async function refreshAllDue(
  env: BenchEnv,
  ids: string[],
  timeoutMs: number,
): Promise<Array<Pick<ConnectionDoc, 'lastRefreshAt'>>> {
  const { models, queues, logger } = env.clients.deps;
  const start = new Date();
  await models.Connection.updateMany({ _id: { $in: ids } }, { $set: { nextRefreshAt: start } });
  // Filed where the sweep looks, as a writer moving a schedule earlier does.
  await addToRefreshSchedule(
    models,
    ids.map((_id) => ({ _id, nextRefreshAt: start })),
    start.getTime(),
  );
  await refreshSweep({ models, queues, logger, now: Date.now, policy: defaultRefreshPolicy });
  progress(`refresh: ${ids.length} connections due now and enqueued by the sweep; waiting for the worker`);
  const refreshedSince = async () =>
    (await models.Connection.find(
      { _id: { $in: ids }, lastRefreshAt: { $gt: start } },
      { lastRefreshAt: 1 },
    ).lean()) as Array<Pick<ConnectionDoc, 'lastRefreshAt'>>;
  // Redis says whether anything is left to run; the store is read only then, to confirm. Reading the 200 connections
  // every second (FerretDB decodes each one to apply the lastRefreshAt filter) loaded the store only while ours ran.
  const busy = async (name: 'token-refresh' | 'maintenance') => {
    const c = await queues.queue(name).getJobCounts('waiting', 'active', 'prioritized');
    return (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0);
  };
  const drained = async () => (await busy('token-refresh')) + (await busy('maintenance')) === 0;
  let done: Array<Pick<ConnectionDoc, 'lastRefreshAt'>> = [];
  await pollUntil(
    async () => (await drained()) && (done = await refreshedSince()).length === ids.length,
    timeoutMs,
    250,
  );
  // Timed out: what got done.
  if (done.length < ids.length) done = await refreshedSince();
  return done;
}
