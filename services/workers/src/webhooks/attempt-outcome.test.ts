import { attemptOutcome } from './attempt-outcome';

const response = (statusCode: number) => ({ kind: 'response' as const, statusCode, retryAfterMs: null });

describe('what a webhook attempt came to', () => {
  it.each([200, 201, 204, 299])('%i is delivered', (s) => expect(attemptOutcome(response(s))).toBe('delivered'));
  it.each([429, 500, 502, 503, 504])('%i is retried', (s) => expect(attemptOutcome(response(s))).toBe('retry'));
  it.each([301, 302, 400, 401, 403, 404, 410, 422])('%i is rejected without retry', (s) =>
    expect(attemptOutcome(response(s))).toBe('rejected'),
  );
  it('retries network errors and timeouts, not a refused address', () => {
    expect(attemptOutcome({ kind: 'network', error: 'ECONNREFUSED' })).toBe('retry');
    expect(attemptOutcome({ kind: 'timeout', error: 'no answer within 10000 ms' })).toBe('retry');
    expect(attemptOutcome({ kind: 'refused', error: '10.0.0.1 is private' })).toBe('refused');
  });
});
