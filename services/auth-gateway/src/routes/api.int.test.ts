import { eventsOnQueue } from '@outlook-connect/queues';
import { clientSecretContext, codeVerifierContext, tokenContext } from '@outlook-connect/shared';
import { connectThroughApi, createApp, getJson, startConnect } from '../testing/browser-flow';
import { call } from '../testing/http';
import { ADMIN_TOKEN, startGatewayHarness, type GatewayHarness } from '../testing/harness';

describe('gateway API: isolation, validation, state safety, disconnect, secrets', () => {
  let h: GatewayHarness;
  let tenant: { id: string };
  let app: Awaited<ReturnType<typeof createApp>>;
  let n = 0;
  const user = () => h.emulator.control.createUser({ tenantId: tenant.id, email: `p${++n}@api.test` }).email;
  const secretsSeen: string[] = [];

  beforeAll(async () => {
    h = await startGatewayHarness('gwapi');
    tenant = h.emulator.control.createTenant({ domain: 'api.test' });
    app = await createApp(h);
    secretsSeen.push(app.clientSecret, h.apiKey);
  });
  afterAll(async () => h.close());

  it('health, readiness and the OpenAPI document', async () => {
    expect((await call(h, 'GET', '/healthz')).status).toBe(200);
    expect((await call(h, 'GET', '/readyz')).body).toMatchObject({ ok: true, store: true, redis: true });
    const doc = await call<{ openapi: string; paths: Record<string, unknown> }>(h, 'GET', '/openapi.json');
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/connect', '/v1/oauth-apps', '/v1/connections/{id}/disconnect']),
    );
  });

  it('workspaces: created with the admin token only; requests without a valid key are 401', async () => {
    expect(
      (await call(h, 'POST', '/v1/workspaces', { body: { name: 'x' }, headers: { authorization: 'Bearer wrong' } }))
        .status,
    ).toBe(401);
    const created = await call<{ workspaceId: string; apiKey: string }>(h, 'POST', '/v1/workspaces', {
      body: { name: 'Other' },
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(created.status).toBe(201);
    expect(created.body.apiKey).toMatch(/^ock_/);
    secretsSeen.push(created.body.apiKey);
    expect((await call(h, 'GET', '/v1/connections')).status).toBe(401);
  });

  it("another workspace sees 404 for this workspace's app, connection and attempt", async () => {
    const other = await call<{ apiKey: string }>(h, 'POST', '/v1/workspaces', {
      body: { name: 'Intruder' },
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const auth = { authorization: `Bearer ${other.body.apiKey}` };
    const result = await connectThroughApi(h, { appId: app.appId, scopePreset: 'full', loginHint: user() });
    expect((await getJson(h, `/v1/oauth-apps/${app.appId}`, auth)).status).toBe(404);
    expect((await getJson(h, `/v1/connections/${result.connectionId}`, auth)).status).toBe(404);
    expect((await getJson(h, `/v1/connect/attempts/${result.attemptId}`, auth)).status).toBe(404);
    expect((await call(h, 'POST', `/v1/connections/${result.connectionId}/disconnect`, { headers: auth })).status).toBe(
      404,
    );
    expect(
      (
        await call(h, 'POST', '/v1/connect', {
          headers: auth,
          body: { appId: app.appId, scopePreset: 'full', returnUrl: 'https://crm.example.test/' },
        })
      ).status,
    ).toBe(404);
    expect((await getJson<{ data: unknown[] }>(h, '/v1/connections', auth)).body.data).toHaveLength(0);
  });

  it('malformed bodies are 400 naming the field and the reason', async () => {
    const bad = await call<{ error: string; issues: Array<{ field: string; reason: string }> }>(
      h,
      'POST',
      '/v1/connect',
      {
        headers: h.auth,
        body: {
          appId: app.appId,
          scopePreset: 'everything',
          tenant: 'not a tenant',
          returnUrl: 'https://crm.example.test/',
        },
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i) => i.field).sort()).toEqual(['body.scopePreset', 'body.tenant']);
    const notAllowed = await call<{ issues: Array<{ field: string }> }>(h, 'POST', '/v1/connect', {
      headers: h.auth,
      body: { appId: app.appId, scopePreset: 'full', returnUrl: 'https://evil.test/' },
    });
    expect(notAllowed.status).toBe(400);
    expect(notAllowed.body.issues[0]!.field).toBe('body.returnUrl');
    expect((await call(h, 'POST', '/v1/oauth-apps', { headers: h.auth, rawBody: '{"name":' })).status).toBe(400);
    const missing = await call<{ issues: Array<{ field: string }> }>(h, 'POST', '/v1/oauth-apps', {
      headers: h.auth,
      body: { name: 'n' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.issues.map((i) => i.field)).toEqual(
      expect.arrayContaining(['body.clientId', 'body.clientSecret']),
    );
    expect((await getJson(h, '/v1/connections/not-an-id')).status).toBe(400);
  });

  it('OAuth apps never return the secret; a new secret bumps the version and queues app-recovery', async () => {
    const got = await getJson(h, `/v1/oauth-apps/${app.appId}`);
    expect(got.body).toMatchObject({
      id: app.appId,
      clientId: app.clientId,
      secretVersion: 1,
      redirectUri: 'https://gateway.test/oauth/callback',
    });
    expect(JSON.stringify(got.body)).not.toContain(app.clientSecret);
    const extra = await createApp(h);
    secretsSeen.push(extra.clientSecret);
    const updated = await call(h, 'PATCH', `/v1/oauth-apps/${extra.appId}`, {
      headers: h.auth,
      body: { clientSecret: extra.clientSecret },
    });
    expect(updated.body).toMatchObject({ secretVersion: 2, secretStatus: 'ok' });
    const jobs = await h.deps.queues.queue('app-recovery').getJobs(['waiting']);
    expect(jobs.map((j) => j.data)).toContainEqual({ appId: extra.appId, secretVersion: 2 });
  });

  it('a replayed, forged or expired state is refused and changes nothing', async () => {
    const email = user();
    const started = await startConnect(h, { appId: app.appId, scopePreset: 'read_only', loginHint: email });
    const ms = await fetch(started.authorizeUrl, { redirect: 'manual' });
    const callback = new URL(ms.headers.get('location')!);
    const first = await call(h, 'GET', `${callback.pathname}${callback.search}`);
    expect(first.status).toBe(302);
    const before = await h.deps.models.Connection.find({}).lean();
    const replay = await call(h, 'GET', `${callback.pathname}${callback.search}`);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('not valid');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state-value');
    expect((await call(h, 'GET', `${forged.pathname}${forged.search}`)).status).toBe(400);
    expect((await call(h, 'GET', '/oauth/callback?code=abc')).status).toBe(400);

    const late = await startConnect(h, { appId: app.appId, scopePreset: 'read_only', loginHint: user() });
    const lateMs = await fetch(late.authorizeUrl, { redirect: 'manual' });
    const lateCallback = new URL(lateMs.headers.get('location')!);
    const realNow = h.deps.now;
    h.deps.now = () => new Date(Date.now() + 11 * 60_000);
    try {
      expect((await call(h, 'GET', `${lateCallback.pathname}${lateCallback.search}`)).status).toBe(400);
      expect((await getJson<{ status: string }>(h, `/v1/connect/attempts/${late.attemptId}`)).body.status).toBe(
        'expired',
      );
    } finally {
      h.deps.now = realNow;
    }
    expect(await h.deps.models.Connection.find({}).lean()).toEqual(before);
  });

  it('disconnect wipes tokens, fails queued sends, removes scheduled jobs and emits connection.disconnected', async () => {
    const result = await connectThroughApi(h, { appId: app.appId, scopePreset: 'full', loginHint: user() });
    const id = result.connectionId!;
    const test = await call<{ sendId: string }>(h, 'POST', `/v1/connections/${id}/test-email`, { headers: h.auth });
    expect(test.status).toBe(202);
    expect(await h.deps.queues.queue('send').getJob(test.body.sendId)).toBeDefined();
    await h.deps.queues.enqueue(
      'token-refresh',
      { connectionId: id, reason: 'scheduled' },
      { delay: 600_000, jobId: `refresh_${id}_test` },
    );
    await h.deps.queues.enqueue('inbox-sync', { connectionId: id }, { delay: 600_000 });

    const res = await call<{ status: string; reason: { code: string } }>(
      h,
      'POST',
      `/v1/connections/${id}/disconnect`,
      { headers: h.auth },
    );
    expect(res.body).toMatchObject({ status: 'disconnected', reason: { code: 'disconnected' } });
    expect(await h.deps.models.Connection.findById(id).lean()).toMatchObject({
      accessTokenEnc: null,
      refreshTokenEnc: null,
      status: 'disconnected',
    });
    expect(await h.deps.models.Send.findById(test.body.sendId).lean()).toMatchObject({
      status: 'failed',
      error: { code: 'connection_disconnected' },
    });
    expect(await h.deps.queues.queue('send').getJob(test.body.sendId)).toBeUndefined();
    for (const q of ['token-refresh', 'inbox-sync'] as const) {
      const left = await h.deps.queues.queue(q).getJobs(['waiting', 'delayed']);
      expect(left.filter((j) => (j.data as { connectionId: string }).connectionId === id)).toHaveLength(0);
    }
    const events = await eventsOnQueue(h.deps.queues.queue('events'), ['waiting']);
    expect(events.filter((e) => e.type === 'connection.disconnected' && e.connectionId === id)).toHaveLength(1);
  });

  it('an app with live connections is not deleted unless asked, and then they are disconnected', async () => {
    const own = await createApp(h);
    const result = await connectThroughApi(h, { appId: own.appId, scopePreset: 'read_only', loginHint: user() });
    expect((await call(h, 'DELETE', `/v1/oauth-apps/${own.appId}`, { headers: h.auth })).status).toBe(409);
    const del = await call(h, 'DELETE', `/v1/oauth-apps/${own.appId}?disconnectConnections=true`, { headers: h.auth });
    expect(del.body).toEqual({ deleted: true, disconnected: 1 });
    expect((await getJson<{ status: string }>(h, `/v1/connections/${result.connectionId}`)).body.status).toBe(
      'disconnected',
    );
  });

  it('the inbox view pages newest first', async () => {
    const result = await connectThroughApi(h, { appId: app.appId, scopePreset: 'read_only', loginHint: user() });
    const base = Date.parse('2030-01-01T00:00:00Z');
    await h.deps.models.InboxMessage.insertMany(
      [0, 1, 2, 3, 4].map((i) => ({
        workspaceId: h.workspaceId,
        connectionId: result.connectionId,
        graphId: `g${i}`,
        subject: `m${i}`,
        receivedAt: new Date(base + i * 1000),
      })),
    );
    const page1 = await getJson<{ data: Array<{ subject: string }>; nextCursor: string }>(
      h,
      `/v1/connections/${result.connectionId}/messages?limit=3`,
    );
    expect(page1.body.data.map((m) => m.subject)).toEqual(['m4', 'm3', 'm2']);
    const page2 = await getJson<{ data: Array<{ subject: string }>; nextCursor: string | null }>(
      h,
      `/v1/connections/${result.connectionId}/messages?limit=3&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.data.map((m) => m.subject)).toEqual(['m1', 'm0']);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('a dump of every collection and the captured logs hold no token or secret in plain text', async () => {
    const conns = await h.deps.models.Connection.find({ accessTokenEnc: { $ne: null } }).lean();
    expect(conns.length).toBeGreaterThan(0);
    for (const c of conns) {
      secretsSeen.push(h.deps.box.decrypt(c.accessTokenEnc!, tokenContext(c._id, 'accessToken')));
      secretsSeen.push(h.deps.box.decrypt(c.refreshTokenEnc!, tokenContext(c._id, 'refreshToken')));
    }
    for (const a of await h.deps.models.ConnectAttempt.find({}).lean())
      secretsSeen.push(h.deps.box.decrypt(a.codeVerifierEnc, codeVerifierContext(a._id)));
    for (const a of await h.deps.models.OAuthApp.find({}).lean())
      secretsSeen.push(h.deps.box.decrypt(a.clientSecretEnc, clientSecretContext(a._id)));
    const db = h.deps.store.db!;
    let dump = '';
    for (const c of await db.listCollections().toArray())
      dump += JSON.stringify(await db.collection(c.name).find({}).toArray());
    expect(dump.length).toBeGreaterThan(1000);
    const logs = h.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of secretsSeen) {
      expect(secret.length).toBeGreaterThan(8);
      expect(dump).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });
});
