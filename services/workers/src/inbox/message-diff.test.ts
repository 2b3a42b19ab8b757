import type { InboxMessageFields } from './graph-message';
import { messageChanges, type StoredMessage } from './message-diff';

const fields: InboxMessageFields = {
  graphId: 'AAMk-1',
  internetMessageId: '<a@x>',
  conversationId: 'conv-1',
  from: { address: 'ann@contoso.com', name: 'Ann' },
  to: [{ address: 'me@fabrikam.com' }],
  cc: [],
  subject: 'Hello',
  bodyPreview: 'Hi there',
  receivedAt: new Date('2026-11-01T10:00:00Z'),
  isRead: false,
  hasAttachments: false,
  webLink: 'https://outlook.office.com/owa/?ItemID=1',
};

function stored(over: Partial<StoredMessage> = {}): StoredMessage {
  return {
    _id: 'msg_1',
    ...fields,
    from: { name: 'Ann', address: 'ann@contoso.com' },
    to: [{ address: 'me@fabrikam.com' }],
    receivedAt: new Date(fields.receivedAt.getTime()),
    inReplyTo: '<p@x>',
    references: ['<p@x>'],
    syncGeneration: 2,
    ...over,
  };
}

describe('messageChanges', () => {
  it('is null when Graph returns what is stored under the same generation (key order and Date identity do not matter)', () => {
    expect(messageChanges(stored(), fields, 2)).toBeNull();
  });

  it('sets only the fields that changed', () => {
    expect(messageChanges(stored(), { ...fields, isRead: true, subject: 'Re: Hello' }, 2)).toEqual({
      isRead: true,
      subject: 'Re: Hello',
    });
  });

  it('moves the message to the run generation even when nothing else changed', () => {
    expect(messageChanges(stored(), fields, 3)).toEqual({ syncGeneration: 3 });
  });

  it('keeps stored reply headers when Graph did not return headers, and updates them when it did', () => {
    expect(messageChanges(stored(), { ...fields, inReplyTo: undefined, references: undefined }, 2)).toBeNull();
    expect(messageChanges(stored(), { ...fields, inReplyTo: '<q@x>', references: ['<p@x>', '<q@x>'] }, 2)).toEqual({
      inReplyTo: '<q@x>',
      references: ['<p@x>', '<q@x>'],
    });
  });

  it('sees changed dates, recipients and nulls', () => {
    const later = new Date('2026-11-01T10:05:00Z');
    expect(
      messageChanges(
        stored(),
        {
          ...fields,
          receivedAt: later,
          to: [{ address: 'me@fabrikam.com' }, { address: 'b@x.com' }],
          webLink: null,
          from: null,
        },
        2,
      ),
    ).toEqual({
      receivedAt: later,
      to: [{ address: 'me@fabrikam.com' }, { address: 'b@x.com' }],
      webLink: null,
      from: null,
    });
  });

  it('fills fields a stored row lacks', () => {
    const bare: StoredMessage = { _id: 'msg_1', syncGeneration: 2 };
    expect(messageChanges(bare, fields, 2)).toEqual(fields);
  });
});
