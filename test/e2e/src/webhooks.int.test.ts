import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import {
  call,
  connectThroughApi,
  createApp,
  startGatewayHarness,
  type GatewayHarness,
} from '@outlook-connect/auth-gateway/testing';
import { startRealWorkers, type RealWorkers } from './real-workers';

// What a CRM in any language sees: it registers an endpoint through the API, connects a mailbox, and receives
// connection.created as a Standard Webhook it verifies with the secret the API showed it once; after a rotation both
// secrets verify; a test event and a replay arrive the same way.

describe('events out as signed webhooks, end to end', () => {
  let h: GatewayHarness;
  let workers: RealWorkers;
  let server: http.Server;
  const received: Array<{ headers: Record<string, string>; body: string }> = [];
  let url = '';

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/crm/hooks`;
    h = await startGatewayHarness('gwhooks', { env: { WEBHOOK_ALLOW_PRIVATE_HOSTS: '127.0.0.1' } });
    workers = await startRealWorkers(h, ['events', 'webhook-delivery'], {
      env: { WEBHOOK_ALLOW_PRIVATE_HOSTS: '127.0.0.1' },
    });
  });

  afterAll(async () => {
    await workers?.close();
    await h?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const arrived = async (type: string, count = 1) => {
    for (let i = 0; i < 200 && received.filter((r) => JSON.parse(r.body).type === type).length < count; i++)
      await new Promise((r) => setTimeout(r, 100));
    return received.filter((r) => JSON.parse(r.body).type === type);
  };

  it('connection.created lands, verified; rotation keeps it verifiable; test and replay arrive with their ids', async () => {
    const made = await call<{ id: string; secret: string }>(h, 'POST', '/v1/webhook-endpoints', {
      headers: h.auth,
      body: { url, description: 'CRM' },
    });
    expect(made.status).toBe(201);
    const tenant = h.emulator.control.createTenant({ domain: 'hooks.test' });
    h.emulator.control.createUser({ tenantId: tenant.id, email: 'rep@hooks.test', displayName: 'Sales Rep' });
    const { appId } = await createApp(h);
    const connected = await connectThroughApi(h, { appId, scopePreset: 'full', loginHint: 'rep@hooks.test' });
    expect(connected.status).toBe('connected');

    const [created] = await arrived('connection.created');
    expect(created).toBeDefined();
    const event = new Webhook(made.body.secret).verify(created!.body, created!.headers) as {
      id: string;
      workspaceId: string;
      connectionId: string;
      data: { mailbox: string };
    };
    expect(event).toMatchObject({
      workspaceId: h.workspaceId,
      connectionId: connected.connectionId,
      data: { mailbox: 'rep@hooks.test' },
    });
    expect(created!.headers['webhook-id']).toBe(event.id);

    const rotated = await call<{ secret: string }>(h, 'POST', `/v1/webhook-endpoints/${made.body.id}/rotate-secret`, {
      headers: h.auth,
      body: { overlapSeconds: 600 },
    });
    const test = await call<{ eventId: string; deliveryId: string }>(
      h,
      'POST',
      `/v1/webhook-endpoints/${made.body.id}/test`,
      { headers: h.auth },
    );
    expect(test.status).toBe(202);
    const [ping] = await arrived('webhook.test');
    expect(ping!.headers['webhook-id']).toBe(test.body.eventId);
    expect(new Webhook(rotated.body.secret).verify(ping!.body, ping!.headers)).toMatchObject({ type: 'webhook.test' });
    expect(new Webhook(made.body.secret).verify(ping!.body, ping!.headers)).toMatchObject({ type: 'webhook.test' });

    type Log = {
      data: Array<{
        id: string;
        eventType: string;
        status: string;
        attempts: Array<{ outcome: string; statusCode: number }>;
      }>;
    };
    let log: Log = { data: [] };
    for (let i = 0; i < 50 && (log.data.length < 2 || !log.data.every((d) => d.status === 'delivered')); i++) {
      log = (await call<Log>(h, 'GET', `/v1/webhook-endpoints/${made.body.id}/deliveries`, { headers: h.auth })).body;
      await new Promise((r) => setTimeout(r, 100));
    }
    const createdDelivery = log.data.find((d) => d.eventType === 'connection.created')!;
    expect(createdDelivery.attempts).toMatchObject([{ outcome: 'delivered', statusCode: 204 }]);
    await call(h, 'POST', `/v1/webhook-endpoints/${made.body.id}/deliveries/${createdDelivery.id}/replay`, {
      headers: h.auth,
    });
    const again = await arrived('connection.created', 2);
    expect(again).toHaveLength(2);
    expect(again[1]!.headers['webhook-id']).toBe(event.id);
    expect(new Webhook(rotated.body.secret).verify(again[1]!.body, again[1]!.headers)).toEqual(event);
  });
});
