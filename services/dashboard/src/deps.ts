import type { RedisConnection } from '@outlook-connect/queues';
import { createQueueClient, createRedis, type QueueClient } from '@outlook-connect/queues';
import {
  closeStore,
  connectStore,
  createLogger,
  createModels,
  type Logger,
  type Models,
} from '@outlook-connect/shared';
import type { OperatorCredentials } from './auth/credentials';
import type { DashboardConfig } from './env';

export interface DashboardDeps {
  models: Models;
  /** A producer-style connection: bull-board's actions, metric and depth reads. */
  redis: RedisConnection;
  /** Queues of the catalog under the cluster-safe prefix. */
  queues: Pick<QueueClient, 'queue' | 'prefix'>;
  logger: Logger;
  credentials: OperatorCredentials;
  readOnly: boolean;
  now?: () => number;
  durationSample?: number;
  metricsWindowSec?: number;
  depthScanLimit?: number;
  /** Failed sign-ins per client IP per window before 429 (default 10 a minute). */
  authFailureLimit?: { max: number; windowMs: number };
  /** A request's whole lifecycle, in ms, before it answers 503 (default 15 s). */
  requestTimeoutMs?: number;
}

export interface OwnedDashboardDeps extends DashboardDeps {
  /** Closes what createDashboardDeps opened: queues, then Redis, then the store. */
  close(): Promise<void>;
}

/** Opens the store and Redis for a dashboard from its parsed environment. */
export async function createDashboardDeps(env: DashboardConfig, logger?: Logger): Promise<OwnedDashboardDeps> {
  const log = logger ?? createLogger({ service: 'dashboard', level: env.LOG_LEVEL });
  // Bounded waits: while the store or Redis is away a page fails in seconds (and recovers when they are back).
  const conn = await connectStore({
    url: env.MONGO_URL,
    bufferCommands: false,
    log: (msg, fields) => log.warn(fields ?? {}, msg),
  });
  const models = await createModels(conn);
  const redis = createRedis({ url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES }, 'producer', {
    enableOfflineQueue: false,
    commandTimeout: 3000,
    maxRetriesPerRequest: 1,
  });
  // ioredis reconnects on its own and reports every attempt; log the outage once, and once when it ends.
  let redisDown = false;
  redis.on('error', (err: Error) => {
    if (!redisDown) log.warn({ err: err.message }, 'dashboard: redis unavailable');
    redisDown = true;
  });
  redis.on('ready', () => {
    if (redisDown) log.info('dashboard: redis available again');
    redisDown = false;
  });
  const queues = createQueueClient({ connection: redis, prefix: env.QUEUE_PREFIX });
  return {
    models,
    redis,
    queues,
    logger: log,
    credentials: { user: env.DASHBOARD_USER, password: env.DASHBOARD_PASSWORD },
    readOnly: env.DASHBOARD_READ_ONLY,
    durationSample: env.DASHBOARD_DURATION_SAMPLE,
    metricsWindowSec: env.DASHBOARD_METRICS_WINDOW_SEC,
    depthScanLimit: env.DASHBOARD_DEPTH_SCAN_LIMIT,
    authFailureLimit: { max: env.DASHBOARD_AUTH_FAILURE_LIMIT, windowMs: env.DASHBOARD_AUTH_FAILURE_WINDOW_SEC * 1000 },
    requestTimeoutMs: env.DASHBOARD_REQUEST_TIMEOUT_MS,
    async close() {
      await queues.close();
      redis.disconnect();
      await closeStore(conn);
    },
  };
}
