import {
  PRESET_SCOPES,
  SCOPE_PRESETS,
  canReadMail,
  canSend,
  canUseCalendar,
  isScopePreset,
  missingScopes,
  normalizeScope,
  scopesForPreset,
} from './scope-presets';

describe('scope presets', () => {
  it('always includes offline_access in the preset table', () => {
    for (const preset of SCOPE_PRESETS) expect(PRESET_SCOPES[preset]).toContain('offline_access');
  });

  it.each([
    ['read_only', ['Mail.Read']],
    ['send_only', ['Mail.Send']],
    ['full', ['Mail.ReadWrite', 'Mail.Send']],
    ['full_calendar', ['Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite']],
  ] as const)('scopesForPreset(%s) requests only Graph scopes', (preset, expected) => {
    expect(scopesForPreset(preset)).toEqual(expected);
  });

  it('recognises presets', () => {
    expect(isScopePreset('full')).toBe(true);
    expect(isScopePreset('admin')).toBe(false);
    expect(isScopePreset(undefined)).toBe(false);
  });
});

describe('missingScopes', () => {
  it('compares case-insensitively and accepts full URI forms', () => {
    expect(
      missingScopes(['Mail.ReadWrite', 'Mail.Send'], ['https://graph.microsoft.com/mail.readwrite', 'MAIL.SEND']),
    ).toEqual([]);
  });

  it('returns the requested spelling of what is missing', () => {
    expect(missingScopes(['Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite'], ['Mail.ReadWrite'])).toEqual([
      'Mail.Send',
      'Calendars.ReadWrite',
    ]);
  });

  it('accepts the space-separated scope string of a token response', () => {
    expect(missingScopes('Mail.Read', 'openid profile https://graph.microsoft.com/Mail.Read User.Read')).toEqual([]);
    expect(missingScopes('Mail.Send', 'openid profile User.Read')).toEqual(['Mail.Send']);
  });

  it('ignores OIDC scopes (offline_access shows as a missing refresh token instead)', () => {
    expect(missingScopes(['offline_access', 'openid', 'Mail.Read'], ['Mail.Read'])).toEqual([]);
  });

  it('normalises scopes', () => {
    expect(normalizeScope(' https://graph.microsoft.com/Mail.Read ')).toBe('mail.read');
    expect(normalizeScope('00000003-0000-0000-c000-000000000000/Mail.Send')).toBe('mail.send');
  });
});

describe('capabilities', () => {
  it('canSend needs Mail.Send', () => {
    expect(canSend(['Mail.Send'])).toBe(true);
    expect(canSend(['https://graph.microsoft.com/mail.send'])).toBe(true);
    expect(canSend(['Mail.ReadWrite'])).toBe(false);
  });

  it('canReadMail accepts Mail.Read or Mail.ReadWrite', () => {
    expect(canReadMail(['Mail.Read'])).toBe(true);
    expect(canReadMail('mail.readwrite Mail.Send')).toBe(true);
    expect(canReadMail(['Mail.Send'])).toBe(false);
  });

  it('canUseCalendar needs Calendars.ReadWrite', () => {
    expect(canUseCalendar(['Calendars.ReadWrite'])).toBe(true);
    expect(canUseCalendar(['Calendars.Read'])).toBe(false);
  });

  it('each preset grants the capabilities the product promises', () => {
    const granted = (p: Parameters<typeof scopesForPreset>[0]) => scopesForPreset(p);
    expect([canReadMail, canSend, canUseCalendar].map((f) => f(granted('read_only')))).toEqual([true, false, false]);
    expect([canReadMail, canSend, canUseCalendar].map((f) => f(granted('send_only')))).toEqual([false, true, false]);
    expect([canReadMail, canSend, canUseCalendar].map((f) => f(granted('full')))).toEqual([true, true, false]);
    expect([canReadMail, canSend, canUseCalendar].map((f) => f(granted('full_calendar')))).toEqual([true, true, true]);
  });
});
