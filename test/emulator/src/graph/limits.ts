export interface LimitsConfig {
  enabled: boolean;
  mailboxConcurrency: number;
  requestsPer10Min: number;
  sendsPerMinute: number;
  /** Outlook: 150 MB upload (PATCH, POST, PUT) in a 5-minute period per mailbox (upload sessions count here). */
  uploadBytesPer5Min?: number;
}

export const DEFAULT_LIMITS: LimitsConfig = {
  enabled: true,
  mailboxConcurrency: 4,
  requestsPer10Min: 10_000,
  sendsPerMinute: 30,
  uploadBytesPer5Min: 150 * 1024 * 1024,
};

export type LimitVerdict =
  { ok: true } | { ok: false; limit: 'MailboxConcurrency' | 'RequestRate' | 'SendRate'; retryAfterSec: number };

const TEN_MIN_MS = 600_000;
const MINUTE_MS = 60_000;

/** Sliding-window counter of events per key. */
class Window {
  private readonly events = new Map<string, number[]>();

  constructor(private readonly spanMs: number) {}

  /** Records an event unless `max` are already in the window; returns ms until a slot frees, or 0 if recorded. */
  hit(key: string, nowMs: number, max: number): number {
    const list = this.events.get(key) ?? [];
    while (list.length && (list[0] ?? 0) <= nowMs - this.spanMs) list.shift();
    if (list.length >= max) return Math.max(1, (list[0] ?? nowMs) + this.spanMs - nowMs);
    list.push(nowMs);
    this.events.set(key, list);
    return 0;
  }

  clear(): void {
    this.events.clear();
  }
}

/** Outlook's per-mailbox limits: concurrency, requests per 10 minutes, sends per minute. */
export class Limiter {
  private readonly requests = new Window(TEN_MIN_MS);
  private readonly sends = new Window(MINUTE_MS);

  constructor(public config: LimitsConfig) {}

  /** `inFlight` is the mailbox's concurrency before this request. */
  admitRequest(email: string, inFlight: number, nowMs: number): LimitVerdict {
    if (!this.config.enabled) return { ok: true };
    if (inFlight >= this.config.mailboxConcurrency) return { ok: false, limit: 'MailboxConcurrency', retryAfterSec: 1 };
    const waitMs = this.requests.hit(email, nowMs, this.config.requestsPer10Min);
    return waitMs ? { ok: false, limit: 'RequestRate', retryAfterSec: Math.ceil(waitMs / 1000) } : { ok: true };
  }

  admitSend(email: string, nowMs: number): LimitVerdict {
    if (!this.config.enabled) return { ok: true };
    const waitMs = this.sends.hit(email, nowMs, this.config.sendsPerMinute);
    return waitMs ? { ok: false, limit: 'SendRate', retryAfterSec: Math.ceil(waitMs / 1000) } : { ok: true };
  }

  reset(): void {
    this.requests.clear();
    this.sends.clear();
  }
}
