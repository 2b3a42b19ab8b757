import type { EmulatorContext } from '../context';
import type { DeliveryAttempt } from './delivery-log';
import { subscriptionJson } from './subscription';

export interface SubscriptionInfo extends Record<string, unknown> {
  id: string;
  userId: string;
  email: string | null;
  folderId: string | null;
  reauthorizationRequired: boolean;
}

/** Change-notification faults and inspection for tests (`emu.control.<op>` and `/_emulator/<op>`). */
export interface NotificationControl {
  /** Every live subscription (all apps), with its clientState and what it watches. */
  subscriptions(email?: string): SubscriptionInfo[];
  /** Validation requests, deliveries (with status and duration), retries, drops and discards, oldest first. */
  notificationLog(subscriptionId?: string): DeliveryAttempt[];
  /** The next `count` change notifications (of one subscription, or any) are lost without a trace to the app. */
  dropNotifications(count: number, subscriptionId?: string): void;
  /** Every POST to a subscriber waits this many real milliseconds first (0 = off). */
  delayNotifications(ms: number): void;
  /** Sends the `missed` lifecycle event (as after throttling). */
  sendMissed(subscriptionId: string): void;
  /** The subscription reaches its expiry now: it is deleted and stops notifying (no lifecycle event). */
  expireSubscription(subscriptionId: string): void;
  /** Outlook removes the subscription (password reset, revoked account): `subscriptionRemoved`, then it is gone. */
  removeSubscription(subscriptionId: string): void;
  /** `reauthorizationRequired`; change notifications pause (changes meanwhile are lost) until reauthorize or renew. */
  requireReauthorization(subscriptionId: string): void;
}

export const NOTIFICATION_CONTROL_ARGS: Record<keyof NotificationControl, string[]> = {
  subscriptions: ['email'],
  notificationLog: ['subscriptionId'],
  dropNotifications: ['count', 'subscriptionId'],
  delayNotifications: ['ms'],
  sendMissed: ['subscriptionId'],
  expireSubscription: ['subscriptionId'],
  removeSubscription: ['subscriptionId'],
  requireReauthorization: ['subscriptionId'],
};

export function notificationControl(ctx: EmulatorContext): NotificationControl {
  const hub = (): EmulatorContext['changeNotifications'] => ctx.changeNotifications;
  return {
    subscriptions: (email) => {
      hub().expireDue();
      const only = email ? ctx.directory.userByEmail(email).id : undefined;
      return [...hub().subscriptions.values()]
        .filter((s) => !only || s.watched.userId === only)
        .map((s) => ({
          ...subscriptionJson(s, { withClientState: true }),
          id: s.id,
          userId: s.watched.userId,
          email: ctx.directory.user(s.watched.userId)?.email ?? null,
          folderId: s.watched.folderId ?? null,
          reauthorizationRequired: s.reauthorizationRequired,
        }));
    },
    notificationLog: (subscriptionId) => hub().log.list(subscriptionId),
    dropNotifications: (count, subscriptionId) => {
      if (!Number.isInteger(count) || count < 0) throw new Error('dropNotifications: count must be a whole number');
      hub().dropNext(count, subscriptionId);
    },
    delayNotifications: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new Error('delayNotifications: ms must be a number >= 0');
      hub().delayDeliveries(ms);
    },
    sendMissed: (id) => hub().lifecycle(hub().existing(id).id, 'missed'),
    expireSubscription: (id) => hub().expireNow(id),
    removeSubscription: (id) => hub().removeWithNotice(id),
    requireReauthorization: (id) => hub().requireReauthorization(id),
  };
}
