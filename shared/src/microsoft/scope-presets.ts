/** The product's scope presets: which Microsoft Graph permissions a connection asks for. */
export type ScopePreset = 'read_only' | 'send_only' | 'full' | 'full_calendar';

export const SCOPE_PRESETS: readonly ScopePreset[] = ['read_only', 'send_only', 'full', 'full_calendar'];

/** What the user sees on the consent screen for each preset (offline_access is always added). */
export const PRESET_SCOPES: Readonly<Record<ScopePreset, readonly string[]>> = {
  read_only: ['offline_access', 'Mail.Read'],
  send_only: ['offline_access', 'Mail.Send'],
  full: ['offline_access', 'Mail.ReadWrite', 'Mail.Send'],
  full_calendar: ['offline_access', 'Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite'],
};

/** OIDC scopes MSAL adds to every request itself; token responses do not reliably echo them back. */
export const OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'offline_access', 'email'];

export function isScopePreset(value: unknown): value is ScopePreset {
  return typeof value === 'string' && (SCOPE_PRESETS as readonly string[]).includes(value);
}

/** Graph scopes to pass to MSAL for a preset (MSAL adds openid, profile and offline_access itself). */
export function scopesForPreset(preset: ScopePreset): string[] {
  return PRESET_SCOPES[preset].filter((scope) => !isOidcScope(scope));
}

/** `https://graph.microsoft.com/Mail.Read`, `Mail.Read` and `mail.read` all normalise to `mail.read`. */
export function normalizeScope(scope: string): string {
  const trimmed = scope.trim().toLowerCase();
  const slash = trimmed.lastIndexOf('/');
  return slash === -1 ? trimmed : trimmed.slice(slash + 1);
}

export function isOidcScope(scope: string): boolean {
  return OIDC_SCOPES.includes(normalizeScope(scope));
}

/** Accepts a list or the space-separated `scope` string of a token response. */
export type ScopeList = readonly string[] | string;

function toSet(scopes: ScopeList): Set<string> {
  const list = typeof scopes === 'string' ? scopes.split(/\s+/) : scopes;
  return new Set(list.filter((s) => s.trim() !== '').map(normalizeScope));
}

/**
 * Requested scopes that were not granted, in the requested spelling. OIDC scopes are ignored:
 * a missing offline_access shows up as a missing refresh token, not in the granted list.
 */
export function missingScopes(requested: ScopeList, granted: ScopeList): string[] {
  const grantedSet = toSet(granted);
  const list = typeof requested === 'string' ? requested.split(/\s+/) : requested;
  return list.filter((s) => s.trim() !== '' && !isOidcScope(s)).filter((s) => !grantedSet.has(normalizeScope(s)));
}

function hasAny(granted: ScopeList, wanted: readonly string[]): boolean {
  const grantedSet = toSet(granted);
  return wanted.some((w) => grantedSet.has(normalizeScope(w)));
}

export function canSend(granted: ScopeList): boolean {
  return hasAny(granted, ['Mail.Send']);
}

export function canReadMail(granted: ScopeList): boolean {
  return hasAny(granted, ['Mail.Read', 'Mail.ReadWrite']);
}

export function canUseCalendar(granted: ScopeList): boolean {
  return hasAny(granted, ['Calendars.ReadWrite']);
}
