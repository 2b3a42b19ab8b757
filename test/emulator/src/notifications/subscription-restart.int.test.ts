import fs from 'node:fs';
import os from 'node:os';
import https from 'node:https';
import path from 'node:path';
import { startEmulator, type Emulator } from '../emulator';
import { connect, graphFor, REDIRECT, type World } from '../testing/harness';
import { startReceiver, waitFor, type Receiver } from '../testing/notification-receiver';

/** One HTTPS POST on its own connection (agent: false): no pooled socket to the first emulator outlives it. */
function postOnce(url: string, token: string, body: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 201) resolve(JSON.parse(text));
          else reject(new Error(`POST ${url}: ${res.statusCode} ${text}`));
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

// With stateDir a restart is invisible to subscribers: the subscription still renews and still notifies.
describe('change-notification subscriptions across an emulator restart (stateDir)', () => {
  let dir: string;
  let emu: Emulator | undefined;
  let rx: Receiver;

  beforeAll(async () => {
    rx = await startReceiver();
  });
  afterAll(async () => {
    await emu?.close();
    await rx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the subscription, its clientState and its expiry', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-subs-'));
    emu = await startEmulator({ stateDir: dir });
    const tenant = emu.control.createTenant({ name: 'Contoso' });
    const user = emu.control.createUser({ tenantId: tenant.id, email: `adele@${tenant.domain}` });
    const app = emu.control.createApp({ name: 'CRM', homeTenantId: tenant.id, redirectUris: [REDIRECT] });
    const w = { emu, tenant, user, app, secret: app.secrets[0]?.value ?? '' } as World;
    const c = await connect(w, { scopes: ['Mail.Read', 'offline_access'] });
    const sub = (await postOnce(`${emu.graphUrl}/subscriptions`, c.result.accessToken, {
      changeType: 'created',
      notificationUrl: rx.url('/restart'),
      resource: "me/mailFolders('inbox')/messages",
      expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
      clientState: 'kept',
    })) as { id: string; expirationDateTime: string };
    const port = Number(new URL(emu.url).port);
    await emu.close();

    emu = await startEmulator({ stateDir: dir, port });
    const graph = graphFor({ ...w, emu }, c.result.accessToken);
    // This process's fetch pool may still hold a keep-alive socket to the first emulator: let one request find it.
    await fetch(`${emu.url}/_emulator`).catch(() => undefined);
    const got: unknown = await graph.api(`/subscriptions/${sub.id}`).get();
    expect(got).toMatchObject({
      id: sub.id,
      clientState: 'kept',
      expirationDateTime: sub.expirationDateTime,
    });
    const m = emu.control.deliverMessage(user.email, { from: 'a@external.example', subject: 'after restart' });
    const [item] = await waitFor(() => rx.items('/restart').length > 0 && rx.items('/restart'), 'a notification');
    expect(item).toMatchObject({ subscriptionId: sub.id, clientState: 'kept', resourceData: { id: m.id } });
  });
});
