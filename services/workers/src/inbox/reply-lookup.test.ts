import { replyKeyId, type Models } from '@outlook-connect/shared';
import type { InboxMessageFields } from './graph-message';
import {
  createSendsLookup,
  replyLookupKeys,
  replyLookupRequest,
  rowsOf,
  type ReplyLookupRequest,
  type SentRow,
} from './reply-lookup';

const message = (over: Partial<InboxMessageFields> = {}): InboxMessageFields => ({
  graphId: 'AAMkAD-1',
  internetMessageId: '<reply@contoso.com>',
  conversationId: 'conv-1',
  from: { address: 'ada@contoso.com' },
  to: [{ address: 'me@fabrikam.com' }],
  cc: [],
  subject: 'Re: hello',
  bodyPreview: 'yes',
  receivedAt: new Date('2024-05-02T10:00:00Z'),
  isRead: false,
  hasAttachments: false,
  webLink: null,
  inReplyTo: null,
  references: [],
  ...over,
});
const row = (id: string, over: Partial<SentRow> = {}): SentRow => ({
  _id: id,
  connectionId: 'conn_a',
  internetMessageId: `<${id}@fabrikam.com>`,
  conversationId: 'conv-1',
  sentAt: new Date('2024-05-01T12:00:00Z'),
  status: 'sent',
  ...over,
});

describe('replyLookupRequest', () => {
  it('asks for the conversations and every id the messages carry or point at, once each', () => {
    const req = replyLookupRequest('conn_a', [
      message({ inReplyTo: '<s1@fabrikam.com>', references: ['<s0@fabrikam.com>', '<s1@fabrikam.com>'] }),
      message({ graphId: 'g2', internetMessageId: null, conversationId: null }),
      message({ graphId: 'g3', internetMessageId: '<other@contoso.com>', conversationId: 'conv-2' }),
    ]);
    expect(req).toEqual({
      connectionId: 'conn_a',
      conversationIds: ['conv-1', 'conv-2'],
      messageIds: ['<reply@contoso.com>', '<s1@fabrikam.com>', '<s0@fabrikam.com>', '<other@contoso.com>'],
    });
  });
});

describe('replyLookupKeys', () => {
  it("the message and conversation keys of every request's connection, each once; nothing to ask is no key", () => {
    const a: ReplyLookupRequest = { connectionId: 'conn_a', conversationIds: ['c1'], messageIds: ['<m1>'] };
    const b: ReplyLookupRequest = { connectionId: 'conn_b', conversationIds: [], messageIds: ['<m2>'] };
    expect(replyLookupKeys([a, b, a])).toEqual([
      replyKeyId('conn_a', 'message', '<m1>'),
      replyKeyId('conn_a', 'conversation', 'c1'),
      replyKeyId('conn_b', 'message', '<m2>'),
    ]);
    expect(replyLookupKeys([{ connectionId: 'conn_a', conversationIds: [], messageIds: [] }])).toEqual([]);
  });
});

describe('rowsOf', () => {
  it("keeps only the request's connection and the rows its own filter would match", () => {
    const req: ReplyLookupRequest = { connectionId: 'conn_a', conversationIds: ['conv-1'], messageIds: ['<s9@x>'] };
    const rows = [
      row('s1'),
      row('s2', { connectionId: 'conn_b' }),
      row('s3', { conversationId: 'conv-7' }),
      row('s4', { conversationId: 'conv-7', internetMessageId: '<s9@x>' }),
      row('s5', { conversationId: null, internetMessageId: null }),
      row('s6', { status: 'sending' }),
    ];
    expect(rowsOf(req, rows).map((r) => r._id)).toEqual(['s1', 's4']);
    expect(rowsOf(req, rows)[0]).toEqual({
      _id: 's1',
      internetMessageId: '<s1@fabrikam.com>',
      conversationId: 'conv-1',
      sentAt: new Date('2024-05-01T12:00:00Z'),
    });
  });
});

describe('createSendsLookup', () => {
  /** Every send is filed under every key asked (the keys' own reads are the store's: reply-lookup.int.test.ts). */
  function fakeSends(rows: SentRow[]) {
    const filters: unknown[] = [];
    const keyFilters: unknown[] = [];
    let release: (() => void) | null = null;
    let hold = false;
    const ReplyKey = {
      find: (filter: { _id: { $in: string[] } }) => ({
        lean: async () => {
          keyFilters.push(filter);
          if (hold) await new Promise<void>((r) => (release = r));
          return filter._id.$in.map((key) => ({ _id: key, sendIds: rows.map((r) => r._id) }));
        },
      }),
    } as unknown as Models['ReplyKey'];
    const Send = {
      find: (filter: unknown) => ({
        lean: async () => {
          filters.push(filter);
          return rows;
        },
      }),
    } as unknown as Models['Send'];
    return {
      models: { Send, ReplyKey },
      filters,
      keyFilters,
      holdNext: () => (hold = true),
      release: () => {
        hold = false;
        release?.();
      },
    };
  }
  const req = (connectionId: string, conv: string): ReplyLookupRequest => ({
    connectionId,
    conversationIds: [conv],
    messageIds: [],
  });

  it('requests of the same turn share one query, each gets its own rows', async () => {
    const store = fakeSends([row('s1'), row('s2', { connectionId: 'conn_b', conversationId: 'conv-2' })]);
    const lookup = createSendsLookup(store.models);
    const [a, b] = await Promise.all([lookup(req('conn_a', 'conv-1')), lookup(req('conn_b', 'conv-2'))]);
    expect(store.keyFilters).toHaveLength(1);
    expect(store.filters).toEqual([{ _id: { $in: ['s1', 's2'] } }]);
    expect(a.map((r) => r._id)).toEqual(['s1']);
    expect(b.map((r) => r._id)).toEqual(['s2']);
  });

  it('requests made while a query runs go out together once it is done', async () => {
    const store = fakeSends([row('s1')]);
    const lookup = createSendsLookup(store.models);
    store.holdNext();
    const first = lookup(req('conn_a', 'conv-1'));
    await new Promise((r) => setImmediate(r));
    expect(store.keyFilters).toHaveLength(1);
    const later = [lookup(req('conn_b', 'conv-2')), lookup(req('conn_c', 'conv-3'))];
    await new Promise((r) => setImmediate(r));
    expect(store.keyFilters).toHaveLength(1);
    store.release();
    await first;
    await Promise.all(later);
    expect(store.keyFilters).toHaveLength(2);
    expect(store.keyFilters[1]).toEqual({
      _id: {
        $in: [replyKeyId('conn_b', 'conversation', 'conv-2'), replyKeyId('conn_c', 'conversation', 'conv-3')],
      },
    });
  });

  it('a failed lookup fails every request it served, and the next one looks again', async () => {
    let calls = 0;
    const ReplyKey = {
      find: () => ({
        lean: async () => {
          calls += 1;
          if (calls === 1) throw new Error('store down');
          return [{ _id: 'k', sendIds: ['s1'] }];
        },
      }),
    } as unknown as Models['ReplyKey'];
    const Send = { find: () => ({ lean: async () => [row('s1')] }) } as unknown as Models['Send'];
    const lookup = createSendsLookup({ Send, ReplyKey });
    const results = await Promise.allSettled([lookup(req('conn_a', 'conv-1')), lookup(req('conn_b', 'conv-1'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await lookup(req('conn_a', 'conv-1'))).map((r) => r._id)).toEqual(['s1']);
  });

  it('a request with nothing to ask never queries', async () => {
    const store = fakeSends([row('s1')]);
    const lookup = createSendsLookup(store.models);
    expect(await lookup({ connectionId: 'conn_a', conversationIds: [], messageIds: [] })).toEqual([]);
    expect(store.keyFilters).toHaveLength(0);
    expect(store.filters).toHaveLength(0);
  });
});
