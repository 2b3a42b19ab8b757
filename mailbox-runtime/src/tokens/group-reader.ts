// Group reads by `_id` (the connection a refresh reads under its lock): a read waits while a read is in flight, then
// goes out with every other read that arrived meanwhile in one `_id $in` query. A lone read goes out at once; nothing
// waits on a timer. Each read is sent after its caller asked for it, so a read made under a lock is still read under
// it. On FerretDB one `_id $in` of ten costs about what one `_id` read does, and the store is shared by every refresh.

export interface GroupReader<T> {
  read(id: string): Promise<T | null>;
}

type Pending<T> = { id: string; resolve: (doc: T | null) => void; reject: (err: unknown) => void };

export function createGroupReader<T extends { _id: string }>(
  readMany: (ids: string[]) => Promise<T[]>,
  maxBatch = 100,
): GroupReader<T> {
  let pending: Array<Pending<T>> = [];
  let reading = false;

  async function drain(): Promise<void> {
    reading = true;
    while (pending.length > 0) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(batch.length);
      try {
        const docs = await readMany([...new Set(batch.map((p) => p.id))]);
        const byId = new Map(docs.map((d) => [d._id, d]));
        for (const p of batch) p.resolve(byId.get(p.id) ?? null);
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    reading = false;
  }

  return {
    read(id) {
      return new Promise<T | null>((resolve, reject) => {
        pending.push({ id, resolve, reject });
        if (!reading) void drain();
      });
    },
  };
}
