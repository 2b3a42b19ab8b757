import { dependencyFailureOf } from '@outlook-connect/shared';

// A store write that must land (the message went out; a claim must be released): an outage of a few seconds is waited
// out here rather than turned into a retry that could no longer tell what happened.

export interface PersistOptions {
  /** How long to keep trying while a dependency is down; then the last error is thrown. */
  maxMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export const PERSIST_MAX_MS = 30_000;
const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `write`, again with backoff (100 ms doubling to 2 s) while it fails because Redis or the store is unavailable. */
export async function persist<T>(write: () => Promise<T>, opts: PersistOptions = {}): Promise<T> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? sleepMs;
  const giveUpAt = now() + (opts.maxMs ?? PERSIST_MAX_MS);
  for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      return await write();
    } catch (err) {
      if (!dependencyFailureOf(err) || now() + wait > giveUpAt) throw err;
      await sleep(wait);
    }
  }
}
