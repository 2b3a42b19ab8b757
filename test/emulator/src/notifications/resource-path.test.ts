import { parseMessageResource } from './resource-path';

describe('parseMessageResource', () => {
  it.each([
    ["/me/mailFolders('inbox')/messages", { user: 'me', folder: 'inbox' }],
    ["me/mailfolders('Inbox')/messages", { user: 'me', folder: 'Inbox' }],
    ['me/mailFolders/AAMkAFxyz/messages', { user: 'me', folder: 'AAMkAFxyz' }],
    ['me/messages', { user: 'me' }],
    ['/users/8ee44408-0679/messages', { user: { ref: '8ee44408-0679' } }],
    [
      "users('adele@contoso.example')/mailFolders('inbox')/messages",
      {
        user: { ref: 'adele@contoso.example' },
        folder: 'inbox',
      },
    ],
  ])('accepts %s', (resource, expected) => {
    expect(parseMessageResource(resource)).toEqual({ ok: true, value: expected });
  });

  it.each([
    'me/events',
    'me/contacts',
    'me/mailFolders/inbox',
    'https://graph.microsoft.com/v1.0/me/messages',
    "me/mailFolders('inbox')/messages?$filter=isRead eq false",
    'groups/1/conversations',
    '',
  ])('refuses %s', (resource) => {
    expect(parseMessageResource(resource).ok).toBe(false);
  });
});
