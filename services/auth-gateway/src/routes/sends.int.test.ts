import { createSendClient } from '@outlook-connect/queues';
import { newId, type ConnectionDoc } from '@outlook-connect/shared';
import { call } from '../testing/http';
import { connectedMailbox } from '../testing/connected-mailbox';
import { startGatewayHarness, type GatewayHarness } from '../testing/harness';

// Sends over HTTP through the real gateway: an idempotency key means the same request. The identical request
// replays the original (200); any different one is refused (409 idempotency_key_reused naming it).

jest.setTimeout(30_000);

let h: GatewayHarness;
let conn: ConnectionDoc;
let url: string;

beforeAll(async () => {
  h = await startGatewayHarness('sendroutes');
  conn = await connectedMailbox(h, 'send', 'full');
  url = `/v1/connections/${conn._id}/sends`;
});

afterAll(async () => {
  await h?.close();
});

const send = (key: string | undefined, over: Record<string, unknown> = {}) => ({
  ...(key ? { idempotencyKey: key } : {}),
  source: 'sequence',
  message: { to: ['lead@example.com'], subject: 'Following up', body: { contentType: 'text', content: 'Hi there' } },
  sendAt: '2031-01-01T09:00:00Z',
  metadata: { sequenceId: 'seq_7', step: 2 },
  ...over,
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  call<Record<string, unknown>>(h, 'POST', url, { body, headers: { ...h.auth, ...headers } });
const fields = (res: { body: Record<string, unknown> }) =>
  (res.body.issues as Array<{ field: string }>).map((i) => i.field);

describe('sends over HTTP: idempotency keys', () => {
  it('queues once and replays the identical request, spelled differently or not (200, the original)', async () => {
    const first = await post(send('k-1'));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      created: true,
      status: 'scheduled',
      idempotencyKey: 'k-1',
      message: { to: [{ address: 'lead@example.com' }] },
    });
    const again = await post(send('k-1'));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, created: false });
    // The shorthand recipient expanded, keys reordered, the send-at in another notation: still the same request.
    const spelled = {
      metadata: { step: 2, sequenceId: 'seq_7' },
      sendAt: '2031-01-01T10:00:00+01:00',
      message: {
        body: { content: 'Hi there', contentType: 'text' },
        subject: 'Following up',
        to: [{ address: 'lead@example.com' }],
      },
      source: 'sequence',
      idempotencyKey: 'k-1',
    };
    const replay = await post(spelled);
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(first.body.id);
    expect(await h.deps.models.Send.countDocuments({ connectionId: conn._id, idempotencyKey: 'k-1' })).toBe(1);
  });

  it('refuses the same key with a different message, recipients, send-at, source or metadata (409 naming the original)', async () => {
    const first = await post(send('k-2'));
    expect(first.status).toBe(201);
    const message = send('k-2').message;
    const differences: Record<string, unknown>[] = [
      { message: { ...message, subject: 'Following up!' } },
      { message: { ...message, to: ['someone@example.com'] } },
      { message: { ...message, cc: ['boss@example.com'] } },
      { message: { ...message, body: { contentType: 'html', content: 'Hi there' } } },
      { sendAt: '2031-01-01T09:00:01Z' },
      { sendAt: undefined },
      { source: 'ai_sdr' },
      { metadata: { sequenceId: 'seq_7', step: 3 } },
    ];
    for (const difference of differences) {
      const res = await post(send('k-2', difference));
      expect({ difference, status: res.status }).toEqual({ difference, status: 409 });
      expect(res.body).toMatchObject({ error: 'idempotency_key_reused', sendId: first.body.id });
      expect(String(res.body.message)).toContain('k-2');
    }
    expect(await h.deps.models.Send.countDocuments({ connectionId: conn._id, idempotencyKey: 'k-2' })).toBe(1);
    const stored = await h.deps.models.Send.findById(first.body.id).lean();
    expect(stored?.requestHash).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(stored?.message.subject).toBe('Following up');
  });

  it('takes the key from the Idempotency-Key header, and refuses a header and body that disagree', async () => {
    const first = await post(send(undefined), { 'idempotency-key': 'hdr-1' });
    expect(first.status).toBe(201);
    expect(first.body.idempotencyKey).toBe('hdr-1');
    expect((await post(send(undefined), { 'idempotency-key': 'hdr-1' })).body).toMatchObject({
      id: first.body.id,
      created: false,
    });
    expect((await post(send('hdr-1'))).status).toBe(200); // the same key in the body is the same key
    expect((await post(send('hdr-1'), { 'idempotency-key': 'hdr-1' })).status).toBe(200);
    const reused = await post(send(undefined, { metadata: {} }), { 'idempotency-key': 'hdr-1' });
    expect(reused.status).toBe(409);
    expect(reused.body.sendId).toBe(first.body.id);

    const both = await post(send('body-key'), { 'idempotency-key': 'header-key' });
    expect(both.status).toBe(400);
    expect(fields(both)).toEqual(['headers.idempotency-key']);
    const none = await post(send(undefined));
    expect(none.status).toBe(400);
    expect(fields(none)).toEqual(['body.idempotencyKey']);
    expect(await h.deps.models.Send.countDocuments({ idempotencyKey: { $in: ['body-key', 'header-key'] } })).toBe(0);
  });

  it('answers 400 naming the fields of the documented body', async () => {
    const bad = await post(
      send('k-bad', { message: { to: ['not-an-address'], subject: 'x', body: { contentType: 'rtf', content: '' } } }),
    );
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(expect.arrayContaining(['body.message.to.0', 'body.message.body.contentType']));
  });

  it('the Node producer client refuses a reused key the same way', async () => {
    const sends = createSendClient({ models: h.deps.models, queues: h.deps.queues });
    const input = {
      workspaceId: h.workspaceId,
      connectionId: conn._id,
      ...send('k-node'),
      source: 'sequence' as const,
    } as Parameters<typeof sends.enqueueSend>[0];
    const first = await sends.enqueueSend(input);
    expect(first.created).toBe(true);
    expect((await sends.enqueueSend(input)).send._id).toBe(first.send._id);
    await expect(sends.enqueueSend({ ...input, metadata: { other: true } })).rejects.toMatchObject({
      name: 'IdempotencyKeyReusedError',
      existingId: first.send._id,
    });
    const overHttp = await post(send('k-node', { metadata: { other: true } }));
    expect(overHttp.body).toMatchObject({ error: 'idempotency_key_reused', sendId: first.send._id });
    expect((await post(send('k-node'))).body).toMatchObject({ id: first.send._id, created: false });
  });

  it("reads a connection's workspace once per producer, and still refuses another workspace's sends", async () => {
    const sends = createSendClient({ models: h.deps.models, queues: h.deps.queues });
    const input = (key: string, workspaceId = h.workspaceId) =>
      ({
        workspaceId,
        connectionId: conn._id,
        ...send(key),
        source: 'sequence' as const,
      }) as Parameters<typeof sends.enqueueSend>[0];
    const reads = jest.spyOn(h.deps.models.Connection, 'findById');
    try {
      await sends.enqueueSend(input('k-owner-1'));
      await sends.enqueueSend(input('k-owner-2'));
      // The second send of the same connection needed no store read (a connection never changes workspace).
      expect(reads).toHaveBeenCalledTimes(1);
      await expect(sends.enqueueSend(input('k-owner-3', 'ws_someone_else'))).rejects.toMatchObject({
        name: 'SendNotFoundError',
        what: 'connection',
      });
      expect(reads).toHaveBeenCalledTimes(1);
      // A connection the store does not have is refused, and asked about again next time (nothing remembered).
      const ghost = { ...input('k-owner-4'), connectionId: newId('conn') };
      await expect(sends.enqueueSend(ghost)).rejects.toMatchObject({ name: 'SendNotFoundError' });
      await expect(sends.enqueueSend(ghost)).rejects.toMatchObject({ name: 'SendNotFoundError' });
      expect(reads).toHaveBeenCalledTimes(3);
    } finally {
      reads.mockRestore();
    }
    // A fresh producer (another process) that meets the connection first from the wrong workspace refuses it too.
    const other = createSendClient({ models: h.deps.models, queues: h.deps.queues });
    await expect(other.enqueueSend(input('k-owner-5', 'ws_someone_else'))).rejects.toMatchObject({
      name: 'SendNotFoundError',
    });
    await expect(other.enqueueSend(input('k-owner-6', 'ws_someone_else'))).rejects.toMatchObject({
      name: 'SendNotFoundError',
    });
  });
});
