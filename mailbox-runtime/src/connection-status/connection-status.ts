import { emitEvent, eventId, lookForSentCopiesNow } from '@outlook-connect/queues';
import {
  canReadMail,
  type AppSecretStatus,
  type ConnectionDoc,
  type MicrosoftFailure,
  type OAuthAppDoc,
  type StatusReason,
} from '@outlook-connect/shared';
import type { RuntimeDeps } from '../runtime-deps';
import { addToSyncSchedule } from '../schedule/sync-schedule';
import { recordActivity } from '../timeline/activity';
import { scheduleRefresh, unscheduleRefresh } from '../tokens/refresh-schedule';
import { retryDelayMs } from '../tokens/should-refresh';
import { recordGrant, type RecordGrantInput, type RecordGrantMismatch, type RecordGrantResult } from './record-grant';

// The one owner of a connection's status: every change (connected, reconnected, refresh failed, needs reconnect,
// app secret expired or invalid, recovered, disconnected) is written here with its compare-and-set, (un)schedules
// the refresh, appends the timeline line and emits the one event for it. A test fails on status writes elsewhere.

export type StatusDeps = Pick<RuntimeDeps, 'models' | 'queues' | 'logger'>;

const publicReason = (r: StatusReason) => ({
  code: r.code,
  message: r.message,
  remediation: r.remediation,
  ...(r.aadsts !== undefined ? { aadsts: r.aadsts } : {}),
  ...(r.appSecretVersion !== undefined ? { appSecretVersion: r.appSecretVersion } : {}),
});

export const failureRecord = (failure: MicrosoftFailure, at: Date) => ({
  kind: failure.kind,
  code: failure.code,
  message: failure.message,
  ...(failure.aadsts !== undefined ? { aadsts: failure.aadsts } : {}),
  at,
});

type ConnectInput = Omit<RecordGrantInput, 'models'> & { attemptId: string };

/**
 * Connected or reconnected in place from a fresh grant; `attemptId` (the connect attempt) makes the event id. With
 * `expectedConnectionId` (a reconnect of one connection) a grant of another account changes nothing (a mismatch).
 */
export async function markConnected(
  deps: StatusDeps,
  input: ConnectInput & { expectedConnectionId: string },
): Promise<RecordGrantResult | RecordGrantMismatch>;
export async function markConnected(deps: StatusDeps, input: ConnectInput): Promise<RecordGrantResult>;
export async function markConnected(
  deps: StatusDeps,
  input: ConnectInput & { expectedConnectionId?: string },
): Promise<RecordGrantResult | RecordGrantMismatch> {
  const { attemptId, expectedConnectionId, ...grantInput } = input;
  const recorded = expectedConnectionId
    ? await recordGrant({ ...grantInput, models: deps.models, expectedConnectionId })
    : await recordGrant({ ...grantInput, models: deps.models });
  if ('mismatch' in recorded) return recorded;
  const { connection, created } = recorded;
  const type = created ? 'connection.created' : 'connection.reconnected';
  await emitEvent(
    deps.queues,
    type,
    { workspaceId: connection.workspaceId, connectionId: connection._id, appId: connection.appId },
    {
      mailbox: connection.mailbox,
      scopePreset: connection.scopePreset,
      grantedScopes: connection.grantedScopes,
      tenantId: connection.tenantId,
    },
    { id: eventId(type, connection._id, attemptId) },
  );
  if (!created) await lookForSentCopiesAgain(deps, connection._id, `reconnected-${attemptId}`);
  return recorded;
}

/**
 * The Sent Items follow-up stops while a connection cannot be used: usable again (reconnected, recovered), its
 * submitted sends are looked for now. A miss (Redis down) is not the status write's failure: the operation sweep books
 * overdue looks (services/workers/src/maintenance/follow-up-sweep.ts).
 */
async function lookForSentCopiesAgain(deps: StatusDeps, connectionId: string, cause: string): Promise<void> {
  await lookForSentCopiesNow(deps.queues, connectionId, cause).catch((err: unknown) =>
    deps.logger.warn({ connectionId, err }, 'could not book the Sent Items follow-up; the operation sweep will'),
  );
}

/**
 * Active -> needs_reconnect (compare-and-set on status, so it happens once): reason + remediation stored, the pending
 * refresh job removed, `connection.needs_reconnect` emitted, a status_changed line written. False if it was not active.
 */
export async function markNeedsReconnect(
  deps: StatusDeps,
  conn: Pick<ConnectionDoc, '_id' | 'workspaceId'>,
  reason: StatusReason,
  extra: Record<string, unknown> = {},
): Promise<boolean> {
  const updated = await deps.models.Connection.findOneAndUpdate(
    { _id: conn._id, status: 'active' },
    { $set: { status: 'needs_reconnect', statusReason: reason, nextRefreshAt: null, ...extra } },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) return false;
  await unscheduleRefresh(deps.queues, updated as ConnectionDoc);
  await emitNeedsReconnect(deps, updated as ConnectionDoc, reason);
  await recordActivity(deps.models, updated, 'status_changed', reason.since, {
    from: 'active',
    to: 'needs_reconnect',
    reason: publicReason(reason),
  });
  deps.logger.info({ connectionId: conn._id, code: reason.code, aadsts: reason.aadsts }, 'connection needs reconnect');
  return true;
}

function emitNeedsReconnect(
  deps: StatusDeps,
  conn: Pick<ConnectionDoc, '_id' | 'workspaceId' | 'appId' | 'mailbox'>,
  reason: StatusReason,
) {
  return emitEvent(
    deps.queues,
    'connection.needs_reconnect',
    { workspaceId: conn.workspaceId, connectionId: conn._id, appId: conn.appId },
    { mailbox: conn.mailbox, status: 'needs_reconnect', reason: publicReason(reason) },
    { id: eventId('connection.needs_reconnect', conn._id, reason.since.getTime()), occurredAt: reason.since },
  );
}

/** A transient refresh failure: counted on the connection, the next try scheduled with backoff; stays active. */
export async function markRefreshFailed(
  deps: StatusDeps & Pick<RuntimeDeps, 'policy'>,
  conn: ConnectionDoc,
  failure: MicrosoftFailure,
  at: Date,
): Promise<boolean> {
  const failures = conn.refreshFailures + 1;
  const next = new Date(at.getTime() + retryDelayMs(failures, deps.policy, failure.retryAfterMs));
  const updated = await deps.models.Connection.findOneAndUpdate(
    { _id: conn._id, status: 'active', tokenVersion: conn.tokenVersion, refreshFailures: conn.refreshFailures },
    { $set: { refreshFailures: failures, lastRefreshError: failureRecord(failure, at), nextRefreshAt: next } },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) return false; // refreshed or marked meanwhile
  await scheduleRefresh(deps, updated as ConnectionDoc, at.getTime(), conn.nextRefreshAt);
  await recordActivity(deps.models, conn, 'refresh_failed', at, {
    kind: failure.kind,
    code: failure.code,
    aadsts: failure.aadsts,
    failures,
    retryAt: next,
  });
  deps.logger.warn(
    { connectionId: conn._id, code: failure.code, failures, retryAt: next },
    'token refresh failed; retrying',
  );
  return true;
}

/**
 * Marks an OAuth app's secret expired or invalid, once per secret version (compare-and-set): an update of the
 * secret meanwhile wins, and the app event is emitted once.
 */
export async function markAppSecret(
  deps: StatusDeps,
  app: Pick<OAuthAppDoc, '_id' | 'workspaceId'>,
  secretVersion: number,
  status: Exclude<AppSecretStatus, 'ok'>,
  at: Date,
  data: { code?: string; aadsts?: number; secretExpiresAt?: Date | null } = {},
): Promise<boolean> {
  const res = await deps.models.OAuthApp.updateOne(
    { _id: app._id, secretVersion, secretStatus: 'ok' },
    { $set: { secretStatus: status, secretStatusSince: at } },
  );
  if (res.modifiedCount !== 1) return false;
  const type = status === 'expired' ? 'app.secret_expired' : 'app.secret_invalid';
  const { secretExpiresAt, ...rest } = data;
  const payload = {
    secretVersion,
    secretStatus: status,
    ...rest,
    ...(secretExpiresAt !== undefined ? { secretExpiresAt: secretExpiresAt?.toISOString() ?? null } : {}),
  };
  await emitEvent(deps.queues, type, { workspaceId: app.workspaceId, appId: app._id }, payload, {
    id: eventId(type, app._id, `v${secretVersion}`),
    occurredAt: at,
  });
  deps.logger.warn({ appId: app._id, secretVersion, status }, 'OAuth app secret marked');
  return true;
}

/** The app's secret works again (a connection recovered under this version). */
export async function markAppSecretOk(deps: StatusDeps, appId: string, secretVersion: number, at: Date): Promise<void> {
  await deps.models.OAuthApp.updateOne(
    { _id: appId, secretVersion, secretStatus: { $ne: 'ok' } },
    { $set: { secretStatus: 'ok', secretStatusSince: at } },
  );
}

/** Every active connection of the app goes needs_reconnect with the app's reason (paged, each one compare-and-set). */
export async function markAppConnections(deps: StatusDeps, appId: string, reason: StatusReason): Promise<number> {
  let marked = 0;
  for (;;) {
    const batch = await deps.models.Connection.find({ appId, status: 'active' }, { _id: 1, workspaceId: 1 })
      .limit(200)
      .lean();
    if (!batch.length) return marked;
    for (const conn of batch) if (await markNeedsReconnect(deps, conn, reason)) marked++;
  }
}

/**
 * needs_reconnect -> active with the tokens of a refresh under the app's updated secret (compare-and-set on token
 * version and status): the refresh scheduled, a status_changed line, `connection.recovered`. Null if it lost the race.
 */
export async function markRecovered(
  deps: StatusDeps & Pick<RuntimeDeps, 'policy'>,
  conn: ConnectionDoc,
  tokens: Record<string, unknown>,
  ctx: { secretVersion: number; at: Date },
): Promise<ConnectionDoc | null> {
  const updated = (await deps.models.Connection.findOneAndUpdate(
    { _id: conn._id, tokenVersion: conn.tokenVersion, status: 'needs_reconnect' },
    { $set: { ...tokens, status: 'active', statusReason: null }, $inc: { tokenVersion: 1 } },
    { returnDocument: 'after' },
  ).lean()) as ConnectionDoc | null;
  if (!updated) return null;
  // Off the store's schedules while it needed reconnecting: filed again (its inbox sync due now).
  await scheduleRefresh(deps, updated, ctx.at.getTime());
  if (canReadMail(updated.grantedScopes))
    await addToSyncSchedule(deps.models, [{ _id: updated._id, atMs: ctx.at.getTime() }], ctx.at.getTime());
  await emitEvent(
    deps.queues,
    'connection.recovered',
    { workspaceId: conn.workspaceId, connectionId: conn._id, appId: conn.appId },
    {
      mailbox: conn.mailbox,
      status: 'active',
      ...(conn.statusReason?.code ? { previousReason: conn.statusReason.code } : {}),
      secretVersion: ctx.secretVersion,
    },
    { id: eventId('connection.recovered', conn._id, `v${updated.tokenVersion}`), occurredAt: ctx.at },
  );
  await lookForSentCopiesAgain(deps, conn._id, `recovered-v${updated.tokenVersion}`);
  await recordActivity(deps.models, conn, 'status_changed', ctx.at, {
    from: 'needs_reconnect',
    to: 'active',
    cause: 'app_secret_updated',
    secretVersion: ctx.secretVersion,
  });
  return updated;
}

/** Retried after the app's secret update and refused again: stays needs_reconnect with the new reason (and its event). */
export async function markStillNeedsReconnect(
  deps: StatusDeps,
  conn: ConnectionDoc,
  reason: StatusReason,
  detail: Record<string, unknown>,
): Promise<boolean> {
  const res = await deps.models.Connection.updateOne(
    { _id: conn._id, status: 'needs_reconnect', tokenVersion: conn.tokenVersion },
    { $set: { statusReason: reason } },
  );
  if (res.modifiedCount !== 1) return false;
  await emitNeedsReconnect(deps, conn, reason);
  await recordActivity(deps.models, conn, 'refresh_failed', reason.since, detail);
  return true;
}

const DISCONNECTED = {
  code: 'disconnected',
  message: 'The connection was disconnected.',
  remediation: 'Connect the mailbox again from the Email Connections page to use it.',
};

/**
 * Any status -> disconnected: tokens wiped, refresh and sync unscheduled in the record, the token version bumped (an
 * in-flight refresh's compare-and-set loses), a line and `connection.disconnected`. Null when it already was.
 */
export async function markDisconnected(
  deps: StatusDeps,
  workspaceId: string,
  connectionId: string,
  now: Date,
): Promise<ConnectionDoc | null> {
  const updated = (await deps.models.Connection.findOneAndUpdate(
    { _id: connectionId, workspaceId, status: { $ne: 'disconnected' } },
    {
      $set: {
        status: 'disconnected',
        statusReason: { ...DISCONNECTED, since: now },
        accessTokenEnc: null,
        refreshTokenEnc: null,
        accessTokenExpiresAt: null,
        nextRefreshAt: null,
        'sync.nextSyncAt': null,
        disconnectedAt: now,
      },
      $inc: { tokenVersion: 1 },
    },
    { returnDocument: 'after' },
  ).lean()) as ConnectionDoc | null;
  if (!updated) return null;
  await recordActivity(deps.models, updated, 'disconnected', now, {});
  await emitEvent(
    deps.queues,
    'connection.disconnected',
    { workspaceId, connectionId, appId: updated.appId },
    { mailbox: updated.mailbox },
    { id: eventId('connection.disconnected', connectionId, `v${updated.tokenVersion}`), occurredAt: now },
  );
  return updated;
}
