import {
  checkNotification,
  markPending,
  recordNotification,
  type NotificationCheck,
} from '@outlook-connect/mailbox-runtime';
import {
  checkInboxSubscriptionNow,
  PUSH_COUNTERS,
  redisKeys,
  requestInboxSync,
  type LifecycleEvent,
} from '@outlook-connect/queues';
import type { GatewayDeps } from '../clients';

// What the push endpoints do with a batch: check each item against its subscription, then only enqueue (one sync per
// connection per batch; the queue collapses the rest). Never calls Graph.

export type IntakeDeps = Pick<GatewayDeps, 'models' | 'box' | 'queues' | 'redis' | 'logger' | 'now'> & {
  env: Pick<GatewayDeps['env'], 'PUSH_SYNC_DELAY_MS' | 'PUSH_SYNC_SPACING_MS'>;
};

export interface IntakeResult {
  accepted: number;
  rejected: { unknown_subscription: number; client_state: number };
  syncs: { triggered: number; collapsed: number };
}

type Ok = Extract<NotificationCheck, { ok: true }>;

/** Checks each item (cached per subscription and clientState within the batch: a burst shares them). */
async function checkAll<T extends { subscriptionId: string; clientState?: unknown }>(
  deps: IntakeDeps,
  items: T[],
): Promise<{ ok: Array<{ item: T; check: Ok }>; rejected: IntakeResult['rejected'] }> {
  const cache = new Map<string, Promise<NotificationCheck>>();
  const ok: Array<{ item: T; check: Ok }> = [];
  const rejected = { unknown_subscription: 0, client_state: 0 };
  for (const item of items) {
    const key = JSON.stringify([item.subscriptionId, typeof item.clientState === 'string' ? item.clientState : null]);
    let pending = cache.get(key);
    if (!pending) cache.set(key, (pending = checkNotification(deps, item.subscriptionId, item.clientState)));
    const check = await pending;
    if (check.ok) ok.push({ item, check });
    else rejected[check.reason]++;
  }
  return { ok, rejected };
}

async function count(deps: IntakeDeps, counts: Array<[string, number]>): Promise<void> {
  const key = redisKeys.pushMetrics(deps.queues.prefix);
  const pipe = deps.redis.multi();
  for (const [field, n] of counts) if (n > 0) pipe.hincrby(key, field, n);
  await pipe.exec();
}

async function syncNow(deps: IntakeDeps, connectionId: string, syncs: IntakeResult['syncs']): Promise<void> {
  const outcome = await requestInboxSync(deps.queues, deps.redis, connectionId, deps.now().getTime(), {
    delayMs: deps.env.PUSH_SYNC_DELAY_MS,
    spacingMs: deps.env.PUSH_SYNC_SPACING_MS,
  });
  if (outcome === 'exists' || outcome === 'collapsed') syncs.collapsed++;
  else syncs.triggered++;
}

export async function takeChangeNotifications(
  deps: IntakeDeps,
  items: Array<{ subscriptionId: string; clientState?: unknown }>,
): Promise<IntakeResult> {
  const { ok, rejected } = await checkAll(deps, items);
  const syncs = { triggered: 0, collapsed: 0 };
  const connections = new Set(ok.map((o) => o.check.connectionId));
  const at = deps.now();
  for (const connectionId of connections) {
    await recordNotification(deps.models, connectionId, at);
    await syncNow(deps, connectionId, syncs);
  }
  await count(deps, [
    [PUSH_COUNTERS.received, ok.length],
    [PUSH_COUNTERS.rejectedUnknown, rejected.unknown_subscription],
    [PUSH_COUNTERS.rejectedClientState, rejected.client_state],
    [PUSH_COUNTERS.syncsTriggered, syncs.triggered],
    [PUSH_COUNTERS.syncsCollapsed, syncs.collapsed],
  ]);
  logRejected(deps, rejected);
  return { accepted: ok.length, rejected, syncs };
}

export async function takeLifecycleNotifications(
  deps: IntakeDeps,
  items: Array<{ subscriptionId: string; clientState?: unknown; lifecycleEvent: LifecycleEvent }>,
): Promise<IntakeResult> {
  const { ok, rejected } = await checkAll(deps, items);
  const syncs = { triggered: 0, collapsed: 0 };
  const done = new Set<string>();
  for (const { item, check } of ok) {
    const key = `${check.connectionId}:${item.lifecycleEvent}`;
    if (done.has(key)) continue;
    done.add(key);
    deps.logger.info(
      { connectionId: check.connectionId, subscriptionId: check.subscriptionId, lifecycleEvent: item.lifecycleEvent },
      'lifecycle notification',
    );
    if (item.lifecycleEvent === 'missed') {
      // Some notifications were not delivered: delta catches up on whatever they said.
      await syncNow(deps, check.connectionId, syncs);
      continue;
    }
    const pending = item.lifecycleEvent === 'subscriptionRemoved' ? 'recreate' : 'reauthorize';
    await markPending(deps.models, check.connectionId, check.subscriptionId, pending);
    await checkInboxSubscriptionNow(deps.queues, check.connectionId);
    // Removed: changes may have been missed until the new subscription exists.
    if (pending === 'recreate') await syncNow(deps, check.connectionId, syncs);
  }
  const byEvent = new Map<string, number>();
  for (const { item } of ok) byEvent.set(item.lifecycleEvent, (byEvent.get(item.lifecycleEvent) ?? 0) + 1);
  await count(deps, [
    ...[...byEvent].map(([e, n]) => [PUSH_COUNTERS.lifecycle(e), n] as [string, number]),
    [PUSH_COUNTERS.rejectedUnknown, rejected.unknown_subscription],
    [PUSH_COUNTERS.rejectedClientState, rejected.client_state],
    [PUSH_COUNTERS.syncsTriggered, syncs.triggered],
    [PUSH_COUNTERS.syncsCollapsed, syncs.collapsed],
  ]);
  logRejected(deps, rejected);
  return { accepted: ok.length, rejected, syncs };
}

function logRejected(deps: IntakeDeps, rejected: IntakeResult['rejected']): void {
  if (rejected.client_state || rejected.unknown_subscription)
    deps.logger.warn({ rejected }, 'push: dropped notifications (unknown subscription or clientState mismatch)');
}
