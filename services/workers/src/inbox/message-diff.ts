import type { InboxMessageDoc } from '@outlook-connect/shared';
import type { InboxMessageFields } from './graph-message';

// What a delta page changes on a stored message: only those fields are written (most replays change nothing).

export type StoredMessage = Pick<InboxMessageDoc, '_id' | 'syncGeneration'> &
  Partial<Omit<InboxMessageDoc, '_id' | 'syncGeneration'>>;

/** The fields a stored message is compared on (and read back for): what Graph gives us, plus the generation. */
export const COMPARED_FIELDS = [
  'graphId',
  'internetMessageId',
  'conversationId',
  'from',
  'to',
  'cc',
  'subject',
  'bodyPreview',
  'receivedAt',
  'isRead',
  'hasAttachments',
  'webLink',
  'inReplyTo',
  'references',
  'syncGeneration',
] as const;

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date || b instanceof Date)
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
    return (
      ka.length === kb.length &&
      ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return false;
}

/**
 * The $set that brings a stored message up to date with Graph's copy under `generation`, or null when nothing
 * changed. Fields Graph did not return (inReplyTo/references without headers) are left as stored.
 */
export function messageChanges(
  stored: StoredMessage,
  incoming: InboxMessageFields,
  generation: number,
): Partial<InboxMessageDoc> | null {
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    if (!sameValue((stored as Record<string, unknown>)[key], value)) set[key] = value;
  }
  if (stored.syncGeneration !== generation) set.syncGeneration = generation;
  return Object.keys(set).length > 0 ? (set as Partial<InboxMessageDoc>) : null;
}
