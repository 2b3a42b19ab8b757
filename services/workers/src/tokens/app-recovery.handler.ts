import { handlerFor } from '@outlook-connect/queues';
import type { ConnectionDoc } from '@outlook-connect/shared';
import {
  APP_REASON_CODES,
  appSecretStatusFor,
  markAppSecret,
  markAppSecretOk,
  markStillNeedsReconnect,
  reasonFor,
  refreshConnection,
} from '@outlook-connect/mailbox-runtime';
import type { ServiceDeps } from '../worker-deps';

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
      // A refresh that works writes the recovery (status, event, line) through connection-status.
      const outcome = await refreshConnection(deps, conn._id, { mode: 'recovery' });
      const at = new Date(deps.now());
      if (outcome.kind === 'refreshed') {
        counts.recovered++;
        await markAppSecretOk(deps, appId, secretVersion, at);
        return;
      }
      if (outcome.kind !== 'failed') return void (outcome.kind === 'busy' ? counts.retryLater++ : undefined);
      const { failure } = outcome;
      if (failure.kind === 'transient') return void counts.retryLater++;
      const reason = reasonFor(failure, { now: at, appSecretVersion: secretVersion });
      if (failure.kind === 'app_credentials')
        await markAppSecret(deps, app, secretVersion, appSecretStatusFor(failure), at, {
          code: failure.code,
          aadsts: failure.aadsts,
        });
      counts.stillNeedsReconnect++;
      await markStillNeedsReconnect(deps, conn, reason, {
        cause: 'app_secret_updated',
        secretVersion,
        code: failure.code,
        aadsts: failure.aadsts,
      });
    };

    for (let i = 0; i < marked.length; i += PARALLEL) await Promise.all(marked.slice(i, i + PARALLEL).map(recover));
    ctx.log.info({ appId, secretVersion, ...counts }, 'app recovery');
    if (counts.retryLater)
      throw new RecoveryIncompleteError(`${counts.retryLater} connection(s) of ${appId} could not be retried yet`);
    return counts;
  });
