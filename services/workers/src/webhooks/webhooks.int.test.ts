import { Webhook } from 'standardwebhooks';
import {
  emitEvent,
  eventId,
  replayDelivery,
  startWorkers,
  type ProductEvent,
  type RunningWorkers,
  deleteKeysMatching,
  redisKeys,
} from '@outlook-connect/queues';
import {
  createLogger,
  generateKeyringSpec,
  generateWebhookSecret,
  newId,
  parseEnv,
  webhookDeliveryId,
  webhookSecretContext,
  type WebhookDeliveryDoc,
} from '@outlook-connect/shared';
import { testIsolation, waitFor } from '@outlook-connect/stack';
import { createClients, workersEnv, type Clients } from '../clients';
import { registrationsFor } from '../handlers';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver';
import { defaultWebhookPolicy, type WebhookPolicy } from './webhook-policy';

// Real HTTP receivers on localhost, the real events queue, store and Redis: what a CRM endpoint sees.

const iso = testIsolation('webhooks');
let clients: Clients;
let workers: RunningWorkers;
const receivers: WebhookReceiver[] = [];
const delays = [150, 300, 450];
const policy: WebhookPolicy = {
  ...defaultWebhookPolicy,
  allow: new Set(['127.0.0.1']),
  timeoutMs: 1000,
  endpointConcurrency: 1,
  disableAfterMs: 24 * 3600 * 1000,
  schedule: { delaysMs: delays, jitter: 0, maxRetryAfterMs: 2000 },
  random: () => 0.5,
};

beforeAll(async () => {
  const config = parseEnv('workers', workersEnv, {
    ...iso.redisEnv,
    MONGO_URL: iso.mongoDbUrl,
    QUEUE_PREFIX: iso.queuePrefix,
    SECRETS_KEYS: generateKeyringSpec('k1'),
    LOG_LEVEL: 'silent',
  });
  const logger = createLogger({ service: 'webhooks-test', level: 'silent' });
  clients = await createClients(config, { logger, dbName: iso.dbName });
  clients.deps.webhookPolicy = policy;
  const served = ['events', 'webhook-delivery'] as const;
  workers = startWorkers({
    registrations: registrationsFor(clients.deps, served),
    served,
    connection: clients.workerRedis,
    prefix: iso.queuePrefix,
    logger,
  });
});

afterAll(async () => {
  await workers?.close();
  await Promise.all(receivers.map((r) => r.close()));
  await clients.deps.models.WebhookEndpoint.db.dropDatabase();
  await deleteKeysMatching(clients.deps.redis, ...redisKeys.keyPatterns(iso.queuePrefix));
  await clients.close();
});

async function receiver(answer?: Parameters<typeof startWebhookReceiver>[0]) {
  const r = await startWebhookReceiver(answer);
  receivers.push(r);
  return r;
}

/** An endpoint as the gateway stores it (the gateway's registration checks have their own tests). */
async function endpoint(
  workspaceId: string,
  url: string,
  extra: { eventTypes?: string[]; previousSecret?: string } = {},
) {
  const id = newId('whep');
  const secret = generateWebhookSecret();
  const { box, models } = clients.deps;
  await models.WebhookEndpoint.create({
    _id: id,
    workspaceId,
    url,
    eventTypes: extra.eventTypes ?? [],
    secretEnc: box.encrypt(secret, webhookSecretContext(id, 'secret')),
    previousSecretEnc: extra.previousSecret
      ? box.encrypt(extra.previousSecret, webhookSecretContext(id, 'previousSecret'))
      : null,
    previousSecretExpiresAt: extra.previousSecret ? new Date(Date.now() + 3600_000) : null,
  });
  return { id, secret };
}

let n = 0;
async function emitDisconnected(workspaceId: string) {
  n += 1;
  const connectionId = `conn_${n}`;
  return emitEvent(
    clients.deps.queues,
    'connection.disconnected',
    { workspaceId, connectionId },
    { mailbox: `u${n}@contoso.test` },
    { id: eventId('connection.disconnected', connectionId, n) },
  );
}

const delivery = async (eventIdValue: string, endpointId: string) =>
  (await clients.deps.models.WebhookDelivery.findById(
    webhookDeliveryId(eventIdValue, endpointId),
  ).lean()) as WebhookDeliveryDoc | null;

describe('events out as signed webhooks', () => {
  it("delivers the typed event, signed so the specification's library verifies it", async () => {
    const r = await receiver();
    const ws = newId('ws');
    const ep = await endpoint(ws, r.url);
    const event = await emitDisconnected(ws);
    await waitFor(async () => r.received.length === 1, 10_000, 'the webhook');
    const got = r.received[0]!;
    expect(got.headers['webhook-id']).toBe(event.id);
    expect(new Webhook(ep.secret).verify(got.body, got.headers)).toEqual(event);
    expect(JSON.parse(got.body)).toMatchObject({
      id: event.id,
      type: 'connection.disconnected',
      workspaceId: ws,
      occurredAt: event.occurredAt,
      data: { mailbox: event.data.mailbox },
    });
    await waitFor(async () => (await delivery(event.id, ep.id))?.status === 'delivered', 5_000, 'the delivery log');
    const log = (await delivery(event.id, ep.id))!;
    expect(log.attempts).toHaveLength(1);
    expect(log.attempts[0]).toMatchObject({ outcome: 'delivered', statusCode: 200, responseBody: 'ok', error: null });
  });

  it('delivers an event emitted twice once, whether the two land in one events job or in two', async () => {
    const r = await receiver();
    const ws = newId('ws');
    const ep = await endpoint(ws, r.url);
    n += 1;
    const connectionId = `conn_${n}`;
    const again = () =>
      emitEvent(
        clients.deps.queues,
        'connection.disconnected',
        { workspaceId: ws, connectionId },
        { mailbox: `u${n}@contoso.test` },
        { id: eventId('connection.disconnected', connectionId, 'twice') },
      );
    // Three at once: the first alone, the other two together in the next job; then once more, later, in its own.
    const [event] = await Promise.all([again(), again(), again()]);
    await waitFor(async () => (await delivery(event.id, ep.id))?.status === 'delivered', 10_000, 'the delivery');
    await again();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(r.received.map((x) => x.headers['webhook-id'])).toEqual([event.id]);
    expect((await delivery(event.id, ep.id))!.attempts).toHaveLength(1);
    expect(await clients.deps.models.WebhookDelivery.countDocuments({ eventId: event.id })).toBe(1);
  });

  it('sends only the event types an endpoint subscribed to, and nothing to another workspace', async () => {
    const [sub, other, elsewhere] = [await receiver(), await receiver(), await receiver()];
    const ws = newId('ws');
    await endpoint(ws, sub.url, { eventTypes: ['connection.disconnected'] });
    await endpoint(ws, other.url, { eventTypes: ['send.sent'] });
    await endpoint(newId('ws'), elsewhere.url);
    await emitDisconnected(ws);
    await waitFor(async () => sub.received.length === 1, 10_000, 'the subscribed endpoint');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(other.received).toHaveLength(0);
    expect(elsewhere.received).toHaveLength(0);
  });

  it('retries a receiver that answers 500 three times along the schedule; it gets the event once more with the same id', async () => {
    const r = await receiver((i) => (i < 3 ? { status: 500, body: 'x'.repeat(5000) } : { status: 204 }));
    const ws = newId('ws');
    const ep = await endpoint(ws, r.url);
    const event = await emitDisconnected(ws);
    await waitFor(
      async () => (await delivery(event.id, ep.id))?.status === 'delivered',
      15_000,
      'delivered after retries',
    );
    expect(r.received).toHaveLength(4);
    expect(new Set(r.received.map((x) => x.headers['webhook-id']))).toEqual(new Set([event.id]));
    for (const got of r.received) expect(new Webhook(ep.secret).verify(got.body, got.headers)).toEqual(event);
    const log = (await delivery(event.id, ep.id))!;
    expect(log.attempts.map((a) => a.statusCode)).toEqual([500, 500, 500, 204]);
    expect(log.attempts[0]!.responseBody).toHaveLength(policy.keptResponseBytes);
    // Each retry waited at least its scheduled delay (jitter off), by the attempts' own clock.
    const at = log.attempts.map((a) => new Date(a.at).getTime());
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(delays[i - 1]!);
  });

  it('honours Retry-After on 429, does not retry other 4xx', async () => {
    const limited = await receiver((i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    const gone = await receiver(() => ({ status: 410, body: 'gone' }));
    const ws = newId('ws');
    const a = await endpoint(ws, limited.url);
    const b = await endpoint(ws, gone.url);
    const event = await emitDisconnected(ws);
    await waitFor(async () => (await delivery(event.id, a.id))?.status === 'delivered', 10_000, 'after Retry-After');
    expect(limited.received[1]!.at - limited.received[0]!.at).toBeGreaterThanOrEqual(950);
    await waitFor(async () => (await delivery(event.id, b.id))?.status === 'failed', 10_000, 'rejected');
    await new Promise((resolve) => setTimeout(resolve, delays[0]! * 2));
    expect(gone.received).toHaveLength(1);
    expect((await delivery(event.id, b.id))!.attempts).toMatchObject([
      { outcome: 'rejected', statusCode: 410, responseBody: 'gone' },
    ]);
  });

  it("a hanging receiver does not hold up another endpoint's deliveries, nor another workspace's", async () => {
    const hanging = await receiver(() => ({ status: 200, hang: true }));
    const fast = await receiver();
    const elsewhere = await receiver();
    const ws = newId('ws');
    const ws2 = newId('ws');
    const slow = await endpoint(ws, hanging.url);
    await endpoint(ws, fast.url);
    await endpoint(ws2, elsewhere.url);
    policy.timeoutMs = 5000;
    try {
      const events: ProductEvent[] = [];
      for (let i = 0; i < 4; i++) events.push(await emitDisconnected(ws), await emitDisconnected(ws2));
      await waitFor(
        async () => fast.received.length === 4 && elsewhere.received.length === 4,
        10_000,
        'the healthy endpoints',
      );
      // All there while the hanging endpoint's first attempt is still waiting (its cap of one in flight holds the rest).
      expect(hanging.received).toHaveLength(1);
      const first = (await Promise.all(events.filter((_, i) => i % 2 === 0).map((e) => delivery(e.id, slow.id)))).find(
        (d) => d && (d.attempts ?? []).length === 0,
      );
      expect(first).toBeDefined();
      await waitFor(
        async () =>
          (await clients.deps.models.WebhookDelivery.find({ endpointId: slow.id }).lean()).some(
            (d) => (d.attempts ?? []).length > 0,
          ),
        10_000,
        'the timeout recorded',
      );
      const timedOut = (await clients.deps.models.WebhookDelivery.find({ endpointId: slow.id }).lean()).find(
        (d) => (d.attempts ?? []).length > 0,
      )!;
      expect(timedOut.attempts[0]).toMatchObject({
        outcome: 'retry',
        statusCode: null,
        error: 'no answer within 5000 ms',
      });
    } finally {
      policy.timeoutMs = 1000;
      await clients.deps.models.WebhookEndpoint.deleteOne({ _id: slow.id });
    }
  });

  it('refuses an endpoint that resolves to a private address at connection time (DNS checked, not just the name)', async () => {
    const r = await receiver();
    const ws = newId('ws');
    // As after a DNS rebinding: the name passed registration, now it resolves to a loopback address not allow-listed.
    const ep = await endpoint(ws, `http://localhost:${r.port}/hooks`);
    policy.allow = new Set(['receiver.allowed.test']);
    const event = await emitDisconnected(ws);
    try {
      await waitFor(async () => (await delivery(event.id, ep.id))?.status === 'failed', 10_000, 'refused');
    } finally {
      policy.allow = new Set(['127.0.0.1']);
    }
    expect(r.received).toHaveLength(0);
    expect((await delivery(event.id, ep.id))!.attempts[0]).toMatchObject({ outcome: 'refused', statusCode: null });
    expect((await delivery(event.id, ep.id))!.attempts[0]!.error).toMatch(/loopback/);
  });

  it('replays a delivery with the same webhook-id', async () => {
    const r = await receiver();
    const ws = newId('ws');
    const ep = await endpoint(ws, r.url);
    const event = await emitDisconnected(ws);
    await waitFor(async () => (await delivery(event.id, ep.id))?.status === 'delivered', 10_000, 'first delivery');
    await replayDelivery(clients.deps.models, clients.deps.queues, (await delivery(event.id, ep.id))!);
    await waitFor(async () => r.received.length === 2, 10_000, 'the replay');
    expect(r.received[1]!.headers['webhook-id']).toBe(event.id);
    expect(r.received[1]!.body).toBe(r.received[0]!.body);
    await waitFor(async () => (await delivery(event.id, ep.id))?.attempts.length === 2, 5_000, 'replay logged');
    expect((await delivery(event.id, ep.id))!).toMatchObject({ status: 'delivered', run: 1 });
  });

  it("a replay while a retry is waiting starts one new run: the old run's delayed job stands down", async () => {
    const r = await receiver(() => ({ status: 500 }));
    const ws = newId('ws');
    const ep = await endpoint(ws, r.url);
    const event = await emitDisconnected(ws);
    await waitFor(async () => (await delivery(event.id, ep.id))?.nextAttemptAt != null, 10_000, 'the retry scheduled');
    await replayDelivery(clients.deps.models, clients.deps.queues, (await delivery(event.id, ep.id))!);
    await waitFor(async () => (await delivery(event.id, ep.id))?.status === 'failed', 15_000, 'the new run spent');
    await new Promise((resolve) => setTimeout(resolve, delays[delays.length - 1]! * 2));
    // One attempt of the first run, then the new run's first attempt and its three retries: nothing from the old chain.
    expect(r.received).toHaveLength(1 + 1 + delays.length);
    expect((await delivery(event.id, ep.id))!).toMatchObject({ run: 1, attemptsInRun: 1 + delays.length });
  });

  it("signs with both secrets during a rotation's overlap", async () => {
    const r = await receiver();
    const ws = newId('ws');
    const before = generateWebhookSecret();
    const ep = await endpoint(ws, r.url, { previousSecret: before });
    await emitDisconnected(ws);
    await waitFor(async () => r.received.length === 1, 10_000, 'the webhook');
    const got = r.received[0]!;
    expect(new Webhook(ep.secret).verify(got.body, got.headers)).toBeTruthy();
    expect(new Webhook(before).verify(got.body, got.headers)).toBeTruthy();
  });

  it("disables an endpoint failing for too long and tells the workspace's other endpoints", async () => {
    const failing = await receiver(() => ({ status: 503 }));
    const healthy = await receiver();
    const ws = newId('ws');
    const bad = await endpoint(ws, failing.url);
    await endpoint(ws, healthy.url, { eventTypes: ['webhook_endpoint.disabled'] });
    policy.disableAfterMs = 200;
    try {
      const event = await emitDisconnected(ws);
      await waitFor(
        async () => (await clients.deps.models.WebhookEndpoint.findById(bad.id).lean())?.enabled === false,
        10_000,
        'disabled',
      );
      await waitFor(async () => healthy.received.length === 1, 10_000, 'the notice');
      const notice = JSON.parse(healthy.received[0]!.body) as { type: string; data: { endpointId: string } };
      expect(notice).toMatchObject({
        type: 'webhook_endpoint.disabled',
        data: { endpointId: bad.id, url: failing.url },
      });
      await waitFor(async () => (await delivery(event.id, bad.id))?.status === 'failed', 5_000, 'its delivery stopped');
    } finally {
      policy.disableAfterMs = 24 * 3600 * 1000;
    }
  });
});
