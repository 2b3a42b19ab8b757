import {
  concurrencyRetryAt,
  DEFAULT_MAILBOX_LIMITS,
  exceedsDailyCap,
  nextUtcMidnight,
  pauseAfterResponse,
  sendLimitsFor,
  sendRateRetryAt,
  utcDay,
} from './limits';

describe('sendLimitsFor', () => {
  it('uses the defaults when the connection sets nothing', () => {
    expect(sendLimitsFor({ limits: {} })).toEqual({ sendsPerMinute: 30, dailyRecipientCap: 10_000 });
  });
  it("takes the connection's own positive integer limits", () => {
    expect(sendLimitsFor({ limits: { sendsPerMinute: 5, dailyRecipientCap: 200 } })).toEqual({
      sendsPerMinute: 5,
      dailyRecipientCap: 200,
    });
  });
  it('ignores null, zero, negative and fractional values', () => {
    expect(sendLimitsFor({ limits: { sendsPerMinute: 0, dailyRecipientCap: null } })).toEqual({
      sendsPerMinute: 30,
      dailyRecipientCap: 10_000,
    });
    expect(sendLimitsFor({ limits: { sendsPerMinute: -3, dailyRecipientCap: 2.5 } })).toEqual({
      sendsPerMinute: 30,
      dailyRecipientCap: 10_000,
    });
  });
});

describe('daily window', () => {
  const t = Date.parse('2025-03-04T23:59:59.500Z');
  it('counts per UTC day', () => {
    expect(utcDay(t)).toBe('2025-03-04');
    expect(utcDay(t + 500)).toBe('2025-03-05');
  });
  it('reopens at the next UTC midnight', () => {
    expect(nextUtcMidnight(t)).toBe(Date.parse('2025-03-05T00:00:00.000Z'));
    expect(nextUtcMidnight(Date.parse('2025-03-05T00:00:00.000Z'))).toBe(Date.parse('2025-03-06T00:00:00.000Z'));
  });
  it('a message with more recipients than the cap can never go', () => {
    expect(exceedsDailyCap(11, { sendsPerMinute: 30, dailyRecipientCap: 10 })).toBe(true);
    expect(exceedsDailyCap(10, { sendsPerMinute: 30, dailyRecipientCap: 10 })).toBe(false);
  });
});

describe('sendRateRetryAt', () => {
  it('is just after the oldest send leaves the one-minute window', () => {
    expect(sendRateRetryAt(1_000, 30_000)).toBe(61_001);
  });
  it('is never in the past', () => {
    expect(sendRateRetryAt(1_000, 90_000)).toBe(90_001);
  });
});

describe('concurrencyRetryAt', () => {
  it('is between base and twice base from now', () => {
    expect(concurrencyRetryAt(10_000, 500, 0)).toBe(10_500);
    expect(concurrencyRetryAt(10_000, 500, 0.999)).toBe(10_999);
  });
});

describe('pauseAfterResponse', () => {
  it('429 pauses for Retry-After, or the default without one', () => {
    expect(pauseAfterResponse(429, 7_000, 1_000, 5_000)).toBe(8_000);
    expect(pauseAfterResponse(429, undefined, 1_000, 5_000)).toBe(6_000);
  });
  it('503 and 504 pause only with Retry-After', () => {
    expect(pauseAfterResponse(503, 2_000, 1_000, 5_000)).toBe(3_000);
    expect(pauseAfterResponse(503, undefined, 1_000, 5_000)).toBeNull();
    expect(pauseAfterResponse(504, 4_000, 1_000, 5_000)).toBe(5_000);
    expect(pauseAfterResponse(504, undefined, 1_000, 5_000)).toBeNull();
  });
  it('other answers do not pause', () => {
    expect(pauseAfterResponse(200, 2_000, 1_000, 5_000)).toBeNull();
    expect(pauseAfterResponse(500, 2_000, 1_000, 5_000)).toBeNull();
  });
});

describe('mailbox limits', () => {
  it('defaults match Exchange Online', () => {
    expect(DEFAULT_MAILBOX_LIMITS).toEqual({ maxConcurrent: 4, sendsPerMinute: 30, dailyRecipientCap: 10_000 });
  });
});
