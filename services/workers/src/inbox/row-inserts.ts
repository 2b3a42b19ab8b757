import { isDuplicateKeyError, type InboxMessageDoc, type Models } from '@outlook-connect/shared';

// New inbox rows of every run in flight in this process go to the store one insertMany at a time: rows handed in
// while one is in flight go out together in the next (group commit; nothing waits on a timer, a lone page goes at
// once). FerretDB serializes writes and shares the machine's cores: five runs' pages inserted side by side took it
// about twice as long as the same rows in one command. Each caller learns which of its own rows were already stored.

/** Inserts rows (complete, our `_id`); resolves with the indexes of those another writer stored first (duplicate key). */
export type RowInserts = (rows: InboxMessageDoc[]) => Promise<number[]>;

/** Rows per insertMany at most (a bigger page still goes whole, alone). */
export const ROW_INSERT_BATCH = 1000;

interface WriteError {
  index: number;
  code?: number;
}

interface Waiting {
  rows: InboxMessageDoc[];
  resolve: (duplicates: number[]) => void;
  reject: (err: unknown) => void;
}

/** The write errors of an unordered insertMany's failure, by index of the rows sent (none: it failed as a whole). */
export function writeErrorsOf(err: unknown): WriteError[] {
  const writeErrors = (err as { writeErrors?: WriteError[] | WriteError } | null)?.writeErrors;
  return Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
}

/**
 * Each batch's share of an insert's failure: the indexes of its rows that were duplicates, or the error when one of
 * its rows failed otherwise (or the insert failed as a whole). Pure.
 */
export function sharesOf(sizes: number[], err: unknown): Array<{ duplicates: number[] } | { error: unknown }> {
  const list = err === undefined ? [] : writeErrorsOf(err);
  if (err !== undefined && list.length === 0) return sizes.map(() => ({ error: err }));
  let offset = 0;
  return sizes.map((size) => {
    const start = offset;
    offset += size;
    const own = list.filter((e) => e.index >= start && e.index < start + size);
    if (own.some((e) => !isDuplicateKeyError(e))) return { error: err };
    return { duplicates: own.map((e) => e.index - start) };
  });
}

export function createRowInserts(models: Pick<Models, 'InboxMessage'>, maxBatch = ROW_INSERT_BATCH): RowInserts {
  let waiting: Waiting[] = [];
  let flushing = false;

  const insert = async (rows: InboxMessageDoc[]): Promise<unknown> => {
    // The driver's insertMany: rows are complete (timestamps included), and a write error's index is the row's.
    const collection = models.InboxMessage.collection;
    try {
      await collection.insertMany(rows as unknown as Parameters<typeof collection.insertMany>[0], { ordered: false });
      return undefined;
    } catch (err) {
      return err ?? new Error('insertMany failed');
    }
  };

  const flush = async (): Promise<void> => {
    flushing = true;
    while (waiting.length > 0) {
      let rows = 0;
      let taken = 0;
      while (taken < waiting.length && (taken === 0 || rows + waiting[taken]!.rows.length <= maxBatch))
        rows += waiting[taken++]!.rows.length;
      const batch = waiting.slice(0, taken);
      waiting = waiting.slice(taken);
      const err = await insert(batch.flatMap((w) => w.rows));
      const shares = sharesOf(
        batch.map((w) => w.rows.length),
        err,
      );
      batch.forEach((w, i) => {
        const share = shares[i]!;
        if ('error' in share) w.reject(share.error);
        else w.resolve(share.duplicates);
      });
    }
    flushing = false;
  };

  return (rows) => {
    if (rows.length === 0) return Promise.resolve([]);
    return new Promise<number[]>((resolve, reject) => {
      waiting.push({ rows, resolve, reject });
      if (!flushing) void flush();
    });
  };
}
