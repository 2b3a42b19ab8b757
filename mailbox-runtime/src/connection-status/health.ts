import type { ConnectionDoc, MicrosoftFailure } from '@outlook-connect/shared';
import type { ConnectionHealth } from '../contracts';
import type { RuntimeDeps } from '../runtime-deps';
import { recordActivity } from '../timeline/activity';
import {
  failureRecord,
  markAppConnections,
  markAppSecret,
  markNeedsReconnect,
  markRefreshFailed,
} from './connection-status';
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

/** A classified Microsoft failure -> the status change it means (nextStatus), carried out by connection-status. */
export function createConnectionHealth(
  deps: Pick<RuntimeDeps, 'models' | 'queues' | 'logger' | 'now' | 'policy'>,
): ConnectionHealthService {
  return {
    async reportFailure(connectionId, failure, from = {}) {
      const conn = (await deps.models.Connection.findById(connectionId).lean()) as ConnectionDoc | null;
      if (!conn) return;
      const at = new Date(deps.now());
      const change = nextStatus(conn.status, failure, { now: at, appSecretVersion: from.appSecretVersion });
      const lastRefreshError = from.source === 'refresh' ? { lastRefreshError: failureRecord(failure, at) } : {};
      switch (change.action) {
        case 'none':
          return;
        case 'count':
          // Graph-side transient failures belong to the job that saw them (its queue retries); only refreshes count here.
          if (from.source === 'refresh') await markRefreshFailed(deps, conn, failure, at);
          return;
        case 'needs_reconnect':
          await markNeedsReconnect(deps, conn, change.reason, lastRefreshError);
          if (from.source === 'refresh') {
            await recordActivity(deps.models, conn, 'refresh_failed', at, {
              kind: failure.kind,
              code: failure.code,
              aadsts: failure.aadsts,
            });
          }
          return;
        case 'app_broken': {
          const app = await deps.models.OAuthApp.findById(conn.appId).lean();
          if (!app) return;
          const used = from.appSecretVersion ?? app.secretVersion;
          // The secret was updated after this request started: the new one has not failed, so just retry.
          if (used !== app.secretVersion) {
            if (from.source === 'refresh') await markRefreshFailed(deps, conn, failure, at);
            return;
          }
          await markAppSecret(deps, app, used, change.appSecretStatus, at, {
            code: failure.code,
            aadsts: failure.aadsts,
          });
          await markNeedsReconnect(deps, conn, change.reason, lastRefreshError);
          await markAppConnections(deps, app._id, change.reason);
          return;
        }
      }
    },
  };
}
