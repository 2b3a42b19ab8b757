import type { Connection } from 'mongoose';
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
