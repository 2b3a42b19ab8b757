import type { InboxMessageFields } from './graph-message';
import { inboxMessageId } from './message-store';
import { isNewArrival, receivedEvent, receivedEventId } from './received-events';
import { replyTargetOf, type SentRef } from './reply-link';

const conn = {
  _id: 'conn_aaaaaaaaaaaaaaaaaaaaaaaa',
  workspaceId: 'ws_1',
  mailbox: 'Me@Fabrikam.com',
  createdAt: new Date('2024-05-01T10:00:00Z'),
};
const message = (over: Partial<InboxMessageFields> = {}): InboxMessageFields => ({
  graphId: 'AAMkAD-1',
  internetMessageId: '<reply@contoso.com>',
  conversationId: 'conv-1',
  from: { address: 'ada@contoso.com' },
  to: [{ address: 'me@fabrikam.com' }],
  cc: [],
  subject: 'Re: hello',
  bodyPreview: 'yes',
  receivedAt: new Date('2024-05-02T10:00:00Z'),
  isRead: false,
  hasAttachments: false,
  webLink: null,
  inReplyTo: null,
  references: [],
  ...over,
});
const send = (id: string, over: Partial<SentRef> = {}): SentRef => ({
  _id: id,
  internetMessageId: `<${id}@fabrikam.com>`,
  conversationId: 'conv-1',
  sentAt: new Date('2024-05-01T12:00:00Z'),
  ...over,
});

describe('replyTargetOf', () => {
  it('prefers In-Reply-To, then References (newest first), then the newest send of the conversation', () => {
    const sends = [
      send('s1', { sentAt: new Date('2024-05-01T11:00:00Z') }),
      send('s2'),
      send('s3', { conversationId: 'other' }),
    ];
    expect(replyTargetOf(message({ inReplyTo: '<s1@fabrikam.com>' }), sends)?._id).toBe('s1');
    expect(replyTargetOf(message({ references: ['<s3@fabrikam.com>', '<s1@fabrikam.com>'] }), sends)?._id).toBe('s1');
    expect(replyTargetOf(message(), sends)?._id).toBe('s2');
  });

  it('links nothing without a matching send, and never our own send delivered to ourselves', () => {
    expect(replyTargetOf(message({ conversationId: 'unknown' }), [send('s1')])).toBeNull();
    expect(replyTargetOf(message({ conversationId: null }), [send('s1')])).toBeNull();
    expect(replyTargetOf(message({ internetMessageId: '<s1@fabrikam.com>' }), [send('s1')])).toBeNull();
  });
});

describe('isNewArrival', () => {
  it('counts mail from a few minutes before the connection on, not older history', () => {
    expect(isNewArrival(message({ receivedAt: new Date('2024-05-01T09:56:00Z') }), conn)).toBe(true);
    expect(isNewArrival(message({ receivedAt: new Date('2024-04-30T10:00:00Z') }), conn)).toBe(false);
  });
});

describe('receivedEvent', () => {
  it('carries what a sequence engine needs, with a stable id', () => {
    const m = message({ inReplyTo: '<s1@fabrikam.com>', references: ['<s1@fabrikam.com>'] });
    const event = receivedEvent(conn, m, [send('s1')]);
    expect(event).toEqual({
      id: receivedEventId(conn._id, 'AAMkAD-1'),
      type: 'message.received',
      workspaceId: 'ws_1',
      connectionId: conn._id,
      occurredAt: m.receivedAt,
      data: {
        messageId: inboxMessageId(conn._id, 'AAMkAD-1'),
        graphId: 'AAMkAD-1',
        conversationId: 'conv-1',
        internetMessageId: '<reply@contoso.com>',
        inReplyTo: '<s1@fabrikam.com>',
        references: ['<s1@fabrikam.com>'],
        from: { address: 'ada@contoso.com' },
        fromSelf: false,
        subject: 'Re: hello',
        receivedAt: '2024-05-02T10:00:00.000Z',
        inReplyToSendId: 's1',
      },
    });
    expect(receivedEvent(conn, m, []).id).toBe(event.id);
    expect(String(event.id).length).toBeLessThanOrEqual(200);
    expect(receivedEventId(conn._id, 'AAMkAD-2')).not.toBe(event.id);
  });

  it('does not link a message we wrote ourselves', () => {
    const event = receivedEvent(conn, message({ from: { address: 'me@fabrikam.com' } }), [send('s1')]);
    expect(event.data).toMatchObject({ fromSelf: true, inReplyToSendId: null });
  });
});
