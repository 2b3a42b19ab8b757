import { Client, GraphError, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { classifyMicrosoftError } from '@outlook-connect/shared';
import {
  ConnectionUnusableError,
  MailboxBusyError,
  type AccessTokens,
  type AccessTokenSeed,
  type MailboxGate,
} from '../contracts';
import { connectionUnusableOf, mailboxBusyOf, MailboxRequestError } from './errors';
import { MailboxAuthMiddleware, MailboxGateMiddleware, SendBudget } from './graph-middleware';
import { callGraph, microsoftFailureOf } from './graph-call';
import { TokenRefreshFailedError } from '../tokens/access-tokens';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { MongoNetworkError } from 'mongodb';

/** Answers each request with the next scripted response and records what it saw. */
class ScriptedFetch implements Middleware {
  seen: Array<{ url: string; auth?: string; method?: string }> = [];
  constructor(private readonly answers: Array<() => Response>) {}
  async execute(context: Context): Promise<void> {
    const headers = (context.options?.headers ?? {}) as Record<string, string>;
    this.seen.push({ url: String(context.request), auth: headers.Authorization, method: context.options?.method });
    const next = this.answers.shift();
    if (!next) throw new Error('no scripted answer left');
    context.response = next();
  }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function fakeGate(overrides: Partial<MailboxGate> = {}) {
  const pauses: Array<{ connectionId: string; untilMs: number; reason: string }> = [];
  const reserved: Array<{ connectionId: string; recipients: number }> = [];
  let inSlot = 0;
  const gate: MailboxGate = {
    async withSlot(_id, fn) {
      inSlot += 1;
      try {
        return await fn();
      } finally {
        inSlot -= 1;
      }
    },
    async pause(connectionId, untilMs, reason) {
      pauses.push({ connectionId, untilMs, reason });
    },
    async pausedUntil() {
      return null;
    },
    async reserveSend() {},
    async withSendSlot(connectionId, recipients, _limits, fn) {
      reserved.push({ connectionId, recipients });
      inSlot += 1;
      try {
        return await fn();
      } finally {
        inSlot -= 1;
      }
    },
    ...overrides,
  };
  return { gate, pauses, reserved, inSlot: () => inSlot };
}

function fakeTokens(): AccessTokens & { renewed: string[] } {
  let version = 1;
  const renewed: string[] = [];
  const connection = {} as never;
  return {
    renewed,
    async get() {
      return { accessToken: `token-${version}`, connection };
    },
    async renew(_id, rejected) {
      renewed.push(rejected);
      version += 1;
      return { accessToken: `token-${version}`, connection };
    },
  };
}

function client(opts: {
  tokens: AccessTokens;
  gate: MailboxGate;
  fetch: ScriptedFetch;
  now?: number;
  seed?: AccessTokenSeed;
}) {
  return Client.initWithMiddleware({
    baseUrl: 'https://graph.test',
    defaultVersion: 'v1.0',
    middleware: [
      new MailboxAuthMiddleware('conn_1', opts.tokens, 'graph.test', opts.seed),
      new MailboxGateMiddleware({
        connectionId: 'conn_1',
        gate: opts.gate,
        now: () => opts.now ?? 1_000,
        defaultPauseMs: 5_000,
      }),
      opts.fetch,
    ],
  });
}

describe('mailbox Graph middleware', () => {
  it('attaches the token and returns the answer', async () => {
    const fetch = new ScriptedFetch([() => json(200, { id: 'me' })]);
    const result = await client({ tokens: fakeTokens(), gate: fakeGate().gate, fetch }).api('/me').get();
    expect(result).toEqual({ id: 'me' });
    expect(fetch.seen[0]).toMatchObject({ url: 'https://graph.test/v1.0/me', auth: 'Bearer token-1' });
  });

  it('a seed token serves the first request only; later requests ask AccessTokens again', async () => {
    const tokens = fakeTokens();
    const fetch = new ScriptedFetch([() => json(200, { value: [] }), () => json(200, { id: 'me' })]);
    const graph = client({
      tokens,
      gate: fakeGate().gate,
      fetch,
      seed: { accessToken: 'seeded', connection: {} as never },
    });
    await graph.api('/me/messages').get();
    await graph.api('/me').get();
    expect(fetch.seen.map((s) => s.auth)).toEqual(['Bearer seeded', 'Bearer token-1']);
  });

  it('a rejected seed token is renewed like any other, and the request replayed', async () => {
    const tokens = fakeTokens();
    const fetch = new ScriptedFetch([
      () => json(401, { error: { code: 'InvalidAuthenticationToken', message: 'expired' } }),
      () => json(202, {}),
    ]);
    await client({ tokens, gate: fakeGate().gate, fetch, seed: { accessToken: 'seeded', connection: {} as never } })
      .api('/me/sendMail')
      .post({});
    expect(tokens.renewed).toEqual(['seeded']);
    expect(fetch.seen.map((s) => s.auth)).toEqual(['Bearer seeded', 'Bearer token-2']);
  });

  it('renews a rejected token once and replays the request', async () => {
    const tokens = fakeTokens();
    const fetch = new ScriptedFetch([
      () => json(401, { error: { code: 'InvalidAuthenticationToken', message: 'expired' } }),
      () => json(201, { id: 'draft' }),
    ]);
    const result = await client({ tokens, gate: fakeGate().gate, fetch }).api('/me/messages').post({ subject: 'x' });
    expect(result).toEqual({ id: 'draft' });
    expect(tokens.renewed).toEqual(['token-1']);
    expect(fetch.seen.map((s) => s.auth)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('a request carrying a SendBudget reserves it with its slot, once: a replay after a 401 takes only a slot', async () => {
    const tokens = fakeTokens();
    const slots: string[] = [];
    const fake = fakeGate({
      withSlot: async (_id, fn) => {
        slots.push('slot');
        return fn();
      },
    });
    const fetch = new ScriptedFetch([
      () => json(401, { error: { code: 'InvalidAuthenticationToken', message: 'expired' } }),
      () => json(202, {}),
      () => json(200, { id: 'me' }),
    ]);
    const graph = client({ tokens, gate: fake.gate, fetch });
    const budget = new SendBudget(3, { sendsPerMinute: 30, dailyRecipientCap: 10_000 });
    await graph.api('/me/sendMail').middlewareOptions([budget]).post({});
    expect(fake.reserved).toEqual([{ connectionId: 'conn_1', recipients: 3 }]);
    expect(slots).toEqual(['slot']); // the replay
    await graph.api('/me').get(); // a request without a budget reserves nothing
    expect(fake.reserved).toHaveLength(1);
    expect(slots).toEqual(['slot', 'slot']);
  });

  it('a refused send reservation comes out as the busy mailbox it is, and nothing is requested', async () => {
    const fetch = new ScriptedFetch([]);
    const { gate } = fakeGate({
      withSendSlot: async () => {
        throw new MailboxBusyError('conn_1', 61_000, 'send_rate');
      },
    });
    const err = await callGraph(() =>
      client({ tokens: fakeTokens(), gate, fetch })
        .api('/me/sendMail')
        .middlewareOptions([new SendBudget(1, { sendsPerMinute: 1, dailyRecipientCap: 10 })])
        .post({}),
    ).catch((e: unknown) => e);
    expect(mailboxBusyOf(err)).toMatchObject({ why: 'send_rate', retryAtMs: 61_000 });
    expect(fetch.seen).toHaveLength(0);
  });

  it('a 429 pauses the mailbox until Retry-After and surfaces as a classified GraphError, without a retry', async () => {
    const { gate, pauses } = fakeGate();
    const fetch = new ScriptedFetch([
      () =>
        json(429, { error: { code: 'ApplicationThrottled', message: 'MailboxConcurrency' } }, { 'Retry-After': '7' }),
    ]);
    const err = await client({ tokens: fakeTokens(), gate, fetch, now: 50_000 })
      .api('/me/sendMail')
      .post({})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect(classifyMicrosoftError(err)).toMatchObject({ kind: 'transient', code: 'throttled', retryAfterMs: 7_000 });
    expect(pauses).toEqual([{ connectionId: 'conn_1', untilMs: 57_000, reason: 'http_429' }]);
    expect(fetch.seen).toHaveLength(1);
  });

  it.each([503, 504])('a %i serviceNotAvailable with Retry-After pauses the mailbox for it', async (status) => {
    const { gate, pauses } = fakeGate();
    const fetch = new ScriptedFetch([
      () => json(status, { error: { code: 'serviceNotAvailable', message: 'busy' } }, { 'Retry-After': '3' }),
    ]);
    const err = await client({ tokens: fakeTokens(), gate, fetch, now: 10_000 })
      .api('/me/messages')
      .get()
      .catch((e: unknown) => e);
    expect(classifyMicrosoftError(err)).toMatchObject({ kind: 'transient', code: 'server_error', retryAfterMs: 3_000 });
    expect(pauses).toEqual([{ connectionId: 'conn_1', untilMs: 13_000, reason: `http_${status}` }]);
  });

  it('a 503 without Retry-After does not pause', async () => {
    const { gate, pauses } = fakeGate();
    const fetch = new ScriptedFetch([() => json(503, { error: { code: 'ServiceUnavailable', message: 'busy' } })]);
    await expect(client({ tokens: fakeTokens(), gate, fetch }).api('/me').get()).rejects.toBeInstanceOf(GraphError);
    expect(pauses).toEqual([]);
  });

  it('a busy mailbox comes out intact (retry-at kept), not flattened into a GraphError', async () => {
    const busy = new MailboxBusyError('conn_1', 99_000, 'paused');
    const { gate } = fakeGate({ withSlot: () => Promise.reject(busy) });
    const fetch = new ScriptedFetch([]);
    const err = await client({ tokens: fakeTokens(), gate, fetch })
      .api('/me')
      .get()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailboxRequestError);
    expect(mailboxBusyOf(err)).toBe(busy);
    expect(fetch.seen).toHaveLength(0);
  });

  it('a connection that cannot be used comes out with its reason', async () => {
    const unusable = new ConnectionUnusableError('conn_1', 'needs_reconnect', 'grant_revoked');
    const tokens = { ...fakeTokens(), get: () => Promise.reject(unusable) };
    const err = await client({ tokens, gate: fakeGate().gate, fetch: new ScriptedFetch([]) })
      .api('/me')
      .get()
      .catch((e: unknown) => e);
    expect(connectionUnusableOf(err)).toBe(unusable);
    expect(mailboxBusyOf(err)).toBeUndefined();
  });

  it("the gate's Redis failing comes out as our own error, never classified as Microsoft's (was permanent/unknown)", async () => {
    const redisDown = new MaxRetriesPerRequestError(3);
    const { gate } = fakeGate({ withSlot: () => Promise.reject(redisDown) });
    const fetch = new ScriptedFetch([]);
    const err = await callGraph(() => client({ tokens: fakeTokens(), gate, fetch }).api('/me/sendMail').post({})).catch(
      (e: unknown) => e,
    );
    expect(err).toBe(redisDown);
    expect(microsoftFailureOf(err)).toBeUndefined();
    expect(fetch.seen).toHaveLength(0);
  });

  it("the store failing while getting the token comes out as it is; a refresh Microsoft refused stays Microsoft's", async () => {
    const storeDown = new MongoNetworkError('connection 4 to 127.0.0.1:27017 closed');
    const broken = { ...fakeTokens(), get: () => Promise.reject(storeDown) };
    const err = await callGraph(() =>
      client({ tokens: broken, gate: fakeGate().gate, fetch: new ScriptedFetch([]) })
        .api('/me')
        .get(),
    ).catch((e: unknown) => e);
    expect(err).toBe(storeDown);
    const refused = new TokenRefreshFailedError(
      'conn_1',
      classifyMicrosoftError(new GraphError(503, 'x')),
      new Error('503'),
    );
    const viaMs = { ...fakeTokens(), get: () => Promise.reject(refused) };
    const ms = await callGraph(() =>
      client({ tokens: viaMs, gate: fakeGate().gate, fetch: new ScriptedFetch([]) })
        .api('/me')
        .get(),
    ).catch((e: unknown) => e);
    expect(microsoftFailureOf(ms)).toBeDefined();
  });

  it('never sends the token to a host other than Graph', async () => {
    const fetch = new ScriptedFetch([() => json(200, {})]);
    await client({ tokens: fakeTokens(), gate: fakeGate().gate, fetch }).api('https://elsewhere.test/v1.0/me').get();
    expect(fetch.seen[0]).toMatchObject({ url: 'https://elsewhere.test/v1.0/me', auth: undefined });
  });
});
