import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startEmulator, type Emulator, type LimitsConfig } from '@outlook-connect/ms-emulator';
import { createSendClient, startWorkers, type RunningWorkers, type SendClient } from '@outlook-connect/queues';
import { createLogger, generateKeyringSpec, parseEnv, type ConnectionDoc, type ScopePresetName } from '@outlook-connect/shared';
import { connectMailbox, seedOAuthApp, testIsolation, type SeededOAuthApp } from '@outlook-connect/stack';
import { createClients, workersEnv, type Clients } from '../clients';
import { createSendHandler } from './send.handler';
import { DEFAULT_SEND_POLICY, type SendPolicy } from './send-policy';

// The real stack for send integration tests: emulator, store, Redis, the workers' clients, and send workers either
// in this process or as child processes running the workers' real main (which can be SIGKILLed).

export interface SendHarness {
  emu: Emulator;
  clients: Clients;
  sends: SendClient;
  workspaceId: string;
  startWorker(): void;
  stopWorker(): Promise<void>;
  /** A worker process (services/workers/src/main.ts serving `send`); kill it with child.kill('SIGKILL'). */
  spawnWorker(): ChildProcess;
  /** SIGKILLs every worker process still running (at the end of a test: none outlives it). */
  killWorkers(): void;
  /** When a delayed send job comes back (BullMQ scores its delayed set with timestamp * 0x1000 + a counter). */
  retryAtOf(sendId: string): Promise<number | null>;
  connect(preset: ScopePresetName, name?: string): Promise<{ connection: ConnectionDoc; email: string }>;
  close(): Promise<void>;
}

export async function startSendHarness(label: string, opts: { policy?: Partial<SendPolicy>; limits?: Partial<LimitsConfig> } = {}): Promise<SendHarness> {
  const iso = testIsolation(label);
  const emu = await startEmulator({ interactive: false, limits: opts.limits });
  const env = {
    REDIS_URL: iso.redisUrl,
    MONGO_URL: iso.mongoDbUrl,
    QUEUE_PREFIX: iso.queuePrefix,
    SECRETS_KEYS: generateKeyringSpec('k1'),
    MICROSOFT_LOGIN_URL: emu.loginUrl,
    MICROSOFT_GRAPH_URL: emu.graphUrl,
    LOG_LEVEL: 'silent',
  };
  const config = parseEnv('workers', workersEnv, env);
  const logger = createLogger({ service: 'send-test', level: 'silent' });
  const clients = await createClients(config, { logger, dbName: iso.dbName });
  const { deps } = clients;
  const sends = createSendClient({ models: deps.models, queues: deps.queues });
  const workspaceId = `ws_${randomBytes(6).toString('hex')}`;
  const tenant = emu.control.createTenant();
  const app: SeededOAuthApp = await seedOAuthApp({ models: deps.models, box: deps.box, emulator: emu, workspaceId, homeTenantId: tenant.id, multiTenant: true });
  const sendPolicy = { ...DEFAULT_SEND_POLICY, ...opts.policy };
  const handler = createSendHandler({ ...deps, sendPolicy });
  let workers: RunningWorkers | null = null;
  const children = new Set<ChildProcess>();

  return {
    emu,
    clients,
    sends,
    workspaceId,
    startWorker() {
      workers ??= startWorkers({ registrations: [handler], served: ['send'], connection: clients.workerRedis, prefix: iso.queuePrefix, logger });
    },
    async stopWorker() {
      await workers?.close();
      workers = null;
    },
    spawnWorker() {
      const main = path.resolve(__dirname, '..', 'main.ts');
      const child = spawn(process.execPath, ['--import', 'tsx', main], {
        env: {
          ...process.env,
          ...env,
          WORKER_QUEUES: 'send',
          SEND_WAIT_FOR_RECONNECT_SEC: String(Math.round(sendPolicy.waitForReconnectMs / 1000)),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    killWorkers() {
      for (const child of children) child.kill('SIGKILL');
      children.clear();
    },
    async retryAtOf(sendId) {
      const score = await deps.redis.zscore(`${deps.queues.prefix}:send:delayed`, sendId);
      return score === null ? null : Math.floor(Number(score) / 0x1000);
    },
    async connect(preset, name = 'user') {
      const email = `${name}-${randomBytes(4).toString('hex')}@${tenant.domain}`;
      emu.control.createUser({ tenantId: tenant.id, email, displayName: name });
      const connection = await connectMailbox({ models: deps.models, box: deps.box, emulator: emu, workspaceId, app, email, preset });
      return { connection, email };
    },
    async close() {
      for (const child of children) child.kill('SIGKILL');
      await workers?.close();
      await deps.models.Send.db.dropDatabase();
      const keys = await deps.redis.keys(`{${iso.queuePrefix}}:*`);
      if (keys.length) await deps.redis.del(...keys);
      await clients.close();
      await emu.close();
    },
  };
}
