import { createHash } from 'node:crypto';
import { Schema } from 'mongoose';

/**
 * Which sends carry one Message-ID or conversation of a connection, so the inbox finds the sends a reply answers by
 * `_id` (the one filter FerretDB answers from an index) instead of scanning `sends`. `_id` = `replyKeyId(...)`;
 * `sendIds` grows by `$addToSet` in a single-document upsert (atomic on MongoDB and FerretDB). An entry is a hint,
 * never the truth: the reader loads the sends by `_id` and keeps those whose record still carries the id and is sent;
 * a send retention deleted is simply not found.
 */
export interface ReplyKeyDoc {
  _id: string;
  sendIds: string[];
  /** Only on the backfill's mark (`_id` REPLY_KEY_BACKFILL): the last send filed, and whether the pass is over. */
  after?: string | null;
  done?: boolean;
}

/** The `_id` of the one-time backfill's mark (no key starts with `~`). */
export const REPLY_KEY_BACKFILL = '~backfill';

export type ReplyKeyKind = 'message' | 'conversation';

/** Values up to this length are kept as they are in the key; longer ones are hashed (keys stay small). */
const RAW_MAX = 100;

/** The deterministic `_id` of a (connection, kind, value) key. */
export function replyKeyId(connectionId: string, kind: ReplyKeyKind, value: string): string {
  const v = value.length <= RAW_MAX ? `=${value}` : `#${createHash('sha256').update(value).digest('base64url')}`;
  return `${kind === 'message' ? 'm' : 'c'}:${connectionId}:${v}`;
}

export const replyKeySchema = new Schema<ReplyKeyDoc>(
  {
    _id: { type: String, required: true },
    sendIds: { type: [String], default: () => [] },
    after: { type: String, default: undefined },
    done: { type: Boolean, default: undefined },
  },
  { collection: 'reply_keys', minimize: false, versionKey: false },
);
