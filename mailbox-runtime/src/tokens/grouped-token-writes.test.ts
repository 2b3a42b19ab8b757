import { createTokenWriter, type TokenCollection, type TokenWrite } from './grouped-token-writes';

type Doc = { _id: string; tokenVersion: number; status: string; accessTokenEnc: string };

/**
 * An in-memory collection applying each updateOne as the store would (filter on _id, tokenVersion and status, then
 * $set and $inc), whose bulkWrites stay open until released; it records the ops of each bulkWrite and the reads.
 */
function heldCollection(docs: Doc[]) {
  const byId = new Map(docs.map((d) => [d._id, { ...d }]));
  const bulks: string[][] = [];
  const reads: string[][] = [];
  const releases: Array<(err?: unknown) => void> = [];
  const collection: TokenCollection = {
    bulkWrite: (ops) =>
      new Promise((resolve, reject) => {
        bulks.push(ops.map((o) => o.updateOne.filter._id as string));
        releases.push((err) => {
          if (err) return reject(err);
          let matchedCount = 0;
          for (const { updateOne } of ops) {
            const f = updateOne.filter as { _id: string; tokenVersion: number; status: string };
            const d = byId.get(f._id);
            if (!d || d.tokenVersion !== f.tokenVersion || d.status !== f.status) continue;
            matchedCount++;
            Object.assign(d, (updateOne.update as { $set: Partial<Doc> }).$set);
            d.tokenVersion += 1;
          }
          resolve({ matchedCount });
        });
      }),
    find: (filter) => ({
      toArray: async () => {
        const ids = (filter._id as { $in: string[] }).$in;
        reads.push(ids);
        return ids.flatMap((id) => (byId.has(id) ? [{ ...byId.get(id)! }] : []));
      },
    }),
  };
  return { collection, bulks, reads, byId, release: (i: number, err?: unknown) => releases[i]!(err) };
}

const write = (id: string, tokenVersion: number, token: string): TokenWrite => ({
  id,
  tokenVersion,
  set: { accessTokenEnc: token },
});
const tick = () => new Promise((r) => setImmediate(r));

describe('grouped token writes', () => {
  it('writes a lone compare-and-set at once, and those asked for meanwhile in one bulkWrite', async () => {
    const h = heldCollection([
      { _id: 'a', tokenVersion: 1, status: 'active', accessTokenEnc: 'a0' },
      { _id: 'b', tokenVersion: 4, status: 'active', accessTokenEnc: 'b0' },
      { _id: 'c', tokenVersion: 2, status: 'active', accessTokenEnc: 'c0' },
    ]);
    const writer = createTokenWriter(h.collection);
    const first = writer.write(write('a', 1, 'a1'));
    await tick();
    const later = [writer.write(write('b', 4, 'b1')), writer.write(write('c', 2, 'c1'))];
    await tick();
    expect(h.bulks).toEqual([['a']]);
    h.release(0);
    expect(await first).toBe(true);
    await tick();
    expect(h.bulks).toEqual([['a'], ['b', 'c']]);
    h.release(1);
    expect(await Promise.all(later)).toEqual([true, true]);
    // Every write matched: nothing is read back.
    expect(h.reads).toEqual([]);
    expect(h.byId.get('b')).toMatchObject({ tokenVersion: 5, accessTokenEnc: 'b1' });
  });

  it('tells each write of a batch whether it won when some did not match (version moved, not active, gone)', async () => {
    const h = heldCollection([
      { _id: 'a', tokenVersion: 1, status: 'active', accessTokenEnc: 'a0' },
      { _id: 'b', tokenVersion: 5, status: 'active', accessTokenEnc: 'b0' },
      { _id: 'c', tokenVersion: 2, status: 'needs_reconnect', accessTokenEnc: 'c0' },
      { _id: 'd', tokenVersion: 3, status: 'active', accessTokenEnc: 'd0' },
    ]);
    const writer = createTokenWriter(h.collection);
    const blocker = writer.write(write('a', 1, 'a1'));
    await tick();
    const batch = [
      writer.write(write('b', 4, 'b1')), // someone else refreshed: version moved on
      writer.write(write('c', 2, 'c1')), // marked needs_reconnect meanwhile
      writer.write(write('gone', 1, 'x')),
      writer.write(write('d', 3, 'd1')), // two writes from one version: the first applied wins, the second not
      writer.write(write('d', 3, 'd2')),
    ];
    h.release(0);
    await blocker;
    await tick();
    h.release(1);
    expect(await Promise.all(batch)).toEqual([false, false, false, true, false]);
    expect(h.reads).toEqual([['b', 'c', 'gone', 'd']]);
    expect(h.byId.get('b')).toMatchObject({ tokenVersion: 5, accessTokenEnc: 'b0' });
    expect(h.byId.get('c')).toMatchObject({ tokenVersion: 2, accessTokenEnc: 'c0' });
    expect(h.byId.get('d')).toMatchObject({ tokenVersion: 4, accessTokenEnc: 'd1' });
  });

  it('a failed bulkWrite fails only its own batch, and the next batch still goes out', async () => {
    const h = heldCollection([
      { _id: 'a', tokenVersion: 1, status: 'active', accessTokenEnc: 'a0' },
      { _id: 'b', tokenVersion: 1, status: 'active', accessTokenEnc: 'b0' },
    ]);
    const writer = createTokenWriter(h.collection);
    const first = writer.write(write('a', 1, 'a1'));
    await tick();
    const second = writer.write(write('b', 1, 'b1'));
    h.release(0, new Error('store down'));
    await expect(first).rejects.toThrow('store down');
    await tick();
    h.release(1);
    expect(await second).toBe(true);
  });
});
