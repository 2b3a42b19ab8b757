import {
  createQueueClient,
  createRedis,
  createSendClient,
  type QueueClient,
  type RedisConnection,
} from '@outlook-connect/queues';
import { parseEnv, redisEnv } from '@outlook-connect/shared';
import { ensureRedisCluster } from '@outlook-connect/stack';
import { startCpuWindow, type CpuWindow } from '../lib/cpu-usage';
import { pollUntil, progress, sleep } from '../lib/progress';
import { rateFromTimestamps } from '../lib/stats';
import type { BenchEnv } from '../setup/bench-env';
import { spawnTs, workersMain, type Spawned } from '../setup/child-process';
import { maxInAnyWindow } from './limit-window';
import { sentTimesByMarker } from './sent-times';

// Scale out: the real send worker in 1, 2 and 4 processes, on the bench's Redis and on a local 3-master Redis Cluster
// (hash tags: each mailbox's gate keys on their own slot), sends/s per process count; then whether the per-mailbox
// limits (sends per minute, concurrent Graph requests) held across the processes, from what the emulator saw.

export interface ScaleOutRun {
  redis: 'single' | 'cluster';
  processes: number;
  sends: number;
  sentAtGraph: number;
  sendsPerSec: number | null;
  /** The most Graph requests one mailbox had in flight at once (the gate allows maxConcurrent). */
  peakMailboxConcurrency: number;
  /**
   * From the first send at Graph to the last (or the timeout): the machine's busy share of all cores, and the CPU of
   * the worker processes (1 = one core busy throughout). The store, the emulator, Redis and this process share the
   * machine, so a machine near 100% busy says the run measured the machine, not the workers.
   */
  cpu: CpuWindow & { workerCoresTotal: number | null };
}

export interface LimitCheck {
  redis: 'single' | 'cluster';
  processes: number;
  mailboxes: number;
  sendsPerMinute: number;
  enqueuedPerMailbox: number;
  /** Per mailbox, the most sends Graph saw within any 60 s. */
  maxSendsInAMinute: number[];
  peakMailboxConcurrency: number;
  maxConcurrent: number;
  /** No mailbox went over its budget or over maxConcurrent requests in flight. */
  held: boolean;
  /** Every mailbox used its whole budget (the limit was exercised, not just unreached). */
  reached: boolean;
}

export interface ScaleOutResult {
  processCounts: number[];
  workerConcurrency: number;
  clusterNodes: string | null;
  runs: ScaleOutRun[];
  limits: LimitCheck[];
  /** Every limit check held, and no throughput run had more than maxConcurrent requests in flight per mailbox. */
  limitsHeld: boolean;
}

export interface ScaleOutOptions {
  mailboxes: Array<{ connectionId: string; email: string }>;
  sends: number;
  processCounts: number[];
  concurrency: number;
  /** Mailboxes with a real sends-per-minute limit for the limit check, and that limit. */
  limitMailboxes: Array<{ connectionId: string; email: string }>;
  sendsPerMinute: number;
  timeoutMs: number;
}

/** The gate's default (Outlook allows 4 concurrent requests per mailbox). */
const MAX_CONCURRENT = 4;
/** Graph's sendMail latency in the limit check. */
const SLOW_SEND_MS = 300;
/** The first minute after the first send reached Graph, minus a margin for how late Graph sees a reserved send. */
const FIRST_MINUTE_MS = 57_000;

interface Target {
  redis: 'single' | 'cluster';
  queues: QueueClient;
  childEnv: Record<string, string>;
  close(): Promise<void>;
}

async function clusterTarget(env: BenchEnv): Promise<{ target: Target; nodes: string }> {
  const cluster = await ensureRedisCluster(undefined, { log: progress });
  const childEnv = { ...env.childEnv, REDIS_URL: cluster.url, REDIS_CLUSTER_NODES: cluster.nodes };
  const { REDIS_CLUSTER_NODES: clusterNodes } = parseEnv('bench', redisEnv, childEnv);
  const connection: RedisConnection = createRedis({ url: cluster.url, clusterNodes }, 'producer');
  const queues = createQueueClient({ connection, prefix: env.iso.queuePrefix });
  return {
    nodes: cluster.nodes,
    target: {
      redis: 'cluster',
      queues,
      childEnv,
      async close() {
        await queues.close();
        connection.disconnect();
        await cluster.stop();
      },
    },
  };
}

function startWorkers(env: BenchEnv, target: Target, processes: number, concurrency: number): Spawned[] {
  return Array.from({ length: processes }, (_, i) =>
    spawnTs(
      `send worker ${i + 1}/${processes} (${target.redis})`,
      workersMain,
      { ...target.childEnv, WORKER_QUEUES: 'send', WORKER_CONCURRENCY: String(concurrency) },
      env.rss,
    ),
  );
}

async function enqueueAll(
  env: BenchEnv,
  target: Target,
  boxes: ScaleOutOptions['mailboxes'],
  perBox: number,
  tag: string,
): Promise<string[]> {
  const sends = createSendClient({ models: env.clients.deps.models, queues: target.queues });
  const jobs = boxes.flatMap((box) => Array.from({ length: perBox }, (_, i) => ({ box, i })));
  const markers: string[] = [];
  for (let i = 0; i < jobs.length; i += 16) {
    const batch = jobs.slice(i, i + 16);
    const sent = await Promise.all(
      batch.map(({ box, i: n }) =>
        sends.enqueueSend({
          workspaceId: env.workspaceId,
          connectionId: box.connectionId,
          idempotencyKey: `${tag}-${box.connectionId}-${n}`,
          source: 'sequence',
          message: {
            to: [`lead-${n}@example.com`],
            subject: `Scale-out ${tag} ${n}`,
            body: { contentType: 'text', content: `Hello ${n}.` },
          },
        }),
      ),
    );
    markers.push(...sent.map((s) => s.send.marker));
  }
  return markers;
}

const atGraph = (env: BenchEnv, markers: string[]) => {
  const counts = env.emu.control.counters().sendsByMarker;
  return markers.filter((m) => counts[m]).length;
};
const peakConcurrency = (env: BenchEnv, boxes: ScaleOutOptions['mailboxes']) => {
  const mailbox = env.emu.control.counters().mailbox;
  return Math.max(0, ...boxes.map((b) => mailbox[b.email.toLowerCase()]?.peakConcurrency ?? 0));
};

const sumOrNull = (xs: Array<number | null>): number | null =>
  xs.length && xs.every((x) => x !== null) ? xs.reduce<number>((a, x) => a + x!, 0) : null;

/** A backlog over every mailbox, drained by `processes` worker processes: sends/s from Graph's sentDateTime. */
async function throughputRun(
  env: BenchEnv,
  target: Target,
  processes: number,
  opts: ScaleOutOptions,
): Promise<ScaleOutRun> {
  const perBox = Math.max(1, Math.ceil(opts.sends / opts.mailboxes.length));
  const tag = `so-${target.redis}-${processes}p`;
  env.emu.control.resetCounters();
  const markers = await enqueueAll(env, target, opts.mailboxes, perBox, tag);
  progress(`scale-out: ${target.redis}, ${processes} process(es): ${markers.length} sends enqueued`);
  const workers = startWorkers(env, target, processes, opts.concurrency);
  let cpu: CpuWindow;
  try {
    // The window starts with the first send at Graph: the workers' start (loading the code) is not part of the run.
    const started = Date.now();
    await pollUntil(() => atGraph(env, markers) > 0, opts.timeoutMs, 100).catch(() => undefined);
    const window = startCpuWindow(workers.map((w) => w.child.pid));
    const left = Math.max(1_000, opts.timeoutMs - (Date.now() - started));
    await pollUntil(() => atGraph(env, markers) === markers.length, left, 250).catch(() => undefined);
    cpu = window.end();
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
  const wanted = new Set(markers);
  const times = opts.mailboxes.flatMap((b) =>
    [...sentTimesByMarker(env.emu.control.sentItems(b.email))].filter(([m]) => wanted.has(m)).map(([, t]) => t),
  );
  const run: ScaleOutRun = {
    redis: target.redis,
    processes,
    sends: markers.length,
    sentAtGraph: atGraph(env, markers),
    sendsPerSec: rateFromTimestamps(times),
    peakMailboxConcurrency: peakConcurrency(env, opts.mailboxes),
    cpu: { ...cpu, workerCoresTotal: sumOrNull(cpu.processCores) },
  };
  const pct = (v: number | null) => (v === null ? '-' : `${Math.round(v * 100)}%`);
  progress(
    `scale-out: ${target.redis}, ${processes} process(es): ${run.sendsPerSec?.toFixed(1) ?? '-'} sends/s; machine ${pct(cpu.machineBusy)} busy of ${cpu.cores} cores, workers ${run.cpu.workerCoresTotal?.toFixed(2) ?? '-'} cores (${cpu.processCores.map((c) => c?.toFixed(2) ?? '-').join(' + ')})`,
  );
  if (run.sentAtGraph < run.sends) await target.queues.queue('send').drain(true);
  return run;
}

/**
 * More sends than a minute allows into a few mailboxes, served by the most processes: no mailbox gets more than its
 * sendsPerMinute within any minute (the rest wait for the window and are discarded) or more than MAX_CONCURRENT
 * requests in flight. A reservation whose send then waited too long for a slot is spent: the budget may go unused.
 */
async function limitCheck(
  env: BenchEnv,
  target: Target,
  processes: number,
  opts: ScaleOutOptions,
): Promise<LimitCheck> {
  const boxes = opts.limitMailboxes;
  const perBox = opts.sendsPerMinute + Math.max(2, Math.ceil(opts.sendsPerMinute / 2));
  env.emu.control.resetCounters();
  const markers = new Set(await enqueueAll(env, target, boxes, perBox, `lim-${target.redis}`));
  // The emulator answers at once, so requests of one mailbox would hardly overlap: a slow sendMail makes the
  // concurrency limit bind (the gate's slot wait, 2 s, still outlasts a queue of 10 such requests over 4 slots).
  const slow = env.emu.control.injectFault({ method: 'POST', path: '/sendMail$', latencyMs: SLOW_SEND_MS });
  const workers = startWorkers(env, target, processes, opts.concurrency);
  const sentPer = () =>
    boxes.map((b) =>
      [...sentTimesByMarker(env.emu.control.sentItems(b.email))].filter(([m]) => markers.has(m)).map(([, t]) => t),
    );
  try {
    // Until every budget is used, or the first minute is nearly over: the budget counts reservations and Graph sees
    // each send a little later, so past the minute a send the window let through could look like one too many.
    const firstMinuteOver = () => {
      const first = Math.min(...sentPer().flat());
      return Number.isFinite(first) && Date.now() - first > FIRST_MINUTE_MS - 3_000;
    };
    await pollUntil(
      () => sentPer().every((t) => t.length >= opts.sendsPerMinute) || firstMinuteOver(),
      opts.timeoutMs,
      250,
    ).catch(() => undefined);
    // Long enough for a send that slipped past the budget to reach Graph, still inside the first minute.
    if (!firstMinuteOver()) await sleep(2_000);
  } finally {
    env.emu.control.removeFault(slow);
    await Promise.all(workers.map((w) => w.stop()));
  }
  const maxSendsInAMinute = sentPer().map((t) => maxInAnyWindow(t, FIRST_MINUTE_MS));
  const peak = peakConcurrency(env, boxes);
  await target.queues.queue('send').drain(true);
  // What the budget held back stays out of later phases.
  await env.clients.deps.models.Send.updateMany(
    { connectionId: { $in: boxes.map((b) => b.connectionId) }, status: { $in: ['queued', 'scheduled'] } },
    { $set: { status: 'canceled' } },
  );
  const check: LimitCheck = {
    redis: target.redis,
    processes,
    mailboxes: boxes.length,
    sendsPerMinute: opts.sendsPerMinute,
    enqueuedPerMailbox: perBox,
    maxSendsInAMinute,
    peakMailboxConcurrency: peak,
    maxConcurrent: MAX_CONCURRENT,
    held: maxSendsInAMinute.every((n) => n <= opts.sendsPerMinute) && peak <= MAX_CONCURRENT,
    reached: maxSendsInAMinute.every((n) => n === opts.sendsPerMinute),
  };
  progress(
    `scale-out: ${target.redis} limits over ${processes} processes: at most ${Math.max(...maxSendsInAMinute)}/min per mailbox (limit ${opts.sendsPerMinute}), peak ${peak} in flight (limit ${MAX_CONCURRENT}): ${check.held ? 'held' : 'NOT held'}${check.reached ? '' : ', budget not used up'}`,
  );
  return check;
}

export async function runScaleOutPhase(env: BenchEnv, opts: ScaleOutOptions): Promise<ScaleOutResult> {
  await env.clients.deps.models.Connection.updateMany(
    { _id: { $in: opts.limitMailboxes.map((b) => b.connectionId) } },
    { $set: { limits: { sendsPerMinute: opts.sendsPerMinute, dailyRecipientCap: 1_000_000 } } },
  );
  const single: Target = {
    redis: env.iso.redisClusterNodes ? 'cluster' : 'single',
    queues: env.clients.deps.queues,
    childEnv: env.childEnv,
    close: async () => undefined,
  };
  // The bench's own Redis, and a cluster started for this phase when that one is a single server.
  const extra = single.redis === 'single' ? await clusterTarget(env) : null;
  const targets = extra ? [single, extra.target] : [single];
  const result: ScaleOutResult = {
    processCounts: opts.processCounts,
    workerConcurrency: opts.concurrency,
    clusterNodes: extra?.nodes ?? env.iso.redisClusterNodes ?? null,
    runs: [],
    limits: [],
    limitsHeld: false,
  };
  try {
    for (const target of targets) {
      for (const n of opts.processCounts) result.runs.push(await throughputRun(env, target, n, opts));
      if (opts.limitMailboxes.length)
        result.limits.push(await limitCheck(env, target, Math.max(...opts.processCounts), opts));
    }
  } finally {
    await extra?.target.close();
  }
  result.limitsHeld =
    result.limits.length > 0 &&
    result.limits.every((l) => l.held) &&
    result.runs.every((r) => r.peakMailboxConcurrency <= MAX_CONCURRENT);
  return result;
}
