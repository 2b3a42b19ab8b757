import { maxInAnyWindow } from './limit-window';

describe('maxInAnyWindow', () => {
  it('counts the busiest window, whatever the order of the times', () => {
    expect(maxInAnyWindow([], 60_000)).toBe(0);
    expect(maxInAnyWindow([5_000, 0, 59_999, 120_000], 60_000)).toBe(3);
    // 60 s apart is the next window: a sends-per-minute budget frees a slot exactly then.
    expect(maxInAnyWindow([0, 60_000, 120_000], 60_000)).toBe(1);
    expect(maxInAnyWindow([0, 30_000, 60_000, 61_000, 89_000], 60_000)).toBe(4);
  });
});
