import { createGroupWriter, createLingeringWriter } from './group-writer';

/** An insert whose calls stay open until released, recording what each call carried. */
function heldInsert() {
  const calls: number[][] = [];
  const releases: Array<(err?: unknown) => void> = [];
  const insert = (docs: number[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push(docs);
      releases.push((err) => (err ? reject(err) : resolve()));
    });
  return { calls, insert, release: (i: number, err?: unknown) => releases[i]!(err) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('group writer', () => {
  it('writes a lone line at once, and lines arriving during an insert together in the next one', async () => {
    const h = heldInsert();
    const writer = createGroupWriter(h.insert);
    const first = writer.add(1);
    await tick();
    expect(h.calls).toEqual([[1]]);
    const later = [writer.add(2), writer.add(3), writer.add(4)];
    await tick();
    expect(h.calls).toEqual([[1]]);
    h.release(0);
    await first;
    await tick();
    expect(h.calls).toEqual([[1], [2, 3, 4]]);
    h.release(1);
    await Promise.all(later);
  });

  it('a caller settles only when its own batch is written', async () => {
    const h = heldInsert();
    const writer = createGroupWriter(h.insert);
    void writer.add(1);
    let secondDone = false;
    const second = writer.add(2).then(() => (secondDone = true));
    await tick();
    h.release(0);
    await tick();
    expect(secondDone).toBe(false);
    h.release(1);
    await second;
    expect(secondDone).toBe(true);
  });

  it('a failed insert rejects every line of its batch, and the writer goes on with the next', async () => {
    const h = heldInsert();
    const writer = createGroupWriter(h.insert);
    const a = writer.add(1);
    await tick();
    const b = writer.add(2);
    h.release(0, new Error('store busy'));
    await expect(a).rejects.toThrow('store busy');
    await tick();
    h.release(1);
    await expect(b).resolves.toBeUndefined();
    expect(h.calls).toEqual([[1], [2]]);
  });

  it('caps a batch at maxBatch lines', async () => {
    const h = heldInsert();
    const writer = createGroupWriter(h.insert, 2);
    const all = [writer.add(1)];
    await tick();
    all.push(writer.add(2), writer.add(3), writer.add(4));
    h.release(0);
    await tick();
    expect(h.calls[1]).toEqual([2, 3]);
    h.release(1);
    await tick();
    expect(h.calls[2]).toEqual([4]);
    h.release(2);
    await Promise.all(all);
  });
});

describe('lingering writer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('holds lines for lingerMs and writes them in one insert', async () => {
    const calls: number[][] = [];
    const writer = createLingeringWriter(async (docs: number[]) => void calls.push(docs), {
      lingerMs: 500,
      onError: () => undefined,
    });
    writer.add(1);
    writer.add(2);
    jest.advanceTimersByTime(499);
    expect(calls).toEqual([]);
    writer.add(3);
    jest.advanceTimersByTime(1);
    await writer.flush();
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('writes at once when maxBatch lines are held, and flush writes what is held', async () => {
    const calls: number[][] = [];
    const writer = createLingeringWriter(async (docs: number[]) => void calls.push(docs), {
      lingerMs: 10_000,
      maxBatch: 2,
      onError: () => undefined,
    });
    writer.add(1);
    writer.add(2);
    writer.add(3);
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toEqual([[1, 2]]);
    await writer.flush();
    expect(calls).toEqual([[1, 2], [3]]);
  });

  it('hands a failed insert to onError with its lines count and goes on', async () => {
    const errors: Array<[string, number]> = [];
    let fail = true;
    const calls: number[][] = [];
    const writer = createLingeringWriter(
      async (docs: number[]) => {
        if (fail) throw new Error('store down');
        calls.push(docs);
      },
      { lingerMs: 100, onError: (err, lines) => errors.push([(err as Error).message, lines]) },
    );
    writer.add(1);
    writer.add(2);
    await writer.flush();
    fail = false;
    writer.add(3);
    await writer.flush();
    expect(errors).toEqual([['store down', 2]]);
    expect(calls).toEqual([[3]]);
  });
});
