import { hostname } from 'node:os';
import {
  classifyMicrosoftError,
  clientSecretContext,
  refreshWithToken,
  scopesForPreset,
  tokenContext,
  type ConnectionDoc,
  type MicrosoftFailure,
  type Models,
} from '@outlook-connect/shared';
import { recordActivity, recordActivityLater } from '../timeline/activity';
import type { ConnectionHealthService } from '../connection-status/health';
import { markRecovered } from '../connection-status/connection-status';
import { APP_REASON_CODES } from '../connection-status/next-status';
import type { RuntimeDeps } from '../runtime-deps';
import { redisKeys } from '@outlook-connect/queues';
import { acquireLease } from '../redis/lease';
import { readConnection } from './connection-reads';
import { createTokenWriter, type TokenCollection, type TokenWriter } from './grouped-token-writes';
import { cachedOAuthApp, forgetOAuthApp } from './oauth-app-cache';
import { scheduleRefresh } from './refresh-schedule';
import { nextRefreshAt } from './should-refresh';
import { underTokenCap } from './token-request-slots';

export type RefreshOutcome =
  | { kind: 'refreshed'; connection: ConnectionDoc; accessToken: string }
  /** Someone else refreshed (the token version moved on): use theirs. */
  | { kind: 'superseded'; connection: ConnectionDoc }
  /** Another process holds the refresh lock: wait for its result. */
  | { kind: 'busy' }
  /** Not active (or gone): no token requests for it. */
  | { kind: 'unusable'; connection: ConnectionDoc | null }
  /** `notBefore` said it is not due yet: nothing was requested. */
  | { kind: 'early'; at: Date; connection: ConnectionDoc }
  | { kind: 'failed'; failure: MicrosoftFailure; error: unknown; connection: ConnectionDoc; appSecretVersion: number };

export interface RefreshOptions {
  /** Only refresh if the connection is still at this token version (a stale scheduled job does nothing). */
  expectedVersion?: number;
  /** `recovery`: a needs_reconnect connection marked because of its app, retried after the app's secret was updated. */
  mode?: 'normal' | 'recovery';
  /** Why it runs, for the operators' timeline. */
  reason?: 'scheduled' | 'on_demand' | 'recovery';
  /** Checked on the connection as read under the lock: a time in the future means "not yet" (outcome `early`). */
  notBefore?: (conn: ConnectionDoc) => Date | null;
}

const processName = `${hostname()}:${process.pid}`;

type RefreshDeps = RuntimeDeps & { health: ConnectionHealthService };

/**
 * The compare-and-set of a plain refresh: the new tokens, only if nobody refreshed (tokenVersion) or marked (status)
 * the connection since it was read. Sent through the driver (the document as `.lean()` returns it, `updatedAt` set as
 * the schema's timestamps would): every value is already of its stored type, and mongoose's casting of the filter and
 * update was a large share of a refresh's CPU in the worker.
 */
async function storeRefreshedTokens(
  models: Pick<Models, 'Connection'>,
  conn: ConnectionDoc,
  set: Record<string, unknown>,
  at: Date,
): Promise<ConnectionDoc | null> {
  const updated = await models.Connection.collection.findOneAndUpdate(
    { _id: conn._id, tokenVersion: conn.tokenVersion, status: 'active' } as never,
    { $set: { ...set, updatedAt: at }, $inc: { tokenVersion: 1 } },
    { returnDocument: 'after' },
  );
  return updated as unknown as ConnectionDoc | null;
}

// One token writer per store: the scheduled refreshes of this process that store their tokens at the same time share
// one unordered bulkWrite of compare-and-sets.
const writers = new WeakMap<Models['Connection'], TokenWriter>();

/**
 * A scheduled refresh's compare-and-set, grouped with the others of this process (`grouped-token-writes.ts`). Nobody
 * reads the connection it answers beyond what the refresh wrote (schedule, line, token version): it is the document
 * read under the lock with the refresh's fields applied, not read back. On-demand refreshes answer their caller with
 * the stored document (`storeRefreshedTokens`).
 */
async function storeScheduledTokens(
  models: Pick<Models, 'Connection'>,
  conn: ConnectionDoc,
  set: Record<string, unknown> & { accessTokenEnc: string },
  at: Date,
): Promise<ConnectionDoc | null> {
  let writer = writers.get(models.Connection);
  if (!writer) {
    writer = createTokenWriter(models.Connection.collection as unknown as TokenCollection);
    writers.set(models.Connection, writer);
  }
  const fields = { ...set, updatedAt: at };
  const won = await writer.write({ id: conn._id, tokenVersion: conn.tokenVersion, set: fields });
  return won ? ({ ...conn, ...fields, tokenVersion: conn.tokenVersion + 1 } as ConnectionDoc) : null;
}

const usable = (conn: ConnectionDoc, mode: 'normal' | 'recovery') =>
  mode === 'normal'
    ? conn.status === 'active'
    : conn.status === 'needs_reconnect' &&
      (APP_REASON_CODES as readonly string[]).includes(conn.statusReason?.code ?? '');

/**
 * The one refresh of a connection, across processes: a Redis lock makes it single flight, and the write is a
 * compare-and-set on tokenVersion, so a refresh that outlived its lock can never overwrite a newer one.
 */
export async function refreshConnection(
  deps: RefreshDeps,
  connectionId: string,
  opts: RefreshOptions = {},
): Promise<RefreshOutcome> {
  const mode = opts.mode ?? 'normal';
  const lock = await acquireLease(
    deps.redis,
    redisKeys.refreshLock(deps.queues.prefix, connectionId),
    deps.policy.lockTtlMs,
  );
  if (!lock) return { kind: 'busy' };
  let released: Promise<void> | undefined;
  let lockFreed = false;
  const releaseLock = () =>
    (released ??= lock
      .release()
      .then(() => undefined)
      .catch((err: unknown) => deps.logger.warn({ err, connectionId }, 'could not release the refresh lock')));
  try {
    // Read under the lock: a refresh that finished just before we took it is seen here.
    const conn = await readConnection(deps.models, connectionId);
    if (!conn || !usable(conn, mode) || !conn.refreshTokenEnc) return { kind: 'unusable', connection: conn };
    if (opts.expectedVersion !== undefined && conn.tokenVersion !== opts.expectedVersion)
      return { kind: 'superseded', connection: conn };
    const wait = opts.notBefore?.(conn);
    if (wait && wait.getTime() > deps.now()) return { kind: 'early', at: wait, connection: conn };
    const app = await cachedOAuthApp(deps.models, conn.appId, deps.now(), mode === 'recovery');
    if (!app) return { kind: 'unusable', connection: conn };

    let tokens;
    try {
      const refreshTokenEnc = conn.refreshTokenEnc;
      tokens = await underTokenCap(deps.tokenRequests, lock, deps.policy.lockTtlMs, () =>
        refreshWithToken(
          {
            loginUrl: deps.microsoft.loginUrl,
            tenant: conn.tenantId,
            clientId: app.clientId,
            clientSecret: deps.box.decrypt(app.clientSecretEnc, clientSecretContext(app._id)),
            logger: deps.logger,
          },
          {
            refreshToken: deps.box.decrypt(refreshTokenEnc, tokenContext(conn._id, 'refreshToken')),
            scopes: scopesForPreset(conn.scopePreset),
          },
        ),
      );
    } catch (err) {
      const failure = classifyMicrosoftError(err, { now: deps.now() });
      if (failure.kind !== 'transient') forgetOAuthApp(deps.models, app._id);
      if (mode === 'normal')
        await deps.health.reportFailure(conn._id, failure, { source: 'refresh', appSecretVersion: app.secretVersion });
      return { kind: 'failed', failure, error: err, connection: conn, appSecretVersion: app.secretVersion };
    }

    const now = deps.now();
    const at = new Date(now);
    const set: Record<string, unknown> & { accessTokenEnc: string } = {
      accessTokenEnc: deps.box.encrypt(tokens.accessToken, tokenContext(conn._id, 'accessToken')),
      accessTokenExpiresAt: tokens.expiresAt,
      lastRefreshAt: at,
      nextRefreshAt: nextRefreshAt(tokens.expiresAt, now, deps.policy),
      refreshFailures: 0,
      lastRefreshError: null,
    };
    // Microsoft rotates the refresh token on every grant; keep the previous one if none came back.
    if (tokens.refreshToken)
      set.refreshTokenEnc = deps.box.encrypt(tokens.refreshToken, tokenContext(conn._id, 'refreshToken'));
    // Recovery changes the status too: connection-status writes it (with its event); a plain refresh only the tokens.
    const updated =
      mode === 'recovery'
        ? await markRecovered(deps, conn, set, { secretVersion: app.secretVersion, at })
        : opts.reason === 'scheduled'
          ? await storeScheduledTokens(deps.models, conn, set, at)
          : await storeRefreshedTokens(deps.models, conn, set, at);
    if (!updated) {
      // Our refresh outlived its lock and someone else stored a newer token: ours is dropped (the grant is wasted).
      await recordActivity(deps.models, conn, 'refresh_failed', at, {
        code: 'superseded',
        by: processName,
        tokenVersion: conn.tokenVersion,
      });
      const current = (await deps.models.Connection.findById(connectionId).lean()) as ConnectionDoc | null;
      return current?.status === 'active'
        ? { kind: 'superseded', connection: current }
        : { kind: 'unusable', connection: current };
    }
    const line = {
      reason: opts.reason ?? (mode === 'recovery' ? 'recovery' : 'on_demand'),
      by: processName,
      tokenVersion: updated.tokenVersion,
      secretVersion: app.secretVersion,
      expiresAt: tokens.expiresAt,
      nextRefreshAt: updated.nextRefreshAt,
      ...(conn.refreshFailures ? { afterFailures: conn.refreshFailures } : {}),
    };
    // A scheduled refresh's line waits to be written with others (nobody waits for it; on FerretDB its own insert
    // would hold up the next compare-and-set); on demand and recovery the caller gets its answer once it is written.
    if (opts.reason === 'scheduled') recordActivityLater(deps, updated, 'refreshed', at, line);
    // The new token is stored: what is left needs no lock. The lock is freed without waiting for Redis's answer (the
    // token version has moved on, so a refresher or waiter that still finds it held for that moment reads the new
    // token from the store; this process's next command on the connection goes out after the release), while the next
    // refresh is scheduled and the line written (one wait instead of three).
    lockFreed = true;
    void releaseLock();
    await Promise.all([
      mode === 'normal' ? scheduleRefresh(deps, updated, now, conn.nextRefreshAt) : undefined,
      opts.reason === 'scheduled' ? undefined : recordActivity(deps.models, updated, 'refreshed', at, line),
    ]);
    return { kind: 'refreshed', connection: updated, accessToken: tokens.accessToken };
  } finally {
    if (!lockFreed) await releaseLock();
  }
}
