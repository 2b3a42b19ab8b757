import type { Connection } from 'mongoose';
import { testIsolation } from '@outlook-connect/shared/testing';
import { connectStore } from './connect';

// The store contract's hot paths address documents by `_id` (alone, with compare-and-set fields, or `$in`): these
// must come from the `_id` index, not a collection scan. On FerretDB's SQLite backend that is our patch
// (test/stack/ferretdb/patches); on MongoDB it is the default. Results must be exactly the filter's, whatever is
// pushed down.

/** Whether an explain() answer says the `_id` index served the query (MongoDB or FerretDB on SQLite/PostgreSQL). */
function usedIdIndex(explain: Record<string, unknown>): boolean {
  const text = JSON.stringify(explain.queryPlanner ?? explain);
  return /IDHACK|EXPRESS_IXSCAN|"IXSCAN"|USING INDEX \S+__id_|Index Scan/.test(text);
}

describe('lookups by _id on the store', () => {
  const iso = testIsolation('id-lookups');
  let conn: Connection;
  type Doc = { _id: string; status: string; n: number; pad: string };

  beforeAll(async () => {
    conn = await connectStore({ url: iso.mongoUrl, dbName: iso.dbName });
    const docs: Doc[] = Array.from({ length: 3_000 }, (_, i) => ({
      _id: `c${i}`,
      status: i % 2 ? 'active' : 'gone',
      n: i,
      pad: 'x'.repeat(500),
    }));
    await conn.collection<Doc>('things').insertMany(docs);
  });

  afterAll(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  const things = () => conn.collection<Doc>('things');
  const ns = (docs: Doc[]) => docs.map((d) => d.n).sort((a, b) => a - b);

  it('serves _id, _id plus other fields, and _id $in from the _id index', async () => {
    for (const filter of [
      { _id: 'c7' },
      { _id: 'c7', status: 'active', n: 7 },
      { _id: { $in: ['c1', 'c2', 'c3'] } },
      { _id: { $in: ['c1', 'c2'] }, status: 'active' },
    ]) {
      const explain = (await things().find(filter).explain()) as Record<string, unknown>;
      expect({ filter, indexed: usedIdIndex(explain) }).toEqual({ filter, indexed: true });
    }
  });

  it('returns exactly what the whole filter matches', async () => {
    expect(ns(await things().find({ _id: 'c7' }).toArray())).toEqual([7]);
    expect(ns(await things().find({ _id: 'c7', status: 'active' }).toArray())).toEqual([7]);
    expect(await things().find({ _id: 'c8', status: 'active' }).toArray()).toEqual([]);
    expect(
      ns(
        await things()
          .find({ _id: { $in: ['c1', 'c2', 'c3', 'nope'] } })
          .toArray(),
      ),
    ).toEqual([1, 2, 3]);
    expect(
      ns(
        await things()
          .find({ _id: { $in: ['c1', 'c2', 'c3'] }, status: 'active' })
          .toArray(),
      ),
    ).toEqual([1, 3]);
    expect(await things().countDocuments({ _id: { $nin: ['c1'] }, n: { $lt: 3 } })).toBe(2);
  });

  it('compare-and-sets, updates and deletes by _id with extra conditions', async () => {
    expect(
      (
        await things().findOneAndUpdate(
          { _id: 'c9', status: 'active' },
          { $inc: { n: 1_000 } },
          { returnDocument: 'after' },
        )
      )?.n,
    ).toBe(1_009);
    expect(await things().findOneAndUpdate({ _id: 'c10', status: 'active' }, { $inc: { n: 1_000 } })).toBeNull();
    expect(
      (await things().updateMany({ _id: { $in: ['c11', 'c12'] }, status: 'gone' }, { $set: { n: -1 } })).modifiedCount,
    ).toBe(1);
    expect((await things().deleteMany({ _id: { $in: ['c13', 'c14', 'c15'] } })).deletedCount).toBe(3);
    expect(await things().countDocuments({ _id: { $in: ['c13', 'c16', 'c17'] } })).toBe(2);
    expect((await things().findOne({ _id: 'c10' }))?.n).toBe(10);
  });
});
