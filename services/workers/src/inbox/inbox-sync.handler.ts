import { handlerFor, postpone } from '@outlook-connect/queues';
import type { WorkerDeps } from '../worker-deps';
import { DEFAULT_INBOX_POLICY, type InboxPolicy } from './inbox-policy';
import { createSendsLookup } from './reply-lookup';
import { syncConnection } from './sync-connection';
import type { PushPolicy } from '../push/push-policy';

export type InboxDeps = WorkerDeps & { inboxPolicy?: InboxPolicy; pushPolicy?: PushPolicy };

/** The deps' policy: parsed from INBOX_* once at start (clients.ts), or a test's. */
export function inboxPolicyOf(deps: InboxDeps): InboxPolicy {
  return deps.inboxPolicy ?? DEFAULT_INBOX_POLICY;
}

/**
 * The `inbox-sync` queue: each job is one connection's poller. A run ends by delaying its own job to the next poll
 * (same job id, so one mailbox never has two syncs queued); it completes only when the connection stops being polled.
 */
export const inboxSyncRegistration = (deps: InboxDeps) => {
  const policy = inboxPolicyOf(deps);
  // One reply-link lookup for the process: the runs in flight share its store queries.
  const sendsLookup = createSendsLookup(deps.models);
  return handlerFor(
    'inbox-sync',
    async (payload, ctx) => {
      const outcome = await syncConnection(
        { ...deps, inboxPolicy: policy, sendsLookup },
        payload.connectionId,
        payload.full === true,
      );
      if (outcome.kind === 'stopped') return { stopped: outcome.reason };
      // A requested full resync happens once, not on every later poll of this long-lived job.
      if (payload.full && outcome.kind === 'synced') await ctx.job.updateData({ connectionId: payload.connectionId });
      ctx.log.debug({ outcome: outcome.kind, atMs: outcome.atMs }, 'inbox sync run done');
      throw await postpone(ctx, outcome.atMs);
    },
    5,
  );
};
