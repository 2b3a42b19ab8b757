import type { Connection } from 'mongoose';
import { testIsolation } from '@outlook-connect/shared/testing';
import { connectStore, StoreUnreachableError } from './connect';
import { createModels, type ConnectionDoc, type Models } from './models';

describe('store on the real MongoDB-compatible server', () => {
  const iso = testIsolation('store');
  let conn: Connection;
  let models: Models;

  beforeAll(async () => {
    conn = await connectStore({ url: iso.mongoUrl, dbName: iso.dbName });
    models = await createModels(conn);
  });

  afterAll(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  const connection = (over: Partial<ConnectionDoc> = {}): Partial<ConnectionDoc> => ({
    workspaceId: 'ws_1',
    appId: 'app_1',
    status: 'active',
    scopePreset: 'full',
    tenant: 'common',
    tenantId: 'tid-1',
    microsoftUserId: 'oid-1',
    mailbox: 'ana@contoso.example',
    ...over,
  });

  it('creates, refuses a duplicate through the unique index, and compare-and-sets', async () => {
    const created = await models.Connection.create(connection());
    expect(created._id).toMatch(/^conn_/);
    expect(created.tokenVersion).toBe(0);

    await expect(models.Connection.create(connection({ mailbox: 'other' }))).rejects.toMatchObject({ code: 11000 });

    const won = await models.Connection.findOneAndUpdate(
      { _id: created._id, tokenVersion: 0 },
      { $set: { accessTokenEnc: 'v1.k.a.b.c' }, $inc: { tokenVersion: 1 } },
      { returnDocument: 'after' },
    );
    expect(won?.tokenVersion).toBe(1);

    const lost = await models.Connection.findOneAndUpdate(
      { _id: created._id, tokenVersion: 0 },
      { $set: { accessTokenEnc: 'stale' }, $inc: { tokenVersion: 1 } },
      { returnDocument: 'after' },
    );
    expect(lost).toBeNull();
    const reread = await models.Connection.findById(created._id).lean();
    expect(reread?.accessTokenEnc).toBe('v1.k.a.b.c');
    expect(reread?.sync.generation).toBe(0);
  });

  it('a different Microsoft user through the same app is a second connection', async () => {
    await models.Connection.create(connection({ microsoftUserId: 'oid-2', mailbox: 'bo@contoso.example' }));
    expect(await models.Connection.countDocuments({ appId: 'app_1' })).toBe(2);
  });

  it('says clearly when the store cannot be reached', async () => {
    await expect(
      connectStore({ url: 'mongodb://user:pw@127.0.0.1:1/x', attempts: 2, retryDelayMs: 10, selectionTimeoutMs: 200 }),
    ).rejects.toThrow(StoreUnreachableError);
    await expect(
      connectStore({ url: 'mongodb://user:pw@127.0.0.1:1/x', attempts: 1, selectionTimeoutMs: 200 }),
    ).rejects.toThrow(/Cannot reach the store at mongodb:\/\/127\.0\.0\.1:1\/x after 1 attempts.*npm run stack/);
  });
});
