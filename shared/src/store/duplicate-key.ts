// The store's "a unique index refused this write", recognised once for MongoDB and FerretDB alike.
// MongoDB says code 11000 (11001 on old servers, codeName DuplicateKey, E11000 in the message, or in writeErrors of a
// bulk write); FerretDB 1.x says 11000 on inserts but code 1 InternalError "UNIQUE constraint failed" (its SQLite
// backend's wording) on updates and findAndModify, so that text is the only signal it gives there.

const DUPLICATE_CODES = new Set([11000, 11001]);
const DUPLICATE_TEXT = /^E11000 |\bUNIQUE constraint failed\b/;

type StoreErrorShape = {
  code?: unknown;
  codeName?: unknown;
  message?: unknown;
  errmsg?: unknown;
  errorResponse?: StoreErrorShape;
  writeErrors?: StoreErrorShape[];
  err?: StoreErrorShape;
};

function isOne(e: StoreErrorShape | undefined, depth: number): boolean {
  if (!e || typeof e !== 'object' || depth > 3) return false;
  if (typeof e.code === 'number' && DUPLICATE_CODES.has(e.code)) return true;
  if (e.codeName === 'DuplicateKey') return true;
  for (const text of [e.message, e.errmsg]) if (typeof text === 'string' && DUPLICATE_TEXT.test(text)) return true;
  return isOne(e.errorResponse, depth + 1) || isOne(e.err, depth + 1);
}

/** True when the error is (only) a duplicate-key refusal: for a bulk write, every write error must be one. */
export function isDuplicateKeyError(err: unknown): boolean {
  const e = err as StoreErrorShape | null;
  if (!e || typeof e !== 'object') return false;
  const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : undefined;
  if (writeErrors?.length) return writeErrors.every((w) => isOne(w, 0) || isOne(w.err, 0));
  return isOne(e, 0);
}
