import { Gauge, type Registry } from 'prom-client';
import type { ConnectionStatus, Models, SendStatus } from '@outlook-connect/shared';
import { fractionalDaysUntil } from '../health/countdown';
import { FAILURE_KINDS, syncLag } from './compute';

export interface StoreMetricsOptions {
  registry: Registry;
  models: Models;
  now: () => number;
  /** Window of the activity-based gauges (refresh outcomes, throttling pauses), in seconds. */
  windowSec: number;
}

const CONNECTION_STATUSES: ConnectionStatus[] = ['active', 'needs_reconnect', 'disconnected'];
const SYNCING = { status: 'active' as const, scopePreset: { $ne: 'send_only' as const } };
const SEND_STATUSES: SendStatus[] = ['queued', 'scheduled', 'sending', 'sent', 'failed', 'canceled'];

/**
 * Gauges read from the store at scrape time. Activity is trimmed by age, so outcomes that come from the activity
 * timeline are counts over a fixed recent window (a gauge), not ever-growing counters. No label names a connection.
 */
export function registerStoreMetrics(opts: StoreMetricsOptions): void {
  const { registry, models, now, windowSec } = opts;
  const since = () => new Date(now() - windowSec * 1000);

  new Gauge({
    name: 'outlook_connect_connections',
    help: 'Connections by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await Promise.all(
        CONNECTION_STATUSES.map((status) => models.Connection.countDocuments({ status })),
      );
      CONNECTION_STATUSES.forEach((status, i) => this.set({ status }, counts[i]!));
    },
  });

  new Gauge({
    name: 'outlook_connect_sends',
    help: 'Sends by status (the sends collection)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const rows = (await models.Send.aggregate([{ $group: { _id: '$status', n: { $sum: 1 } } }])) as Array<{
        _id: string;
        n: number;
      }>;
      const byStatus = new Map(rows.map((r) => [r._id, r.n]));
      for (const status of SEND_STATUSES) this.set({ status }, byStatus.get(status) ?? 0);
    },
  });

  new Gauge({
    name: 'outlook_connect_token_refresh_outcomes',
    help: `Token refresh outcomes over the last ${windowSec} s (connection activity): outcome refreshed|failed, class = the failure kind`,
    labelNames: ['outcome', 'class'],
    registers: [registry],
    async collect() {
      const from = since();
      const [ok, ...failed] = await Promise.all([
        models.ConnectionActivity.countDocuments({ type: 'refreshed', at: { $gte: from } }),
        ...FAILURE_KINDS.map((kind) =>
          models.ConnectionActivity.countDocuments({ type: 'refresh_failed', at: { $gte: from }, 'detail.kind': kind }),
        ),
        models.ConnectionActivity.countDocuments({
          type: 'refresh_failed',
          at: { $gte: from },
          'detail.kind': { $nin: [...FAILURE_KINDS] },
        }),
      ]);
      this.set({ outcome: 'refreshed', class: 'none' }, ok!);
      [...FAILURE_KINDS, 'other'].forEach((kind, i) => this.set({ outcome: 'failed', class: kind }, failed[i]!));
    },
  });

  new Gauge({
    name: 'outlook_connect_throttling_pauses',
    help: `Mailbox throttling pauses (429/503 Retry-After) over the last ${windowSec} s`,
    registers: [registry],
    async collect() {
      this.set(await models.ConnectionActivity.countDocuments({ type: 'throttled', at: { $gte: since() } }));
    },
  });

  new Gauge({
    name: 'outlook_connect_inbox_sync_lag_seconds',
    help: 'Seconds since the last successful inbox sync over active mail-reading connections (stat max|p50)',
    labelNames: ['stat'],
    registers: [registry],
    async collect() {
      const rows = (await models.Connection.find(SYNCING, { 'sync.lastSuccessAt': 1, createdAt: 1 }).lean()) as Array<{
        sync?: { lastSuccessAt?: Date | null };
        createdAt: Date;
      }>;
      const lag = syncLag(
        rows.map((r) => ({ lastSuccessAt: r.sync?.lastSuccessAt ?? null, createdAt: r.createdAt })),
        now(),
      );
      this.set({ stat: 'max' }, lag.maxSeconds);
      this.set({ stat: 'p50' }, lag.p50Seconds);
    },
  });

  // Each gauge collects on its own: prom-client serialises metrics concurrently, so one may not set another.
  new Gauge({
    name: 'outlook_connect_inbox_syncing_connections',
    help: 'Active mail-reading connections the sync lag is computed over',
    registers: [registry],
    async collect() {
      this.set(await models.Connection.countDocuments(SYNCING));
    },
  });

  new Gauge({
    name: 'outlook_connect_oauth_app_secret_days_to_expiry',
    help: "Days until each OAuth app's client secret expires (negative once expired); apps without a recorded expiry are absent",
    labelNames: ['app_id'],
    registers: [registry],
    async collect() {
      const apps = await models.OAuthApp.find({ secretExpiresAt: { $ne: null } }, { secretExpiresAt: 1 }).lean();
      this.reset();
      for (const app of apps)
        if (app.secretExpiresAt) this.set({ app_id: app._id }, fractionalDaysUntil(app.secretExpiresAt, now()));
    },
  });

  new Gauge({
    name: 'outlook_connect_oauth_app_secret_status',
    help: "Each OAuth app's secret status as 1 on its status label (ok|expired|invalid)",
    labelNames: ['app_id', 'status'],
    registers: [registry],
    async collect() {
      const apps = await models.OAuthApp.find({}, { secretStatus: 1 }).lean();
      this.reset();
      for (const app of apps) this.set({ app_id: app._id, status: app.secretStatus }, 1);
    },
  });
}
