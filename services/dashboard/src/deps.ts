import type { Redis } from 'ioredis';
import { createQueueClient, createRedis, type QueueClient } from '@outlook-connect/queues';
import { closeStore, connectStore, createLogger, createModels, type Logger, type Models } from '@outlook-connect/shared';
import type { OperatorCredentials } from './auth/credentials';
import type { DashboardConfig } from './env';

export interface DashboardDeps {
  models: Models;
  /** A producer-style connection: bull-board's actions, metric and depth reads. */
  redis: Redis;
  /** Queues of the catalog under the cluster-safe prefix. */
  queues: Pick<QueueClient, 'queue' | 'prefix'>;
  logger: Logger;
  credentials: OperatorCredentials;
  readOnly: boolean;
  now?: () => number;
  durationSample?: number;
  metricsWindowSec?: number;
  depthScanLimit?: number;
}

export interface OwnedDashboardDeps extends DashboardDeps {
  /** Closes what createDashboardDeps opened: queues, then Redis, then the store. */
  close(): Promise<void>;
}

/** Opens the store and Redis for a dashboard from its parsed environment. */
export async function createDashboardDeps(env: DashboardConfig, logger?: Logger): Promise<OwnedDashboardDeps> {
  const log = logger ?? createLogger({ service: 'dashboard', level: env.LOG_LEVEL });
  const conn = await connectStore({ url: env.MONGO_URL, log: (msg, fields) => log.warn(fields ?? {}, msg) });
  const models = await createModels(conn);
  const redis = createRedis(env.REDIS_URL, 'producer');
  // ioredis reconnects on its own; without a listener each attempt would print an unhandled error.
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'dashboard: redis connection error'));
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
    async close() {
      await queues.close();
      redis.disconnect();
      await closeStore(conn);
    },
  };
}
