import { diffCommandStats, parseCommandStats, parseInfo, topCommands, totalCalls, usedMemoryBytes } from './redis-info';

const before =
  '# Commandstats\r\ncmdstat_ping:calls=3,usec=10,usec_per_call=3.33,rejected_calls=0,failed_calls=0\r\ncmdstat_evalsha:calls=100,usec=5000,usec_per_call=50.00,rejected_calls=0,failed_calls=0\r\n';
const after =
  '# Commandstats\r\ncmdstat_ping:calls=3,usec=10,usec_per_call=3.33,rejected_calls=0,failed_calls=0\r\n' +
  'cmdstat_evalsha:calls=160,usec=8000,usec_per_call=50.00,rejected_calls=0,failed_calls=0\r\n' +
  'cmdstat_hmget:calls=12,usec=40,usec_per_call=3.33,rejected_calls=0,failed_calls=0\r\n';

describe('INFO parsing', () => {
  it('reads commandstats calls per command', () => {
    expect(parseCommandStats(before)).toEqual({ ping: 3, evalsha: 100 });
  });

  it('diffs two snapshots and leaves out commands not called', () => {
    const d = diffCommandStats(parseCommandStats(before), parseCommandStats(after));
    expect(d).toEqual({ evalsha: 60, hmget: 12 });
    expect(totalCalls(d)).toBe(72);
    expect(topCommands(d, 1)).toEqual([{ command: 'evalsha', calls: 60 }]);
  });

  it('reads used_memory and refuses output without it', () => {
    expect(usedMemoryBytes('# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\n')).toBe(1_048_576);
    expect(() => usedMemoryBytes('# Memory\r\n')).toThrow('no used_memory');
    expect(parseInfo('a:1\n#x\nb:c:d').get('b')).toBe('c:d');
  });
});
