import { eventsOnQueue } from '@outlook-connect/queues';
import { normalizeScope, PRESET_SCOPES, SCOPE_PRESETS, type ScopePresetName } from '@outlook-connect/shared';
import { connectMailbox, seedOAuthApp } from '@outlook-connect/stack';
import { connectThroughApi, createApp, followAuthorize, getJson } from '../testing/browser-flow';
import { call } from '../testing/http';
import { startGatewayHarness, type GatewayHarness } from '../testing/harness';

describe('connect flow over HTTP against the emulator', () => {
  let h: GatewayHarness;
  let tenant: { id: string; domain: string };
  let app: { appId: string };

  beforeAll(async () => {
    h = await startGatewayHarness('gwconnect');
    tenant = h.emulator.control.createTenant({ domain: 'contoso.test' });
    app = await createApp(h);
  });
  afterAll(async () => h.close());

  const events = async () =>
    (await eventsOnQueue(h.deps.queues.queue('events'), ['waiting', 'delayed', 'prioritized'])).map(
      (e) => e as { type: string; connectionId: string },
    );

  const cases: Array<[ScopePresetName, 'common' | 'tenant']> = SCOPE_PRESETS.flatMap(
    (p) =>
      [
        [p, 'common'],
        [p, 'tenant'],
      ] as Array<[ScopePresetName, 'common' | 'tenant']>,
  );
  it.each(cases)('%s with tenant %s ends Active with the preset scopes granted', async (preset, mode) => {
    const email = `${preset}-${mode}@contoso.test`.replace(/_/g, '-');
    h.emulator.control.createUser({ tenantId: tenant.id, email });
    const result = await connectThroughApi(h, {
      appId: app.appId,
      scopePreset: preset,
      loginHint: email,
      ...(mode === 'tenant' ? { tenant: tenant.id } : {}),
    });
    expect(result.status).toBe('connected');
    expect(result.returnedTo.origin + result.returnedTo.pathname).toBe('https://crm.example.test/settings/email');
    const { status, body } = await getJson<Record<string, unknown>>(h, `/v1/connections/${result.connectionId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'active',
      statusLabel: 'Active',
      mailbox: email,
      scopePreset: preset,
      tenant: mode === 'tenant' ? tenant.id : 'common',
      tenantId: tenant.id,
      reason: null,
    });
    const granted = (body.grantedScopes as string[])
      .map(normalizeScope)
      .filter((s) => s.includes('.'))
      .sort();
    expect(granted).toEqual(
      PRESET_SCOPES[preset]
        .filter((s) => s !== 'offline_access')
        .map(normalizeScope)
        .sort(),
    );
    const attempt = await getJson<{ status: string; outcome: { connectionId: string; created: boolean } }>(
      h,
      `/v1/connect/attempts/${result.attemptId}`,
    );
    expect(attempt.body).toMatchObject({
      status: 'succeeded',
      outcome: { connectionId: result.connectionId, created: true },
    });
    expect(
      (await events()).filter((e) => e.type === 'connection.created' && e.connectionId === result.connectionId),
    ).toHaveLength(1);
  });

  it('a tenant given as a domain is checked against the token tenant', async () => {
    h.emulator.control.createUser({ tenantId: tenant.id, email: 'domain@contoso.test' });
    const result = await connectThroughApi(h, {
      appId: app.appId,
      scopePreset: 'read_only',
      tenant: 'contoso.test',
      loginHint: 'domain@contoso.test',
    });
    expect(result.status).toBe('connected');
  });

  it('two mailboxes are two connections; reconnecting one keeps its id and emits connection.reconnected', async () => {
    for (const e of ['ana@contoso.test', 'bo@contoso.test'])
      h.emulator.control.createUser({ tenantId: tenant.id, email: e });
    const ana = await connectThroughApi(h, { appId: app.appId, scopePreset: 'full', loginHint: 'ana@contoso.test' });
    const bo = await connectThroughApi(h, { appId: app.appId, scopePreset: 'full', loginHint: 'bo@contoso.test' });
    expect(ana.connectionId).not.toBe(bo.connectionId);

    h.emulator.control.revokeGrants('ana@contoso.test');
    const again = await connectThroughApi(h, {
      appId: app.appId,
      scopePreset: 'full',
      loginHint: 'ana@contoso.test',
      connectionId: ana.connectionId!,
    });
    expect(again.connectionId).toBe(ana.connectionId);
    expect(await h.deps.models.Connection.countDocuments({ mailbox: 'ana@contoso.test' })).toBe(1);
    const attempt = await getJson<{ outcome: { created: boolean } }>(h, `/v1/connect/attempts/${again.attemptId}`);
    expect(attempt.body.outcome.created).toBe(false);
    expect(
      (await events()).filter((e) => e.type === 'connection.reconnected' && e.connectionId === ana.connectionId),
    ).toHaveLength(1);
  });

  it('change scope disconnects and returns an authorize URL for the new preset; completing it re-activates the same connection', async () => {
    h.emulator.control.createUser({ tenantId: tenant.id, email: 'cy@contoso.test' });
    const first = await connectThroughApi(h, {
      appId: app.appId,
      scopePreset: 'read_only',
      loginHint: 'cy@contoso.test',
    });
    const res = await call<{ authorizeUrl: string; connection: { status: string } }>(
      h,
      'POST',
      `/v1/connections/${first.connectionId}/change-scope`,
      {
        headers: h.auth,
        body: { scopePreset: 'full', returnUrl: 'https://crm.example.test/settings/email' },
      },
    );
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body.connection.status).toBe('disconnected');
    expect(new URL(body.authorizeUrl).searchParams.get('scope')).toContain('Mail.ReadWrite');
    const stored = await h.deps.models.Connection.findById(first.connectionId).lean();
    expect(stored).toMatchObject({ status: 'disconnected', accessTokenEnc: null, refreshTokenEnc: null });
    const done = await followAuthorize(h, body.authorizeUrl);
    expect(done.connectionId).toBe(first.connectionId);
    const after = await getJson<{ status: string; scopePreset: string }>(h, `/v1/connections/${first.connectionId}`);
    expect(after.body).toMatchObject({ status: 'active', scopePreset: 'full' });
  });

  it('the connectMailbox fixture connects a mailbox through the real flow', async () => {
    h.emulator.control.createUser({ tenantId: tenant.id, email: 'fixture@contoso.test' });
    const seeded = await seedOAuthApp({
      models: h.deps.models,
      box: h.deps.box,
      emulator: h.emulator,
      workspaceId: h.workspaceId,
    });
    const conn = await connectMailbox({
      models: h.deps.models,
      box: h.deps.box,
      emulator: h.emulator,
      workspaceId: h.workspaceId,
      app: seeded,
      email: 'fixture@contoso.test',
      preset: 'send_only',
    });
    expect(conn).toMatchObject({
      status: 'active',
      mailbox: 'fixture@contoso.test',
      appId: seeded.appId,
      scopePreset: 'send_only',
    });
    expect(conn.refreshTokenEnc).toMatch(/^v1\./);
  });
});
