// Counts of the resource kinds process.getActiveResourcesInfo() lists ('TCPSocketWrap', 'Timeout', ...).
export function resourceCounts(kinds: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

// The kinds there are more of after than before, as "TCPSocketWrap x2". The process's own stdio ('TTYWrap',
// 'PipeWrap' for a piped stdout) and the counting's own work ('FSReqCallback' of a pending write) are not leaks.
// Timers are named by liveTimers below instead, because jest's own timers come and go in the same count.
const notLeaks = new Set(['TTYWrap', 'PipeWrap', 'FSReqCallback', 'FSReqPromise', 'Timeout']);

export function leftOpen(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): string[] {
  const left: string[] = [];
  for (const [kind, count] of after) {
    const grown = count - (before.get(kind) ?? 0);
    if (grown > 0 && !notLeaks.has(kind)) left.push(`${kind} x${grown}`);
  }
  return left.sort();
}

// A Node timer as setTimeout/setInterval return it: _destroyed once it fired (a timeout) or was cleared.
export interface TimerLike {
  hasRef?: () => boolean;
  _destroyed?: boolean;
  _idleTimeout?: number;
  _repeat?: number | null;
}

// The timers still waiting that keep the process alive (ref'd), as "setInterval 1000 ms x2".
export function liveTimers(timers: readonly TimerLike[]): string[] {
  const counts = new Map<string, number>();
  for (const t of timers) {
    if (typeof t !== 'object' || t === null || t._destroyed || t.hasRef?.() === false) continue;
    const label = `${t._repeat ? 'setInterval' : 'setTimeout'} ${t._idleTimeout ?? '?'} ms`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, n]) => `${label} x${n}`).sort();
}
