import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { connectStore, createModels, newId, type Models } from '@outlook-connect/shared';
import { testIsolation } from '@outlook-connect/stack';
import { readAttachment, storeAttachment } from './attachment-store';
import { STALLED_UPLOAD_TTL_MS, sweepAttachments, UNUSED_ATTACHMENT_TTL_MS } from './attachments';

// Attachment bytes on the real store (FerretDB in tests): chunked under the document limit, read back intact, and
// removed by the sweep exactly when nothing needs them any more.

describe('attachments in the store', () => {
  const iso = testIsolation('attachments');
  let conn: Connection;
  let models: Models;
  const owner = { workspaceId: 'ws_att', connectionId: `conn_${'b'.repeat(24)}` };

  beforeAll(async () => {
    conn = await connectStore({ url: iso.mongoUrl, dbName: iso.dbName });
    models = await createModels(conn);
  });

  afterAll(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  it('stores 9 MB in 4 MiB chunk rows and reads the same bytes back', async () => {
    const bytes = randomBytes(9 * 1024 * 1024);
    const a = await storeAttachment(models, {
      ...owner,
      name: 'a.bin',
      contentType: 'application/octet-stream',
      content: bytes,
    });
    expect(a).toMatchObject({ status: 'ready', chunkCount: 3, size: bytes.length });
    const rows = await models.AttachmentChunk.find({ attachmentId: a._id }).lean();
    expect(rows.map((r) => r.n).sort()).toEqual([0, 1, 2]);
    expect((await readAttachment(models, a)).equals(bytes)).toBe(true);
  });

  it('the sweep removes stalled and unused uploads past their time and files of finished sends, nothing else', async () => {
    const now = Date.now();
    const make = async (name: string, over: Record<string, unknown>, ageMs: number) => {
      const a = await storeAttachment(models, { ...owner, name, contentType: 'text/plain', content: randomBytes(10) });
      await models.Attachment.collection.updateOne(
        { _id: a._id as never },
        { $set: { ...over, createdAt: new Date(now - ageMs) } },
      );
      return a._id;
    };
    const sendOf = async (status: 'sent' | 'queued' | 'canceled') =>
      (
        await models.Send.create({
          ...owner,
          idempotencyKey: newId('k'),
          source: 'test',
          status,
          message: { to: [], subject: '', body: { contentType: 'text', content: '' } },
          marker: newId('m'),
        })
      )._id;
    const stalled = await make('stalled', { status: 'uploading' }, STALLED_UPLOAD_TTL_MS + 1000);
    const fresh = await make('fresh-upload', { status: 'uploading' }, 1000);
    const unused = await make('unused', {}, UNUSED_ATTACHMENT_TTL_MS + 1000);
    const recent = await make('recent', {}, 1000);
    const ofSent = await make('of-sent', { sendId: await sendOf('sent') }, 1000);
    const ofQueued = await make('of-queued', { sendId: await sendOf('queued') }, UNUSED_ATTACHMENT_TTL_MS + 1000);
    const ofCanceled = await make('of-canceled', { sendId: await sendOf('canceled') }, 1000);

    await sweepAttachments(models, now);
    const left = (
      await models.Attachment.find(
        { _id: { $in: [stalled, fresh, unused, recent, ofSent, ofQueued, ofCanceled] } },
        { name: 1 },
      ).lean()
    )
      .map((a) => a.name)
      .sort();
    expect(left).toEqual(['fresh-upload', 'of-queued', 'recent']);
    expect(
      await models.AttachmentChunk.countDocuments({ attachmentId: { $in: [stalled, unused, ofSent, ofCanceled] } }),
    ).toBe(0);
  });
});
