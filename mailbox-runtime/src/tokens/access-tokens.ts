import { tokenContext, type ConnectionDoc, type MicrosoftFailure } from '@outlook-connect/shared';
import { ConnectionUnusableError, type AccessTokens } from '../contracts';
import type { ConnectionHealthService } from '../connection-status/health';
import type { RuntimeDeps } from '../runtime-deps';
import { redisKeys } from '@outlook-connect/queues';
import { isLeased } from '../redis/lease';
import { readConnection } from './connection-reads';
import { refreshConnection } from './refresh-connection';

/** A refresh failed transiently and the stored token is no longer valid: the caller's job retries later. */
export class TokenRefreshFailedError extends Error {
  override name = 'TokenRefreshFailedError';
  constructor(
    readonly connectionId: string,
    readonly failure: MicrosoftFailure,
    override readonly cause: unknown,
  ) {
    super(`could not refresh the access token of ${connectionId}: ${failure.code}`);
  }
}

const POLL_MS = 100;
/** Connections kept for `get` with maxAgeMs (a few hundred bytes to a few KB each). */
const RECENT_KEPT = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createAccessTokens(deps: RuntimeDeps & { health: ConnectionHealthService }): AccessTokens {
  // The connections as this process last read (or refreshed) them, for `get` with maxAgeMs. Any read or refresh
  // replaces its entry; a failed refresh removes it. At most RECENT_KEPT, the oldest going first.
  const recent = new Map<string, { conn: ConnectionDoc; at: number }>();
  // `at`: when the read was asked for (the group reader sends it after that), so the view is at least that new.
  const remember = (id: string, conn: ConnectionDoc | null, at: number) => {
    recent.delete(id);
    if (!conn) return;
    recent.set(id, { conn, at });
    if (recent.size > RECENT_KEPT) recent.delete(recent.keys().next().value!);
  };
  const load = async (id: string) => {
    const at = deps.now();
    const conn = await readConnection(deps.models, id);
    remember(id, conn, at);
    return conn;
  };
  const loadRecent = (id: string, opts: { maxAgeMs?: number; readAfter?: number }) => {
    const hit = opts.maxAgeMs === undefined ? undefined : recent.get(id);
    const usable = hit && deps.now() - hit.at <= opts.maxAgeMs! && hit.at >= (opts.readAfter ?? -Infinity);
    return usable ? Promise.resolve(hit.conn) : load(id);
  };

  const unusable = (id: string, conn: ConnectionDoc | null) =>
    new ConnectionUnusableError(
      id,
      conn?.status ?? 'disconnected',
      conn?.statusReason?.code ?? (conn ? 'no_refresh_token' : 'not_found'),
    );

  const stored = (conn: ConnectionDoc, minValidityMs: number): string | null => {
    if (!conn.accessTokenEnc || !conn.accessTokenExpiresAt) return null;
    if (conn.accessTokenExpiresAt.getTime() - deps.now() < minValidityMs) return null;
    return deps.box.decrypt(conn.accessTokenEnc, tokenContext(conn._id, 'accessToken'));
  };

  // Concurrent callers of this process for one connection and token version share one refresh (or one wait for
  // another process's), before any of them takes the shared lock or polls the store.
  const inFlight = new Map<string, Promise<{ accessToken: string; connection: ConnectionDoc }>>();
  function refreshPast(id: string, fromVersion: number) {
    const key = `${id}:${fromVersion}`;
    let shared = inFlight.get(key);
    if (!shared) {
      const at = deps.now();
      shared = refreshPastOnce(id, fromVersion)
        .then(
          (got) => {
            remember(id, got.connection, at);
            return got;
          },
          (err: unknown) => {
            recent.delete(id);
            throw err;
          },
        )
        .finally(() => inFlight.delete(key));
      inFlight.set(key, shared);
    }
    return shared;
  }

  /** Refreshes (or waits for the refresh in flight) until the connection has moved past `fromVersion`. */
  async function refreshPastOnce(id: string, fromVersion: number) {
    const deadline = Date.now() + deps.policy.lockTtlMs + 5_000;
    for (;;) {
      const outcome = await refreshConnection(deps, id, { expectedVersion: fromVersion });
      if (outcome.kind === 'refreshed') return { accessToken: outcome.accessToken, connection: outcome.connection };
      if (outcome.kind === 'unusable') throw unusable(id, outcome.connection);
      if (outcome.kind === 'failed') {
        if (outcome.failure.kind !== 'transient' && outcome.failure.kind !== 'permanent')
          throw unusable(id, await load(id));
        // Still active: a token that is valid at all beats none.
        const token = stored(outcome.connection, 1);
        if (token) return { accessToken: token, connection: outcome.connection };
        throw new TokenRefreshFailedError(id, outcome.failure, outcome.error);
      }
      if (outcome.kind === 'superseded') {
        const token = stored(outcome.connection, 1);
        if (token) return { accessToken: token, connection: outcome.connection };
        fromVersion = outcome.connection.tokenVersion;
        continue;
      }
      // busy: another process is refreshing; wait for its write (or for its lock to go, if it died).
      while (Date.now() < deadline) {
        await sleep(POLL_MS);
        const conn = await load(id);
        if (!conn || conn.status !== 'active') throw unusable(id, conn);
        if (conn.tokenVersion !== fromVersion) {
          const token = stored(conn, 1);
          if (token) return { accessToken: token, connection: conn };
          fromVersion = conn.tokenVersion;
          break;
        }
        if (!(await isLeased(deps.redis, redisKeys.refreshLock(deps.queues.prefix, id)))) break;
      }
      if (Date.now() >= deadline) throw new Error(`timed out waiting for the token refresh of ${id}`);
    }
  }

  return {
    async get(connectionId, opts = {}) {
      const minValidityMs = opts.minValidityMs ?? deps.policy.minValidityMs;
      const conn = await loadRecent(connectionId, opts);
      if (!conn || conn.status !== 'active') throw unusable(connectionId, conn);
      const token = stored(conn, minValidityMs);
      if (token) return { accessToken: token, connection: conn };
      return refreshPast(connectionId, conn.tokenVersion);
    },

    async renew(connectionId, rejectedToken) {
      const conn = await load(connectionId);
      if (!conn || conn.status !== 'active') throw unusable(connectionId, conn);
      const token = stored(conn, 1);
      // Someone already replaced the rejected token.
      if (token && token !== rejectedToken) return { accessToken: token, connection: conn };
      return refreshPast(connectionId, conn.tokenVersion);
    },
  };
}
