import type { DestinationStream } from 'pino';
import type { RedisConnection } from '@outlook-connect/queues';
import type { Connection } from 'mongoose';
import { createQueueClient, createRedis, type QueueClient } from '@outlook-connect/queues';
import {
  connectStore,
  createLogger,
  createModels,
  createSecretBox,
  type Logger,
  type Models,
  type SecretBox,
} from '@outlook-connect/shared';
import { createMailboxRuntime, type MailboxRuntime } from '@outlook-connect/mailbox-runtime';
import type { GatewayEnv } from './env';
import { guardQueues, watchDependencies, type DependencyWatch } from './http/dependency-watch';

/** Everything the gateway talks to; built once per process (or per test file) and handed to buildGateway. */
export interface GatewayDeps {
  env: GatewayEnv;
  store: Connection;
  models: Models;
  box: SecretBox;
  redis: RedisConnection;
  queues: QueueClient;
  logger: Logger;
  /** The store's and Redis' live state: 503s during an outage, readiness, liveness. */
  dependencies: DependencyWatch;
  now: () => Date;
  /** The same mailbox runtime the workers build (tokens, connection status, gate, gated Graph client): free/busy uses it. */
  mailbox: MailboxRuntime;
  /** The sandbox workspace's API key, held server-side for the sandbox page only (SANDBOX=true). */
  sandboxApiKey?: string;
}

export interface CreateGatewayDepsOptions {
  /** Store database override (tests use one database each). */
  dbName?: string;
  /** Where log lines go (tests capture them). */
  logDestination?: DestinationStream;
}

export async function createGatewayDeps(env: GatewayEnv, opts: CreateGatewayDepsOptions = {}): Promise<GatewayDeps> {
  const logger = createLogger({
    service: 'auth-gateway',
    level: env.LOG_LEVEL,
    ...(opts.logDestination ? { destination: opts.logDestination } : {}),
  });
  const timeout = env.DEPENDENCY_TIMEOUT_MS;
  // No buffering while the store is away: a query waits for server selection (bounded), then answers 503.
  const store = await connectStore({
    url: env.MONGO_URL,
    ...(opts.dbName ? { dbName: opts.dbName } : {}),
    selectionTimeoutMs: timeout,
    bufferCommands: false,
    log: (msg, f) => logger.warn(f ?? {}, msg),
  });
  const models = await createModels(store);
  // Producers fail fast while Redis is away (no offline queue, bounded commands) instead of holding the request.
  const redis = createRedis({ url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES }, 'producer', {
    enableOfflineQueue: false,
    commandTimeout: timeout,
    maxRetriesPerRequest: 1,
  });
  const dependencies = watchDependencies({ store, redis, logger, probeTimeoutMs: timeout });
  const queues = guardQueues(createQueueClient({ connection: redis, prefix: env.QUEUE_PREFIX }), redis, timeout);
  const box = createSecretBox(env.SECRETS_KEYS);
  const mailbox = createMailboxRuntime({
    models,
    box,
    queues,
    redis,
    logger,
    microsoft: { loginUrl: env.MICROSOFT_LOGIN_URL, graphUrl: env.MICROSOFT_GRAPH_URL },
  });
  return { env, store, models, box, redis, queues, logger, dependencies, now: () => new Date(), mailbox };
}

/** Shutdown order: queues (producers), then Redis, then the store; the HTTP server is closed before this. */
// Each client is closed even when one before it fails to (Redis gone at shutdown): a client left open keeps
// reconnecting and the process from exiting.
export async function closeGatewayDeps(deps: GatewayDeps): Promise<void> {
  deps.dependencies.close();
  try {
    await deps.queues.close();
  } finally {
    await deps.redis.quit().catch(() => deps.redis.disconnect());
    await deps.store.close();
  }
}
