import { SYNC_SLOT_MS, syncNeedsFiling } from './sync-schedule';

describe('syncNeedsFiling', () => {
  const at = (slot: number, plusMs = 10) => new Date(slot * SYNC_SLOT_MS + plusMs);
  it('files a connection that was on no schedule, or whose next sync moves to an earlier slot', () => {
    expect(syncNeedsFiling(null, at(10))).toBe(true);
    expect(syncNeedsFiling(undefined, at(10))).toBe(true);
    expect(syncNeedsFiling(at(12), at(10))).toBe(true);
    // One slot earlier is earlier, even within one minute: the sweep reads that slot before the one it was filed in.
    expect(syncNeedsFiling(at(11), at(10, SYNC_SLOT_MS - 1))).toBe(true);
  });
  it('writes nothing for a next sync in the same or a later slot (the sweep moves the entry), or for none', () => {
    expect(syncNeedsFiling(at(10), at(10, SYNC_SLOT_MS - 1))).toBe(false);
    expect(syncNeedsFiling(at(10), at(11))).toBe(false);
    expect(syncNeedsFiling(at(10), null)).toBe(false);
  });
});
