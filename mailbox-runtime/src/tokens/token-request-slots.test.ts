import { createTokenRequestSlots, refreshJobsInFlight, underTokenCap } from './token-request-slots';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};
const tick = () => new Promise((r) => setImmediate(r));

describe('token request slots', () => {
  it('lets at most the cap of grants go at once; the others go in the order they came', async () => {
    const slots = createTokenRequestSlots(2);
    const lock = { extend: jest.fn(async () => true) };
    const grants = [deferred<string>(), deferred<string>(), deferred<string>()];
    const started: number[] = [];
    const done = grants.map((g, i) =>
      underTokenCap(slots, lock, 30_000, () => {
        started.push(i);
        return g.promise;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect([slots.inFlight, slots.waiting]).toEqual([2, 1]);
    grants[1]!.resolve('b');
    await tick();
    expect(started).toEqual([0, 1, 2]);
    grants[0]!.resolve('a');
    grants[2]!.resolve('c');
    await expect(Promise.all(done)).resolves.toEqual(['a', 'b', 'c']);
    expect([slots.inFlight, slots.waiting]).toEqual([0, 0]);
    expect(lock.extend).not.toHaveBeenCalled(); // no wait long enough to eat into the lease
  });

  it('renews the refresh lock when the wait for a place took over a third of its lease', async () => {
    const slots = createTokenRequestSlots(1);
    let clock = 0;
    const lock = { extend: jest.fn(async () => true) };
    const first = deferred<string>();
    const a = underTokenCap(
      slots,
      lock,
      9_000,
      () => first.promise,
      () => clock,
    );
    const b = underTokenCap(
      slots,
      lock,
      9_000,
      async () => 'b',
      () => clock,
    );
    clock = 3_001; // the second waited just over a third of its 9 s lease
    first.resolve('a');
    await expect(Promise.all([a, b])).resolves.toEqual(['a', 'b']);
    expect(lock.extend).toHaveBeenCalledTimes(1);
  });

  it('still sends the grant when the lease could not be renewed (the compare-and-set guards the write)', async () => {
    const slots = createTokenRequestSlots(1);
    let clock = 0;
    const lock = { extend: jest.fn(async () => Promise.reject(new Error('redis down'))) };
    const first = deferred<string>();
    const a = underTokenCap(
      slots,
      lock,
      3_000,
      () => first.promise,
      () => clock,
    );
    const b = underTokenCap(
      slots,
      lock,
      3_000,
      async () => 'b',
      () => clock,
    );
    clock = 2_000;
    first.resolve('a');
    await expect(b).resolves.toBe('b');
    await a;
  });

  it('goes straight through without a cap, and passes a failed grant on with its place freed', async () => {
    const lock = { extend: jest.fn(async () => true) };
    await expect(underTokenCap(undefined, lock, 1_000, async () => 'x')).resolves.toBe('x');
    const slots = createTokenRequestSlots(1);
    await expect(
      underTokenCap(slots, lock, 1_000, async () => Promise.reject(new Error('invalid_grant'))),
    ).rejects.toThrow('invalid_grant');
    expect(slots.inFlight).toBe(0);
  });

  it('runs twice as many refresh jobs as grants in flight', () => {
    expect(refreshJobsInFlight(10)).toBe(20);
    expect(createTokenRequestSlots(7).maxInFlight).toBe(7);
  });
});
