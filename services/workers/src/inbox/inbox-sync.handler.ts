import { handlerFor, inboxSyncJobId, postpone, scheduleInboxSync } from '@outlook-connect/queues';
import type { WorkerDeps } from '../worker-deps';
import { DEFAULT_INBOX_POLICY, type InboxPolicy } from './inbox-policy';
import { keepsSyncJob } from './poll-schedule';
import { createSendsLookup } from './reply-lookup';
import { createRowInserts } from './row-inserts';
import { syncConnection } from './sync-connection';
import type { PushPolicy } from '../push/push-policy';

export type InboxDeps = WorkerDeps & { inboxPolicy?: InboxPolicy; pushPolicy?: PushPolicy };

/** The deps' policy: parsed from INBOX_* once at start (clients.ts), or a test's. */
export function inboxPolicyOf(deps: InboxDeps): InboxPolicy {
  return deps.inboxPolicy ?? DEFAULT_INBOX_POLICY;
}

/**
 * The `inbox-sync` queue: one job id per connection (one mailbox never has two syncs queued). A run whose next sync is
 * within one sweep interval (or that must wait: busy) delays its own job to it; otherwise the job ends (removed) and
 * the sync sweep hands the next sync out from the store's schedule shortly before it is due, so Redis holds only the
 * syncs due soon, not one job per polled connection.
 */
export const inboxSyncRegistration = (deps: InboxDeps) => {
  const policy = inboxPolicyOf(deps);
  // One reply-link lookup for the process: the runs in flight share its store queries.
  const sendsLookup = createSendsLookup(deps.models);
  // And one insert lane: the new rows of the runs in flight go to the store together.
  const rowInserts = createRowInserts(deps.models);
  return handlerFor(
    'inbox-sync',
    async (payload, ctx) => {
      const outcome = await syncConnection(
        { ...deps, inboxPolicy: policy, sendsLookup, rowInserts },
        payload.connectionId,
        payload.full === true,
      );
      if (outcome.kind === 'stopped') return { stopped: outcome.reason };
      // A requested full resync happens once, not on every later poll of this long-lived job.
      if (payload.full && outcome.kind === 'synced') await ctx.job.updateData({ connectionId: payload.connectionId });
      ctx.log.debug({ outcome: outcome.kind, atMs: outcome.atMs }, 'inbox sync run done');
      if (outcome.kind === 'busy' || keepsSyncJob(policy, outcome.atMs, deps.now())) {
        // A job under the former id convention (`inbox-sync-conn_…`, before an upgrade) hands its next run to the
        // connection's one job id instead of keeping a second job for the mailbox.
        if (ctx.job.id !== inboxSyncJobId(payload.connectionId)) {
          await scheduleInboxSync(deps.queues, payload.connectionId, outcome.atMs - deps.now());
          return { nextSyncAt: outcome.atMs };
        }
        throw await postpone(ctx, outcome.atMs);
      }
      return { nextSyncAt: outcome.atMs };
    },
    5,
  );
};
