import type { Queue } from 'bullmq';
import { createEventCarrier, EVENTS_PER_JOB, lingerWait } from './carrier';
import type { ProductEvent } from './envelope';

const event = (n: number): ProductEvent => ({
  id: `evt_${n}`,
  type: 'send.sent',
  workspaceId: 'ws_1',
  occurredAt: new Date(0).toISOString(),
  data: {},
});

/** A queue that records each add (one entry per job: the ids of its events) and answers after `answerMs`. */
function fakeQueue(answerMs = 1) {
  const jobs: string[][] = [];
  const ids = (data: unknown) => (data as { events: ProductEvent[] }).events.map((e) => e.id);
  const later = () => new Promise((resolve) => setTimeout(resolve, answerMs));
  const queue = {
    add: async (_name: string, data: unknown) => {
      jobs.push(ids(data));
      await later();
    },
    addBulk: async (list: Array<{ data: unknown }>) => {
      for (const j of list) jobs.push(ids(j.data));
      await later();
    },
  } as unknown as Queue;
  return { queue, jobs };
}

/** A carrier on `queue` with the linger given (20 ms unless set), on the (fake) clock. */
const carrierOn = (queue: Queue, lingerMs = 20) =>
  createEventCarrier(
    () => queue,
    () => ({}),
    { lingerMs, now: () => Date.now() },
  );

describe('lingerWait', () => {
  it('is the rest of the linger since the last add, never negative', () => {
    expect(lingerWait(1_000, Number.NEGATIVE_INFINITY, 20)).toBe(0);
    expect(lingerWait(1_005, 1_000, 20)).toBe(15);
    expect(lingerWait(1_020, 1_000, 20)).toBe(0);
    expect(lingerWait(1_050, 1_000, 20)).toBe(0);
    expect(lingerWait(1_005, 1_000, 0)).toBe(0);
  });
});

describe('event carrier', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('adds the first event of an idle process at once', async () => {
    const { queue, jobs } = fakeQueue();
    const carrier = carrierOn(queue);
    const done = carrier.add([event(1)]);
    expect(jobs).toEqual([['evt_1']]);
    await jest.advanceTimersByTimeAsync(1);
    await done;
  });

  it('holds events emitted soon after an add for the rest of the linger, then adds them as one job', async () => {
    const { queue, jobs } = fakeQueue();
    const carrier = carrierOn(queue);
    const settled: string[] = [];
    const track = (n: number) => carrier.add([event(n)]).then(() => settled.push(`evt_${n}`));
    const first = track(1); // t=0: at once
    await jest.advanceTimersByTimeAsync(7);
    const second = track(2); // t=7: waits until t=20
    await jest.advanceTimersByTimeAsync(7);
    const third = track(3); // t=14: joins it
    await jest.advanceTimersByTimeAsync(5); // t=19
    expect(jobs).toEqual([['evt_1']]);
    expect(settled).toEqual(['evt_1']);
    await jest.advanceTimersByTimeAsync(1); // t=20
    expect(jobs).toEqual([['evt_1'], ['evt_2', 'evt_3']]);
    await jest.advanceTimersByTimeAsync(1);
    await Promise.all([first, second, third]);
    expect(settled).toEqual(['evt_1', 'evt_2', 'evt_3']);
  });

  it('adds the events that arrived during an add right after it, in one job', async () => {
    const { queue, jobs } = fakeQueue(10);
    const carrier = carrierOn(queue);
    const all = [carrier.add([event(1)])];
    await jest.advanceTimersByTimeAsync(3);
    all.push(carrier.add([event(2)]), carrier.add([event(3)]));
    await jest.advanceTimersByTimeAsync(7); // the first add answers at t=10
    expect(jobs).toEqual([['evt_1'], ['evt_2', 'evt_3']]);
    await jest.advanceTimersByTimeAsync(10);
    await Promise.all(all);
  });

  it('with no linger, adds an event at once whenever no add is running', async () => {
    const { queue, jobs } = fakeQueue();
    const carrier = carrierOn(queue, 0);
    const first = carrier.add([event(1)]);
    await jest.advanceTimersByTimeAsync(2);
    const second = carrier.add([event(2)]);
    expect(jobs).toEqual([['evt_1'], ['evt_2']]);
    await jest.advanceTimersByTimeAsync(1);
    await Promise.all([first, second]);
  });

  it('splits a group over EVENTS_PER_JOB into several jobs', async () => {
    const { queue, jobs } = fakeQueue();
    const carrier = carrierOn(queue);
    const many = Array.from({ length: EVENTS_PER_JOB + 1 }, (_, i) => event(i));
    const done = carrier.add(many);
    expect(jobs.map((j) => j.length)).toEqual([EVENTS_PER_JOB, 1]);
    await jest.advanceTimersByTimeAsync(1);
    await done;
  });

  it('flush adds what is lingering at once', async () => {
    const { queue, jobs } = fakeQueue();
    const carrier = carrierOn(queue);
    const first = carrier.add([event(1)]);
    await jest.advanceTimersByTimeAsync(2);
    const second = carrier.add([event(2)]);
    expect(jobs).toEqual([['evt_1']]);
    const flushed = carrier.flush();
    expect(jobs).toEqual([['evt_1'], ['evt_2']]);
    await jest.advanceTimersByTimeAsync(1);
    await Promise.all([first, second, flushed]);
  });

  it('rejects the callers of a group whose add failed, and goes on with the next', async () => {
    let fail = true;
    const jobs: number[] = [];
    const queue = {
      add: async (_n: string, data: { events: unknown[] }) => {
        jobs.push(data.events.length);
        if (fail) throw new Error('redis down');
      },
    } as unknown as Queue;
    const carrier = carrierOn(queue);
    await expect(carrier.add([event(1)])).rejects.toThrow('redis down');
    fail = false;
    const next = carrier.add([event(2)]);
    await jest.advanceTimersByTimeAsync(20);
    await expect(next).resolves.toBeUndefined();
    expect(jobs).toEqual([1, 1]);
  });
});
