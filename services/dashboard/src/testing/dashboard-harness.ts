import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import {
  createQueueClient,
  createRedis,
  type Payload,
  type QueueClient,
  type QueueName,
  deleteKeysMatching,
  redisKeys,
} from '@outlook-connect/queues';
import {
  closeStore,
  connectStore,
  createModels,
  newId,
  type ConnectionDoc,
  type Models,
  type OAuthAppDoc,
} from '@outlook-connect/shared';
import { testIsolation, waitFor, type TestIsolation } from '@outlook-connect/stack';
import { buildDashboard } from '../app';

// Shared by the dashboard's integration tests: a dashboard on its own database and queue prefix, and seeders.

export const OPERATOR = { user: 'operator', password: 'correct-horse-battery-staple' };
export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
export const AUTH = { authorization: basic(OPERATOR.user, OPERATOR.password) };

export interface TestDashboard {
  iso: TestIsolation;
  app: FastifyInstance;
  models: Models;
  client: QueueClient;
  close(): Promise<void>;
}

export async function startTestDashboard(
  label: string,
  opts: { readOnly?: boolean; now?: () => number; authFailureLimit?: { max: number; windowMs: number } } = {},
): Promise<TestDashboard> {
  const iso = testIsolation(label);
  const conn = await connectStore({ url: iso.mongoUrl, dbName: iso.dbName });
  const models = await createModels(conn);
  const redis = createRedis(iso.redisTarget, 'producer');
  const client = createQueueClient({ connection: redis, prefix: iso.queuePrefix });
  const app = await buildDashboard({
    models,
    redis,
    queues: client,
    logger: pino({ level: 'silent' }),
    credentials: OPERATOR,
    readOnly: opts.readOnly ?? false,
    now: opts.now,
    durationSample: 100,
    metricsWindowSec: 3600,
    // The access tests send dozens of wrong passwords on purpose; the limit itself is tested with its default.
    authFailureLimit: opts.authFailureLimit ?? { max: 1000, windowMs: 60_000 },
  });
  return {
    iso,
    app,
    models,
    client,
    async close() {
      await app.close();
      await client.close();
      await deleteKeysMatching(redis, ...redisKeys.keyPatterns(iso.queuePrefix));
      redis.disconnect();
      await conn.dropDatabase();
      await closeStore(conn);
    },
  };
}

export async function seedApp(models: Models, fields: Partial<OAuthAppDoc> = {}): Promise<OAuthAppDoc> {
  const doc = await models.OAuthApp.create({
    workspaceId: 'ws_ops',
    name: `app-${newId('n')}`,
    clientId: '11111111-2222-3333-4444-555555555555',
    clientSecretEnc: 'v1.k1.not-a-real-ciphertext',
    redirectUri: 'https://crm.example/callback',
    ...fields,
  });
  return doc.toObject();
}

export async function seedConnection(models: Models, fields: Partial<ConnectionDoc> = {}): Promise<ConnectionDoc> {
  const doc = await models.Connection.create({
    workspaceId: 'ws_ops',
    appId: 'app_000000000000000000000000',
    status: 'active',
    scopePreset: 'full',
    tenant: 'common',
    tenantId: 'tid-1',
    microsoftUserId: newId('user'),
    mailbox: `${newId('m')}@contoso.com`,
    refreshTokenEnc: 'v1.k1.refresh-token-ciphertext',
    ...fields,
  });
  return doc.toObject();
}

/** Runs one job of `queue` through a worker that fails it without retry, so it lands in the failed set. */
export async function failOneJob<Q extends QueueName>(
  t: TestDashboard,
  queue: Q,
  payload: Payload<Q>,
  message: string,
): Promise<Job> {
  const job = await t.client.enqueue(queue, payload);
  const connection = createRedis(t.iso.redisTarget, 'worker');
  const worker = new Worker(
    queue,
    async () => {
      throw new UnrecoverableError(message);
    },
    { connection, prefix: t.client.prefix },
  );
  try {
    await waitFor(async () => (await job.getState()) === 'failed', 15_000, `job ${job.id} failing`);
  } finally {
    await worker.close();
    connection.disconnect();
  }
  return job;
}
