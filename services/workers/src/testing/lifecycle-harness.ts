import { spawn, type ChildProcess } from 'node:child_process';
import { startEmulator, type Emulator } from '@outlook-connect/ms-emulator';
import {
  deleteKeysMatching,
  redisKeys,
  startWorkers,
  type ProductEvent,
  type QueueName,
  type RunningWorkers,
  eventsOnQueue,
} from '@outlook-connect/queues';
import { generateKeyringSpec, parseEnv, type ConnectionDoc } from '@outlook-connect/shared';
import {
  connectMailbox,
  seedOAuthApp,
  serviceNodeArgs,
  testIsolation,
  type SeededOAuthApp,
} from '@outlook-connect/stack';
import pino from 'pino';
import { createClients, workersEnv, type Clients } from '../clients';
import { registrationsFor } from '../handlers';
import { keepMaintenanceScheduled } from '../maintenance/schedule';
import { defaultRefreshPolicy, type RefreshPolicy } from '@outlook-connect/mailbox-runtime';

/** Integration-test harness: emulator + real Redis/store (own prefix and db) + the workers' clients. */
export interface LifecycleHarness {
  emulator: Emulator;
  clients: Clients;
  env: Record<string, string>;
  workspaceId: string;
  queuePrefix: string;
  seedApp(opts?: { secretExpiresAt?: Date }): Promise<SeededOAuthApp>;
  connect(app: SeededOAuthApp, count: number, label?: string): Promise<ConnectionDoc[]>;
  startWorkers(served?: QueueName[]): RunningWorkers;
  events(type?: string): Promise<ProductEvent[]>;
  /** A worker process (`tsx src/main.ts`) on the same Redis prefix, store and emulator; refresh policy from `env`. */
  spawnWorker(env: Record<string, string>): ChildProcess;
  /** Deletes every Redis key under this test's prefix (a FLUSHALL of our own slice). */
  flushRedis(): Promise<number>;
  close(): Promise<void>;
}

export function scaledPolicy(over: Partial<RefreshPolicy>): RefreshPolicy {
  return { ...defaultRefreshPolicy, ...over };
}

export async function startHarness(
  label: string,
  opts: { accessTokenLifetimeSec: number; policy: RefreshPolicy },
): Promise<LifecycleHarness> {
  const iso = testIsolation(label);
  const emulator = await startEmulator({ interactive: false, accessTokenLifetimeSec: opts.accessTokenLifetimeSec });
  const env: Record<string, string> = {
    ...iso.redisEnv,
    QUEUE_PREFIX: iso.queuePrefix,
    MONGO_URL: iso.mongoDbUrl,
    SECRETS_KEYS: generateKeyringSpec(),
    MICROSOFT_LOGIN_URL: emulator.loginUrl,
    MICROSOFT_GRAPH_URL: emulator.graphUrl,
    LOG_LEVEL: 'silent',
  };
  const clients = await createClients(parseEnv('workers-test', workersEnv, env), {
    policy: opts.policy,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  });
  const { models, box } = clients.deps;
  const workspaceId = `ws_${iso.queuePrefix.slice(-12)}`;
  const running: Array<{ close(): Promise<void> }> = [];
  const children: ChildProcess[] = [];
  let users = 0;
  const tenant = emulator.control.createTenant();

  const harness: LifecycleHarness = {
    emulator,
    clients,
    env,
    workspaceId,
    queuePrefix: iso.queuePrefix,
    seedApp: (o = {}) =>
      seedOAuthApp({ models, box, emulator, workspaceId, homeTenantId: tenant.id, multiTenant: true, ...o }),
    async connect(app, count, userLabel = 'user') {
      const out: ConnectionDoc[] = [];
      const emails = Array.from({ length: count }, () => `${userLabel}${users++}@${tenant.domain}`);
      for (const email of emails) emulator.control.createUser({ tenantId: tenant.id, email });
      for (let i = 0; i < emails.length; i += 10) {
        const batch = emails.slice(i, i + 10);
        out.push(
          ...(await Promise.all(
            batch.map((email) => connectMailbox({ models, box, emulator, workspaceId, app, email, preset: 'full' })),
          )),
        );
      }
      return out;
    },
    startWorkers(served = ['token-refresh', 'maintenance', 'app-recovery']) {
      const workers = startWorkers({
        registrations: registrationsFor(clients.deps, served),
        served,
        connection: clients.workerRedis,
        prefix: iso.queuePrefix,
        logger: clients.deps.logger,
      });
      const schedules = served.includes('maintenance')
        ? keepMaintenanceScheduled(clients.deps, clients.deps.logger)
        : null;
      const handle = {
        close: async () => {
          schedules?.stop();
          await workers.close();
        },
      };
      running.push(handle);
      return { workers: workers.workers, close: handle.close };
    },
    spawnWorker(extra) {
      const childEnv = {
        ...process.env,
        ...env,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
        WORKER_QUEUES: 'token-refresh,maintenance,app-recovery',
        ...extra,
      };
      const child = spawn(process.execPath, serviceNodeArgs('workers', childEnv), {
        env: childEnv,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
      return child;
    },
    async events(type) {
      const events = await eventsOnQueue(clients.deps.queues.queue('events'), [
        'waiting',
        'delayed',
        'completed',
        'failed',
      ]);
      return events.filter((e) => !type || e.type === type);
    },
    async flushRedis() {
      return deleteKeysMatching(clients.deps.redis, ...redisKeys.keyPatterns(iso.queuePrefix));
    },
    async close() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const r of running) await r.close();
      await harness.flushRedis();
      await models.Connection.db.dropDatabase();
      await clients.close();
      await emulator.close();
    },
  };
  return harness;
}

/** SIGTERM (graceful: current jobs finish) and wait for the process to exit. */
export async function stopWorker(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

/** Calls Graph (the inbox folder) for every connection, round after round, through AccessTokens + the gated Graph client, until `untilMs`. */
export async function useMailboxesUntil(
  h: LifecycleHarness,
  connectionIds: string[],
  untilMs: number,
  parallel = 10,
  pauseMs = 100,
): Promise<number> {
  let calls = 0;
  const failures: unknown[] = [];
  while (Date.now() < untilMs) {
    for (let i = 0; i < connectionIds.length && Date.now() < untilMs; i += parallel) {
      await Promise.all(
        connectionIds.slice(i, i + parallel).map(async (id) => {
          try {
            // /me needs User.Read, which no preset has; these connections (full) can read the inbox folder.
            await h.clients.deps.graph(id).api('/me/mailFolders/inbox').get();
            calls++;
          } catch (err) {
            failures.push(err);
          }
        }),
      );
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
  if (failures.length) throw new Error(`${failures.length} Graph call(s) failed; first: ${String(failures[0])}`);
  return calls;
}
