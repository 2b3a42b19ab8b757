import { handlerFor, postpone } from '@outlook-connect/queues';
import type { ConnectionDoc } from '@outlook-connect/shared';
import type { ServiceDeps } from '../service-deps';
import { refreshConnection } from './refresh-connection';
import { shouldRefresh } from './should-refresh';

/** Refreshes one connection when its scheduled job comes due; stale jobs (older token version) do nothing. */
export const tokenRefreshRegistration = (deps: ServiceDeps) =>
  handlerFor('token-refresh', async (payload, ctx) => {
    const conn = (await deps.models.Connection.findById(payload.connectionId).lean()) as ConnectionDoc | null;
    if (!conn || conn.status !== 'active') return { skipped: 'not_active' };
    if (payload.tokenVersion !== undefined && conn.tokenVersion !== payload.tokenVersion) return { skipped: 'stale' };
    const now = deps.now();
    const decision = shouldRefresh(conn, now, deps.policy);
    // Early (clock skew, or the schedule moved later): wait in place, keeping this job id.
    if (!decision.should && payload.reason === 'scheduled' && decision.at) throw await postpone(ctx, decision.at.getTime());
    const outcome = await refreshConnection(deps, conn._id, { expectedVersion: conn.tokenVersion, reason: payload.reason });
    switch (outcome.kind) {
      case 'busy':
        // Another process is refreshing it: look again shortly (its write makes this job stale; its crash frees the lock).
        throw await postpone(ctx, now + Math.min(1_000, deps.policy.lockTtlMs));
      case 'refreshed':
        return { refreshed: true, tokenVersion: outcome.connection.tokenVersion };
      case 'failed':
        // Already recorded by ConnectionHealth (transient: a new job with backoff; otherwise marked). No queue retry.
        return { failed: outcome.failure.code, kind: outcome.failure.kind };
      default:
        return { skipped: outcome.kind };
    }
  });
