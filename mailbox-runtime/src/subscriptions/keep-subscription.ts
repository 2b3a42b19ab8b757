import { PUSH_COUNTERS, redisKeys, type QueueClient } from '@outlook-connect/queues';
import type { ConnectionDoc, InboxSubscriptionDoc, Logger, Models, SecretBox } from '@outlook-connect/shared';
import type { RedisConnection } from '@outlook-connect/queues';
import type { ConnectionHealthService } from '../connection-status/health';
import type { MailboxGraph } from '../contracts';
import { connectionUnusableOf, mailboxBusyOf, microsoftFailureOf } from '../gate';
import { newClientState } from './client-state';
import {
  createGraphSubscription,
  deleteGraphSubscription,
  pushUrls,
  renewGraphSubscription,
} from './subscription-graph';
import {
  expirationFor,
  renewAtFor,
  retryAtFor,
  subscriptionAction,
  type SubscriptionPolicy,
} from './subscription-policy';
import {
  findSubscription,
  forgetSubscription,
  recordCreated,
  recordGone,
  recordRenewed,
  recordSubscriptionFailure,
} from './subscription-store';

// One look at one connection's Inbox subscription: decide (subscriptionAction), do it at Graph, record it. Returns
// when to look again. Our own errors (store, Redis) are thrown for the queue to retry.

export interface SubscriptionDeps {
  models: Pick<Models, 'Connection' | 'InboxSubscription' | 'ScheduleBucket' | 'ScheduleCursor'>;
  box: SecretBox;
  graph: MailboxGraph;
  health: Pick<ConnectionHealthService, 'reportFailure'>;
  redis: RedisConnection;
  queues: Pick<QueueClient, 'prefix'>;
  logger: Logger;
  now: () => number;
}

export interface PushSettings {
  /** PUSH_PUBLIC_URL: null = push off. */
  publicUrl: string | null;
  subscription: SubscriptionPolicy;
}

export type SubscriptionOutcome =
  | { kind: 'stopped'; reason: string }
  | { kind: 'next'; atMs: number; did: 'created' | 'renewed' | 'waited' | 'failed' | 'busy' };

export async function keepInboxSubscription(
  deps: SubscriptionDeps,
  connectionId: string,
  settings: PushSettings,
): Promise<SubscriptionOutcome> {
  const conn = (await deps.models.Connection.findById(connectionId).lean()) as ConnectionDoc | null;
  const sub = await findSubscription(deps.models, connectionId);
  const now = deps.now();
  const action = subscriptionAction(conn, sub, now, settings.publicUrl !== null);
  switch (action.kind) {
    case 'stop':
      return { kind: 'stopped', reason: action.reason };
    case 'wait':
      return { kind: 'next', atMs: action.atMs, did: 'waited' };
    case 'remove': {
      const removed = await removeInboxSubscription(deps, connectionId);
      return removed.kind === 'busy'
        ? { kind: 'next', atMs: removed.atMs, did: 'busy' }
        : { kind: 'stopped', reason: 'removed' };
    }
    case 'renew':
      return renew(deps, conn!, sub!, settings);
    case 'create':
      return create(deps, conn!, sub, settings);
  }
}

async function create(
  deps: SubscriptionDeps,
  conn: ConnectionDoc,
  sub: InboxSubscriptionDoc | null,
  settings: PushSettings,
): Promise<SubscriptionOutcome> {
  const clientState = newClientState();
  const asked = expirationFor(deps.now(), settings.subscription);
  let created: { subscriptionId: string; expiresAt: Date };
  try {
    created = await createGraphSubscription(
      deps.graph,
      conn._id,
      { urls: pushUrls(settings.publicUrl!), clientState, expiresAt: asked },
      deps.now,
    );
  } catch (err) {
    return failed(deps, conn, sub, settings, err, 'creation');
  }
  const at = deps.now();
  const nextCheckAt = renewAtFor(created.expiresAt.getTime(), at, settings.subscription);
  await recordCreated(deps.models, deps.box, conn, { ...created, clientState, nextCheckAt, at: new Date(at) });
  await count(deps, PUSH_COUNTERS.created);
  deps.logger.info(
    {
      connectionId: conn._id,
      subscriptionId: created.subscriptionId,
      expiresAt: created.expiresAt,
      replaced: sub?.subscriptionId ?? null,
    },
    'inbox subscription created',
  );
  return { kind: 'next', atMs: nextCheckAt.getTime(), did: 'created' };
}

async function renew(
  deps: SubscriptionDeps,
  conn: ConnectionDoc,
  sub: InboxSubscriptionDoc,
  settings: PushSettings,
): Promise<SubscriptionOutcome> {
  const subscriptionId = sub.subscriptionId!;
  let expiresAt: Date;
  try {
    expiresAt = await renewGraphSubscription(
      deps.graph,
      conn._id,
      subscriptionId,
      expirationFor(deps.now(), settings.subscription),
      deps.now,
    );
  } catch (err) {
    // Graph no longer has it (expired early, removed): create a new one in this same run.
    if (microsoftFailureOf(err)?.status === 404) {
      deps.logger.warn(
        { connectionId: conn._id, subscriptionId },
        'inbox subscription gone at renewal (404); recreating',
      );
      await recordGone(deps.models, conn._id, subscriptionId);
      return create(deps, conn, { ...sub, subscriptionId: null }, settings);
    }
    return failed(deps, conn, sub, settings, err, 'renewal');
  }
  const at = deps.now();
  const nextCheckAt = renewAtFor(expiresAt.getTime(), at, settings.subscription);
  await recordRenewed(deps.models, conn._id, subscriptionId, { expiresAt, nextCheckAt, at: new Date(at) });
  await count(deps, PUSH_COUNTERS.renewed);
  deps.logger.info(
    { connectionId: conn._id, subscriptionId, expiresAt, reauthorized: sub.pending === 'reauthorize' },
    'inbox subscription renewed',
  );
  return { kind: 'next', atMs: nextCheckAt.getTime(), did: 'renewed' };
}

async function failed(
  deps: SubscriptionDeps,
  conn: ConnectionDoc,
  sub: InboxSubscriptionDoc | null,
  settings: PushSettings,
  err: unknown,
  what: 'creation' | 'renewal',
): Promise<SubscriptionOutcome> {
  const busy = mailboxBusyOf(err);
  if (busy) return { kind: 'next', atMs: busy.retryAtMs, did: 'busy' };
  if (connectionUnusableOf(err)) return { kind: 'stopped', reason: 'connection_unusable' };
  const failure = microsoftFailureOf(err);
  if (!failure) throw err;
  // A token or app problem changes the connection's status (connection-status decides); the next run then stops.
  if (failure.kind === 'reconnect_required' || failure.kind === 'app_credentials')
    await deps.health.reportFailure(conn._id, failure);
  const now = deps.now();
  const expiresAtMs = sub?.expiresAt?.getTime() ?? null;
  let retryAt = new Date(now);
  const failures = await recordSubscriptionFailure(
    deps.models,
    conn,
    { kind: failure.kind, code: failure.code, status: failure.status, message: failure.message, at: new Date(now) },
    (n) => (retryAt = retryAtFor(n, now, settings.subscription, expiresAtMs)),
  );
  await count(deps, what === 'creation' ? PUSH_COUNTERS.creationFailed : PUSH_COUNTERS.renewalFailed);
  deps.logger.warn(
    { connectionId: conn._id, what, code: failure.code, kind: failure.kind, status: failure.status, failures, retryAt },
    `inbox subscription ${what} failed; polling until it works`,
  );
  return { kind: 'next', atMs: retryAt.getTime(), did: 'failed' };
}

/**
 * Deletes the connection's subscription at Graph (best effort: without a token, or when Graph refuses, it lapses at
 * its expiry and its notifications are refused as unknown) and forgets it. `busy`: the gate said not now.
 */
export async function removeInboxSubscription(
  deps: SubscriptionDeps,
  connectionId: string,
): Promise<{ kind: 'removed' | 'none' } | { kind: 'busy'; atMs: number }> {
  const sub = await findSubscription(deps.models, connectionId);
  if (!sub) return { kind: 'none' };
  if (sub.subscriptionId && sub.expiresAt && sub.expiresAt.getTime() > deps.now()) {
    try {
      await deleteGraphSubscription(deps.graph, connectionId, sub.subscriptionId, deps.now);
    } catch (err) {
      const busy = mailboxBusyOf(err);
      if (busy) return { kind: 'busy', atMs: busy.retryAtMs };
      const failure = microsoftFailureOf(err);
      if (!failure && !connectionUnusableOf(err)) throw err;
      deps.logger.info(
        { connectionId, subscriptionId: sub.subscriptionId, code: failure?.code ?? 'connection_unusable' },
        'could not delete the inbox subscription at Graph; it lapses at its expiry',
      );
    }
  }
  await forgetSubscription(deps.models, connectionId);
  await count(deps, PUSH_COUNTERS.removed);
  return { kind: 'removed' };
}

async function count(deps: Pick<SubscriptionDeps, 'redis' | 'queues' | 'logger'>, field: string): Promise<void> {
  await deps.redis
    .hincrby(redisKeys.pushMetrics(deps.queues.prefix), field, 1)
    .catch((err: unknown) => deps.logger.warn({ err, field }, 'could not count a push metric'));
}
