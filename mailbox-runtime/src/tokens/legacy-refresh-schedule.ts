import { minuteOf } from '../schedule/due-buckets';

// The refresh schedule in minute buckets (`token-refresh:<minute>:<shard>`), which the sweep read before it took 10 s
// slots (REFRESH_SCHEDULE). Its buckets are moved to the new schedule and then deleted, a minute at a time, by the
// refresh sweep (services/workers/src/maintenance/legacy-refresh-move.ts):
// - **copied** as each minute comes within the sweep's horizon: every id in the minute's buckets is filed on the new
//   schedule at that minute (a hint, as every entry is: the sweep reads the connection and files it where it is due).
//   During a rolling deploy an old gateway files new connections here and old workers move their entries here; the
//   copy is how the new sweep finds them.
// - **deleted** once at least LEGACY_KEEP_MINUTES old, and older than where an old sweep still running reads (its
//   cursor, 5 minutes back): no sweep of either width reads them again (a backlog is read at most a day back).
// - The old cursor goes once no old sweep has saved it for LEGACY_KEEP_MINUTES: an old worker started after that (a
//   rollback) finds no cursor and files every active connection again (its first pass), so it loses no connection
//   whose old bucket was deleted.
// - Over once no old bucket was found for LEGACY_QUIET_MINUTES (longer than the longest refresh interval, 7 days:
//   nothing writes them any more) and everything up to the last one found is deleted.

/** The old schedule's name (its buckets' `_id` prefix and its cursor's `_id`). */
export const LEGACY_REFRESH_SCHEDULE = 'token-refresh';
/** Where moving it stands (`schedule_cursors`). */
export const LEGACY_MOVE_MARK = '~moved:token-refresh';

const DAY_MINUTES = 1_440;
/** Minutes read (copied or deleted) per pass at most: a day's worth, 11,520 bucket ids. */
export const LEGACY_MINUTES_PER_PASS = DAY_MINUTES;
export const LEGACY_KEEP_MINUTES = 2 * DAY_MINUTES;
export const LEGACY_QUIET_MINUTES = 8 * DAY_MINUTES;
/** The old sweep read from 5 minutes before its cursor; twice that is kept clear of it. */
const OLD_SLACK_MINUTES = 10;

export interface LegacyMoveState {
  /** The next minute to copy; every minute before it was copied. */
  copied: number;
  /** The next minute to delete; every minute before it was deleted. */
  purged: number;
  /** The latest minute where an old bucket was found. */
  lastFound: number;
  done: boolean;
}

export interface LegacyMovePlan {
  /** Minutes (inclusive) whose old buckets this pass copies; null: none. */
  copy: [number, number] | null;
  /** Minutes (inclusive) whose old buckets this pass deletes; null: none. */
  purge: [number, number] | null;
  /** No old sweep for LEGACY_KEEP_MINUTES: its cursor goes. */
  clearOldCursor: boolean;
  /** The state once this pass is done (lastFound still to be settled with what the copy found). */
  next: LegacyMoveState;
}

/**
 * What one pass of the move does (pure). `state` null: the first pass, which starts just behind the old sweep's
 * cursor; with no old cursor either, there never was an old sweep on this store and nothing is to be moved.
 */
export function planLegacyMove(input: {
  state: LegacyMoveState | null;
  oldCursor: number | null;
  nowMs: number;
  horizonMs: number;
}): LegacyMovePlan | null {
  const { state, oldCursor, nowMs, horizonMs } = input;
  if (state?.done) return null;
  const nowMinute = minuteOf(nowMs);
  if (!state && oldCursor === null) {
    return {
      copy: null,
      purge: null,
      clearOldCursor: false,
      next: { copied: nowMinute, purged: nowMinute, lastFound: nowMinute, done: true },
    };
  }
  const start = (oldCursor ?? nowMinute) - OLD_SLACK_MINUTES;
  const s = state ?? { copied: start, purged: start, lastFound: start, done: false };

  const copyEnd = Math.min(s.copied + LEGACY_MINUTES_PER_PASS - 1, minuteOf(nowMs + horizonMs));
  const copy: [number, number] | null = copyEnd >= s.copied ? [s.copied, copyEnd] : null;
  const copied = copy ? copyEnd + 1 : s.copied;

  const keepFrom = nowMinute - LEGACY_KEEP_MINUTES;
  const clearOldCursor = oldCursor !== null && oldCursor < keepFrom;
  let purgeLimit = Math.min(copied - 1, keepFrom - 1);
  if (oldCursor !== null && !clearOldCursor) purgeLimit = Math.min(purgeLimit, oldCursor - OLD_SLACK_MINUTES - 1);
  const purgeEnd = Math.min(s.purged + LEGACY_MINUTES_PER_PASS - 1, purgeLimit);
  const purge: [number, number] | null = purgeEnd >= s.purged ? [s.purged, purgeEnd] : null;

  return {
    copy,
    purge,
    clearOldCursor,
    next: { copied, purged: purge ? purgeEnd + 1 : s.purged, lastFound: s.lastFound, done: false },
  };
}

/** The state after a pass: `foundMinute` the latest minute its copy found an old bucket in (null: none). */
export function settleLegacyMove(
  next: LegacyMoveState,
  foundMinute: number | null,
  oldCursorLeft: boolean,
): LegacyMoveState {
  const lastFound = foundMinute === null ? next.lastFound : Math.max(next.lastFound, foundMinute);
  const done =
    next.done || (!oldCursorLeft && next.copied - lastFound > LEGACY_QUIET_MINUTES && next.purged > lastFound);
  return { ...next, lastFound, done };
}
