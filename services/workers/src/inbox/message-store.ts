import { createHash } from 'node:crypto';
import type { ConnectionDoc, InboxMessageDoc, Models } from '@outlook-connect/shared';
import type { InboxMessageFields } from './graph-message';
import type { LegacyRow } from './id-migration';
import { COMPARED_FIELDS, messageChanges, type StoredMessage } from './message-diff';
import { createRowInserts, type RowInserts } from './row-inserts';

// The store side of a delta page: idempotent writes by our deterministic `_id` (FerretDB answers only `_id` filters
// from an index; see shared/src/store/README.md), removals, generation cleanup.

type Conn = Pick<ConnectionDoc, '_id' | 'workspaceId'>;
type InboxModels = Pick<Models, 'InboxMessage'>;

/** Our id for a Graph message of a connection: the same on every replay, so an event emitted before a crash names the stored row. */
export function inboxMessageId(connectionId: string, graphId: string): string {
  return `msg_${createHash('sha256').update(`${connectionId}\n${graphId}`).digest('hex').slice(0, 24)}`;
}

/** The stored rows of a page's messages, by Graph id: one query on `_id` (served from the primary key on both stores). */
export async function storedMessages(
  models: InboxModels,
  conn: Conn,
  upserts: InboxMessageFields[],
): Promise<Map<string, StoredMessage>> {
  if (upserts.length === 0) return new Map();
  const projection = Object.fromEntries(COMPARED_FIELDS.map((f) => [f, 1]));
  const stored = (await models.InboxMessage.find(
    { _id: { $in: upserts.map((m) => inboxMessageId(conn._id, m.graphId)) } },
    projection,
  ).lean()) as StoredMessage[];
  const byId = new Map(stored.map((s) => [s._id, s]));
  const out = new Map<string, StoredMessage>();
  for (const m of upserts) {
    const s = byId.get(inboxMessageId(conn._id, m.graphId));
    if (s) out.set(m.graphId, s);
  }
  return out;
}

/**
 * Updates of existing rows go out 50 per bulkWrite. Unpatched FerretDB 1.24 hung for good on one bulkWrite of ~100
 * updates (test/stack/ferretdb/patches/sqlite-zz-update-iterators.patch has the cause and the fix); batches of 50
 * stay fast on both stores and bound what one command holds up on either.
 */
export const UPSERT_BATCH = 50;

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

function newRow(conn: Conn, m: InboxMessageFields, generation: number, at: Date): InboxMessageDoc {
  return {
    inReplyTo: null,
    references: [],
    ...m,
    _id: inboxMessageId(conn._id, m.graphId),
    workspaceId: conn.workspaceId,
    connectionId: conn._id,
    syncGeneration: generation,
    createdAt: at,
    updatedAt: at,
  };
}

/** Inserts the rows; returns the Graph ids another writer stored first (duplicate key), which the caller updates. */
async function insertNew(
  conn: Conn,
  fresh: InboxMessageFields[],
  generation: number,
  insertRows: RowInserts,
): Promise<InboxMessageFields[]> {
  if (fresh.length === 0) return [];
  const at = new Date();
  const duplicates = await insertRows(fresh.map((m) => newRow(conn, m, generation, at)));
  return duplicates.map((i) => fresh[i]!);
}

/**
 * Writes a page's messages under `generation`, given the stored rows `storedMessages` found (for all of them or a
 * subset): the others in one unordered insertMany under our deterministic id (one row per {connectionId, graphId},
 * which the unique index also guards; a row already stored - a replay, a racing writer, a message not looked up -
 * fails with a duplicate key and is updated by `_id` instead), and the looked-up ones updated by `_id`, only the
 * fields that changed. `insertRows`: the process's insert lane (row-inserts.ts); absent, one of this call's own.
 */
export async function writeMessages(
  models: InboxModels,
  conn: Conn,
  upserts: InboxMessageFields[],
  stored: Map<string, StoredMessage>,
  generation: number,
  insertRows: RowInserts = createRowInserts(models),
): Promise<WriteCounts> {
  const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const fresh = upserts.filter((m) => !stored.has(m.graphId));
  const raced = await insertNew(conn, fresh, generation, insertRows);
  counts.inserted = fresh.length - raced.length;

  const updates: Array<{ _id: string; set: Partial<InboxMessageDoc> }> = raced.map((m) => ({
    _id: inboxMessageId(conn._id, m.graphId),
    set: { ...m, syncGeneration: generation },
  }));
  for (const m of upserts) {
    const s = stored.get(m.graphId);
    if (!s) continue;
    const set = messageChanges(s, m, generation);
    if (set) updates.push({ _id: s._id, set });
    else counts.unchanged += 1;
  }
  for (let i = 0; i < updates.length; i += UPSERT_BATCH) {
    await models.InboxMessage.bulkWrite(
      updates
        .slice(i, i + UPSERT_BATCH)
        .map((u) => ({ updateOne: { filter: { _id: u._id }, update: { $set: u.set } } })),
      { ordered: false },
    );
  }
  counts.updated = updates.length;
  return counts;
}

/**
 * Rows of an older generation with the internetMessageId of one of these messages: during the id migration pass,
 * the REST-id rows the messages were stored under (rows the pass already re-keyed carry its generation).
 */
export async function legacyRowsFor(
  models: InboxModels,
  conn: Conn,
  messages: InboxMessageFields[],
  generation: number,
): Promise<LegacyRow[]> {
  const messageIds = [...new Set(messages.map((m) => m.internetMessageId).filter((id): id is string => !!id))];
  if (messageIds.length === 0) return [];
  const current = messages.map((m) => inboxMessageId(conn._id, m.graphId));
  return (await models.InboxMessage.find(
    {
      connectionId: conn._id,
      internetMessageId: { $in: messageIds },
      syncGeneration: { $lt: generation },
      _id: { $nin: current },
    },
    { _id: 1, internetMessageId: 1 },
  ).lean()) as LegacyRow[];
}

/** Removes rows by our `_id` (the REST-id rows a migration pass re-keyed). */
export async function removeRows(models: InboxModels, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await models.InboxMessage.deleteMany({ _id: { $in: ids } });
  return result.deletedCount ?? 0;
}

export async function removeMessages(models: InboxModels, conn: Conn, graphIds: string[]): Promise<number> {
  if (graphIds.length === 0) return 0;
  const result = await models.InboxMessage.deleteMany({
    _id: { $in: graphIds.map((g) => inboxMessageId(conn._id, g)) },
  });
  return result.deletedCount ?? 0;
}

/** Rows per deleteMany of the purge. */
export const PURGE_BATCH = 500;

/**
 * After a full pass of `generation` completed: whatever it did not see is gone from the Inbox. Read first, then
 * deleted by `_id` (the filter repeated, so a row seen again meanwhile stays): FerretDB's deleteMany on a non-`_id`
 * filter costs seconds on a large Inbox even when nothing matches, a read costs one scan.
 */
export async function removeOlderGenerations(models: InboxModels, conn: Conn, generation: number): Promise<number> {
  const filter = { connectionId: conn._id, syncGeneration: { $lt: generation } };
  const stale = await models.InboxMessage.find(filter, { _id: 1 }).lean();
  let removed = 0;
  for (let i = 0; i < stale.length; i += PURGE_BATCH) {
    const ids = stale.slice(i, i + PURGE_BATCH).map((s) => s._id);
    const result = await models.InboxMessage.deleteMany({ ...filter, _id: { $in: ids } });
    removed += result.deletedCount ?? 0;
  }
  return removed;
}
