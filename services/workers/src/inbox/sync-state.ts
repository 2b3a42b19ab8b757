import type { ConnectionDoc, MicrosoftFailure, Models, SyncState } from '@outlook-connect/shared';

// The connection's `sync` sub-document: cursor, pass progress and health fields. Single-document $set/$inc only.

type ConnModels = Pick<Models, 'Connection'>;

/** What a completed pass writes: the new cursor, and for a full pass its generation and the cursor's birth. */
export function passCompletionSet(
  full: boolean,
  generation: number,
  deltaLink: string,
  now: Date,
): Record<string, unknown> {
  const set: Record<string, unknown> = {
    'sync.deltaLink': deltaLink,
    'sync.pageLink': null,
    'sync.pendingGeneration': null,
    'sync.initialSyncComplete': true,
  };
  if (full) {
    set['sync.generation'] = generation;
    set['sync.cursorCreatedAt'] = now;
    set['sync.idMigrationGeneration'] = null;
  }
  return set;
}

export async function markAttempt(models: ConnModels, connectionId: string, now: Date): Promise<void> {
  await models.Connection.updateOne({ _id: connectionId }, { $set: { 'sync.lastAttemptAt': now } });
}

/**
 * A full pass starts: its generation is recorded before the first page, so a crash restarts the same generation. It
 * asks for immutable ids (every request does), so from here on the connection's rows are immutable-id rows; the pass
 * that migrates REST-id rows records its generation, so a resumed or reset run keeps re-keying. `attemptAt`: the
 * run's attempt in the same write (markAttempt's field).
 */
export function fullPassStartSet(generation: number, migratingIds = false, attemptAt?: Date): Record<string, unknown> {
  const set: Record<string, unknown> = {
    'sync.pendingGeneration': generation,
    'sync.pageLink': null,
    'sync.idType': 'immutable',
  };
  if (migratingIds) set['sync.idMigrationGeneration'] = generation;
  if (attemptAt) set['sync.lastAttemptAt'] = attemptAt;
  return set;
}

/**
 * Whether a full pass's start may go with its first page's progress write instead of a write of its own: only on a
 * connection with no sync state at all (never synced, no pass begun, no cursor). A crash before that write leaves it
 * so, and the next run starts this very pass again (generation 1, immutable ids, nothing older to purge), updating the
 * rows it finds instead of duplicating them.
 */
export function passStartCanWait(sync: SyncCursorState, start: { kind: string; generation: number }): boolean {
  return (
    start.kind === 'full' &&
    start.generation === 1 &&
    sync.generation === 0 &&
    !sync.deltaLink &&
    !sync.pageLink &&
    sync.pendingGeneration == null &&
    sync.idMigrationGeneration == null
  );
}

type SyncCursorState = Pick<SyncState, 'generation' | 'deltaLink' | 'pageLink' | 'pendingGeneration'> &
  Partial<Pick<SyncState, 'idMigrationGeneration'>>;

export async function beginFullPass(
  models: ConnModels,
  connectionId: string,
  generation: number,
  migratingIds = false,
  attemptAt?: Date,
): Promise<void> {
  await models.Connection.updateOne(
    { _id: connectionId },
    { $set: fullPassStartSet(generation, migratingIds, attemptAt) },
  );
}

/**
 * `storedDelta`: rows the page added minus rows it removed, counted into `sync.syncedCount` with the progress (a count
 * of the stored rows costs a scan on FerretDB). A crash between a page's writes and this one leaves the count off by
 * that page's rows. `also`: fields written with it (the run's success when this is its last page).
 */
export async function savePageProgress(
  models: ConnModels,
  connectionId: string,
  pageLink: string,
  storedDelta: number,
  also: Record<string, unknown> = {},
): Promise<void> {
  await models.Connection.updateOne(
    { _id: connectionId },
    { $set: { ...also, 'sync.pageLink': pageLink }, $inc: { 'sync.syncedCount': storedDelta } },
  );
}

export async function completePass(
  models: ConnModels,
  connectionId: string,
  set: Record<string, unknown>,
  storedDelta: number,
): Promise<void> {
  await models.Connection.updateOne({ _id: connectionId }, { $set: set, $inc: { 'sync.syncedCount': storedDelta } });
}

/** What a successful run records: its time, the failure streak cleared, the next sync. */
export function syncSuccessSet(now: Date, nextSyncAt: Date): Record<string, unknown> {
  return {
    'sync.lastSuccessAt': now,
    'sync.lastError': null,
    'sync.consecutiveFailures': 0,
    'sync.nextSyncAt': nextSyncAt,
  };
}

export async function recordSyncSuccess(
  models: ConnModels,
  connectionId: string,
  now: Date,
  nextSyncAt: Date,
): Promise<void> {
  await models.Connection.updateOne({ _id: connectionId }, { $set: syncSuccessSet(now, nextSyncAt) });
}

/** Records a failed run; returns the streak length including this failure. */
export async function recordSyncFailure(
  models: ConnModels,
  connectionId: string,
  now: Date,
  failure: Pick<MicrosoftFailure, 'code' | 'message'>,
): Promise<number> {
  const after = await models.Connection.findOneAndUpdate(
    { _id: connectionId },
    {
      $set: { 'sync.lastError': { code: failure.code, message: failure.message, at: now } },
      $inc: { 'sync.consecutiveFailures': 1 },
    },
    { returnDocument: 'after' },
  ).lean<ConnectionDoc>();
  return after?.sync?.consecutiveFailures ?? 1;
}

export async function setNextSyncAt(models: ConnModels, connectionId: string, nextSyncAt: Date | null): Promise<void> {
  await models.Connection.updateOne({ _id: connectionId }, { $set: { 'sync.nextSyncAt': nextSyncAt } });
}
