import {
  BUCKET_MS,
  bucketId,
  bucketIdsOf,
  groupByBucket,
  passWindow,
  planBucketPass,
  recheckDueAt,
  shardOf,
  slotOf,
} from './due-buckets';

const MIN = BUCKET_MS;

describe('groupByBucket', () => {
  it('files each id in its minute and shard, once, and never before notBefore', () => {
    const groups = groupByBucket(
      's',
      [
        { id: 'a', atMs: 10 * MIN + 5 },
        { id: 'a', atMs: 10 * MIN + 7 },
        { id: 'b', atMs: 2 * MIN },
      ],
      5,
    );
    expect(groups.get(bucketId('s', 10, shardOf('a')))).toEqual({ minute: 10, ids: ['a'] });
    expect(groups.get(bucketId('s', 5, shardOf('b')))).toEqual({ minute: 5, ids: ['b'] });
    expect(groups.size).toBe(2);
  });

  it('lists every shard of every minute of a range', () => {
    expect(bucketIdsOf('s', 3, 4)).toHaveLength(16);
    expect(bucketIdsOf('s', 3, 4)[0]).toBe('s:3:0');
  });
});

describe('passWindow', () => {
  const base = { nowMs: 100 * MIN + 30_000, horizonMs: 2 * MIN, slackMinutes: 5, maxBacklog: 10 };

  it('reads from slack minutes back to the horizon when there is no backlog', () => {
    expect(passWindow({ ...base, cursorMinute: 97 })).toEqual({ ranges: [[95, 102]], windowStart: 95, nextCursor: 95 });
    expect(passWindow({ ...base, cursorMinute: null })).toEqual({
      ranges: [[95, 102]],
      windowStart: 95,
      nextCursor: 95,
    });
  });

  it('reads a backlog from the cursor, at most maxBacklog minutes a pass, and continues it next time', () => {
    expect(passWindow({ ...base, cursorMinute: 90 })).toEqual({
      ranges: [
        [90, 94],
        [95, 102],
      ],
      windowStart: 95,
      nextCursor: 95,
    });
    expect(passWindow({ ...base, cursorMinute: 50 })).toMatchObject({
      ranges: [
        [50, 59],
        [95, 102],
      ],
      nextCursor: 60,
    });
  });
});

describe('planBucketPass', () => {
  const opts = { windowStart: 95, horizonEndMs: 102 * MIN };
  const bucket = (minute: number, ids: string[]) => ({ _id: `s:${minute}:0`, minute, ids });

  it('hands out what is due within the horizon and keeps it filed until its due time moves', () => {
    const due = { a: 100 * MIN, b: 101 * MIN + 10 };
    const plan = planBucketPass([bucket(100, ['a']), bucket(101, ['b'])], (id) => due[id as 'a' | 'b'], opts);
    expect(plan).toEqual({ due: ['a', 'b'], pulls: new Map(), moves: [], emptied: [] });
  });

  it('moves an entry whose record was rescheduled, and does not hand it out while it is beyond the horizon', () => {
    const plan = planBucketPass([bucket(96, ['a', 'c'])], (id) => (id === 'a' ? 150 * MIN : 96 * MIN), opts);
    expect(plan.due).toEqual(['c']);
    expect(plan.moves).toEqual([{ id: 'a', atMs: 150 * MIN }]);
    expect(plan.pulls.get('s:96:0')).toEqual(['a']);
    expect(plan.emptied).toEqual([]);
  });

  it('drops records off the schedule, and empties their bucket', () => {
    const plan = planBucketPass([bucket(96, ['gone'])], () => null, opts);
    expect(plan.pulls.get('s:96:0')).toEqual(['gone']);
    expect(plan.emptied).toEqual(['s:96:0']);
    expect(plan.due).toEqual([]);
  });

  it('brings an overdue entry of the backlog into the window, still handing it out', () => {
    const plan = planBucketPass([bucket(40, ['late'])], () => 40 * MIN, opts);
    expect(plan.due).toEqual(['late']);
    expect(plan.moves).toEqual([{ id: 'late', atMs: 40 * MIN }]);
    expect(plan.emptied).toEqual(['s:40:0']);
  });

  it('hands out and moves a record filed in two buckets only once', () => {
    const plan = planBucketPass([bucket(96, ['a']), bucket(97, ['a'])], () => 120 * MIN, opts);
    expect(plan.moves).toHaveLength(1);
    expect(plan.pulls.size).toBe(2);
  });
});

describe('recheckDueAt', () => {
  const bucket = (minute: number, ids: string[]) => ({ _id: `s:${minute}:0`, minute, ids });
  it('files what is handed out again at the recheck time, pulled from every bucket it was in', () => {
    const buckets = [bucket(96, ['a', 'b']), bucket(97, ['a'])];
    const plan = planBucketPass(buckets, (id) => (id === 'a' ? 96 * MIN : 150 * MIN), {
      windowStart: 95,
      horizonEndMs: 100 * MIN,
    });
    expect(plan.due).toEqual(['a']);
    const later = recheckDueAt(plan, buckets, 105 * MIN);
    expect(later.due).toEqual(['a']);
    expect(later.moves).toEqual([
      { id: 'b', atMs: 150 * MIN },
      { id: 'a', atMs: 105 * MIN },
    ]);
    expect(later.pulls.get('s:96:0')?.sort()).toEqual(['a', 'b']);
    expect(later.pulls.get('s:97:0')).toEqual(['a']);
    expect(later.emptied.sort()).toEqual(['s:96:0', 's:97:0']);
  });
  it('never pulls an entry from the bucket it is filed in again (the pull would undo the add)', () => {
    const buckets = [bucket(96, ['a', 'c']), bucket(99, ['a', 'gone'])];
    const plan = planBucketPass(buckets, (id) => (id === 'gone' ? null : 96 * MIN), {
      windowStart: 95,
      horizonEndMs: 100 * MIN,
    });
    const later = recheckDueAt(plan, buckets, 99 * MIN + 30_000);
    expect(later.pulls.get('s:99:0')).toEqual(['gone']);
    expect(later.pulls.get('s:96:0')?.sort()).toEqual(['a', 'c']);
    expect(later.emptied).toEqual(['s:96:0']);
    // Filed before the first minute the sweep reads: that minute, where it is already.
    const early = recheckDueAt(plan, buckets, 90 * MIN, 99);
    expect(early.pulls.get('s:99:0')).toEqual(['gone']);
  });
  it('leaves a plan with nothing due as it is', () => {
    const plan = planBucketPass([bucket(96, ['a'])], () => 150 * MIN, { windowStart: 95, horizonEndMs: 100 * MIN });
    expect(recheckDueAt(plan, [bucket(96, ['a'])], 105 * MIN)).toBe(plan);
  });
});

describe('buckets narrower than a minute (slotMs)', () => {
  const SLOT = 5_000;
  it('files, windows and plans by slot', () => {
    expect(slotOf(12 * SLOT + 4_999, SLOT)).toBe(12);
    expect(slotOf(2 * MIN)).toBe(2);
    const groups = groupByBucket('s', [{ id: 'a', atMs: 12 * SLOT + 1 }], 10, SLOT);
    expect(groups.get(bucketId('s', 12, shardOf('a')))).toEqual({ minute: 12, ids: ['a'] });
    // Slack and backlog count slots: a 30 s horizon from 100 slots and a bit reads slots 94..106.
    expect(
      passWindow({
        cursorMinute: 95,
        nowMs: 100 * SLOT + 1_000,
        horizonMs: 30_000,
        slackMinutes: 6,
        maxBacklog: 10,
        slotMs: SLOT,
      }),
    ).toEqual({ ranges: [[94, 106]], windowStart: 94, nextCursor: 94 });
    // Due at the next slot's start, read in this one: moved there; one due beyond the horizon stays unread in its slot.
    const plan = planBucketPass(
      [{ _id: 'b', minute: 100, ids: ['a', 'b'] }],
      (id) => (id === 'a' ? 101 * SLOT : 100 * SLOT),
      {
        windowStart: 94,
        horizonEndMs: 100 * SLOT + 30_000,
        slotMs: SLOT,
      },
    );
    expect(plan.due).toEqual(['a', 'b']);
    expect(plan.moves).toEqual([{ id: 'a', atMs: 101 * SLOT }]);
    const rechecked = recheckDueAt(plan, [{ _id: 'b', minute: 100, ids: ['a', 'b'] }], 112 * SLOT, 94, SLOT);
    expect(rechecked.moves).toEqual([
      { id: 'a', atMs: 112 * SLOT },
      { id: 'b', atMs: 112 * SLOT },
    ]);
    expect(rechecked.emptied).toEqual(['b']);
  });
});
