import {
  diffCommandStats,
  parseCommandStats,
  perUnit,
  topCommands,
  totalCalls,
  type CommandShares,
} from '../lib/redis-info';
import type { Queue } from 'bullmq';
import { cpuOverTimes, serverPids, startCpuSampler, type CpuPerUnit } from '../lib/cpu-sampler';
import { inParallel, pollUntil, progress, sleep } from '../lib/progress';
import { rateFromTimestamps, summarizeLatencies, type LatencySummary } from '../lib/stats';
import type { BenchEnv } from '../setup/bench-env';
import type { Spawned } from '../setup/child-process';
import { latenciesFor, sentTimesByMarker } from './sent-times';
import { summarizeStages, type SendTimes, type StageSummary } from './send-stages';

// Drives one send pipeline (ours or the bare baseline) the same way: a backlog drained by a fresh worker process
// (throughput, Redis commands), then a paced stream into the running worker (enqueue-to-Graph latency).

export interface Mailbox {
  connectionId: string;
  email: string;
}

export interface SendSubject {
  name: string;
  /** Enqueues send number i from this mailbox; resolves its marker once enqueued. */
  enqueue(mailbox: Mailbox, i: number, tag: string): Promise<string>;
  /** `extra`: node flags and environment for the worker process (the RSS run's live-heap preload). */
  startWorker(extra?: { nodeOptions: string; env: Record<string, string> }): Spawned;
  /** Nothing waiting, active or delayed on its queue. */
  drained(): Promise<boolean>;
  /** Removes what is still waiting (a run that hit its time limit must not slow the next one). */
  discardBacklog(): Promise<void>;
  /** marker -> its job's times (created by the producer, taken by the worker, done), for the stage breakdown. */
  jobTimes(): Promise<Map<string, JobTimes>>;
}

export interface JobTimes {
  addedAt: number;
  processedOn: number | undefined;
  finishedOn: number | undefined;
}

export interface ThroughputResult {
  sends: number;
  sentAtGraph: number;
  sendsPerSec: number | null;
  enqueuePerSec: number | null;
  redisCommands: number;
  redisCommandsPerSend: number;
  redisCommandsPerSendEnqueue: number;
  redisCommandsPerSendWorker: number;
  topCommands: Array<{ command: string; calls: number }>;
  /** Every command's calls per send (enqueue and worker together), for comparing pipelines command by command. */
  perSendByCommand: Record<string, number>;
  /** The same, the enqueue share (per send enqueued) and the worker share (per send that went out) apart. */
  perSendByCommandShares: CommandShares;
  /**
   * Machine CPU per send between the first and the last send at Graph (all cores, ms), and by process: the worker,
   * the store, Redis and the emulator (the bench process, which also polls for the sends). On a machine the run keeps
   * busy, sends/s is about the cores over the machine's figure.
   */
  cpuPerSend: CpuPerUnit | null;
}

export interface LatencyResult extends LatencySummary {
  offeredPerSec: number;
  missing: number;
  /** Where each send's time went (bench/README.md): record, add, pick-up, to Graph, outcome. */
  stages: StageSummary;
}

async function commandStats(env: BenchEnv): Promise<Record<string, number>> {
  return parseCommandStats(await env.clients.deps.redis.info('commandstats'));
}

async function waitForGraph(env: BenchEnv, markers: Iterable<string>, timeoutMs: number): Promise<number> {
  const wanted = [...markers];
  let seen = 0;
  let lastLog = Date.now();
  await pollUntil(
    () => {
      const counts = env.emu.control.counters().sendsByMarker;
      seen = wanted.reduce((n, m) => n + (counts[m] ? 1 : 0), 0);
      if (Date.now() - lastLog > 5_000) {
        progress(`  ${seen}/${wanted.length} at Graph`);
        lastLog = Date.now();
      }
      return seen === wanted.length;
    },
    timeoutMs,
    250,
  );
  return seen;
}

function sentTimes(env: BenchEnv, mailboxes: Mailbox[]): Map<string, number> {
  const all = new Map<string, number>();
  for (const m of mailboxes) for (const [k, v] of sentTimesByMarker(env.emu.control.sentItems(m.email))) all.set(k, v);
  return all;
}

/** Enqueues `count` sends with no worker running, then starts one and lets it drain the backlog. */
export async function measureThroughput(
  env: BenchEnv,
  subject: SendSubject,
  mailboxes: Mailbox[],
  count: number,
  timeoutMs: number,
): Promise<{ result: ThroughputResult; worker: Spawned }> {
  const before = await commandStats(env);
  const markers: string[] = [];
  const t0 = Date.now();
  await inParallel(
    Array.from({ length: count }, (_, i) => i),
    16,
    async (i) => {
      markers.push(await subject.enqueue(mailboxes[i % mailboxes.length]!, i, `tp-${subject.name}-${i}`));
    },
  );
  const enqueueMs = Date.now() - t0;
  const afterEnqueue = await commandStats(env);
  progress(`  ${subject.name}: ${count} sends enqueued in ${enqueueMs} ms; starting the worker process`);
  const sampler = startCpuSampler({ ...serverPids(env.childEnv), emulator: process.pid });
  const worker = subject.startWorker();
  sampler.watch('worker', worker.child.pid);
  const seen = await waitForGraph(env, markers, timeoutMs).finally(() => sampler.stop());
  if (seen < count) {
    progress(
      `  ${subject.name}: only ${seen}/${count} reached Graph within ${timeoutMs / 1000} s; the rest is dropped`,
    );
    await subject.discardBacklog();
  }
  await pollUntil(() => subject.drained(), 30_000, 250);
  const after = await commandStats(env);
  const all = sentTimes(env, mailboxes);
  const times = markers.map((m) => all.get(m)).filter((t): t is number => t !== undefined);
  const total = diffCommandStats(before, after);
  const enqueueStats = diffCommandStats(before, afterEnqueue);
  const enqueueCalls = totalCalls(enqueueStats);
  return {
    worker,
    result: {
      sends: count,
      sentAtGraph: seen,
      sendsPerSec: rateFromTimestamps(times),
      enqueuePerSec: enqueueMs > 0 ? (count * 1000) / enqueueMs : null,
      redisCommands: totalCalls(total),
      // Per send that went out (a run cut by its time limit dropped the rest of its backlog).
      redisCommandsPerSend: enqueueCalls / count + (totalCalls(total) - enqueueCalls) / Math.max(1, seen),
      redisCommandsPerSendEnqueue: enqueueCalls / count,
      redisCommandsPerSendWorker: (totalCalls(total) - enqueueCalls) / Math.max(1, seen),
      topCommands: topCommands(total, 8),
      perSendByCommand: Object.fromEntries(
        Object.entries(total)
          .filter(([, n]) => n > 0)
          .map(([c, n]) => [c, Math.round((n / Math.max(1, seen)) * 100) / 100]),
      ),
      perSendByCommandShares: {
        enqueue: perUnit(enqueueStats, count),
        worker: perUnit(diffCommandStats(afterEnqueue, after), seen),
      },
      cpuPerSend: cpuOverTimes(sampler.stop(), times, sampler.hz),
    },
  };
}

/** Offers `count` sends at a steady rate to the running worker; latency = Graph's sentDateTime - the enqueue call. */
export async function measureLatency(
  env: BenchEnv,
  subject: SendSubject,
  mailboxes: Mailbox[],
  count: number,
  perSec: number,
  timeoutMs: number,
): Promise<LatencyResult> {
  const enqueuedAt = new Map<string, number>();
  const returnedAt = new Map<string, number>();
  const pending: Array<Promise<void>> = [];
  const t0 = Date.now();
  for (let i = 0; i < count; i++) {
    const wait = t0 + (i * 1000) / perSec - Date.now();
    if (wait > 0) await sleep(wait);
    const at = Date.now();
    pending.push(
      subject.enqueue(mailboxes[i % mailboxes.length]!, i, `lat-${subject.name}-${i}`).then((marker) => {
        enqueuedAt.set(marker, at);
        returnedAt.set(marker, Date.now());
      }),
    );
  }
  await Promise.all(pending);
  await waitForGraph(env, enqueuedAt.keys(), timeoutMs);
  await pollUntil(() => subject.drained(), 10_000, 100).catch(() => undefined);
  const sent = sentTimes(env, mailboxes);
  const { latenciesMs, missing } = latenciesFor(enqueuedAt, sent);
  const jobs = await subject.jobTimes();
  const times: SendTimes[] = [];
  for (const [marker, calledAt] of enqueuedAt) {
    const job = jobs.get(marker);
    const graphAt = sent.get(marker);
    if (!job || job.processedOn === undefined || graphAt === undefined) continue;
    times.push({
      calledAt,
      enqueuedAt: returnedAt.get(marker)!,
      addedAt: job.addedAt,
      processedOn: job.processedOn,
      graphAt,
      finishedOn: job.finishedOn ?? null,
    });
  }
  return { ...summarizeLatencies(latenciesMs), offeredPerSec: perSec, missing, stages: summarizeStages(times) };
}

/** The times BullMQ kept on the queue's jobs (completed ones are kept: `keep` in the catalog), by marker. */
export async function jobTimesOf(
  queue: Pick<Queue, 'getJobs'>,
  markerOf: (data: Record<string, unknown>) => string,
): Promise<Map<string, JobTimes>> {
  const out = new Map<string, JobTimes>();
  for (const job of await queue.getJobs(['completed', 'active', 'failed', 'delayed'], 0, 5_000)) {
    if (!job) continue;
    out.set(markerOf(job.data as Record<string, unknown>), {
      addedAt: job.timestamp,
      processedOn: job.processedOn,
      finishedOn: job.finishedOn,
    });
  }
  return out;
}
