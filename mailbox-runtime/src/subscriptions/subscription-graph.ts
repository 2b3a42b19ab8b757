import type { MailboxGraph } from '../contracts';
import { callGraph } from '../gate';
import { INBOX_CHANGE_TYPES, INBOX_MESSAGES_RESOURCE } from './subscription-policy';

// The Graph calls of a subscription (subscription-post-subscriptions.md, subscription-update.md,
// subscription-delete.md), through the mailbox's gated client; errors come out classified (callGraph).

export interface PushUrls {
  notificationUrl: string;
  lifecycleNotificationUrl: string;
}

/** The gateway's two public endpoints on the configured base URL. */
export function pushUrls(publicBaseUrl: string): PushUrls {
  return {
    notificationUrl: `${publicBaseUrl}/v1/graph/notifications`,
    lifecycleNotificationUrl: `${publicBaseUrl}/v1/graph/lifecycle`,
  };
}

interface GraphSubscription {
  id: string;
  expirationDateTime: string;
}

/** POST /subscriptions: Graph validates the notification URL(s) before it answers 201. */
export async function createGraphSubscription(
  graph: MailboxGraph,
  connectionId: string,
  input: { urls: PushUrls; clientState: string; expiresAt: Date },
  now: () => number,
): Promise<{ subscriptionId: string; expiresAt: Date }> {
  const body = {
    changeType: INBOX_CHANGE_TYPES,
    notificationUrl: input.urls.notificationUrl,
    lifecycleNotificationUrl: input.urls.lifecycleNotificationUrl,
    resource: INBOX_MESSAGES_RESOURCE,
    expirationDateTime: input.expiresAt.toISOString(),
    clientState: input.clientState,
  };
  const created = (await callGraph(
    () => graph(connectionId).api('/subscriptions').post(body),
    now,
  )) as GraphSubscription;
  return { subscriptionId: created.id, expiresAt: expiresAtOf(created, input.expiresAt) };
}

/** PATCH /subscriptions/{id} with a new expirationDateTime: renews, and reauthorizes (lifecycle docs). */
export async function renewGraphSubscription(
  graph: MailboxGraph,
  connectionId: string,
  subscriptionId: string,
  expiresAt: Date,
  now: () => number,
): Promise<Date> {
  const renewed = (await callGraph(
    () =>
      graph(connectionId)
        .api(`/subscriptions/${encodeURIComponent(subscriptionId)}`)
        .patch({ expirationDateTime: expiresAt.toISOString() }),
    now,
  )) as GraphSubscription;
  return expiresAtOf(renewed, expiresAt);
}

export async function deleteGraphSubscription(
  graph: MailboxGraph,
  connectionId: string,
  subscriptionId: string,
  now: () => number,
): Promise<void> {
  await callGraph(
    () =>
      graph(connectionId)
        .api(`/subscriptions/${encodeURIComponent(subscriptionId)}`)
        .delete(),
    now,
  );
}

/** Graph's own answer wins (it may shorten the lifetime); the asked time when the answer has none. */
function expiresAtOf(sub: Partial<GraphSubscription> | null | undefined, asked: Date): Date {
  const t = sub?.expirationDateTime ? Date.parse(sub.expirationDateTime) : NaN;
  return Number.isFinite(t) ? new Date(t) : asked;
}
