import type { AppSecretStatus, ConnectionDoc, OAuthAppDoc, StatusReason } from '@outlook-connect/shared';
import type { LifecycleDeps } from '../tokens/lifecycle-deps';
import { unscheduleRefresh } from '../tokens/refresh-schedule';
import { recordActivity } from './activity';

type MarkDeps = Pick<LifecycleDeps, 'models' | 'queues' | 'logger'>;

const publicReason = (r: StatusReason) => ({
  code: r.code,
  message: r.message,
  remediation: r.remediation,
  ...(r.aadsts !== undefined ? { aadsts: r.aadsts } : {}),
  ...(r.appSecretVersion !== undefined ? { appSecretVersion: r.appSecretVersion } : {}),
});

/**
 * Active -> needs_reconnect (compare-and-set on status, so it happens once): reason + remediation stored, the pending
 * refresh job removed, `connection.needs_reconnect` emitted, a status_changed line written. False if it was not active.
 */
export async function markNeedsReconnect(
  deps: MarkDeps,
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
  await deps.queues.emit({
    type: 'connection.needs_reconnect',
    id: `connection.needs_reconnect-${conn._id}-${reason.since.getTime()}`,
    workspaceId: updated.workspaceId,
    connectionId: updated._id,
    appId: updated.appId,
    occurredAt: reason.since,
    data: { mailbox: updated.mailbox, status: 'needs_reconnect', reason: publicReason(reason) },
  });
  await recordActivity(deps.models, updated, 'status_changed', reason.since, { from: 'active', to: 'needs_reconnect', reason: publicReason(reason) });
  deps.logger.info({ connectionId: conn._id, code: reason.code, aadsts: reason.aadsts }, 'connection needs reconnect');
  return true;
}

/**
 * Marks an OAuth app's secret expired or invalid, once per secret version (compare-and-set): an update of the
 * secret meanwhile wins, and the app event is emitted once.
 */
export async function markAppSecret(
  deps: MarkDeps,
  app: Pick<OAuthAppDoc, '_id' | 'workspaceId'>,
  secretVersion: number,
  status: Exclude<AppSecretStatus, 'ok'>,
  at: Date,
  data: Record<string, unknown> = {},
): Promise<boolean> {
  const res = await deps.models.OAuthApp.updateOne(
    { _id: app._id, secretVersion, secretStatus: 'ok' },
    { $set: { secretStatus: status, secretStatusSince: at } },
  );
  if (res.modifiedCount !== 1) return false;
  const type = status === 'expired' ? 'app.secret_expired' : 'app.secret_invalid';
  await deps.queues.emit({
    type,
    id: `${type}-${app._id}-v${secretVersion}`,
    workspaceId: app.workspaceId,
    appId: app._id,
    occurredAt: at,
    data: { secretVersion, secretStatus: status, ...data },
  });
  deps.logger.warn({ appId: app._id, secretVersion, status }, 'OAuth app secret marked');
  return true;
}

/** Every active connection of the app goes needs_reconnect with the app's reason (paged, each one compare-and-set). */
export async function markAppConnections(deps: MarkDeps, appId: string, reason: StatusReason): Promise<number> {
  let marked = 0;
  for (;;) {
    const batch = await deps.models.Connection.find({ appId, status: 'active' }, { _id: 1, workspaceId: 1 }).limit(200).lean();
    if (!batch.length) return marked;
    for (const conn of batch) if (await markNeedsReconnect(deps, conn, reason)) marked++;
  }
}
