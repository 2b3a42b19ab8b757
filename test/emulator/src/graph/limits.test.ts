import { DEFAULT_LIMITS, Limiter } from './limits';

describe('Limiter', () => {
  it('refuses a 5th concurrent request per mailbox', () => {
    const limiter = new Limiter({ ...DEFAULT_LIMITS });
    expect(limiter.admitRequest('a@x', 3, 0)).toEqual({ ok: true });
    expect(limiter.admitRequest('a@x', 4, 0)).toEqual({ ok: false, limit: 'MailboxConcurrency', retryAfterSec: 1 });
  });

  it('counts requests per 10 minutes in a sliding window, per mailbox', () => {
    const limiter = new Limiter({ ...DEFAULT_LIMITS, requestsPer10Min: 2 });
    expect(limiter.admitRequest('a@x', 0, 1_000).ok).toBe(true);
    expect(limiter.admitRequest('a@x', 0, 2_000).ok).toBe(true);
    expect(limiter.admitRequest('a@x', 0, 3_000)).toEqual({ ok: false, limit: 'RequestRate', retryAfterSec: 598 });
    expect(limiter.admitRequest('b@x', 0, 3_000).ok).toBe(true);
    expect(limiter.admitRequest('a@x', 0, 601_000).ok).toBe(true);
  });

  it('counts sends per minute and can be switched off', () => {
    const limiter = new Limiter({ ...DEFAULT_LIMITS, sendsPerMinute: 1 });
    expect(limiter.admitSend('a@x', 0).ok).toBe(true);
    expect(limiter.admitSend('a@x', 30_000)).toEqual({ ok: false, limit: 'SendRate', retryAfterSec: 30 });
    limiter.config = { ...limiter.config, enabled: false };
    expect(limiter.admitSend('a@x', 30_000).ok).toBe(true);
    expect(limiter.admitRequest('a@x', 99, 0).ok).toBe(true);
  });
});
