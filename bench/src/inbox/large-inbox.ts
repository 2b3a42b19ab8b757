import type { ConnectionDoc } from '@outlook-connect/shared';
import { syncInboxNow } from '@outlook-connect/queues';
import { pollUntil, progress } from '../lib/progress';
import { ratePerSec } from '../lib/stats';
import type { BenchEnv } from '../setup/bench-env';
import { spawnTs, withCpuProfile, workersMain } from '../setup/child-process';

// One Inbox above Graph's filtered-delta cap (5,000 messages), synced by a worker process running the real sync code,
// with a delta reset (410 + Location) in the middle of the first pass: every message must end up stored once.

export interface LargeInboxResult {
  messages: number;
  stored: number;
  /** Distinct Graph ids among the stored rows (equal to stored: nothing duplicated). */
  distinct: number;
  resetAtStored: number | null;
  seconds: number | null;
  messagesPerSec: number | null;
  complete: boolean;
}

export async function runLargeInbox(
  env: BenchEnv,
  mailbox: { connection: ConnectionDoc; email: string },
  messages: number,
  timeoutMs: number,
): Promise<LargeInboxResult> {
  const { models, queues } = env.clients.deps;
  const id = mailbox.connection._id;
  const worker = spawnTs(
    'inbox sync worker (large Inbox)',
    workersMain,
    withCpuProfile(
      { ...env.childEnv, WORKER_QUEUES: 'inbox-sync', INBOX_POLL_INTERVAL_SEC: '3600' },
      process.env.BENCH_INBOX_CPU_PROF_DIR,
    ),
    env.rss,
  );
  let resetAtStored: number | null;
  let startedAt = 0;
  let endedAt: number | null = null;
  try {
    await pollUntil(async () => (await queues.queue('inbox-sync').getWorkersCount()) > 0, timeoutMs, 100);
    startedAt = Date.now();
    await syncInboxNow(queues, id);
    progress(`inbox: large Inbox of ${messages} messages queued; a delta reset once a third is stored`);
    await pollUntil(
      async () => (await models.InboxMessage.countDocuments({ connectionId: id })) >= messages / 3,
      timeoutMs,
      200,
    );
    env.emu.control.invalidateDeltaTokens(mailbox.email);
    resetAtStored = await models.InboxMessage.countDocuments({ connectionId: id });
    await pollUntil(
      async () => {
        const c = (await models.Connection.findById(id, { sync: 1 }).lean()) as Pick<ConnectionDoc, 'sync'> | null;
        const done = Boolean(
          c?.sync?.initialSyncComplete &&
          c.sync.pendingGeneration === null &&
          c.sync.pageLink === null &&
          (c.sync.lastSuccessAt?.getTime() ?? 0) >= startedAt,
        );
        if (done) endedAt = c?.sync?.lastSuccessAt?.getTime() ?? Date.now();
        return done;
      },
      timeoutMs,
      500,
    );
  } finally {
    await worker.stop();
  }
  const rows = await models.InboxMessage.find({ connectionId: id }, { graphId: 1 }).lean();
  const distinct = new Set(rows.map((r) => r.graphId)).size;
  const seconds = endedAt !== null ? (endedAt - startedAt) / 1000 : null;
  const result = {
    messages,
    stored: rows.length,
    distinct,
    resetAtStored,
    seconds,
    messagesPerSec: endedAt !== null ? ratePerSec(rows.length, endedAt - startedAt) : null,
    complete: rows.length === messages && distinct === messages,
  };
  progress(
    `inbox: large Inbox stored ${rows.length}/${messages} (${distinct} distinct) in ${seconds?.toFixed(1)} s, reset at ${resetAtStored}`,
  );
  return result;
}
