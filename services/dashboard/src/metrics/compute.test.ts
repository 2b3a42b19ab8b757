import { jobDurationSeconds, newCompletions, percentile, refreshClassOf, START_WATERMARK, syncLag } from './compute';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 100)).toBe(4);
    expect(percentile([1, 2, 3, 4], 0)).toBe(1);
  });
});

describe('sync lag', () => {
  const now = Date.parse('2025-03-10T12:00:00Z');
  const ago = (s: number) => new Date(now - s * 1000);

  it('is the max and median of now - last success over syncing connections', () => {
    const lag = syncLag(
      [
        { lastSuccessAt: ago(30), createdAt: ago(9999) },
        { lastSuccessAt: ago(60), createdAt: ago(9999) },
        { lastSuccessAt: ago(600), createdAt: ago(9999) },
      ],
      now,
    );
    expect(lag).toEqual({ connections: 3, maxSeconds: 600, p50Seconds: 60 });
  });

  it('counts a never-synced connection from its creation, and is zero with none', () => {
    expect(syncLag([{ lastSuccessAt: null, createdAt: ago(120) }], now)).toEqual({
      connections: 1,
      maxSeconds: 120,
      p50Seconds: 120,
    });
    expect(syncLag([], now)).toEqual({ connections: 0, maxSeconds: 0, p50Seconds: 0 });
  });
});

describe('completed-job watermark', () => {
  it('observes each completed job once across scrapes, ties on the millisecond included', () => {
    const first = newCompletions(
      [
        { id: 'a', finishedOn: 100 },
        { id: 'b', finishedOn: 200 },
        { id: 'c', finishedOn: 200 },
      ],
      START_WATERMARK,
    );
    expect(first.fresh.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(first.next).toEqual({ at: 200, idsAt: ['b', 'c'] });

    // Read again from score >= 200: b and c come back, plus d finishing in the same millisecond and e later.
    const second = newCompletions(
      [
        { id: 'b', finishedOn: 200 },
        { id: 'c', finishedOn: 200 },
        { id: 'd', finishedOn: 200 },
      ],
      first.next,
    );
    expect(second.fresh.map((e) => e.id)).toEqual(['d']);
    expect(second.next).toEqual({ at: 200, idsAt: ['b', 'c', 'd'] });

    const third = newCompletions(
      [
        { id: 'd', finishedOn: 200 },
        { id: 'e', finishedOn: 300 },
      ],
      second.next,
    );
    expect(third.fresh.map((e) => e.id)).toEqual(['e']);
    expect(third.next).toEqual({ at: 300, idsAt: ['e'] });

    expect(newCompletions([], third.next)).toEqual({ fresh: [], next: third.next });
  });
});

describe('job duration', () => {
  it('is finishedOn - processedOn in seconds, or nothing when unknown', () => {
    expect(jobDurationSeconds(1000, 3500)).toBe(2.5);
    expect(jobDurationSeconds(null, 3500)).toBeNull();
    expect(jobDurationSeconds(4000, 3500)).toBeNull();
    expect(jobDurationSeconds(Number.NaN, 3500)).toBeNull();
  });
});

describe('refresh outcome class', () => {
  it('keeps the four failure kinds and folds anything else into "other"', () => {
    expect(refreshClassOf('transient')).toBe('transient');
    expect(refreshClassOf('app_credentials')).toBe('app_credentials');
    expect(refreshClassOf('conn_123')).toBe('other');
    expect(refreshClassOf(undefined)).toBe('other');
  });
});
