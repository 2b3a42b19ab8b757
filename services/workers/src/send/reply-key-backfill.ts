import { REPLY_KEY_BACKFILL, type Models, type SendDoc } from '@outlook-connect/shared';
import { keyUpserts, replyKeysOf } from './reply-keys';

// Sends recorded sent before the reply keys existed get theirs once, so replies to them keep linking: one pass over
// `sends` in `_id` order, at most `batch x maxBatches` sends a run filed a page at a time, its place kept in the store (the mark `~backfill` in reply_keys)
// so a pass spread over many runs, or cut by a restart, continues where it stopped. Once the mark says done, a run is
// one `_id` read. Sends recorded from now on file their own keys (markSent, the Sent Items follow-up).

export interface BackfillDeps {
  models: Pick<Models, 'Send' | 'ReplyKey'>;
}

export interface BackfillOptions {
  /** Sends read per page. */
  batch: number;
  /** Pages per run; the next run continues. */
  maxBatches: number;
}

export const DEFAULT_BACKFILL: BackfillOptions = { batch: 500, maxBatches: 20 };

export interface BackfillResult {
  done: boolean;
  read: number;
  filed: number;
}

type Row = Pick<SendDoc, '_id' | 'connectionId' | 'status' | 'internetMessageId' | 'conversationId'>;

export async function backfillReplyKeys(
  deps: BackfillDeps,
  opts: BackfillOptions = DEFAULT_BACKFILL,
): Promise<BackfillResult> {
  const { Send, ReplyKey } = deps.models;
  const mark = await ReplyKey.findById(REPLY_KEY_BACKFILL).lean();
  const result: BackfillResult = { done: mark?.done === true, read: 0, filed: 0 };
  if (result.done) return result;
  let after = mark?.after ?? null;
  // One cursor a run, read in pages: a range on `_id` is a scan on FerretDB (only values and `$in` use the index), so
  // a run costs one scan of `sends` however many pages it files; once done, none.
  const cursor = Send.find(after ? { _id: { $gt: after } } : {}, {
    _id: 1,
    connectionId: 1,
    status: 1,
    internetMessageId: 1,
    conversationId: 1,
  })
    .sort({ _id: 1 })
    .limit(opts.batch * opts.maxBatches)
    .batchSize(opts.batch)
    .lean()
    .cursor();
  let page: Row[] = [];
  const file = async (rows: Row[], done: boolean) => {
    // Only sent sends are reply targets; an open one files its keys when it is recorded sent.
    const entries = rows
      .filter((r) => r.status === 'sent')
      .flatMap((r) => replyKeysOf(r).map((key) => ({ key, sendId: r._id })));
    if (entries.length) await ReplyKey.bulkWrite(keyUpserts(entries), { ordered: false });
    result.filed += entries.length;
    if (rows.length) after = rows[rows.length - 1]!._id;
    // The keys first, then the mark: a crash in between files the same keys again ($addToSet), never skips one.
    await ReplyKey.updateOne({ _id: REPLY_KEY_BACKFILL }, { $set: { after, done } }, { upsert: true });
  };
  for await (const row of cursor as AsyncIterable<Row>) {
    result.read += 1;
    page.push(row);
    if (page.length === opts.batch && result.read < opts.batch * opts.maxBatches) {
      await file(page, false);
      page = [];
    }
  }
  // Fewer than a run's share left: the pass is over.
  result.done = result.read < opts.batch * opts.maxBatches;
  await file(page, result.done);
  return result;
}
