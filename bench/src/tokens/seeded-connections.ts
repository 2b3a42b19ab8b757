import { scopesForPreset, type ConnectionDoc } from '@outlook-connect/shared';
import { addToRefreshSchedule } from '@outlook-connect/mailbox-runtime';
import { inParallel } from '../lib/progress';
import type { BenchEnv } from '../setup/bench-env';
import { realisticConnections, type SeededIdentity } from './realistic-connections';

// Connections of real emulator users, as if each had connected earlier: the emulator issues each user a refresh
// token (issueRefreshToken) and the documents are stored as the connect flow stores them (realistic-connections.ts),
// on the store's refresh schedule first, then the connection. Thousands take seconds, where the connect flow itself
// on FerretDB (whose lookups other than by `_id` are scans) slows as the store fills: 5.6 flows/s at 1,075.

const SCOPES = ['openid', 'profile', 'email', 'offline_access', ...scopesForPreset('full')];

export async function seedConnections(
  env: BenchEnv,
  opts: { count: number; label: string; firstDueInMs: number; spreadMs: number; leadMs: number },
): Promise<{ docs: ConnectionDoc[]; firstDueAt: number }> {
  const { models, box } = env.clients.deps;
  const identities: SeededIdentity[] = [];
  for (let i = 0; i < opts.count; i++) {
    const email = `${opts.label}${i}@${env.tenant.domain}`;
    const user = env.emu.control.createUser({ tenantId: env.tenant.id, email, displayName: `${opts.label} ${i}` });
    const { refreshToken } = env.emu.control.issueRefreshToken(email, env.app.clientId, SCOPES);
    identities.push({ email: user.email, userId: user.id, refreshToken });
  }
  // Counted from once the users exist (thousands take seconds), before the documents are stored.
  const firstDueAt = Date.now() + opts.firstDueInMs;
  const docs = realisticConnections(box, {
    count: opts.count,
    workspaceId: env.workspaceId,
    appId: env.app.id,
    tenantId: env.tenant.id,
    firstDueAt,
    spreadMs: opts.spreadMs,
    leadMs: opts.leadMs,
    identities,
  });
  await inParallel(
    Array.from({ length: Math.ceil(docs.length / 1_000) }, (_, i) => docs.slice(i * 1_000, (i + 1) * 1_000)),
    2,
    async (batch) => {
      await addToRefreshSchedule(models, batch, Date.now());
      await models.Connection.insertMany(batch, { ordered: false, lean: true });
    },
  );
  return { docs: docs as ConnectionDoc[], firstDueAt };
}
