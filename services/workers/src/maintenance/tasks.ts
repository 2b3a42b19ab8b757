import { sweepAttachments, type JobContext, type Payload } from '@outlook-connect/queues';
import type { ServiceDeps } from '../worker-deps';
import { appSecretCheck } from './app-secret-check';
import { inboxPolicyOf } from '../inbox/inbox-sync.handler';
import { syncSweep } from '../inbox/sync-sweep';
import { refreshSweep } from './refresh-sweep';
import { operationSweep } from './operation-sweep';
import { retention } from './retention';
import { pushPolicyOf } from '../push/inbox-subscription.handler';
import { subscriptionSweep } from '../push/subscription-sweep';
import { backfillReplyKeys } from '../send/reply-key-backfill';
import { backfillOperations } from './operation-backfill';

export type MaintenanceTaskName = Payload<'maintenance'>['task'];

export interface MaintenanceTask {
  run(deps: ServiceDeps, ctx: JobContext): Promise<unknown>;
  /** How often the task runs (a repeatable job per task). */
  everyMs(deps: ServiceDeps): number;
}

/** The maintenance dispatch table: one entry per task of the `maintenance` queue (a missing one does not compile). */
export const maintenanceTasks: Record<MaintenanceTaskName, MaintenanceTask> = {
  'refresh-sweep': { run: (deps) => refreshSweep(deps), everyMs: (deps) => deps.policy.sweepEveryMs },
  'app-secret-check': { run: (deps) => appSecretCheck(deps), everyMs: () => 3_600_000 },
  'sync-sweep': { run: (deps) => syncSweep(deps), everyMs: (deps) => inboxPolicyOf(deps).sweepEveryMs },
  // Attachment bytes the store keeps for sends: no TTL index on FerretDB, so removed here (and when a send finishes).
  'attachment-sweep': {
    run: async (deps) => ({ removed: await sweepAttachments(deps.models, deps.now()) }),
    everyMs: () => 15 * 60_000,
  },
  'operation-sweep': {
    run: (deps) => operationSweep(deps),
    everyMs: (deps) => deps.maintenancePolicy.operationSweepEveryMs,
  },
  retention: {
    run: (deps) => retention({ ...deps, inboxMirrorDays: inboxPolicyOf(deps).mirrorDays }),
    everyMs: (deps) => deps.maintenancePolicy.retentionEveryMs,
  },
  // Push's own schedule (the inbox-subscription queue), healed from the InboxSubscription records.
  'subscription-sweep': {
    run: (deps) => subscriptionSweep({ ...deps, pushPolicy: pushPolicyOf(deps) }),
    everyMs: (deps) => pushPolicyOf(deps).sweepEveryMs,
  },
  // Once per store: the reply keys of sends recorded before they existed (10,000 sends a run; then one _id read a run).
  'reply-key-backfill': { run: (deps) => backfillReplyKeys(deps), everyMs: () => 60_000 },
  // Once per store: sends and calendar operations stored before the operation sweep's schedules get their entry.
  'operation-backfill': { run: (deps) => backfillOperations(deps), everyMs: () => 60_000 },
};
