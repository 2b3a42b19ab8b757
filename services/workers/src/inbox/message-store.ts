import { createHash } from 'node:crypto';
import type { ConnectionDoc, Models } from '@outlook-connect/shared';
import type { InboxMessageFields } from './graph-message';

// The store side of a delta page: idempotent upserts by {connectionId, graphId}, removals, generation cleanup.

type Conn = Pick<ConnectionDoc, '_id' | 'workspaceId'>;
type InboxModels = Pick<Models, 'InboxMessage'>;

/** Our id for a Graph message of a connection: the same on every replay, so an event emitted before a crash names the stored row. */
export function inboxMessageId(connectionId: string, graphId: string): string {
  return `msg_${createHash('sha256').update(`${connectionId}\n${graphId}`).digest('hex').slice(0, 24)}`;
}

/** The upserts of a page whose Graph id is not stored yet for this connection. */
export async function unseenMessages(models: InboxModels, conn: Conn, upserts: InboxMessageFields[]): Promise<InboxMessageFields[]> {
  if (upserts.length === 0) return [];
  const stored = await models.InboxMessage.find({ _id: { $in: upserts.map((m) => inboxMessageId(conn._id, m.graphId)) } }, { graphId: 1 }).lean();
  const known = new Set(stored.map((s) => s.graphId));
  return upserts.filter((m) => !known.has(m.graphId));
}

/** FerretDB 1.24 stalls on one bulkWrite of ~100 updates of existing rows; batches of 50 stay fast on both stores. */
export const UPSERT_BATCH = 50;

/**
 * Upserts a page's messages under `generation`: independent upserts keyed by our deterministic id (one row per
 * {connectionId, graphId}, which the unique index also guards), so a replayed page changes nothing twice.
 */
export async function upsertMessages(models: InboxModels, conn: Conn, upserts: InboxMessageFields[], generation: number): Promise<void> {
  for (let i = 0; i < upserts.length; i += UPSERT_BATCH) {
    await models.InboxMessage.bulkWrite(
      upserts.slice(i, i + UPSERT_BATCH).map((m) => ({
        updateOne: {
          filter: { _id: inboxMessageId(conn._id, m.graphId) },
          update: { $set: { ...m, workspaceId: conn.workspaceId, connectionId: conn._id, syncGeneration: generation } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }
}

export async function removeMessages(models: InboxModels, conn: Conn, graphIds: string[]): Promise<number> {
  if (graphIds.length === 0) return 0;
  const result = await models.InboxMessage.deleteMany({ connectionId: conn._id, graphId: { $in: graphIds } });
  return result.deletedCount ?? 0;
}

/** After a full pass of `generation` completed: whatever it did not see is gone from the Inbox. */
export async function removeOlderGenerations(models: InboxModels, conn: Conn, generation: number): Promise<number> {
  const result = await models.InboxMessage.deleteMany({ connectionId: conn._id, syncGeneration: { $lt: generation } });
  return result.deletedCount ?? 0;
}

export async function oldestStoredAt(models: InboxModels, conn: Conn): Promise<Date | null> {
  const oldest = await models.InboxMessage.findOne({ workspaceId: conn.workspaceId, connectionId: conn._id }, { receivedAt: 1 })
    .sort({ receivedAt: 1 })
    .lean();
  return oldest?.receivedAt ?? null;
}

export async function storedCount(models: InboxModels, conn: Conn): Promise<number> {
  return models.InboxMessage.countDocuments({ connectionId: conn._id });
}
