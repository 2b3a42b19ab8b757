// Secrets never reach a log line: keys that hold credentials are masked at any depth, and credential-shaped
// strings (JWTs, bearer headers, OAuth query parameters) are masked wherever they appear.

export const REDACTED = '[REDACTED]';

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

export function redactString(value: string): string {
  let out = value;
  for (const [pattern, replacement] of STRING_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

function errorToObject(err: Error): Record<string, unknown> {
  const plain: Record<string, unknown> = { type: err.name, message: err.message, stack: err.stack };
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
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  const source = value instanceof Error ? errorToObject(value) : (value as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(source)) {
    out[key] = SECRET_KEY.test(key) && v !== undefined && v !== null && v !== '' ? REDACTED : redact(v, depth + 1, seen);
  }
  return out;
}
