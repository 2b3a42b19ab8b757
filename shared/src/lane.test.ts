import { createLane } from './lane';

const deferred = () => {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
const tick = () => new Promise((r) => setImmediate(r));

describe('lane', () => {
  it('runs at most maxInFlight writes at once and the others in the order they came', async () => {
    const lane = createLane(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const done = gates.map((g, i) =>
      lane.run(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect([lane.inFlight, lane.waiting]).toEqual([2, 2]);
    gates[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]!.resolve();
    gates[3]!.resolve();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3]);
    expect([lane.inFlight, lane.waiting]).toEqual([0, 0]);
  });

  it('frees its place when a write fails, and passes the error on', async () => {
    const lane = createLane(1);
    const failing = lane.run(() => Promise.reject(new Error('store down')));
    const next = lane.run(async () => 'next');
    await expect(failing).rejects.toThrow('store down');
    await expect(next).resolves.toBe('next');
    expect(lane.inFlight).toBe(0);
  });

  it('lets the next write go when one stays unanswered past maxHoldMs (a store that stopped answering)', async () => {
    const lane = createLane(1, 50);
    const stuck = deferred();
    const first = lane.run(() => stuck.promise);
    const second = lane.run(async () => 'second');
    expect(lane.waiting).toBe(1);
    await expect(second).resolves.toBe('second');
    expect([lane.inFlight, lane.waiting]).toEqual([0, 0]);
    stuck.resolve(); // the stuck write answering late does not free a place twice
    await first;
    expect(lane.inFlight).toBe(0);
    const third = deferred();
    const t = lane.run(() => third.promise);
    const u = lane.run(async () => 'u');
    expect(lane.waiting).toBe(1);
    third.resolve();
    await t;
    await expect(u).resolves.toBe('u');
  });

  it('refuses a lane without room', () => {
    expect(() => createLane(0)).toThrow('at least 1');
  });
});
