import { parseRedisBenchmarkCsv } from './benchmark-csv';

describe('parseRedisBenchmarkCsv', () => {
  it('reads requests per second per test and skips the header', () => {
    const csv = '"test","rps","avg_latency_ms"\n"PING_MBULK","303030.31","0.681"\n"SET","222222.22","1.346"\n\n';
    expect(parseRedisBenchmarkCsv(csv)).toEqual({ PING_MBULK: 303030.31, SET: 222222.22 });
  });

  it('ignores lines that are not results', () => {
    expect(parseRedisBenchmarkCsv('WARNING: something\n"SET","n/a"')).toEqual({});
  });
});
