import { daysUntil, formatAge, fractionalDaysUntil, secretCountdown } from './countdown';

const now = Date.parse('2025-03-10T12:00:00Z');
const inDays = (d: number) => new Date(now + d * 24 * 3600 * 1000);

describe('secret expiry countdown', () => {
  it('counts whole days down, 23 hours being "today"', () => {
    expect(daysUntil(inDays(10), now)).toBe(10);
    expect(daysUntil(inDays(10.9), now)).toBe(10);
    expect(daysUntil(inDays(23 / 24), now)).toBe(0);
    expect(daysUntil(inDays(-0.5), now)).toBe(-1);
    expect(fractionalDaysUntil(inDays(2.5), now)).toBeCloseTo(2.5);
  });

  it('labels and grades the countdown: ok, warning under 30 days, critical under 7', () => {
    expect(secretCountdown(inDays(90), 'ok', now)).toEqual({ days: 90, label: 'expires in 90 days', severity: 'ok' });
    expect(secretCountdown(inDays(29.5), 'ok', now)).toEqual({
      days: 29,
      label: 'expires in 29 days',
      severity: 'warning',
    });
    expect(secretCountdown(inDays(30), 'ok', now).severity).toBe('ok');
    expect(secretCountdown(inDays(1.2), 'ok', now)).toEqual({
      days: 1,
      label: 'expires in 1 day',
      severity: 'critical',
    });
    expect(secretCountdown(inDays(0.2), 'ok', now)).toEqual({ days: 0, label: 'expires today', severity: 'critical' });
  });

  it('says since when a secret has been expired', () => {
    expect(secretCountdown(inDays(-3.2), 'ok', now)).toEqual({
      days: -4,
      label: 'expired 3 days ago',
      severity: 'expired',
    });
    expect(secretCountdown(inDays(-0.1), 'expired', now).label).toBe('expired today');
    expect(secretCountdown(null, 'expired', now)).toEqual({ days: null, label: 'expired', severity: 'expired' });
  });

  it('trusts Microsoft over the date when the secret was rejected', () => {
    expect(secretCountdown(inDays(200), 'invalid', now)).toEqual({
      days: 200,
      label: 'secret rejected by Microsoft',
      severity: 'critical',
    });
  });

  it('says so when no expiry was recorded', () => {
    expect(secretCountdown(null, 'ok', now)).toEqual({
      days: null,
      label: 'no expiry date recorded',
      severity: 'unknown',
    });
  });
});

describe('age of a status', () => {
  it('reads like a person would say it', () => {
    expect(formatAge(new Date(now - 20_000), now)).toBe('just now');
    expect(formatAge(new Date(now - 60_000), now)).toBe('1 minute ago');
    expect(formatAge(new Date(now - 5 * 3600_000), now)).toBe('5 hours ago');
    expect(formatAge(new Date(now - 47 * 3600_000), now)).toBe('47 hours ago');
    expect(formatAge(new Date(now - 3 * 24 * 3600_000), now)).toBe('3 days ago');
    expect(formatAge(new Date(now + 60_000), now)).toBe('just now');
  });
});
