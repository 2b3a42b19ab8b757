import { ConfigError } from '@outlook-connect/shared';
import { pushPolicyFromEnv } from './push-policy';

describe('pushPolicyFromEnv', () => {
  it('is off without a public URL, with a 15-minute safety poll', () => {
    const p = pushPolicyFromEnv({});
    expect(p.publicUrl).toBeNull();
    expect(p.safetyPollMs).toBe(900_000);
    expect(p.subscription.lifetimeMs).toBeLessThan(10_080 * 60_000);
  });

  it('takes an https base URL without its trailing slash', () => {
    expect(pushPolicyFromEnv({ PUSH_PUBLIC_URL: 'https://connect.example.com/' }).publicUrl).toBe(
      'https://connect.example.com',
    );
  });

  it('refuses a non-https URL and a lifetime beyond the maximum, naming the variables', () => {
    expect(() => pushPolicyFromEnv({ PUSH_PUBLIC_URL: 'http://connect.example.com' })).toThrow(/PUSH_PUBLIC_URL/);
    expect(() => pushPolicyFromEnv({ PUSH_SUBSCRIPTION_LIFETIME_MIN: '20000' })).toThrow(ConfigError);
    expect(() => pushPolicyFromEnv({ PUSH_SUBSCRIPTION_LIFETIME_MIN: '20000' })).toThrow(
      /PUSH_SUBSCRIPTION_LIFETIME_MIN/,
    );
  });
});
