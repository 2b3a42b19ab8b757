import { ConnectionUnusableError } from '@outlook-connect/mailbox-runtime';
import { refreshSweep } from '../maintenance/refresh-sweep';
import { refreshJobId } from '@outlook-connect/mailbox-runtime';
import { scaledPolicy, startHarness, type LifecycleHarness } from '../testing/lifecycle-harness';

// Each AADSTS case against the emulator: the real MSAL refresh grant fails, the classifier decides, and the connection
// (or its OAuth app) ends up with the right status, reason and event - and no further token requests are made for it.

const FORCE = { minValidityMs: 24 * 3600_000 }; // any stored token is "too old": get() must refresh
let h: LifecycleHarness;

beforeAll(async () => {
  h = await startHarness('tokenfailures', {
    accessTokenLifetimeSec: 3600,
    policy: scaledPolicy({ retryBaseMs: 300, retryMaxMs: 1000, sweepEveryMs: 1000 }),
  });
  h.startWorkers();
});
afterAll(() => h?.close());

const tokenRequests = (email: string) =>
  h.emulator.control.requestLog(email).filter((e) => /\/oauth2\/v2\.0\/token$/.test(e.path)).length;
const load = async (id: string) => (await h.clients.deps.models.Connection.findById(id).lean())!;

async function expectNoFurtherTokenRequests(connId: string, email: string) {
  const before = tokenRequests(email);
  await expect(h.clients.deps.tokens.get(connId, FORCE)).rejects.toBeInstanceOf(ConnectionUnusableError);
  await refreshSweep(h.clients.deps);
  await h.clients.deps.queues.enqueue('token-refresh', { connectionId: connId, reason: 'on_demand' });
  await new Promise((r) => setTimeout(r, 300));
  expect(tokenRequests(email)).toBe(before);
  const conn = await load(connId);
  expect(await h.clients.deps.queues.queue('token-refresh').getJob(refreshJobId(conn))).toBeUndefined();
}

describe('reconnect_required: the connection goes needs_reconnect with reason, remediation and event', () => {
  it.each([
    ['50173 grant revoked', 'grant_revoked', 50173, (email: string) => h.emulator.control.revokeGrants(email)],
    [
      '700082 refresh token expired',
      'refresh_token_expired',
      700082,
      (email: string) => h.emulator.control.expireRefreshTokens(email),
    ],
    [
      '50076 MFA required',
      'mfa_required',
      50076,
      (email: string) => h.emulator.control.setUserBehavior(email, { requireMfa: true }),
    ],
    [
      '53003 conditional access',
      'conditional_access',
      53003,
      (email: string) => h.emulator.control.setUserBehavior(email, { conditionalAccessBlock: true }),
    ],
  ] as const)('%s', async (_label, code, aadsts, breakIt) => {
    const app = await h.seedApp();
    const [conn] = await h.connect(app, 1, code.replace(/_/g, ''));
    breakIt(conn!.mailbox);
    await expect(h.clients.deps.tokens.get(conn!._id, FORCE)).rejects.toMatchObject({
      name: 'ConnectionUnusableError',
      reasonCode: code,
    });
    const after = await load(conn!._id);
    expect(after.status).toBe('needs_reconnect');
    expect(after.statusReason).toMatchObject({
      code,
      aadsts,
      remediation: expect.stringMatching(/\w/),
      since: expect.any(Date),
    });
    expect(after.nextRefreshAt).toBeNull();
    const events = (await h.events('connection.needs_reconnect')).filter((e) => e.connectionId === conn!._id);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ reason: { code, aadsts } });
    const activity = await h.clients.deps.models.ConnectionActivity.find({
      connectionId: conn!._id,
      type: 'status_changed',
    }).lean();
    expect(activity).toHaveLength(1);
    await expectNoFurtherTokenRequests(conn!._id, conn!.mailbox);
  });

  it('65001 consent revoked', async () => {
    const app = await h.seedApp();
    const [conn] = await h.connect(app, 1, 'consent');
    h.emulator.control.revokeConsent(conn!.mailbox, app.clientId);
    await expect(h.clients.deps.tokens.get(conn!._id, FORCE)).rejects.toBeInstanceOf(ConnectionUnusableError);
    expect((await load(conn!._id)).statusReason).toMatchObject({ code: 'consent_required', aadsts: 65001 });
    await expectNoFurtherTokenRequests(conn!._id, conn!.mailbox);
  });

  it("70000 refresh token issued to another client (the app's client ID was changed to another app)", async () => {
    const app = await h.seedApp();
    const [conn] = await h.connect(app, 1, 'otherclient');
    const other = h.emulator.control.createApp({
      name: 'Other app',
      redirectUris: [app.redirectUri],
      secrets: [{ value: 'other-secret-value' }],
    });
    await h.clients.deps.models.OAuthApp.updateOne(
      { _id: app.id },
      {
        $set: {
          clientId: other.clientId,
          clientSecretEnc: h.clients.deps.box.encrypt('other-secret-value', `oauth-app:${app.id}:clientSecret`),
        },
      },
    );
    await expect(h.clients.deps.tokens.get(conn!._id, FORCE)).rejects.toBeInstanceOf(ConnectionUnusableError);
    // Microsoft answers error_codes [70002, 70000]; MSAL reports the first, and the OAuth error (invalid_grant) decides.
    expect((await load(conn!._id)).statusReason).toMatchObject({ code: 'grant_invalid', aadsts: 70002 });
  });

  it('70008-style invalid_grant without a code (injected) is reconnect_required too', async () => {
    const app = await h.seedApp();
    const [conn] = await h.connect(app, 1, 'invalidgrant');
    h.emulator.control.injectFault({ path: '/oauth2/v2\\.0/token$', status: 400, code: 'invalid_grant', times: 1 });
    await expect(h.clients.deps.tokens.get(conn!._id, FORCE)).rejects.toBeInstanceOf(ConnectionUnusableError);
    expect((await load(conn!._id)).statusReason).toMatchObject({ code: 'grant_invalid' });
  });
});

describe('app_credentials: the OAuth app is marked and every active connection of it goes needs_reconnect', () => {
  it.each([
    [
      '7000222 secret expired',
      'client_secret_expired',
      7000222,
      'expired',
      'app.secret_expired',
      (clientId: string) => h.emulator.control.expireSecret(clientId),
    ],
    ['7000215 secret invalid', 'client_secret_invalid', 7000215, 'invalid', 'app.secret_invalid', () => undefined],
    [
      '700016 app not found',
      'app_not_found',
      700016,
      'invalid',
      'app.secret_invalid',
      (clientId: string) => h.emulator.control.deleteApp(clientId),
    ],
  ] as const)('%s', async (_label, code, aadsts, appStatus, appEvent, breakIt) => {
    const app = await h.seedApp();
    const conns = await h.connect(app, 3, code.replace(/_/g, ''));
    if (code === 'client_secret_invalid') {
      // The secret was replaced in Azure but not here: ours no longer matches.
      await h.clients.deps.models.OAuthApp.updateOne(
        { _id: app.id },
        {
          $set: {
            clientSecretEnc: h.clients.deps.box.encrypt('a-wrong-secret-value', `oauth-app:${app.id}:clientSecret`),
          },
        },
      );
    } else {
      breakIt(app.clientId);
    }
    await expect(h.clients.deps.tokens.get(conns[0]!._id, FORCE)).rejects.toBeInstanceOf(ConnectionUnusableError);
    const storedApp = (await h.clients.deps.models.OAuthApp.findById(app.id).lean())!;
    expect(storedApp.secretStatus).toBe(appStatus);
    for (const c of conns) {
      const after = await load(c._id);
      expect(after.status).toBe('needs_reconnect');
      expect(after.statusReason).toMatchObject({ code, appSecretVersion: 1 });
      expect(after.statusReason!.remediation).toMatch(
        code === 'app_not_found' ? /client ID/ : /Certificates & secrets/,
      );
    }
    expect((await load(conns[0]!._id)).statusReason!.aadsts).toBe(aadsts);
    expect((await h.events(appEvent)).filter((e) => e.appId === app.id)).toHaveLength(1);
    const marked = (await h.events('connection.needs_reconnect')).filter((e) => e.appId === app.id);
    expect(marked.map((e) => e.connectionId).sort()).toEqual(conns.map((c) => c._id).sort());
    await expectNoFurtherTokenRequests(conns[1]!._id, conns[1]!.mailbox);
  });
});

describe('transient failures', () => {
  it('keep the connection active with counters, hand out the still-valid token, and retry with backoff', async () => {
    const app = await h.seedApp();
    const [conn] = await h.connect(app, 1, 'transient');
    h.emulator.control.injectFault({ path: '/oauth2/v2\\.0/token$', status: 503, times: 1 });
    const { accessToken } = await h.clients.deps.tokens.get(conn!._id, FORCE);
    expect(accessToken).toEqual(expect.any(String));
    const failed = await load(conn!._id);
    expect(failed).toMatchObject({
      status: 'active',
      refreshFailures: 1,
      lastRefreshError: { kind: 'transient', code: 'server_error' },
    });
    // The backoff job refreshes it.
    for (let i = 0; i < 50 && (await load(conn!._id)).tokenVersion === failed.tokenVersion; i++)
      await new Promise((r) => setTimeout(r, 100));
    const healed = await load(conn!._id);
    expect(healed).toMatchObject({ status: 'active', refreshFailures: 0, lastRefreshError: null });
    expect(healed.tokenVersion).toBe(failed.tokenVersion + 1);
    // A scheduled refresh's line is written with others shortly after (recordActivityLater), not before the job ends.
    const linesOf = () =>
      h.clients.deps.models.ConnectionActivity.find({
        connectionId: conn!._id,
        type: { $in: ['refresh_failed', 'refreshed'] },
      })
        .sort({ at: 1 })
        .lean();
    let lines = await linesOf();
    for (let i = 0; i < 30 && lines.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      lines = await linesOf();
    }
    expect(lines.map((l) => l.type)).toEqual(['refresh_failed', 'refreshed']);
  });
});
