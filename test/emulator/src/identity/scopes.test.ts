import { formatGrantedScope, graphScopeName, missingScopes, parseScopes } from './scopes';

describe('scopes', () => {
  it('splits OIDC scopes from Graph permissions in any spelling', () => {
    expect(
      parseScopes('openid Profile offline_access mail.read https://graph.microsoft.com/Mail.Send Mail.Read'),
    ).toEqual({
      oidc: ['openid', 'profile', 'offline_access'],
      graph: ['Mail.Read', 'Mail.Send'],
      other: [],
    });
    expect(parseScopes('api://other/thing').other).toEqual(['api://other/thing']);
    expect(parseScopes(undefined)).toEqual({ oidc: [], graph: [], other: [] });
  });

  it('canonicalises Graph names', () => {
    expect(graphScopeName('CALENDARS.READWRITE')).toBe('Calendars.ReadWrite');
    expect(graphScopeName('00000003-0000-0000-c000-000000000000/mail.send')).toBe('Mail.Send');
    expect(graphScopeName('https://graph.microsoft.com/.default')).toBe('.default');
    expect(graphScopeName('https://outlook.office.com/Mail.Read')).toBeUndefined();
  });

  it('formats the granted scope like Microsoft: Graph permissions by short name, then OIDC scopes, no offline_access', () => {
    expect(formatGrantedScope(['Mail.Read', 'Mail.Send'], ['openid', 'profile', 'email', 'offline_access'])).toBe(
      'Mail.Read Mail.Send openid profile email',
    );
  });

  it('compares case-insensitively', () => {
    expect(missingScopes(['Mail.Read', 'Mail.Send'], ['mail.read'])).toEqual(['Mail.Send']);
  });
});
