import type { Models } from '@outlook-connect/shared';
import { BUCKET_MS, passWindow, planBucketPass, recheckDueAt, type BucketPassPlan } from './due-buckets';
import { applyScheduleChanges, readBuckets, saveScheduleCursor, scheduleCursor } from './schedule-store';

// One pass of a sweep over a schedule whose minutes are read once they are over (the push subscription sweep; the
// operation sweep reads the minute under way too; the inbox sync sweep reads ahead to its horizon instead, like the
// refresh sweep): every entry read is then due or has moved on. The caller says when each entry is due, acts on
// the due ones, then commits (moves, drops, rechecks, and the cursor).

/** The window reaches back this far (clock skew between the writers and the sweep). */
const SLACK_MINUTES = 5;
/** A backlog (the sweep did not run for a while) is read at most this many minutes per pass. */
const MAX_BACKLOG_MINUTES = 24 * 60;

type ScheduleModels = Pick<Models, 'ScheduleBucket' | 'ScheduleCursor'>;

export interface OverMinutesPassOptions {
  nowMs: number;
  /** A due entry is looked at again this much later if still due. */
  recheckMs: number;
  /** The first pass on a store (no cursor yet): files what exists, once; returns how many it filed. */
  firstPass: () => Promise<number>;
  /** When each entry read is due; null takes it off the schedule. */
  dueAt: (ids: string[]) => Promise<Map<string, number | null>>;
  /**
   * Also read the minute under way (default: only the minutes that are over). For a schedule whose entries are filed
   * when their record starts to need a look (the operation sweep's): an entry of this minute not due yet stays put.
   */
  currentMinute?: boolean;
}

export interface OverMinutesPass {
  /** What the first pass filed (0 when the store had a cursor). */
  initialized: number;
  /** Distinct entries read. */
  ids: string[];
  dueAt: Map<string, number | null>;
  /** `due`: act on these; the rest of the plan is applied by commit. */
  plan: BucketPassPlan;
  /** Entries moved on to another minute (not due now). */
  moved: number;
  /** Entries taken off the schedule. */
  dropped: number;
  commit: () => Promise<void>;
}

export async function openOverMinutesPass(
  models: ScheduleModels,
  schedule: string,
  opts: OverMinutesPassOptions,
): Promise<OverMinutesPass> {
  const { nowMs } = opts;
  const cursor = await scheduleCursor(models, schedule);
  const initialized = cursor === null ? await opts.firstPass() : 0;
  const win = passWindow({
    cursorMinute: cursor,
    nowMs,
    horizonMs: opts.currentMinute ? 0 : -BUCKET_MS,
    slackMinutes: SLACK_MINUTES,
    maxBacklog: MAX_BACKLOG_MINUTES,
  });
  const buckets = await readBuckets(models, schedule, win.ranges);
  const ids = [...new Set(buckets.flatMap((b) => b.ids))];
  const dueAt = await opts.dueAt(ids);
  const base = planBucketPass(buckets, (id) => dueAt.get(id) ?? null, {
    windowStart: win.windowStart,
    horizonEndMs: nowMs,
  });
  const plan = recheckDueAt(base, buckets, nowMs + opts.recheckMs);
  const due = new Set(plan.due);
  return {
    initialized,
    ids,
    dueAt,
    plan,
    moved: base.moves.filter((m) => !due.has(m.id)).length,
    dropped: ids.filter((id) => (dueAt.get(id) ?? null) === null).length,
    async commit() {
      await applyScheduleChanges(models, schedule, { ...plan, notBefore: win.windowStart });
      if (cursor !== win.nextCursor) await saveScheduleCursor(models, schedule, win.nextCursor);
    },
  };
}
