import { closeStore, connectStore, createModels, type ConnectionDoc } from '@outlook-connect/shared';
import { syncInboxNow } from '@outlook-connect/queues';
import { pollUntil, progress, sleep } from '../lib/progress';
import { ratePerSec, ratio } from '../lib/stats';
import type { BenchEnv } from '../setup/bench-env';
import {
  countStoreOps,
  resetStoreOpsOnSignal,
  spawnTs,
  withCpuProfile,
  workersMain,
  STORE_OPS_RESET_SIGNAL,
  type Spawned,
} from '../setup/child-process';

// Inbox ingest: Inboxes filled in the emulator before the connect flow, then the first sync of each by a worker
// process running the real sync code (delta pages -> events -> upserts -> cursor). Baseline: the very documents it
// stored, inserted with one bare insertMany into an empty database with the same indexes. The worker first syncs as many
// small Inboxes (warmUp): the baseline runs in the bench process, already warm.

export interface InboxPhaseResult {
  mailboxes: number;
  messages: number;
  stored: number;
  /** Messages in each Inbox the worker synced before the window opened (0: none, the window held its first jobs). */
  warmupMessagesEach?: number;
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
  warmConns: ConnectionDoc[] = [],
): Promise<InboxPhaseResult> {
  const { models, queues } = env.clients.deps;
  const ids = conns.map((c) => c._id);
  const expected = ids.length * messagesEach;
  const worker = spawnTs(
    'inbox sync worker (ours)',
    workersMain,
    withCpuProfile(
      {
        ...env.childEnv,
        WORKER_QUEUES: 'inbox-sync',
        INBOX_POLL_INTERVAL_SEC: '3600',
        ...countStoreOps(),
        ...resetStoreOpsOnSignal(),
      },
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
    if (warmConns.length) await warmUp(env, worker, warmConns, timeoutMs);
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
      warmupMessagesEach: warmConns.length ? (await countStored(env, warmConns)) / warmConns.length : 0,
      messagesPerSec: ours,
      baselineMessagesPerSec: baseline,
      ratio: ratio(ours, baseline),
    };
  } finally {
    await store.dropDatabase().catch(() => undefined);
    await closeStore(store);
  }
}

/**
 * The worker's first jobs pay what a running worker has behind it: Node loads its fetch implementation on first use
 * (~50 ms of compiling on 2 cores, in the first Graph request), the sync path is compiled, and the first store and
 * Graph connections are opened (TLS handshakes). The baseline runs warm in the bench process. So the window opens once
 * the worker has synced as many small Inboxes as it will ingest, their lingering activity lines are written, and its
 * store-op counts are cleared (the store-implied limit counts the window's commands only).
 */
async function warmUp(env: BenchEnv, worker: Spawned, conns: ConnectionDoc[], timeoutMs: number): Promise<void> {
  const { models, queues } = env.clients.deps;
  const ids = conns.map((c) => c._id);
  for (const id of ids) await syncInboxNow(queues, id);
  const synced = await pollUntil(
    async () =>
      (await models.Connection.countDocuments({ _id: { $in: ids }, 'sync.initialSyncComplete': true })) === ids.length,
    timeoutMs,
    50,
  );
  if (!synced) throw new Error('inbox: the warm-up syncs did not complete');
  // Each run's `synced` line lingers (recordActivityLater) and would be written inside the window.
  await pollUntil(
    async () =>
      (await models.ConnectionActivity.countDocuments({ connectionId: { $in: ids }, type: 'synced' })) >= ids.length,
    5_000,
    100,
  );
  worker.child.kill(STORE_OPS_RESET_SIGNAL);
  await sleep(100);
  progress(`inbox: worker warmed up on ${ids.length} Inboxes of ${(await countStored(env, conns)) / ids.length}`);
}

const countStored = (env: BenchEnv, conns: ConnectionDoc[]) =>
  env.clients.deps.models.InboxMessage.countDocuments({ connectionId: { $in: conns.map((c) => c._id) } });
