import { AuthError, ServerError } from '@azure/msal-node';
import { GraphError } from '@microsoft/microsoft-graph-client';
import {
  FULL_SCOPES,
  connect,
  errorOf,
  graphFor,
  msalFor,
  startWorld,
  uniqueEmail,
  type World,
} from '../testing/harness';

type DeltaPage = { value: Array<{ id: string }>; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };

const mail = (to: string, subject = 'hi') => ({
  message: { subject, body: { contentType: 'Text', content: 'x' }, toRecipients: [{ emailAddress: { address: to } }] },
});

// Graph errors as the real Graph client surfaces them (GraphError statusCode + code), plus faults and limits.
describe('Graph errors, limits and faults', () => {
  let w: World;
  let token: string;

  beforeAll(async () => {
    w = await startWorld();
    // User.Read: the probes below call /me, which mail permissions do not allow.
    token = (await connect(w, { scopes: [...FULL_SCOPES, 'User.Read'] })).result.accessToken;
  });
  afterAll(async () => {
    await w.emu.close();
  });
  afterEach(() => {
    w.emu.control.clearFaults();
  });

  it('401 InvalidAuthenticationToken for an expired access token (and counts it)', async () => {
    const before = w.emu.control.counters().requestsWithExpiredToken;
    w.emu.control.advanceClock(5401_000); // past the longest lifetime (90 minutes)
    try {
      const err = await errorOf(graphFor(w, token).api('/me').get());
      expect(err).toBeInstanceOf(GraphError);
      expect(err).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
      expect(w.emu.control.counters().requestsWithExpiredToken).toBe(before + 1);
    } finally {
      w.emu.control.advanceClock(-5401_000);
    }
    await expect(graphFor(w, 'garbage').api('/me').get()).rejects.toMatchObject({
      statusCode: 401,
      code: 'InvalidAuthenticationToken',
    });
  });

  it('403 ErrorAccessDenied when the token lacks the scope', async () => {
    const email = w.emu.control.createUser({
      tenantId: w.tenant.id,
      email: uniqueEmail(w.tenant.domain, 'reader'),
    }).email;
    const reader = await connect(w, { email, scopes: ['Mail.Read'] });
    const err = await errorOf(graphFor(w, reader.result.accessToken).api('/me/sendMail').post(mail(email)));
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
    await expect(graphFor(w, reader.result.accessToken).api('/me/messages').get()).resolves.toBeTruthy();
  });

  it('429 ApplicationThrottled MailboxConcurrency with Retry-After past 4 concurrent requests', async () => {
    w.emu.control.resetCounters();
    w.emu.control.injectFault({ method: 'GET', path: '/me/messages$', latencyMs: 300 });
    const graph = graphFor(w, token);
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        graph
          .api('/me/messages')
          .get()
          .then(
            () => 'ok',
            (e: unknown) => e,
          ),
      ),
    );
    const throttled = results.filter((r): r is GraphError => r instanceof GraphError);
    expect(results.filter((r) => r === 'ok')).toHaveLength(4);
    expect(throttled).toHaveLength(2);
    expect(throttled[0]).toMatchObject({ statusCode: 429, code: 'ApplicationThrottled' });
    expect(throttled[0]?.message).toContain('MailboxConcurrency');
    expect((throttled[0]?.headers as Headers | undefined)?.get('retry-after')).toBe('1');
    expect(w.emu.control.counters().mailbox[w.user.email]).toMatchObject({ peakConcurrency: 4, current: 0 });
    expect(
      w.emu.control.requestLog(w.user.email).filter((e) => e.status === 429 && e.retryAfterSec === 1),
    ).toHaveLength(2);
  });

  it('429 on sends past sendsPerMinute, free again a minute later', async () => {
    w.emu.control.setLimits({ sendsPerMinute: 2 });
    const graph = graphFor(w, token);
    try {
      await graph.api('/me/sendMail').post(mail('x@external.example'));
      await graph.api('/me/sendMail').post(mail('x@external.example'));
      const err = await errorOf(graph.api('/me/sendMail').post(mail('x@external.example')));
      expect(err).toMatchObject({ statusCode: 429, code: 'ApplicationThrottled' });
      expect(Number((err as GraphError).headers?.get('retry-after'))).toBeGreaterThan(0);
      w.emu.control.advanceClock(61_000);
      await graph.api('/me/sendMail').post(mail('x@external.example')); // 202 again
    } finally {
      w.emu.control.advanceClock(-61_000);
      w.emu.control.setLimits({ sendsPerMinute: 30 });
    }
  });

  it('injected 503 reaches the client as a GraphError; the SDK RetryHandler re-sends it', async () => {
    w.emu.control.injectFault({ method: 'GET', path: '^/v1.0/me$', status: 503, retryAfterSec: 0, times: 1 });
    const err = await errorOf(graphFor(w, token).api('/me').get());
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ statusCode: 503, code: 'serviceNotAvailable' });

    const before = w.emu.control.requestLog(w.user.email).length;
    w.emu.control.injectFault({ method: 'GET', path: '^/v1.0/me$', status: 503, retryAfterSec: 0, times: 1 });
    await expect(graphFor(w, token, { retries: true }).api('/me').get()).resolves.toMatchObject({ id: w.user.id });
    expect(
      w.emu.control
        .requestLog(w.user.email)
        .slice(before)
        .map((e) => e.status),
    ).toEqual([503, 200]);
  });

  it('injected 503 on the token endpoint reaches MSAL as a ServerError', async () => {
    const c = await connect(w);
    w.emu.control.injectFault({ method: 'POST', path: '/oauth2/v2.0/token$', status: 503, times: 1 });
    const err = await errorOf(
      msalFor(w).acquireTokenByRefreshToken({ refreshToken: c.refreshToken, scopes: FULL_SCOPES }),
    );
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ errorCode: 'temporarily_unavailable' });
  });

  it('a dropped connection is a GraphError without status (and an MSAL AuthError)', async () => {
    w.emu.control.injectFault({ path: '^/v1.0/me$', drop: true, times: 1 });
    const err = await errorOf(graphFor(w, token).api('/me').get());
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).statusCode).toBe(-1);
    expect(w.emu.control.requestLog(w.user.email).at(-1)).toMatchObject({ path: '/v1.0/me', status: 0 });

    const c = await connect(w);
    w.emu.control.injectFault({ method: 'POST', path: '/oauth2/v2.0/token$', drop: true, times: 1 });
    const msalErr = await errorOf(
      msalFor(w).acquireTokenByRefreshToken({ refreshToken: c.refreshToken, scopes: FULL_SCOPES }),
    );
    expect(msalErr).toBeInstanceOf(AuthError);
  });

  it('410 syncStateNotFound after the delta tokens are invalidated; a fresh round works', async () => {
    const graph = graphFor(w, token);
    w.emu.control.deliverMessages(w.user.email, 3);
    let page = (await graph.api('/me/mailFolders/inbox/messages/delta').get()) as DeltaPage;
    while (page['@odata.nextLink']) page = (await graph.api(page['@odata.nextLink']).get()) as DeltaPage;
    const deltaLink = page['@odata.deltaLink'] ?? '';
    w.emu.control.invalidateDeltaTokens(w.user.email);
    const err = await errorOf(graph.api(deltaLink).get());
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ statusCode: 410, code: 'syncStateNotFound' });
    w.emu.control.invalidateDeltaTokens(w.user.email, 'resyncRequired');
    await expect(graph.api(deltaLink).get()).rejects.toMatchObject({ statusCode: 410, code: 'resyncRequired' });
    await expect(graph.api('/me/mailFolders/inbox/messages/delta').get()).resolves.toHaveProperty('value');
  });

  it('replays the last delta page once on request', async () => {
    const graph = graphFor(w, token);
    const first = (await graph
      .api('/me/mailFolders/inbox/messages/delta')
      .header('Prefer', 'odata.maxpagesize=2')
      .get()) as DeltaPage;
    w.emu.control.replayDeltaPage(w.user.email);
    const replayed = (await graph.api(first['@odata.nextLink'] ?? '').get()) as DeltaPage;
    expect(replayed).toEqual(first);
    const next = (await graph.api(first['@odata.nextLink'] ?? '').get()) as DeltaPage;
    expect(next.value.map((m) => m.id)).not.toEqual(first.value.map((m) => m.id));
  });

  it('error details as Graph sends them: innerError.date in UTC with Z, request-id and client-request-id', async () => {
    w.emu.control.injectFault({ method: 'GET', path: '^/v1.0/me$', status: 503, times: 1 });
    const sentId = '5f1c2a9e-0000-4000-8000-000000000001';
    const err = (await errorOf(graphFor(w, token).api('/me').header('client-request-id', sentId).get())) as GraphError;
    // The Graph client keeps the `error` object of the answer as `body`.
    const body = {
      error: JSON.parse(String(err.body)) as {
        code: string;
        innerError: { date: string; 'request-id': string; 'client-request-id': string };
      },
    };
    expect(body.error.code).toBe('serviceNotAvailable');
    expect(body.error.innerError.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    // The Graph client reads the date as an instant: with the Z it is the emulator's clock, not local time.
    expect(Math.abs(err.date.getTime() - Date.now())).toBeLessThan(2_000);
    expect(body.error.innerError['client-request-id']).toBe(sentId);
    expect(err.requestId).toBe(body.error.innerError['request-id']);
    expect(err.headers?.get('request-id')).toBe(body.error.innerError['request-id']);
    expect(err.headers?.get('client-request-id')).toBe(sentId);
    expect(err.headers?.get('retry-after')).toBe('1');

    // A success carries both headers too; without a client-request-id Graph echoes its own request id.
    const res = await fetch(`${w.emu.graphUrl}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('client-request-id')).toBe(res.headers.get('request-id'));
  });

  it.each([
    [429, 'activityLimitReached'],
    [503, 'serviceNotAvailable'],
    [504, 'serviceNotAvailable'],
  ])('an injected %i carries the documented code %s and a Retry-After', async (status, code) => {
    w.emu.control.injectFault({ method: 'GET', path: '^/v1.0/me$', status, times: 1 });
    const err = (await errorOf(graphFor(w, token).api('/me').get())) as GraphError;
    expect(err).toMatchObject({ statusCode: status, code });
    expect(err.headers?.get('retry-after')).toBe('1');
    w.emu.control.injectFault({ method: 'GET', path: '^/v1.0/me$', status, retryAfterSec: 9, times: 1 });
    expect(((await errorOf(graphFor(w, token).api('/me').get())) as GraphError).headers?.get('retry-after')).toBe('9');
  });

  it('a 503 may come without Retry-After (noRetryAfter)', async () => {
    w.emu.control.injectFault({ method: 'GET', path: '^/v1.0/me$', status: 503, noRetryAfter: true, times: 1 });
    const err = (await errorOf(graphFor(w, token).api('/me').get())) as GraphError;
    expect(err).toMatchObject({ statusCode: 503, code: 'serviceNotAvailable' });
    expect(err.headers?.get('retry-after')).toBeNull();
  });

  it('MailboxConcurrency: the body Outlook sends, and the mailbox is free again once requests finish', async () => {
    w.emu.control.injectFault({ method: 'GET', path: '/me/messages$', latencyMs: 300 });
    const graph = graphFor(w, token);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        graph
          .api('/me/messages')
          .get()
          .then(
            () => 'ok',
            (e: unknown) => e,
          ),
      ),
    );
    w.emu.control.clearFaults();
    const throttled = results.find((r): r is GraphError => r instanceof GraphError);
    expect(results.filter((r) => r === 'ok')).toHaveLength(4);
    const body = { error: JSON.parse(String(throttled?.body)) as { code: string; message: string } };
    expect(body.error).toMatchObject({
      code: 'ApplicationThrottled',
      message: 'Application is over its MailboxConcurrency limit.',
    });
    expect(throttled?.headers?.get('retry-after')).toBe('1');
    await expect(graph.api('/me/messages').get()).resolves.toHaveProperty('value');
  });

  it('400 InvalidInternetMessageHeader for a header without x-', async () => {
    const err = await errorOf(
      graphFor(w, token)
        .api('/me/messages')
        .post({ subject: 's', internetMessageHeaders: [{ name: 'Priority', value: '1' }] }),
    );
    expect(err).toMatchObject({ statusCode: 400, code: 'InvalidInternetMessageHeader' });
  });
});
