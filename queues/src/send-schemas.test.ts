import {
  enqueueSendInputSchema,
  MAX_ATTACHMENTS_BASE64_BYTES,
  MAX_BODY_CHARS,
  MAX_SEND_REQUEST_BYTES,
  outgoingMessageSchema,
} from './send-schemas';

const base = {
  workspaceId: 'ws_1',
  connectionId: `conn_${'a'.repeat(24)}`,
  idempotencyKey: 'seq-1-step-2',
  source: 'sequence',
  message: { to: ['a@example.com'], subject: 'Hello', body: { contentType: 'text', content: 'Hi' } },
};

describe('enqueue send input', () => {
  it('accepts a minimal send and normalises shorthand recipients', () => {
    const v = enqueueSendInputSchema.parse(base);
    expect(v.message.to).toEqual([{ address: 'a@example.com' }]);
    expect(v.metadata).toEqual({});
    expect(v.sendAt).toBeUndefined();
  });
  it('parses sendAt from an ISO string', () => {
    expect(enqueueSendInputSchema.parse({ ...base, sendAt: '2030-01-01T10:00:00Z' }).sendAt).toEqual(
      new Date('2030-01-01T10:00:00Z'),
    );
  });
  it('names each bad field', () => {
    const r = enqueueSendInputSchema.safeParse({
      ...base,
      connectionId: 'x',
      source: 'spam',
      message: { ...base.message, to: ['not-an-address'] },
    });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['connectionId', 'source', 'message.to.0']));
  });
  it('needs at least one recipient and at most 500 in total', () => {
    expect(outgoingMessageSchema.safeParse({ ...base.message, to: [] }).success).toBe(false);
    const many = Array.from({ length: 300 }, (_, i) => `p${i}@example.com`);
    const r = outgoingMessageSchema.safeParse({ ...base.message, to: many, bcc: many });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/at most 500 recipients/);
  });
  it("caps the attachments' total size and wants base64", () => {
    const big = 'A'.repeat(MAX_ATTACHMENTS_BASE64_BYTES / 2 + 4);
    const two = [
      { name: 'a.bin', contentBase64: big },
      { name: 'b.bin', contentBase64: big },
    ];
    expect(outgoingMessageSchema.safeParse({ ...base.message, attachments: two }).success).toBe(false);
    expect(
      outgoingMessageSchema.safeParse({ ...base.message, attachments: [{ name: 'a', contentBase64: 'not base64!' }] })
        .success,
    ).toBe(false);
    const ok = outgoingMessageSchema.parse({
      ...base.message,
      attachments: [{ name: 'a.txt', contentBase64: 'aGk=' }],
    });
    expect(ok.attachments![0]).toMatchObject({ contentType: 'application/octet-stream' });
  });
  it('takes uploaded files by attachmentId, and nothing else beside the id', () => {
    const id = `att_${'a'.repeat(24)}`;
    expect(outgoingMessageSchema.parse({ ...base.message, attachments: [{ attachmentId: id }] }).attachments).toEqual([
      { attachmentId: id },
    ]);
    expect(outgoingMessageSchema.safeParse({ ...base.message, attachments: [{ attachmentId: 'nope' }] }).success).toBe(
      false,
    );
    expect(
      outgoingMessageSchema.safeParse({ ...base.message, attachments: [{ attachmentId: id, contentBase64: 'aGk=' }] })
        .success,
    ).toBe(false);
  });
  it('derives the largest request it allows (the gateway body limit) from its own limits', () => {
    expect(MAX_SEND_REQUEST_BYTES).toBeGreaterThan(MAX_ATTACHMENTS_BASE64_BYTES + MAX_BODY_CHARS);
    expect(MAX_SEND_REQUEST_BYTES).toBeLessThan(16 * 1024 * 1024);
  });
  it('caps metadata', () => {
    expect(enqueueSendInputSchema.safeParse({ ...base, metadata: { blob: 'x'.repeat(20_000) } }).success).toBe(false);
  });
});
