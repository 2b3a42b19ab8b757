import type { ChangeKind, LifecycleEvent, Subscription } from './subscription';

/** One item of a changeNotificationCollection for an Outlook message, without resource data. */
export interface ChangeNotificationItem {
  subscriptionId: string;
  subscriptionExpirationDateTime: string;
  changeType: ChangeKind;
  resource: string;
  resourceData: { '@odata.type': string; '@odata.id': string; '@odata.etag': string; id: string };
  clientState: string | null;
  tenantId: string;
}

export interface LifecycleNotificationItem {
  subscriptionId: string;
  subscriptionExpirationDateTime: string;
  tenantId: string;
  clientState: string | null;
  lifecycleEvent: LifecycleEvent;
}

/** "Receive notifications without resource data" (Outlook overview): `Users/{id}/Messages/{id}` + a weak etag. */
export function changeNotificationItem(
  sub: Subscription,
  change: { kind: ChangeKind; messageId: string; changeKey: string },
): ChangeNotificationItem {
  const path = `Users/${sub.watched.userId}/Messages/${change.messageId}`;
  return {
    subscriptionId: sub.id,
    subscriptionExpirationDateTime: new Date(sub.expiresAt).toISOString(),
    changeType: change.kind,
    resource: path,
    resourceData: {
      '@odata.type': '#Microsoft.Graph.Message',
      '@odata.id': path,
      '@odata.etag': `W/"${change.changeKey}"`,
      id: change.messageId,
    },
    clientState: sub.clientState,
    tenantId: sub.tenantId,
  };
}

/** "Structure of a lifecycle notification" (lifecycle events doc). */
export function lifecycleNotificationItem(sub: Subscription, event: LifecycleEvent): LifecycleNotificationItem {
  return {
    subscriptionId: sub.id,
    subscriptionExpirationDateTime: new Date(sub.expiresAt).toISOString(),
    tenantId: sub.tenantId,
    clientState: sub.clientState,
    lifecycleEvent: event,
  };
}
