import { decodeInboxCursor, encodeInboxCursor } from './inbox-cursor';

describe('inbox cursor', () => {
  it('round-trips', () => {
    const c = encodeInboxCursor(new Date('2030-01-01T00:00:00Z'), 'msg_1');
    expect(decodeInboxCursor(c)).toEqual({ receivedAt: new Date('2030-01-01T00:00:00Z'), id: 'msg_1' });
  });

  it('refuses junk', () => {
    expect(decodeInboxCursor('nope')).toBeNull();
    expect(decodeInboxCursor(Buffer.from('["x","y"]').toString('base64url'))).toBeNull();
  });
});
