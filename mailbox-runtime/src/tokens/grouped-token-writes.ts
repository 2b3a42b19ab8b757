// Group the compare-and-sets of scheduled refreshes: a write waits while a batch is in flight, then goes out with every
// other write that arrived meanwhile as one unordered bulkWrite of single-document updateOnes (each atomic on its
// own, `{_id, tokenVersion, status: 'active'}` as before). A lone write goes out at once; nothing waits on a timer.
// A bulkWrite answers only how many matched, so when fewer than all did, the batch's documents are read back by
// `_id $in` and a write won if its document holds the access-token ciphertext it set (a fresh random IV each time:
// no other write stores that value). On FerretDB every write is serialized, and ten refreshes finishing together
// cost one command instead of ten (and no document sent back to decode).

export interface TokenWrite {
  id: string;
  /** The version read under the lock: the write applies only if the connection is still at it (and active). */
  tokenVersion: number;
  set: Record<string, unknown> & { accessTokenEnc: string };
}

interface UpdateOneOp {
  updateOne: { filter: Record<string, unknown>; update: Record<string, unknown> };
}

/** What the writer needs of a collection (the driver's `Model.collection`). */
export interface TokenCollection {
  bulkWrite(ops: UpdateOneOp[], options: { ordered: false }): Promise<{ matchedCount: number }>;
  find(filter: Record<string, unknown>): { toArray(): Promise<Array<{ _id: string; accessTokenEnc?: string | null }>> };
}

export interface TokenWriter {
  /** True when this write stored its tokens; false when the connection had moved on (version or status). */
  write(w: TokenWrite): Promise<boolean>;
}

type Pending = { w: TokenWrite; resolve: (won: boolean) => void; reject: (err: unknown) => void };

export function createTokenWriter(collection: TokenCollection, maxBatch = 100): TokenWriter {
  let pending: Pending[] = [];
  let writing = false;

  async function writeBatch(batch: Pending[]): Promise<boolean[]> {
    const ops = batch.map(({ w }) => ({
      updateOne: {
        filter: { _id: w.id, tokenVersion: w.tokenVersion, status: 'active' },
        update: { $set: w.set, $inc: { tokenVersion: 1 } },
      },
    }));
    const res = await collection.bulkWrite(ops, { ordered: false });
    if (res.matchedCount === batch.length) return batch.map(() => true);
    const ids = [...new Set(batch.map((p) => p.w.id))];
    const docs = await collection.find({ _id: { $in: ids } }).toArray();
    const stored = new Map(docs.map((d) => [d._id, d.accessTokenEnc]));
    return batch.map((p) => stored.get(p.w.id) === p.w.set.accessTokenEnc);
  }

  async function drain(): Promise<void> {
    writing = true;
    while (pending.length > 0) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(batch.length);
      try {
        const won = await writeBatch(batch);
        batch.forEach((p, i) => p.resolve(won[i]!));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    writing = false;
  }

  return {
    write(w) {
      return new Promise<boolean>((resolve, reject) => {
        pending.push({ w, resolve, reject });
        if (!writing) void drain();
      });
    },
  };
}
