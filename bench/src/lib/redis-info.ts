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

/** Calls per unit of work (a send), per command, to two decimals; commands that round to 0 are kept out. */
export function perUnit(stats: Record<string, number>, units: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [cmd, calls] of Object.entries(stats)) {
    const each = Math.round((calls / Math.max(1, units)) * 100) / 100;
    if (each > 0) out[cmd] = each;
  }
  return out;
}

/** Calls per send of one pipeline, its enqueue and its worker share apart. */
export interface CommandShares {
  enqueue: Record<string, number>;
  worker: Record<string, number>;
}

export interface CommandRow {
  command: string;
  ours: { enqueue: number; worker: number };
  bare: { enqueue: number; worker: number };
  /** Ours minus bare, both shares together. */
  extra: number;
}

/** Every command either pipeline ran, ours against bare: the most extra first (then by name), for the per-command table. */
export function compareCommands(ours: CommandShares, bare: CommandShares): CommandRow[] {
  const names = new Set([...Object.keys(ours.enqueue), ...Object.keys(ours.worker)]);
  for (const n of [...Object.keys(bare.enqueue), ...Object.keys(bare.worker)]) names.add(n);
  const round = (n: number) => Math.round(n * 100) / 100;
  return [...names]
    .map((command) => {
      const o = { enqueue: ours.enqueue[command] ?? 0, worker: ours.worker[command] ?? 0 };
      const b = { enqueue: bare.enqueue[command] ?? 0, worker: bare.worker[command] ?? 0 };
      return { command, ours: o, bare: b, extra: round(o.enqueue + o.worker - b.enqueue - b.worker) };
    })
    .sort((x, y) => y.extra - x.extra || x.command.localeCompare(y.command));
}

/** The per-command table as text lines (calls per send: ours enqueue and worker, bare enqueue and worker, extra). */
export function renderCommandTable(rows: readonly CommandRow[]): string[] {
  const cell = (n: number) => n.toFixed(2).padStart(9);
  const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(2)}`.padStart(9);
  const line = (name: string, o: CommandRow['ours'], b: CommandRow['bare']) =>
    name.padEnd(18) +
    cell(o.enqueue) +
    cell(o.worker) +
    cell(b.enqueue) +
    cell(b.worker) +
    signed(o.enqueue + o.worker - b.enqueue - b.worker);
  const total = (pick: (r: CommandRow) => { enqueue: number; worker: number }) => ({
    enqueue: rows.reduce((a, r) => a + pick(r).enqueue, 0),
    worker: rows.reduce((a, r) => a + pick(r).worker, 0),
  });
  const head = ['ours enq', 'worker', 'bare enq', 'worker', 'extra'].map((h) => h.padStart(9)).join('');
  return [
    'command'.padEnd(18) + head,
    ...rows.map((r) => line(r.command, r.ours, r.bare)),
    line(
      'total',
      total((r) => r.ours),
      total((r) => r.bare),
    ),
  ];
}

/** `INFO memory` used_memory in bytes. */
export function usedMemoryBytes(text: string): number {
  const raw = parseInfo(text).get('used_memory');
  if (raw === undefined || !/^\d+$/.test(raw)) throw new Error('INFO memory has no used_memory');
  return Number(raw);
}
