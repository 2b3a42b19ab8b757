// The push counters the gateway (notifications) and the workers (renewals) write into one Redis hash
// (redisKeys.pushMetrics) and the dashboard reads at scrape time: one place names the fields, so all sides agree.

export const PUSH_COUNTERS = {
  /** Change notifications accepted (a known subscription, its clientState matched). */
  received: 'notifications:received',
  /** Dropped: unknown subscription id. */
  rejectedUnknown: 'notifications:rejected:unknown_subscription',
  /** Dropped: the clientState did not match (a forgery, or an old secret). */
  rejectedClientState: 'notifications:rejected:client_state',
  /** Lifecycle notifications accepted, by event. */
  lifecycle: (event: string) => `lifecycle:${event}`,
  /** Delta syncs a notification started (promoted or queued), after the per-connection collapse. */
  syncsTriggered: 'syncs:triggered',
  /** Notifications that found a sync already queued or running (collapsed into it). */
  syncsCollapsed: 'syncs:collapsed',
  created: 'subscriptions:created',
  renewed: 'subscriptions:renewed',
  renewalFailed: 'subscriptions:renewal_failed',
  creationFailed: 'subscriptions:creation_failed',
  removed: 'subscriptions:removed',
} as const;

export const LIFECYCLE_EVENTS = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

export interface PushMetricsSnapshot {
  received: number;
  rejected: { unknown_subscription: number; client_state: number };
  lifecycle: Record<LifecycleEvent, number>;
  syncsTriggered: number;
  syncsCollapsed: number;
  subscriptions: { created: number; renewed: number; renewal_failed: number; creation_failed: number; removed: number };
}

/** The hash as numbers (absent fields are 0). */
export function readPushMetrics(hash: Record<string, string>): PushMetricsSnapshot {
  const n = (field: string) => Number(hash[field] ?? 0);
  return {
    received: n(PUSH_COUNTERS.received),
    rejected: {
      unknown_subscription: n(PUSH_COUNTERS.rejectedUnknown),
      client_state: n(PUSH_COUNTERS.rejectedClientState),
    },
    lifecycle: Object.fromEntries(LIFECYCLE_EVENTS.map((e) => [e, n(PUSH_COUNTERS.lifecycle(e))])) as Record<
      LifecycleEvent,
      number
    >,
    syncsTriggered: n(PUSH_COUNTERS.syncsTriggered),
    syncsCollapsed: n(PUSH_COUNTERS.syncsCollapsed),
    subscriptions: {
      created: n(PUSH_COUNTERS.created),
      renewed: n(PUSH_COUNTERS.renewed),
      renewal_failed: n(PUSH_COUNTERS.renewalFailed),
      creation_failed: n(PUSH_COUNTERS.creationFailed),
      removed: n(PUSH_COUNTERS.removed),
    },
  };
}
