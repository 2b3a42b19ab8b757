import type { SyncState } from '@outlook-connect/shared';
import type { InboxMessageFields } from './graph-message';

// Rows written before the product asked for immutable ids hold REST ids, which change when a message moves. A
// connection migrates once: one full pass under immutable ids that re-keys each old row it can match by
// internetMessageId (translateExchangeIds would need User.Read, which no scope preset grants), then purges the rest
// like any full pass.

export type IdState = Pick<
  SyncState,
  'idType' | 'idMigrationGeneration' | 'deltaLink' | 'pageLink' | 'pendingGeneration' | 'generation'
>;

/** True when the connection's rows (or its pass in progress) may hold REST ids: it synced before immutable ids. */
export function needsIdMigration(sync: IdState): boolean {
  if (sync.idType === 'immutable') return false;
  return !!sync.deltaLink || !!sync.pageLink || sync.pendingGeneration != null || sync.generation > 0;
}

/** True when this pass is the one re-keying old rows (a resumed or reset migration pass keeps its generation). */
export function isMigrationPass(sync: Pick<IdState, 'idMigrationGeneration'>, generation: number): boolean {
  return sync.idMigrationGeneration === generation;
}

export interface LegacyRow {
  _id: string;
  internetMessageId: string | null;
}

/**
 * Pairs a page's messages with old rows of the same internetMessageId, one row per message (two copies of one
 * message in the Inbox share it): graphId (immutable) -> the old row. Messages without one stay unpaired.
 */
export function pairLegacyRows(
  messages: Pick<InboxMessageFields, 'graphId' | 'internetMessageId'>[],
  rows: LegacyRow[],
): Map<string, LegacyRow> {
  const byMessageId = new Map<string, LegacyRow[]>();
  for (const row of rows) {
    if (!row.internetMessageId) continue;
    const list = byMessageId.get(row.internetMessageId) ?? [];
    list.push(row);
    byMessageId.set(row.internetMessageId, list);
  }
  const paired = new Map<string, LegacyRow>();
  for (const m of messages) {
    const row = m.internetMessageId ? byMessageId.get(m.internetMessageId)?.shift() : undefined;
    if (row) paired.set(m.graphId, row);
  }
  return paired;
}
