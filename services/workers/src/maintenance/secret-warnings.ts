/** Days before a secret's expiry at which operators are warned (once each per secret version). */
export const SECRET_WARNING_DAYS = [30, 7, 1] as const;

const DAY = 86_400_000;

export type SecretCheck =
  | { action: 'none' }
  | { action: 'expired' }
  /** Warn for `days`; `record` are every threshold now passed, so a late first check does not send the larger ones too. */
  | { action: 'warn'; days: number; record: number[]; expiresInMs: number };

/** What the hourly secret check does for one app (pure). */
export function checkSecret(
  app: { secretExpiresAt: Date | null; secretStatus: 'ok' | 'expired' | 'invalid'; secretWarningsSent: number[] },
  now: number,
): SecretCheck {
  if (!app.secretExpiresAt || app.secretStatus !== 'ok') return { action: 'none' };
  const left = app.secretExpiresAt.getTime() - now;
  if (left <= 0) return { action: 'expired' };
  const passed = SECRET_WARNING_DAYS.filter((d) => left <= d * DAY);
  if (!passed.length) return { action: 'none' };
  const days = Math.min(...passed);
  if (app.secretWarningsSent.includes(days)) return { action: 'none' };
  return { action: 'warn', days, record: passed.filter((d) => !app.secretWarningsSent.includes(d)), expiresInMs: left };
}
