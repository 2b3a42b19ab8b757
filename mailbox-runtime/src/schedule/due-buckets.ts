import { bucketId, BUCKET_MS, BUCKET_SHARDS, shardOf } from '@outlook-connect/shared';

// Pure parts of a bucketed due-time schedule: which bucket a record at a time goes to, and which buckets a sweep reads.
// The key scheme itself (minute, shard, bucket id) lives with the model in shared, where the producers reach it.
// A schedule whose every writer goes through mailbox-runtime may use buckets narrower than a minute (`slotMs`, the
// inbox sync schedule's): its bucket's `minute` is then the index of its slot of that width, and every function here
// takes the same `slotMs` (default: one minute, the shared scheme).
export { BUCKET_MS, BUCKET_SHARDS, bucketId, minuteOf, shardOf } from '@outlook-connect/shared';

/** The index of the bucket of width `slotMs` that `atMs` falls in (the minute, by default). */
export const slotOf = (atMs: number, slotMs: number = BUCKET_MS): number => Math.floor(atMs / slotMs);

/** Every bucket id of the minutes [from, to] (inclusive), all shards. */
export function bucketIdsOf(schedule: string, from: number, to: number): string[] {
  const ids: string[] = [];
  for (let m = from; m <= to; m++) for (let s = 0; s < BUCKET_SHARDS; s++) ids.push(bucketId(schedule, m, s));
  return ids;
}

export interface DueEntry {
  id: string;
  atMs: number;
}

/** Entries grouped by the bucket they belong in (`minute` at the earliest `notBefore`, a minute the sweep still reads). */
export function groupByBucket(
  schedule: string,
  entries: readonly DueEntry[],
  notBefore = Number.NEGATIVE_INFINITY,
  slotMs: number = BUCKET_MS,
): Map<string, { minute: number; ids: string[] }> {
  const out = new Map<string, { minute: number; ids: string[] }>();
  for (const e of entries) {
    const minute = Math.max(slotOf(e.atMs, slotMs), notBefore);
    const key = bucketId(schedule, minute, shardOf(e.id));
    const group = out.get(key);
    if (group) {
      if (!group.ids.includes(e.id)) group.ids.push(e.id);
    } else out.set(key, { minute, ids: [e.id] });
  }
  return out;
}

/**
 * The minutes one sweep pass reads: the backlog from the cursor (at most `maxBacklog` minutes of it) and always the
 * window from `slack` minutes back to the horizon; a backlog that did not fit is continued by the next pass. With
 * `slotMs`, every figure here (cursor, slack, backlog, the ranges) counts buckets of that width instead of minutes.
 */
export function passWindow(opts: {
  cursorMinute: number | null;
  nowMs: number;
  horizonMs: number;
  slackMinutes: number;
  maxBacklog: number;
  slotMs?: number;
}): { ranges: Array<[number, number]>; windowStart: number; nextCursor: number } {
  const windowStart = slotOf(opts.nowMs, opts.slotMs) - opts.slackMinutes;
  const end = slotOf(opts.nowMs + opts.horizonMs, opts.slotMs);
  const from = opts.cursorMinute === null ? windowStart : Math.min(opts.cursorMinute, windowStart);
  if (from >= windowStart) return { ranges: [[windowStart, end]], windowStart, nextCursor: windowStart };
  const backlogEnd = Math.min(windowStart - 1, from + opts.maxBacklog - 1);
  return {
    ranges: [
      [from, backlogEnd],
      [windowStart, end],
    ],
    windowStart,
    // The pass empties every backlog bucket it reads (entries move into the window or go), so the next one starts
    // where this one's backlog stopped.
    nextCursor: backlogEnd + 1,
  };
}

export interface BucketRead {
  _id: string;
  minute: number;
  ids: string[];
}

export interface BucketPassPlan {
  /** Ids whose due time is within the horizon (each once), to hand to the queue. */
  due: string[];
  /** Entries to drop from their bucket (record gone, off the schedule, or filed elsewhere). */
  pulls: Map<string, string[]>;
  /** Records to file in the bucket of their due time (not before the window's first minute). */
  moves: DueEntry[];
  /** Buckets this pass leaves without entries. */
  emptied: string[];
}

/**
 * One pass over the buckets read: each entry is checked against its record's due time (`dueAtOf`, null = not on the
 * schedule). Due within the horizon: handed out (and kept until the record's due time moves on). Filed in the wrong
 * bucket (the record moved, or it is overdue behind the window): moved. Off the schedule: dropped.
 */
export function planBucketPass(
  buckets: readonly BucketRead[],
  dueAtOf: (id: string) => number | null,
  opts: { windowStart: number; horizonEndMs: number; slotMs?: number },
): BucketPassPlan {
  const plan: BucketPassPlan = { due: [], pulls: new Map(), moves: [], emptied: [] };
  const dueSet = new Set<string>();
  const moved = new Set<string>();
  for (const b of buckets) {
    const pulled: string[] = [];
    for (const id of b.ids) {
      const at = dueAtOf(id);
      if (at === null) {
        pulled.push(id);
        continue;
      }
      if (at <= opts.horizonEndMs && !dueSet.has(id)) {
        dueSet.add(id);
        plan.due.push(id);
      }
      if (Math.max(slotOf(at, opts.slotMs), opts.windowStart) !== b.minute) {
        pulled.push(id);
        if (!moved.has(id)) {
          moved.add(id);
          plan.moves.push({ id, atMs: at });
        }
      }
    }
    if (pulled.length) plan.pulls.set(b._id, pulled);
    if (pulled.length === b.ids.length) plan.emptied.push(b._id);
  }
  return plan;
}

/**
 * The plan with every entry it hands out filed again at `atMs` (pulled from each bucket it was read in, but the one it
 * is filed in: a pull and an add of one entry in one bucket would race in the unordered bulkWrite): a sweep that only
 * checks on what is overdue looks at one it handed out again then, not on every pass until its record moves on.
 * `notBefore` is the first minute the sweep still reads (an earlier `atMs` is filed there, as the store does).
 */
export function recheckDueAt(
  plan: BucketPassPlan,
  buckets: readonly BucketRead[],
  atMs: number,
  notBefore = Number.NEGATIVE_INFINITY,
  slotMs: number = BUCKET_MS,
): BucketPassPlan {
  if (!plan.due.length) return plan;
  const due = new Set(plan.due);
  const pulls = new Map(plan.pulls);
  const emptied: string[] = [];
  const target = Math.max(slotOf(atMs, slotMs), notBefore);
  for (const b of buckets) {
    const pulled = new Set(pulls.get(b._id) ?? []);
    for (const id of b.ids)
      if (!due.has(id)) continue;
      else if (b.minute === target) pulled.delete(id);
      else pulled.add(id);
    if (pulled.size) pulls.set(b._id, [...pulled]);
    if (pulled.size === b.ids.length) emptied.push(b._id);
  }
  const moves = [...plan.moves.filter((m) => !due.has(m.id)), ...plan.due.map((id) => ({ id, atMs }))];
  return { due: plan.due, pulls, moves, emptied };
}
