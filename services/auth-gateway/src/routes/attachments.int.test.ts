import { connectedMailbox } from '../testing/connected-mailbox';
import { createHash, randomBytes } from 'node:crypto';
import type { ConnectionDoc } from '@outlook-connect/shared';
import { call } from '../testing/http';
import { ADMIN_TOKEN, startGatewayHarness, type GatewayHarness } from '../testing/harness';

// Uploading files for sends over HTTP: raw bytes in, an att_ id out, named in a send; the body limit is the maximum
// message size and a larger body is 413 naming it; other workspaces see 404.

jest.setTimeout(60_000);

const MB = 1024 * 1024;
let h: GatewayHarness;
let conn: ConnectionDoc;

beforeAll(async () => {
  h = await startGatewayHarness('attachroutes');
  conn = await connectedMailbox(h, 'att', 'full');
});

afterAll(async () => {
  await h?.close();
});

const upload = (
  bytes: Uint8Array,
  query = '?name=deck.pdf&contentType=application/pdf',
  headers: Record<string, string> = {},
) =>
  call<Record<string, unknown>>(h, 'POST', `/v1/connections/${conn._id}/attachments${query}`, {
    rawBody: bytes,
    headers: { ...h.auth, 'content-type': 'application/octet-stream', ...headers },
  });

describe('POST /v1/connections/{id}/attachments', () => {
  it('stores a 10 MB file and a send names it by id', async () => {
    const bytes = randomBytes(10 * MB);
    const res = await upload(bytes);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^att_/),
      name: 'deck.pdf',
      contentType: 'application/pdf',
      size: bytes.length,
      sendId: null,
    });
    expect(res.body.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect((await call(h, 'GET', `/v1/attachments/${String(res.body.id)}`, { headers: h.auth })).body).toMatchObject({
      id: res.body.id,
      size: bytes.length,
    });

    const send = await call<{ id: string; message: { attachments: unknown[] } }>(
      h,
      'POST',
      `/v1/connections/${conn._id}/sends`,
      {
        body: {
          idempotencyKey: 'with-file',
          source: 'sequence',
          sendAt: '2031-01-01T09:00:00Z',
          message: {
            to: ['lead@example.com'],
            subject: 'Deck',
            body: { contentType: 'text', content: 'Attached' },
            attachments: [{ attachmentId: res.body.id }],
          },
        },
        headers: h.auth,
      },
    );
    expect(send.status).toBe(201);
    expect(send.body.message.attachments).toEqual([
      { attachmentId: res.body.id, name: 'deck.pdf', contentType: 'application/pdf', size: bytes.length },
    ]);
    expect((await call(h, 'GET', `/v1/attachments/${String(res.body.id)}`, { headers: h.auth })).body).toMatchObject({
      sendId: send.body.id,
    });
  });

  it('a body over the maximum message size is 413 naming the limit (35 MB by default)', async () => {
    const res = await upload(new Uint8Array(35 * MB + 1));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'body_too_large', limitBytes: 35 * MB });
    expect(String(res.body.message)).toContain(String(35 * MB));
  });

  it('bad input is 4xx naming the field; another workspace sees 404', async () => {
    const missingName = await upload(randomBytes(10), '');
    expect(missingName.status).toBe(400);
    expect(JSON.stringify(missingName.body)).toContain('querystring.name');
    expect((await upload(randomBytes(10), '?name=a', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await upload(new Uint8Array(0), '?name=a')).status).toBe(400);
    const unknownSend = await call(h, 'POST', `/v1/connections/${conn._id}/sends`, {
      body: {
        idempotencyKey: 'ghost',
        source: 'sequence',
        message: {
          to: ['lead@example.com'],
          subject: 'x',
          body: { contentType: 'text', content: 'x' },
          attachments: [{ attachmentId: `att_${'0'.repeat(24)}` }],
        },
      },
      headers: h.auth,
    });
    expect(unknownSend.status).toBe(400);
    expect(JSON.stringify(unknownSend.body)).toContain('message.attachments.0.attachmentId');

    const stored = await upload(randomBytes(10), '?name=mine.txt');
    const other = await call<{ apiKey: string }>(h, 'POST', '/v1/workspaces', {
      body: { name: 'Intruder' },
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const auth = { authorization: `Bearer ${other.body.apiKey}` };
    expect((await call(h, 'GET', `/v1/attachments/${String(stored.body.id)}`, { headers: auth })).status).toBe(404);
    expect((await upload(randomBytes(10), '?name=x', auth)).status).toBe(404);
  });
});
