import { createHash, randomBytes } from 'node:crypto';
import {
  AttachmentInUseError,
  createAttachmentClient,
  InvalidPayloadError,
  type AttachmentClient,
  type OutgoingMessageInput,
} from '@outlook-connect/queues';
import { waitFor } from '@outlook-connect/stack';
import type { ConnectionDoc, SendDoc } from '@outlook-connect/shared';
import { startSendHarness, type SendHarness } from '../testing/send-harness';

// Large attachments end to end: uploaded to the store first, named by id in a send, put on the draft through an
// Outlook upload session (320 KiB-multiple ranges under 4 MB) exactly once even when an attempt fails halfway, and
// removed from the store once the send is done. Real worker, gate, store, Redis and the emulator's Graph.

jest.setTimeout(120_000);

const MB = 1024 * 1024;
let h: SendHarness;
let full: { connection: ConnectionDoc; email: string };
let files: AttachmentClient;

beforeAll(async () => {
  h = await startSendHarness('sendatt');
  full = await h.connect('full', 'seller');
  files = createAttachmentClient({ models: h.clients.deps.models });
  h.startWorker();
});

afterAll(async () => {
  await h?.close();
});

const record = async (id: string) => (await h.clients.deps.models.Send.findById(id).lean()) as SendDoc;
async function settled(id: string): Promise<SendDoc> {
  await waitFor(async () => ['sent', 'failed', 'canceled'].includes((await record(id)).status), 90_000, `send ${id}`);
  return record(id);
}
type SentCopy = { subject: string; attachments: Array<{ name: string; size: number; contentBytes: string }> };
const sentCopies = (subject: string) =>
  (h.emu.control.sentItems(full.email) as unknown as SentCopy[]).filter((m) => m.subject === subject);
/** Exchange sends after the 202: the copy is in Sent Items once nothing is in transit any more. */
const transportDone = () => waitFor(async () => h.emu.control.inTransit() === 0, 30_000, 'transport');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let n = 0;
const message = (subject: string, attachments: NonNullable<OutgoingMessageInput['attachments']>) => ({
  workspaceId: h.workspaceId,
  connectionId: full.connection._id,
  idempotencyKey: `att-${(n += 1)}`,
  source: 'sequence' as const,
  message: {
    to: ['prospect@example.com'],
    subject,
    body: { contentType: 'text' as const, content: 'Deck attached' },
    attachments,
  },
});

describe('sends with uploaded attachments', () => {
  it('sends a 10 MB file through an upload session exactly once, then removes it from the store', async () => {
    const bytes = randomBytes(10 * MB);
    const uploaded = await files.uploadAttachment({
      workspaceId: h.workspaceId,
      connectionId: full.connection._id,
      name: 'deck.pdf',
      contentType: 'application/pdf',
      content: bytes,
    });
    expect(uploaded).toMatchObject({ status: 'ready', size: bytes.length, sha256: sha(bytes), chunkCount: 3 });
    h.emu.control.resetCounters();
    const { send } = await h.sends.enqueueSend(
      message('Ten megabytes', [
        { attachmentId: uploaded._id },
        { name: 'note.txt', contentBase64: Buffer.from('hi').toString('base64') },
      ]),
    );
    // The record keeps what the file was, not its bytes; the queue job holds only the send id.
    expect(send.message.attachments?.[0]).toEqual({
      attachmentId: uploaded._id,
      name: 'deck.pdf',
      contentType: 'application/pdf',
      size: bytes.length,
    });
    const job = await h.clients.deps.queues.queue('send').getJob(send._id);
    expect(JSON.stringify(job?.data ?? {}).length).toBeLessThan(200);

    expect(await settled(send._id)).toMatchObject({ status: 'sent', error: null });
    await transportDone();
    const [copy, ...more] = sentCopies('Ten megabytes');
    expect(more).toHaveLength(0);
    expect(copy?.attachments.map((a) => [a.name, a.size]).sort()).toEqual([
      ['deck.pdf', bytes.length],
      ['note.txt', 2],
    ]);
    expect(sha(Buffer.from(copy?.attachments.find((a) => a.name === 'deck.pdf')?.contentBytes ?? '', 'base64'))).toBe(
      sha(bytes),
    );
    const log = h.emu.control.requestLog();
    expect(log.filter((e) => e.method === 'POST' && e.path.endsWith('/attachments/createUploadSession'))).toHaveLength(
      1,
    );
    expect(log.filter((e) => e.method === 'PUT' && /AttachmentSessions/.test(e.path)).map((e) => e.status)).toEqual([
      200, 200, 201,
    ]);
    expect(h.emu.control.counters().sendsByMarker[send.marker]).toBe(1);
    await waitFor(
      async () => (await h.clients.deps.models.Attachment.countDocuments({ _id: uploaded._id })) === 0,
      10_000,
      'the attachment removed',
    );
    expect(await h.clients.deps.models.AttachmentChunk.countDocuments({ attachmentId: uploaded._id })).toBe(0);
  });

  it('an attempt that fails before the upload session leaves the draft; the retry adds only what is missing', async () => {
    const bytes = randomBytes(4 * MB);
    const uploaded = await files.uploadAttachment({
      workspaceId: h.workspaceId,
      connectionId: full.connection._id,
      name: 'big.bin',
      content: bytes,
    });
    const small = await files.uploadAttachment({
      workspaceId: h.workspaceId,
      connectionId: full.connection._id,
      name: 'small.bin',
      content: randomBytes(100_000),
    });
    const fault = h.emu.control.injectFault({
      method: 'POST',
      path: '/attachments/createUploadSession$',
      status: 503,
      times: 1,
    });
    const { send } = await h.sends.enqueueSend(
      message('Retried upload', [{ attachmentId: small._id }, { attachmentId: uploaded._id }]),
    );
    const done = await settled(send._id);
    h.emu.control.removeFault(fault);
    expect(done).toMatchObject({ status: 'sent' });
    expect(done.attempts).toBeGreaterThan(1);
    await transportDone();
    const copies = sentCopies('Retried upload');
    expect(copies).toHaveLength(1);
    expect(copies[0]?.attachments.map((a) => a.name).sort()).toEqual(['big.bin', 'small.bin']);
  });

  it('refuses, naming the field: a file of another connection, files over the maximum message size, a file another send uses', async () => {
    const other = await h.connect('full', 'other');
    const theirs = await files.uploadAttachment({
      workspaceId: h.workspaceId,
      connectionId: other.connection._id,
      name: 'x.bin',
      content: randomBytes(10),
    });
    const refused = await h.sends
      .enqueueSend(message('Not mine', [{ attachmentId: theirs._id }]))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidPayloadError);
    expect((refused as InvalidPayloadError).issues[0]?.path).toBe('message.attachments.0.attachmentId');

    const tight = createAttachmentClient({ models: h.clients.deps.models, maxMessageBytes: 5 * MB });
    await expect(
      tight.uploadAttachment({
        workspaceId: h.workspaceId,
        connectionId: full.connection._id,
        name: 'x',
        content: randomBytes(5 * MB + 1),
      }),
    ).rejects.toMatchObject({
      name: 'AttachmentTooLargeError',
      limitBytes: 5 * MB,
    });

    const shared = await files.uploadAttachment({
      workspaceId: h.workspaceId,
      connectionId: full.connection._id,
      name: 'once.bin',
      content: randomBytes(10),
    });
    await h.sends.enqueueSend({
      ...message('First user', [{ attachmentId: shared._id }]),
      sendAt: new Date(Date.now() + 3600_000),
    });
    const second = await h.sends
      .enqueueSend(message('Second user', [{ attachmentId: shared._id }]))
      .catch((e: unknown) => e);
    expect(second).toBeInstanceOf(AttachmentInUseError);
    expect(await h.clients.deps.models.Send.countDocuments({ 'message.subject': 'Second user' })).toBe(0);

    const sendOnly = await h.connect('send_only', 'sendonly');
    const mine = await files.uploadAttachment({
      workspaceId: h.workspaceId,
      connectionId: sendOnly.connection._id,
      name: 'y.bin',
      content: randomBytes(10),
    });
    const noDraft = await h.sends
      .enqueueSend({ ...message('No drafts', [{ attachmentId: mine._id }]), connectionId: sendOnly.connection._id })
      .catch((e: unknown) => e);
    expect(noDraft).toBeInstanceOf(InvalidPayloadError);
    expect((noDraft as InvalidPayloadError).message).toMatch(/Mail\.ReadWrite/);
  });
});
