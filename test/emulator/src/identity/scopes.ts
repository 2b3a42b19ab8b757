/** Scope parsing for the identity platform: OIDC scopes vs Microsoft Graph delegated permissions. */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;
export type OidcScope = (typeof OIDC_SCOPES)[number];

/** Graph permissions the emulator knows, with the consent-screen text Microsoft shows. */
export const GRAPH_SCOPE_DESCRIPTIONS: Record<string, string> = {
  'User.Read': 'Sign you in and read your profile',
  'User.ReadBasic.All': "Read all users' basic profiles",
  'Mail.Read': 'Read your mail',
  'Mail.ReadBasic': 'Read basic mail properties',
  'Mail.ReadWrite': 'Read and write access to your mail',
  'Mail.Send': 'Send mail as you',
  'MailboxSettings.Read': 'Read your mailbox settings',
  'MailboxSettings.ReadWrite': 'Read and write to your mailbox settings',
  'Calendars.Read': 'Read your calendars',
  'Calendars.ReadBasic': 'Read basic details of your calendars',
  'Calendars.ReadWrite': 'Have full access to your calendars',
  'Contacts.Read': 'Read your contacts',
  'Contacts.ReadWrite': 'Have full access to your contacts',
};

export const OIDC_DESCRIPTIONS: Record<OidcScope, string> = {
  openid: 'Sign you in',
  profile: 'View your basic profile',
  email: 'View your email address',
  offline_access: 'Maintain access to data you have given it access to',
};

const canonicalByLower = new Map(Object.keys(GRAPH_SCOPE_DESCRIPTIONS).map((s) => [s.toLowerCase(), s]));

export interface ParsedScopes {
  oidc: OidcScope[];
  /** Graph permissions, canonical short names (e.g. "Mail.Read"). ".default" is kept as is. */
  graph: string[];
  /** Scopes for another resource (not emulated). */
  other: string[];
}

const isOidc = (s: string): s is OidcScope => (OIDC_SCOPES as readonly string[]).includes(s);

/** Canonical short Graph name for "Mail.Read", "mail.read" or "https://graph.microsoft.com/Mail.Read". */
export function graphScopeName(scope: string): string | undefined {
  const lower = scope.toLowerCase();
  for (const prefix of [`${GRAPH_RESOURCE}/`, `${GRAPH_APP_ID}/`]) {
    if (lower.startsWith(prefix)) return canonical(scope.slice(prefix.length));
  }
  if (lower.includes('://') || lower.includes('/')) return undefined;
  return canonical(scope);
}

const canonical = (name: string): string => canonicalByLower.get(name.toLowerCase()) ?? name;

export function parseScopes(value: string | undefined): ParsedScopes {
  const result: ParsedScopes = { oidc: [], graph: [], other: [] };
  for (const raw of (value ?? '').split(/\s+/).filter(Boolean)) {
    const lower = raw.toLowerCase();
    if (isOidc(lower)) {
      if (!result.oidc.includes(lower)) result.oidc.push(lower);
      continue;
    }
    const graph = graphScopeName(raw);
    if (graph === undefined) result.other.push(raw);
    else if (!result.graph.some((g) => g.toLowerCase() === graph.toLowerCase())) result.graph.push(graph);
  }
  return result;
}

export const sameScope = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export const containsScope = (list: readonly string[], scope: string): boolean => list.some((s) => sameScope(s, scope));

/** Items of `wanted` missing from `have` (case-insensitive). */
export const missingScopes = (wanted: readonly string[], have: readonly string[]): string[] =>
  wanted.filter((s) => !containsScope(have, s));

/**
 * The token response `scope`: Graph permissions by their short names (Microsoft drops the Graph resource prefix),
 * then the OIDC scopes (never offline_access).
 */
export function formatGrantedScope(graph: readonly string[], oidc: readonly OidcScope[]): string {
  const oidcPart = oidc.filter((s) => s !== 'offline_access');
  return [...graph, ...oidcPart].join(' ');
}

export const describeScope = (scope: string): string =>
  (isOidc(scope) ? OIDC_DESCRIPTIONS[scope] : GRAPH_SCOPE_DESCRIPTIONS[scope]) ?? scope;
