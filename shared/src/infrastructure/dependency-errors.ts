import { networkErrorCode } from '../microsoft/classify-network';

// Our own dependencies failing (Redis, the store, the network): never a verdict on the work, always worth a retry.
// Decided on the drivers' error classes, names, codes and labels, never on message text.

export type Dependency = 'redis' | 'store' | 'network';

export interface DependencyFailure {
  dependency: Dependency;
  /** The driver's error name or code that decided it. */
  name: string;
}

/** ioredis: gave up retrying a command while disconnected. */
const REDIS_ERRORS = new Set(['MaxRetriesPerRequestError']);

/** mongodb / mongoose: no server to talk to, or the connection to it broke. */
const STORE_ERRORS = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoPoolClearedError',
  'PoolClearedError',
  'PoolClearedOnNetworkError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  'MongoWaitQueueTimeoutError',
  'WaitQueueTimeoutError',
  'DisconnectedError',
]);

/** Labels the mongodb driver puts on errors a retry can cure (a node restarting, a pool reset). */
const STORE_RETRY_LABELS = ['RetryableWriteError', 'ResetPool', 'TransientTransactionError', 'RetryableReadError'];

const MAX_DEPTH = 5;

function one(err: unknown): DependencyFailure | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const name = (err as { name?: unknown }).name;
  if (typeof name === 'string' && REDIS_ERRORS.has(name)) return { dependency: 'redis', name };
  if (typeof name === 'string' && STORE_ERRORS.has(name)) return { dependency: 'store', name };
  const hasLabel = (err as { hasErrorLabel?: unknown }).hasErrorLabel;
  if (typeof hasLabel === 'function') {
    const label = STORE_RETRY_LABELS.find((l) => hasLabel.call(err, l) === true);
    if (label) return { dependency: 'store', name: label };
  }
  return undefined;
}

/**
 * The dependency an error stands for (on the error or its `cause` chain), or undefined when it is not one of ours:
 * Redis (ioredis), the store (mongodb/mongoose), or the network (Node/undici errno codes, timeouts).
 */
export function dependencyFailureOf(err: unknown): DependencyFailure | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < MAX_DEPTH && typeof current === 'object' && current !== null; depth++) {
    const found = one(current);
    if (found) return found;
    current = (current as { cause?: unknown }).cause;
  }
  const code = networkErrorCode(err);
  return code ? { dependency: 'network', name: code } : undefined;
}
