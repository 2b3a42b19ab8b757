import type { ConnectionStatus, Models } from '@outlook-connect/shared';
import { presentPush, type PushRow, type PushView } from './present-push';
import type { MailboxDepth } from './depth-tally';
import type { QueueDepthIndex } from './queue-depth';
import {
  bySecretUrgency,
  presentActivity,
  presentApp,
  presentConnection,
  presentNeedsReconnect,
  type AppLike,
  type AppSecretItem,
  type ConnectionItem,
  type ConnectionLike,
  type NeedsReconnectItem,
  type TimelineEntry,
} from './present';

export interface HealthSource {
  models: Models;
  depth: QueueDepthIndex;
  now: () => number;
}

export interface Scope {
  workspaceId?: string;
}

const STATUSES: ConnectionStatus[] = ['active', 'needs_reconnect', 'disconnected'];
// Named fields only: token ciphertexts (`*Enc`) are never read by the dashboard.
const CONNECTION_FIELDS = {
  workspaceId: 1,
  appId: 1,
  mailbox: 1,
  displayName: 1,
  status: 1,
  statusReason: 1,
  scopePreset: 1,
  tenantId: 1,
  accessTokenExpiresAt: 1,
  lastRefreshAt: 1,
  nextRefreshAt: 1,
  refreshFailures: 1,
  lastRefreshError: 1,
  sync: 1,
  disconnectedAt: 1,
  createdAt: 1,
  updatedAt: 1,
} as const;
const PUSH_FIELDS = {
  subscriptionId: 1,
  expiresAt: 1,
  pending: 1,
  failures: 1,
  lastError: 1,
  lastRenewedAt: 1,
  lastNotificationAt: 1,
} as const;
const APP_FIELDS = {
  workspaceId: 1,
  name: 1,
  clientId: 1,
  secretStatus: 1,
  secretStatusSince: 1,
  secretExpiresAt: 1,
} as const;

const scoped = (scope: Scope) => (scope.workspaceId ? { workspaceId: scope.workspaceId } : {});

export async function statusCounts(models: Models, scope: Scope = {}): Promise<Record<ConnectionStatus, number>> {
  const counts = await Promise.all(
    STATUSES.map((status) => models.Connection.countDocuments({ ...scoped(scope), status })),
  );
  return Object.fromEntries(STATUSES.map((s, i) => [s, counts[i]!])) as Record<ConnectionStatus, number>;
}

/** Connections that need reconnecting, the most recent first. */
export async function needsReconnect(
  models: Models,
  now: number,
  scope: Scope = {},
  limit = 200,
): Promise<{ total: number; items: NeedsReconnectItem[] }> {
  const filter = { ...scoped(scope), status: 'needs_reconnect' as const };
  const [total, docs] = await Promise.all([
    models.Connection.countDocuments(filter),
    models.Connection.find(filter, CONNECTION_FIELDS).sort({ 'statusReason.since': -1, _id: 1 }).limit(limit).lean(),
  ]);
  return { total, items: docs.map((d) => presentNeedsReconnect(d as ConnectionLike, now)) };
}

/** Every connection, the most recently changed first: each links to its timeline. */
export async function connectionList(
  models: Models,
  now: number,
  scope: Scope = {},
  limit = 200,
): Promise<{ total: number; items: ConnectionItem[] }> {
  const filter = scoped(scope);
  const [total, docs] = await Promise.all([
    models.Connection.countDocuments(filter),
    models.Connection.find(filter, CONNECTION_FIELDS).sort({ updatedAt: -1, _id: 1 }).limit(limit).lean(),
  ]);
  return { total, items: docs.map((d) => presentConnection(d as ConnectionLike, now)) };
}

export async function appSecrets(models: Models, now: number, scope: Scope = {}): Promise<AppSecretItem[]> {
  const apps = await models.OAuthApp.find(scoped(scope), APP_FIELDS).limit(1000).lean();
  return apps.map((a) => presentApp(a as AppLike, now)).sort(bySecretUrgency);
}

export interface ConnectionHealthView {
  connection: {
    connectionId: string;
    workspaceId: string;
    appId: string;
    mailbox: string;
    displayName: string;
    status: ConnectionStatus;
    scopePreset: string;
    reason: NeedsReconnectItem['reason'] | null;
    statusSince: string | null;
    accessTokenExpiresAt: string | null;
    lastRefreshAt: string | null;
    nextRefreshAt: string | null;
    refreshFailures: number;
    lastRefreshError: { kind: string; code: string; message: string; at: string | null } | null;
    sync: {
      lastSuccessAt: string | null;
      lastAttemptAt: string | null;
      consecutiveFailures: number;
      initialSyncComplete: boolean;
      syncedCount: number;
    };
    createdAt: string | null;
    push: PushView;
  };
  queueDepth: { queues: MailboxDepth; truncated: boolean; asOf: string };
  timeline: TimelineEntry[];
}

const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : null);

interface ConnectionRow extends ConnectionLike {
  scopePreset: string;
  accessTokenExpiresAt?: Date | null;
  lastRefreshAt?: Date | null;
  nextRefreshAt?: Date | null;
  refreshFailures?: number;
  lastRefreshError?: { kind?: string; code?: string; message?: string; at?: Date } | null;
  sync?: {
    lastSuccessAt?: Date | null;
    lastAttemptAt?: Date | null;
    consecutiveFailures?: number;
    initialSyncComplete?: boolean;
    syncedCount?: number;
  };
  createdAt?: Date;
}

/** One connection's health: its state, the jobs queued for its mailbox, and its timeline (newest first). */
export async function connectionHealth(
  source: HealthSource,
  connectionId: string,
  timelineLimit = 200,
): Promise<ConnectionHealthView | null> {
  const doc = (await source.models.Connection.findById(connectionId, CONNECTION_FIELDS).lean()) as ConnectionRow | null;
  if (!doc) return null;
  const [activity, depth, subscription] = await Promise.all([
    source.models.ConnectionActivity.find({ connectionId }).sort({ at: -1 }).limit(timelineLimit).lean(),
    source.depth.depthFor(connectionId),
    // Named fields only: the clientState ciphertext is never read by the dashboard.
    source.models.InboxSubscription.findById(connectionId, PUSH_FIELDS).lean(),
  ]);
  const now = source.now();
  const reason = doc.status === 'active' ? null : presentNeedsReconnect(doc, now);
  const err = doc.lastRefreshError;
  return {
    connection: {
      connectionId: doc._id,
      workspaceId: doc.workspaceId,
      appId: doc.appId,
      mailbox: doc.mailbox,
      displayName: doc.displayName ?? '',
      status: doc.status,
      scopePreset: doc.scopePreset,
      reason: reason && doc.statusReason ? reason.reason : null,
      statusSince: reason?.since ?? null,
      accessTokenExpiresAt: iso(doc.accessTokenExpiresAt),
      lastRefreshAt: iso(doc.lastRefreshAt),
      nextRefreshAt: iso(doc.nextRefreshAt),
      refreshFailures: doc.refreshFailures ?? 0,
      lastRefreshError: err
        ? { kind: err.kind ?? '', code: err.code ?? '', message: err.message ?? '', at: iso(err.at) }
        : null,
      sync: {
        lastSuccessAt: iso(doc.sync?.lastSuccessAt),
        lastAttemptAt: iso(doc.sync?.lastAttemptAt),
        consecutiveFailures: doc.sync?.consecutiveFailures ?? 0,
        initialSyncComplete: doc.sync?.initialSyncComplete ?? false,
        syncedCount: doc.sync?.syncedCount ?? 0,
      },
      createdAt: iso(doc.createdAt),
      push: presentPush(subscription as PushRow | null, now),
    },
    queueDepth: { queues: depth.depth, truncated: depth.truncated, asOf: new Date(depth.builtAt).toISOString() },
    timeline: activity.map((a) => presentActivity(a)),
  };
}
