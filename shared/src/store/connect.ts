import mongoose, { type Connection } from 'mongoose';

export interface StoreOptions {
  url: string;
  /** Overrides the database in the URL (tests use one database each). */
  dbName?: string;
  attempts?: number;
  retryDelayMs?: number;
  /** Per-attempt server selection timeout. */
  selectionTimeoutMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** false: queries made while the store is away fail after server selection instead of queueing (HTTP services). */
  bufferCommands?: boolean;
}

export class StoreUnreachableError extends Error {
  override name = 'StoreUnreachableError';
}

/** The URL without credentials, for messages. */
export function describeStoreUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(unparseable MONGO_URL)';
  }
}

/** Opens a dedicated mongoose connection, retrying while the store starts; throws a clear error if it never answers. */
export async function connectStore(opts: StoreOptions): Promise<Connection> {
  const attempts = opts.attempts ?? 10;
  const delay = opts.retryDelayMs ?? 1000;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const conn = mongoose.createConnection(opts.url, {
      dbName: opts.dbName,
      serverSelectionTimeoutMS: opts.selectionTimeoutMs ?? 3000,
      autoIndex: true,
      autoCreate: true,
      ...(opts.bufferCommands !== undefined ? { bufferCommands: opts.bufferCommands } : {}),
    });
    try {
      await conn.asPromise();
      return conn;
    } catch (err) {
      lastError = err;
      await conn.close().catch(() => undefined);
      opts.log?.('store not reachable yet', { attempt, attempts });
      if (attempt < attempts) await new Promise((r) => setTimeout(r, delay));
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new StoreUnreachableError(
    `Cannot reach the store at ${describeStoreUrl(opts.url)} after ${attempts} attempts (${reason}). ` +
      'Start one with `npm run stack`, or set MONGO_URL to a running MongoDB 7.',
  );
}

export async function closeStore(conn: Connection): Promise<void> {
  await conn.close();
}
