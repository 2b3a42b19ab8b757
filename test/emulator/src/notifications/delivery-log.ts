/** One thing the emulator did towards a subscriber's endpoint (or decided not to do), for tests to inspect. */
export interface DeliveryAttempt {
  /** ms epoch, emulator clock. */
  at: number;
  kind: 'validation' | 'change' | 'lifecycle';
  url: string;
  subscriptionIds: string[];
  /** Items in the POST (changes or lifecycle events). */
  count: number;
  /** delivered: 2xx; failed: non-2xx, timeout or network (retried later); discarded: retries exhausted; dropped: the
   * dropNotifications fault; paused: the subscription awaits reauthorization, so the change is lost. */
  outcome: 'delivered' | 'failed' | 'discarded' | 'dropped' | 'paused' | 'validated' | 'refused';
  status?: number;
  error?: string;
  durationMs?: number;
  attempt?: number;
  changeTypes?: string[];
  lifecycleEvents?: string[];
}

const MAX_ENTRIES = 20_000;

export class DeliveryLog {
  private entries: DeliveryAttempt[] = [];

  add(entry: DeliveryAttempt): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(subscriptionId?: string): DeliveryAttempt[] {
    return this.entries
      .filter((e) => !subscriptionId || e.subscriptionIds.includes(subscriptionId))
      .map((e) => ({ ...e, subscriptionIds: [...e.subscriptionIds] }));
  }

  clear(): void {
    this.entries = [];
  }
}
