import { createGroupWriter, type GroupWriter } from '../group-writer';
import { isDuplicateKeyError } from './duplicate-key';

/** A collection that takes unordered bulk writes (a mongoose model). */
export interface BulkWritable<Op> {
  bulkWrite(ops: Op[], options: { ordered: false }): Promise<unknown>;
}

/**
 * One group writer per store for upserts: entries added together by concurrent callers of this process become the
 * ops of one unordered bulkWrite (`toOps` merges them, one single-document upsert per `_id`), and each caller still
 * awaits its own. Two first upserts of one `_id` racing (a unique `_id`) leave the document in place, so the same
 * writes go through when sent again. Used by the reply keys and the schedule buckets.
 */
export function groupedUpserts<Entry, Op, Model extends BulkWritable<Op>>(
  toOps: (entries: Entry[]) => Op[],
): (model: Model) => GroupWriter<Entry> {
  const writers = new WeakMap<Model, GroupWriter<Entry>>();
  return (model) => {
    let writer = writers.get(model);
    if (!writer) {
      writer = createGroupWriter<Entry>(async (entries) => {
        const ops = toOps(entries);
        try {
          await model.bulkWrite(ops, { ordered: false });
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
          await model.bulkWrite(ops, { ordered: false });
        }
      });
      writers.set(model, writer);
    }
    return writer;
  };
}
