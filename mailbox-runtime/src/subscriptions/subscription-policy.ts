import { canReadMail, type ConnectionDoc, type InboxSubscriptionDoc } from '@outlook-connect/shared';
export { pushHealth, type PushHealth } from '@outlook-connect/shared';

// What a connection's Inbox subscription needs next, and whether push is healthy. Pure.

/**
 * Graph's maximum lifetime of a subscription on Outlook messages: 10,080 minutes (under 7 days). "Subscription
 * lifetime", https://learn.microsoft.com/graph/api/resources/subscription#subscription-lifetime
 * (microsoft-graph-docs-contrib api-reference/v1.0/resources/subscription.md; older revisions said 4,230 minutes).
 */
export const OUTLOOK_MESSAGE_MAX_LIFETIME_MINUTES = 10_080;
export const OUTLOOK_MESSAGE_MAX_LIFETIME_MS = OUTLOOK_MESSAGE_MAX_LIFETIME_MINUTES * 60_000;
/** The subscribed resource: the Inbox's messages (delta reads the same folder). */
export const INBOX_MESSAGES_RESOURCE = "me/mailFolders('inbox')/messages";
export const INBOX_CHANGE_TYPES = 'created,updated,deleted';

export interface SubscriptionPolicy {
  /** The lifetime asked for; never beyond the maximum less a margin for clock skew. */
  lifetimeMs: number;
  /** Renewed when this much of the lifetime remains (at most half the lifetime, so short test lifetimes work too). */
  renewBeforeMs: number;
  /** After the n-th consecutive failure: retryBaseMs * 2^(n-1), at most retryMaxMs (and never after expiry). */
  retryBaseMs: number;
  retryMaxMs: number;
}

/** The margin kept under Graph's maximum: a request that lands a few seconds later must still be within it. */
export const LIFETIME_MARGIN_MS = 5 * 60_000;

export const DEFAULT_SUBSCRIPTION_POLICY: SubscriptionPolicy = {
  lifetimeMs: OUTLOOK_MESSAGE_MAX_LIFETIME_MS - LIFETIME_MARGIN_MS,
  renewBeforeMs: 3 * 24 * 3_600_000,
  retryBaseMs: 30_000,
  retryMaxMs: 3_600_000,
};

/** The expirationDateTime to ask for at `nowMs`. */
export function expirationFor(nowMs: number, policy: Pick<SubscriptionPolicy, 'lifetimeMs'>): Date {
  const lifetime = Math.min(policy.lifetimeMs, OUTLOOK_MESSAGE_MAX_LIFETIME_MS - LIFETIME_MARGIN_MS);
  return new Date(nowMs + Math.max(60_000, lifetime));
}

/** When a subscription expiring at `expiresAtMs` is renewed: renewBeforeMs ahead, at most half its remaining life. */
export function renewAtFor(
  expiresAtMs: number,
  nowMs: number,
  policy: Pick<SubscriptionPolicy, 'renewBeforeMs'>,
): Date {
  const remaining = Math.max(0, expiresAtMs - nowMs);
  return new Date(nowMs + remaining - Math.min(policy.renewBeforeMs, remaining / 2));
}

/** The next attempt after `failures` consecutive failures; a live subscription is retried before it expires. */
export function retryAtFor(
  failures: number,
  nowMs: number,
  policy: Pick<SubscriptionPolicy, 'retryBaseMs' | 'retryMaxMs'>,
  expiresAtMs?: number | null,
): Date {
  const n = Math.max(1, Math.floor(failures));
  const delay = Math.min(policy.retryBaseMs * 2 ** Math.min(n - 1, 30), policy.retryMaxMs);
  const at = nowMs + delay;
  if (expiresAtMs && expiresAtMs > nowMs) return new Date(Math.min(at, nowMs + (expiresAtMs - nowMs) / 2));
  return new Date(at);
}

type Conn = Pick<ConnectionDoc, 'status' | 'grantedScopes'>;
type Sub = Pick<InboxSubscriptionDoc, 'subscriptionId' | 'expiresAt' | 'nextCheckAt' | 'pending' | 'failures'>;

export type SubscriptionAction =
  | { kind: 'create' }
  | { kind: 'renew' }
  /** Delete it at Graph (if any) and forget it. */
  | { kind: 'remove' }
  /** Nothing to do before atMs. */
  | { kind: 'wait'; atMs: number }
  /** Nothing to do at all: the job ends (a reconnect, a lifecycle event or the sweep brings it back). */
  | { kind: 'stop'; reason: 'not_wanted' | 'needs_reconnect' };

/** Whether a connection should have a subscription: active, may read mail, and push is configured. */
export function wantsSubscription(conn: Conn | null, pushConfigured: boolean): boolean {
  return !!conn && conn.status === 'active' && canReadMail(conn.grantedScopes) && pushConfigured;
}

export function subscriptionAction(
  conn: Conn | null,
  sub: Sub | null,
  nowMs: number,
  pushConfigured: boolean,
): SubscriptionAction {
  // needs_reconnect: no token to renew with; the record stays, and the reconnect recreates or renews it.
  if (conn?.status === 'needs_reconnect' && canReadMail(conn.grantedScopes) && pushConfigured)
    return { kind: 'stop', reason: 'needs_reconnect' };
  if (!wantsSubscription(conn, pushConfigured))
    return sub ? { kind: 'remove' } : { kind: 'stop', reason: 'not_wanted' };
  if (sub?.pending === 'recreate') return { kind: 'create' };
  const live = !!sub?.subscriptionId && !!sub.expiresAt && sub.expiresAt.getTime() > nowMs;
  if (live && sub?.pending === 'reauthorize') return { kind: 'renew' };
  const due = !sub?.nextCheckAt || sub.nextCheckAt.getTime() <= nowMs;
  if (!due) return { kind: 'wait', atMs: sub!.nextCheckAt!.getTime() };
  return live ? { kind: 'renew' } : { kind: 'create' };
}
