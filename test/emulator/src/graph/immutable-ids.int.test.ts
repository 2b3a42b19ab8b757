import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@microsoft/microsoft-graph-client';
import { FULL_SCOPES, connect, errorOf, graphFor, startWorld, type World } from '../testing/harness';

// "Obtain immutable identifiers for Outlook resources": REST ids change when a message moves, immutable ids do not;
// the Prefer header applies to the request that carries it. "user: translateExchangeIds" converts between them.

const IMMUTABLE = 'IdType="ImmutableId"';
type Msg = { id: string; parentFolderId: string; subject: string };
type DeltaPage = {
  value: Array<{ id: string; subject?: string; '@removed'?: unknown }>;
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
};

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('immutable ids', () => {
  let w: World;
  let graph: Client;
  let folders: Record<string, string>;

  const immutable = (path: string) => graph.api(path).header('Prefer', IMMUTABLE);
  const move = (id: string, destinationId: string, asImmutable: boolean) =>
    (asImmutable ? immutable(`/me/messages/${id}/move`) : graph.api(`/me/messages/${id}/move`)).post({
      destinationId,
    }) as Promise<Msg>;

  beforeAll(async () => {
    w = await startWorld();
    // User.Read: translateExchangeIds needs a User permission.
    graph = graphFor(w, (await connect(w, { scopes: [...FULL_SCOPES, 'User.Read'] })).result.accessToken);
    const list = (await graph.api('/me/mailFolders').get()) as { value: Array<{ id: string; displayName: string }> };
    folders = Object.fromEntries(list.value.map((f) => [f.displayName, f.id]));
  });
  afterAll(async () => {
    await w.emu.close();
  });

  it('a REST id changes on every move; the old one is gone', async () => {
    const delivered = w.emu.control.deliverMessage(w.user.email, { from: 'a@fabrikam.example', subject: 'rest' });
    const restId = String(delivered.id);
    const moved = await move(restId, 'archive', false);
    expect(moved.id).not.toBe(restId);
    expect(moved.parentFolderId).toBe(folders.Archive);
    await expect(graph.api(`/me/messages/${restId}`).get()).rejects.toMatchObject({
      statusCode: 404,
      code: 'ErrorItemNotFound',
    });
    const back = await move(moved.id, 'inbox', false);
    expect(back.id).not.toBe(moved.id);
    expect(((await graph.api(`/me/messages/${back.id}`).get()) as Msg).subject).toBe('rest');
  });

  it('with Prefer: IdType="ImmutableId" a message keeps its id through moves and deletion', async () => {
    const delivered = w.emu.control.deliverMessage(w.user.email, { from: 'a@fabrikam.example', subject: 'stable' });
    const id = String(delivered.immutableId);
    const got = (await immutable(`/me/messages/${String(delivered.id)}`)
      .get()
      .catch((e: unknown) => e)) as { statusCode?: number };
    expect(got.statusCode).toBe(404); // a REST id does not name a message in an immutable-id request (assumed)
    const read = (await immutable(`/me/messages/${id}`).get()) as Msg;
    expect(read.id).toBe(id);
    expect(read.id.startsWith('AAkALgAA')).toBe(true);

    expect((await move(id, 'archive', true)).id).toBe(id);
    expect(((await immutable(`/me/messages/${id}`).get()) as Msg).parentFolderId).toBe(folders.Archive);
    expect((await move(id, 'inbox', true)).id).toBe(id);
    await immutable(`/me/messages/${id}`).delete(); // to Deleted Items
    const deleted = (await immutable(`/me/messages/${id}`).get()) as Msg;
    expect(deleted).toMatchObject({ id, parentFolderId: folders['Deleted Items'] });
    // Without the header the same message shows a REST id, which the moves changed.
    const plain = w.emu.control.listMessages(w.user.email, 'deleteditems').find((m) => m.immutableId === id);
    expect(plain?.id).not.toBe(delivered.id);
    await immutable(`/me/messages/${id}`).delete(); // gone for good
    await expect(immutable(`/me/messages/${id}`).get()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('child folders: created under Inbox, a message moved into one keeps its immutable id', async () => {
    const child = (await graph.api('/me/mailFolders/inbox/childFolders').post({ displayName: 'Customers' })) as {
      id: string;
      parentFolderId: string;
    };
    expect(child.parentFolderId).toBe(folders.Inbox);
    await expect(
      graph.api('/me/mailFolders/inbox/childFolders').post({ displayName: 'customers' }),
    ).rejects.toMatchObject({ statusCode: 409, code: 'ErrorFolderExists' });
    const top = (await graph.api('/me/mailFolders').get()) as {
      value: Array<{ id: string; childFolderCount: number }>;
    };
    expect(top.value.map((f) => f.id)).not.toContain(child.id);
    expect(top.value.find((f) => f.id === folders.Inbox)?.childFolderCount).toBe(1);

    const delivered = w.emu.control.deliverMessage(w.user.email, { from: 'a@fabrikam.example', subject: 'filed' });
    const id = String(delivered.immutableId);
    expect((await move(id, child.id, true)).id).toBe(id);
    const listed = (await immutable(`/me/mailFolders/${child.id}/messages`).get()) as { value: Msg[] };
    expect(listed.value.map((m) => m.id)).toEqual([id]);
  });

  it('a draft sent with immutable ids is found in Sent Items under the draft id', async () => {
    const draft = (await immutable('/me/messages').post({
      subject: 'sent copy',
      toRecipients: [{ emailAddress: { address: 'x@external.example' } }],
    })) as Msg;
    expect(draft.parentFolderId).toBe(folders.Drafts);
    await immutable(`/me/messages/${draft.id}/send`).post({});
    const sent = await waitFor(async () => {
      const m = (await immutable(`/me/messages/${draft.id}`).get()) as Msg;
      return m.parentFolderId === folders['Sent Items'] ? m : undefined;
    }, 'the Sent Items copy');
    expect(sent).toMatchObject({ id: draft.id, subject: 'sent copy' });
    // The REST id of the draft is not the Sent Items copy's.
    const copy = w.emu.control.listMessages(w.user.email, 'sentitems').find((m) => m.immutableId === draft.id);
    expect(copy).toBeDefined();
    const restDraft = w.emu.control.listMessages(w.user.email, 'drafts').find((m) => m.immutableId === draft.id);
    expect(restDraft).toBeUndefined();
  });

  it('delta in immutable ids: a move out of the folder is @removed with the same id it was added with', async () => {
    let page = (await immutable('/me/mailFolders/inbox/messages/delta').get()) as DeltaPage;
    while (page['@odata.nextLink']) page = (await immutable(page['@odata.nextLink']).get()) as DeltaPage;
    const delivered = w.emu.control.deliverMessage(w.user.email, { from: 'a@fabrikam.example', subject: 'delta' });
    const id = String(delivered.immutableId);
    const added = (await immutable(page['@odata.deltaLink'] ?? '').get()) as DeltaPage;
    expect(added.value.map((m) => m.id)).toContain(id);
    await move(id, 'archive', true);
    const removed = (await immutable(added['@odata.deltaLink'] ?? '').get()) as DeltaPage;
    expect(removed.value).toContainEqual(expect.objectContaining({ id, '@removed': { reason: 'deleted' } }));
    await move(id, 'inbox', true);
    const back = (await immutable(removed['@odata.deltaLink'] ?? '').get()) as DeltaPage;
    expect(back.value).toContainEqual(expect.objectContaining({ id, subject: 'delta' }));
    // The same links without the header answer in REST ids (the links work with both formats).
    const rest = (await graph.api(added['@odata.deltaLink'] ?? '').get()) as DeltaPage;
    expect(rest.value.map((m) => m.id)).not.toContain(id);
    expect(rest.value.length).toBeGreaterThan(0);
  });

  it('translateExchangeIds: restId <-> restImmutableEntryId, failures per id, at most 1000 ids', async () => {
    const delivered = w.emu.control.deliverMessage(w.user.email, { from: 'a@fabrikam.example', subject: 'translate' });
    const restId = String(delivered.id);
    const immutableId = String(delivered.immutableId);
    const toImmutable = (await graph.api('/me/translateExchangeIds').post({
      inputIds: [restId, 'AAMkAGnotamessage'],
      sourceIdType: 'restId',
      targetIdType: 'restImmutableEntryId',
    })) as { value: Array<{ sourceId: string; targetId?: string; errorDetails?: { code: string } }> };
    expect(toImmutable.value).toEqual([
      { sourceId: restId, targetId: immutableId },
      { sourceId: 'AAMkAGnotamessage', errorDetails: expect.objectContaining({ code: 'ErrorItemNotFound' }) },
    ]);
    const moved = await move(restId, 'archive', false);
    const toRest = (await graph.api('/me/translateExchangeIds').post({
      inputIds: [immutableId],
      sourceIdType: 'restImmutableEntryId',
      targetIdType: 'restId',
    })) as { value: Array<{ targetId?: string }> };
    expect(toRest.value[0]?.targetId).toBe(moved.id);

    const tooMany = await errorOf(
      graph.api('/me/translateExchangeIds').post({
        inputIds: Array.from({ length: 1001 }, (_, i) => `id${i}`),
        sourceIdType: 'restId',
        targetIdType: 'restImmutableEntryId',
      }),
    );
    expect(tooMany).toMatchObject({ statusCode: 400 });
    await expect(
      graph.api('/me/translateExchangeIds').post({ inputIds: [restId], sourceIdType: 'restId', targetIdType: 'x' }),
    ).rejects.toMatchObject({ statusCode: 400 });

    const mailOnly = graphFor(w, (await connect(w, { scopes: FULL_SCOPES })).result.accessToken);
    await expect(
      mailOnly
        .api('/me/translateExchangeIds')
        .post({ inputIds: [restId], sourceIdType: 'restId', targetIdType: 'restImmutableEntryId' }),
    ).rejects.toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
  });
});
