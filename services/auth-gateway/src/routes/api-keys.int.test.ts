import { hashApiKey, newApiKey } from '../workspaces/api-keys';
import { createWorkspace } from '../workspaces/create-workspace';
import { revokeApiKey } from '../workspaces/workspace-keys';
import { call } from '../testing/http';
import { startGatewayHarness, type GatewayHarness } from '../testing/harness';

// API keys rotate: a second key, a list that never shows a key or its hash, revocation that takes effect at once,
// and no way to revoke the last key. Workspaces from before apiKeys (apiKeyHashes only) keep working.

jest.setTimeout(30_000);

let h: GatewayHarness;
beforeAll(async () => {
  h = await startGatewayHarness('apikeys');
});
afterAll(async () => {
  await h?.close();
});

const as = (key: string) => ({ authorization: `Bearer ${key}` });
type KeyList = { data: Array<{ id: string; prefix: string; createdAt: string }> };

describe('workspace API keys', () => {
  it('rotate: create a second key, list both, revoke the first (it stops at once), refuse to revoke the last', async () => {
    const { apiKey: first } = await createWorkspace(h.deps.models, 'Rotating');
    const created = await call<{ id: string; prefix: string; apiKey: string; createdAt: string }>(
      h,
      'POST',
      '/v1/api-keys',
      { headers: as(first) },
    );
    expect(created.status).toBe(201);
    const second = created.body.apiKey;
    expect(second).toMatch(/^ock_/);
    expect(created.body.prefix).toBe(second.slice(0, 8));

    const list = await call<KeyList>(h, 'GET', '/v1/api-keys', { headers: as(second) });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(2);
    expect(list.text).not.toContain(second);
    expect(list.text).not.toContain(first);
    expect(list.text).not.toContain(hashApiKey(first));
    for (const k of list.body.data) expect(Object.keys(k).sort()).toEqual(['createdAt', 'id', 'prefix']);
    const firstId = list.body.data.find((k) => first.startsWith(k.prefix))!.id;

    const revoked = await call(h, 'DELETE', `/v1/api-keys/${firstId}`, { headers: as(first) });
    expect(revoked.status).toBe(200);
    expect((await call(h, 'GET', '/v1/api-keys', { headers: as(first) })).status).toBe(401);
    expect((await call(h, 'GET', '/v1/oauth-apps', { headers: as(second) })).status).toBe(200);

    const last = await call(h, 'DELETE', `/v1/api-keys/${created.body.id}`, { headers: as(second) });
    expect(last.status).toBe(409);
    expect(last.body).toMatchObject({ error: 'last_api_key' });
    expect((await call(h, 'GET', '/v1/oauth-apps', { headers: as(second) })).status).toBe(200);
  });

  it("answers 404 for another workspace's key and for an unknown one, 400 for a malformed id", async () => {
    const other = await createWorkspace(h.deps.models, 'Other');
    const otherKeys = await call<KeyList>(h, 'GET', '/v1/api-keys', { headers: as(other.apiKey) });
    await call(h, 'POST', '/v1/api-keys', { headers: h.auth });
    const res = await call(h, 'DELETE', `/v1/api-keys/${otherKeys.body.data[0]!.id}`, { headers: h.auth });
    expect(res.status).toBe(404);
    expect((await call(h, 'GET', '/v1/oauth-apps', { headers: as(other.apiKey) })).status).toBe(200);
    expect((await call(h, 'DELETE', `/v1/api-keys/key_${'0'.repeat(24)}`, { headers: h.auth })).status).toBe(404);
    expect((await call(h, 'DELETE', '/v1/api-keys/nope', { headers: h.auth })).status).toBe(400);
  });

  it('keeps a workspace made before apiKeys working, and moves its key over on the first change', async () => {
    const legacyKey = newApiKey();
    const ws = await h.deps.models.Workspace.collection.insertOne({
      _id: 'ws_legacy000000000000000001' as never,
      name: 'Legacy',
      apiKeyHashes: [hashApiKey(legacyKey)],
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    expect(ws.acknowledged).toBe(true);
    const listed = await call<KeyList>(h, 'GET', '/v1/api-keys', { headers: as(legacyKey) });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ prefix: 'ock_' })]);
    const legacyId = listed.body.data[0]!.id;
    const created = await call<{ apiKey: string }>(h, 'POST', '/v1/api-keys', { headers: as(legacyKey) });
    expect(created.status).toBe(201);
    expect((await call(h, 'GET', '/v1/api-keys', { headers: as(legacyKey) })).status).toBe(200);
    const stored = await h.deps.models.Workspace.findById('ws_legacy000000000000000001').lean();
    expect(stored?.apiKeyHashes).toEqual([]);
    expect(stored?.apiKeys.map((k) => k.id)).toEqual([legacyId, expect.stringMatching(/^key_/)]);
    expect((await call(h, 'DELETE', `/v1/api-keys/${legacyId}`, { headers: as(created.body.apiKey) })).status).toBe(
      200,
    );
    expect((await call(h, 'GET', '/v1/api-keys', { headers: as(legacyKey) })).status).toBe(401);
  });

  it('lets only one of two concurrent revokes of the last two keys through', async () => {
    const { workspaceId, apiKey } = await createWorkspace(h.deps.models, 'Racing');
    await call(h, 'POST', '/v1/api-keys', { headers: as(apiKey) });
    const keys = (await call<KeyList>(h, 'GET', '/v1/api-keys', { headers: as(apiKey) })).body.data;
    expect(keys).toHaveLength(2);
    const results = await Promise.allSettled(keys.map((k) => revokeApiKey(h.deps.models, workspaceId, k.id)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { statusCode: 409, code: 'last_api_key' },
    });
    expect((await h.deps.models.Workspace.findById(workspaceId).lean())?.apiKeys).toHaveLength(1);
  });
});
