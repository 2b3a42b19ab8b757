import type { Connection } from 'mongoose';
import { testIsolation } from '@outlook-connect/shared/testing';
import { connectStore } from './connect';

// Exactly-once (send claims, token-refresh compare-and-sets, calendar operations, connection status) rests on a
// filtered single-document write being atomic, as on MongoDB: of K writers racing the same compare-and-set, exactly
// one wins. On FerretDB's SQLite backend that is our patch test/stack/ferretdb/patches/sqlite-write-lock.patch.

const ROUNDS = 30;
const RACERS = 5;

describe('compare-and-set atomicity on the store', () => {
  const iso = testIsolation('cas-atomicity');
  type Doc = { _id: string; key?: string; v: number; winners: number[] };
  // separate clients, like separate workers: each has its own sockets to the store
  const clients: Connection[] = [];

  beforeAll(async () => {
    for (let i = 0; i < RACERS; i++) clients.push(await connectStore({ url: iso.mongoUrl, dbName: iso.dbName }));
  });

  afterAll(async () => {
    await clients[0]?.dropDatabase();
    await Promise.all(clients.map((c) => c.close()));
  });

  const docs = (i: number) => clients[i]!.collection<Doc>('versions');
  const racers = <T>(race: (i: number) => Promise<T>) => Promise.all(clients.map((_, i) => race(i)));

  it('updateOne with a version filter has exactly one winner per round', async () => {
    await docs(0).insertOne({ _id: 'u', v: 0, winners: [] });
    const winnersPerRound: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const results = await racers((i) =>
        docs(i).updateOne({ _id: 'u', v: round }, { $set: { v: round + 1 }, $push: { winners: i } }),
      );
      winnersPerRound.push(results.filter((r) => r.modifiedCount === 1).length);
    }
    expect(winnersPerRound).toEqual(Array.from({ length: ROUNDS }, () => 1));
    const final = await docs(0).findOne({ _id: 'u' });
    expect({ v: final?.v, writes: final?.winners.length }).toEqual({ v: ROUNDS, writes: ROUNDS });
  });

  it('findOneAndUpdate with a version filter has exactly one winner per round', async () => {
    await docs(0).insertOne({ _id: 'f', v: 0, winners: [] });
    const winnersPerRound: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const results = await racers((i) =>
        docs(i).findOneAndUpdate(
          { _id: 'f', v: round },
          { $inc: { v: 1 }, $push: { winners: i } },
          { returnDocument: 'after' },
        ),
      );
      const won = results.filter((d) => d !== null);
      winnersPerRound.push(won.length);
      // the winner sees its own write and nobody else's
      for (const d of won) expect(d.v).toBe(round + 1);
    }
    expect(winnersPerRound).toEqual(Array.from({ length: ROUNDS }, () => 1));
    const final = await docs(0).findOne({ _id: 'f' });
    expect({ v: final?.v, writes: final?.winners.length }).toEqual({ v: ROUNDS, writes: ROUNDS });
  });

  it('a compare-and-set by another field, racing ones by _id, still has exactly one winner per round', async () => {
    await docs(0).insertOne({ _id: 'k', key: 'k', v: 0, winners: [] });
    const winnersPerRound: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // odd racers address the document by _id, even ones by a field: both kinds of writer must exclude each other
      const results = await racers((i) =>
        docs(i).updateOne(i % 2 ? { _id: 'k', v: round } : { key: 'k', v: round }, {
          $set: { v: round + 1 },
          $push: { winners: i },
        }),
      );
      winnersPerRound.push(results.filter((r) => r.modifiedCount === 1).length);
    }
    expect(winnersPerRound).toEqual(Array.from({ length: ROUNDS }, () => 1));
    const final = await docs(0).findOne({ _id: 'k' });
    expect({ v: final?.v, writes: final?.winners.length }).toEqual({ v: ROUNDS, writes: ROUNDS });
  });

  it('findOneAndDelete hands a document to exactly one claimant', async () => {
    await docs(0).insertMany(
      Array.from({ length: ROUNDS }, (_, round) => ({ _id: `d${round}`, v: round, winners: [] })),
    );
    const claimsPerRound: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const results = await racers((i) => docs(i).findOneAndDelete({ _id: `d${round}`, v: round }));
      claimsPerRound.push(results.filter((d) => d !== null).length);
    }
    expect(claimsPerRound).toEqual(Array.from({ length: ROUNDS }, () => 1));
    expect(await docs(0).countDocuments({ _id: { $in: Array.from({ length: ROUNDS }, (_, r) => `d${r}`) } })).toBe(0);
  });
});
