import { randomBytes } from 'node:crypto';
import { startEmulator, type Emulator } from '@outlook-connect/ms-emulator';
import { createCalendarClient, startWorkers, type CalendarClient, type RunningWorkers } from '@outlook-connect/queues';
import { createLogger, generateKeyringSpec, parseEnv, type ConnectionDoc, type ScopePresetName } from '@outlook-connect/shared';
import { connectMailbox, seedOAuthApp, testIsolation, type SeededOAuthApp } from '@outlook-connect/stack';
import { createClients, workersEnv, type Clients } from '../clients';
import { createCalendarHandler } from './calendar.handler';
import type { CalendarPolicy } from './calendar-policy';
import { DEFAULT_CALENDAR_POLICY } from './calendar-policy';
import { createFreeBusyLookup } from './free-busy';

// The real stack for calendar integration tests: emulator, store, Redis, the workers' clients and a calendar worker.

export interface CalendarHarness {
  emu: Emulator;
  clients: Clients;
  calendar: CalendarClient;
  workspaceId: string;
  tenant: { id: string; domain: string };
  app: SeededOAuthApp;
  startWorker(): void;
  stopWorker(): Promise<void>;
  /** A new emulator user connected with the given preset. */
  connect(preset: ScopePresetName, name?: string): Promise<{ connection: ConnectionDoc; email: string }>;
  close(): Promise<void>;
}

export async function startCalendarHarness(label: string, policy: Partial<CalendarPolicy> = {}): Promise<CalendarHarness> {
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
  const logger = createLogger({ service: 'calendar-test', level: 'silent' });
  const clients = await createClients(config, { logger, dbName: iso.dbName });
  const { deps } = clients;
  const calendar = createCalendarClient({ models: deps.models, queues: deps.queues, freeBusy: createFreeBusyLookup(deps) });
  const workspaceId = `ws_${randomBytes(6).toString('hex')}`;
  const tenant = emu.control.createTenant();
  const app = await seedOAuthApp({ models: deps.models, box: deps.box, emulator: emu, workspaceId, homeTenantId: tenant.id, multiTenant: true });
  const handler = createCalendarHandler({ ...deps, calendarPolicy: { ...DEFAULT_CALENDAR_POLICY, ...policy } });
  let workers: RunningWorkers | null = null;

  return {
    emu,
    clients,
    calendar,
    workspaceId,
    tenant,
    app,
    startWorker() {
      workers ??= startWorkers({ registrations: [handler], served: ['calendar'], connection: clients.workerRedis, prefix: iso.queuePrefix, logger });
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
      await deps.models.CalendarOperation.db.dropDatabase();
      const keys = await deps.redis.keys(`{${iso.queuePrefix}}:*`);
      if (keys.length) await deps.redis.del(...keys);
      await clients.close();
      await emu.close();
    },
  };
}
