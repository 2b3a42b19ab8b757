import { emitEvent, eventId } from '@outlook-connect/queues';
import type { OAuthAppDoc } from '@outlook-connect/shared';
import { markAppConnections, markAppSecret } from '@outlook-connect/mailbox-runtime';
import { appReason } from '@outlook-connect/mailbox-runtime';
import type { RuntimeDeps } from '@outlook-connect/mailbox-runtime';
import { checkSecret, SECRET_WARNING_DAYS } from './secret-warnings';

const DAY = 86_400_000;

export interface SecretCheckResult {
  warned: number;
  expired: number;
  connectionsMarked: number;
}

/**
 * Hourly: an app whose recorded secret expiry has passed is marked expired and its connections needs_reconnect
 * without waiting for a refresh to fail; `app.secret_expiring` goes out 30, 7 and 1 days before.
 */
export async function appSecretCheck(
  deps: Pick<RuntimeDeps, 'models' | 'queues' | 'logger' | 'now'>,
): Promise<SecretCheckResult> {
  const now = deps.now();
  const result: SecretCheckResult = { warned: 0, expired: 0, connectionsMarked: 0 };
  const horizon = new Date(now + Math.max(...SECRET_WARNING_DAYS) * DAY);
  const apps = deps.models.OAuthApp.find({ secretExpiresAt: { $ne: null, $lte: horizon } })
    .lean()
    .cursor();
  for await (const app of apps as AsyncIterable<OAuthAppDoc>) {
    const check = checkSecret(app, now);
    const at = new Date(now);
    if (check.action === 'expired') {
      if (
        await markAppSecret(deps, app, app.secretVersion, 'expired', at, {
          code: 'client_secret_expired',
          secretExpiresAt: app.secretExpiresAt,
        })
      )
        result.expired++;
      // Marked by a failed refresh already, or just now: either way no connection of it stays active.
      const current = await deps.models.OAuthApp.findById(app._id).lean();
      if (current && current.secretVersion === app.secretVersion && current.secretStatus === 'expired') {
        result.connectionsMarked += await markAppConnections(
          deps,
          app._id,
          appReason('expired', at, app.secretVersion),
        );
      }
    } else if (check.action === 'warn') {
      // Recorded first (compare-and-set on the version): a warning is sent at most once per secret version.
      const res = await deps.models.OAuthApp.updateOne(
        { _id: app._id, secretVersion: app.secretVersion, secretWarningsSent: { $nin: [check.days] } },
        { $addToSet: { secretWarningsSent: { $each: check.record } } },
      );
      if (res.modifiedCount !== 1) continue;
      await emitEvent(
        deps.queues,
        'app.secret_expiring',
        { workspaceId: app.workspaceId, appId: app._id },
        {
          secretVersion: app.secretVersion,
          secretExpiresAt: app.secretExpiresAt?.toISOString() ?? null,
          daysBefore: check.days,
          expiresInMs: check.expiresInMs,
        },
        { id: eventId('app.secret_expiring', app._id, `v${app.secretVersion}`, `${check.days}d`), occurredAt: at },
      );
      deps.logger.warn({ appId: app._id, daysBefore: check.days }, 'OAuth app secret expires soon');
      result.warned++;
    }
  }
  return result;
}
