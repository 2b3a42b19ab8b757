// Pure parsing of Redis INFO output: commandstats (calls per command) and memory.

/** `INFO <section>` as key -> raw value (comment and blank lines skipped). */
export function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const idx = line.indexOf(':');
    if (idx > 0) out.set(line.slice(0, idx), line.slice(idx + 1));
  }
  return out;
}

/** `INFO commandstats` -> calls per command (`cmdstat_evalsha:calls=12,usec=...` -> evalsha: 12). */
export function parseCommandStats(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of parseInfo(text)) {
    if (!key.startsWith('cmdstat_')) continue;
    const calls = /(?:^|,)calls=(\d+)/.exec(value);
    if (calls) out[key.slice('cmdstat_'.length)] = Number(calls[1]);
  }
  return out;
}

/** Calls made between two snapshots, per command (commands that were not called are left out). */
export function diffCommandStats(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [cmd, calls] of Object.entries(after)) {
    const delta = calls - (before[cmd] ?? 0);
    if (delta > 0) out[cmd] = delta;
  }
  return out;
}

export const totalCalls = (stats: Record<string, number>): number => Object.values(stats).reduce((a, b) => a + b, 0);

/** The n commands called most, for the report. */
export function topCommands(stats: Record<string, number>, n: number): Array<{ command: string; calls: number }> {
  return Object.entries(stats)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([command, calls]) => ({ command, calls }));
}

/** `INFO memory` used_memory in bytes. */
export function usedMemoryBytes(text: string): number {
  const raw = parseInfo(text).get('used_memory');
  if (raw === undefined || !/^\d+$/.test(raw)) throw new Error('INFO memory has no used_memory');
  return Number(raw);
}
