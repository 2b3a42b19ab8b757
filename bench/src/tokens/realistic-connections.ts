import { randomBytes } from 'node:crypto';
import { newId, tokenContext, type ConnectionDoc, type SecretBox } from '@outlook-connect/shared';

// Connection documents as the connect flow writes them: a Microsoft-sized access token (~1.6 KB JWT) and refresh
// token (~1 KB), each encrypted with the real SecretBox under its own context, and a refresh schedule.

export type NewConnection = Omit<ConnectionDoc, 'createdAt' | 'updatedAt' | 'sync' | 'limits'>;

const ACCESS_TOKEN_CHARS = 1_600;
const REFRESH_TOKEN_CHARS = 1_000;

/** A real emulator user with a refresh token the emulator will honour (issueRefreshToken). */
export interface SeededIdentity {
  email: string;
  userId: string;
  refreshToken: string;
}

/**
 * `count` connections whose nextRefreshAt are evenly spaced over [firstDueAt, firstDueAt + spreadMs), in random
 * order, each token expiring leadMs after its nextRefreshAt. With `identities`, connection i is that user's, with
 * that refresh token (one connection per identity); otherwise the users and tokens are made up.
 */
export function realisticConnections(
  box: SecretBox,
  opts: {
    count: number;
    workspaceId: string;
    appId: string;
    tenantId: string;
    firstDueAt: number;
    spreadMs: number;
    leadMs: number;
    identities?: SeededIdentity[];
  },
): NewConnection[] {
  if (opts.identities && opts.identities.length !== opts.count)
    throw new Error(`realisticConnections: ${opts.identities.length} identities for ${opts.count} connections`);
  const now = new Date();
  const slots = Array.from({ length: opts.count }, (_, i) => i);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  return slots.map((slot, i) => {
    const _id = newId('conn');
    const due = opts.firstDueAt + Math.floor((slot * opts.spreadMs) / opts.count);
    const accessToken = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${randomBytes((ACCESS_TOKEN_CHARS * 3) / 4).toString('base64url')}`;
    const identity = opts.identities?.[i];
    const refreshToken =
      identity?.refreshToken ?? `1.AQ${randomBytes((REFRESH_TOKEN_CHARS * 3) / 4).toString('base64url')}`;
    const oid = identity?.userId ?? randomBytes(16).toString('hex');
    return {
      _id,
      workspaceId: opts.workspaceId,
      appId: opts.appId,
      status: 'active',
      statusReason: null,
      scopePreset: 'full',
      grantedScopes: ['openid', 'profile', 'email', 'offline_access', 'User.Read', 'Mail.ReadWrite', 'Mail.Send'],
      tenant: 'common',
      tenantId: opts.tenantId,
      microsoftUserId: oid,
      homeAccountId: `${oid}.${opts.tenantId}`,
      mailbox: identity?.email ?? `user${i}@contoso-bench.example`,
      displayName: `Bench User ${i}`,
      accessTokenEnc: box.encrypt(accessToken, tokenContext(_id, 'accessToken')),
      refreshTokenEnc: box.encrypt(refreshToken, tokenContext(_id, 'refreshToken')),
      accessTokenExpiresAt: new Date(due + opts.leadMs),
      tokenVersion: 1,
      lastRefreshAt: now,
      nextRefreshAt: new Date(due),
      refreshFailures: 0,
      lastRefreshError: null,
      disconnectedAt: null,
    };
  });
}
