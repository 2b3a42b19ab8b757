import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

// Outlook item ids change when an item moves between folders unless the request asks for immutable ids, and the
// header applies only to the request that carries it ("Obtain immutable identifiers for Outlook resources"). So every
// Graph request of the product carries it, added here once, next to whatever else the caller prefers.

export const IMMUTABLE_ID_PREFERENCE = 'IdType="ImmutableId"';

/**
 * A Prefer value that asks for immutable ids and keeps the caller's other preferences (RFC 7240: one header may list
 * several, comma separated). A caller's own IdType wins (nothing in the product sends one today).
 */
export function preferImmutableIds(prefer: string | null | undefined): string {
  const existing = (prefer ?? '').trim();
  if (existing === '') return IMMUTABLE_ID_PREFERENCE;
  if (/(^|,)\s*idtype\s*=/i.test(existing)) return existing;
  return `${IMMUTABLE_ID_PREFERENCE}, ${existing}`;
}

/** Sets Prefer on the request's headers (a Headers object or the SDK's plain record, any key casing). */
export function applyImmutableIdPreference(context: Context): void {
  context.options ??= {};
  const headers = context.options.headers;
  if (headers instanceof Headers) {
    headers.set('Prefer', preferImmutableIds(headers.get('prefer')));
    return;
  }
  const record = { ...(headers as Record<string, string> | undefined) };
  const keys = Object.keys(record).filter((k) => k.toLowerCase() === 'prefer');
  const current = keys.map((k) => record[k]).join(', ');
  for (const k of keys) delete record[k];
  record.Prefer = preferImmutableIds(current);
  context.options.headers = record;
}

/** Graph middleware: adds `Prefer: IdType="ImmutableId"` to every request it passes on. */
export class ImmutableIdHandler implements Middleware {
  private next?: Middleware;

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('ImmutableIdHandler is the last middleware; the chain needs a fetch handler');
    applyImmutableIdPreference(context);
    await this.next.execute(context);
  }
}
