import { deleteKeysMatching, redisKeys } from '@outlook-connect/queues';
import { randomBytes } from 'node:crypto';
import { startEmulator, type Emulator, type TenantInfo } from '@outlook-connect/ms-emulator';
import {
  createLogger,
  generateKeyringSpec,
  parseEnv,
  type ConnectionDoc,
  type ScopePresetName,
} from '@outlook-connect/shared';
import {
  connectMailbox,
  seedOAuthApp,
  testIsolation,
  type SeededOAuthApp,
  type TestIsolation,
} from '@outlook-connect/stack';
import { createClients, workersEnv, type Clients } from '@outlook-connect/workers';
import { inParallel } from '../lib/progress';
import { RssSampler } from '../lib/rss-sampler';

// Everything the phases share: the emulator (limits off), the bench's own database and queue prefix, the workers'
// clients, one tenant and OAuth app, and the environment a worker process needs to join them.

export interface BenchEnv {
  iso: TestIsolation;
  emu: Emulator;
  clients: Clients;
  tenant: TenantInfo;
  app: SeededOAuthApp;
  workspaceId: string;
  /** REDIS_URL, MONGO_URL (with the bench database), QUEUE_PREFIX, SECRETS_KEYS, Microsoft URLs: for child processes. */
  childEnv: Record<string, string>;
  rss: RssSampler;
  /** Creates emulator users and runs the real connect flow (MSAL + PKCE + code redemption) for each. */
  connectMany(
    count: number,
    preset: ScopePresetName,
    label: string,
    beforeConnect?: (email: string) => void,
  ): Promise<Array<{ connection: ConnectionDoc; email: string }>>;
  close(): Promise<void>;
}

export async function startBenchEnv(): Promise<BenchEnv> {
  const iso = testIsolation('bench');
  const emu = await startEmulator({ interactive: false, limits: { enabled: false } });
  const childEnv: Record<string, string> = {
    ...iso.redisEnv,
    MONGO_URL: iso.mongoDbUrl,
    QUEUE_PREFIX: iso.queuePrefix,
    SECRETS_KEYS: generateKeyringSpec('bench'),
    MICROSOFT_LOGIN_URL: emu.loginUrl,
    MICROSOFT_GRAPH_URL: emu.graphUrl,
    LOG_LEVEL: 'warn',
  };
  const logger = createLogger({ service: 'bench', level: 'warn' });
  const clients = await createClients(parseEnv('bench', workersEnv, childEnv), { logger });
  const { models, box } = clients.deps;
  const workspaceId = `ws_${randomBytes(6).toString('hex')}`;
  const tenant = emu.control.createTenant();
  const app = await seedOAuthApp({
    models,
    box,
    emulator: emu,
    workspaceId,
    homeTenantId: tenant.id,
    multiTenant: true,
  });
  const rss = new RssSampler();
  let users = 0;

  return {
    iso,
    emu,
    clients,
    tenant,
    app,
    workspaceId,
    childEnv,
    rss,
    async connectMany(count, preset, label, beforeConnect) {
      const emails = Array.from({ length: count }, () => `${label}${users++}@${tenant.domain}`);
      for (const email of emails) {
        emu.control.createUser({ tenantId: tenant.id, email, displayName: email });
        beforeConnect?.(email);
      }
      return inParallel(emails, 8, async (email) => ({
        email,
        connection: await connectMailbox({ models, box, emulator: emu, workspaceId, app, email, preset }),
      }));
    },
    async close() {
      rss.stop();
      await models.Connection.db.dropDatabase().catch(() => undefined);
      await deleteKeysMatching(clients.deps.redis, ...redisKeys.keyPatterns(iso.queuePrefix));
      await clients.close();
      await emu.close();
    },
  };
}
