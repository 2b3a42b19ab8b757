import { pollIntervalMs } from './poll-interval';

describe('pollIntervalMs', () => {
  it('polls at the configured interval while push is unhealthy', () => {
    for (const reason of ['push_off', 'no_subscription', 'expired', 'renewal_failing', 'lifecycle_pending'] as const)
      expect(pollIntervalMs(15_000, 900_000, { healthy: false, reason })).toBe(15_000);
  });

  it('drops to the safety interval with healthy push, never below the configured one', () => {
    expect(pollIntervalMs(15_000, 900_000, { healthy: true })).toBe(900_000);
    expect(pollIntervalMs(1_800_000, 900_000, { healthy: true })).toBe(1_800_000);
  });
});
