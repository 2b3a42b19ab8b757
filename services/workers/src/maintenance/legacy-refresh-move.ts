import {
  addToSchedule,
  BUCKET_MS,
  bucketIdsOf,
  clearScheduleCursor,
  LEGACY_MOVE_MARK,
  LEGACY_REFRESH_SCHEDULE,
  planLegacyMove,
  readBuckets,
  REFRESH_SCHEDULE,
  REFRESH_SLOT_MS,
  scheduleCursor,
  settleLegacyMove,
  type LegacyMoveState,
  type RuntimeDeps,
} from '@outlook-connect/mailbox-runtime';

/** Bucket ids per deleteMany `$in`. */
const IDS_PER_DELETE = 2_000;

export interface LegacyMoveResult {
  /** Ids filed on the new schedule from the old minute buckets, and old buckets deleted. */
  copied: number;
  deleted: number;
  done: boolean;
}

type Deps = Pick<RuntimeDeps, 'models' | 'policy'>;

/**
 * One pass of moving the old minute-bucket refresh schedule to the 10 s one and deleting it
 * (mailbox-runtime/src/tokens/legacy-refresh-schedule.ts says when each minute is copied and deleted). Run by the
 * refresh sweep before it reads its window, so what it copies is read in the same pass. Every filter is on `_id`.
 * Null: nothing (left) to do.
 */
export async function moveLegacyRefreshSchedule(deps: Deps, now: number): Promise<LegacyMoveResult | null> {
  const { models } = deps;
  const mark = await models.ScheduleCursor.findById(LEGACY_MOVE_MARK).lean();
  // Once over, a pass reads only the mark.
  if (mark?.done) return null;
  const oldCursor = await scheduleCursor(models, LEGACY_REFRESH_SCHEDULE);
  const state: LegacyMoveState | null = mark
    ? {
        copied: mark.minute,
        purged: mark.purged ?? mark.minute,
        lastFound: mark.lastFound ?? mark.minute,
        done: mark.done === true,
      }
    : null;
  const plan = planLegacyMove({ state, oldCursor, nowMs: now, horizonMs: deps.policy.sweepHorizonMs });
  if (!plan) return null;

  let copied = 0;
  let found: number | null = null;
  if (plan.copy) {
    const buckets = await readBuckets(models, LEGACY_REFRESH_SCHEDULE, [plan.copy]);
    const entries = buckets.flatMap((b) => b.ids.map((id) => ({ id, atMs: b.minute * BUCKET_MS })));
    await addToSchedule(models, REFRESH_SCHEDULE, entries, now, REFRESH_SLOT_MS);
    copied = entries.length;
    found = buckets.at(-1)?.minute ?? null;
  }
  if (plan.clearOldCursor) await clearScheduleCursor(models, LEGACY_REFRESH_SCHEDULE);
  let deleted = 0;
  if (plan.purge) {
    const ids = bucketIdsOf(LEGACY_REFRESH_SCHEDULE, plan.purge[0], plan.purge[1]);
    for (let i = 0; i < ids.length; i += IDS_PER_DELETE) {
      const res = await models.ScheduleBucket.deleteMany({ _id: { $in: ids.slice(i, i + IDS_PER_DELETE) } });
      deleted += res.deletedCount;
    }
  }
  const next = settleLegacyMove(plan.next, found, oldCursor !== null && !plan.clearOldCursor);
  const same = state && (['copied', 'purged', 'lastFound', 'done'] as const).every((k) => next[k] === state[k]);
  if (!same)
    await models.ScheduleCursor.updateOne(
      { _id: LEGACY_MOVE_MARK },
      { $set: { minute: next.copied, purged: next.purged, lastFound: next.lastFound, done: next.done } },
      { upsert: true },
    );
  return { copied, deleted, done: next.done };
}
