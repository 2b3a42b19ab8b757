import { createHash } from 'node:crypto';

// Idempotency keys mean the same request: a record keeps the hash of what was asked, never the content again.

/** JSON with object keys sorted at every depth, undefined members dropped and dates as ISO instants. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value));
}

function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonical(v)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

/** `sha256:<hex>` of the canonical JSON of a validated request (defaults applied, shorthands expanded). */
export function requestHash(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
}

/** The idempotency key was already used on this connection for a different request: 409, naming the original. */
export class IdempotencyKeyReusedError extends Error {
  override name = 'IdempotencyKeyReusedError';
  constructor(
    readonly idempotencyKey: string,
    readonly what: 'send' | 'calendar operation',
    readonly existingId: string,
  ) {
    super(
      `idempotency key "${idempotencyKey}" was already used for ${what} ${existingId} with a different request; use a new key for a new request`,
    );
  }
}

/** A record made before hashes were kept has none: it cannot be compared, so the key keeps returning it. */
export const sameRequest = (stored: string | null | undefined, hash: string): boolean => !stored || stored === hash;
