import type { Logger, Models } from '@outlook-connect/shared';
import type { Model } from 'mongoose';
import { removeReplyKeys, type KeyedSend } from '../send/reply-keys';
import type { MaintenancePolicy } from './maintenance-policy';

// Old records go in bounded batches (no TTL indexes: FerretDB has none): connect attempts past their expiry, finished
// sends and calendar operations, activity lines, finished webhook deliveries, and inbox messages that fell out of the mirror window (INBOX_MIRROR_DAYS). Each delete is by `_id $in` (indexed everywhere), after an indexed
// find of at most `retentionBatch` ids; one run does at most `retentionMaxBatches` per collection, the next continues.
// A deleted send also leaves its reply keys (../send/reply-keys.ts), so that collection does not outgrow `sends`.

export interface RetentionDeps {
  models: Pick<
    Models,
    | 'ConnectAttempt'
    | 'Send'
    | 'ReplyKey'
    | 'CalendarOperation'
    | 'ConnectionActivity'
    | 'InboxMessage'
    | 'WebhookDelivery'
  >;
  logger: Logger;
  now: () => number;
  maintenancePolicy: MaintenancePolicy;
  /** The inbox view's mirror window in days (null: every message is mirrored, none ages out). */
  inboxMirrorDays: number | null;
}

export interface RetentionResult {
  connectAttempts: number;
  sends: number;
  calendarOperations: number;
  activityLines: number;
  inboxMessages: number;
  webhookDeliveries: number;
}

const DAY_MS = 86_400_000;

type Row = { _id: string } & Record<string, unknown>;

async function prune(
  model: Model<Record<string, unknown>>,
  filter: Record<string, unknown>,
  sort: Record<string, 1>,
  policy: MaintenancePolicy,
  after?: { fields: Record<string, 1>; deleted(rows: Row[]): Promise<void> },
): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < policy.retentionMaxBatches; i++) {
    const rows = (await model
      .find(filter, { _id: 1, ...after?.fields })
      .sort(sort)
      .limit(policy.retentionBatch)
      .lean()) as unknown as Row[];
    const ids = rows.map((d) => d._id);
    if (!ids.length) break;
    // The filter again with the ids: a record that changed since the find (e.g. reopened) stays.
    const res = await model.deleteMany({ _id: { $in: ids }, ...filter });
    deleted += res.deletedCount;
    if (after) {
      const kept = res.deletedCount === ids.length ? [] : await model.find({ _id: { $in: ids } }, { _id: 1 }).lean();
      const stays = new Set((kept as unknown as Row[]).map((d) => d._id));
      await after.deleted(rows.filter((r) => !stays.has(r._id)));
    }
    if (ids.length < policy.retentionBatch) break;
  }
  return deleted;
}

export async function retention(deps: RetentionDeps): Promise<RetentionResult> {
  const p = deps.maintenancePolicy;
  const now = deps.now();
  const before = (ms: number) => new Date(now - ms);
  const m = deps.models as unknown as Record<keyof RetentionDeps['models'], Model<Record<string, unknown>>>;
  const result: RetentionResult = {
    connectAttempts: await prune(
      m.ConnectAttempt,
      { expiresAt: { $lt: before(p.connectAttemptRetentionMs) } },
      { expiresAt: 1 },
      p,
    ),
    sends: await prune(
      m.Send,
      { status: { $in: ['sent', 'failed', 'canceled'] }, updatedAt: { $lt: before(p.sendRetentionMs) } },
      { updatedAt: 1 },
      p,
      {
        fields: { connectionId: 1, internetMessageId: 1, conversationId: 1 },
        deleted: (rows) => removeReplyKeys(deps.models, rows as unknown as KeyedSend[]),
      },
    ),
    calendarOperations: await prune(
      m.CalendarOperation,
      { status: { $in: ['succeeded', 'failed'] }, updatedAt: { $lt: before(p.calendarRetentionMs) } },
      { updatedAt: 1 },
      p,
    ),
    activityLines: await prune(m.ConnectionActivity, { at: { $lt: before(p.activityRetentionMs) } }, { at: 1 }, p),
    inboxMessages:
      deps.inboxMirrorDays === null
        ? 0
        : await prune(
            m.InboxMessage,
            { receivedAt: { $lt: before(deps.inboxMirrorDays * DAY_MS) } },
            { receivedAt: 1 },
            p,
          ),
    webhookDeliveries: await prune(
      m.WebhookDelivery,
      { status: { $in: ['delivered', 'failed'] }, updatedAt: { $lt: before(p.webhookDeliveryRetentionMs) } },
      { updatedAt: 1 },
      p,
    ),
  };
  if (Object.values(result).some((n) => n > 0)) deps.logger.info(result, 'retention deleted old records');
  return result;
}
