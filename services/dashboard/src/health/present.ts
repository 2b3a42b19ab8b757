import { redact, type AppSecretStatus, type ConnectionStatus } from '@outlook-connect/shared';
import { formatAge, secretCountdown, type SecretCountdown } from './countdown';

// What the health view shows, shaped from store documents. Only named, non-secret fields are copied out, and an
// activity's free-form detail goes through the logger's redaction, so a stray token can never reach a page.

export interface NeedsReconnectItem {
  connectionId: string;
  workspaceId: string;
  appId: string;
  mailbox: string;
  displayName: string;
  reason: { code: string; message: string; remediation: string; aadsts: number | null };
  since: string | null;
  sinceLabel: string;
}

export interface AppSecretItem {
  appId: string;
  workspaceId: string;
  name: string;
  clientId: string;
  secretStatus: AppSecretStatus;
  secretStatusSince: string | null;
  secretExpiresAt: string | null;
  countdown: SecretCountdown;
}

export interface TimelineEntry {
  at: string;
  type: string;
  summary: string;
  detail: Record<string, unknown>;
}

export interface ConnectionLike {
  _id: string;
  workspaceId: string;
  appId: string;
  mailbox: string;
  displayName?: string;
  status: ConnectionStatus;
  statusReason?: {
    code?: string;
    message?: string;
    remediation?: string;
    aadsts?: number;
    since?: Date;
  } | null;
  updatedAt?: Date;
}

export function presentNeedsReconnect(c: ConnectionLike, now: number): NeedsReconnectItem {
  const r = c.statusReason ?? {};
  const since = r.since ?? c.updatedAt ?? null;
  return {
    connectionId: c._id,
    workspaceId: c.workspaceId,
    appId: c.appId,
    mailbox: c.mailbox,
    displayName: c.displayName ?? '',
    reason: {
      code: r.code ?? 'unknown',
      message: r.message ?? 'No reason was recorded.',
      remediation: r.remediation ?? 'Reconnect the mailbox: open the connection and choose Reconnect.',
      aadsts: r.aadsts ?? null,
    },
    since: since ? since.toISOString() : null,
    sinceLabel: since ? formatAge(since, now) : 'unknown',
  };
}

export interface ConnectionItem {
  connectionId: string;
  workspaceId: string;
  mailbox: string;
  displayName: string;
  status: ConnectionStatus;
  updatedAt: string | null;
  updatedLabel: string;
}

/** A line of the connections list: who, in which state, last changed when. */
export function presentConnection(c: ConnectionLike, now: number): ConnectionItem {
  return {
    connectionId: c._id,
    workspaceId: c.workspaceId,
    mailbox: c.mailbox,
    displayName: c.displayName ?? '',
    status: c.status,
    updatedAt: c.updatedAt ? c.updatedAt.toISOString() : null,
    updatedLabel: c.updatedAt ? formatAge(c.updatedAt, now) : 'unknown',
  };
}

export interface AppLike {
  _id: string;
  workspaceId: string;
  name: string;
  clientId: string;
  secretStatus: AppSecretStatus;
  secretStatusSince?: Date | null;
  secretExpiresAt?: Date | null;
}

export function presentApp(a: AppLike, now: number): AppSecretItem {
  return {
    appId: a._id,
    workspaceId: a.workspaceId,
    name: a.name,
    clientId: a.clientId,
    secretStatus: a.secretStatus,
    secretStatusSince: a.secretStatusSince ? a.secretStatusSince.toISOString() : null,
    secretExpiresAt: a.secretExpiresAt ? a.secretExpiresAt.toISOString() : null,
    countdown: secretCountdown(a.secretExpiresAt ?? null, a.secretStatus, now),
  };
}

/** Apps whose secret needs attention first: rejected/expired, then the soonest expiry, then those without a date. */
export function bySecretUrgency(a: AppSecretItem, b: AppSecretItem): number {
  const rank = (x: AppSecretItem) => (x.countdown.severity === 'expired' || x.secretStatus === 'invalid' ? 0 : 1);
  const days = (x: AppSecretItem) => x.countdown.days ?? Number.POSITIVE_INFINITY;
  return rank(a) - rank(b) || days(a) - days(b) || a.name.localeCompare(b.name);
}

export interface ActivityLike {
  type: string;
  at: Date;
  detail?: Record<string, unknown> | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** One readable line per timeline entry; the raw (redacted) detail stays next to it. */
export function presentActivity(a: ActivityLike): TimelineEntry {
  const d = (redact(a.detail ?? {}) ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  const code = str(d.code) ?? str(d.reasonCode);
  switch (a.type) {
    case 'status_changed':
      parts.push(`status ${str(d.from) ?? '?'} -> ${str(d.to) ?? '?'}`);
      break;
    case 'refresh_failed':
    case 'sync_failed':
    case 'send_failed':
      if (str(d.kind)) parts.push(String(d.kind));
      break;
    case 'throttled':
      if (typeof d.retryAfterMs === 'number') parts.push(`paused ${Math.round(d.retryAfterMs / 1000)} s`);
      if (str(d.until)) parts.push(`until ${d.until}`);
      break;
    case 'synced':
      if (typeof d.count === 'number') parts.push(`${d.count} messages`);
      break;
    case 'sent':
      if (str(d.sendId)) parts.push(String(d.sendId));
      break;
  }
  if (code) parts.push(code);
  if (str(d.message)) parts.push(String(d.message));
  return { at: a.at.toISOString(), type: a.type, summary: parts.join(' · '), detail: d };
}
