import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { inParallel, progress } from '../lib/progress';
import { ratePerSec } from '../lib/stats';
import type { StoreRates } from './store-ops';

// The store's own ceiling, measured in the same run as the pipelines: compare-and-set, `_id` read, insertOne and
// insertMany with documents the size of ours (a Send record, a timeline line) at the workers' concurrency, on a
// collection of its own in the bench's database (dropped afterwards).

export interface StorePhaseResult extends StoreRates {
  concurrency: number;
  opsEach: number;
  /** BSON-ish size (JSON length) of the record and the line written. */
  recordBytes: number;
  lineBytes: number;
  insertManyBatch: number;
  insertManyBatchesPerSec: number;
}

const COLLECTION = 'bench_store_ceiling';
type StoreDoc = ReturnType<typeof sendLike>;

/** A record shaped like one of our Send records (the bench's own sends: a short sequence step). */
function sendLike(i: number) {
  const id = `send_${randomBytes(12).toString('hex')}`;
  return {
    _id: id,
    workspaceId: `ws_${randomBytes(6).toString('hex')}`,
    connectionId: `conn_${randomBytes(12).toString('hex')}`,
    idempotencyKey: `tp-ours-${i}`,
    requestHash: randomBytes(32).toString('hex'),
    source: 'sequence',
    status: 'queued',
    message: {
      to: [`lead-${i}@example.com`],
      subject: `Bench tp-ours-${i}`,
      body: { contentType: 'text', content: `Hello ${i}, a short sequence step.` },
      attachments: [],
    },
    sendAt: null,
    metadata: {},
    marker: `oc-${id}`,
    attempts: 0,
    submittedAt: null as Date | null,
    draftId: null,
    error: null,
    sentMessageId: null,
    internetMessageId: null,
    conversationId: null,
    createdAt: new Date(),
    updatedAt: new Date(),
  };
}

const lineLike = (i: number): Record<string, unknown> => ({
  workspaceId: `ws_${randomBytes(6).toString('hex')}`,
  connectionId: `conn_${randomBytes(12).toString('hex')}`,
  type: 'sent',
  at: new Date(),
  detail: { sendId: `send_${randomBytes(12).toString('hex')}`, recipients: 1 + (i % 3) },
});

async function timed(count: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const t0 = Date.now();
  await inParallel(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    (i) => op(i),
  );
  return ratePerSec(count, Date.now() - t0) ?? 0;
}

export async function runStorePhase(
  db: Connection,
  opts: { opsEach: number; concurrency: number; insertManyBatch: number },
): Promise<StorePhaseResult> {
  const coll = db.collection<StoreDoc>(COLLECTION);
  const lines = db.collection<Record<string, unknown>>(`${COLLECTION}_lines`);
  const { opsEach: n, concurrency } = opts;
  try {
    const docs = Array.from({ length: n }, (_, i) => sendLike(i));
    progress(`store: ${n} each of insertOne, _id read, compare-and-set, and insertMany docs, ${concurrency} at once`);
    const insertOnePerSec = await timed(n, concurrency, (i) => coll.insertOne(docs[i]!));
    const idReadPerSec = await timed(n, concurrency, (i) => coll.findOne({ _id: docs[i]!._id }));
    // The claim's shape: by _id, on the status, with an increment.
    const casPerSec = await timed(n, concurrency, (i) =>
      coll.findOneAndUpdate(
        { _id: docs[i]!._id, status: { $in: ['queued', 'scheduled', 'sending'] }, submittedAt: null },
        { $set: { status: 'sending', submittedAt: new Date(), updatedAt: new Date() }, $inc: { attempts: 1 } },
        { returnDocument: 'before' },
      ),
    );
    const batch = Math.max(1, opts.insertManyBatch);
    const batches = Math.max(1, Math.ceil(n / batch));
    const insertManyBatchesPerSec = await timed(batches, concurrency, (b) =>
      lines.insertMany(
        Array.from({ length: batch }, (_, i) => lineLike(b * batch + i)),
        { ordered: false },
      ),
    );
    const result: StorePhaseResult = {
      concurrency,
      opsEach: n,
      recordBytes: JSON.stringify(docs[0]).length,
      lineBytes: JSON.stringify(lineLike(0)).length,
      insertManyBatch: batch,
      casPerSec,
      idReadPerSec,
      insertOnePerSec,
      insertManyBatchesPerSec,
      insertManyDocsPerSec: insertManyBatchesPerSec * batch,
    };
    progress(
      `store: ${casPerSec.toFixed(0)} compare-and-sets/s, ${idReadPerSec.toFixed(0)} _id reads/s, ${insertOnePerSec.toFixed(0)} insertOne/s, ${result.insertManyDocsPerSec.toFixed(0)} docs/s by insertMany of ${batch}`,
    );
    return result;
  } finally {
    await coll.drop().catch(() => undefined);
    await lines.drop().catch(() => undefined);
  }
}
