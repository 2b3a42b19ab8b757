import { createHash } from 'node:crypto';
import type { EventName } from './catalog';

// The one event id convention: `<type>_<subject id>[_<occurrence>...]`. The subject is the record the event is about
// (connection, app, send, calendar operation); the occurrence parts tell repeated events of one subject apart (a
// token version, a time, a secret version). The same event emitted twice gets the same id and is delivered once.

const SAFE = /^[A-Za-z0-9._-]+$/;

export function eventId(type: EventName, subjectId: string, ...occurrence: Array<string | number>): string {
  const parts = [type, subjectId, ...occurrence.map(String)];
  for (const part of parts)
    if (!SAFE.test(part)) throw new Error(`event id part "${part}" of ${type} has characters outside [A-Za-z0-9._-]`);
  return parts.join('_');
}

/** A long or free-form occurrence (a Graph message id runs to ~150 characters) as a short stable hash. */
export const occurrenceHash = (value: string): string => createHash('sha256').update(value).digest('hex').slice(0, 32);
