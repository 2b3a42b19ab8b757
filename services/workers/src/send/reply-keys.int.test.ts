import { newId, replyKeyId, REPLY_KEY_BACKFILL, type SendDoc } from '@outlook-connect/shared';
import { createSendsLookup } from '../inbox/reply-lookup';
import { DEFAULT_MAINTENANCE_POLICY } from '../maintenance/maintenance-policy';
import { retention } from '../maintenance/retention';
import { startWorkerStack, type WorkerStack } from '../testing/worker-stack';
import { backfillReplyKeys } from './reply-key-backfill';
import { recordReplyKeys } from './reply-keys';

// The reply keys on the real store: the inbox's lookup reads only by `_id` however many sends are stored, the
// one-time backfill files the sends stored before the keys (resumable, marked done), and retention takes the keys of
// the sends it deletes.

jest.setTimeout(60_000);

const DAY = 86_400_000;
let stack: WorkerStack;

beforeAll(async () => {
  stack = await startWorkerStack('replykeys');
});
afterAll(() => stack?.close());

const models = () => stack.clients.deps.models;
type Stored = Pick<
  SendDoc,
  '_id' | 'connectionId' | 'status' | 'internetMessageId' | 'conversationId' | 'sentAt' | 'updatedAt'
>;
function send(connectionId: string, over: Partial<Stored> = {}): Stored & Record<string, unknown> {
  const id = newId('send');
  return {
    _id: id,
    workspaceId: stack.workspaceId,
    connectionId,
    idempotencyKey: newId('k'),
    status: 'sent',
    internetMessageId: `<${id}@fabrikam.com>`,
    conversationId: `conv-${id}`,
    sentAt: new Date(),
    updatedAt: new Date(),
    createdAt: new Date(),
    ...over,
  };
}

/** Every filter the store is sent while `fn` runs, by collection. */
async function filtersDuring(fn: () => Promise<unknown>): Promise<Array<{ collection: string; filter: unknown }>> {
  const seen: Array<{ collection: string; filter: unknown }> = [];
  const conn = models().Send.db;
  conn.set('debug', (collection: string, method: string, filter: unknown) => {
    if (['find', 'findOne', 'countDocuments', 'aggregate'].includes(method)) seen.push({ collection, filter });
  });
  try {
    await fn();
  } finally {
    conn.set('debug', false);
  }
  return seen;
}

it('the reply lookup reads reply keys and sends by _id only, and links only sent sends that carry the id', async () => {
  const conn = newId('conn');
  // Sends of other mailboxes the lookup must not read.
  const others = Array.from({ length: 200 }, () => send(newId('conn')));
  const answered = send(conn);
  const sameThread = send(conn, { conversationId: answered.conversationId, internetMessageId: '<later@fabrikam.com>' });
  const failed = send(conn, { status: 'failed', conversationId: answered.conversationId });
  const unrelated = send(conn);
  await models().Send.collection.insertMany([...others, answered, sameThread, failed, unrelated] as never[]);
  for (const s of [...others, answered, sameThread, failed, unrelated]) await recordReplyKeys(models(), s);

  const lookup = createSendsLookup(models());
  let refs: Awaited<ReturnType<typeof lookup>> = [];
  const filters = await filtersDuring(async () => {
    refs = await lookup({
      connectionId: conn,
      conversationIds: [answered.conversationId!, 'conv-nobody'],
      messageIds: ['<reply@contoso.com>', answered.internetMessageId!],
    });
  });
  expect(refs.map((r) => r._id).sort()).toEqual([answered._id, sameThread._id].sort());
  expect(filters.map((f) => f.collection).sort()).toEqual(['reply_keys', 'sends']);
  for (const { filter } of filters) expect(Object.keys(filter as object)).toEqual(['_id']);
  // Another mailbox's ids are other keys: the same Message-ID there finds nothing of ours.
  expect(
    await lookup({ connectionId: newId('conn'), conversationIds: [], messageIds: [answered.internetMessageId!] }),
  ).toEqual([]);
});

it('the backfill files sends stored before the keys, a bounded share a run, resumes from its mark and then stops', async () => {
  const conn = newId('conn');
  const sent = Array.from({ length: 23 }, () => send(conn));
  const open = send(conn, { status: 'sending' });
  const noIds = send(conn, { internetMessageId: null, conversationId: null });
  await models().Send.collection.insertMany([...sent, open, noIds] as never[]);
  await models().ReplyKey.deleteMany({});

  const opts = { batch: 5, maxBatches: 2 };
  const first = await backfillReplyKeys({ models: models() }, opts);
  expect(first).toMatchObject({ done: false, read: 10 });
  const mark = await models().ReplyKey.findById(REPLY_KEY_BACKFILL).lean();
  expect(mark?.done).toBe(false);
  const runs = [first];
  while (!runs[runs.length - 1]!.done) runs.push(await backfillReplyKeys({ models: models() }, opts));
  const total = await models().Send.countDocuments({});
  expect(runs.reduce((n, r) => n + r.read, 0)).toBe(total);
  expect(await backfillReplyKeys({ models: models() }, opts)).toEqual({ done: true, read: 0, filed: 0 });

  for (const s of sent) {
    const key = await models()
      .ReplyKey.findById(replyKeyId(conn, 'message', s.internetMessageId!))
      .lean();
    expect(key?.sendIds).toEqual([s._id]);
  }
  expect(
    await models()
      .ReplyKey.findById(replyKeyId(conn, 'message', open.internetMessageId!))
      .lean(),
  ).toBeNull();
  const lookup = createSendsLookup(models());
  const refs = await lookup({ connectionId: conn, conversationIds: [], messageIds: [sent[17]!.internetMessageId!] });
  expect(refs.map((r) => r._id)).toEqual([sent[17]!._id]);
});

it('retention takes the deleted sends out of their keys and removes keys left empty', async () => {
  const conn = newId('conn');
  const old = new Date(Date.now() - 100 * DAY);
  const gone = send(conn, { updatedAt: old });
  const goneInThread = send(conn, { updatedAt: old, conversationId: 'conv-shared' });
  const kept = send(conn, { conversationId: 'conv-shared' });
  await models().Send.collection.insertMany([gone, goneInThread, kept] as never[]);
  for (const s of [gone, goneInThread, kept]) await recordReplyKeys(models(), s);

  const res = await retention({
    ...stack.clients.deps,
    maintenancePolicy: DEFAULT_MAINTENANCE_POLICY,
    inboxMirrorDays: null,
  });
  expect(res.sends).toBeGreaterThanOrEqual(2);
  const key = (kind: 'message' | 'conversation', v: string) =>
    models()
      .ReplyKey.findById(replyKeyId(conn, kind, v))
      .lean();
  expect(await key('message', gone.internetMessageId!)).toBeNull();
  expect(await key('conversation', gone.conversationId!)).toBeNull();
  expect(await key('message', goneInThread.internetMessageId!)).toBeNull();
  expect((await key('conversation', 'conv-shared'))?.sendIds).toEqual([kept._id]);
  expect((await key('message', kept.internetMessageId!))?.sendIds).toEqual([kept._id]);
});
