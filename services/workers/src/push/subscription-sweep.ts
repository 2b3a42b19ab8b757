import {
  addToSubscriptionSchedule,
  clearScheduleCursor,
  INBOX_SUBSCRIPTION_SCHEDULE,
  openOverMinutesPass,
  wantsSubscription,
} from '@outlook-connect/mailbox-runtime';
import { scheduleInboxSubscription, type QueueClient } from '@outlook-connect/queues';
import type { ConnectionDoc, InboxSubscriptionDoc, Logger, Models } from '@outlook-connect/shared';
import type { PushPolicy } from './push-policy';

// The store is the source of truth for subscriptions: after a Redis loss, a recovery from needs_reconnect, a change of
// PUSH_PUBLIC_URL, or a connection that never got its job, the sweep puts the connection's subscription job back.
// It reads the store's subscription schedule buckets of its window by `_id`, then those records and connections by
// `_id`: a pass costs what came due since the last one, not the fleet (on FerretDB any other filter decodes every
// document).

/** Records and connections per `_id $in` read. */
const BATCH = 500;
/** An entry the sweep found due (job put back or already there) is looked at again this much later if still due. */
const RECHECK_MS = 5 * 60_000;
/** A connection that needs reconnecting keeps its entry (and its record); it is looked at again this much later. */
const NEEDS_RECONNECT_RECHECK_MS = 60 * 60_000;

export interface SubscriptionSweepDeps {
  models: Pick<Models, 'Connection' | 'InboxSubscription' | 'ScheduleBucket' | 'ScheduleCursor'>;
  queues: QueueClient;
  logger: Logger;
  now: () => number;
  pushPolicy: PushPolicy;
}

export interface SubscriptionSweepResult {
  /** Connections whose subscription job was checked (put back when missing). */
  checked: number;
  /** Subscription jobs that were missing and were put back. */
  scheduled: number;
  /** Records and connections filed on the schedule by the first pass on a store (or after push was off). */
  initialized: number;
  /** Schedule entries read, and dropped (no record, and the connection wants none). */
  read: number;
  dropped: number;
}

type Conn = Pick<ConnectionDoc, '_id' | 'status' | 'grantedScopes'>;
type Sub = Pick<InboxSubscriptionDoc, '_id' | 'nextCheckAt'>;

/**
 * When a schedule entry is due (push configured): a record at its next check (its job renews, retries, or removes it
 * whatever the connection's state); no record: now when the connection wants one, null (off the schedule) when not;
 * a connection that needs reconnecting, an hour later (its job has nothing to do until it is back).
 */
export function subscriptionDueAt(conn: Conn | undefined, sub: Sub | undefined, nowMs: number): number | null {
  // Kept (record or not) while it needs reconnecting: a recovery that is not a new grant files nothing.
  if (conn?.status === 'needs_reconnect') return nowMs + NEEDS_RECONNECT_RECHECK_MS;
  if (sub) return sub.nextCheckAt?.getTime() ?? nowMs;
  return wantsSubscription(conn ?? null, true) ? nowMs : null;
}

export async function subscriptionSweep(deps: SubscriptionSweepDeps): Promise<SubscriptionSweepResult> {
  const now = deps.now();
  const { models } = deps;
  const result: SubscriptionSweepResult = { checked: 0, scheduled: 0, initialized: 0, read: 0, dropped: 0 };
  const put = async (connectionId: string) => {
    result.checked++;
    if ((await scheduleInboxSubscription(deps.queues, connectionId)) === 'added') result.scheduled++;
  };
  if (deps.pushPolicy.publicUrl === null) {
    // Push turned off: every record left is removed by its job. When it is turned on again, the first pass files
    // every connection once more (the entries of connections without a record were dropped meanwhile).
    await clearScheduleCursor(models, INBOX_SUBSCRIPTION_SCHEDULE);
    const left = models.InboxSubscription.find({}, { _id: 1 }).limit(deps.pushPolicy.sweepPageSize).lean().cursor();
    for await (const sub of left as AsyncIterable<{ _id: string }>) await put(sub._id);
    if (result.scheduled) deps.logger.info(result, 'subscription sweep put subscription jobs back on the queue');
    return result;
  }
  const pass = await openOverMinutesPass(models, INBOX_SUBSCRIPTION_SCHEDULE, {
    nowMs: now,
    recheckMs: RECHECK_MS,
    firstPass: () => backfill(deps, now),
    dueAt: async (ids) => {
      const conns = new Map<string, Conn>();
      const subs = new Map<string, Sub>();
      for (let i = 0; i < ids.length; i += BATCH) {
        const batch = ids.slice(i, i + BATCH);
        const [foundConns, foundSubs] = await Promise.all([
          models.Connection.find({ _id: { $in: batch } }, { _id: 1, status: 1, grantedScopes: 1 }).lean(),
          models.InboxSubscription.find({ _id: { $in: batch } }, { _id: 1, nextCheckAt: 1 }).lean(),
        ]);
        for (const c of foundConns as Conn[]) conns.set(c._id, c);
        for (const s of foundSubs as Sub[]) subs.set(s._id, s);
      }
      return new Map(ids.map((id) => [id, subscriptionDueAt(conns.get(id), subs.get(id), now)]));
    },
  });
  Object.assign(result, { initialized: pass.initialized, read: pass.ids.length, dropped: pass.dropped });
  for (const id of pass.plan.due) await put(id);
  await pass.commit();
  if (result.scheduled || result.initialized)
    deps.logger.info(result, 'subscription sweep put subscription jobs back on the queue');
  return result;
}

/**
 * The first pass on a store (no cursor yet: a new deployment, one from before the subscription schedule, or push just
 * turned on): every record filed at its next check, every connection that wants a subscription at now. One scan of
 * each, once.
 */
async function backfill(deps: SubscriptionSweepDeps, now: number): Promise<number> {
  let filed = 0;
  let batch: Array<{ _id: string; atMs: number }> = [];
  const file = async (entry: { _id: string; atMs: number }) => {
    batch.push(entry);
    filed++;
    if (batch.length >= 5_000) {
      await addToSubscriptionSchedule(deps.models, batch, now);
      batch = [];
    }
  };
  const records = deps.models.InboxSubscription.find({}, { _id: 1, nextCheckAt: 1 }).lean().cursor();
  for await (const s of records as AsyncIterable<Sub>)
    await file({ _id: s._id, atMs: s.nextCheckAt?.getTime() ?? now });
  const conns = deps.models.Connection.find(
    { status: 'active', scopePreset: { $ne: 'send_only' } },
    { _id: 1, status: 1, grantedScopes: 1 },
  )
    .lean()
    .cursor();
  for await (const c of conns as AsyncIterable<Conn>)
    if (wantsSubscription(c, true)) await file({ _id: c._id, atMs: now });
  await addToSubscriptionSchedule(deps.models, batch, now);
  return filed;
}
