import { webhookSecretContext } from '@outlook-connect/shared';
import { call } from '../testing/http';
import { ADMIN_TOKEN, startGatewayHarness, type GatewayHarness } from '../testing/harness';

// The webhook endpoint API: registration checks, the secret shown once and encrypted at rest, rotation, the delivery
// log, test and replay queued for the workers (delivery itself: services/workers/src/webhooks/webhooks.int.test.ts).

type Endpoint = {
  id: string;
  url: string;
  secret?: string;
  enabled: boolean;
  eventTypes: string[];
  previousSecretExpiresAt: string | null;
};
type Issues = { error: string; issues: Array<{ field: string; reason: string }> };

describe('webhook endpoints API', () => {
  let h: GatewayHarness;
  const receiver = 'http://127.0.0.1:9/hooks';
  beforeAll(async () => {
    h = await startGatewayHarness('gwwebhooks', { env: { WEBHOOK_ALLOW_PRIVATE_HOSTS: '127.0.0.1' } });
  });
  afterAll(async () => h.close());

  const create = (body: Record<string, unknown>, headers = h.auth) =>
    call<Endpoint>(h, 'POST', '/v1/webhook-endpoints', { headers, body });

  it('registers an endpoint: the secret once, encrypted at rest, never listed or logged', async () => {
    const made = await create({ url: receiver, eventTypes: ['connection.created', 'send.sent'], description: 'CRM' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      url: receiver,
      enabled: true,
      eventTypes: ['connection.created', 'send.sent'],
      previousSecretExpiresAt: null,
    });
    expect(made.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const got = await call<Endpoint>(h, 'GET', `/v1/webhook-endpoints/${made.body.id}`, { headers: h.auth });
    expect(got.status).toBe(200);
    expect(got.text).not.toContain(made.body.secret!);
    expect(got.body).not.toHaveProperty('secret');
    const list = await call<{ data: Endpoint[] }>(h, 'GET', '/v1/webhook-endpoints', { headers: h.auth });
    expect(list.body.data.map((e) => e.id)).toContain(made.body.id);
    const stored = (await h.deps.models.WebhookEndpoint.findById(made.body.id).lean())!;
    expect(JSON.stringify(stored)).not.toContain(made.body.secret!);
    expect(h.deps.box.decrypt(stored.secretEnc, webhookSecretContext(made.body.id, 'secret'))).toBe(made.body.secret);
    expect(h.logs.join('\n')).not.toContain(made.body.secret!);
  });

  it.each([
    ['http://crm.example.com/hooks', 'must be an https URL'],
    ['https://10.1.2.3/hooks', 'refused'],
    ['https://169.254.169.254/latest/meta-data', 'refused'],
    ['https://[::1]/hooks', 'refused'],
    ['https://localhost:8443/hooks', 'refused'],
    ['https://user:pw@crm.example.com/hooks', 'must not carry credentials'],
    ['not a url', 'must be an absolute URL'],
  ])('refuses %s, naming body.url', async (url, reason) => {
    const bad = await call<Issues>(h, 'POST', '/v1/webhook-endpoints', { headers: h.auth, body: { url } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0]).toMatchObject({ field: 'body.url' });
    expect(bad.body.issues[0]!.reason).toContain(reason);
  });

  it('refuses unknown event types and fields, naming them', async () => {
    const bad = await call<Issues>(h, 'POST', '/v1/webhook-endpoints', {
      headers: h.auth,
      body: { url: receiver, eventTypes: ['connection.exploded'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0]!.field).toBe('body.eventTypes.0');
    const patch = await call<Issues>(h, 'PATCH', `/v1/webhook-endpoints/whep_${'0'.repeat(24)}`, {
      headers: h.auth,
      body: { colour: 'red' },
    });
    expect(patch.status).toBe(400);
  });

  it('keeps another workspace out: 404 for every route', async () => {
    const made = await create({ url: receiver });
    const other = await call<{ apiKey: string }>(h, 'POST', '/v1/workspaces', {
      body: { name: 'Other' },
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const auth = { authorization: `Bearer ${other.body.apiKey}` };
    const base = `/v1/webhook-endpoints/${made.body.id}`;
    expect((await call(h, 'GET', base, { headers: auth })).status).toBe(404);
    expect((await call(h, 'PATCH', base, { headers: auth, body: { enabled: false } })).status).toBe(404);
    expect((await call(h, 'POST', `${base}/test`, { headers: auth })).status).toBe(404);
    expect((await call(h, 'GET', `${base}/deliveries`, { headers: auth })).status).toBe(404);
    expect((await call(h, 'POST', `${base}/rotate-secret`, { headers: auth, body: {} })).status).toBe(404);
    expect((await call(h, 'DELETE', base, { headers: auth })).status).toBe(404);
    expect(
      (await call<{ data: unknown[] }>(h, 'GET', '/v1/webhook-endpoints', { headers: auth })).body.data,
    ).toHaveLength(0);
  });

  it('rotates the secret with an overlap in which the old one still signs', async () => {
    const made = await create({ url: receiver });
    const rotated = await call<Endpoint>(h, 'POST', `/v1/webhook-endpoints/${made.body.id}/rotate-secret`, {
      headers: h.auth,
      body: { overlapSeconds: 3600 },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(made.body.secret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt!) - Date.now()).toBeGreaterThan(3500_000);
    const stored = (await h.deps.models.WebhookEndpoint.findById(made.body.id).lean())!;
    expect(h.deps.box.decrypt(stored.secretEnc, webhookSecretContext(made.body.id, 'secret'))).toBe(
      rotated.body.secret,
    );
    expect(h.deps.box.decrypt(stored.previousSecretEnc!, webhookSecretContext(made.body.id, 'previousSecret'))).toBe(
      made.body.secret,
    );
  });

  it('test and replay queue deliveries for the workers; the log lists them; a disabled endpoint refuses both', async () => {
    const made = await create({ url: receiver });
    const base = `/v1/webhook-endpoints/${made.body.id}`;
    const test = await call<{ deliveryId: string; eventId: string }>(h, 'POST', `${base}/test`, { headers: h.auth });
    expect(test.status).toBe(202);
    expect(test.body.eventId).toMatch(new RegExp(`^webhook\\.test_${made.body.id}_\\d+$`));
    const job = await h.deps.queues.queue('webhook-delivery').getJob(test.body.deliveryId);
    expect(job?.data).toEqual({ deliveryId: test.body.deliveryId });
    const log = await call<{ data: Array<{ id: string; eventType: string; status: string; eventId: string }> }>(
      h,
      'GET',
      `${base}/deliveries`,
      { headers: h.auth },
    );
    expect(log.body.data).toEqual([
      expect.objectContaining({
        id: test.body.deliveryId,
        eventType: 'webhook.test',
        status: 'pending',
        eventId: test.body.eventId,
      }),
    ]);

    const replay = await call<{ id: string }>(h, 'POST', `${base}/deliveries/${test.body.deliveryId}/replay`, {
      headers: h.auth,
    });
    expect(replay.status).toBe(202);
    expect(await h.deps.queues.queue('webhook-delivery').getJob(`${test.body.deliveryId}-r1`)).toBeDefined();
    const since = await call<{ replayed: number; more: boolean }>(h, 'POST', `${base}/replay`, {
      headers: h.auth,
      body: { since: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(since.body).toEqual({ replayed: 1, more: false });
    expect(await h.deps.queues.queue('webhook-delivery').getJob(`${test.body.deliveryId}-r2`)).toBeDefined();
    expect(
      (await call<Issues>(h, 'POST', `${base}/replay`, { headers: h.auth, body: { since: 'yesterday' } })).body
        .issues[0]!.field,
    ).toBe('body.since');

    expect((await call(h, 'PATCH', base, { headers: h.auth, body: { enabled: false } })).status).toBe(200);
    expect((await call<{ error: string }>(h, 'POST', `${base}/test`, { headers: h.auth })).body.error).toBe(
      'endpoint_disabled',
    );
    expect((await call(h, 'DELETE', base, { headers: h.auth })).body).toEqual({ id: made.body.id, deleted: true });
    expect((await call(h, 'GET', base, { headers: h.auth })).status).toBe(404);
  });

  it('is documented in /openapi.json', async () => {
    const doc = await call<{ paths: Record<string, unknown> }>(h, 'GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/webhook-endpoints',
        '/v1/webhook-endpoints/{id}',
        '/v1/webhook-endpoints/{id}/test',
        '/v1/webhook-endpoints/{id}/deliveries',
        '/v1/webhook-endpoints/{id}/replay',
        '/v1/webhook-endpoints/{id}/rotate-secret',
      ]),
    );
  });
});
