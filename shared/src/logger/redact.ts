// Secrets never reach a log line: keys that hold credentials are masked at any depth, and credential-shaped
// strings (JWTs, bearer headers, OAuth query parameters) are masked wherever they appear.

export const REDACTED = '[REDACTED]';
/** Caps on what one log line carries: a 200 KB field must not make a 200 KB line (nor a stack repeat it). */
export const MAX_LOGGED_STRING = 2048;
export const MAX_LOGGED_ITEMS = 50;

const SECRET_KEY =
  /^(access_?token|refresh_?token|id_?token|token|tokens|client_?secret|secret|secrets|password|passwd|authorization|proxy-authorization|cookie|set-cookie|api_?key|x-api-key|code_?verifier|authorization_?code|auth_?code|assertion|client_assertion|private_?key|.*Enc)$/i;

const STRING_PATTERNS: Array<[RegExp, string]> = [
  // JWTs (access and id tokens).
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Authorization header values.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // OAuth values in URLs and form bodies.
  [
    /\b(code|access_token|refresh_token|id_token|client_secret|code_verifier|client_assertion|password)=[^&\s"']+/gi,
    `$1=${REDACTED}`,
  ],
];

const capped = (value: string): string =>
  value.length > MAX_LOGGED_STRING
    ? `${value.slice(0, MAX_LOGGED_STRING)}...[${value.length - MAX_LOGGED_STRING} more chars]`
    : value;

export function redactString(value: string): string {
  let out = capped(value);
  for (const [pattern, replacement] of STRING_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

function errorToObject(err: Error): Record<string, unknown> {
  // The stack repeats the message: keep only its frames when the message is long.
  const stack =
    err.stack && err.message.length > 200
      ? err.stack
          .split('\n')
          .filter((l) => /^\s+at /.test(l))
          .join('\n')
      : err.stack;
  const plain: Record<string, unknown> = { type: err.name, message: err.message, stack };
  for (const [k, v] of Object.entries(err)) plain[k] = v;
  if (err.cause !== undefined) plain.cause = err.cause;
  return plain;
}

export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[Truncated]';
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_LOGGED_ITEMS).map((v) => redact(v, depth + 1, seen));
    return value.length > MAX_LOGGED_ITEMS ? [...items, `[${value.length - MAX_LOGGED_ITEMS} more items]`] : items;
  }
  const source = value instanceof Error ? errorToObject(value) : (value as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  const entries = Object.entries(source);
  if (entries.length > MAX_LOGGED_ITEMS) out['[more keys]'] = entries.length - MAX_LOGGED_ITEMS;
  for (const [key, v] of entries.slice(0, MAX_LOGGED_ITEMS)) {
    out[key] =
      SECRET_KEY.test(key) && v !== undefined && v !== null && v !== '' ? REDACTED : redact(v, depth + 1, seen);
  }
  return out;
}
