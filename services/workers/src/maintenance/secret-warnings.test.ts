import { checkSecret } from './secret-warnings';

const DAY = 86_400_000;
const now = Date.parse('2025-03-01T00:00:00Z');
const app = (inDays: number | null, sent: number[] = [], status: 'ok' | 'expired' | 'invalid' = 'ok') => ({
  secretExpiresAt: inDays === null ? null : new Date(now + inDays * DAY),
  secretStatus: status,
  secretWarningsSent: sent,
});

describe('checkSecret', () => {
  it('does nothing without an expiry date, far from it, or once the app is already marked', () => {
    expect(checkSecret(app(null), now)).toEqual({ action: 'none' });
    expect(checkSecret(app(31), now)).toEqual({ action: 'none' });
    expect(checkSecret(app(-1, [], 'expired'), now)).toEqual({ action: 'none' });
  });

  it('warns at 30, 7 and 1 days, once each', () => {
    expect(checkSecret(app(30), now)).toEqual({ action: 'warn', days: 30, record: [30], expiresInMs: 30 * DAY });
    expect(checkSecret(app(20, [30]), now)).toEqual({ action: 'none' });
    expect(checkSecret(app(7, [30]), now)).toMatchObject({ action: 'warn', days: 7, record: [7] });
    expect(checkSecret(app(0.5, [30, 7]), now)).toMatchObject({ action: 'warn', days: 1, record: [1] });
    expect(checkSecret(app(0.5, [30, 7, 1]), now)).toEqual({ action: 'none' });
  });

  it('sends only the nearest warning when the first check comes late, recording the ones passed', () => {
    expect(checkSecret(app(5), now)).toEqual({ action: 'warn', days: 7, record: [30, 7], expiresInMs: 5 * DAY });
  });

  it('says expired once the date has passed', () => {
    expect(checkSecret(app(0), now)).toEqual({ action: 'expired' });
    expect(checkSecret(app(-3, [30, 7, 1]), now)).toEqual({ action: 'expired' });
  });
});
