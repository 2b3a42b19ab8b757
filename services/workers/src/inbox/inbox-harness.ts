import { randomBytes } from 'node:crypto';
import { startEmulator, type Emulator } from '@outlook-connect/ms-emulator';
import { startWorkers, type RunningWorkers } from '@outlook-connect/queues';
import { createLogger, generateKeyringSpec, parseEnv, type ConnectionDoc, type ScopePresetName } from '@outlook-connect/shared';
import { connectMailbox, seedOAuthApp, testIsolation, type SeededOAuthApp } from '@outlook-connect/stack';
import { createClients, workersEnv, type Clients } from '../clients';
import { DEFAULT_INBOX_POLICY, type InboxPolicy } from './inbox-policy';
import { inboxSyncRegistration } from './inbox-sync.handler';
import type { InboxSyncDeps } from './sync-connection';

// The real stack for inbox sync integration tests: emulator, store, Redis, the workers' clients, an inbox worker.

export interface InboxHarness {
  emu: Emulator;
  clients: Clients;
  /** What syncConnection / syncSweep take, with the test's policy. */
  deps: Clients['deps'] & InboxSyncDeps;
  policy: InboxPolicy;
  workspaceId: string;
  app: SeededOAuthApp;
  startWorker(): void;
  stopWorker(): Promise<void>;
  connect(preset: ScopePresetName, name?: string): Promise<{ connection: ConnectionDoc; email: string }>;
  close(): Promise<void>;
}

export async function startInboxHarness(label: string, policy: Partial<InboxPolicy> = {}): Promise<InboxHarness> {
  const iso = testIsolation(label);
  const emu = await startEmulator({ interactive: false });
  const config = parseEnv('workers', workersEnv, {
    REDIS_URL: iso.redisUrl,
    MONGO_URL: iso.mongoUrl,
    QUEUE_PREFIX: iso.queuePrefix,
    SECRETS_KEYS: generateKeyringSpec('k1'),
    MICROSOFT_LOGIN_URL: emu.loginUrl,
    MICROSOFT_GRAPH_URL: emu.graphUrl,
    LOG_LEVEL: 'silent',
  });
  const logger = createLogger({ service: 'inbox-test', level: 'silent' });
  const clients = await createClients(config, { logger, dbName: iso.dbName });
  const inboxPolicy: InboxPolicy = { ...DEFAULT_INBOX_POLICY, ...policy };
  const deps = { ...clients.deps, inboxPolicy };
  const workspaceId = `ws_${randomBytes(6).toString('hex')}`;
  const tenant = emu.control.createTenant();
  const app = await seedOAuthApp({ models: deps.models, box: deps.box, emulator: emu, workspaceId, homeTenantId: tenant.id, multiTenant: true });
  let workers: RunningWorkers | null = null;

  return {
    emu,
    clients,
    deps,
    policy: inboxPolicy,
    workspaceId,
    app,
    startWorker() {
      workers ??= startWorkers({
        registrations: [inboxSyncRegistration({ ...clients.deps, inboxPolicy })],
        served: ['inbox-sync'],
        connection: clients.workerRedis,
        prefix: iso.queuePrefix,
        logger,
      });
    },
    async stopWorker() {
      await workers?.close();
      workers = null;
    },
    async connect(preset, name = 'user') {
      const email = `${name}-${randomBytes(4).toString('hex')}@${tenant.domain}`;
      emu.control.createUser({ tenantId: tenant.id, email, displayName: name });
      const connection = await connectMailbox({ models: deps.models, box: deps.box, emulator: emu, workspaceId, app, email, preset });
      return { connection, email };
    },
    async close() {
      await workers?.close();
      await deps.models.InboxMessage.db.dropDatabase();
      const keys = await deps.redis.keys(`{${iso.queuePrefix}}:*`);
      if (keys.length) await deps.redis.del(...keys);
      await clients.close();
      await emu.close();
    },
  };
}
