import type { IdType } from '../mailbox/mailbox';
/** A Graph change-notification subscription as the emulator keeps it ("subscription resource type"). */
export type ChangeKind = 'created' | 'updated' | 'deleted';
export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

/** What the subscription watches: every message of the mailbox, or the messages of one folder. */
export interface WatchedMessages {
  userId: string;
  /** Folder id; absent = the whole mailbox (`me/messages`). */
  folderId?: string;
}

export interface Subscription {
  id: string;
  /** The resource exactly as the client sent it (Graph echoes it). */
  resource: string;
  watched: WatchedMessages;
  changeTypes: ChangeKind[];
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  latestSupportedTlsVersion: string;
  /** ms epoch on the emulator clock. */
  expiresAt: number;
  /** applicationId: the client id of the app that created it. */
  applicationId: string;
  /** creatorId: the signed-in user (delegated permissions). */
  creatorId: string;
  tenantId: string;
  /** reauthorizationRequired was sent and not answered: change notifications pause until reauthorize or renew. */
  reauthorizationRequired: boolean;
  /**
   * The id format of its notifications: immutable when it was created with `Prefer: IdType="ImmutableId"`, else REST
   * ("Immutable ID with change notifications"). Absent on subscriptions saved before this existed: REST.
   */
  idType?: IdType;
  /** When the last "about to expire" reauthorizationRequired went out (emulator clock). */
  expiryNoticeAt?: number;
  createdAt: number;
}

/** The subscription's JSON as Graph returns it; `clientState` is withheld in lists ("List subscriptions" note). */
export function subscriptionJson(sub: Subscription, opts: { withClientState: boolean }): Record<string, unknown> {
  return {
    id: sub.id,
    resource: sub.resource,
    applicationId: sub.applicationId,
    changeType: sub.changeTypes.join(','),
    clientState: opts.withClientState ? sub.clientState : null,
    notificationUrl: sub.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: sub.lifecycleNotificationUrl,
    expirationDateTime: new Date(sub.expiresAt).toISOString(),
    creatorId: sub.creatorId,
    includeResourceData: null,
    latestSupportedTlsVersion: sub.latestSupportedTlsVersion,
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}
