import type { AppSecretStatus } from '@outlook-connect/shared';

const DAY_MS = 24 * 3600 * 1000;

export type SecretSeverity = 'ok' | 'warning' | 'critical' | 'expired' | 'unknown';

export interface SecretCountdown {
  /** Whole days left (negative once expired); null when the app has no recorded expiry. */
  days: number | null;
  label: string;
  severity: SecretSeverity;
}

/** Whole days until `at`, rounded down: 23 hours left is 0 days ("expires today"). */
export function daysUntil(at: Date, now: number): number {
  return Math.floor((at.getTime() - now) / DAY_MS);
}

/** Fractional days until `at`, for the Prometheus gauge (alerts compare against it). */
export function fractionalDaysUntil(at: Date, now: number): number {
  return (at.getTime() - now) / DAY_MS;
}

/** The countdown shown next to an OAuth app; the secret's status wins over the date (Microsoft already said no). */
export function secretCountdown(expiresAt: Date | null, status: AppSecretStatus, now: number): SecretCountdown {
  if (status === 'invalid') {
    return {
      days: expiresAt ? daysUntil(expiresAt, now) : null,
      label: 'secret rejected by Microsoft',
      severity: 'critical',
    };
  }
  if (!expiresAt) {
    return status === 'expired'
      ? { days: null, label: 'expired', severity: 'expired' }
      : { days: null, label: 'no expiry date recorded', severity: 'unknown' };
  }
  const days = daysUntil(expiresAt, now);
  if (status === 'expired' || expiresAt.getTime() <= now) {
    const ago = Math.max(0, Math.floor((now - expiresAt.getTime()) / DAY_MS));
    return { days, label: ago === 0 ? 'expired today' : `expired ${plural(ago, 'day')} ago`, severity: 'expired' };
  }
  const label = days === 0 ? 'expires today' : `expires in ${plural(days, 'day')}`;
  const severity: SecretSeverity = days < 7 ? 'critical' : days < 30 ? 'warning' : 'ok';
  return { days, label, severity };
}

/** "5 minutes ago", "3 hours ago", "2 days ago": how long a connection has needed reconnecting. */
export function formatAge(since: Date, now: number): string {
  const s = Math.max(0, Math.floor((now - since.getTime()) / 1000));
  if (s < 60) return 'just now';
  const m = Math.floor(s / 60);
  if (m < 60) return `${plural(m, 'minute')} ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${plural(h, 'hour')} ago`;
  return `${plural(Math.floor(h / 24), 'day')} ago`;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
