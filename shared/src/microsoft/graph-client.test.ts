import { ServerError } from '@azure/msal-node';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { classifyMicrosoftError } from './classify';
import { GraphAccessTokenError, GraphTransportError } from './errors';
import { createGraphClient, splitGraphUrl } from './graph-client';

interface Seen {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
}

function fakeFetch(answer: (url: string) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const impl = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    seen.push({ url, method: init?.method ?? 'GET', headers: new Headers(init?.headers), body: init?.body });
    return answer(url);
  }) as typeof fetch;
  return { impl, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const EMULATOR = 'https://localhost:5443/v1.0';

describe('splitGraphUrl', () => {
  it('splits base URL and version', () => {
    expect(splitGraphUrl('https://graph.microsoft.com/v1.0')).toEqual({
      baseUrl: 'https://graph.microsoft.com',
      version: 'v1.0',
      host: 'graph.microsoft.com',
    });
    expect(splitGraphUrl('https://LOCALHOST:5443/v1.0/')).toEqual({
      baseUrl: 'https://localhost:5443',
      version: 'v1.0',
      host: 'localhost',
    });
  });

  it('refuses a URL without a version or without https', () => {
    expect(() => splitGraphUrl('https://graph.microsoft.com')).toThrow(/version/);
    expect(() => splitGraphUrl('http://localhost:5443/v1.0')).toThrow(/https/);
  });
});

describe('createGraphClient', () => {
  it('sends /me to ${graphUrl}/me with the bearer token', async () => {
    const { impl, seen } = fakeFetch(() => json(200, { id: 'u1', mail: 'adele@contoso.example' }));
    const client = createGraphClient({ graphUrl: EMULATOR, getAccessToken: async () => 'at-1', fetch: impl });
    await expect(client.api('/me').get()).resolves.toEqual({ id: 'u1', mail: 'adele@contoso.example' });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe('https://localhost:5443/v1.0/me');
    expect(seen[0]?.headers.get('authorization')).toBe('Bearer at-1');
  });

  it('uses the production Graph URL', async () => {
    const { impl, seen } = fakeFetch(() => json(200, {}));
    const client = createGraphClient({
      graphUrl: 'https://graph.microsoft.com/v1.0',
      getAccessToken: async () => 't',
      fetch: impl,
    });
    await client.api('/me/mailFolders/inbox').get();
    expect(seen[0]?.url).toBe('https://graph.microsoft.com/v1.0/me/mailFolders/inbox');
  });

  it('follows absolute nextLink / deltaLink URLs as given, with the token', async () => {
    const { impl, seen } = fakeFetch(() => json(200, { value: [] }));
    const client = createGraphClient({ graphUrl: EMULATOR, getAccessToken: async () => 'at-1', fetch: impl });
    const nextLink = 'https://localhost:5443/v1.0/me/mailFolders/inbox/messages/delta?$skiptoken=abc123';
    await client.api(nextLink).header('Prefer', 'odata.maxpagesize=50').get();
    expect(new URL(seen[0]?.url ?? '').pathname).toBe('/v1.0/me/mailFolders/inbox/messages/delta');
    expect(new URL(seen[0]?.url ?? '').searchParams.get('$skiptoken')).toBe('abc123');
    expect(seen[0]?.headers.get('authorization')).toBe('Bearer at-1');
    expect(seen[0]?.headers.get('prefer')).toBe('IdType="ImmutableId", odata.maxpagesize=50');
  });

  it('asks for immutable ids on every request, whatever the method', async () => {
    const { impl, seen } = fakeFetch(() => json(200, { id: 'x' }));
    const client = createGraphClient({ graphUrl: EMULATOR, getAccessToken: async () => 'at-1', fetch: impl });
    await client.api('/me').get();
    await client.api('/me/messages').post({ subject: 's' });
    await client.api('/me/messages/x').patch({ isRead: true });
    await client.api('/me/messages/x/move').post({ destinationId: 'archive' });
    await client.api('/me/messages/x').delete();
    await client.api('/me/events').header('Prefer', 'outlook.timezone="UTC"').get();
    expect(seen.map((s) => s.headers.get('prefer'))).toEqual([
      ...Array(5).fill('IdType="ImmutableId"'),
      'IdType="ImmutableId", outlook.timezone="UTC"',
    ]);
  });

  it('does not send the token to another host', async () => {
    const { impl, seen } = fakeFetch(() => json(200, {}));
    const client = createGraphClient({ graphUrl: EMULATOR, getAccessToken: async () => 'at-1', fetch: impl });
    await client.api('https://attacker.example/v1.0/me').get();
    expect(seen[0]?.headers.get('authorization')).toBeNull();
  });

  it('never re-sends a POST on 429 (no RetryHandler) and surfaces Retry-After', async () => {
    const { impl, seen } = fakeFetch(() =>
      json(429, { error: { code: 'ApplicationThrottled', message: 'MailboxConcurrency' } }, { 'Retry-After': '2' }),
    );
    const client = createGraphClient({ graphUrl: EMULATOR, getAccessToken: async () => 'at-1', fetch: impl });
    const err = await client
      .api('/me/sendMail')
      .post({ message: { subject: 'hi' }, saveToSentItems: true })
      .catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(err).toBeInstanceOf(GraphError);
    expect(classifyMicrosoftError(err)).toMatchObject({
      kind: 'transient',
      code: 'throttled',
      status: 429,
      retryAfterMs: 2000,
      graphCode: 'ApplicationThrottled',
      message: 'MailboxConcurrency',
    });
  });

  it('does not retry a GET on 503 either (queues own retries)', async () => {
    const { impl, seen } = fakeFetch(() => json(503, { error: { code: 'ServiceNotAvailable', message: 'busy' } }));
    const client = createGraphClient({ graphUrl: EMULATOR, getAccessToken: async () => 'at-1', fetch: impl });
    const err = await client
      .api('/me')
      .get()
      .catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(classifyMicrosoftError(err)).toMatchObject({ kind: 'transient', code: 'server_error', status: 503 });
  });

  it.each([
    [401, 'InvalidAuthenticationToken', 'reconnect_required', 'invalid_authentication_token'],
    [403, 'ErrorAccessDenied', 'permanent', 'scope_missing'],
    [403, 'ErrorSendAsDenied', 'permanent', 'send_as_denied'],
    [410, 'SyncStateNotFound', 'permanent', 'sync_state_invalid'],
  ] as const)('real GraphError for %i %s -> %s / %s', async (status, code, kind, reason) => {
    const { impl } = fakeFetch(() =>
      json(status, { error: { code, message: 'm', innerError: { 'request-id': 'r', date: '2025-01-01T00:00:00' } } }),
    );
    const client = createGraphClient({ graphUrl: EMULATOR, getAccessToken: async () => 'at-1', fetch: impl });
    const err = await client
      .api('/me/messages')
      .get()
      .catch((e: unknown) => e);
    expect(classifyMicrosoftError(err)).toMatchObject({ kind, code: reason, status, graphCode: code });
  });

  it('keeps the cause of a failure without an answer (network)', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5443'), { code: 'ECONNREFUSED' });
    const { impl } = fakeFetch(() => Promise.reject(new TypeError('fetch failed', { cause: refused })));
    const client = createGraphClient({ graphUrl: EMULATOR, getAccessToken: async () => 'at-1', fetch: impl });
    const err = await client
      .api('/me')
      .get()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphTransportError);
    expect(classifyMicrosoftError(err)).toMatchObject({
      kind: 'transient',
      code: 'network',
      graphCode: 'ECONNREFUSED',
    });
  });

  it('keeps the token error (MSAL) when getAccessToken fails, and sends nothing', async () => {
    const { impl, seen } = fakeFetch(() => json(200, {}));
    const revoked = new ServerError('invalid_grant', 'corr', 'AADSTS50173: revoked', undefined, '50173', 400);
    const client = createGraphClient({
      graphUrl: EMULATOR,
      getAccessToken: () => Promise.reject(revoked),
      fetch: impl,
    });
    const err = await client
      .api('/me')
      .get()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphAccessTokenError);
    expect((err as GraphAccessTokenError).cause).toBe(revoked);
    expect(classifyMicrosoftError(err)).toMatchObject({
      kind: 'reconnect_required',
      code: 'grant_revoked',
      aadsts: 50173,
    });
    expect(seen).toHaveLength(0);
  });

  it('returns undefined for 202 sendMail (no body)', async () => {
    const { impl } = fakeFetch(() => new Response(null, { status: 202 }));
    const client = createGraphClient({ graphUrl: EMULATOR, getAccessToken: async () => 'at-1', fetch: impl });
    await expect(client.api('/me/sendMail').post({ message: {} })).resolves.toBeFalsy();
  });
});
