import {
  jobDurationSeconds,
  newCompletions,
  percentile,
  refreshClassOf,
  runsFromEvents,
  START_WATERMARK,
  streamIdMs,
  syncLag,
} from './compute';

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

describe('runs from a queue events stream', () => {
  const ev = (ms: number, event: string, jobId?: string, seq = 0) => ({ id: `${ms}-${seq}`, event, jobId });

  it('pairs each completed with its active, once, and carries open runs to the next read', () => {
    const open = new Map<string, number>();
    expect(
      runsFromEvents(
        [ev(1000, 'added', 'a'), ev(1200, 'active', 'a'), ev(1300, 'active', 'b'), ev(1450, 'completed', 'a')],
        open,
        100,
      ),
    ).toEqual([0.25]);
    expect([...open.keys()]).toEqual(['b']);
    expect(runsFromEvents([ev(2300, 'completed', 'b', 1), ev(2400, 'completed', 'a')], open, 100)).toEqual([1]);
    expect(open.size).toBe(0);
  });

  it('times a retried job from its last start, and a failed run gives no figure', () => {
    const open = new Map<string, number>();
    const events = [
      ev(1000, 'active', 'a'),
      ev(1100, 'failed', 'a'),
      ev(5000, 'active', 'a'),
      ev(5050, 'completed', 'a'),
      ev(6000, 'active', 'c'),
      ev(6100, 'failed', 'c'),
    ];
    expect(runsFromEvents(events, open, 100)).toEqual([0.05]);
    expect(open.size).toBe(0);
  });

  it('skips completions whose start it never saw, and entries without a job id or a stream id', () => {
    const open = new Map<string, number>();
    expect(
      runsFromEvents(
        [ev(1000, 'completed', 'x'), ev(1000, 'active'), { id: 'bad', event: 'active', jobId: 'y' }],
        open,
        10,
      ),
    ).toEqual([]);
    expect(open.size).toBe(0);
  });

  it('holds at most maxOpen open runs, dropping the oldest', () => {
    const open = new Map<string, number>();
    runsFromEvents([ev(1, 'active', 'a'), ev(2, 'active', 'b'), ev(3, 'active', 'c')], open, 2);
    expect([...open.keys()]).toEqual(['b', 'c']);
    expect(runsFromEvents([ev(10, 'completed', 'a'), ev(12, 'completed', 'b')], open, 2)).toEqual([0.01]);
  });

  it('reads the millisecond part of a stream id', () => {
    expect(streamIdMs('1700000000123-4')).toBe(1700000000123);
    expect(streamIdMs('nope')).toBeNull();
  });
});
