import { DEFAULT_SEND_DELAY, delayOf, parseSendDelay } from './transport';

describe('send delay', () => {
  it('defaults to a non-zero random range', () => {
    expect(parseSendDelay(undefined)).toEqual(DEFAULT_SEND_DELAY);
    expect(DEFAULT_SEND_DELAY.minMs).toBeGreaterThan(0);
  });
  it('takes a fixed value or a partial range over the current one', () => {
    expect(parseSendDelay(250)).toEqual({ minMs: 250, maxMs: 250 });
    expect(parseSendDelay({ maxMs: 5000 }, { minMs: 100, maxMs: 200 })).toEqual({ minMs: 100, maxMs: 5000 });
  });
  it('refuses a negative or inverted range', () => {
    expect(() => parseSendDelay(-1)).toThrow(/minMs/);
    expect(() => parseSendDelay({ minMs: 10, maxMs: 5 })).toThrow(/minMs <= maxMs/);
  });
  it('draws within [minMs, maxMs]', () => {
    expect(delayOf({ minMs: 100, maxMs: 200 }, () => 0)).toBe(100);
    expect(delayOf({ minMs: 100, maxMs: 200 }, () => 0.999999)).toBe(200);
  });
});
