import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { startEmulator, type Emulator } from '../emulator';
import { seedSandbox } from '../sandbox/seed';
import { authorize, FULL_SCOPES, graphFor, redeem, REDIRECT, refreshTokenOf, type World } from '../testing/harness';

const msalOf = (emu: Emulator, clientId: string, secret: string): ConfidentialClientApplication =>
  new ConfidentialClientApplication({
    auth: {
      clientId,
      clientSecret: secret,
      authority: `${emu.loginUrl}/common/`,
      knownAuthorities: [emu.knownAuthority],
    },
  });

const worldOf = (emu: Emulator): World => ({ emu }) as World;

// The sandbox's promise: a connection made yesterday still works after today's `npm start`.
describe('emulator state persisted in a folder (stateDir), plain-HTTP sign-in pages (httpPort)', () => {
  let dir: string;
  let emu: Emulator | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-persist-'));
  });
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('MSAL gets an http authorize URL from the metadata; after a restart the refresh token redeems and the old access token still reads Graph', async () => {
    emu = await startEmulator({ stateDir: dir, httpPort: 0 });
    expect(emu.interactiveUrl).toMatch(/^http:\/\/localhost:\d+$/);
    const seed = seedSandbox(emu.control, { redirectUris: [REDIRECT] });
    const alex = seed.users[0]!.email;
    const msal = msalOf(emu, seed.clientId, seed.clientSecret);
    const url = await msal.getAuthCodeUrl({ scopes: ['Mail.Read'], redirectUri: REDIRECT });
    expect(url.startsWith(`${emu.interactiveUrl}/common/oauth2/v2.0/authorize?`)).toBe(true);
    const a = await authorize(msal, { email: alex });
    // MSAL accepted the http authorization_endpoint of an https authority and built the URL on it.
    expect(a.location).toContain(REDIRECT);
    const code = a.params.get('code');
    expect(code).toBeTruthy();
    const first = await redeem(msal, a);
    const refreshToken = refreshTokenOf(msal);
    expect(refreshToken).not.toBe('');
    const port = Number(new URL(emu.url).port);
    await emu.close();

    emu = await startEmulator({ stateDir: dir, httpPort: 0, port });
    const again = seedSandbox(emu.control, { redirectUris: [REDIRECT] });
    expect(again.clientId).toBe(seed.clientId);
    expect(again.clientSecret).toBe(seed.clientSecret);
    expect(emu.control.directory().users).toHaveLength(3);
    expect(emu.control.listMessages(alex)).toHaveLength(6); // the seed's mail, delivered once

    // /me needs User.Read (not granted here); the old token reads the mailbox it was issued for.
    const folder = (await graphFor(worldOf(emu), first.accessToken).api('/me/mailFolders/inbox').get()) as {
      totalItemCount: number;
    };
    expect(folder.totalItemCount).toBe(6);
    const refreshed = await msalOf(emu, again.clientId, again.clientSecret).acquireTokenByRefreshToken({
      refreshToken,
      scopes: FULL_SCOPES,
    });
    expect(refreshed?.accessToken).toBeTruthy();
    const inbox = (await graphFor(worldOf(emu), refreshed!.accessToken)
      .api('/me/mailFolders/inbox/messages')
      .top(50)
      .get()) as { value: unknown[] };
    expect(inbox.value).toHaveLength(6);
    // The code was redeemed before the restart: it stays redeemed.
    const replay = await fetch(`${emu.url}/common/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code!,
        client_id: seed.clientId,
        client_secret: seed.clientSecret,
        redirect_uri: REDIRECT,
        code_verifier: a.verifier,
      }).toString(),
    });
    expect(((await replay.json()) as { error_codes: number[] }).error_codes).toContain(54005);
  });

  it('the http listener serves only the browser pages, on loopback; metadata keeps the token endpoint on https', async () => {
    emu = await startEmulator({ stateDir: dir, httpPort: 0, interactive: true });
    const seed = seedSandbox(emu.control, { redirectUris: [REDIRECT] });
    const meta = (await (await fetch(`${emu.url}/common/v2.0/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    expect(meta.authorization_endpoint).toBe(`${emu.interactiveUrl}/common/oauth2/v2.0/authorize`);
    expect(meta.end_session_endpoint).toBe(`${emu.interactiveUrl}/common/oauth2/v2.0/logout`);
    expect(meta.token_endpoint).toBe(`${emu.url}/common/oauth2/v2.0/token`);
    expect(meta.jwks_uri).toMatch(/^https:\/\//);

    const page = await fetch(
      `${meta.authorization_endpoint}?client_id=${seed.clientId}&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=openid%20Mail.Read&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
    );
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="accept"');
    const port = new URL(emu.interactiveUrl).port;
    for (const [method, p] of [
      ['POST', '/common/oauth2/v2.0/token'],
      ['GET', '/v1.0/me'],
      ['GET', '/_emulator'],
      ['GET', '/common/v2.0/.well-known/openid-configuration'],
    ] as const) {
      const res = await fetch(`http://127.0.0.1:${port}${p}`, { method });
      expect({ p, status: res.status }).toEqual({ p, status: 404 });
    }
    const servers = fs.readFileSync('/proc/net/tcp', 'utf8');
    const hexPort = Number(port).toString(16).toUpperCase().padStart(4, '0');
    const listening = servers.split('\n').filter((l) => l.includes(`:${hexPort} `) && / 0A /.test(l));
    expect(listening.map((l) => l.trim().split(/\s+/)[1])).toEqual([`0100007F:${hexPort}`]);
  });

  it('a sign-in page left open across a restart has expired (open pages are not kept)', async () => {
    emu = await startEmulator({ stateDir: dir, httpPort: 0, interactive: true });
    const seed = seedSandbox(emu.control, { redirectUris: [REDIRECT] });
    const msal = msalOf(emu, seed.clientId, seed.clientSecret);
    const html = await (
      await fetch(await msal.getAuthCodeUrl({ scopes: ['Mail.Read'], redirectUri: REDIRECT }))
    ).text();
    const pending = /name="pending" value="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(pending).not.toBe('');
    const port = Number(new URL(emu.url).port);
    await emu.close();
    emu = await startEmulator({ stateDir: dir, httpPort: 0, port, interactive: true });
    const res = await fetch(`${emu.interactiveUrl}/common/oauth2/v2.0/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ pending, email: seed.users[0]!.email, action: 'accept' }).toString(),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This sign-in request has expired');
  });

  it('refuses to start on a damaged state file, saying which file and what to do', async () => {
    fs.writeFileSync(
      path.join(dir, 'emulator-state.json'),
      '{"format":"outlook-connect/ms-emulator-state","version":1,"state":{"directory"',
    );
    await expect(startEmulator({ stateDir: dir })).rejects.toThrow(
      /cannot load the emulator state from .*emulator-state\.json: not valid JSON .*move the file away/,
    );
  });
});
