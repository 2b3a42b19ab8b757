import { createQueueClient, createRedis, workerQueueNames, type QueueName } from '@outlook-connect/queues';
import { calendarEnv, calendarPolicyFromConfig } from './calendar/calendar-policy';
import { inboxEnv, inboxPolicyFromConfig } from './inbox/inbox-policy';
import { sendEnv, sendPolicyFromConfig } from './send/send-policy';
import { maintenanceEnv, maintenancePolicyFromConfig } from './maintenance/maintenance-policy';
import { webhookPolicyFromConfig, webhookWorkerEnv } from './webhooks/webhook-policy';
import { pushPolicyFromConfig, pushWorkerEnv } from './push/push-policy';
import {
  closeStore,
  connectStore,
  createLogger,
  createModels,
  createSecretBox,
  logEnv,
  microsoftEnv,
  redisEnv,
  secretsEnv,
  storeEnv,
  type Logger,
} from '@outlook-connect/shared';
import type { RedisConnection } from '@outlook-connect/queues';
import { z } from 'zod';
import type { ServiceDeps } from './worker-deps';
import {
  createMailboxRuntime,
  createTokenRequestSlots,
  flushActivityLines,
  refreshEnv,
  refreshPolicyFromEnv,
  type RefreshPolicy,
} from '@outlook-connect/mailbox-runtime';

const queueList = z
  .string()
  .default(workerQueueNames.join(','))
  .transform((v, ctx) => {
    const names = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = names.filter((n) => !(workerQueueNames as string[]).includes(n));
    if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown worker queue(s) ${unknown.join(', ')}` });
    return names as QueueName[];
  })
  .describe(`comma-separated worker queues this process serves (${workerQueueNames.join(', ')}); default all`);

/** The workers' environment, parsed once in main(): every setting (refresh, inbox, send, calendar) named when wrong. */
export const workersEnv = {
  ...redisEnv,
  ...storeEnv,
  ...secretsEnv,
  ...microsoftEnv,
  ...logEnv,
  ...refreshEnv,
  ...inboxEnv,
  ...sendEnv,
  ...calendarEnv,
  ...maintenanceEnv,
  ...webhookWorkerEnv,
  ...pushWorkerEnv,
  WORKER_QUEUES: queueList,
  WORKER_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(10)
    .describe(
      'jobs run at once per queue (1-500); token-refresh: token requests to Microsoft at once, beside twice as many jobs',
    ),
  WORKER_LOCK_SEC: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe("job lock: a crashed process's job runs elsewhere after it (whole seconds)"),
};

export type WorkersConfig = z.infer<z.ZodObject<typeof workersEnv>>;

export interface Clients {
  deps: ServiceDeps;
  /** Blocking connection for BullMQ workers (maxRetriesPerRequest null). */
  workerRedis: RedisConnection;
  close(): Promise<void>;
}

export interface ClientOptions {
  logger?: Logger;
  /** Tests scale the policy to token lifetimes of seconds. */
  policy?: RefreshPolicy;
  /** Overrides the database of MONGO_URL (tests). */
  dbName?: string;
  now?: () => number;
}

/** The one clients module: RedisConnection, store, queue client, SecretBox and the workers' seams, wired explicitly. */
export async function createClients(config: WorkersConfig, opts: ClientOptions = {}): Promise<Clients> {
  const logger = opts.logger ?? createLogger({ service: 'workers', level: config.LOG_LEVEL });
  const box = createSecretBox(config.SECRETS_KEYS);
  const store = await connectStore({
    url: config.MONGO_URL,
    dbName: opts.dbName,
    log: (msg, f) => logger.warn(f ?? {}, msg),
  });
  const models = await createModels(store);
  const redisTarget = { url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES };
  const redis = createRedis(redisTarget, 'producer');
  const workerRedis = createRedis(redisTarget, 'worker');
  const queues = createQueueClient({ connection: redis, prefix: config.QUEUE_PREFIX });
  const runtime = createMailboxRuntime({
    models,
    box,
    queues,
    redis,
    logger,
    microsoft: { loginUrl: config.MICROSOFT_LOGIN_URL, graphUrl: config.MICROSOFT_GRAPH_URL },
    now: opts.now ?? Date.now,
    policy: opts.policy ?? refreshPolicyFromEnv(config),
    // As many grants in flight as WORKER_CONCURRENCY says; the token-refresh queue overlaps more jobs than that.
    tokenRequests: createTokenRequestSlots(config.WORKER_CONCURRENCY),
  });
  return {
    deps: {
      ...runtime,
      inboxPolicy: inboxPolicyFromConfig(config),
      sendPolicy: sendPolicyFromConfig(config),
      calendarPolicy: calendarPolicyFromConfig(config),
      maintenancePolicy: maintenancePolicyFromConfig(config),
      webhookPolicy: webhookPolicyFromConfig(config),
      pushPolicy: pushPolicyFromConfig(config),
    },
    workerRedis,
    // Queue client before Redis, store last (after the activity lines still held for it).
    async close() {
      await queues.close();
      await flushActivityLines();
      redis.disconnect();
      workerRedis.disconnect();
      await closeStore(store);
    },
  };
}
