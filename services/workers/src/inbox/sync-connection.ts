import type { QueueClient } from '@outlook-connect/queues';
import {
  classifyMicrosoftError,
  type ConnectionDoc,
  type Logger,
  type MicrosoftFailure,
  type Models,
} from '@outlook-connect/shared';
import type { RedisConnection } from '@outlook-connect/queues';
import {
  addToSyncSchedule,
  recordActivity,
  recordActivityLater,
  syncNeedsFiling,
} from '@outlook-connect/mailbox-runtime';
import type { AccessTokens, AccessTokenSeed, ConnectionHealth, MailboxGraph } from '@outlook-connect/mailbox-runtime';
import { connectionUnusableOf, mailboxBusyOf } from '@outlook-connect/mailbox-runtime';
import type { InboxPolicy } from './inbox-policy';
import { nextPollDelayMs, notPolledReason } from './poll-schedule';
import { acquireSyncLock, SyncLockLostError } from './sync-lock';
import { failureAction, shouldRecordFailure, shouldRecordSuccess } from './sync-outcome';
import type { SendsLookup } from './reply-lookup';
import type { RowInserts } from './row-inserts';
import { runInboxSync, type SyncRunResult } from './sync-run';
import { recordSyncFailure, recordSyncSuccess, setNextSyncAt, syncSuccessSet } from './sync-state';
import { nextSyncDelayMs, syncRunStarted } from '../push/next-sync';
import type { PushPolicy } from '../push/push-policy';

// One scheduled sync of one mailbox, start to finish: lock, run, record the outcome on the connection, decide when
// the next one runs. Returns what the queue should do with the job; records everything it decides.

export interface InboxSyncDeps {
  models: Pick<
    Models,
    | 'Connection'
    | 'InboxMessage'
    | 'Send'
    | 'ReplyKey'
    | 'ConnectionActivity'
    | 'InboxSubscription'
    | 'ScheduleBucket'
    | 'ScheduleCursor'
  >;
  queues: Pick<QueueClient, 'emit' | 'emitMany' | 'prefix'>;
  redis: RedisConnection;
  /** The connection is read with its token (one store read serves the checks and the first Graph request). */
  tokens: Pick<AccessTokens, 'get'>;
  graph: MailboxGraph;
  health: ConnectionHealth;
  logger: Logger;
  now: () => number;
  inboxPolicy: InboxPolicy;
  /** Push settings: with healthy push the mailbox is polled at the slow safety interval. Absent: push off. */
  pushPolicy?: PushPolicy;
  random?: () => number;
  /** The process's reply-link lookup (inbox-sync.handler); absent: each run uses one of its own. */
  sendsLookup?: SendsLookup;
  /** The process's insert lane for new rows (inbox-sync.handler); absent: each run uses one of its own. */
  rowInserts?: RowInserts;
}

export type SyncOutcome =
  /** Not polled (send_only, needs reconnect, disconnected, gone): the job ends; the sweep brings it back on recovery. */
  | { kind: 'stopped'; reason: string }
  /** Another run holds the mailbox, or the gate says not now: run again at atMs, nothing counted. */
  | { kind: 'busy'; atMs: number; why: string }
  | { kind: 'synced'; atMs: number; result: SyncRunResult }
  | { kind: 'failed'; atMs: number; failure: MicrosoftFailure; failures: number };

const LOCK_RETRY_MS = 2_000;

export async function syncConnection(
  deps: InboxSyncDeps,
  connectionId: string,
  requestedFull: boolean,
): Promise<SyncOutcome> {
  const { conn, seed } = await connectionWithToken(deps, connectionId);
  if (!conn) return { kind: 'stopped', reason: 'not_found' };
  const skip = notPolledReason(conn);
  if (skip) {
    await setNextSyncAt(deps.models, conn._id, null);
    return { kind: 'stopped', reason: skip };
  }
  const lock = await acquireSyncLock(deps.redis, deps.queues.prefix, conn._id);
  if (!lock) return { kind: 'busy', atMs: deps.now() + LOCK_RETRY_MS, why: 'locked' };
  try {
    return await syncLocked(deps, conn, seed, requestedFull, async () => {
      if (!(await lock.extend())) throw new SyncLockLostError(`lost the inbox sync lock of ${conn._id}`);
    });
  } finally {
    await lock.release();
  }
}

/**
 * The connection as AccessTokens.get read it, with its token for the first Graph request (the send path does the same).
 * A connection that is not active, or whose token could not be had (a refresh failing), is read on its own: the checks
 * below stop the first, and the first Graph request asks again for the second's token and classifies what fails.
 */
async function connectionWithToken(
  deps: InboxSyncDeps,
  connectionId: string,
): Promise<{ conn: ConnectionDoc | null; seed?: AccessTokenSeed }> {
  try {
    const seed = await deps.tokens.get(connectionId);
    return { conn: seed.connection, seed };
  } catch {
    return { conn: (await deps.models.Connection.findById(connectionId).lean()) as ConnectionDoc | null };
  }
}

async function syncLocked(
  deps: InboxSyncDeps,
  conn: ConnectionDoc,
  firstSeed: AccessTokenSeed | undefined,
  requestedFull: boolean,
  onPage: () => Promise<void>,
): Promise<SyncOutcome> {
  const random = deps.random ?? Math.random;
  const startedAtMs = deps.now();
  await syncRunStarted(deps, conn._id, startedAtMs);
  // The attempt is written with the first run's first store write; a resync in the same run has it already.
  let attemptAt: Date | undefined = new Date(deps.now());
  // Only the first run's first request: a resync in the same run reads the token again.
  let seed = firstSeed;
  let force: 'resync' | 'requested' | null = requestedFull ? 'requested' : null;
  let current = conn;
  for (;;) {
    try {
      const success: { now?: number; atMs?: number } = {};
      const nextSync = async (passCompleted: boolean) => {
        const now = deps.now();
        // A pass cut at the page budget continues right away, behind the other mailboxes already waiting.
        const atMs = passCompleted ? now + (await nextSyncDelayMs(deps, conn._id, startedAtMs, random())) : now;
        await fileNextSync(deps, conn, atMs);
        Object.assign(success, { now, atMs });
        return { now, atMs };
      };
      // The success is written with the run's last cursor write (one store write fewer per run).
      const finish = async (passCompleted: boolean) => {
        const { now, atMs } = await nextSync(passCompleted);
        return syncSuccessSet(new Date(now), new Date(atMs));
      };
      const result = await runInboxSync({ ...deps, onPage, attemptAt, seed, finish }, current, force);
      if (success.atMs === undefined) {
        // A run that ended without writing its cursor (none does today): the success in a write of its own.
        const { now, atMs } = await nextSync(result.passCompleted);
        await recordSyncSuccess(deps.models, conn._id, new Date(now), new Date(atMs));
      }
      const now = success.now!;
      const atMs = success.atMs!;
      if (shouldRecordSuccess(result, conn.sync?.consecutiveFailures ?? 0)) {
        const { added, updated, removed, purged, events, pages, full, passCompleted } = result;
        // For operators, nobody waits for it: written with the other lines of the next moments in one insert.
        recordActivityLater(deps, conn, 'synced', new Date(now), {
          added,
          updated,
          removed,
          purged,
          events,
          pages,
          full,
          passCompleted,
          start: result.start.kind,
        });
      }
      return { kind: 'synced', atMs, result };
    } catch (err) {
      const busy = mailboxBusyOf(err);
      if (busy) return { kind: 'busy', atMs: busy.retryAtMs, why: busy.why };
      const unusable = connectionUnusableOf(err);
      if (unusable) {
        await setNextSyncAt(deps.models, conn._id, null);
        return { kind: 'stopped', reason: unusable.status };
      }
      const failure = classifyMicrosoftError(err, { now: deps.now() });
      const action = failureAction(failure);
      // The cursor is gone: one full resync in this same run (a second invalid cursor in a row is a failure).
      if (action.kind === 'resync' && force !== 'resync') {
        deps.logger.warn(
          { connectionId: conn._id, code: failure.code, graphCode: failure.graphCode },
          'inbox delta cursor invalid; full resync',
        );
        force = 'resync';
        attemptAt = undefined;
        seed = undefined;
        current = ((await deps.models.Connection.findById(conn._id).lean()) as ConnectionDoc | null) ?? current;
        continue;
      }
      return failed(deps, conn, failure, action.kind === 'report', err);
    }
  }
}

async function failed(
  deps: InboxSyncDeps,
  conn: ConnectionDoc,
  failure: MicrosoftFailure,
  report: boolean,
  err: unknown,
): Promise<SyncOutcome> {
  const now = deps.now();
  const before = conn.sync?.consecutiveFailures ?? 0;
  const failures = await recordSyncFailure(deps.models, conn._id, new Date(now), failure);
  const atMs = now + nextPollDelayMs(deps.inboxPolicy, failures, (deps.random ?? Math.random)(), failure.retryAfterMs);
  if (shouldRecordFailure(conn.sync?.lastError, before, failure.code)) {
    await recordActivity(deps.models, conn, 'sync_failed', new Date(now), {
      kind: failure.kind,
      code: failure.code,
      status: failure.status,
      message: failure.message,
      failures,
      retryAt: new Date(atMs),
    });
  }
  deps.logger.warn(
    {
      connectionId: conn._id,
      code: failure.code,
      kind: failure.kind,
      failures,
      err: failure.code === 'unknown' ? err : undefined,
    },
    'inbox sync failed',
  );
  if (report) {
    await deps.health.reportFailure(conn._id, failure);
    const after = (await deps.models.Connection.findById(conn._id).lean()) as ConnectionDoc | null;
    const skip = after ? notPolledReason(after) : 'not_found';
    if (skip) {
      await setNextSyncAt(deps.models, conn._id, null);
      return { kind: 'stopped', reason: skip };
    }
  }
  await fileNextSync(deps, conn, atMs);
  await setNextSyncAt(deps.models, conn._id, new Date(atMs));
  return { kind: 'failed', atMs, failure, failures };
}

/**
 * The store's sync schedule (what the sync sweep reads) gets the next sync only when the connection was on it at no
 * earlier minute; a later one costs no write (the sweep moves the entry on). Filed before nextSyncAt is written: a
 * crash in between leaves an entry the sweep moves or drops, never a polled connection it cannot find.
 */
async function fileNextSync(deps: InboxSyncDeps, conn: ConnectionDoc, atMs: number): Promise<void> {
  if (syncNeedsFiling(conn.sync?.nextSyncAt, new Date(atMs)))
    await addToSyncSchedule(deps.models, [{ _id: conn._id, atMs }], deps.now());
}
