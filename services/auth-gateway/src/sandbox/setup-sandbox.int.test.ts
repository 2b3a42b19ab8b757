import { call } from '../testing/http';
import { startGatewayHarness, type GatewayHarness } from '../testing/harness';
import { hashApiKey } from '../workspaces/api-keys';
import { setupSandbox } from './setup-sandbox';

// The launcher keeps one API key across restarts and prints it for curl: the gateway must take that key, not make one.

describe('setupSandbox with the launcher-held API key', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startGatewayHarness('gwsetupsandbox', { sandbox: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('stores only the hash of the given key, keeps it across runs, and the key then reads the API', async () => {
    const app = h.emulator.control.createApp({
      name: 'Sandbox app',
      redirectUris: [`${h.deps.env.PUBLIC_URL}/oauth/callback`],
    });
    const input = { clientId: app.clientId, clientSecret: app.secrets[0]!.value };
    const key = 'ock_launcher-held-key-0123456789abcdef';
    const first = await setupSandbox(h.deps, input, key);
    const again = await setupSandbox(h.deps, input, key);
    expect(again).toEqual(first);
    expect(first.apiKey).toBe(key);
    const ws = await h.deps.models.Workspace.findById(first.workspaceId).lean();
    expect(ws?.apiKeyHashes).toEqual([hashApiKey(key)]);
    expect(JSON.stringify(ws)).not.toContain(key);
    const listed = await call<{ data: unknown[] }>(h, 'GET', '/v1/oauth-apps', {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(1);
  });

  it('a new key replaces the old one (after --reset the old key stops working)', async () => {
    const app = h.emulator.control.createApp({
      name: 'Sandbox app',
      redirectUris: [`${h.deps.env.PUBLIC_URL}/oauth/callback`],
    });
    const input = { clientId: app.clientId, clientSecret: app.secrets[0]!.value };
    await setupSandbox(h.deps, input, 'ock_old-key-0123456789abcdefghij');
    await setupSandbox(h.deps, input, 'ock_new-key-0123456789abcdefghij');
    expect(
      (
        await call(h, 'GET', '/v1/connections', {
          headers: { authorization: 'Bearer ock_old-key-0123456789abcdefghij' },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await call(h, 'GET', '/v1/connections', {
          headers: { authorization: 'Bearer ock_new-key-0123456789abcdefghij' },
        })
      ).status,
    ).toBe(200);
  });

  it('refuses a key too short to be one', async () => {
    await expect(setupSandbox(h.deps, { clientId: 'x', clientSecret: 'y' }, 'short')).rejects.toThrow(
      /SANDBOX_API_KEY_FILE\) must be at least 24 characters/,
    );
  });

  it('makes a fresh key when none is given (a gateway started with SANDBOX=true alone)', async () => {
    const app = h.emulator.control.createApp({
      name: 'Sandbox app',
      redirectUris: [`${h.deps.env.PUBLIC_URL}/oauth/callback`],
    });
    const made = await setupSandbox(h.deps, { clientId: app.clientId, clientSecret: app.secrets[0]!.value });
    expect(made.apiKey).toMatch(/^ock_/);
    expect(
      (await call(h, 'GET', '/v1/connections', { headers: { authorization: `Bearer ${made.apiKey}` } })).status,
    ).toBe(200);
  });
});
