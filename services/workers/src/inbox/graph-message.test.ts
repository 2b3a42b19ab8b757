import {
  InvalidGraphMessageError,
  messageIdsIn,
  messageSelect,
  toInboxMessage,
  type GraphMessage,
} from './graph-message';

const base: GraphMessage = {
  id: 'AAMkAD-1',
  internetMessageId: '<m1@contoso.com>',
  conversationId: 'AAQkAG-conv',
  from: { emailAddress: { address: 'ada@contoso.com', name: 'Ada Lovelace' } },
  toRecipients: [{ emailAddress: { address: 'me@fabrikam.com', name: 'me@fabrikam.com' } }],
  ccRecipients: [{ emailAddress: { address: 'bob@contoso.com' } }, { emailAddress: { address: '' } }],
  subject: 'Re: pricing',
  bodyPreview: 'Sounds good',
  receivedDateTime: '2024-05-01T10:00:00Z',
  isRead: false,
  hasAttachments: true,
  webLink: 'https://outlook.office365.com/owa/?ItemID=1',
};

describe('toInboxMessage', () => {
  it('maps the stored fields and drops empty addresses', () => {
    expect(toInboxMessage(base)).toEqual({
      graphId: 'AAMkAD-1',
      internetMessageId: '<m1@contoso.com>',
      conversationId: 'AAQkAG-conv',
      from: { address: 'ada@contoso.com', name: 'Ada Lovelace' },
      to: [{ address: 'me@fabrikam.com' }],
      cc: [{ address: 'bob@contoso.com' }],
      subject: 'Re: pricing',
      bodyPreview: 'Sounds good',
      receivedAt: new Date('2024-05-01T10:00:00Z'),
      isRead: false,
      hasAttachments: true,
      webLink: 'https://outlook.office365.com/owa/?ItemID=1',
    });
  });

  it('reads In-Reply-To and References when headers were selected', () => {
    const m = toInboxMessage({
      ...base,
      internetMessageHeaders: [
        { name: 'in-reply-to', value: '<sent1@fabrikam.com>' },
        { name: 'References', value: '<root@fabrikam.com>\r\n <sent1@fabrikam.com>' },
      ],
    });
    expect(m.inReplyTo).toBe('<sent1@fabrikam.com>');
    expect(m.references).toEqual(['<root@fabrikam.com>', '<sent1@fabrikam.com>']);
  });

  it('sets empty thread headers when headers were selected but absent, and leaves them out when not selected', () => {
    const selected = toInboxMessage({ ...base, internetMessageHeaders: [] });
    expect(selected.inReplyTo).toBeNull();
    expect(selected.references).toEqual([]);
    const notSelected = toInboxMessage(base);
    expect('inReplyTo' in notSelected).toBe(false);
    expect('references' in notSelected).toBe(false);
  });

  it('defaults missing optional fields', () => {
    const m = toInboxMessage({ id: 'x', receivedDateTime: '2024-05-01T10:00:00Z' });
    expect(m).toMatchObject({
      internetMessageId: null,
      conversationId: null,
      from: null,
      to: [],
      cc: [],
      subject: '',
      isRead: false,
      hasAttachments: false,
      webLink: null,
    });
  });

  it('refuses a message without a valid receivedDateTime', () => {
    expect(() => toInboxMessage({ id: 'x' })).toThrow(InvalidGraphMessageError);
    expect(() => toInboxMessage({ id: 'x', receivedDateTime: 'soon' })).toThrow(InvalidGraphMessageError);
  });
});

describe('messageIdsIn', () => {
  it('finds every bracketed id and ignores the rest', () => {
    expect(messageIdsIn('<a@x> junk <b@y>')).toEqual(['<a@x>', '<b@y>']);
    expect(messageIdsIn('')).toEqual([]);
    expect(messageIdsIn(null)).toEqual([]);
  });
});

describe('messageSelect', () => {
  it('adds internetMessageHeaders only when asked', () => {
    expect(messageSelect(false)).not.toContain('internetMessageHeaders');
    expect(messageSelect(true)).toContain('internetMessageHeaders');
    expect(messageSelect(true)).toEqual(
      expect.arrayContaining(['id', 'conversationId', 'receivedDateTime', 'webLink']),
    );
  });
});
