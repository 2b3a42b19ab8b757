import type { ConnectionDoc } from '@outlook-connect/shared';

const STATUS_LABEL = { active: 'Active', needs_reconnect: 'Needs reconnect', disconnected: 'Disconnected' } as const;

/** What the API shows of a connection: never a token, never a ciphertext. */
export function connectionView(c: ConnectionDoc) {
  return {
    id: c._id,
    appId: c.appId,
    mailbox: c.mailbox,
    displayName: c.displayName,
    scopePreset: c.scopePreset,
    grantedScopes: c.grantedScopes,
    tenant: c.tenant,
    tenantId: c.tenantId,
    status: c.status,
    statusLabel: STATUS_LABEL[c.status],
    reason:
      c.status === 'active' || !c.statusReason
        ? null
        : {
            code: c.statusReason.code,
            message: c.statusReason.message,
            remediation: c.statusReason.remediation,
            since: iso(c.statusReason.since),
          },
    tokenExpiresAt: iso(c.accessTokenExpiresAt),
    lastRefreshAt: iso(c.lastRefreshAt),
    sync: {
      initialSyncComplete: c.sync?.initialSyncComplete ?? false,
      lastSuccessAt: iso(c.sync?.lastSuccessAt),
      lastError: c.sync?.lastError
        ? { code: c.sync.lastError.code, message: c.sync.lastError.message, at: iso(c.sync.lastError.at) }
        : null,
      syncedCount: c.sync?.syncedCount ?? 0,
    },
    disconnectedAt: iso(c.disconnectedAt),
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

function iso(d: Date | null | undefined): string | null {
  return d ? new Date(d).toISOString() : null;
}
