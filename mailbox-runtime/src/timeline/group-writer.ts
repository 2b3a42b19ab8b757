// Group commit for append-only lines (activity lines): a line waits while an insert is in flight, then goes
// out with every other line that arrived meanwhile in one insertMany. Each caller's promise settles with its batch, so
// awaiting `add` still means "written" (or failed); nothing waits on a timer, and a lone line goes out at once.
// On FerretDB every write is serialized, so N refreshes or sends finishing together cost one insert instead of N.

export interface GroupWriter<T> {
  add(doc: T): Promise<void>;
}

type Pending<T> = { doc: T; resolve: () => void; reject: (err: unknown) => void };

export function createGroupWriter<T>(insert: (docs: T[]) => Promise<void>, maxBatch = 100): GroupWriter<T> {
  let pending: Array<Pending<T>> = [];
  let flushing = false;

  async function flush(): Promise<void> {
    flushing = true;
    while (pending.length > 0) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(batch.length);
      try {
        await insert(batch.map((p) => p.doc));
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    flushing = false;
  }

  return {
    add(doc) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ doc, resolve, reject });
        if (!flushing) void flush();
      });
    },
  };
}
