import { BUCKET_MS } from './due-buckets';
import { syncNeedsFiling } from './sync-schedule';

describe('syncNeedsFiling', () => {
  const at = (minute: number) => new Date(minute * BUCKET_MS + 10);
  it('files a connection that was on no schedule, or whose next sync moves to an earlier minute', () => {
    expect(syncNeedsFiling(null, at(10))).toBe(true);
    expect(syncNeedsFiling(undefined, at(10))).toBe(true);
    expect(syncNeedsFiling(at(12), at(10))).toBe(true);
  });
  it('writes nothing for a next sync in the same or a later minute (the sweep moves the entry), or for none', () => {
    expect(syncNeedsFiling(at(10), new Date(10 * BUCKET_MS + 50_000))).toBe(false);
    expect(syncNeedsFiling(at(10), at(11))).toBe(false);
    expect(syncNeedsFiling(at(10), null)).toBe(false);
  });
});
