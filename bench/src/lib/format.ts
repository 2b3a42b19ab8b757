// Pure formatting for the report: numbers, ratios, a markdown table.

/** A figure with thousands separators and at most `digits` decimals; n/a when it could not be measured. */
export function fmt(n: number | null | undefined, digits = 0): string {
  if (n == null || !Number.isFinite(n)) return 'n/a';
  return n.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

/** `0.8123` -> `0.81x`; n/a without a ratio. */
export function fmtRatio(r: number | null | undefined): string {
  if (r == null || !Number.isFinite(r)) return 'n/a';
  if (r >= 10) return `${r.toFixed(0)}x`;
  return `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}x`;
}

export function fmtPercent(share: number | null | undefined, digits = 1): string {
  if (share == null || !Number.isFinite(share)) return 'n/a';
  return `${(share * 100).toFixed(digits)}%`;
}

export function fmtBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes)) return 'n/a';
  if (Math.abs(bytes) >= 1048576) return `${(bytes / 1048576).toFixed(1)} MB`;
  if (Math.abs(bytes) >= 1024) return `${(bytes / 1024).toFixed(2)} KB`;
  return `${Math.round(bytes)} B`;
}

/** A markdown table; `|` inside a cell is escaped. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
