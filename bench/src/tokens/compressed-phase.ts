import type { ConnectionDoc } from '@outlook-connect/shared';
import { progress, sleep } from '../lib/progress';
import type { BenchEnv } from '../setup/bench-env';
import type { CompressedPolicy } from './refresh-phase';

// Compressed lifetimes: tokens live seconds instead of an hour, the worker's policy is scaled the same way, and the
// store is sampled every second for active connections whose access token has already expired.

export interface CompressedResult {
  connections: number;
  connectionsWanted: number;
  policy: CompressedPolicy;
  observedSec: number;
  refreshes: number;
  /** Connections seen with an expired access token at any sample. */
  lapsed: number;
  shareRefreshedBeforeExpiry: number;
  /** Connections refreshed at least twice in the window (each token was replaced, not just the first). */
  refreshedTwice: number;
  samples: number;
  sampleEveryMs: number;
}

export async function runCompressed(env: BenchEnv, conns: ConnectionDoc[], policy: CompressedPolicy, observeMs: number, wanted: number): Promise<CompressedResult> {
  const { models } = env.clients.deps;
  const ids = conns.map((c) => c._id);
  const before = new Map(((await models.Connection.find({ _id: { $in: ids } }, { tokenVersion: 1 }).lean()) as ConnectionDoc[]).map((c) => [c._id, c.tokenVersion]));
  const grants = () => Object.values(env.emu.control.counters().tokenGrants).reduce((n, g) => n + g.refresh_token, 0);
  const grantsBefore = grants();
  const lapsed = new Set<string>();
  const sampleEveryMs = 1_000;
  let samples = 0;
  const end = Date.now() + observeMs;
  let lastLog = Date.now();
  while (Date.now() < end) {
    const expired = (await models.Connection.find({ _id: { $in: ids }, status: 'active', accessTokenExpiresAt: { $lte: new Date() } }, { _id: 1 }).lean()) as Array<{ _id: string }>;
    for (const c of expired) lapsed.add(c._id);
    samples++;
    if (Date.now() - lastLog > 15_000) {
      progress(`  compressed: ${Math.round((end - Date.now()) / 1000)} s left, ${grants() - grantsBefore} refreshes, ${lapsed.size} lapsed so far`);
      lastLog = Date.now();
    }
    await sleep(sampleEveryMs);
  }
  const after = (await models.Connection.find({ _id: { $in: ids } }, { tokenVersion: 1 }).lean()) as ConnectionDoc[];
  return {
    connections: ids.length,
    connectionsWanted: wanted,
    policy,
    observedSec: observeMs / 1000,
    refreshes: grants() - grantsBefore,
    lapsed: lapsed.size,
    shareRefreshedBeforeExpiry: ids.length ? (ids.length - lapsed.size) / ids.length : 0,
    refreshedTwice: after.filter((c) => c.tokenVersion - (before.get(c._id) ?? 0) >= 2).length,
    samples,
    sampleEveryMs,
  };
}
