import os from 'node:os';
import { runInboxPhase } from './inbox/inbox-phase';
import { runLargeInbox } from './inbox/large-inbox';
import { runAttachmentPhase } from './send/attachment-phase';
import { progress } from './lib/progress';
import { ratio } from './lib/stats';
import { measureRawRedisRate } from './redis/raw-rate';
import type { BenchResults } from './results/bench-results';
import { isPrivateRedis, machineInfo } from './results/machine';
import { resultsTarget, writeResults } from './results/write-results';
import { runSendPhase } from './send/send-phase';
import { oursSubject } from './send/ours';
import { runRssRun } from './send/rss-run';
import { impliedRows } from './store/implied';
import { runStorePhase } from './store/store-phase';
import { runScaleOutPhase } from './send/scale-out';
import { startBenchEnv } from './setup/bench-env';
import { knobsFromEnv } from './setup/knobs';
import { runCompressed } from './tokens/compressed-phase';
import { compressedPolicy, runRefreshRate, spawnRefreshWorker } from './tokens/refresh-phase';
import { seedConnections } from './tokens/seeded-connections';
import { runScalePhase } from './tokens/scale-phase';
import { runWebhookPhase } from './webhooks/webhook-phase';
import { runPushPhase } from './push/push-phase';

/** The compressed-lifetime run's size the issue asks for. */
const COMPRESSED_WANTED = 10_000;

// `npm run bench`: every phase against the real pieces and a bare baseline in the same run; see bench/README.md.

async function main(): Promise<void> {
  const knobs = knobsFromEnv();
  // Checked before the run, so a typo costs seconds, not ten minutes.
  const target = resultsTarget(process.argv.slice(2), process.env);
  const started = Date.now();
  const env = await startBenchEnv();
  const { models } = env.clients.deps;
  const redisVersion = /redis_version:(\S+)/.exec(await env.clients.deps.redis.info('server'))?.[1] ?? null;
  const results: BenchResults = {
    date: new Date(started).toISOString().slice(0, 10),
    startedAt: new Date(started).toISOString(),
    durationSec: 0,
    command: target.updateReadme ? 'npm run bench -- --write-readme' : 'npm run bench',
    machine: await machineInfo(models.Connection.db, redisVersion),
    knobs,
    send: null,
    redis: null,
    scale: null,
    refresh: null,
    compressed: null,
    inbox: null,
    largeInbox: null,
    attachment: null,
    webhooks: null,
    peakRss: [],
    notes: [],
    errors: [],
  };
  const only = knobs.BENCH_PHASES.split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const runs = (name: string) => only.length === 0 || only.includes(name);
  const phase = async (name: string, fn: () => Promise<void>) => {
    if (!runs(name)) return;
    try {
      await fn();
    } catch (err) {
      progress(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      results.errors.push({ phase: name, message: err instanceof Error ? err.message : String(err) });
    }
  };
  const timeoutMs = knobs.BENCH_PHASE_TIMEOUT_SEC * 1000;

  try {
    progress(
      `connecting ${knobs.BENCH_SEND_MAILBOXES} send_only and ${knobs.BENCH_INBOX_MAILBOXES} inbox mailboxes (real connect flow)`,
    );
    const sendBoxes = await env.connectMany(
      runs('send') || runs('rss') || runs('scaleout') ? knobs.BENCH_SEND_MAILBOXES : 0,
      'send_only',
      'send',
    );
    // Our per-mailbox send cap (30/min by default) would be the figure otherwise; the emulator's limits are off too.
    await models.Connection.updateMany(
      { _id: { $in: sendBoxes.map((m) => m.connection._id) } },
      { $set: { limits: { sendsPerMinute: 1_000_000, dailyRecipientCap: 1_000_000_000 } } },
    );
    const inboxBoxes = await env.connectMany(
      runs('inbox') ? knobs.BENCH_INBOX_MAILBOXES : 0,
      'full',
      'inbox',
      (email) => {
        env.emu.control.deliverMessages(email, knobs.BENCH_INBOX_MESSAGES, { spacingSec: 60 });
      },
    );
    // As many more, small: the worker's warm-up before the ingest window (inbox-phase.ts).
    const warmBoxes = await env.connectMany(
      runs('inbox') && knobs.BENCH_INBOX_WARMUP_MESSAGES > 0 ? knobs.BENCH_INBOX_MAILBOXES : 0,
      'full',
      'inboxwarm',
      (email) => {
        env.emu.control.deliverMessages(email, knobs.BENCH_INBOX_WARMUP_MESSAGES, { spacingSec: 60 });
      },
    );
    const [largeBox] = await env.connectMany(
      runs('inbox') && knobs.BENCH_INBOX_LARGE_MESSAGES > 0 ? 1 : 0,
      'full',
      'inboxlarge',
      (email) => {
        env.emu.control.deliverMessages(email, knobs.BENCH_INBOX_LARGE_MESSAGES, { spacingSec: 30 });
      },
    );
    const [attachmentBox] = await env.connectMany(runs('attachment') ? 1 : 0, 'full', 'attach');
    const pushBoxes = await env.connectMany(runs('push') ? knobs.BENCH_PUSH_MAILBOXES : 0, 'read_only', 'push');
    progress('connected');

    await phase('send', async () => {
      results.send = await runSendPhase(env, {
        mailboxes: sendBoxes.map((m) => ({ connectionId: m.connection._id, email: m.email })),
        sends: knobs.BENCH_SENDS,
        latencySends: knobs.BENCH_LATENCY_SENDS,
        concurrency: knobs.BENCH_SEND_CONCURRENCY,
        timeoutMs,
      });
    });
    await phase('store', async () => {
      const ceiling = await runStorePhase(models.Connection.db, {
        opsEach: knobs.BENCH_STORE_OPS,
        concurrency: knobs.BENCH_SEND_CONCURRENCY,
        insertManyBatch: knobs.BENCH_SEND_CONCURRENCY,
      });
      results.store = { ceiling, implied: [] };
    });
    await phase('rss', async () => {
      if (knobs.BENCH_RSS_SENDS === 0 || sendBoxes.length === 0) return;
      progress(`rss: ${knobs.BENCH_RSS_SENDS} sends through one send worker, its RSS sampled`);
      results.sendRss = await runRssRun(
        env,
        oursSubject(env, knobs.BENCH_SEND_CONCURRENCY, 'send worker (ours, long run)'),
        sendBoxes.map((m) => ({ connectionId: m.connection._id, email: m.email })),
        { sends: knobs.BENCH_RSS_SENDS, timeoutMs: Math.max(timeoutMs, knobs.BENCH_RSS_SENDS * 50) },
      );
    });
    await phase('scaleout', async () => {
      const limitBoxes = await env.connectMany(knobs.BENCH_SCALEOUT_LIMIT_MAILBOXES, 'send_only', 'limits');
      results.scaleOut = await runScaleOutPhase(env, {
        mailboxes: sendBoxes.map((m) => ({ connectionId: m.connection._id, email: m.email })),
        sends: knobs.BENCH_SCALEOUT_SENDS,
        processCounts: knobs.BENCH_SCALEOUT_PROCESSES,
        concurrency: knobs.BENCH_SEND_CONCURRENCY,
        limitMailboxes: limitBoxes.map((m) => ({ connectionId: m.connection._id, email: m.email })),
        sendsPerMinute: knobs.BENCH_SCALEOUT_SENDS_PER_MINUTE,
        timeoutMs,
      });
      if (!results.scaleOut.limitsHeld)
        results.notes.push('Scale-out: the per-mailbox limits did NOT hold across processes (see scaleOut.limits).');
    });
    await phase('redis', async () => {
      progress('redis: raw command rate');
      const raw = await measureRawRedisRate(env.iso.redisUrl, `{${env.iso.queuePrefix}}:bench`, isPrivateRedis());
      const perSend = results.send?.ours.throughput.redisCommandsPerSend ?? null;
      const ceiling = perSend ? raw.pipelinedSetPerSec / perSend : null;
      results.redis = {
        ...raw,
        commandsPerSend: perSend,
        sendsPerSecCeiling: ceiling,
        shareOfCeiling: ratio(results.send?.ours.throughput.sendsPerSec, ceiling),
      };
      if (!raw.private)
        results.notes.push(
          'REDIS_URL pointed at a Redis others may use: commands per send include their commands too (the bench used a prefix of its own).',
        );
    });
    await phase('inbox', async () => {
      if (inboxBoxes.length)
        results.inbox = await runInboxPhase(
          env,
          inboxBoxes.map((m) => m.connection),
          knobs.BENCH_INBOX_MESSAGES,
          timeoutMs,
          warmBoxes.map((m) => m.connection),
        );
      if (largeBox)
        results.largeInbox = await runLargeInbox(
          env,
          largeBox,
          knobs.BENCH_INBOX_LARGE_MESSAGES,
          Math.max(timeoutMs, 600_000),
        );
    });
    await phase('attachment', async () => {
      if (attachmentBox)
        results.attachment = await runAttachmentPhase(env, attachmentBox, {
          sends: knobs.BENCH_ATTACHMENT_SENDS,
          fileMB: knobs.BENCH_ATTACHMENT_MB,
          timeoutMs,
        });
    });
    await phase('webhooks', async () => {
      results.webhooks = await runWebhookPhase(env, {
        events: knobs.BENCH_WEBHOOK_EVENTS,
        concurrency: knobs.BENCH_WEBHOOK_CONCURRENCY,
        timeoutMs,
      });
      if (results.webhooks.delivered < results.webhooks.events)
        results.notes.push(
          `Webhooks: ${results.webhooks.delivered} of ${results.webhooks.events} events arrived within the phase timeout.`,
        );
    });
    await phase('push', async () => {
      if (!pushBoxes.length) return;
      results.push = await runPushPhase(env, {
        mailboxes: pushBoxes,
        windowSec: knobs.BENCH_PUSH_WINDOW_SEC,
        pollSec: knobs.BENCH_PUSH_POLL_SEC,
        messageEverySec: knobs.BENCH_PUSH_MESSAGE_EVERY_SEC,
        idleSec: knobs.BENCH_PUSH_IDLE_SEC,
        timeoutMs,
      });
      const { push, polling } = results.push;
      progress(
        `push: p50/p99 ${push.latency.p50Ms}/${push.latency.p99Ms} ms vs polling ${polling.latency.p50Ms}/${polling.latency.p99Ms} ms; Graph requests per mailbox-hour with mail ${push.graphRequestsPerMailboxHour?.toFixed(0)} vs ${polling.graphRequestsPerMailboxHour?.toFixed(0)}, idle ${push.idleGraphRequestsPerMailboxHour?.toFixed(0)} vs ${polling.idleGraphRequestsPerMailboxHour?.toFixed(0)}`,
      );
    });
    await phase('scale', async () => {
      results.scale = await runScalePhase(env, {
        count: knobs.BENCH_SCALE_CONNECTIONS,
        insertBudgetMs: knobs.BENCH_SCALE_INSERT_BUDGET_SEC * 1000,
      });
      if (results.scale.connections < knobs.BENCH_SCALE_CONNECTIONS) {
        results.notes.push(
          `Scheduling at scale: ${results.scale.connections} of ${knobs.BENCH_SCALE_CONNECTIONS} connections were inserted within the insert budget; figures are for those.`,
        );
      }
    });
    await phase('refresh', async () => {
      const policy = compressedPolicy(knobs.BENCH_COMPRESSED_LIFETIME_SEC);
      // Due in a day: untouched until the rate run makes them due (refresh-phase.ts).
      const { docs: conns } = await seedConnections(env, {
        count: knobs.BENCH_REFRESH_CONNECTIONS + knobs.BENCH_REFRESH_WARMUP,
        label: 'refresh',
        firstDueInMs: 86_400_000,
        spreadMs: 0,
        leadMs: 3_600_000,
      });
      const warmup = conns.splice(0, knobs.BENCH_REFRESH_WARMUP);
      const worker = spawnRefreshWorker(env, policy, knobs.BENCH_REFRESH_CONCURRENCY);
      try {
        results.refresh = await runRefreshRate(
          env,
          conns,
          knobs.BENCH_REFRESH_CONCURRENCY,
          timeoutMs,
          worker.child.pid,
          warmup,
        );
        // Tokens issued from here on live seconds. After the rate run: its connections' next refreshes (after the
        // emulator's usual lifetime) stay out of the compressed run, whose load is its own connections'.
        env.emu.control.setTokenLifetimes({ accessTokenSec: policy.lifetimeSec });
        results.compressed = await runCompressed(env, {
          count: knobs.BENCH_COMPRESSED_CONNECTIONS,
          wanted: COMPRESSED_WANTED,
          policy,
        });
      } finally {
        await worker.stop();
      }
      const c = results.compressed;
      if (c && c.connections < COMPRESSED_WANTED)
        results.notes.push(
          `Compressed-lifetime run with ${c.connections} connections (BENCH_COMPRESSED_CONNECTIONS), not ${COMPRESSED_WANTED.toLocaleString('en-US')}.`,
        );
    });
  } finally {
    env.rss.sampleAll();
    results.peakRss = env.rss.results();
    // The store-implied limits need every worker's counts, written when each process exited.
    if (results.store) results.store.implied = impliedRows(results, results.store.ceiling);
    results.machine.loadAvgEnd = os.loadavg()[0]!;
    results.durationSec = Math.round((Date.now() - started) / 1000);
    progress('cleaning up');
    await env.close().catch((err: unknown) => progress(`cleanup: ${String(err)}`));
  }
  if (only.length > 0) {
    process.stdout.write(
      `\n${JSON.stringify({ phases: only, store: results.store, scaleOut: results.scaleOut, sendRss: results.sendRss, inbox: results.inbox, largeInbox: results.largeInbox, attachment: results.attachment, webhooks: results.webhooks, push: results.push, send: results.send, scale: results.scale, refresh: results.refresh, compressed: results.compressed, peakRss: results.peakRss, errors: results.errors }, null, 2)}\n`,
    );
    if (results.errors.length) process.exitCode = 1;
    return;
  }
  const written = writeResults(results, target);
  process.stdout.write(
    `\n${written.markdown}\nWrote ${written.jsonPath} and ${written.mdPath}` +
      (written.readmeUpdated
        ? '; README updated.\n'
        : ' (untracked; `npm run bench -- --write-readme` or BENCH_WRITE=1 updates bench/results and the README).\n'),
  );
  if (results.errors.length) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
