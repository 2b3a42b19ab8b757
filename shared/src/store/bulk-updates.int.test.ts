import mongoose, { type Connection } from 'mongoose';
import { testIsolation } from '@outlook-connect/shared/testing';
import { connectStore } from './connect';

// Our grouped writers (token compare-and-sets, schedule filings and sweep moves, reply keys) send many
// single-document updates as one unordered bulkWrite, which the driver sends as one `update` command; MongoDB takes
// up to 100,000 statements in one. FerretDB 1.24 kept each statement's read open until the whole command returned,
// and each held one of its SQLite pool's 100 connections: the 100th statement's write then waited for a connection
// forever, and so did every other command on the store
// (test/stack/ferretdb/patches/sqlite-zz-update-iterators.patch). A refresh backlog of 1,000 connections hung the
// bench that way.

const STATEMENTS = 250;

describe('one bulkWrite of many single-document updates', () => {
  const iso = testIsolation('bulk-updates');
  type Doc = { _id: string; v: number };
  let store: Connection;

  beforeAll(async () => {
    store = await connectStore({ url: iso.mongoUrl, dbName: iso.dbName });
  });

  afterAll(async () => {
    await store.dropDatabase();
    await store.close();
  });

  const docs = () => store.collection<Doc>('bulk');
  const ids = Array.from({ length: STATEMENTS }, (_, i) => `d${i}`);

  it(`applies ${STATEMENTS} compare-and-sets in one command, and the store still answers`, async () => {
    await docs().insertMany(ids.map((_id) => ({ _id, v: 0 })));
    const res = await docs().bulkWrite(
      ids.map((_id) => ({ updateOne: { filter: { _id, v: 0 }, update: { $set: { v: 1 } } } })),
      { ordered: false },
    );
    expect({ matched: res.matchedCount, modified: res.modifiedCount }).toEqual({
      matched: STATEMENTS,
      modified: STATEMENTS,
    });
    // a lost compare-and-set stays lost: the second round matches nothing
    const again = await docs().bulkWrite(
      ids.map((_id) => ({ updateOne: { filter: { _id, v: 0 }, update: { $set: { v: 2 } } } })),
      { ordered: false },
    );
    expect(again.modifiedCount).toBe(0);
    expect(await docs().countDocuments({ v: 1 })).toBe(STATEMENTS);
  }, 30_000);

  it('takes upserts of new documents in one command', async () => {
    const res = await docs().bulkWrite(
      ids.map((id) => ({ updateOne: { filter: { _id: `u-${id}` }, update: { $set: { v: 7 } }, upsert: true } })),
      { ordered: false },
    );
    expect(res.upsertedCount).toBe(STATEMENTS);
    expect(await docs().countDocuments({ v: 7 })).toBe(STATEMENTS);
  }, 30_000);
});

// The other way many writes reach the store: one command each, from more clients than SQLite's pool has connections
// (every process holds up to 100; a fleet of workers has several). The write-lock patch locks each write's read and
// write as one unit, by `_id` (test/stack/ferretdb/patches/sqlite-write-lock.patch): writes to distinct documents go
// side by side, each holding a connection for its read while it waits for one to write with, and writes to one
// document go one after another. 300 at once on 300 documents answered in 1.4 s here; none may wait forever, and of
// writes racing on one document exactly one compare-and-set wins.
describe('many single-document writes at once', () => {
  const iso = testIsolation('concurrent-writes');
  const AT_ONCE = 250;
  type Doc = { _id: string; v: number; pad: string };
  let store: Connection;

  beforeAll(async () => {
    store = await mongoose
      .createConnection(iso.mongoUrl, { dbName: iso.dbName, maxPoolSize: AT_ONCE + 50, serverSelectionTimeoutMS: 3000 })
      .asPromise();
  });

  afterAll(async () => {
    await store.dropDatabase();
    await store.close();
  });

  const docs = () => store.collection<Doc>('concurrent');
  const ids = Array.from({ length: AT_ONCE }, (_, i) => `c${i}`);

  it(`answers ${AT_ONCE} compare-and-sets and ${AT_ONCE} updates on distinct documents sent at once`, async () => {
    // about the size of a connection with its encrypted tokens
    await docs().insertMany(ids.map((_id) => ({ _id, v: 0, pad: 'x'.repeat(2_000) })));
    const cas = await Promise.all(
      ids.map((_id) => docs().findOneAndUpdate({ _id, v: 0 }, { $inc: { v: 1 } }, { returnDocument: 'after' })),
    );
    expect(cas.filter((d) => d?.v === 1)).toHaveLength(AT_ONCE);
    const updates = await Promise.all(ids.map((_id) => docs().updateOne({ _id, v: 1 }, { $inc: { v: 1 } })));
    expect(updates.reduce((n, r) => n + r.modifiedCount, 0)).toBe(AT_ONCE);
    expect(await docs().countDocuments({ v: 2 })).toBe(AT_ONCE);
  }, 30_000);

  it('lets exactly one of 100 compare-and-sets racing on one document win', async () => {
    await docs().insertOne({ _id: 'raced', v: 0, pad: '' });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        docs().findOneAndUpdate({ _id: 'raced', v: 0 }, { $set: { v: i + 1 } }, { returnDocument: 'after' }),
      ),
    );
    const winners = results.filter((d) => d !== null);
    expect(winners).toHaveLength(1);
    expect((await docs().findOne({ _id: 'raced' }))?.v).toBe(winners[0]!.v);
  }, 30_000);
});
