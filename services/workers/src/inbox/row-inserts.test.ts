import type { InboxMessageDoc, Models } from '@outlook-connect/shared';
import { createRowInserts, sharesOf } from './row-inserts';

const dup = (index: number) => ({ index, code: 11000 });

describe('sharesOf', () => {
  it('gives every batch no duplicates when the insert succeeded', () => {
    expect(sharesOf([2, 3], undefined)).toEqual([{ duplicates: [] }, { duplicates: [] }]);
  });
  it("maps duplicate keys back to each batch's own row indexes", () => {
    const err = { writeErrors: [dup(1), dup(2), dup(4)] };
    expect(sharesOf([2, 3], err)).toEqual([{ duplicates: [1] }, { duplicates: [0, 2] }]);
  });
  it('takes a lone write error (not an array) like a list of one', () => {
    expect(sharesOf([1, 1], { writeErrors: dup(1) })).toEqual([{ duplicates: [] }, { duplicates: [0] }]);
  });
  it('fails only the batch whose row failed otherwise', () => {
    const err = { writeErrors: [dup(0), { index: 3, code: 2 }] };
    expect(sharesOf([2, 2], err)).toEqual([{ duplicates: [0] }, { error: err }]);
  });
  it('fails every batch when the insert failed as a whole', () => {
    const err = new Error('connection reset');
    expect(sharesOf([2, 3], err)).toEqual([{ error: err }, { error: err }]);
  });
});

describe('createRowInserts', () => {
  const row = (id: string) => ({ _id: id }) as InboxMessageDoc;

  function fakeModels(answer: (ids: string[]) => Promise<void>) {
    const calls: string[][] = [];
    const models = {
      InboxMessage: {
        collection: {
          insertMany: (rows: InboxMessageDoc[]) => {
            const ids = rows.map((r) => r._id);
            calls.push(ids);
            return answer(ids);
          },
        },
      },
    } as unknown as Pick<Models, 'InboxMessage'>;
    return { models, calls };
  }

  it('sends a lone batch at once and those handed in meanwhile together in the next insert', async () => {
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const { models, calls } = fakeModels((ids) => (ids[0] === 'a' ? first : Promise.resolve()));
    const insert = createRowInserts(models);
    const a = insert([row('a')]);
    const b = insert([row('b'), row('c')]);
    const c = insert([row('d')]);
    expect(calls).toEqual([['a']]);
    release();
    await expect(Promise.all([a, b, c])).resolves.toEqual([[], [], []]);
    expect(calls).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it("keeps a batch under maxBatch rows unless it is a single caller's, and answers each caller its duplicates", async () => {
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const { models, calls } = fakeModels(async (ids) => {
      if (ids[0] === 'a') return first;
      if (ids.includes('c')) throw Object.assign(new Error('dup'), { writeErrors: [dup(ids.indexOf('c'))] });
    });
    const insert = createRowInserts(models, 2);
    const a = insert([row('a')]);
    const b = insert([row('b'), row('c')]);
    const c = insert([row('d'), row('e'), row('f')]);
    release();
    await expect(Promise.all([a, b, c])).resolves.toEqual([[], [1], []]);
    expect(calls).toEqual([['a'], ['b', 'c'], ['d', 'e', 'f']]);
  });

  it('rejects only the callers whose rows failed, and goes on with the next batch', async () => {
    const { models, calls } = fakeModels(async (ids) => {
      if (ids.includes('x'))
        throw Object.assign(new Error('bad row'), { writeErrors: [{ index: ids.indexOf('x'), code: 2 }] });
    });
    const insert = createRowInserts(models);
    await expect(insert([row('x')])).rejects.toThrow('bad row');
    await expect(insert([row('y')])).resolves.toEqual([]);
    await expect(insert([])).resolves.toEqual([]);
    expect(calls).toEqual([['x'], ['y']]);
  });
});
