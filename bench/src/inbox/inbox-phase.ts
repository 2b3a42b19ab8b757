import { closeStore, connectStore, createModels, type ConnectionDoc } from '@outlook-connect/shared';
import { syncInboxNow } from '@outlook-connect/queues';
import { pollUntil, progress } from '../lib/progress';
import { ratePerSec, ratio } from '../lib/stats';
import type { BenchEnv } from '../setup/bench-env';
import { countStoreOps, spawnTs, withCpuProfile, workersMain } from '../setup/child-process';

// Inbox ingest: Inboxes filled in the emulator before the connect flow, then the first sync of each by a worker
// process running the real sync code (delta pages -> events -> upserts -> cursor). Baseline: the very documents it
// stored, inserted with one bare insertMany into an empty database with the same indexes.

export interface InboxPhaseResult {
  mailboxes: number;
  messages: number;
  stored: number;
  messagesPerSec: number | null;
  baselineMessagesPerSec: number | null;
  ratio: number | null;
}

type SyncFields = Pick<ConnectionDoc, '_id' | 'sync'>;

export async function runInboxPhase(
  env: BenchEnv,
  conns: ConnectionDoc[],
  messagesEach: number,
  timeoutMs: number,
): Promise<InboxPhaseResult> {
  const { models, queues } = env.clients.deps;
  const ids = conns.map((c) => c._id);
  const expected = ids.length * messagesEach;
  const worker = spawnTs(
    'inbox sync worker (ours)',
    workersMain,
    withCpuProfile(
      { ...env.childEnv, WORKER_QUEUES: 'inbox-sync', INBOX_POLL_INTERVAL_SEC: '3600', ...countStoreOps() },
      process.env.BENCH_INBOX_CPU_PROF_DIR,
    ),
    env.rss,
  );
  let rows: SyncFields[] = [];
  let startedAt: number | undefined;
  try {
    // The window starts once the worker is listening, not at process start-up, and not at a sync's own
    // lastAttemptAt, which a later sync of the same mailbox overwrites.
    await pollUntil(async () => (await queues.queue('inbox-sync').getWorkersCount()) > 0, timeoutMs, 100);
    startedAt = Date.now();
    for (const id of ids) await syncInboxNow(queues, id);
    progress(`inbox: first sync of ${ids.length} mailboxes x ${messagesEach} messages queued`);
    await pollUntil(
      async () => {
        rows = (await models.Connection.find({ _id: { $in: ids } }, { sync: 1 }).lean()) as SyncFields[];
        // Done when every first sync has completed within the window (its success time is written with the cursor).
        return rows.every((r) => r.sync?.initialSyncComplete && (r.sync.lastSuccessAt?.getTime() ?? 0) >= startedAt!);
      },
      timeoutMs,
      1_000,
    );
  } finally {
    await worker.stop();
  }
  const ends = rows.map((r) => r.sync?.lastSuccessAt?.getTime()).filter((t): t is number => t !== undefined);
  const stored = await models.InboxMessage.countDocuments({ connectionId: { $in: ids } });
  const ours =
    startedAt !== undefined && ends.length === ids.length ? ratePerSec(stored, Math.max(...ends) - startedAt) : null;
  progress(`inbox: ours stored ${stored}/${expected} at ${ours?.toFixed(0)} messages/s; bare insertMany baseline`);

  const docs = await models.InboxMessage.find({ connectionId: { $in: ids } }).lean();
  const store = await connectStore({ url: env.iso.mongoUrl, dbName: `${env.iso.dbName}_inbox` });
  try {
    const bare = await createModels(store);
    await bare.InboxMessage.init();
    const t = Date.now();
    await bare.InboxMessage.insertMany(docs, { ordered: false, lean: true });
    const baseline = ratePerSec(docs.length, Date.now() - t);
    progress(`inbox: baseline ${docs.length} at ${baseline?.toFixed(0)} messages/s`);
    return {
      mailboxes: ids.length,
      messages: expected,
      stored,
      messagesPerSec: ours,
      baselineMessagesPerSec: baseline,
      ratio: ratio(ours, baseline),
    };
  } finally {
    await store.dropDatabase().catch(() => undefined);
    await closeStore(store);
  }
}
