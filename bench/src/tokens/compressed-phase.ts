import { progress, sleep } from '../lib/progress';
import { ratePerSec } from '../lib/stats';
import type { BenchEnv } from '../setup/bench-env';
import { lapseReport, type LapseReport } from './lapses';
import type { CompressedPolicy } from './refresh-phase';
import { seedConnections } from './seeded-connections';

// Compressed lifetimes at scale: `count` connections of real emulator users (seeded-connections.ts), with the access
// tokens they hold expiring one after another over one refresh period, so the refresh load is the steady state's.
// The worker (already running, with the policy scaled to the lifetime) must find them through its sweep and refresh
// each before its token expires. Judged from the emulator's grant log at the end.

export interface CompressedResult {
  connections: number;
  connectionsWanted: number;
  policy: CompressedPolicy;
  /** The steady-state period between two refreshes of a connection (lifetime - ahead - jitter/2). */
  periodSec: number;
  /** Refreshes per second the load needs: connections / period. */
  requiredRefreshesPerSec: number;
  seedSec: number;
  observedSec: number;
  refreshesPerSec: number | null;
  report: LapseReport;
  shareRefreshedBeforeExpiry: number;
}

export async function runCompressed(
  env: BenchEnv,
  opts: { count: number; wanted: number; policy: CompressedPolicy },
): Promise<CompressedResult> {
  const { policy } = opts;
  const periodMs = (policy.lifetimeSec - policy.aheadSec - policy.jitterSec / 2) * 1000;
  let t = Date.now();
  // The first connection is due just after the worker's next sweep (which has to find it), the last one period later.
  const { docs, firstDueAt } = await seedConnections(env, {
    count: opts.count,
    label: 'compressed',
    firstDueInMs: (policy.sweepEverySec + 5) * 1000,
    spreadMs: periodMs,
    leadMs: policy.aheadSec * 1000,
  });
  const seedSec = (Date.now() - t) / 1000;
  const watched = docs.map((d) => ({ email: d.mailbox, expiresAt: d.accessTokenExpiresAt!.getTime() }));
  const until = Math.max(...watched.map((w) => w.expiresAt)) + 5_000;
  const emails = new Set(watched.map((w) => w.email.toLowerCase()));
  const mine = () => env.emu.control.grantLog().filter((g) => emails.has(g.email) && g.at >= firstDueAt - 10_000);
  progress(
    `compressed: ${opts.count} connections seeded in ${seedSec.toFixed(1)} s; tokens expire over ${Math.round(periodMs / 1000)} s ` +
      `(needs ${((opts.count * 1000) / periodMs).toFixed(1)} refreshes/s); watching for ${Math.round((until - Date.now()) / 1000)} s`,
  );

  t = Date.now();
  while (Date.now() < until) {
    await sleep(Math.min(15_000, until - Date.now()));
    const now = Date.now();
    const grants = mine();
    const lateNow = lapseReport(
      watched.filter((w) => w.expiresAt <= now),
      grants,
      now,
    ).lapsed;
    progress(
      `  compressed: ${Math.max(0, Math.round((until - now) / 1000))} s left, ${grants.length} refreshes, ${lateNow} lapsed so far`,
    );
  }
  const grants = mine();
  const report = lapseReport(watched, grants, until);
  const observedMs = Date.now() - t;
  return {
    connections: opts.count,
    connectionsWanted: opts.wanted,
    policy,
    periodSec: periodMs / 1000,
    requiredRefreshesPerSec: (opts.count * 1000) / periodMs,
    seedSec,
    observedSec: observedMs / 1000,
    refreshesPerSec: ratePerSec(report.refreshes, observedMs),
    report,
    shareRefreshedBeforeExpiry: opts.count ? (opts.count - report.lapsed) / opts.count : 0,
  };
}
