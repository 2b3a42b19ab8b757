import { wantsSubscription } from '@outlook-connect/mailbox-runtime';
import { redisKeys, scheduleInboxSubscription, type QueueClient } from '@outlook-connect/queues';
import type { ConnectionDoc, Logger, Models } from '@outlook-connect/shared';
import type { PushPolicy } from './push-policy';

// The store is the source of truth for subscriptions: after a Redis loss, a recovery from needs_reconnect, a change of
// PUSH_PUBLIC_URL, or a connection that never got its job, the sweep puts the connection's subscription job back.

/** Record ids per `_id $in` read. */
const IDS_PER_QUERY = 2_000;

export interface SubscriptionSweepDeps {
  models: Pick<Models, 'Connection' | 'InboxSubscription'>;
  queues: QueueClient;
  /** Keeps where the walk over the connections continues (`redisKeys.subscriptionSweepCursor`). */
  redis: {
    get(key: string): Promise<string | null>;
    set(key: string, value: string): Promise<unknown>;
    del(key: string): Promise<unknown>;
  };
  logger: Logger;
  now: () => number;
  pushPolicy: PushPolicy;
}

export interface SubscriptionSweepResult {
  checked: number;
  scheduled: number;
}

/** After a full page the walk continues after its last `_id`; after a short one it starts over (null). */
export function nextScanCursor(page: ReadonlyArray<{ _id: string }>, limit: number): string | null {
  return page.length >= limit ? page[page.length - 1]!._id : null;
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
    .limit(deps.pushPolicy.sweepPageSize)
    .lean()
    .cursor();
  for await (const sub of due as AsyncIterable<{ _id: string }>) await put(sub._id);
  if (configured) {
    // Connections that want a subscription and have no record yet (never created, or the first creation never ran):
    // a page per pass in `_id` order, the next pass continuing after it, so every connection is checked in turn.
    const limit = deps.pushPolicy.sweepPageSize;
    const cursorKey = redisKeys.subscriptionSweepCursor(deps.queues.prefix);
    const after = await deps.redis.get(cursorKey);
    const page = (await deps.models.Connection.find(
      { ...(after === null ? {} : { _id: { $gt: after } }), status: 'active', scopePreset: { $ne: 'send_only' } },
      { _id: 1, status: 1, grantedScopes: 1 },
    )
      .sort({ _id: 1 })
      .limit(limit)
      .lean()) as Pick<ConnectionDoc, '_id' | 'status' | 'grantedScopes'>[];
    const wanted = page.filter((conn) => wantsSubscription(conn, configured)).map((conn) => conn._id);
    const held = new Set<string>();
    for (let i = 0; i < wanted.length; i += IDS_PER_QUERY) {
      const subs = await deps.models.InboxSubscription.find(
        { _id: { $in: wanted.slice(i, i + IDS_PER_QUERY) } },
        { _id: 1 },
      ).lean();
      for (const sub of subs as { _id: string }[]) held.add(sub._id);
    }
    for (const id of wanted) if (!held.has(id)) await put(id);
    const next = nextScanCursor(page, limit);
    await (next === null ? deps.redis.del(cursorKey) : deps.redis.set(cursorKey, next));
  } else {
    // Push turned off: every record left is removed by its job.
    const left = deps.models.InboxSubscription.find({}, { _id: 1 })
      .limit(deps.pushPolicy.sweepPageSize)
      .lean()
      .cursor();
    for await (const sub of left as AsyncIterable<{ _id: string }>) await put(sub._id);
  }
  if (result.scheduled) deps.logger.info(result, 'subscription sweep put subscription jobs back on the queue');
  return result;
}
