import { opaque } from '../util/ids';

// Outlook upload sessions ("Attach large files to Outlook messages or events"): the bytes of one attachment arrive
// in order, in ranges, before the attachment exists. Kept in memory only (a restart loses open sessions).

export const MIN_SESSION_BYTES = 3 * 1024 * 1024;
export const MAX_SESSION_BYTES = 150 * 1024 * 1024;
/** Largest range one PUT may carry ("keep each byte range less than 4 MB"; decimal MB, the stricter reading). */
export const MAX_RANGE_BYTES = 4_000_000;
/** Every range but the last is a multiple of 320 KiB (the rule upload sessions state for drive items). */
export const RANGE_MULTIPLE = 320 * 1024;
export const SESSION_LIFETIME_MS = 15 * 60_000;

export interface UploadSession {
  id: string;
  /** The pre-authenticated token the uploadUrl carries. */
  token: string;
  userId: string;
  tenantId: string;
  messageId: string;
  name: string;
  contentType: string;
  isInline: boolean;
  contentId: string | null;
  size: number;
  expiresAtMs: number;
  chunks: Buffer[];
  received: number;
}

export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();

  open(input: Omit<UploadSession, 'id' | 'token' | 'chunks' | 'received'>): UploadSession {
    const session: UploadSession = {
      ...input,
      id: `AAMkAGSess${opaque(18)}`,
      token: opaque(32),
      chunks: [],
      received: 0,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string): UploadSession | undefined {
    return this.sessions.get(id);
  }

  close(id: string): void {
    this.sessions.delete(id);
  }

  clear(): void {
    this.sessions.clear();
  }
}

export type RangeCheck =
  { ok: true; start: number; end: number } | { ok: false; status: number; code: string; message: string };

/** Checks one PUT's Content-Range against the session: in order, within the size, range rules above. */
export function checkRange(
  session: Pick<UploadSession, 'size' | 'received'>,
  header: string | undefined,
  bodyLength: number,
): RangeCheck {
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header ?? '');
  if (!m)
    return {
      ok: false,
      status: 400,
      code: 'ErrorInvalidContentRange',
      message: 'The Content-Range header is missing or malformed; expected bytes {start}-{end}/{total}.',
    };
  const start = Number(m[1]);
  const end = Number(m[2]);
  const total = Number(m[3]);
  if (total !== session.size)
    return {
      ok: false,
      status: 400,
      code: 'ErrorInvalidContentRange',
      message: `The total size ${total} does not match the session's size ${session.size}.`,
    };
  if (end < start || end >= total)
    return {
      ok: false,
      status: 400,
      code: 'ErrorInvalidContentRange',
      message: 'The Content-Range is outside the file.',
    };
  const length = end - start + 1;
  if (length !== bodyLength)
    return {
      ok: false,
      status: 400,
      code: 'ErrorInvalidContentRange',
      message: `The body has ${bodyLength} bytes; the Content-Range names ${length}.`,
    };
  if (start !== session.received)
    return {
      ok: false,
      status: 416,
      code: 'ErrorInvalidContentRange',
      message: `Bytes must be uploaded in order; the next expected byte is ${session.received}.`,
    };
  if (length > MAX_RANGE_BYTES)
    return {
      ok: false,
      status: 413,
      code: 'ErrorRequestEntityTooLarge',
      message: `A range may carry at most ${MAX_RANGE_BYTES} bytes.`,
    };
  const last = end === total - 1;
  if (!last && length % RANGE_MULTIPLE !== 0)
    return {
      ok: false,
      status: 400,
      code: 'ErrorInvalidContentRange',
      message: `Every range but the last must be a multiple of 320 KiB (${RANGE_MULTIPLE} bytes).`,
    };
  return { ok: true, start, end };
}

/** Bytes uploaded per mailbox in a sliding window (Outlook: 150 MB of PATCH/POST/PUT per 5 minutes). */
export class UploadBytesWindow {
  private readonly entries = new Map<string, Array<{ at: number; bytes: number }>>();

  constructor(private readonly spanMs = 5 * 60_000) {}

  /** Records `bytes` unless the window would exceed `max`; returns ms until enough frees, or 0 if recorded. */
  hit(key: string, nowMs: number, bytes: number, max: number): number {
    const list = (this.entries.get(key) ?? []).filter((e) => e.at > nowMs - this.spanMs);
    let used = list.reduce((sum, e) => sum + e.bytes, 0);
    if (used + bytes > max) {
      for (const e of list) {
        used -= e.bytes;
        if (used + bytes <= max) return Math.max(1, e.at + this.spanMs - nowMs);
      }
      return this.spanMs;
    }
    list.push({ at: nowMs, bytes });
    this.entries.set(key, list);
    return 0;
  }

  clear(): void {
    this.entries.clear();
  }
}
