import {
  compareCommands,
  diffCommandStats,
  parseCommandStats,
  parseInfo,
  perUnit,
  renderCommandTable,
  topCommands,
  totalCalls,
  usedMemoryBytes,
} from './redis-info';

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

  it('divides calls by the sends and leaves out what rounds to nothing', () => {
    expect(perUnit({ evalsha: 800, zadd: 1200, info: 1 }, 400)).toEqual({ evalsha: 2, zadd: 3 });
    expect(perUnit({ get: 3 }, 0)).toEqual({ get: 3 });
  });

  it('compares two pipelines command by command, the most extra first', () => {
    const rows = compareCommands(
      { enqueue: { evalsha: 1, exists: 1 }, worker: { evalsha: 4, zrem: 1, xadd: 6 } },
      { enqueue: { evalsha: 1 }, worker: { evalsha: 2, xadd: 4, lrem: 1 } },
    );
    expect(rows.map((r) => [r.command, r.extra])).toEqual([
      ['evalsha', 2],
      ['xadd', 2],
      ['exists', 1],
      ['zrem', 1],
      ['lrem', -1],
    ]);
    expect(rows[2]).toEqual({
      command: 'exists',
      ours: { enqueue: 1, worker: 0 },
      bare: { enqueue: 0, worker: 0 },
      extra: 1,
    });
    const table = renderCommandTable(rows);
    expect(table).toHaveLength(rows.length + 2);
    expect(table[0]).toMatch(/^command +ours enq +worker +bare enq +worker +extra$/);
    expect(table[1]).toBe(`${'evalsha'.padEnd(18)}     1.00     4.00     1.00     2.00    +2.00`);
    expect(table.at(-1)).toBe(`${'total'.padEnd(18)}     2.00    11.00     1.00     7.00    +5.00`);
  });
});
