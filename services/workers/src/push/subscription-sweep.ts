import { wantsSubscription } from '@outlook-connect/mailbox-runtime';
import { scheduleInboxSubscription, type QueueClient } from '@outlook-connect/queues';
import type { ConnectionDoc, Logger, Models } from '@outlook-connect/shared';
import type { PushPolicy } from './push-policy';

// The store is the source of truth for subscriptions: after a Redis loss, a recovery from needs_reconnect, a change of
// PUSH_PUBLIC_URL, or a connection that never got its job, the sweep puts the connection's subscription job back.

const MAX_PER_SWEEP = 5_000;

export interface SubscriptionSweepDeps {
  models: Pick<Models, 'Connection' | 'InboxSubscription'>;
  queues: QueueClient;
  logger: Logger;
  now: () => number;
  pushPolicy: PushPolicy;
}

export interface SubscriptionSweepResult {
  checked: number;
  scheduled: number;
}

export async function subscriptionSweep(deps: SubscriptionSweepDeps): Promise<SubscriptionSweepResult> {
  const result: SubscriptionSweepResult = { checked: 0, scheduled: 0 };
  const configured = deps.pushPolicy.publicUrl !== null;
  const put = async (connectionId: string) => {
    result.checked++;
    if ((await scheduleInboxSubscription(deps.queues, connectionId)) === 'added') result.scheduled++;
  };
  // Records due (renewal or retry time passed): a live job keeps nextCheckAt ahead of now. Also the ones to remove.
  const due = deps.models.InboxSubscription.find({ nextCheckAt: { $lte: new Date(deps.now()) } }, { _id: 1 })
    .limit(MAX_PER_SWEEP)
    .lean()
    .cursor();
  for await (const sub of due as AsyncIterable<{ _id: string }>) await put(sub._id);
  if (configured) {
    // Connections that want a subscription and have no record yet (never created, or the first creation never ran).
    const conns = deps.models.Connection.find(
      { status: 'active', scopePreset: { $ne: 'send_only' } },
      { _id: 1, status: 1, grantedScopes: 1 },
    )
      .limit(MAX_PER_SWEEP)
      .lean()
      .cursor();
    for await (const conn of conns as AsyncIterable<Pick<ConnectionDoc, '_id' | 'status' | 'grantedScopes'>>) {
      if (!wantsSubscription(conn, configured)) continue;
      if (await deps.models.InboxSubscription.exists({ _id: conn._id })) continue;
      await put(conn._id);
    }
  } else {
    // Push turned off: every record left is removed by its job.
    const left = deps.models.InboxSubscription.find({}, { _id: 1 }).limit(MAX_PER_SWEEP).lean().cursor();
    for await (const sub of left as AsyncIterable<{ _id: string }>) await put(sub._id);
  }
  if (result.scheduled) deps.logger.info(result, 'subscription sweep put subscription jobs back on the queue');
  return result;
}
