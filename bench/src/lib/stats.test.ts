import { percentile, rateFromTimestamps, ratePerSec, ratio, summarizeLatencies } from './stats';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
  });

  it('works on one value and refuses a bad p', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow('between 0 and 100');
  });
});

describe('summarizeLatencies', () => {
  it('gives p50, p99 and max', () => {
    expect(summarizeLatencies([5, 1, 3])).toEqual({ count: 3, p50Ms: 3, p99Ms: 5, maxMs: 5 });
    expect(summarizeLatencies([])).toEqual({ count: 0, p50Ms: null, p99Ms: null, maxMs: null });
  });
});

describe('rates and ratios', () => {
  it('rate per second', () => {
    expect(ratePerSec(500, 2_000)).toBe(250);
    expect(ratePerSec(10, 0)).toBeNull();
  });

  it('rate from timestamps counts the events after the first', () => {
    expect(rateFromTimestamps([1_000, 1_500, 2_000])).toBe(2);
    expect(rateFromTimestamps([1_000])).toBeNull();
  });

  it('ratio is null without a baseline', () => {
    expect(ratio(50, 100)).toBe(0.5);
    expect(ratio(50, 0)).toBeNull();
    expect(ratio(null, 10)).toBeNull();
  });
});
