import { stagesOf, summarizeStages, type SendTimes } from './send-stages';

const at = (base: number, o: Partial<SendTimes> = {}): SendTimes => ({
  calledAt: base,
  addedAt: base + 4,
  enqueuedAt: base + 6,
  processedOn: base + 7,
  graphAt: base + 12,
  finishedOn: base + 15,
  ...o,
});

describe('send stages', () => {
  it('splits one send into record, add, pick-up, to Graph and outcome', () => {
    expect(stagesOf(at(1000))).toEqual({ record: 4, add: 2, pickUp: 3, toGraph: 5, outcome: 3 });
  });

  it('puts the slowest sends apart, so the tail shows its own stages', () => {
    const times = Array.from({ length: 99 }, (_, i) => at(i * 100));
    times.push(at(20_000, { processedOn: 20_000 + 90, graphAt: 20_000 + 95, finishedOn: null }));
    const s = summarizeStages(times);
    expect(s.sends).toBe(100);
    expect(s.p50.pickUp).toBe(3);
    expect(s.slowest.sends).toBe(2);
    expect(s.slowest.totalMs).toBe((95 + 12) / 2);
    expect(s.slowest.pickUp).toBe((86 + 3) / 2);
    expect(s.slowest.outcome).toBe(3); // the send whose handler had not returned has no outcome stage
  });

  it('has nothing to say about no sends', () => {
    const s = summarizeStages([]);
    expect(s.sends).toBe(0);
    expect(s.p99.toGraph).toBeNull();
    expect(s.slowest.totalMs).toBeNull();
  });
});
