import type { DeliveryAttempt, DeliveryLog } from './delivery-log';
import { postToEndpoint } from './endpoint-post';
import { EndpointThrottle, slowAfterMs, THROTTLE_DELAY_MS } from './endpoint-throttle';
import type { ChangeNotificationItem, LifecycleNotificationItem } from './payloads';
import { acknowledged, nextAttempt } from './retry-policy';

type Item = ChangeNotificationItem | LifecycleNotificationItem;

interface Pending {
  kind: 'change' | 'lifecycle';
  url: string;
  item: Item;
  dueAt: number;
  firstAttemptAt?: number;
  attempts: number;
  inFlight: boolean;
}

/** "Microsoft Graph may send multiple notifications ... in the same POST request": at most this many (assumed). */
export const MAX_BATCH = 100;

export interface OutboxDeps {
  now: () => number;
  log: DeliveryLog;
  timeoutMs: () => number;
  /** Real-time delay before each POST (the delayNotifications fault). */
  delayMs: () => number;
  /** Retries of change notifications ran out: Graph discards them (and tells the subscription `missed`). */
  onDiscarded: (subscriptionIds: string[]) => void;
  /** A slow endpoint's notification was dropped by throttling. */
  onThrottledDrop: (subscriptionId: string) => void;
}

/**
 * Notifications waiting for their endpoint: batched per URL and kind, POSTed asynchronously, retried on the
 * emulator clock until acknowledged or discarded.
 */
export class Outbox {
  private pending: Pending[] = [];
  private flushScheduled = false;
  private inFlightPosts = new Set<Promise<void>>();
  private stopped = false;
  readonly throttle = new EndpointThrottle();

  constructor(private readonly deps: OutboxDeps) {}

  get size(): number {
    return this.pending.length;
  }

  add(kind: Pending['kind'], url: string, item: Item): void {
    const now = this.deps.now();
    // Throttling applies to change notifications; lifecycle events are not throttled (assumed).
    const state = kind === 'change' ? this.throttle.state(url, now) : 'normal';
    if (state === 'dropping') {
      this.deps.log.add({
        at: now,
        kind,
        url,
        subscriptionIds: [item.subscriptionId],
        count: 1,
        outcome: 'dropped',
        error: 'throttled: slow endpoint',
      });
      this.deps.onThrottledDrop(item.subscriptionId);
      return;
    }
    const dueAt = state === 'throttled' ? now + THROTTLE_DELAY_MS : now;
    this.pending.push({ kind, url, item, dueAt, attempts: 0, inFlight: false });
    this.scheduleFlush();
  }

  /** Coalesces everything added in the same turn of the event loop into one flush (and so into batches). */
  scheduleFlush(): void {
    if (this.flushScheduled || this.stopped) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  flush(): void {
    if (this.stopped) return;
    const now = this.deps.now();
    const groups = new Map<string, Pending[]>();
    for (const p of this.pending) {
      if (p.inFlight || p.dueAt > now) continue;
      const key = `${p.kind} ${p.url}`;
      const group = groups.get(key) ?? [];
      group.push(p);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += MAX_BATCH) this.post(group.slice(i, i + MAX_BATCH));
    }
  }

  private post(batch: Pending[]): void {
    for (const p of batch) p.inFlight = true;
    const first = batch[0];
    if (!first) return;
    const run = async (): Promise<void> => {
      const delay = this.deps.delayMs();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.stopped) return;
      const startedAt = this.deps.now();
      for (const p of batch) {
        p.firstAttemptAt ??= startedAt;
        p.attempts += 1;
      }
      const body = JSON.stringify({ value: batch.map((p) => p.item) });
      const timeoutMs = this.deps.timeoutMs();
      const outcome = await postToEndpoint(first.url, body, 'application/json; charset=utf-8', timeoutMs);
      if (this.stopped) return;
      if (first.kind === 'change') {
        const slow = outcome.kind === 'timeout' || outcome.durationMs > slowAfterMs(timeoutMs);
        this.throttle.record(first.url, batch.length, slow, this.deps.now());
      }
      const ok = outcome.kind === 'answered' && acknowledged(outcome.status);
      this.deps.log.add({
        ...describe(batch, startedAt),
        outcome: ok ? 'delivered' : 'failed',
        durationMs: outcome.durationMs,
        ...(outcome.kind === 'answered' ? { status: outcome.status } : { error: outcomeError(outcome) }),
      });
      if (ok) {
        this.pending = this.pending.filter((p) => !batch.includes(p));
        return;
      }
      this.reschedule(batch);
    };
    const done = run().finally(() => this.inFlightPosts.delete(done));
    this.inFlightPosts.add(done);
  }

  private reschedule(batch: Pending[]): void {
    const now = this.deps.now();
    const discarded: Pending[] = [];
    for (const p of batch) {
      p.inFlight = false;
      const next = nextAttempt(p.firstAttemptAt ?? now, now);
      if (next.retry) p.dueAt = next.at;
      else discarded.push(p);
    }
    if (discarded.length === 0) return;
    this.pending = this.pending.filter((p) => !discarded.includes(p));
    this.deps.log.add({ ...describe(discarded, now), outcome: 'discarded' });
    const changed = discarded.filter((p) => p.kind === 'change').map((p) => p.item.subscriptionId);
    if (changed.length) this.deps.onDiscarded([...new Set(changed)]);
  }

  /** Pending change notifications of a subscription that no longer exists go nowhere (assumed); its lifecycle
   * events (subscriptionRemoved) still go out. */
  forget(subscriptionId: string): void {
    this.pending = this.pending.filter(
      (p) => p.inFlight || p.kind === 'lifecycle' || p.item.subscriptionId !== subscriptionId,
    );
  }

  clear(): void {
    this.pending = [];
    this.throttle.clear();
  }

  stop(): void {
    this.stopped = true;
    this.pending = [];
  }

  /** Resolves when every POST started so far has finished (tests, close). */
  async idle(): Promise<void> {
    while (this.inFlightPosts.size) await Promise.all([...this.inFlightPosts]);
  }
}

function describe(batch: Pending[], at: number): Omit<DeliveryAttempt, 'outcome'> {
  const first = batch[0];
  return {
    at,
    kind: first?.kind ?? 'change',
    url: first?.url ?? '',
    subscriptionIds: [...new Set(batch.map((p) => p.item.subscriptionId))],
    count: batch.length,
    attempt: Math.max(...batch.map((p) => p.attempts)),
    ...(first?.kind === 'lifecycle'
      ? { lifecycleEvents: batch.map((p) => (p.item as LifecycleNotificationItem).lifecycleEvent) }
      : { changeTypes: batch.map((p) => (p.item as ChangeNotificationItem).changeType) }),
  };
}

const outcomeError = (o: { kind: 'timeout' } | { kind: 'network'; message: string }): string =>
  o.kind === 'timeout' ? 'timeout' : o.message;
