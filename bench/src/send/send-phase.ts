import { describeCpu } from '../lib/cpu-sampler';
import { progress } from '../lib/progress';
import { compareCommands, renderCommandTable } from '../lib/redis-info';
import { ratio } from '../lib/stats';
import type { BenchEnv } from '../setup/bench-env';
import { baselineSubject } from './baseline';
import { oursSubject } from './ours';
import { STAGES } from './send-stages';
import {
  measureLatency,
  measureThroughput,
  type LatencyResult,
  type Mailbox,
  type ThroughputResult,
} from './send-driver';

export interface SendPhaseOptions {
  mailboxes: Mailbox[];
  sends: number;
  latencySends: number;
  concurrency: number;
  timeoutMs: number;
}

export interface SendPhaseResult {
  mailboxes: number;
  sends: number;
  latencySends: number;
  workerConcurrency: number;
  ours: { throughput: ThroughputResult; latency: LatencyResult };
  baseline: { throughput: ThroughputResult; latency: LatencyResult };
  ratios: { sendsPerSec: number | null; p50: number | null; p99: number | null; redisCommandsPerSend: number | null };
}

/**
 * Ours first, then the baseline, each on a fresh worker process: a backlog drained (sends/s, Redis commands per
 * send), then a paced stream at half our drain rate (latency below saturation, the same offered rate for both).
 */
export async function runSendPhase(env: BenchEnv, opts: SendPhaseOptions): Promise<SendPhaseResult> {
  const ours = oursSubject(env, opts.concurrency);
  progress(`send: ours, ${opts.sends} sends over ${opts.mailboxes.length} mailboxes (backlog drain)`);
  const oursRun = await measureThroughput(env, ours, opts.mailboxes, opts.sends, opts.timeoutMs);
  const perSec = Math.max(1, Math.round((oursRun.result.sendsPerSec ?? 2) / 2));
  progress(`send: ours drained at ${oursRun.result.sendsPerSec?.toFixed(1)} sends/s; latency at ${perSec}/s offered`);
  // At most ~30 s of offered load per pipeline, whatever the rate.
  const latencySends = Math.max(10, Math.min(opts.latencySends, perSec * 30));
  const oursLatency = await measureLatency(env, ours, opts.mailboxes, latencySends, perSec, opts.timeoutMs);
  logStages('ours', oursLatency);
  await oursRun.worker.stop();

  const baseline = baselineSubject(env, opts.concurrency);
  try {
    progress(`send: bare baseline, ${opts.sends} sends (backlog drain)`);
    const baseRun = await measureThroughput(env, baseline, opts.mailboxes, opts.sends, opts.timeoutMs);
    progress(
      `send: baseline drained at ${baseRun.result.sendsPerSec?.toFixed(1)} sends/s; latency at ${perSec}/s offered`,
    );
    const baseLatency = await measureLatency(env, baseline, opts.mailboxes, latencySends, perSec, opts.timeoutMs);
    logStages('baseline', baseLatency);
    await baseRun.worker.stop();
    progress('send: Redis commands per send, ours against bare (INFO commandstats, scripts counted inside):');
    progress(
      `send: machine CPU per send in the backlog drain, ms: ours ${describeCpu(oursRun.result.cpuPerSend)}, ` +
        `bare ${describeCpu(baseRun.result.cpuPerSend)}`,
    );
    const rows = compareCommands(oursRun.result.perSendByCommandShares, baseRun.result.perSendByCommandShares);
    for (const line of renderCommandTable(rows)) progress(`  ${line}`);
    return {
      mailboxes: opts.mailboxes.length,
      sends: opts.sends,
      latencySends,
      workerConcurrency: opts.concurrency,
      ours: { throughput: oursRun.result, latency: oursLatency },
      baseline: { throughput: baseRun.result, latency: baseLatency },
      ratios: {
        sendsPerSec: ratio(oursRun.result.sendsPerSec, baseRun.result.sendsPerSec),
        p50: ratio(oursLatency.p50Ms, baseLatency.p50Ms),
        p99: ratio(oursLatency.p99Ms, baseLatency.p99Ms),
        redisCommandsPerSend: ratio(oursRun.result.redisCommandsPerSend, baseRun.result.redisCommandsPerSend),
      },
    };
  } finally {
    await baseline.close();
  }
}

/** The paced run's stages (ms): p50 / p99 of each, and the mean of each over the slowest 2% of sends. */
function logStages(name: string, latency: LatencyResult): void {
  const { p50, p99, slowest } = latency.stages;
  const row = (r: Record<string, number | null>) => STAGES.map((s) => `${s} ${r[s] ?? '-'}`).join(', ');
  progress(`  ${name} latency p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms; stages (ms) p50: ${row(p50)}`);
  progress(`  ${name} stages p99: ${row(p99)}`);
  progress(`  ${name} slowest ${slowest.sends} (mean ${slowest.totalMs} ms): ${row(slowest)}`);
}
