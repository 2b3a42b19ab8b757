import {
  FULL_SCOPES,
  REDIRECT,
  authorize,
  connect,
  eventually,
  graphFor,
  msalFor,
  redeem,
  refreshTokenOf,
  startWorld,
  type World,
} from './testing/harness';

// The real @azure/msal-node and @microsoft/microsoft-graph-client against the emulator, over HTTPS (dev CA).
/** The raw token endpoint answer for a refresh (MSAL hides expires_in / ext_expires_in). */
async function tokenByRefresh(
  w: World,
  refreshToken: string,
): Promise<{ expires_in: number; ext_expires_in: number; scope: string }> {
  const res = await fetch(`${w.emu.loginUrl}/common/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: w.app.clientId,
      client_secret: w.secret,
      scope: 'Mail.Send offline_access',
    }).toString(),
  });
  return (await res.json()) as { expires_in: number; ext_expires_in: number; scope: string };
}

describe('emulator: happy paths with the real MSAL and Graph client', () => {
  let w: World;

  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => {
    await w.emu.close();
  });

  it('runs auth code + PKCE + nonce, then refresh with rotation', async () => {
    const msal = msalFor(w);
    const a = await authorize(msal, { email: w.user.email });
    expect(a.status).toBe(302);
    expect(a.location?.startsWith('https://crm.example.test/oauth/callback?code=')).toBe(true);
    expect(a.params.get('state')).toBe(a.state);
    expect(JSON.parse(Buffer.from(a.params.get('client_info') ?? '', 'base64url').toString())).toEqual({
      uid: w.user.id,
      utid: w.tenant.id,
    });

    const result = await redeem(msal, a);
    expect(result.account?.homeAccountId).toBe(`${w.user.id}.${w.tenant.id}`);
    expect(result.account?.username).toBe(w.user.email);
    expect(result.idTokenClaims).toMatchObject({
      aud: w.app.clientId,
      tid: w.tenant.id,
      oid: w.user.id,
      nonce: a.nonce,
      iss: `${w.emu.url}/${w.tenant.id}/v2.0`,
    });
    // Microsoft returns Graph permissions by their short names.
    expect(result.scopes).toEqual(expect.arrayContaining(FULL_SCOPES));
    const rt = refreshTokenOf(msal);
    expect(rt).not.toBe('');

    const refreshed = await msalFor(w).acquireTokenByRefreshToken({
      refreshToken: rt,
      scopes: FULL_SCOPES,
      forceCache: true,
    });
    expect(refreshed?.accessToken).not.toBe(result.accessToken);
    expect(refreshed?.scopes).toEqual(expect.arrayContaining(['Mail.Send']));
    // Rotation: the old refresh token still works.
    await expect(
      msalFor(w).acquireTokenByRefreshToken({ refreshToken: rt, scopes: FULL_SCOPES }),
    ).resolves.toBeTruthy();
    expect(w.emu.control.counters().tokenGrants[w.user.email]).toEqual({ authorization_code: 1, refresh_token: 2 });
  });

  it('issues a refresh token without the browser flow (control), which the real MSAL redeems; the grant log shows each grant', async () => {
    const seeded = w.emu.control.createUser({ tenantId: w.tenant.id, email: `seeded@${w.tenant.domain}` });
    expect(() => w.emu.control.issueRefreshToken(seeded.email, w.app.clientId, ['openid', 'Mail.Read'])).toThrow(
      /offline_access/,
    );
    const issued = w.emu.control.issueRefreshToken(seeded.email, w.app.clientId, [
      'openid',
      'profile',
      'offline_access',
      'Mail.ReadWrite',
      'Mail.Send',
    ]);
    expect(issued).toMatchObject({ userId: seeded.id, tenantId: w.tenant.id });
    w.emu.control.setTokenLifetimes({ accessTokenSec: 120 });
    try {
      const before = Date.now();
      const refreshed = await msalFor(w).acquireTokenByRefreshToken({
        refreshToken: issued.refreshToken,
        scopes: ['Mail.ReadWrite', 'Mail.Send'],
        forceCache: true,
      });
      expect(refreshed?.account?.homeAccountId).toBe(`${seeded.id}.${w.tenant.id}`);
      expect(refreshed?.scopes).toEqual(expect.arrayContaining(['Mail.Send']));
      // A permission the user never consented to is refused like on Microsoft (65001).
      await expect(
        msalFor(w).acquireTokenByRefreshToken({ refreshToken: issued.refreshToken, scopes: ['Calendars.ReadWrite'] }),
      ).rejects.toMatchObject({ errorNo: 65001 });
      const log = w.emu.control.grantLog(seeded.email);
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ email: seeded.email, grantType: 'refresh_token' });
      expect(log[0]!.at).toBeGreaterThanOrEqual(before - 1_000);
      expect(log[0]!.accessTokenExpiresAt - log[0]!.at).toBe(120_000);
    } finally {
      w.emu.control.setTokenLifetimes({ accessTokenSec: 3600, accessTokenMaxSec: 5400 });
    }
    // Over HTTP too.
    const res = await fetch(`${w.emu.url}/_emulator/issueRefreshToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: seeded.email, clientId: w.app.clientId, scopes: ['offline_access', 'Mail.Read'] }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { refreshToken: string }).refreshToken).toMatch(/^1\.A/);
    expect(w.emu.control.grantLog().some((g) => g.email === w.user.email || g.email === seeded.email)).toBe(true);
  });

  it('issues no refresh token when the user withholds offline_access', async () => {
    const tenantUser = w.emu.control.createUser({ tenantId: w.tenant.id, email: `nooffline@${w.tenant.domain}` });
    w.emu.control.setUserBehavior(tenantUser.email, { withholdScopes: ['offline_access', 'Mail.Send'] });
    const c = await connect(w, { email: tenantUser.email });
    expect(c.refreshToken).toBe('');
    expect(c.result.scopes).not.toContain('Mail.Send');
  });

  it('sends mail (202), keeps a Sent Items copy and delivers to an emulated recipient', async () => {
    const c = await connect(w);
    const graph = graphFor(w, c.result.accessToken);
    await graph.api('/me/sendMail').post({
      message: {
        subject: 'Test email',
        body: { contentType: 'Text', content: 'hello' },
        toRecipients: [{ emailAddress: { address: w.user.email } }],
      },
      saveToSentItems: true,
    });
    await eventually(() => w.emu.control.sentItems(w.user.email).some((m) => m.subject === 'Test email'), 'Sent Items');
    const inbox = (await graph.api('/me/mailFolders/inbox/messages').select('subject,from').top(5).get()) as {
      value: Array<{ subject: string }>;
    };
    expect(inbox.value.map((m) => m.subject)).toContain('Test email');
  });

  it('creates a draft with a marker, sends it, and finds the sent copy by marker', async () => {
    const c = await connect(w);
    const graph = graphFor(w, c.result.accessToken);
    const propId = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name OcSendId';
    const draft = (await graph.api('/me/messages').post({
      subject: 'Quote',
      body: { contentType: 'HTML', content: '<p>Hi</p>' },
      toRecipients: [{ emailAddress: { address: 'client@external.example' } }],
      internetMessageHeaders: [{ name: 'x-oc-send-id', value: 'send-42' }],
      singleValueExtendedProperties: [{ id: propId, value: 'send-42' }],
    })) as { id: string; isDraft: boolean };
    expect(draft.isDraft).toBe(true);
    const headers = (await graph.api(`/me/messages/${draft.id}`).select('internetMessageHeaders').get()) as {
      internetMessageHeaders: Array<{ name: string }>;
    };
    expect(headers.internetMessageHeaders).toEqual([{ name: 'x-oc-send-id', value: 'send-42' }]);
    await graph.api(`/me/messages/${draft.id}/send`).post({});
    expect(w.emu.control.counters().sendsByMarker['send-42']).toBe(1); // one send, though the marker is in a header and a property
    await eventually(() => w.emu.control.inTransit() === 0, 'transport');
    const found = (await graph
      .api('/me/mailFolders/sentitems/messages')
      .filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${propId}' and ep/value eq 'send-42')`)
      .get()) as { value: Array<{ id: string; isDraft: boolean }> };
    expect(found.value).toHaveLength(1);
    expect(found.value[0]?.id).not.toBe(draft.id); // ids change on move
    await expect(graph.api(`/me/messages/${draft.id}`).get()).rejects.toMatchObject({
      statusCode: 404,
      code: 'ErrorItemNotFound',
    });
  });

  it('threads replies: createReply + PATCH + attachment + send, and reply in one call', async () => {
    const c = await connect(w);
    const graph = graphFor(w, c.result.accessToken);
    const peer = w.emu.control.createUser({
      tenantId: w.tenant.id,
      email: `peer-${Date.now()}@${w.tenant.domain}`,
    }).email;
    const incoming = w.emu.control.deliverMessage(w.user.email, {
      from: peer,
      subject: 'Pricing?',
      body: 'How much?',
      references: '<root@x.example>',
    });
    const draft = (await graph.api(`/me/messages/${incoming.id}/createReply`).post({})) as {
      id: string;
      subject: string;
      conversationId: string;
      toRecipients: unknown[];
    };
    expect(draft).toMatchObject({
      subject: 'RE: Pricing?',
      conversationId: incoming.conversationId,
      toRecipients: [{ emailAddress: { address: peer, name: peer } }],
    });
    await graph.api(`/me/messages/${draft.id}`).patch({ body: { contentType: 'Text', content: '42 EUR' } });
    await graph.api(`/me/messages/${draft.id}/attachments`).post({
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: 'quote.txt',
      contentType: 'text/plain',
      contentBytes: Buffer.from('42').toString('base64'),
    });
    await graph.api(`/me/messages/${draft.id}/send`).post(null);
    await eventually(() => w.emu.control.listMessages(peer, 'inbox').length > 0, 'delivery');
    const [received] = w.emu.control.listMessages(peer, 'inbox') as Array<{
      subject: string;
      conversationId: string;
      hasAttachments: boolean;
      internetMessageHeaders: Array<{ name: string; value: string }>;
    }>;
    expect(received).toMatchObject({
      subject: 'RE: Pricing?',
      conversationId: incoming.conversationId,
      hasAttachments: true,
    });
    const header = (name: string) => received?.internetMessageHeaders.find((h) => h.name === name)?.value;
    expect(header('In-Reply-To')).toBe(incoming.internetMessageId);
    expect(header('References')).toBe(`<root@x.example> ${String(incoming.internetMessageId)}`);

    await graph.api(`/me/messages/${incoming.id}/reply`).post({
      comment: 'Also: see attached',
      message: {
        attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'a.txt', contentBytes: 'YQ==' }],
      },
    });
    await eventually(() => w.emu.control.listMessages(peer, 'inbox').length === 2, 'the second delivery');
  });

  it('pages a delta round, then reports changes and removals', async () => {
    const email = `delta@${w.tenant.domain}`;
    w.emu.control.createUser({ tenantId: w.tenant.id, email });
    w.emu.control.deliverMessages(email, 25);
    const c = await connect(w, { email });
    const graph = graphFor(w, c.result.accessToken);
    type Page = {
      value: Array<{ id: string; subject?: string; '@removed'?: unknown }>;
      '@odata.nextLink'?: string;
      '@odata.deltaLink'?: string;
    };
    let page = (await graph
      .api('/me/mailFolders/inbox/messages/delta')
      .header('Prefer', 'odata.maxpagesize=10')
      .select('subject,receivedDateTime')
      .get()) as Page;
    const seen: string[] = [];
    let pages = 1;
    for (;;) {
      seen.push(...page.value.map((m) => m.id));
      if (!page['@odata.nextLink']) break;
      expect(
        page['@odata.nextLink'].startsWith(`${w.emu.graphUrl}/me/mailFolders/inbox/messages/delta?$skiptoken=`),
      ).toBe(true);
      page = (await graph.api(page['@odata.nextLink']).header('Prefer', 'odata.maxpagesize=10').get()) as Page;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(25);
    const deltaLink = page['@odata.deltaLink'] ?? '';
    expect(deltaLink.startsWith(`${w.emu.graphUrl}/me/mailFolders/inbox/messages/delta?$deltatoken=`)).toBe(true);

    const [first, second] = w.emu.control.listMessages(email, 'inbox');
    w.emu.control.updateMessage(email, String(first?.id), { isRead: true });
    w.emu.control.deleteMessage(email, String(second?.id));
    const fresh = w.emu.control.deliverMessage(email, { from: 'x@external.example', subject: 'Brand new' });
    const next = (await graph.api(deltaLink).get()) as Page;
    expect(next.value.find((m) => m.id === second?.id)).toEqual({
      '@odata.type': '#microsoft.graph.message',
      id: second?.id,
      '@removed': { reason: 'deleted' },
    });
    expect(next.value.map((m) => m.id)).toEqual(expect.arrayContaining([first?.id, fresh.id]));
    expect(next.value[0]).not.toHaveProperty('body'); // $select is carried in the token
    expect(next['@odata.deltaLink']).toBeDefined();

    // $filter=receivedDateTime ge ...: messages arrived one minute apart, keep the last five.
    const since = new Date(Date.parse(String(fresh.receivedDateTime)) - 4.5 * 60_000).toISOString();
    const recent = (await graph
      .api('/me/mailFolders/inbox/messages/delta')
      .filter(`receivedDateTime ge ${since}`)
      .get()) as Page;
    expect(recent.value.length).toBeGreaterThanOrEqual(5);
    expect(recent.value.length).toBeLessThanOrEqual(6);
  });

  it("accepts mailFolders('inbox') and echoes that form in its links", async () => {
    const c = await connect(w);
    const graph = graphFor(w, c.result.accessToken);
    w.emu.control.deliverMessages(w.user.email, 3);
    const page = (await graph
      .api("/me/mailFolders('inbox')/messages/delta")
      .header('Prefer', 'odata.maxpagesize=1')
      .get()) as { '@odata.nextLink'?: string };
    expect(
      page['@odata.nextLink']?.startsWith(`${w.emu.graphUrl}/me/mailFolders('inbox')/messages/delta?$skiptoken=`),
    ).toBe(true);
    await expect(graph.api(page['@odata.nextLink'] ?? '').get()).resolves.toHaveProperty('value');
  });

  it('creates events once per transactionId, lists the calendar view, answers getSchedule, cancels', async () => {
    const c = await connect(w);
    const graph = graphFor(w, c.result.accessToken);
    const body = {
      subject: 'Demo',
      transactionId: 'tx-1',
      start: { dateTime: '2030-01-07T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2030-01-07T11:00:00', timeZone: 'UTC' },
    };
    const ev = (await graph.api('/me/events').post(body)) as { id: string };
    await expect(graph.api('/me/events').post(body)).rejects.toMatchObject({
      statusCode: 409,
      code: 'ErrorDuplicateTransactionId',
    });
    const view = (await graph
      .api('/me/calendarView')
      .query({ startDateTime: '2030-01-07T00:00:00Z', endDateTime: '2030-01-08T00:00:00Z' })
      .get()) as { value: Array<{ id: string }> };
    expect(view.value.map((e) => e.id)).toEqual([ev.id]);
    const patched = (await graph.api(`/me/events/${ev.id}`).patch({ subject: 'Demo (moved)' })) as { subject: string };
    expect(patched.subject).toBe('Demo (moved)');
    const schedule = (await graph.api('/me/calendar/getSchedule').post({
      schedules: [w.user.email],
      startTime: { dateTime: '2030-01-07T09:00:00', timeZone: 'UTC' },
      endTime: { dateTime: '2030-01-07T12:00:00', timeZone: 'UTC' },
      availabilityViewInterval: 60,
    })) as { value: Array<{ availabilityView: string; scheduleItems: unknown[] }> };
    expect(schedule.value[0]?.availabilityView).toBe('020');
    await graph.api(`/me/events/${ev.id}/cancel`).post({ comment: 'sorry' });
    await expect(graph.api(`/me/events/${ev.id}`).get()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('serves the discovery documents MSAL reads', async () => {
    const config = (await (
      await fetch(`${w.emu.url}/${w.tenant.domain}/v2.0/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    expect(config.token_endpoint).toBe(`${w.emu.url}/${w.tenant.id}/oauth2/v2.0/token`);
    expect(config.issuer).toBe(`${w.emu.url}/${w.tenant.id}/v2.0`);
    const keys = (await (await fetch(config.jwks_uri ?? '')).json()) as { keys: unknown[] };
    expect(keys.keys).toHaveLength(1);
    const instance = (await (
      await fetch(
        `${w.emu.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${w.emu.url}/common/oauth2/v2.0/authorize`,
      )
    ).json()) as { metadata: Array<{ aliases: string[] }> };
    expect(instance.metadata[0]?.aliases).toEqual([w.emu.knownAuthority]);
  });

  it('exposes the same control operations over HTTP', async () => {
    const post = async (op: string, body: unknown): Promise<unknown> =>
      (
        await fetch(`${w.emu.url}/_emulator/${op}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).json();
    const tenant = (await post('createTenant', { name: 'Fabrikam' })) as { id: string };
    const user = (await post('createUser', { tenantId: tenant.id, email: 'http@fabrikam.example' })) as {
      email: string;
    };
    await post('deliverMessage', { email: user.email, input: { from: 'a@b.example', subject: 'over http' } });
    const list = (await (await fetch(`${w.emu.url}/_emulator/listMessages?email=${user.email}`)).json()) as Array<{
      subject: string;
    }>;
    expect(list.map((m) => m.subject)).toEqual(['over http']);
    const missing = await fetch(`${w.emu.url}/_emulator/listMessages?email=nobody@x.example`);
    expect(missing.status).toBe(404);
  });

  it('/me needs User.Read (mail permissions do not allow it), and shows mail and UPN as the directory has them', async () => {
    const mailOnly = await connect(w);
    await expect(graphFor(w, mailOnly.result.accessToken).api('/me').get()).rejects.toMatchObject({
      statusCode: 403,
      code: 'ErrorAccessDenied',
    });
    const u = w.emu.control.createUser({
      tenantId: w.tenant.id,
      email: `pat.smith@${w.tenant.domain}`,
      upn: `psmith01@${w.tenant.domain}`,
      preferredUsername: '+1 425 555 0100',
    });
    const c = await connect(w, { email: u.upn, scopes: [...FULL_SCOPES, 'User.Read', 'email'] });
    const me = (await graphFor(w, c.result.accessToken).api('/me').get()) as {
      id: string;
      mail: string;
      userPrincipalName: string;
    };
    expect(me).toMatchObject({
      id: u.id,
      mail: `pat.smith@${w.tenant.domain}`,
      userPrincipalName: `psmith01@${w.tenant.domain}`,
    });
    // The id token: preferred_username is not the mailbox; the email claim (email scope) is the primary SMTP address.
    expect(c.result.idTokenClaims).toMatchObject({
      preferred_username: '+1 425 555 0100',
      email: `pat.smith@${w.tenant.domain}`,
      oid: u.id,
      tid: w.tenant.id,
    });
    const noEmailScope = await connect(w, { email: u.upn });
    expect(noEmailScope.result.idTokenClaims).not.toHaveProperty('email');
  });

  it('a user without a mailbox address gets no email claim even with the email scope', async () => {
    const u = w.emu.control.createUser({ tenantId: w.tenant.id, email: `nomail@${w.tenant.domain}`, mail: null });
    const c = await connect(w, { email: u.email, scopes: [...FULL_SCOPES, 'email'] });
    expect(c.result.idTokenClaims).not.toHaveProperty('email');
    expect(c.result.idTokenClaims).toMatchObject({ preferred_username: u.email });
  });

  it('access tokens live 60-90 minutes (expires_in varies), with ext_expires_in', async () => {
    const lifetimes = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const res = await tokenByRefresh(w, (await connect(w)).refreshToken);
      expect(res.ext_expires_in).toBe(res.expires_in);
      expect(res.expires_in).toBeGreaterThanOrEqual(3600);
      expect(res.expires_in).toBeLessThanOrEqual(5400);
      lifetimes.add(res.expires_in);
    }
    expect(lifetimes.size).toBeGreaterThan(1);
  });

  it('reset() forgets everything: old tokens stop working', async () => {
    const c = await connect(w);
    w.emu.control.reset();
    await expect(graphFor(w, c.result.accessToken).api('/me').get()).rejects.toMatchObject({
      statusCode: 401,
      code: 'InvalidAuthenticationToken',
    });
    expect(w.emu.control.counters()).toEqual({
      tokenGrants: {},
      mailbox: {},
      sendsByMarker: {},
      requestsWithExpiredToken: 0,
    });
    w = await reseed(w);
    await expect(connect(w)).resolves.toBeTruthy();
  });
});

async function reseed(old: World): Promise<World> {
  const tenant = old.emu.control.createTenant({ name: 'Contoso' });
  const user = old.emu.control.createUser({ tenantId: tenant.id, email: `again@${tenant.domain}` });
  const app = old.emu.control.createApp({ name: 'again', redirectUris: [REDIRECT] });
  return { emu: old.emu, tenant, user, app, secret: app.secrets[0]?.value ?? '' };
}
