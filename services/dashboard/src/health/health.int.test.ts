import { newId } from '@outlook-connect/shared';
import { AUTH, seedApp, seedConnection, startTestDashboard, type TestDashboard } from '../testing/dashboard-harness';

// The connection-health view on the real store and Redis: counts, the needs-reconnect list, app countdowns,
// a connection's timeline and the jobs queued for its mailbox.

const DAY = 24 * 3600 * 1000;

describe('connection health', () => {
  const now = Date.now();
  let t: TestDashboard;
  beforeAll(async () => {
    t = await startTestDashboard('dashhealth', { now: () => now });
  });
  afterAll(async () => t.close());

  const get = async (url: string) => t.app.inject({ method: 'GET', url, headers: AUTH });

  it('shows counts, who needs reconnecting and why, and app secrets by urgency', async () => {
    const since = new Date(now - 5 * 3600_000);
    const broken = await seedConnection(t.models, {
      status: 'needs_reconnect',
      mailbox: 'ana@contoso.com',
      statusReason: {
        code: 'grant_revoked',
        message: 'Microsoft revoked the sign-in <b>',
        remediation: 'Reconnect the mailbox.',
        aadsts: 50173,
        since,
      },
    });
    await seedConnection(t.models, {
      workspaceId: 'ws_other',
      status: 'needs_reconnect',
      statusReason: { code: 'mfa_required', message: 'm', remediation: 'r', since },
    });
    await seedConnection(t.models);
    const soon = await seedApp(t.models, { name: 'Soon', secretExpiresAt: new Date(now + 3.5 * DAY) });
    const later = await seedApp(t.models, { name: 'Later', secretExpiresAt: new Date(now + 90 * DAY) });

    const summary = (await get('/api/health/summary')).json();
    expect(summary.counts).toEqual({ active: 1, needs_reconnect: 2, disconnected: 0 });
    const item = summary.needsReconnect.items.find((i: { connectionId: string }) => i.connectionId === broken._id);
    expect(item).toEqual({
      connectionId: broken._id,
      workspaceId: 'ws_ops',
      appId: broken.appId,
      mailbox: 'ana@contoso.com',
      displayName: '',
      reason: {
        code: 'grant_revoked',
        message: 'Microsoft revoked the sign-in <b>',
        remediation: 'Reconnect the mailbox.',
        aadsts: 50173,
      },
      since: since.toISOString(),
      sinceLabel: '5 hours ago',
    });
    expect(summary.apps.map((a: { appId: string }) => a.appId)).toEqual([soon._id, later._id]);
    expect(summary.apps[0].countdown).toEqual({ days: 3, label: 'expires in 3 days', severity: 'critical' });
    expect(JSON.stringify(summary)).not.toMatch(/Enc|ciphertext/);

    const scoped = (await get('/api/health/needs-reconnect?workspace=ws_other')).json();
    expect(scoped.total).toBe(1);
    expect(scoped.items[0].reason.code).toBe('mfa_required');

    const page = await get('/health');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('ana@contoso.com');
    expect(page.body).toContain('grant_revoked');
    expect(page.body).toContain('Microsoft revoked the sign-in &lt;b&gt;');
    expect(page.body).toContain('Reconnect the mailbox.');
    expect(page.body).toContain('expires in 3 days');

    // Every connection, active ones too, links to its timeline.
    expect(summary.connections.total).toBe(3);
    expect(summary.connections.items.map((c: { status: string }) => c.status).sort()).toEqual([
      'active',
      'needs_reconnect',
      'needs_reconnect',
    ]);
    for (const c of summary.connections.items as Array<{ connectionId: string }>) {
      expect(page.body).toContain(`href="/health/connections/${c.connectionId}#timeline"`);
    }
    const inWorkspace = (await get('/api/health/summary?workspace=ws_other')).json();
    expect(inWorkspace.connections.total).toBe(1);
  });

  it("shows a connection's timeline and the jobs waiting or delayed for its mailbox", async () => {
    const conn = await seedConnection(t.models, { mailbox: 'bo@contoso.com' });
    const other = await seedConnection(t.models);
    const send = (connectionId: string) =>
      t.models.Send.create({
        workspaceId: 'ws_ops',
        connectionId,
        idempotencyKey: newId('idem'),
        source: 'sequence',
        status: 'queued',
        message: { to: [{ address: 'x@y.z' }], subject: 's', body: { contentType: 'text', content: 'b' } },
        marker: newId('mk'),
      });
    const [s1, s2, s3] = await Promise.all([send(conn._id), send(conn._id), send(other._id)]);
    const op = await t.models.CalendarOperation.create({
      workspaceId: 'ws_ops',
      connectionId: conn._id,
      idempotencyKey: newId('idem'),
      kind: 'create',
      request: {},
      transactionId: newId('tx'),
    });
    await t.client.enqueue('send', { sendId: s1!._id });
    await t.client.enqueue('send', { sendId: s2!._id }, { delay: 3_600_000 });
    await t.client.enqueue('send', { sendId: s3!._id });
    await t.client.enqueue('calendar', { operationId: op._id }, { priority: 5 });
    await t.client.enqueue('token-refresh', { connectionId: conn._id, reason: 'scheduled' }, { delay: 600_000 });
    await t.client.enqueue('inbox-sync', { connectionId: conn._id });
    await t.client.enqueue('inbox-sync', { connectionId: other._id });
    await t.models.ConnectionActivity.create([
      { workspaceId: 'ws_ops', connectionId: conn._id, type: 'refreshed', at: new Date(now - 3000), detail: {} },
      {
        workspaceId: 'ws_ops',
        connectionId: conn._id,
        type: 'throttled',
        at: new Date(now - 2000),
        detail: { retryAfterMs: 30_000 },
      },
      {
        workspaceId: 'ws_ops',
        connectionId: conn._id,
        type: 'sent',
        at: new Date(now - 1000),
        detail: { sendId: s1!._id, refreshToken: 'rt-leak' },
      },
      { workspaceId: 'ws_ops', connectionId: other._id, type: 'synced', at: new Date(now), detail: {} },
    ]);

    const view = (await get(`/api/health/connections/${conn._id}`)).json();
    expect(view.connection).toMatchObject({
      connectionId: conn._id,
      mailbox: 'bo@contoso.com',
      status: 'active',
      reason: null,
    });
    expect(view.queueDepth.truncated).toBe(false);
    expect(view.queueDepth.queues).toEqual({
      send: { waiting: 1, delayed: 1 },
      'inbox-sync': { waiting: 1, delayed: 0 },
      calendar: { waiting: 1, delayed: 0 },
      'token-refresh': { waiting: 0, delayed: 1 },
    });
    expect(view.timeline.map((e: { type: string }) => e.type)).toEqual(['sent', 'throttled', 'refreshed']);
    expect(view.timeline[1].summary).toBe('paused 30 s');
    const text = JSON.stringify(view);
    expect(text).not.toContain('rt-leak');
    expect(text).not.toMatch(/Enc"|ciphertext/);

    const page = await get(`/health/connections/${conn._id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('bo@contoso.com');
    expect(page.body).toContain('paused 30 s');
    expect(page.body).toContain('<h2 id="timeline">Timeline</h2>');
  });

  it('answers bad input with a clear error and an unknown connection with 404', async () => {
    const bad = await get('/api/health/connections/not-an-id');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/id: must be a connection id/);
    expect((await get('/api/health/needs-reconnect?limit=0')).statusCode).toBe(400);
    expect((await get(`/api/health/connections/${newId('conn')}`)).statusCode).toBe(404);
    expect((await get(`/health/connections/${newId('conn')}`)).statusCode).toBe(404);
  });
});
