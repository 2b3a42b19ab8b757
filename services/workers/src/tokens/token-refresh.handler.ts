import { handlerFor, postpone } from '@outlook-connect/queues';
import type { ServiceDeps } from '../worker-deps';
import { refreshConnection, refreshJobsInFlight, shouldRefresh } from '@outlook-connect/mailbox-runtime';

/**
 * Refreshes one connection when its scheduled job comes due; stale jobs (older token version) do nothing. The
 * connection is read once, under the refresh lock (refreshConnection), which also answers "is it due yet". Its jobs
 * run beside a cap on token requests (deps.tokenRequests): more jobs at once than grants (token-request-slots.ts).
 */
export const tokenRefreshRegistration = (deps: ServiceDeps) =>
  handlerFor(
    'token-refresh',
    async (payload, ctx) => {
      const outcome = await refreshConnection(deps, payload.connectionId, {
        expectedVersion: payload.tokenVersion,
        reason: payload.reason,
        // Early (clock skew, or the schedule moved later): a scheduled job waits in place, keeping its job id.
        notBefore:
          payload.reason === 'scheduled'
            ? (conn) => {
                const decision = shouldRefresh(conn, deps.now(), deps.policy);
                return decision.should ? null : decision.at;
              }
            : undefined,
      });
      switch (outcome.kind) {
        case 'early':
          throw await postpone(ctx, outcome.at.getTime());
        case 'busy':
          // Another process is refreshing it: look again shortly (its write makes this job stale; its crash frees the lock).
          throw await postpone(ctx, deps.now() + Math.min(1_000, deps.policy.lockTtlMs));
        case 'refreshed':
          return { refreshed: true, tokenVersion: outcome.connection.tokenVersion };
        case 'failed':
          // Already recorded by ConnectionHealth (transient: a new job with backoff; otherwise marked). No queue retry.
          return { failed: outcome.failure.code, kind: outcome.failure.kind };
        case 'superseded':
          return { skipped: 'stale' };
        case 'unusable':
          return { skipped: 'not_active' };
      }
    },
    deps.tokenRequests && refreshJobsInFlight(deps.tokenRequests.maxInFlight),
  );
