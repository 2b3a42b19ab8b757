import { randomBytes } from 'node:crypto';
import { startEmulator, type Emulator, type LimitsConfig } from '@outlook-connect/ms-emulator';
import {
  deleteKeysMatching,
  redisKeys,
  startWorkers,
  type HandlerRegistration,
  type QueueName,
  type RunningWorkers,
} from '@outlook-connect/queues';
import {
  createLogger,
  generateKeyringSpec,
  parseEnv,
  type ConnectionDoc,
  type Logger,
  type ScopePresetName,
} from '@outlook-connect/shared';
import {
  connectMailbox,
  seedOAuthApp,
  testIsolation,
  type SeededOAuthApp,
  type TestIsolation,
} from '@outlook-connect/stack';
import { createClients, workersEnv, type Clients, type WorkersConfig } from '../clients';

// What every workers integration test stands on: its own db + queue prefix, the in-process emulator, the workers'
// real clients, a tenant with a seeded OAuth app, and mailboxes connected through the real code flow.

export interface WorkerStack {
  iso: TestIsolation;
  emu: Emulator;
  config: WorkersConfig;
  logger: Logger;
  clients: Clients;
  /** The environment a workers main (services/workers/src/main.ts) child process needs to join this stack. */
  childEnv: Record<string, string>;
  workspaceId: string;
  tenant: { id: string; domain: string };
  app: SeededOAuthApp;
  /** A new emulator user connected with the given preset. */
  connect(preset: ScopePresetName, name?: string): Promise<{ connection: ConnectionDoc; email: string }>;
  /** Starts in-process workers for these registrations (at most one set at a time); stopWorkers closes them. */
  startWorkers(registrations: HandlerRegistration[], served: QueueName[]): void;
  stopWorkers(): Promise<void>;
  /** Stops workers, drops the test's database and queue keys, closes clients and the emulator. */
  close(): Promise<void>;
}

export interface WorkerStackOptions {
  limits?: Partial<LimitsConfig>;
  /** A Redis and a store of the test's own (fault tests stop, restart and flush them); default the shared ones. */
  redisUrl?: string;
  mongoUrl?: string;
}

function privateIsolation(label: string, opts: WorkerStackOptions): TestIsolation {
  const iso = testIsolation(label);
  if (!opts.redisUrl && !opts.mongoUrl) return iso;
  const mongoDbUrl = opts.mongoUrl
    ? Object.assign(new URL(opts.mongoUrl), { pathname: `/${iso.dbName}` }).toString()
    : iso.mongoDbUrl;
  // A private Redis is a single server of its own (fault tests stop it): every client, in process or not, targets it.
  const redis = opts.redisUrl
    ? { redisUrl: opts.redisUrl, redisTarget: { url: opts.redisUrl }, redisEnv: { REDIS_URL: opts.redisUrl } }
    : {};
  return { ...iso, ...redis, mongoUrl: opts.mongoUrl ?? iso.mongoUrl, mongoDbUrl };
}

export async function startWorkerStack(label: string, opts: WorkerStackOptions = {}): Promise<WorkerStack> {
  const iso = privateIsolation(label, opts);
  const emu = await startEmulator({ interactive: false, limits: opts.limits });
  const childEnv: Record<string, string> = {
    ...iso.redisEnv,
    MONGO_URL: iso.mongoDbUrl,
    QUEUE_PREFIX: iso.queuePrefix,
    SECRETS_KEYS: generateKeyringSpec('k1'),
    MICROSOFT_LOGIN_URL: emu.loginUrl,
    MICROSOFT_GRAPH_URL: emu.graphUrl,
    LOG_LEVEL: 'silent',
  };
  const config = parseEnv('workers', workersEnv, childEnv);
  const logger = createLogger({ service: `${label}-test`, level: 'silent' });
  const clients = await createClients(config, { logger, dbName: iso.dbName });
  const { deps } = clients;
  const workspaceId = `ws_${randomBytes(6).toString('hex')}`;
  const tenant = emu.control.createTenant();
  const app = await seedOAuthApp({
    models: deps.models,
    box: deps.box,
    emulator: emu,
    workspaceId,
    homeTenantId: tenant.id,
    multiTenant: true,
  });
  let workers: RunningWorkers | null = null;

  return {
    iso,
    emu,
    config,
    logger,
    clients,
    childEnv,
    workspaceId,
    tenant,
    app,
    async connect(preset, name = 'user') {
      const email = `${name}-${randomBytes(4).toString('hex')}@${tenant.domain}`;
      emu.control.createUser({ tenantId: tenant.id, email, displayName: name });
      const connection = await connectMailbox({
        models: deps.models,
        box: deps.box,
        emulator: emu,
        workspaceId,
        app,
        email,
        preset,
      });
      return { connection, email };
    },
    startWorkers(registrations, served) {
      workers ??= startWorkers({
        registrations,
        served,
        connection: clients.workerRedis,
        prefix: iso.queuePrefix,
        logger,
      });
    },
    async stopWorkers() {
      await workers?.close();
      workers = null;
    },
    async close() {
      await workers?.close();
      await deps.models.Connection.db.dropDatabase();
      await deleteKeysMatching(deps.redis, ...redisKeys.keyPatterns(iso.queuePrefix));
      await clients.close();
      await emu.close();
    },
  };
}
