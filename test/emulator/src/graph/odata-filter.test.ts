import { parseFilter } from './odata-filter';
import { parseQueryOptions, linkWith } from './odata';

const message = {
  internetMessageId: '<abc@x.test>',
  receivedDateTime: '2024-05-02T10:00:00Z',
  isRead: false,
  from: { emailAddress: { address: 'a@x.test' } },
  singleValueExtendedProperties: [
    { id: 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name OcSendId', value: 'send-1' },
  ],
};

describe('parseFilter', () => {
  it('evaluates the extended-property any() filter', () => {
    const id = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name OcSendId';
    expect(
      parseFilter(`singleValueExtendedProperties/Any(ep: ep/id eq '${id}' and ep/value eq 'send-1')`)(message),
    ).toBe(true);
    expect(
      parseFilter(`singleValueExtendedProperties/any(ep: ep/id eq '${id}' and ep/value eq 'send-2')`)(message),
    ).toBe(false);
  });

  it('compares strings, dates and booleans', () => {
    expect(parseFilter("internetMessageId eq '<abc@x.test>'")(message)).toBe(true);
    expect(parseFilter('receivedDateTime ge 2024-05-01T00:00:00Z')(message)).toBe(true);
    expect(parseFilter('receivedDateTime ge 2024-05-03T00:00:00Z')(message)).toBe(false);
    expect(parseFilter("isRead eq false and from/emailAddress/address eq 'A@x.test'")(message)).toBe(true);
    expect(parseFilter('isRead eq true or (not (isRead eq true))')(message)).toBe(true);
    expect(parseFilter("subject eq 'it''s'")({ subject: "it's" })).toBe(true);
  });

  it('rejects broken filters', () => {
    expect(() => parseFilter("subject eq 'open")).toThrow();
    expect(() => parseFilter('subject foo 1')).toThrow();
    expect(() => parseFilter('subject eq 1 )')).toThrow();
  });
});

describe('query options', () => {
  it('reads $top/$skip/$orderby/$select and turns a bad filter into a 400', () => {
    const q = parseQueryOptions({ $top: '5', $skip: '10', $orderby: 'receivedDateTime desc', $select: 'subject,from' });
    expect(q).toMatchObject({
      top: 5,
      skip: 10,
      orderBy: { field: 'receivedDateTime', desc: true },
      select: ['subject', 'from'],
    });
    expect(() => parseQueryOptions({ $filter: "x eq '" })).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => parseQueryOptions({ $top: '-1' })).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('builds next links with encoded values', () => {
    expect(linkWith('https://h/v1.0/me/messages', { $top: '2', $filter: "a eq 'b c'" }, { $skip: '2' })).toBe(
      "https://h/v1.0/me/messages?$top=2&$filter=a%20eq%20'b%20c'&$skip=2",
    );
  });
});
