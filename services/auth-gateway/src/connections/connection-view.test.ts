import type { ConnectionDoc } from '@outlook-connect/shared';
import { connectionView } from './connection-view';

const doc = (over: Partial<ConnectionDoc> = {}): ConnectionDoc =>
  ({
    _id: 'conn_1',
    workspaceId: 'ws_1',
    appId: 'app_1',
    status: 'active',
    statusReason: null,
    scopePreset: 'full',
    grantedScopes: ['Mail.Send'],
    tenant: 'common',
    tenantId: 't',
    microsoftUserId: 'o',
    homeAccountId: 'o.t',
    mailbox: 'ana@x.example',
    displayName: 'Ana',
    accessTokenEnc: 'v1.SECRET',
    refreshTokenEnc: 'v1.SECRET2',
    accessTokenExpiresAt: new Date('2030-01-01T00:00:00Z'),
    tokenVersion: 1,
    lastRefreshAt: null,
    nextRefreshAt: null,
    refreshFailures: 0,
    lastRefreshError: null,
    sync: { generation: 0, initialSyncComplete: false, consecutiveFailures: 0, syncedCount: 0 },
    limits: {},
    disconnectedAt: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...over,
  }) as ConnectionDoc;

describe('connectionView', () => {
  it('never carries token fields', () => {
    const view = JSON.stringify(connectionView(doc()));
    expect(view).not.toContain('SECRET');
    expect(view).not.toMatch(/Enc"/);
  });

  it('shows the reason and remediation when not active', () => {
    const v = connectionView(
      doc({
        status: 'needs_reconnect',
        statusReason: { code: 'grant_revoked', message: 'm', remediation: 'Reconnect', since: new Date(0) },
      }),
    );
    expect(v).toMatchObject({
      statusLabel: 'Needs reconnect',
      reason: { code: 'grant_revoked', remediation: 'Reconnect' },
    });
    expect(connectionView(doc()).reason).toBeNull();
  });
});
