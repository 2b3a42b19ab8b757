import { join } from 'node:path';
import { checkInboxSubscriptionNow, inboxSyncJobId, startWorkers, type EventGroup } from '@outlook-connect/queues';
import type { JobType } from 'bullmq';
import type { ConnectionDoc } from '@outlook-connect/shared';
import { freePort, repoRoot, startHttpsFront, waitFor } from '@outlook-connect/stack';
import { DEFAULT_INBOX_POLICY, receivedEventId, registrationsFor } from '@outlook-connect/workers';
import { progress } from '../lib/progress';
import { ratio, summarizeLatencies, type LatencySummary } from '../lib/stats';
import type { BenchEnv } from '../setup/bench-env';
import { spawnTs } from '../setup/child-process';

const EVERY_STATE: JobType[] = ['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed'];

// Push vs polling in the same run: message arrival (the emulator delivers it) -> `message.received` on the events
// queue, and Graph requests per mailbox per hour, with the real gateway (a child process behind an HTTPS front with a
// dev-CA certificate) taking the emulator's notifications and the real inbox-sync / inbox-subscription handlers.

export interface PushModeResult {
  mode: 'push' | 'polling';
  /** INBOX_POLL_INTERVAL_SEC in this mode (push: the safety interval). */
  pollIntervalSec: number;
  messages: number;
  arrived: number;
  latency: LatencySummary;
  /** Every Graph request of the mailboxes in the window (delta, subscriptions), per mailbox per hour. */
  graphRequestsPerMailboxHour: number | null;
  /** The same, in a window without mail after it: what a quiet mailbox costs. */
  idleGraphRequestsPerMailboxHour: number | null;
}

export interface PushPhaseResult {
  mailboxes: number;
  windowSec: number;
  push: PushModeResult;
  polling: PushModeResult;
  /** polling p50 / push p50. */
  latencyP50Ratio: number | null;
  /** polling requests / push requests, with mail every messageEverySec, and idle. */
  requestRatio: number | null;
  idleRequestRatio: number | null;
}

export interface PushPhaseOptions {
  mailboxes: Array<{ connection: ConnectionDoc; email: string }>;
  windowSec: number;
  pollSec: number;
  messageEverySec: number;
  /** A window without mail after the measured one (0 = none). */
  idleSec: number;
  timeoutMs: number;
}

const gatewayMain = join(repoRoot, 'services', 'auth-gateway', 'src', 'main.ts');

export async function runPushPhase(env: BenchEnv, opts: PushPhaseOptions): Promise<PushPhaseResult> {
  const port = await freePort();
  const gateway = spawnTs(
    'gateway (push)',
    gatewayMain,
    { ...env.childEnv, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` },
    env.rss,
  );
  const front = await startHttpsFront(`http://127.0.0.1:${port}`);
  try {
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok === true,
      60_000,
      'the gateway',
    );
    const push = await runMode(env, opts, 'push', front.url);
    const polling = await runMode(env, opts, 'polling', null);
    return {
      mailboxes: opts.mailboxes.length,
      windowSec: opts.windowSec,
      push,
      polling,
      latencyP50Ratio: ratio(polling.latency.p50Ms, push.latency.p50Ms),
      requestRatio: ratio(polling.graphRequestsPerMailboxHour, push.graphRequestsPerMailboxHour),
      idleRequestRatio: ratio(polling.idleGraphRequestsPerMailboxHour, push.idleGraphRequestsPerMailboxHour),
    };
  } finally {
    await front.close();
    await gateway.stop();
  }
}

async function runMode(
  env: BenchEnv,
  opts: PushPhaseOptions,
  mode: 'push' | 'polling',
  publicUrl: string | null,
): Promise<PushModeResult> {
  const { deps } = env.clients;
  const pollIntervalSec = mode === 'push' ? 900 : opts.pollSec;
  deps.inboxPolicy = { ...DEFAULT_INBOX_POLICY, pollIntervalMs: pollIntervalSec * 1000 };
  deps.pushPolicy = { ...deps.pushPolicy, publicUrl, safetyPollMs: 900_000 };
  const served = ['inbox-sync', 'inbox-subscription'] as const;
  const workers = startWorkers({
    registrations: registrationsFor(deps, served),
    served,
    connection: env.clients.workerRedis,
    prefix: env.iso.queuePrefix,
    logger: deps.logger,
  });
  const boxes = opts.mailboxes;
  try {
    progress(
      `push: ${mode}, ${boxes.length} mailboxes, a message each every ${opts.messageEverySec} s for ${opts.windowSec} s`,
    );
    // Each mode starts from a settled mailbox: synced, and (push) subscribed; the polling mode's subscriptions go.
    for (const b of boxes) {
      const sync = deps.queues.queue('inbox-sync');
      await sync.remove(inboxSyncJobId(b.connection._id)).catch(() => 0);
      await deps.queues.enqueue(
        'inbox-sync',
        { connectionId: b.connection._id },
        { jobId: inboxSyncJobId(b.connection._id) },
      );
      await checkInboxSubscriptionNow(deps.queues, b.connection._id);
    }
    await waitFor(
      async () => {
        const subs = await deps.models.InboxSubscription.countDocuments({
          _id: { $in: boxes.map((b) => b.connection._id) },
          subscriptionId: { $ne: null },
        });
        return mode === 'push' ? subs === boxes.length : subs === 0;
      },
      opts.timeoutMs,
      mode === 'push' ? 'the subscriptions' : 'the subscriptions removed',
    );
    const startedAt = Date.now();
    const requestsBefore = new Map(boxes.map((b) => [b.email, env.emu.control.requestLog(b.email).length]));
    const sent: Array<{ connectionId: string; graphId: string; at: number }> = [];
    const latencies: number[] = [];
    const pending = new Set<number>();
    // When each message.received went into Redis: its events job's timestamp (a job carries a group of events). The
    // jobs are read every half second at most: the timestamps, not the reads, give the latency.
    let checkedAt = 0;
    const check = async () => {
      if (!pending.size || Date.now() - checkedAt < 500) return;
      checkedAt = Date.now();
      const addedAt = new Map<string, number>();
      for (const job of await deps.queues.queue('events').getJobs(EVERY_STATE, 0, -1))
        for (const e of (job?.data as EventGroup | undefined)?.events ?? []) addedAt.set(e.id, job.timestamp);
      for (const i of [...pending]) {
        const m = sent[i]!;
        const at = addedAt.get(receivedEventId(m.connectionId, m.graphId));
        if (at !== undefined) {
          latencies.push(at - m.at);
          pending.delete(i);
        }
      }
    };
    while (Date.now() - startedAt < opts.windowSec * 1000) {
      for (const b of boxes) {
        const at = Date.now();
        const msg = env.emu.control.deliverMessage(b.email, { from: 'buyer@customer.test', subject: `${mode} ${at}` });
        // The product stores immutable ids (every request asks for them), so its event ids carry the immutable id.
        pending.add(sent.push({ connectionId: b.connection._id, graphId: String(msg.immutableId), at }) - 1);
      }
      const next = Date.now() + opts.messageEverySec * 1000;
      while (Date.now() < next) {
        await check();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const windowMs = Date.now() - startedAt;
    const requests = boxes.reduce(
      (n, b) => n + env.emu.control.requestLog(b.email).length - requestsBefore.get(b.email)!,
      0,
    );
    // The last messages may need one more poll: waited for, bounded (their latency counts; requests do not).
    const end = Date.now() + Math.min(opts.timeoutMs, (pollIntervalSec + 10) * 1000);
    while (pending.size && Date.now() < end) {
      await check();
      await new Promise((r) => setTimeout(r, 100));
    }
    const idleFrom = new Map(boxes.map((b) => [b.email, env.emu.control.requestLog(b.email).length]));
    const idleStart = Date.now();
    // A quiet window shorter than two poll intervals may hold no poll at all (the polling mode's rate read 0): it lasts
    // at least that long.
    const idleSec = opts.idleSec > 0 ? Math.max(opts.idleSec, mode === 'polling' ? 2 * pollIntervalSec : 0) : 0;
    if (idleSec > 0) await new Promise((r) => setTimeout(r, idleSec * 1000));
    const idleMs = Date.now() - idleStart;
    const idleRequests = boxes.reduce(
      (n, b) => n + env.emu.control.requestLog(b.email).length - idleFrom.get(b.email)!,
      0,
    );
    return {
      mode,
      pollIntervalSec,
      idleGraphRequestsPerMailboxHour:
        boxes.length && idleSec > 0 ? (idleRequests / boxes.length) * (3_600_000 / idleMs) : null,
      messages: sent.length,
      arrived: latencies.length,
      latency: summarizeLatencies(latencies),
      graphRequestsPerMailboxHour: boxes.length ? (requests / boxes.length) * (3_600_000 / windowMs) : null,
    };
  } finally {
    await workers.close();
  }
}
