// Pure: redis-benchmark --csv output -> requests per second per test.

export function parseRedisBenchmarkCsv(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split(/\r?\n/)) {
    const cols = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    if (cols.length < 2 || cols[0] === 'test' || !cols[0]) continue;
    const rps = Number(cols[1]);
    if (Number.isFinite(rps)) out[cols[0]] = rps;
  }
  return out;
}
