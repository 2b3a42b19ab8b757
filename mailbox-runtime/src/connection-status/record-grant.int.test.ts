import type { Connection } from 'mongoose';
import { testIsolation } from '@outlook-connect/shared/testing';
import {
  connectStore,
  createModels,
  createSecretBox,
  generateKeyringSpec,
  tokenContext,
  type MicrosoftTokens,
  type Models,
} from '@outlook-connect/shared';
import { recordGrant } from './record-grant';

describe('recordGrant on the real store', () => {
  const iso = testIsolation('recordgrant');
  const box = createSecretBox(generateKeyringSpec());
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

  const grant = (oid: string, over: Partial<MicrosoftTokens> = {}): MicrosoftTokens => ({
    accessToken: `at-${oid}-${Math.random()}`,
    refreshToken: `rt-${oid}-${Math.random()}`,
    expiresAt: new Date('2030-01-01T01:00:00Z'),
    grantedScopes: ['Mail.Read', 'openid', 'profile', 'offline_access'],
    idTokenClaims: {
      oid,
      tid: 'tid-1',
      preferred_username: `upn-${oid}@contoso.example`,
      email: `${oid}@contoso.example`,
      name: `User ${oid}`,
    },
    homeAccountId: `${oid}.tid-1`,
    ...over,
  });
  const base = { workspaceId: 'ws_a', app: { id: 'app_a' }, scopePreset: 'read_only' as const, tenant: 'common' };

  it('creates an active connection with encrypted tokens and the first refresh 10 minutes before expiry', async () => {
    const g = grant('oid-1');
    const { connection, created } = await recordGrant({ models, box, ...base, grant: g });
    expect(created).toBe(true);
    expect(connection).toMatchObject({
      status: 'active',
      mailbox: 'oid-1@contoso.example',
      displayName: 'User oid-1',
      tenantId: 'tid-1',
      microsoftUserId: 'oid-1',
      tokenVersion: 1,
      refreshFailures: 0,
    });
    expect(connection.nextRefreshAt?.toISOString()).toBe('2030-01-01T00:50:00.000Z');
    const stored = await models.Connection.findById(connection._id).lean();
    expect(JSON.stringify(stored)).not.toContain(g.accessToken);
    expect(JSON.stringify(stored)).not.toContain(g.refreshToken);
    expect(box.decrypt(stored!.accessTokenEnc!, tokenContext(connection._id, 'accessToken'))).toBe(g.accessToken);
    expect(box.decrypt(stored!.refreshTokenEnc!, tokenContext(connection._id, 'refreshToken'))).toBe(g.refreshToken);
  });

  it('reconnecting the same user updates the same record in place and makes it active again', async () => {
    const first = await recordGrant({ models, box, ...base, grant: grant('oid-2') });
    await models.Connection.updateOne(
      { _id: first.connection._id },
      {
        $set: {
          status: 'needs_reconnect',
          statusReason: { code: 'grant_revoked', message: '', remediation: 'x', since: new Date() },
          refreshFailures: 3,
        },
      },
    );
    const g = grant('oid-2', { grantedScopes: ['Mail.ReadWrite', 'Mail.Send'] });
    const second = await recordGrant({
      models,
      box,
      ...base,
      scopePreset: 'full',
      grant: g,
      nextRefreshAt: new Date('2030-01-01T00:30:00Z'),
    });
    expect(second.created).toBe(false);
    expect(second.connection._id).toBe(first.connection._id);
    expect(second.connection).toMatchObject({
      status: 'active',
      statusReason: null,
      refreshFailures: 0,
      tokenVersion: 2,
      scopePreset: 'full',
    });
    expect(second.connection.nextRefreshAt?.toISOString()).toBe('2030-01-01T00:30:00.000Z');
    expect(await models.Connection.countDocuments({ microsoftUserId: 'oid-2' })).toBe(1);
    expect(box.decrypt(second.connection.accessTokenEnc!, tokenContext(first.connection._id, 'accessToken'))).toBe(
      g.accessToken,
    );
    const activity = await models.ConnectionActivity.find({ connectionId: first.connection._id }).lean();
    expect(activity.map((a) => a.type).sort()).toEqual(['connected', 'reconnected']);
  });

  it('two concurrent first connects of one user end as one connection', async () => {
    const results = await Promise.all([
      recordGrant({ models, box, ...base, grant: grant('oid-3') }),
      recordGrant({ models, box, ...base, grant: grant('oid-3') }),
    ]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.connection._id)).size).toBe(1);
    expect(await models.Connection.countDocuments({ microsoftUserId: 'oid-3' })).toBe(1);
  });

  it('two users through one app are two connections', async () => {
    const a = await recordGrant({ models, box, ...base, grant: grant('oid-4') });
    const b = await recordGrant({ models, box, ...base, grant: grant('oid-5') });
    expect(a.connection._id).not.toBe(b.connection._id);
  });

  it('a reconnect bound to a connection updates exactly it, and refuses another account without writing', async () => {
    const target = await recordGrant({ models, box, ...base, grant: grant('oid-6') });
    const before = await models.Connection.findById(target.connection._id).lean();
    const other = await recordGrant({
      models,
      box,
      ...base,
      grant: grant('oid-7'),
      expectedConnectionId: target.connection._id,
    });
    expect(other).toEqual({
      mismatch: 'account',
      connectionId: target.connection._id,
      signedInAs: 'oid-7@contoso.example',
    });
    expect(await models.Connection.countDocuments({ microsoftUserId: 'oid-7' })).toBe(0);
    expect(await models.Connection.findById(target.connection._id).lean()).toEqual(before);
    const same = await recordGrant({
      models,
      box,
      ...base,
      grant: grant('oid-6'),
      expectedConnectionId: target.connection._id,
    });
    expect(same).toMatchObject({ created: false, connection: { _id: target.connection._id, tokenVersion: 2 } });
    const gone = await recordGrant({
      models,
      box,
      ...base,
      grant: grant('oid-6'),
      expectedConnectionId: 'conn_000000000000000000000000',
    });
    expect(gone).toMatchObject({ mismatch: 'connection_not_found' });
  });
});
