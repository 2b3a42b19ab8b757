import { ConfigError, parseEnv } from '@outlook-connect/shared';
import { DEFAULT_MAINTENANCE_POLICY, maintenanceEnv, maintenancePolicyFromConfig } from './maintenance-policy';

describe('maintenance settings', () => {
  it('defaults: sweep every 30 s, 500 per pass; sends and calendar operations kept 90 days, activity 30, connect attempts 7', () => {
    expect(maintenancePolicyFromConfig(parseEnv('workers', maintenanceEnv, {}))).toEqual(DEFAULT_MAINTENANCE_POLICY);
  });

  it('reads every setting', () => {
    const p = maintenancePolicyFromConfig(
      parseEnv('workers', maintenanceEnv, {
        SEND_RETENTION_DAYS: '3',
        ACTIVITY_RETENTION_DAYS: '1',
        OPERATION_SWEEP_EVERY_SEC: '5',
        RETENTION_BATCH: '10',
      }),
    );
    expect(p).toMatchObject({
      sendRetentionMs: 3 * 86_400_000,
      activityRetentionMs: 86_400_000,
      operationSweepEveryMs: 5_000,
      retentionBatch: 10,
    });
  });

  it('names every bad variable', () => {
    let caught: unknown;
    try {
      parseEnv('workers', maintenanceEnv, {
        SEND_RETENTION_DAYS: '0',
        CONNECT_ATTEMPT_RETENTION_DAYS: 'soon',
        OPERATION_SWEEP_BATCH: '-1',
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as Error).message;
    for (const name of ['SEND_RETENTION_DAYS', 'CONNECT_ATTEMPT_RETENTION_DAYS', 'OPERATION_SWEEP_BATCH'])
      expect(message).toContain(name);
  });
});
