import { groupedUpserts, replyKeyId, type Models, type SendDoc } from '@outlook-connect/shared';

// The one owner of the reply keys (shared/src/store/models/reply-key.ts): which sends carry a Message-ID or a
// conversation of a connection. Written when a send's ids become known (recorded sent, or its Sent Items copy
// seen), read by the inbox's reply lookup by `_id` only, pruned by retention with the sends it deletes.

type KeyModels = Pick<Models, 'ReplyKey'>;
export type KeyedSend = Pick<SendDoc, '_id' | 'connectionId' | 'internetMessageId' | 'conversationId'>;

/** The keys a send is found under: its Message-ID and its conversation (none for a send without ids: sendMail). */
export function replyKeysOf(send: Omit<KeyedSend, '_id'>): string[] {
  return [
    ...(send.internetMessageId ? [replyKeyId(send.connectionId, 'message', send.internetMessageId)] : []),
    ...(send.conversationId ? [replyKeyId(send.connectionId, 'conversation', send.conversationId)] : []),
  ];
}

/** The keys a page of messages asks for: the ids they carry or point at, and their conversations. */
export function lookupKeysOf(connectionId: string, messageIds: string[], conversationIds: string[]): string[] {
  return [
    ...messageIds.map((id) => replyKeyId(connectionId, 'message', id)),
    ...conversationIds.map((id) => replyKeyId(connectionId, 'conversation', id)),
  ];
}

type Entry = { key: string; sendId: string };

/** One `$addToSet` upsert per key of a batch (entries of one key merged): each single-document, atomic on both stores. */
export function keyUpserts(entries: Entry[]) {
  const byKey = new Map<string, Set<string>>();
  for (const e of entries) byKey.set(e.key, (byKey.get(e.key) ?? new Set()).add(e.sendId));
  return [...byKey].map(([key, ids]) => ({
    updateOne: {
      filter: { _id: key },
      update: { $addToSet: { sendIds: { $each: [...ids] } } },
      upsert: true,
    },
  }));
}

// The keys of sends recorded together by concurrent jobs of this process go out in one bulk write (as activity lines
// do), and each caller still awaits its own keys.
const writerFor = groupedUpserts<Entry, ReturnType<typeof keyUpserts>[number], Models['ReplyKey']>(keyUpserts);

/** Files a send under its keys (resolves once written; nothing to write for a send without ids). */
export async function recordReplyKeys(models: KeyModels, send: KeyedSend): Promise<void> {
  const keys = replyKeysOf(send);
  if (keys.length === 0) return;
  const writer = writerFor(models.ReplyKey);
  await Promise.all(keys.map((key) => writer.add({ key, sendId: send._id })));
}

/** The sends filed under any of these keys (one `_id $in` read). */
export async function sendIdsUnder(models: KeyModels, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const docs = await models.ReplyKey.find({ _id: { $in: keys } }, { sendIds: 1 }).lean();
  return [...new Set(docs.flatMap((d) => d.sendIds ?? []))];
}

/** Retention deleted these sends: their ids leave their keys, and keys left empty go (all by `_id`). */
export async function removeReplyKeys(models: KeyModels, sends: KeyedSend[]): Promise<void> {
  const byKey = new Map<string, string[]>();
  for (const s of sends) for (const key of replyKeysOf(s)) byKey.set(key, [...(byKey.get(key) ?? []), s._id]);
  if (byKey.size === 0) return;
  await models.ReplyKey.bulkWrite(
    [...byKey].map(([key, ids]) => ({
      updateOne: { filter: { _id: key }, update: { $pullAll: { sendIds: ids } } },
    })),
    { ordered: false },
  );
  // A send filed meanwhile keeps its key: the filter is checked in the same single-document delete.
  await models.ReplyKey.deleteMany({ _id: { $in: [...byKey.keys()] }, sendIds: { $size: 0 } });
}
