import { handlerFor } from '@outlook-connect/queues';
import type { ConnectionDoc } from '@outlook-connect/shared';
import { recordActivity } from '../connections/activity';
import { markAppSecret } from '../connections/mark';
import { APP_REASON_CODES, appSecretStatusFor, reasonFor } from '../connections/next-status';
import type { ServiceDeps } from '../service-deps';
import { refreshConnection } from './refresh-connection';

export class RecoveryIncompleteError extends Error {
  override name = 'RecoveryIncompleteError';
}

const PARALLEL = 4;

/**
 * After an app's secret is updated: every connection marked because of that app is retried with the new secret.
 * Those that refresh go back to active (`connection.recovered`); the rest stay needs_reconnect with their new reason
 * ("existing connections may need to reconnect once"). Transient failures fail the job, so the queue retries them.
 */
export const appRecoveryRegistration = (deps: ServiceDeps) =>
  handlerFor('app-recovery', async ({ appId, secretVersion }, ctx) => {
    const app = await deps.models.OAuthApp.findById(appId).lean();
    if (!app) return { skipped: 'no_app' };
    if (app.secretVersion !== secretVersion) return { skipped: 'superseded' }; // a newer update has its own job
    const marked = (await deps.models.Connection.find({
      appId,
      status: 'needs_reconnect',
      'statusReason.code': { $in: [...APP_REASON_CODES] },
    }).lean()) as ConnectionDoc[];
    const counts = { recovered: 0, stillNeedsReconnect: 0, retryLater: 0 };

    const recover = async (conn: ConnectionDoc) => {
      // Already refused under this secret: retrying would only repeat the same answer.
      if ((conn.statusReason?.appSecretVersion ?? 0) >= secretVersion) return void counts.stillNeedsReconnect++;
      const outcome = await refreshConnection(deps, conn._id, { mode: 'recovery' });
      const at = new Date(deps.now());
      if (outcome.kind === 'refreshed') {
        counts.recovered++;
        await deps.models.OAuthApp.updateOne({ _id: appId, secretVersion, secretStatus: { $ne: 'ok' } }, { $set: { secretStatus: 'ok', secretStatusSince: at } });
        await deps.queues.emit({
          type: 'connection.recovered',
          id: `connection.recovered-${conn._id}-v${outcome.connection.tokenVersion}`,
          workspaceId: conn.workspaceId,
          connectionId: conn._id,
          appId,
          occurredAt: at,
          data: { mailbox: conn.mailbox, status: 'active', previousReason: conn.statusReason?.code, secretVersion },
        });
        await recordActivity(deps.models, conn, 'status_changed', at, { from: 'needs_reconnect', to: 'active', cause: 'app_secret_updated', secretVersion });
        return;
      }
      if (outcome.kind !== 'failed') return void (outcome.kind === 'busy' ? counts.retryLater++ : undefined);
      const { failure } = outcome;
      if (failure.kind === 'transient') return void counts.retryLater++;
      const reason = reasonFor(failure, { now: at, appSecretVersion: secretVersion });
      if (failure.kind === 'app_credentials') await markAppSecret(deps, app, secretVersion, appSecretStatusFor(failure), at, { code: failure.code, aadsts: failure.aadsts });
      const res = await deps.models.Connection.updateOne(
        { _id: conn._id, status: 'needs_reconnect', tokenVersion: conn.tokenVersion },
        { $set: { statusReason: reason } },
      );
      counts.stillNeedsReconnect++;
      if (res.modifiedCount !== 1) return;
      await deps.queues.emit({
        type: 'connection.needs_reconnect',
        id: `connection.needs_reconnect-${conn._id}-${at.getTime()}`,
        workspaceId: conn.workspaceId,
        connectionId: conn._id,
        appId,
        occurredAt: at,
        data: { mailbox: conn.mailbox, status: 'needs_reconnect', reason: { code: reason.code, message: reason.message, remediation: reason.remediation, aadsts: reason.aadsts } },
      });
      await recordActivity(deps.models, conn, 'refresh_failed', at, { cause: 'app_secret_updated', secretVersion, code: failure.code, aadsts: failure.aadsts });
    };

    for (let i = 0; i < marked.length; i += PARALLEL) await Promise.all(marked.slice(i, i + PARALLEL).map(recover));
    ctx.log.info({ appId, secretVersion, ...counts }, 'app recovery');
    if (counts.retryLater) throw new RecoveryIncompleteError(`${counts.retryLater} connection(s) of ${appId} could not be retried yet`);
    return counts;
  });
