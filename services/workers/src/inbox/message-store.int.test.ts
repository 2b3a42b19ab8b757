import { closeStore, connectStore, createModels, type Models } from '@outlook-connect/shared';
import { testIsolation } from '@outlook-connect/stack';
import type { InboxMessageFields } from './graph-message';
import { inboxMessageId, removeMessages, removeOlderGenerations, storedMessages, writeMessages } from './message-store';

// The delta-page write path on the real store: new rows inserted once, stored rows updated only when a field changed,
// a row another writer stored first (duplicate key) updated instead, removals by our id.

jest.setTimeout(120_000);

const iso = testIsolation('inboxstore');
let store: Awaited<ReturnType<typeof connectStore>>;
let models: Models;
const conn = { _id: 'conn_store1', workspaceId: 'ws_store1' };

function message(n: number, over: Partial<InboxMessageFields> = {}): InboxMessageFields {
  return {
    graphId: `AAMk-${n}`,
    internetMessageId: `<m${n}@contoso.com>`,
    conversationId: `conv-${n}`,
    from: { address: 'ann@contoso.com', name: 'Ann' },
    to: [{ address: 'me@fabrikam.com' }],
    cc: [],
    subject: `Subject ${n}`,
    bodyPreview: `Preview ${n}`,
    receivedAt: new Date(Date.UTC(2026, 10, 1, 10, n)),
    isRead: false,
    hasAttachments: false,
    webLink: null,
    ...over,
  };
}

async function page(upserts: InboxMessageFields[], generation: number) {
  return writeMessages(models, conn, upserts, await storedMessages(models, conn, upserts), generation);
}

const rows = () => models.InboxMessage.find({ connectionId: conn._id }).sort({ graphId: 1 }).lean();

beforeAll(async () => {
  store = await connectStore({ url: iso.mongoUrl, dbName: iso.dbName });
  models = await createModels(store);
  await models.InboxMessage.init();
});

afterAll(async () => {
  await store?.dropDatabase().catch(() => undefined);
  if (store) await closeStore(store);
});

describe('inbox message store', () => {
  it('inserts a page once under our ids, and a replay of it writes nothing', async () => {
    const msgs = [1, 2, 3].map((n) => message(n));
    expect(await page(msgs, 1)).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
    const first = await rows();
    expect(first.map((r) => r._id)).toEqual(msgs.map((m) => inboxMessageId(conn._id, m.graphId)));
    expect(first[0]).toMatchObject({
      ...msgs[0],
      workspaceId: conn.workspaceId,
      connectionId: conn._id,
      syncGeneration: 1,
      inReplyTo: null,
      references: [],
    });
    expect(first[0]!.createdAt).toBeInstanceOf(Date);

    expect(await page(msgs, 1)).toEqual({ inserted: 0, updated: 0, unchanged: 3 });
    const again = await rows();
    expect(again.map((r) => r.updatedAt.getTime())).toEqual(first.map((r) => r.updatedAt.getTime()));
  });

  it('updates only the messages that changed, and moves every one to a new generation', async () => {
    const changed = message(2, { isRead: true, subject: 'Re: Subject 2' });
    expect(await page([message(1), changed, message(3)], 1)).toEqual({ inserted: 0, updated: 1, unchanged: 2 });
    expect((await rows())[1]).toMatchObject({ isRead: true, subject: 'Re: Subject 2', syncGeneration: 1 });

    expect(await page([message(1), changed, message(3)], 2)).toEqual({ inserted: 0, updated: 3, unchanged: 0 });
    expect((await rows()).map((r) => r.syncGeneration)).toEqual([2, 2, 2]);
  });

  it('treats a row another writer stored first (duplicate key) as stored and updates it', async () => {
    const raced = message(4);
    const seenBefore = await storedMessages(models, conn, [raced, message(5)]);
    expect(seenBefore.size).toBe(0);
    expect(await writeMessages(models, conn, [raced], seenBefore, 2)).toEqual({
      inserted: 1,
      updated: 0,
      unchanged: 0,
    });

    const newer = message(4, { isRead: true });
    expect(await writeMessages(models, conn, [newer, message(5)], seenBefore, 3)).toEqual({
      inserted: 1,
      updated: 1,
      unchanged: 0,
    });
    const byGraph = new Map((await rows()).map((r) => [r.graphId, r]));
    expect(byGraph.get('AAMk-4')).toMatchObject({ isRead: true, syncGeneration: 3 });
    expect(byGraph.get('AAMk-5')).toMatchObject({ syncGeneration: 3 });
    expect(await models.InboxMessage.countDocuments({ connectionId: conn._id })).toBe(5);
  });

  it("removes by Graph id, only this connection's rows", async () => {
    const other = { _id: 'conn_store2', workspaceId: conn.workspaceId };
    await writeMessages(models, other, [message(1)], new Map(), 1);
    expect(await removeMessages(models, conn, ['AAMk-1', 'AAMk-9'])).toBe(1);
    expect((await rows()).map((r) => r.graphId)).toEqual(['AAMk-2', 'AAMk-3', 'AAMk-4', 'AAMk-5']);
    expect(await models.InboxMessage.countDocuments({ connectionId: other._id })).toBe(1);
  });

  it('purges what an older generation of this connection left behind, and nothing else', async () => {
    expect((await rows()).map((r) => [r.graphId, r.syncGeneration])).toEqual([
      ['AAMk-2', 2],
      ['AAMk-3', 2],
      ['AAMk-4', 3],
      ['AAMk-5', 3],
    ]);
    expect(await removeOlderGenerations(models, conn, 3)).toBe(2);
    expect((await rows()).map((r) => r.graphId)).toEqual(['AAMk-4', 'AAMk-5']);
    expect(await removeOlderGenerations(models, conn, 3)).toBe(0);
    expect(await models.InboxMessage.countDocuments({ connectionId: 'conn_store2' })).toBe(1);
  });
});
