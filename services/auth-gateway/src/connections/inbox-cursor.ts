/** An opaque cursor: the last message's receivedAt and id (ties broken by id), base64url. */
export function encodeInboxCursor(receivedAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([receivedAt.toISOString(), id])).toString('base64url');
}

export function decodeInboxCursor(cursor: string): { receivedAt: Date; id: string } | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') return null;
    const receivedAt = new Date(parsed[0]);
    return Number.isNaN(receivedAt.getTime()) ? null : { receivedAt, id: parsed[1] };
  } catch {
    return null;
  }
}
