import type { BenchResults } from '../results/bench-results';
import { ratio } from '../lib/stats';
import { impliedLimit, opsPerUnit, readStoreOps, type OpsPerUnit, type StoreRates } from './store-ops';

// For sends, refreshes and inbox ingest: the store operations one unit needed (counted in the worker process that did
// the work) and the rate the store's measured ceiling allows with them, next to our figure and the bare baseline.

export interface ImpliedRow {
  what: 'sends' | 'refreshes' | 'messages';
  process: string;
  units: number;
  opsPerUnit: OpsPerUnit;
  impliedPerSec: number | null;
  oursPerSec: number | null;
  baselinePerSec: number | null;
  /** Ours / the store-implied limit. */
  shareOfImplied: number | null;
}

function row(
  what: ImpliedRow['what'],
  process: string,
  units: number,
  ours: number | null | undefined,
  baseline: number | null | undefined,
  rates: StoreRates,
): ImpliedRow | null {
  const counts = readStoreOps(process);
  if (!counts || units <= 0) return null;
  const ops = opsPerUnit(counts, units);
  const implied = impliedLimit(ops, rates);
  return {
    what,
    process,
    units,
    opsPerUnit: ops,
    impliedPerSec: implied,
    oursPerSec: ours ?? null,
    baselinePerSec: baseline ?? null,
    shareOfImplied: ratio(ours, implied),
  };
}

export function impliedRows(r: BenchResults, rates: StoreRates): ImpliedRow[] {
  const rows: Array<ImpliedRow | null> = [];
  if (r.send) {
    const o = r.send.ours;
    rows.push(
      row(
        'sends',
        'send worker (ours)',
        o.throughput.sentAtGraph + o.latency.count,
        o.throughput.sendsPerSec,
        r.send.baseline.throughput.sendsPerSec,
        rates,
      ),
    );
  }
  if (r.refresh)
    rows.push(
      row(
        'refreshes',
        'refresh worker (ours)',
        r.refresh.refreshed + (r.compressed?.report.refreshes ?? 0),
        r.refresh.refreshesPerSec,
        r.refresh.baselineRefreshesPerSec,
        rates,
      ),
    );
  if (r.inbox)
    rows.push(
      row(
        'messages',
        'inbox sync worker (ours)',
        r.inbox.stored,
        r.inbox.messagesPerSec,
        r.inbox.baselineMessagesPerSec,
        rates,
      ),
    );
  return rows.filter((x): x is ImpliedRow => x !== null);
}
