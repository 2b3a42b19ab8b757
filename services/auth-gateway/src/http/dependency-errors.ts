// When the store or Redis cannot answer, a request gets a fast 503 dependency_unavailable naming which, with
// Retry-After: never a hang, never a 500. Classified here once, from the error and the dependencies' live state.

import { dependencyFailureOf } from '@outlook-connect/shared';

export type Dependency = 'store' | 'redis';

export class DependencyUnavailableError extends Error {
  override name = 'DependencyUnavailableError';
  constructor(
    readonly dependency: Dependency,
    message = `${dependency === 'store' ? 'The store' : 'Redis'} is unavailable for now.`,
  ) {
    super(message);
  }
}

export interface DependencyState {
  store: boolean;
  redis: boolean;
}

/** Which dependency an unexpected error stands for, or null when it is a fault of ours (a 500). */
export function unavailableDependency(err: unknown, state: DependencyState): Dependency | null {
  if (err instanceof DependencyUnavailableError) return err.dependency;
  // The drivers' classes, names, codes and labels, decided in one place for every service.
  const failure = dependencyFailureOf(err);
  if (failure?.dependency === 'store' || failure?.dependency === 'redis') return failure.dependency;
  // A broken socket (EPIPE, ECONNRESET...) here is one to Redis or the store: name the one known to be down.
  if (failure) return !state.redis ? 'redis' : 'store';
  // ioredis reports a closed or timed-out connection as a plain Error: an error while it is down is the outage.
  if (!state.redis) return 'redis';
  if (!state.store) return 'store';
  return null;
}

/** Seconds a client should wait before retrying during an outage. */
export const OUTAGE_RETRY_AFTER_SEC = 5;
