import { EndpointThrottle, slowAfterMs, THROTTLE_WINDOW_MS } from './endpoint-throttle';

const URL_A = 'https://crm.example/a';

describe('EndpointThrottle', () => {
  it('judges nothing before 100 notifications', () => {
    const t = new EndpointThrottle();
    t.record(URL_A, 99, true, 0);
    expect(t.state(URL_A, 1)).toBe('normal');
  });

  it('throttles at 10% slow and drops at 15%', () => {
    const t = new EndpointThrottle();
    t.record(URL_A, 90, false, 0);
    t.record(URL_A, 9, true, 0);
    expect(t.state(URL_A, 0)).toBe('normal');
    t.record(URL_A, 1, true, 0);
    expect(t.state(URL_A, 0)).toBe('throttled');
    t.record(URL_A, 8, true, 0);
    expect(t.state(URL_A, 0)).toBe('dropping');
  });

  it('flushes the counts every 10 minutes and keeps endpoints apart', () => {
    const t = new EndpointThrottle();
    t.record(URL_A, 100, true, 0);
    expect(t.state('https://crm.example/b', 0)).toBe('normal');
    expect(t.state(URL_A, THROTTLE_WINDOW_MS - 1)).toBe('dropping');
    expect(t.state(URL_A, THROTTLE_WINDOW_MS)).toBe('normal');
  });

  it('calls a response slow past 2,900 of 3,000 ms, proportionally for shorter timeouts', () => {
    expect(slowAfterMs(3000)).toBe(2900);
    expect(slowAfterMs(300)).toBeCloseTo(290);
  });
});
