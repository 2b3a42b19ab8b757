import { waitFor } from '@outlook-connect/stack';
import type { ConnectionDoc, SendDoc } from '@outlook-connect/shared';
import { startSendHarness, type SendHarness } from '../testing/send-harness';

// A send record's Graph ids are immutable ids (every request asks for them), so they still name the message after
// the user files it elsewhere; a REST id would be gone after the move.

jest.setTimeout(60_000);

let h: SendHarness;
let full: { connection: ConnectionDoc; email: string };

beforeAll(async () => {
  h = await startSendHarness('sendids');
  full = await h.connect('full', 'filer');
  h.startWorker();
});

afterAll(async () => {
  await h?.close();
});

const record = async (id: string) => (await h.clients.deps.models.Send.findById(id).lean()) as SendDoc;

it('the recorded Sent Items id still names the message after it moves to another folder', async () => {
  const { send } = await h.sends.enqueueSend({
    workspaceId: h.workspaceId,
    connectionId: full.connection._id,
    idempotencyKey: 'ids-1',
    source: 'sequence',
    message: { to: ['prospect@example.com'], subject: 'Filed later', body: { contentType: 'text', content: 'Hi' } },
  });
  await waitFor(async () => !!(await record(send._id)).sentMessageId, 30_000, `send ${send._id} sent`);
  const done = await record(send._id);
  const sentId = String(done.sentMessageId);
  const copy = h.emu.control.sentItems(full.email).find((m) => m.subject === 'Filed later');
  expect(copy?.immutableId).toBe(sentId);

  const graph = h.clients.deps.graph(full.connection._id);
  const moved = (await graph.api(`/me/messages/${sentId}/move`).post({ destinationId: 'archive' })) as { id: string };
  expect(moved.id).toBe(sentId);
  const found = (await graph.api(`/me/messages/${sentId}`).select(['internetMessageId', 'parentFolderId']).get()) as {
    internetMessageId: string;
    parentFolderId: string;
  };
  expect(found.internetMessageId).toBe(done.internetMessageId);
  const archive = (await graph.api('/me/mailFolders/archive').get()) as { id: string };
  expect(found.parentFolderId).toBe(archive.id);
  // Outlook moved it under a new REST id: the id the record would have held without immutable ids is gone.
  const rest = h.emu.control.listMessages(full.email, 'archive').find((m) => m.immutableId === sentId);
  expect(rest?.id).not.toBe(copy?.id);
});
