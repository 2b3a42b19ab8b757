import type { FreeBusyLookup, QueueClient } from '@outlook-connect/queues';
import type { Logger, Models, SecretBox } from '@outlook-connect/shared';
import type { Redis } from 'ioredis';
import { createConnectionHealth } from '../connections/health';
import { createMailboxGate, createMailboxGraph } from '../mailbox';
import { createAccessTokens } from '../tokens/access-tokens';
import { defaultRefreshPolicy, type RefreshPolicy } from '../tokens/refresh-policy';
import { createFreeBusyLookup } from './free-busy';

export interface FreeBusyRuntimeOptions {
  models: Models;
  box: SecretBox;
  queues: QueueClient;
  redis: Redis;
  logger: Logger;
  microsoft: { loginUrl: string; graphUrl: string };
  now?: () => number;
  policy?: RefreshPolicy;
}

/**
 * The free/busy lookup for a process that is not a worker (the gateway): the same token provider (single-flight
 * refresh across processes), mailbox gate (same Redis keys: pass the same queue prefix) and gated Graph client.
 */
export function createFreeBusyRuntime(opts: FreeBusyRuntimeOptions): FreeBusyLookup {
  const base = { ...opts, now: opts.now ?? Date.now, policy: opts.policy ?? defaultRefreshPolicy };
  const health = createConnectionHealth(base);
  const tokens = createAccessTokens({ ...base, health });
  const gate = createMailboxGate({ redis: opts.redis, prefix: opts.queues.prefix, now: base.now });
  const graph = createMailboxGraph({ gate, tokens, graphUrl: opts.microsoft.graphUrl, now: base.now, logger: opts.logger });
  return createFreeBusyLookup({ models: opts.models, graph, health, now: base.now });
}
