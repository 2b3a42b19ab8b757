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

/**
 * Lines nobody waits for (a scheduled refresh's `refreshed` line): held up to `lingerMs` (or until `maxBatch` are
 * waiting), then written in one insertMany, so a steady trickle costs one insert per linger instead of one per line.
 * `flush` writes what is held now (a process stopping); a failed insert goes to `onError` with its lines' count.
 */
export interface LingeringWriter<T> {
  add(doc: T): void;
  flush(): Promise<void>;
}

export function createLingeringWriter<T>(
  insert: (docs: T[]) => Promise<void>,
  opts: { lingerMs: number; maxBatch?: number; onError: (err: unknown, lines: number) => void },
): LingeringWriter<T> {
  const maxBatch = opts.maxBatch ?? 100;
  let held: T[] = [];
  let timer: NodeJS.Timeout | null = null;
  let written: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const docs = held;
    held = [];
    // One insert at a time, in the order the lines came.
    written = written.then(async () => {
      for (let i = 0; i < docs.length; i += maxBatch) {
        const batch = docs.slice(i, i + maxBatch);
        await insert(batch).catch((err: unknown) => opts.onError(err, batch.length));
      }
    });
    return written;
  }

  return {
    add(doc) {
      held.push(doc);
      if (held.length >= maxBatch) void flush();
      else if (!timer) {
        timer = setTimeout(() => void flush(), opts.lingerMs);
        timer.unref();
      }
    },
    flush,
  };
}
