import { canonicalJson, requestHash, sameRequest } from './request-hash';
import { enqueueSendInputSchema } from './send-schemas';

describe('canonical request hash', () => {
  it('does not depend on key order at any depth', () => {
    const a = { message: { subject: 'Hi', to: [{ address: 'a@x.com', name: 'A' }] }, metadata: { b: 1, a: 2 } };
    const b = { metadata: { a: 2, b: 1 }, message: { to: [{ name: 'A', address: 'a@x.com' }], subject: 'Hi' } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(requestHash(a)).toBe(requestHash(b));
    expect(requestHash(a)).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  it('changes with any value, array order included', () => {
    const base = { to: ['a@x.com', 'b@x.com'], subject: 'Hi', sendAt: new Date('2030-01-01T10:00:00Z') };
    const hash = requestHash(base);
    expect(requestHash({ ...base, subject: 'Hi!' })).not.toBe(hash);
    expect(requestHash({ ...base, to: ['b@x.com', 'a@x.com'] })).not.toBe(hash);
    expect(requestHash({ ...base, sendAt: new Date('2030-01-01T10:00:01Z') })).not.toBe(hash);
    expect(requestHash({ ...base, extra: null })).not.toBe(hash);
  });

  it('drops undefined members and writes dates as ISO instants', () => {
    expect(canonicalJson({ b: undefined, a: new Date('2030-01-01T10:00:00Z') })).toBe(
      '{"a":"2030-01-01T10:00:00.000Z"}',
    );
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
  });

  it('hashes validated input, so a shorthand and its expansion are the same request', () => {
    const input = {
      workspaceId: 'ws_1',
      connectionId: `conn_${'a'.repeat(24)}`,
      idempotencyKey: 'k',
      source: 'sequence' as const,
    };
    const message = { subject: 'Hi', body: { contentType: 'text' as const, content: 'x' } };
    const short = enqueueSendInputSchema.parse({ ...input, message: { ...message, to: ['a@x.com'] } });
    const long = enqueueSendInputSchema.parse({
      ...input,
      metadata: {},
      message: { ...message, to: [{ address: 'a@x.com' }] },
    });
    expect(requestHash(short.message)).toBe(requestHash(long.message));
  });

  it('a record without a stored hash (made before hashes) matches any request', () => {
    expect(sameRequest(null, 'sha256:1')).toBe(true);
    expect(sameRequest(undefined, 'sha256:1')).toBe(true);
    expect(sameRequest('sha256:1', 'sha256:1')).toBe(true);
    expect(sameRequest('sha256:2', 'sha256:1')).toBe(false);
  });
});
