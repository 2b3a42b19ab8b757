import { createGroupReader } from './group-reader';

type Doc = { _id: string; n: number };

/** A readMany whose calls stay open until released, recording the ids each call asked for. */
function heldRead() {
  const calls: string[][] = [];
  const releases: Array<(err?: unknown) => void> = [];
  const readMany = (ids: string[]) =>
    new Promise<Doc[]>((resolve, reject) => {
      calls.push(ids);
      releases.push((err) =>
        err ? reject(err) : resolve(ids.filter((id) => id !== 'gone').map((id) => ({ _id: id, n: id.length }))),
      );
    });
  return { calls, readMany, release: (i: number, err?: unknown) => releases[i]!(err) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('group reader', () => {
  it('reads a lone id at once, and ids asked for during a read together in the next one', async () => {
    const h = heldRead();
    const reader = createGroupReader(h.readMany);
    const first = reader.read('a');
    await tick();
    expect(h.calls).toEqual([['a']]);
    const later = [reader.read('bb'), reader.read('gone'), reader.read('bb')];
    await tick();
    expect(h.calls).toEqual([['a']]);
    h.release(0);
    expect(await first).toEqual({ _id: 'a', n: 1 });
    await tick();
    expect(h.calls).toEqual([['a'], ['bb', 'gone']]);
    h.release(1);
    expect(await Promise.all(later)).toEqual([{ _id: 'bb', n: 2 }, null, { _id: 'bb', n: 2 }]);
  });

  it('a failed read fails only its own batch, and the next batch still goes out', async () => {
    const h = heldRead();
    const reader = createGroupReader(h.readMany);
    const first = reader.read('a');
    await tick();
    const second = reader.read('b');
    h.release(0, new Error('store down'));
    await expect(first).rejects.toThrow('store down');
    await tick();
    expect(h.calls).toEqual([['a'], ['b']]);
    h.release(1);
    expect(await second).toEqual({ _id: 'b', n: 1 });
  });

  it('splits a large group into batches of maxBatch', async () => {
    const h = heldRead();
    const reader = createGroupReader(h.readMany, 2);
    const first = reader.read('x');
    await tick();
    const rest = ['a', 'b', 'c'].map((id) => reader.read(id));
    h.release(0);
    await first;
    await tick();
    expect(h.calls).toEqual([['x'], ['a', 'b']]);
    h.release(1);
    await tick();
    expect(h.calls).toEqual([['x'], ['a', 'b'], ['c']]);
    h.release(2);
    expect((await Promise.all(rest)).map((d) => d?._id)).toEqual(['a', 'b', 'c']);
  });
});
