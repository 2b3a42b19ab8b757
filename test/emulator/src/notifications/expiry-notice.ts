import type { Subscription } from './subscription';

/**
 * "reauthorizationRequired ... When a subscription is about to expire": the doc's illustration sends challenges as
 * expiry nears and "every 15 mins" in the last hour. The emulator: the first at 60 minutes before expiry, then every
 * 15 minutes until renewed or expired (assumed); delivery does not pause for these (a renewal is what they ask for).
 */
export const EXPIRY_NOTICE_MS = 60 * 60_000;
export const EXPIRY_NOTICE_REPEAT_MS = 15 * 60_000;

/** A challenge is due: the subscription has a lifecycle URL, is in its last hour, and was not challenged lately. */
export function expiryNoticeDue(
  sub: Pick<Subscription, 'lifecycleNotificationUrl' | 'expiresAt' | 'expiryNoticeAt'>,
  now: number,
): boolean {
  if (!sub.lifecycleNotificationUrl || sub.expiresAt - now > EXPIRY_NOTICE_MS) return false;
  return sub.expiryNoticeAt === undefined || now - sub.expiryNoticeAt >= EXPIRY_NOTICE_REPEAT_MS;
}
