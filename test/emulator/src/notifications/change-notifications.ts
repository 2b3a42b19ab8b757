import type { Clock } from '../clock';
import type { GraphPrincipal } from '../graph/graph-auth';
import { GraphError } from '../graph/graph-error';
import type { IdType, Mailbox, MessageChange } from '../mailbox/mailbox';
import { guid } from '../util/ids';
import { DeliveryLog } from './delivery-log';
import { validateEndpoint } from './handshake';
import { THROTTLE_WINDOW_MS } from './endpoint-throttle';
import { Outbox } from './outbox';
import { changeNotificationItem, lifecycleNotificationItem } from './payloads';
import { expiryNoticeDue } from './expiry-notice';
import type { ChangeNotificationSettings } from './notification-settings';
import type { LifecycleEvent, Subscription } from './subscription';
import type { SubscriptionPatch, SubscriptionRequest } from './subscription-request';

/** "There is a maximum limit of 1000 active subscriptions for Outlook resources per mailbox for all applications." */
export const MAX_SUBSCRIPTIONS_PER_MAILBOX = 1000;
const TICK_MS = 200;
export interface Owner {
  applicationId: string;
  userId: string;
  tenantId: string;
}

export const ownerOf = (principal: GraphPrincipal): Owner => ({
  applicationId: principal.clientId,
  userId: principal.user.id,
  tenantId: principal.user.tenantId,
});

const notFound = (): GraphError => new GraphError(404, 'ResourceNotFound', 'The object was not found.');

/**
 * The emulated change-notification service: subscriptions (per app and user), the validation handshake,
 * notifications for message changes, lifecycle events, expiry on the emulator clock, and the test faults.
 */
export class ChangeNotifications {
  readonly subscriptions = new Map<string, Subscription>();
  readonly log = new DeliveryLog();
  private readonly outbox: Outbox;
  private ticker: NodeJS.Timeout | undefined;
  private dropRemaining = 0;
  private dropFor: string | undefined;
  private delayMs = 0;
  private readonly lastThrottleMissed = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    public settings: ChangeNotificationSettings,
  ) {
    this.outbox = new Outbox({
      now: () => this.clock.now(),
      log: this.log,
      timeoutMs: () => this.settings.deliveryTimeoutMs,
      delayMs: () => this.delayMs,
      onDiscarded: (ids) => ids.forEach((id) => this.lifecycle(id, 'missed')),
      onThrottledDrop: (id) => this.missedOncePerWindow(id),
    });
  }

  async create(
    req: SubscriptionRequest,
    owner: Owner,
    watchedFolderId: string | undefined,
    idType: IdType = 'rest',
  ): Promise<Subscription> {
    const active = [...this.subscriptions.values()].filter((s) => s.watched.userId === owner.userId).length;
    if (active >= MAX_SUBSCRIPTIONS_PER_MAILBOX)
      throw new GraphError(
        403,
        'ExtensionError',
        `Operation: Create; Exception: [Status Code: Forbidden; Reason: The mailbox has reached the maximum of ${MAX_SUBSCRIPTIONS_PER_MAILBOX} active subscriptions.]`,
      );
    const id = guid();
    await this.validate(req.notificationUrl, id);
    if (req.lifecycleNotificationUrl) await this.validate(req.lifecycleNotificationUrl, id);
    const sub: Subscription = {
      id,
      resource: req.resource,
      watched: { userId: owner.userId, ...(watchedFolderId ? { folderId: watchedFolderId } : {}) },
      changeTypes: req.changeTypes,
      notificationUrl: req.notificationUrl,
      lifecycleNotificationUrl: req.lifecycleNotificationUrl,
      clientState: req.clientState,
      latestSupportedTlsVersion: req.latestSupportedTlsVersion,
      expiresAt: req.expiresAt,
      applicationId: owner.applicationId,
      creatorId: owner.userId,
      tenantId: owner.tenantId,
      reauthorizationRequired: false,
      idType,
      createdAt: this.clock.now(),
    };
    // Validation took real time; the emulator clock may have moved past the requested expiry meanwhile.
    if (sub.expiresAt <= this.clock.now())
      throw new GraphError(400, 'ExtensionError', 'Subscription expiration must be in the future.');
    this.subscriptions.set(id, sub);
    this.ensureTicker();
    return sub;
  }

  /** The subscription if this app created it for this user; anyone else's is not found (assumed: no disclosure). */
  owned(id: string, owner: Owner): Subscription {
    this.expireDue();
    const sub = this.subscriptions.get(id);
    if (!sub || sub.applicationId !== owner.applicationId || sub.creatorId !== owner.userId) throw notFound();
    return sub;
  }

  list(owner: Owner): Subscription[] {
    this.expireDue();
    return [...this.subscriptions.values()].filter(
      (s) => s.applicationId === owner.applicationId && s.creatorId === owner.userId,
    );
  }

  async renew(id: string, owner: Owner, patch: SubscriptionPatch): Promise<Subscription> {
    const sub = this.owned(id, owner);
    if (patch.notificationUrl && patch.notificationUrl !== sub.notificationUrl) {
      await this.validate(patch.notificationUrl, id);
      sub.notificationUrl = patch.notificationUrl;
    }
    sub.expiresAt = patch.expiresAt;
    // "renewing your subscription will also reauthorize" it.
    sub.reauthorizationRequired = false;
    delete sub.expiryNoticeAt;
    return sub;
  }

  reauthorize(id: string, owner: Owner): void {
    this.owned(id, owner).reauthorizationRequired = false;
  }

  delete(id: string, owner: Owner): void {
    this.remove(this.owned(id, owner).id);
  }

  /** A message changed in some mailbox: one notification per matching subscription, queued for delivery. */
  messageChanged(mailbox: Mailbox, change: MessageChange): void {
    if (this.subscriptions.size === 0) return;
    const folderId = change.kind === 'deleted' ? change.folderId : change.message.parentFolderId;
    const restId = change.kind === 'deleted' ? change.id : change.message.id;
    const immutableId = change.kind === 'deleted' ? change.immutableId : mailbox.idOf(change.message, 'immutable');
    const changeKey = change.kind === 'deleted' ? change.changeKey : change.message.changeKey;
    const now = this.clock.now();
    for (const sub of [...this.subscriptions.values()]) {
      if (sub.watched.userId !== mailbox.owner.id) continue;
      if (sub.watched.folderId && sub.watched.folderId !== folderId) continue;
      if (!sub.changeTypes.includes(change.kind)) continue;
      if (sub.expiresAt <= now) {
        this.remove(sub.id);
        continue;
      }
      const base = { at: now, kind: 'change' as const, url: sub.notificationUrl, subscriptionIds: [sub.id], count: 1 };
      if (sub.reauthorizationRequired) {
        this.log.add({ ...base, outcome: 'paused', changeTypes: [change.kind] });
        continue;
      }
      if (this.dropRemaining > 0 && (!this.dropFor || this.dropFor === sub.id)) {
        this.dropRemaining -= 1;
        this.log.add({ ...base, outcome: 'dropped', changeTypes: [change.kind] });
        continue;
      }
      this.outbox.add(
        'change',
        sub.notificationUrl,
        changeNotificationItem(sub, {
          kind: change.kind,
          messageId: sub.idType === 'immutable' ? immutableId : restId,
          changeKey,
        }),
      );
      this.ensureTicker();
    }
  }

  /** Sends a lifecycle event to the subscription's lifecycleNotificationUrl; none without one (documented). */
  lifecycle(id: string, event: LifecycleEvent): void {
    const sub = this.subscriptions.get(id);
    if (!sub?.lifecycleNotificationUrl) return;
    this.outbox.add('lifecycle', sub.lifecycleNotificationUrl, lifecycleNotificationItem(sub, event));
    this.ensureTicker();
  }

  // ---- faults (control API) ----
  dropNext(count: number, subscriptionId?: string): void {
    this.dropRemaining = count;
    this.dropFor = subscriptionId;
  }

  delayDeliveries(ms: number): void {
    this.delayMs = Math.max(0, ms);
  }

  /** Removes the subscription as Outlook does after e.g. a password reset, telling the app `subscriptionRemoved`. */
  removeWithNotice(id: string): void {
    const sub = this.existing(id);
    this.lifecycle(sub.id, 'subscriptionRemoved');
    this.remove(sub.id);
  }

  requireReauthorization(id: string): void {
    const sub = this.existing(id);
    sub.reauthorizationRequired = true;
    this.lifecycle(sub.id, 'reauthorizationRequired');
  }

  expireNow(id: string): void {
    this.existing(id).expiresAt = this.clock.now();
    this.expireDue();
  }

  existing(id: string): Subscription {
    const sub = this.subscriptions.get(id);
    if (!sub) throw new GraphError(404, 'ResourceNotFound', `subscription ${id} not found`);
    return sub;
  }

  /** Expired subscriptions are deleted and stop notifying ("If you don't renew a subscription in time..."). */
  expireDue(): void {
    const now = this.clock.now();
    for (const sub of [...this.subscriptions.values()]) if (sub.expiresAt <= now) this.remove(sub.id);
  }

  /** Subscriptions loaded from the state file: they keep notifying after a restart (expired ones go at once). */
  restore(saved: Map<string, Subscription>): void {
    this.subscriptions.clear();
    for (const [id, sub] of saved) this.subscriptions.set(id, sub);
    this.expireDue();
    if (this.subscriptions.size) this.ensureTicker();
  }

  /** Challenges subscriptions (with a lifecycle URL) that are about to expire. */
  noticeExpiring(): void {
    const now = this.clock.now();
    for (const sub of this.subscriptions.values()) {
      if (!expiryNoticeDue(sub, now)) continue;
      sub.expiryNoticeAt = now;
      this.lifecycle(sub.id, 'reauthorizationRequired');
    }
  }

  reset(): void {
    this.subscriptions.clear();
    this.outbox.clear();
    this.log.clear();
    this.dropRemaining = 0;
    this.dropFor = undefined;
    this.delayMs = 0;
    this.lastThrottleMissed.clear();
    this.stopTicker();
  }

  stop(): void {
    this.outbox.stop();
    this.stopTicker();
  }

  idle(): Promise<void> {
    return this.outbox.idle();
  }

  /** One `missed` per subscription per throttling window, not one per dropped notification (assumed). */
  private missedOncePerWindow(id: string): void {
    const now = this.clock.now();
    const last = this.lastThrottleMissed.get(id);
    if (last !== undefined && now - last < THROTTLE_WINDOW_MS) return;
    this.lastThrottleMissed.set(id, now);
    this.lifecycle(id, 'missed');
  }

  private remove(id: string): void {
    this.subscriptions.delete(id);
    this.outbox.forget(id);
  }

  private validate(url: string, subscriptionId: string): Promise<void> {
    return validateEndpoint(url, subscriptionId, {
      timeoutMs: this.settings.validationTimeoutMs,
      now: () => this.clock.now(),
      log: this.log,
    });
  }

  /** Runs while there is something to expire or retry; the emulator clock can jump (advanceClock). */
  private ensureTicker(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => {
      this.expireDue();
      this.noticeExpiring();
      this.outbox.flush();
      if (this.subscriptions.size === 0 && this.outbox.size === 0) this.stopTicker();
    }, TICK_MS);
    this.ticker.unref();
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
