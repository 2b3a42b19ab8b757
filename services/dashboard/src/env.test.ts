import { ConfigError, parseEnv } from '@outlook-connect/shared';
import { dashboardEnv } from './env';

const base = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  MONGO_URL: 'mongodb://127.0.0.1:27017/oc',
  DASHBOARD_USER: 'ops',
  DASHBOARD_PASSWORD: 'a-long-enough-password',
};

describe('dashboard environment', () => {
  it('applies defaults: writable, port 3002, the oc queue prefix', () => {
    const env = parseEnv('dashboard', dashboardEnv, base);
    expect(env).toMatchObject({
      DASHBOARD_READ_ONLY: false,
      DASHBOARD_PORT: 3002,
      QUEUE_PREFIX: 'oc',
      DASHBOARD_DURATION_SAMPLE: 500,
      DASHBOARD_METRICS_WINDOW_SEC: 3600,
    });
  });

  it('reads the read-only flag', () => {
    expect(parseEnv('dashboard', dashboardEnv, { ...base, DASHBOARD_READ_ONLY: 'true' }).DASHBOARD_READ_ONLY).toBe(
      true,
    );
    expect(parseEnv('dashboard', dashboardEnv, { ...base, DASHBOARD_READ_ONLY: '0' }).DASHBOARD_READ_ONLY).toBe(false);
    expect(() => parseEnv('dashboard', dashboardEnv, { ...base, DASHBOARD_READ_ONLY: 'yes' })).toThrow(
      /DASHBOARD_READ_ONLY/,
    );
  });

  it('refuses to start without credentials or with a short password, naming the variables', () => {
    let error: unknown;
    try {
      parseEnv('dashboard', dashboardEnv, {
        REDIS_URL: base.REDIS_URL,
        MONGO_URL: base.MONGO_URL,
        DASHBOARD_PASSWORD: 'short',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.variable).sort()).toEqual(['DASHBOARD_PASSWORD', 'DASHBOARD_USER']);
    expect((error as ConfigError).message).toMatch(/DASHBOARD_PASSWORD: must be at least 12 characters/);
    expect((error as ConfigError).message).not.toContain('short');
  });
});
