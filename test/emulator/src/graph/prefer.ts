import type { IncomingHttpHeaders } from 'node:http';
import type { IdType } from '../mailbox/mailbox';

// The Prefer request header (RFC 7240): preferences separated by commas, in one header or several.

/** Preference name (lower case) -> value without quotes. */
export function preferences(headers: IncomingHttpHeaders): Map<string, string> {
  const raw = headers.prefer;
  const joined = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  const out = new Map<string, string>();
  for (const part of joined.split(',')) {
    const [token, ...rest] = part.split(';')[0]?.split('=') ?? [];
    const name = token?.trim().toLowerCase();
    if (!name) continue;
    out.set(
      name,
      rest
        .join('=')
        .trim()
        .replace(/^"(.*)"$/, '$1'),
    );
  }
  return out;
}

/**
 * `Prefer: IdType="ImmutableId"` asks for immutable ids, for that request only ("Obtain immutable identifiers for
 * Outlook resources", "How it works"); anything else gets the default REST ids.
 */
export function idTypeOf(headers: IncomingHttpHeaders): IdType {
  return preferences(headers).get('idtype')?.toLowerCase() === 'immutableid' ? 'immutable' : 'rest';
}
