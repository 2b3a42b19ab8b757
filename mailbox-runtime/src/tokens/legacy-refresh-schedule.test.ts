import {
  LEGACY_KEEP_MINUTES,
  LEGACY_MINUTES_PER_PASS,
  LEGACY_QUIET_MINUTES,
  planLegacyMove,
  settleLegacyMove,
  type LegacyMoveState,
} from './legacy-refresh-schedule';

const MIN = 60_000;
const now = 29_000_000 * MIN; // a minute index of the 2025s
const nowMinute = 29_000_000;
const horizonMs = 2 * MIN;

describe('planLegacyMove', () => {
  it('has nothing to move on a store where no old sweep ever ran', () => {
    const plan = planLegacyMove({ state: null, oldCursor: null, nowMs: now, horizonMs });
    expect(plan?.copy).toBeNull();
    expect(plan?.purge).toBeNull();
    expect(plan?.next.done).toBe(true);
    expect(planLegacyMove({ state: plan!.next, oldCursor: null, nowMs: now, horizonMs })).toBeNull();
  });

  it('starts just behind a running old sweep, copies up to the horizon and deletes nothing it could still read', () => {
    const plan = planLegacyMove({ state: null, oldCursor: nowMinute - 1, nowMs: now, horizonMs })!;
    expect(plan.copy).toEqual([nowMinute - 11, nowMinute + 2]);
    expect(plan.purge).toBeNull();
    expect(plan.clearOldCursor).toBe(false);
    expect(plan.next).toEqual({
      copied: nowMinute + 3,
      purged: nowMinute - 11,
      lastFound: nowMinute - 11,
      done: false,
    });
  });

  it('copies each minute once, as it comes within the horizon', () => {
    const state: LegacyMoveState = { copied: nowMinute + 3, purged: nowMinute - 11, lastFound: 0, done: false };
    expect(planLegacyMove({ state, oldCursor: nowMinute, nowMs: now, horizonMs })!.copy).toBeNull();
    expect(planLegacyMove({ state, oldCursor: nowMinute, nowMs: now + MIN, horizonMs })!.copy).toEqual([
      nowMinute + 3,
      nowMinute + 3,
    ]);
  });

  it('reads a backlog a day of minutes per pass at most', () => {
    const state: LegacyMoveState = { copied: nowMinute - 5_000, purged: nowMinute - 5_000, lastFound: 0, done: false };
    const plan = planLegacyMove({ state, oldCursor: null, nowMs: now, horizonMs })!;
    expect(plan.copy).toEqual([nowMinute - 5_000, nowMinute - 5_000 + LEGACY_MINUTES_PER_PASS - 1]);
    expect(plan.purge).toEqual([nowMinute - 5_000, nowMinute - 5_000 + LEGACY_MINUTES_PER_PASS - 1]);
  });

  it('deletes minutes older than the keep time', () => {
    const state: LegacyMoveState = {
      copied: nowMinute + 3,
      purged: nowMinute - LEGACY_KEEP_MINUTES - 100,
      lastFound: 0,
      done: false,
    };
    const plan = planLegacyMove({ state, oldCursor: null, nowMs: now, horizonMs })!;
    expect(plan.purge).toEqual([nowMinute - LEGACY_KEEP_MINUTES - 100, nowMinute - LEGACY_KEEP_MINUTES - 1]);
  });

  it('never deletes what an old sweep still running reads (from its cursor, 5 minutes back)', () => {
    const oldCursor = nowMinute - LEGACY_KEEP_MINUTES + 30; // saved within the keep time: a sweep may still run
    const state: LegacyMoveState = { copied: nowMinute + 3, purged: oldCursor - 500, lastFound: 0, done: false };
    const plan = planLegacyMove({ state, oldCursor, nowMs: now, horizonMs })!;
    expect(plan.clearOldCursor).toBe(false);
    expect(plan.purge).toEqual([oldCursor - 500, Math.min(oldCursor - 11, nowMinute - LEGACY_KEEP_MINUTES - 1)]);
  });

  it('clears the cursor of an old sweep silent for the keep time, and then deletes past it', () => {
    const oldCursor = nowMinute - LEGACY_KEEP_MINUTES - 20;
    const state: LegacyMoveState = { copied: nowMinute + 3, purged: oldCursor - 11, lastFound: 0, done: false };
    const plan = planLegacyMove({ state, oldCursor, nowMs: now, horizonMs })!;
    expect(plan.clearOldCursor).toBe(true);
    expect(plan.purge).toEqual([oldCursor - 11, nowMinute - LEGACY_KEEP_MINUTES - 1]);
  });

  it('is over once no old bucket was found for the quiet time and all up to the last found is deleted', () => {
    const lastFound = nowMinute - LEGACY_QUIET_MINUTES - 10;
    const next: LegacyMoveState = { copied: nowMinute + 3, purged: lastFound + 1, lastFound, done: false };
    expect(settleLegacyMove(next, null, false).done).toBe(true);
    // An old cursor left, a recent find, or the last found not yet deleted: not over.
    expect(settleLegacyMove(next, null, true).done).toBe(false);
    expect(settleLegacyMove(next, nowMinute, false)).toEqual({ ...next, lastFound: nowMinute, done: false });
    expect(settleLegacyMove({ ...next, purged: lastFound }, null, false).done).toBe(false);
  });
});
