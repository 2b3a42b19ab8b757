import { acknowledged, nextAttempt, RETRY_INTERVAL_MS, RETRY_WINDOW_MS } from './retry-policy';

describe('nextAttempt', () => {
  it('retries every 10 minutes for up to 4 hours after the first attempt, then gives up', () => {
    const first = 1_000_000;
    let at = first;
    let tries = 1;
    for (;;) {
      const next = nextAttempt(first, at);
      if (!next.retry) break;
      expect(next.at - at).toBe(RETRY_INTERVAL_MS);
      at = next.at;
      tries += 1;
    }
    expect(at - first).toBeLessThanOrEqual(RETRY_WINDOW_MS);
    expect(tries).toBe(1 + RETRY_WINDOW_MS / RETRY_INTERVAL_MS);
  });
});

describe('acknowledged', () => {
  it('is any 2xx', () => {
    expect([200, 202, 204, 299].every(acknowledged)).toBe(true);
    expect([0, 199, 301, 400, 500].some(acknowledged)).toBe(false);
  });
});
