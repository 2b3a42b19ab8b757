import type { ConnectionDoc, MicrosoftFailure } from '@outlook-connect/shared';
import type { ConnectionHealth } from '../contracts';
import type { LifecycleDeps } from '../tokens/lifecycle-deps';
import { scheduleRefresh } from '../tokens/refresh-schedule';
import { retryDelayMs } from '../tokens/should-refresh';
import { recordActivity } from './activity';
import { markAppConnections, markAppSecret, markNeedsReconnect } from './mark';
import { nextStatus } from './next-status';

export interface FailureSource {
  /** `refresh`: the failure came from a refresh grant (counts on the connection, retried with backoff). Default `graph`. */
  source?: 'refresh' | 'graph';
  /** The app secret version the failed request used; an app-credential failure under an older version is not the app's fault now. */
  appSecretVersion?: number;
}

export interface ConnectionHealthService extends ConnectionHealth {
  reportFailure(connectionId: string, failure: MicrosoftFailure, from?: FailureSource): Promise<void>;
}

const errorRecord = (failure: MicrosoftFailure, at: Date) => ({
  kind: failure.kind,
  code: failure.code,
  message: failure.message,
  ...(failure.aadsts !== undefined ? { aadsts: failure.aadsts } : {}),
  at,
});

export function createConnectionHealth(deps: LifecycleDeps): ConnectionHealthService {
  /** Transient refresh failure: counted on the connection, next try scheduled with backoff; stays active. */
  async function countFailure(conn: ConnectionDoc, failure: MicrosoftFailure, at: Date): Promise<void> {
    const failures = conn.refreshFailures + 1;
    const next = new Date(at.getTime() + retryDelayMs(failures, deps.policy, failure.retryAfterMs));
    const updated = await deps.models.Connection.findOneAndUpdate(
      { _id: conn._id, status: 'active', tokenVersion: conn.tokenVersion, refreshFailures: conn.refreshFailures },
      { $set: { refreshFailures: failures, lastRefreshError: errorRecord(failure, at), nextRefreshAt: next } },
      { returnDocument: 'after' },
    ).lean();
    if (!updated) return; // refreshed or marked meanwhile
    await scheduleRefresh(deps.queues, updated as ConnectionDoc, at.getTime());
    await recordActivity(deps.models, conn, 'refresh_failed', at, {
      kind: failure.kind,
      code: failure.code,
      aadsts: failure.aadsts,
      failures,
      retryAt: next,
    });
    deps.logger.warn({ connectionId: conn._id, code: failure.code, failures, retryAt: next }, 'token refresh failed; retrying');
  }

  return {
    async reportFailure(connectionId, failure, from = {}) {
      const conn = (await deps.models.Connection.findById(connectionId).lean()) as ConnectionDoc | null;
      if (!conn) return;
      const at = new Date(deps.now());
      const change = nextStatus(conn.status, failure, { now: at, appSecretVersion: from.appSecretVersion });
      const lastRefreshError = from.source === 'refresh' ? { lastRefreshError: errorRecord(failure, at) } : {};
      switch (change.action) {
        case 'none':
          return;
        case 'count':
          // Graph-side transient failures belong to the job that saw them (its queue retries); only refreshes count here.
          if (from.source === 'refresh') await countFailure(conn, failure, at);
          return;
        case 'needs_reconnect':
          await markNeedsReconnect(deps, conn, change.reason, lastRefreshError);
          if (from.source === 'refresh') {
            await recordActivity(deps.models, conn, 'refresh_failed', at, { kind: failure.kind, code: failure.code, aadsts: failure.aadsts });
          }
          return;
        case 'app_broken': {
          const app = await deps.models.OAuthApp.findById(conn.appId).lean();
          if (!app) return;
          const used = from.appSecretVersion ?? app.secretVersion;
          // The secret was updated after this request started: the new one has not failed, so just retry.
          if (used !== app.secretVersion) {
            if (from.source === 'refresh') await countFailure(conn, failure, at);
            return;
          }
          await markAppSecret(deps, app, used, change.appSecretStatus, at, { code: failure.code, aadsts: failure.aadsts });
          await markNeedsReconnect(deps, conn, change.reason, lastRefreshError);
          await markAppConnections(deps, app._id, change.reason);
          return;
        }
      }
    },
  };
}
