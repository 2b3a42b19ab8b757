import { changeNotificationSettings } from './notification-settings';

describe('changeNotificationSettings', () => {
  it("defaults to Microsoft's 10 s validation and 3 s delivery timeouts, https only", () => {
    expect(changeNotificationSettings()).toEqual({
      allowHttpLoopback: false,
      validationTimeoutMs: 10_000,
      deliveryTimeoutMs: 3_000,
    });
  });

  it('lets tests shorten the timeouts, never lengthen them', () => {
    expect(changeNotificationSettings({ deliveryTimeoutMs: 500 }).deliveryTimeoutMs).toBe(500);
    expect(() => changeNotificationSettings({ deliveryTimeoutMs: 3_001 })).toThrow(/deliveryTimeoutMs/);
    expect(() => changeNotificationSettings({ validationTimeoutMs: 0 })).toThrow(/validationTimeoutMs/);
  });
});
