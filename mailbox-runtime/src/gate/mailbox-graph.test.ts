import type { AccessTokens, MailboxGate } from '../contracts';
import { createMailboxGraph } from './mailbox-graph';

// The client every worker and the gateway use against a mailbox: each request it sends asks for immutable ids.

const gate: MailboxGate = {
  withSlot: (_id, fn) => fn(),
  pause: async () => undefined,
  pausedUntil: async () => null,
  reserveSend: async () => undefined,
  withSendSlot: (_id, _recipients, _limits, fn) => fn(),
};

const tokens: AccessTokens = {
  get: async () => ({ accessToken: 'token-1', connection: {} as never }),
  renew: async () => ({ accessToken: 'token-2', connection: {} as never }),
};

describe('createMailboxGraph', () => {
  const seen: Array<{ url: string; method: string; prefer: string | null }> = [];
  let spy: jest.SpyInstance;

  beforeEach(() => {
    seen.length = 0;
    spy = jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      seen.push({ url, method: init?.method ?? 'GET', prefer: new Headers(init?.headers).get('prefer') });
      return new Response(JSON.stringify({ value: [] }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    });
  });

  afterEach(() => spy.mockRestore());

  it('sends Prefer: IdType="ImmutableId" on every request, next to the caller preferences', async () => {
    const graph = createMailboxGraph({ gate, tokens, graphUrl: 'https://graph.test/v1.0' })('conn_1');
    await graph.api('/me/messages/AAk1').get();
    await graph.api('/me/messages').post({ subject: 's' });
    await graph.api('/me/messages/AAk1/send').post({});
    await graph.api('/me/messages/AAk1').patch({ isRead: true });
    await graph.api('/me/messages/AAk1').delete();
    await graph.api("/me/mailFolders('inbox')/messages/delta").header('Prefer', 'odata.maxpagesize=50').get();
    await graph.api('https://graph.test/v1.0/me/mailFolders/inbox/messages/delta?$skiptoken=x').get();
    expect(seen.map((s) => s.method)).toEqual(['GET', 'POST', 'POST', 'PATCH', 'DELETE', 'GET', 'GET']);
    expect(seen.map((s) => s.prefer)).toEqual([
      'IdType="ImmutableId"',
      'IdType="ImmutableId"',
      'IdType="ImmutableId"',
      'IdType="ImmutableId"',
      'IdType="ImmutableId"',
      'IdType="ImmutableId", odata.maxpagesize=50',
      'IdType="ImmutableId"',
    ]);
  });
});
