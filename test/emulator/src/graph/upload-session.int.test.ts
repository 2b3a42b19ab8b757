import { randomBytes } from 'node:crypto';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { connect, errorOf, graphFor, startWorld, type World } from '../testing/harness';

type Session = { uploadUrl: string; expirationDateTime: string; nextExpectedRanges: string[] };
const MB = 1024 * 1024;
const KIB320 = 320 * 1024;
const CHUNK = 12 * KIB320; // 3,932,160 bytes: a multiple of 320 KiB under 4 MB

// "Attach large files to Outlook messages or events" and "attachment: createUploadSession", through the real Graph
// client for the Graph calls and plain fetch for the pre-authenticated uploadUrl (no Authorization header, as documented).
describe('Graph upload sessions', () => {
  let w: World;
  let token: string;

  beforeAll(async () => {
    w = await startWorld();
    token = (await connect(w)).result.accessToken;
  });
  afterAll(async () => {
    await w.emu.close();
  });
  afterEach(() => {
    w.emu.control.setLimits({ uploadBytesPer5Min: 150 * MB });
  });

  const draft = async (): Promise<string> =>
    (
      (await graphFor(w, token)
        .api('/me/messages')
        .post({ subject: 'big', toRecipients: [{ emailAddress: { address: 'x@fabrikam.example' } }] })) as {
        id: string;
      }
    ).id;

  const session = async (id: string, size: number): Promise<Session> =>
    (await graphFor(w, token)
      .api(`/me/messages/${id}/attachments/createUploadSession`)
      .post({ AttachmentItem: { attachmentType: 'file', name: 'deck.pdf', size } })) as Session;

  const put = (url: string, bytes: Buffer, start: number, total: number, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        'content-range': `bytes ${start}-${start + bytes.length - 1}/${total}`,
        ...headers,
      },
      body: bytes,
    });

  it('uploads 10 MB in ranges: 200 with nextExpectedRanges, then 201 with a Location naming the attachment', async () => {
    const id = await draft();
    const file = randomBytes(10 * MB);
    const s = await session(id, file.length);
    expect(s.nextExpectedRanges).toEqual(['0-']);
    expect(new Date(s.expirationDateTime).getTime()).toBeGreaterThan(Date.now());
    let last: Response | undefined;
    for (let at = 0; at < file.length; at += CHUNK) {
      last = await put(s.uploadUrl, file.subarray(at, Math.min(at + CHUNK, file.length)), at, file.length);
      const end = Math.min(at + CHUNK, file.length);
      if (end < file.length) {
        expect(last.status).toBe(200);
        expect(((await last.json()) as { nextExpectedRanges: string[] }).nextExpectedRanges).toEqual([String(end)]);
      }
    }
    expect(last?.status).toBe(201);
    const attachmentId = /Attachments\('([^']+)'\)/.exec(last?.headers.get('location') ?? '')?.[1];
    expect(attachmentId).toBeTruthy();
    const got = (await graphFor(w, token).api(`/me/messages/${id}/attachments/${attachmentId}`).get()) as {
      size: number;
      contentBytes: string;
    };
    expect(got.size).toBe(file.length);
    expect(Buffer.from(got.contentBytes, 'base64').equals(file)).toBe(true);
  });

  it('refuses files under 3 MB (they go inline) and inline files of 3 MB or more', async () => {
    const id = await draft();
    const err = await errorOf(session(id, 2 * MB));
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ statusCode: 400, code: 'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize' });
    const inline = {
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: 'a.bin',
      contentBytes: randomBytes(3 * MB).toString('base64'),
    };
    await expect(graphFor(w, token).api(`/me/messages/${id}/attachments`).post(inline)).rejects.toMatchObject({
      statusCode: 413,
    });
    const small = { ...inline, contentBytes: randomBytes(100_000).toString('base64') };
    await expect(graphFor(w, token).api(`/me/messages/${id}/attachments`).post(small)).resolves.toMatchObject({
      size: 100_000,
    });
  });

  it('enforces the range rules: in order, 320 KiB multiples, at most 4 MB, no Authorization header', async () => {
    const id = await draft();
    const total = 5 * MB;
    const s = await session(id, total);
    expect((await put(s.uploadUrl, randomBytes(KIB320 + 1), 0, total)).status).toBe(400);
    expect((await put(s.uploadUrl, randomBytes(13 * KIB320), 0, total)).status).toBe(413);
    expect((await put(s.uploadUrl, randomBytes(KIB320), KIB320, total)).status).toBe(416);
    expect((await put(s.uploadUrl, randomBytes(KIB320), 0, total, { authorization: `Bearer ${token}` })).status).toBe(
      401,
    );
    expect(
      (await put(s.uploadUrl.replace(/authtoken=[^&]+/, 'authtoken=forged'), randomBytes(KIB320), 0, total)).status,
    ).toBe(401);
    const ok = await put(s.uploadUrl, randomBytes(KIB320), 0, total);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { nextExpectedRanges: string[] }).nextExpectedRanges).toEqual([String(KIB320)]);
  });

  it("counts uploaded bytes against the mailbox's 5-minute upload limit (429 + Retry-After)", async () => {
    const email = w.emu.control.createUser({
      tenantId: w.tenant.id,
      email: `bytes-${Date.now()}@${w.tenant.domain}`,
    }).email;
    const graph = graphFor(w, (await connect(w, { email })).result.accessToken);
    w.emu.control.setLimits({ uploadBytesPer5Min: 4 * MB });
    const { id } = (await graph.api('/me/messages').post({ subject: 'x' })) as { id: string };
    const total = 5 * MB;
    const s = (await graph
      .api(`/me/messages/${id}/attachments/createUploadSession`)
      .post({ AttachmentItem: { attachmentType: 'file', name: 'a', size: total } })) as Session;
    expect((await put(s.uploadUrl, randomBytes(CHUNK), 0, total)).status).toBe(200);
    const throttled = await put(s.uploadUrl, randomBytes(total - CHUNK), CHUNK, total);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await throttled.json()) as { error: { code: string } }).error.code).toBe('ApplicationThrottled');
  });

  it("refuses an attachment that would take the message over the mailbox's maximum message size", async () => {
    const email = w.emu.control.createUser({
      tenantId: w.tenant.id,
      email: `small-${Date.now()}@${w.tenant.domain}`,
    }).email;
    const t = (await connect(w, { email })).result.accessToken;
    w.emu.control.setMailboxSettings(email, { maxMessageSizeBytes: 8 * MB });
    const graph = graphFor(w, t);
    const { id } = (await graph.api('/me/messages').post({ subject: 'x' })) as { id: string };
    await expect(
      graph
        .api(`/me/messages/${id}/attachments/createUploadSession`)
        .post({ AttachmentItem: { attachmentType: 'file', name: 'a', size: 9 * MB } }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'ErrorMessageSizeExceeded' });
    expect(() => w.emu.control.setMailboxSettings(email, { maxMessageSizeBytes: 151 * MB })).toThrow(/150 MB/);
  });
});
