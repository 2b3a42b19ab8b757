import { startWorkers, type QueueName } from '@outlook-connect/queues';
import { createLogger, parseEnv } from '@outlook-connect/shared';
import { createClients, registrationsFor, workersEnv, type Clients } from '@outlook-connect/workers';
import type { GatewayHarness } from '@outlook-connect/auth-gateway/testing';

// The real workers next to a gateway harness: the workers' own clients (their real config parsing) on the harness's
// Redis, queue prefix, store and emulator, serving the given queues in this process.

export interface RealWorkers {
  clients: Clients;
  /** Stops the workers, then closes their clients. */
  close(): Promise<void>;
}

export async function startRealWorkers(
  h: GatewayHarness,
  served: readonly QueueName[],
  opts: {
    /** More workers settings (environment variables), e.g. compressed intervals. */
    env?: Record<string, string>;
    /** Settings that have no environment variable, applied to the deps the handlers get. */
    deps?: (deps: Clients['deps']) => Clients['deps'];
  } = {},
): Promise<RealWorkers> {
  const env = h.deps.env;
  const config = parseEnv('workers', workersEnv, {
    REDIS_URL: env.REDIS_URL,
    QUEUE_PREFIX: env.QUEUE_PREFIX,
    MONGO_URL: env.MONGO_URL,
    SECRETS_KEYS: env.SECRETS_KEYS,
    MICROSOFT_LOGIN_URL: env.MICROSOFT_LOGIN_URL,
    MICROSOFT_GRAPH_URL: env.MICROSOFT_GRAPH_URL,
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const logger = createLogger({ service: 'workers', level: 'silent' });
  const clients = await createClients(config, { logger, dbName: h.deps.store.name });
  const deps = opts.deps ? opts.deps(clients.deps) : clients.deps;
  const workers = startWorkers({
    registrations: registrationsFor(deps, served),
    served,
    connection: clients.workerRedis,
    prefix: config.QUEUE_PREFIX,
    logger,
  });
  return {
    clients,
    async close() {
      await workers.close();
      await clients.close();
    },
  };
}
