import {
  clientStateContext,
  type InboxSubscriptionDoc,
  type InboxSubscriptionError,
  type Models,
  type SecretBox,
} from '@outlook-connect/shared';
import { addToSubscriptionSchedule } from '../schedule/subscription-schedule';
import { clientStateMatches } from './client-state';

// The one owner of InboxSubscription records: every read and write of a connection's subscription state is here.

type SubModels = Pick<Models, 'InboxSubscription'>;
/** The writes that move `nextCheckAt` also file the record on the subscription schedule (its sweep's only input). */
type ScheduledSubModels = Pick<Models, 'InboxSubscription' | 'ScheduleBucket' | 'ScheduleCursor'>;

const fileNextCheck = (models: ScheduledSubModels, connectionId: string, nextCheckAt: Date) =>
  addToSubscriptionSchedule(models, [{ _id: connectionId, atMs: nextCheckAt.getTime() }], nextCheckAt.getTime());

export async function findSubscription(models: SubModels, connectionId: string): Promise<InboxSubscriptionDoc | null> {
  return (await models.InboxSubscription.findById(connectionId).lean()) as InboxSubscriptionDoc | null;
}

/** A subscription Graph just created: its id, secret (encrypted), expiry and renewal time replace what was there. */
export async function recordCreated(
  models: ScheduledSubModels,
  box: SecretBox,
  conn: { _id: string; workspaceId: string },
  created: { subscriptionId: string; clientState: string; expiresAt: Date; nextCheckAt: Date; at: Date },
): Promise<void> {
  await models.InboxSubscription.updateOne(
    { _id: conn._id },
    {
      $set: {
        workspaceId: conn.workspaceId,
        subscriptionId: created.subscriptionId,
        clientStateEnc: box.encrypt(created.clientState, clientStateContext(conn._id, created.subscriptionId)),
        expiresAt: created.expiresAt,
        nextCheckAt: created.nextCheckAt,
        pending: null,
        failures: 0,
        lastError: null,
        lastRenewedAt: created.at,
      },
    },
    { upsert: true },
  );
  await fileNextCheck(models, conn._id, created.nextCheckAt);
}

/** A renewal (or reauthorization) Graph accepted; only for the subscription it was made on. */
export async function recordRenewed(
  models: ScheduledSubModels,
  connectionId: string,
  subscriptionId: string,
  renewed: { expiresAt: Date; nextCheckAt: Date; at: Date },
): Promise<void> {
  await models.InboxSubscription.updateOne(
    { _id: connectionId, subscriptionId },
    {
      $set: {
        expiresAt: renewed.expiresAt,
        nextCheckAt: renewed.nextCheckAt,
        pending: null,
        failures: 0,
        lastError: null,
        lastRenewedAt: renewed.at,
      },
    },
  );
  await fileNextCheck(models, connectionId, renewed.nextCheckAt);
}

/** A failed creation or renewal: counted, visible to operators, retried at nextCheckAt. Returns the failure count. */
export async function recordSubscriptionFailure(
  models: ScheduledSubModels,
  conn: { _id: string; workspaceId: string },
  error: InboxSubscriptionError,
  nextCheckAt: (failures: number) => Date,
): Promise<number> {
  const after = (await models.InboxSubscription.findOneAndUpdate(
    { _id: conn._id },
    { $inc: { failures: 1 }, $set: { lastError: error, workspaceId: conn.workspaceId } },
    { upsert: true, new: true },
  ).lean()) as InboxSubscriptionDoc | null;
  const failures = after?.failures ?? 1;
  const at = nextCheckAt(failures);
  await models.InboxSubscription.updateOne({ _id: conn._id }, { $set: { nextCheckAt: at } });
  await fileNextCheck(models, conn._id, at);
  return failures;
}

/** Graph no longer has it (404 on renewal, expired, removed): forget the id and secret, keep the counters. */
export async function recordGone(
  models: SubModels,
  connectionId: string,
  subscriptionId: string | null,
): Promise<void> {
  await models.InboxSubscription.updateOne(
    { _id: connectionId, subscriptionId },
    { $set: { subscriptionId: null, clientStateEnc: null, expiresAt: null } },
  );
}

/** The connection no longer wants one (disconnected, send_only, push off): the record goes. */
export async function forgetSubscription(models: SubModels, connectionId: string): Promise<void> {
  await models.InboxSubscription.deleteOne({ _id: connectionId });
}

/** A lifecycle notification asked for work on this subscription (its job reads it on the next run). */
export async function markPending(
  models: SubModels,
  connectionId: string,
  subscriptionId: string,
  pending: 'recreate' | 'reauthorize',
): Promise<void> {
  // recreate wins over reauthorize: a removed subscription cannot be reauthorized.
  const notRecreate = pending === 'reauthorize' ? { pending: { $ne: 'recreate' as const } } : {};
  await models.InboxSubscription.updateOne(
    { _id: connectionId, subscriptionId, ...notRecreate },
    { $set: { pending } },
  );
}

/** How often lastNotificationAt is written at most: a burst does not write the record 100 times. */
const NOTIFICATION_WRITE_EVERY_MS = 5_000;

export async function recordNotification(models: SubModels, connectionId: string, at: Date): Promise<void> {
  await models.InboxSubscription.updateOne(
    {
      _id: connectionId,
      $or: [
        { lastNotificationAt: null },
        { lastNotificationAt: { $lt: new Date(at.getTime() - NOTIFICATION_WRITE_EVERY_MS) } },
      ],
    },
    { $set: { lastNotificationAt: at } },
  );
}

export type NotificationCheck =
  | { ok: true; connectionId: string; workspaceId: string; subscriptionId: string }
  | { ok: false; reason: 'unknown_subscription' | 'client_state' };

/**
 * Who a notification is for: its subscriptionId must be one we hold, and its clientState that subscription's secret
 * (compared in constant time). The secret never leaves this function.
 */
export async function checkNotification(
  deps: { models: SubModels; box: SecretBox },
  subscriptionId: string,
  clientState: unknown,
): Promise<NotificationCheck> {
  const sub = (await deps.models.InboxSubscription.findOne(
    { subscriptionId },
    { _id: 1, workspaceId: 1, subscriptionId: 1, clientStateEnc: 1 },
  ).lean()) as Pick<InboxSubscriptionDoc, '_id' | 'workspaceId' | 'subscriptionId' | 'clientStateEnc'> | null;
  if (!sub?.clientStateEnc || sub.subscriptionId !== subscriptionId)
    return { ok: false, reason: 'unknown_subscription' };
  let expected: string;
  try {
    expected = deps.box.decrypt(sub.clientStateEnc, clientStateContext(sub._id, subscriptionId));
  } catch {
    return { ok: false, reason: 'client_state' };
  }
  if (!clientStateMatches(clientState, expected)) return { ok: false, reason: 'client_state' };
  return { ok: true, connectionId: sub._id, workspaceId: sub.workspaceId, subscriptionId };
}
