// When the store or Redis cannot answer, a request gets a fast 503 dependency_unavailable naming which, with
// Retry-After: never a hang, never a 500. Classified here once, from the error and the dependencies' live state.

export type Dependency = 'store' | 'redis';

export class DependencyUnavailableError extends Error {
  override name = 'DependencyUnavailableError';
  constructor(readonly dependency: Dependency, message = `${dependency === 'store' ? 'The store' : 'Redis'} is unavailable for now.`) {
    super(message);
  }
}

/** The driver's own names for "no server to talk to" (mongodb) and "gave up retrying" (ioredis). */
const STORE_ERRORS = new Set([
  'MongoServerSelectionError', 'MongooseServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError',
  'MongoNotConnectedError', 'MongoTopologyClosedError', 'MongoPoolClearedError', 'MongoExpiredSessionError', 'DisconnectedError',
]);
/** Labels the mongodb driver puts on errors a retry can cure (a node restarting, a pool reset). */
const STORE_RETRY_LABELS = ['RetryableWriteError', 'ResetPool', 'TransientTransactionError', 'SystemOverloadedError'];
const REDIS_ERRORS = new Set(['MaxRetriesPerRequestError']);

export interface DependencyState {
  store: boolean;
  redis: boolean;
}

/** Which dependency an unexpected error stands for, or null when it is a fault of ours (a 500). */
export function unavailableDependency(err: unknown, state: DependencyState): Dependency | null {
  if (err instanceof DependencyUnavailableError) return err.dependency;
  const name = (err as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && STORE_ERRORS.has(name)) return 'store';
  if (typeof name === 'string' && REDIS_ERRORS.has(name)) return 'redis';
  const labelled = (err as { hasErrorLabel?: (l: string) => boolean } | null)?.hasErrorLabel;
  if (typeof labelled === 'function' && STORE_RETRY_LABELS.some((l) => labelled.call(err, l))) return 'store';
  // ioredis reports a closed or timed-out connection as a plain Error: an error while it is down is the outage.
  if (!state.redis) return 'redis';
  if (!state.store) return 'store';
  return null;
}

/** Seconds a client should wait before retrying during an outage. */
export const OUTAGE_RETRY_AFTER_SEC = 5;
