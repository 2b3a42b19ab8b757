import type { DestinationStream } from 'pino';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { createQueueClient, createRedis, type QueueClient } from '@outlook-connect/queues';
import { connectStore, createLogger, createModels, createSecretBox, type Logger, type Models, type SecretBox } from '@outlook-connect/shared';
import { createMailboxRuntime, type MailboxRuntime } from '@outlook-connect/mailbox-runtime';
import type { GatewayEnv } from './env';

/** Everything the gateway talks to; built once per process (or per test file) and handed to buildGateway. */
export interface GatewayDeps {
  env: GatewayEnv;
  store: Connection;
  models: Models;
  box: SecretBox;
  redis: Redis;
  queues: QueueClient;
  logger: Logger;
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
  const logger = createLogger({ service: 'auth-gateway', level: env.LOG_LEVEL, ...(opts.logDestination ? { destination: opts.logDestination } : {}) });
  const store = await connectStore({ url: env.MONGO_URL, ...(opts.dbName ? { dbName: opts.dbName } : {}), log: (msg, f) => logger.warn(f ?? {}, msg) });
  const models = await createModels(store);
  const redis = createRedis(env.REDIS_URL, 'producer');
  const queues = createQueueClient({ connection: redis, prefix: env.QUEUE_PREFIX });
  const box = createSecretBox(env.SECRETS_KEYS);
  const mailbox = createMailboxRuntime({
    models,
    box,
    queues,
    redis,
    logger,
    microsoft: { loginUrl: env.MICROSOFT_LOGIN_URL, graphUrl: env.MICROSOFT_GRAPH_URL },
  });
  return { env, store, models, box, redis, queues, logger, now: () => new Date(), mailbox };
}

/** Shutdown order: queues (producers), then Redis, then the store; the HTTP server is closed before this. */
export async function closeGatewayDeps(deps: GatewayDeps): Promise<void> {
  await deps.queues.close();
  await deps.redis.quit().catch(() => deps.redis.disconnect());
  await deps.store.close();
}
