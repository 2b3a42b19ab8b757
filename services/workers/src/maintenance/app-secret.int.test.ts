import { clientSecretContext } from '@outlook-connect/shared';
import { scaledPolicy, startHarness, type LifecycleHarness } from '../testing/lifecycle-harness';
import { appSecretCheck } from './app-secret-check';
import { refreshSweep } from './refresh-sweep';

// Secret expiry dates and secret rotation: connections are marked when the recorded expiry passes (no failed refresh
// needed), operators are warned ahead, and after a secret update the connections marked because of the app recover.

const DAY = 86_400_000;
let h: LifecycleHarness;
jest.setTimeout(58_000);

beforeAll(async () => {
  h = await startHarness('appsecret', { accessTokenLifetimeSec: 3600, policy: scaledPolicy({}) });
});
afterAll(() => h?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('warns 30, 7 and 1 days ahead, once each per secret version', async () => {
  const app = await h.seedApp({ secretExpiresAt: new Date(Date.now() + 6 * DAY) });
  await appSecretCheck(h.clients.deps);
  await appSecretCheck(h.clients.deps);
  let warnings = (await h.events('app.secret_expiring')).filter((e) => e.appId === app.id);
  expect(warnings.map((e) => e.data.daysBefore)).toEqual([7]);
  await h.clients.deps.models.OAuthApp.updateOne(
    { _id: app.id },
    { $set: { secretExpiresAt: new Date(Date.now() + DAY / 2) } },
  );
  await appSecretCheck(h.clients.deps);
  warnings = (await h.events('app.secret_expiring')).filter((e) => e.appId === app.id);
  expect(warnings.map((e) => e.data.daysBefore).sort()).toEqual([1, 7]);
  expect(
    (await h.clients.deps.models.OAuthApp.findById(app.id).lean())!.secretWarningsSent.sort((a, b) => a - b),
  ).toEqual([1, 7, 30]);
});

it('marks the app and every active connection when the recorded secret expiry passes', async () => {
  const app = await h.seedApp({ secretExpiresAt: new Date(Date.now() + 3 * DAY) });
  const conns = await h.connect(app, 3, 'expiring');
  await h.clients.deps.models.OAuthApp.updateOne(
    { _id: app.id },
    { $set: { secretExpiresAt: new Date(Date.now() - 1000) } },
  );
  const before = h.emulator.control.requestLog().length;
  const result = await appSecretCheck(h.clients.deps);
  expect(result).toMatchObject({ expired: 1, connectionsMarked: 3 });
  expect(h.emulator.control.requestLog().length).toBe(before); // no failed refresh needed
  expect((await h.clients.deps.models.OAuthApp.findById(app.id).lean())!.secretStatus).toBe('expired');
  for (const c of conns) {
    const after = (await h.clients.deps.models.Connection.findById(c._id).lean())!;
    expect(after.status).toBe('needs_reconnect');
    expect(after.statusReason).toMatchObject({ code: 'client_secret_expired', appSecretVersion: 1 });
    expect(after.statusReason!.remediation).toMatch(/Certificates & secrets.*Settings > OAuth Apps/);
  }
  expect((await h.events('app.secret_expired')).filter((e) => e.appId === app.id)).toHaveLength(1);
  expect(await appSecretCheck(h.clients.deps)).toMatchObject({ expired: 0, connectionsMarked: 0 });
});

it('recovers the connections marked because of the app after a secret rotation; revoked ones stay needs_reconnect', async () => {
  h.startWorkers();
  const { models, box, queues, tokens } = h.clients.deps;
  const app = await h.seedApp();
  const [ok1, ok2, revoked] = await h.connect(app, 3, 'rotation');
  h.emulator.control.expireSecret(app.clientId);
  await expect(tokens.get(ok1!._id, { minValidityMs: DAY })).rejects.toMatchObject({
    reasonCode: 'client_secret_expired',
  });
  expect(await models.Connection.countDocuments({ appId: app.id, status: 'needs_reconnect' })).toBe(3);
  h.emulator.control.revokeGrants(revoked!.mailbox); // meanwhile this user's sessions were revoked by an admin

  // The operator creates a new secret in Azure and updates it in Settings > OAuth Apps (what the gateway does).
  const fresh = h.emulator.control.addSecret(app.clientId, { value: 'new-secret-value-after-rotation' });
  await models.OAuthApp.updateOne(
    { _id: app.id },
    {
      $set: {
        clientSecretEnc: box.encrypt(fresh.value, clientSecretContext(app.id)),
        secretStatus: 'ok',
        secretWarningsSent: [],
      },
      $inc: { secretVersion: 1 },
    },
  );
  await queues.enqueue('app-recovery', { appId: app.id, secretVersion: 2 });
  for (let i = 0; i < 100 && (await models.Connection.countDocuments({ appId: app.id, status: 'active' })) < 2; i++)
    await sleep(100);
  await sleep(300);

  for (const c of [ok1!, ok2!]) {
    const after = (await models.Connection.findById(c._id).lean())!;
    expect(after).toMatchObject({ status: 'active', statusReason: null });
    expect(after.tokenVersion).toBe(c.tokenVersion + 1);
  }
  const still = (await models.Connection.findById(revoked!._id).lean())!;
  expect(still.status).toBe('needs_reconnect');
  expect(still.statusReason).toMatchObject({ code: 'grant_revoked', aadsts: 50173 });
  const recovered = (await h.events('connection.recovered')).filter((e) => e.appId === app.id);
  expect(recovered.map((e) => e.connectionId).sort()).toEqual([ok1!._id, ok2!._id].sort());
  // The recovered ones are back on the refresh schedule: the sweep hands them out once their refresh comes near.
  const due = (await models.Connection.findById(ok1!._id).lean())!.nextRefreshAt!.getTime();
  await refreshSweep({ ...h.clients.deps, now: () => due - 30_000 });
  const { data } =
    (await queues.queue('token-refresh').getDelayed()).find((j) => j.data.connectionId === ok1!._id) ?? {};
  expect(data).toMatchObject({ reason: 'scheduled', tokenVersion: ok1!.tokenVersion + 1 });
});
