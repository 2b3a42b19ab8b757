import { closeStore, connectStore, createModels, type ConnectionDoc } from '@outlook-connect/shared';
import { syncInboxNow } from '@outlook-connect/workers';
import { pollUntil, progress } from '../lib/progress';
import { ratePerSec, ratio } from '../lib/stats';
import type { BenchEnv } from '../setup/bench-env';
import { spawnTs, workersMain } from '../setup/child-process';

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

export async function runInboxPhase(env: BenchEnv, conns: ConnectionDoc[], messagesEach: number, timeoutMs: number): Promise<InboxPhaseResult> {
  const { models, queues } = env.clients.deps;
  const ids = conns.map((c) => c._id);
  const expected = ids.length * messagesEach;
  const worker = spawnTs('inbox sync worker (ours)', workersMain, {
    ...env.childEnv,
    WORKER_QUEUES: 'inbox-sync',
    INBOX_POLL_INTERVAL_SEC: '3600',
  }, env.rss);
  let rows: SyncFields[] = [];
  try {
    for (const id of ids) await syncInboxNow(queues, id);
    progress(`inbox: first sync of ${ids.length} mailboxes x ${messagesEach} messages queued`);
    await pollUntil(async () => {
      rows = (await models.Connection.find({ _id: { $in: ids } }, { sync: 1 }).lean()) as SyncFields[];
      return rows.every((r) => r.sync?.initialSyncComplete);
    }, timeoutMs, 1_000);
  } finally {
    await worker.stop();
  }
  const starts = rows.map((r) => r.sync?.lastAttemptAt?.getTime()).filter((t): t is number => t !== undefined);
  const ends = rows.map((r) => r.sync?.lastSuccessAt?.getTime()).filter((t): t is number => t !== undefined);
  const stored = await models.InboxMessage.countDocuments({ connectionId: { $in: ids } });
  const ours = starts.length && ends.length ? ratePerSec(stored, Math.max(...ends) - Math.min(...starts)) : null;
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
    return { mailboxes: ids.length, messages: expected, stored, messagesPerSec: ours, baselineMessagesPerSec: baseline, ratio: ratio(ours, baseline) };
  } finally {
    await store.dropDatabase().catch(() => undefined);
    await closeStore(store);
  }
}
