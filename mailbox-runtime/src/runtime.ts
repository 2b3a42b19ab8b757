import type { FreeBusyLookup } from '@outlook-connect/queues';
import { createConnectionHealth, type ConnectionHealthService } from './connection-status/health';
import type { AccessTokens, MailboxGate, MailboxGraph } from './contracts';
import { createFreeBusyLookup } from './free-busy/free-busy';
import { createMailboxGate, createMailboxGraph } from './gate';
import type { RuntimeDeps } from './runtime-deps';
import { createAccessTokens } from './tokens/access-tokens';
import { defaultRefreshPolicy, type RefreshPolicy } from './tokens/refresh-policy';

/** The process's clients (its producer Redis: the gate and the locks share keys across processes through it). */
export type MailboxRuntimeOptions = Omit<RuntimeDeps, 'now' | 'policy'> & {
  now?: () => number;
  policy?: RefreshPolicy;
};

/** The one set of mailbox pieces every process uses: the workers and the gateway build it the same way. */
export interface MailboxRuntime extends RuntimeDeps {
  tokens: AccessTokens;
  health: ConnectionHealthService;
  gate: MailboxGate;
  graph: MailboxGraph;
  /** The synchronous free/busy lookup (the gateway answers it inline). */
  freeBusy: FreeBusyLookup;
}

export function createMailboxRuntime(opts: MailboxRuntimeOptions): MailboxRuntime {
  const base: RuntimeDeps = { ...opts, now: opts.now ?? Date.now, policy: opts.policy ?? defaultRefreshPolicy };
  const health = createConnectionHealth(base);
  const tokens = createAccessTokens({ ...base, health });
  const gate = createMailboxGate({ redis: opts.redis, prefix: opts.queues.prefix, now: base.now });
  const graph = createMailboxGraph({
    gate,
    tokens,
    graphUrl: opts.microsoft.graphUrl,
    now: base.now,
    logger: opts.logger,
  });
  const freeBusy = createFreeBusyLookup({ models: opts.models, graph, health, now: base.now });
  return { ...base, health, tokens, gate, graph, freeBusy };
}
