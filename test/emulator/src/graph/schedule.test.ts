import { availabilityView } from './schedule';
import { fromUtcMs, toUtcMs } from './time-zone';

const t = (iso: string): number => Date.parse(iso);

describe('availabilityView', () => {
  it('marks each interval free/tentative/busy like getSchedule', () => {
    const slots = [
      { startMs: t('2024-05-01T09:30:00Z'), endMs: t('2024-05-01T10:15:00Z'), showAs: 'busy' },
      { startMs: t('2024-05-01T11:00:00Z'), endMs: t('2024-05-01T11:30:00Z'), showAs: 'tentative' },
    ];
    expect(availabilityView(slots, t('2024-05-01T09:00:00Z'), t('2024-05-01T12:00:00Z'), 30)).toBe('022010');
  });

  it('lets the stronger status win in an interval', () => {
    const slots = [
      { startMs: t('2024-05-01T09:00:00Z'), endMs: t('2024-05-01T10:00:00Z'), showAs: 'tentative' },
      { startMs: t('2024-05-01T09:00:00Z'), endMs: t('2024-05-01T09:10:00Z'), showAs: 'oof' },
    ];
    expect(availabilityView(slots, t('2024-05-01T09:00:00Z'), t('2024-05-01T10:00:00Z'), 60)).toBe('3');
  });
});

describe('time zones', () => {
  it('converts wall times in UTC, IANA and Windows zones', () => {
    expect(toUtcMs('2024-07-01T10:00:00.0000000', 'UTC')).toBe(t('2024-07-01T10:00:00Z'));
    expect(toUtcMs('2024-07-01T10:00:00', 'Pacific Standard Time')).toBe(t('2024-07-01T17:00:00Z'));
    expect(toUtcMs('2024-01-15T10:00:00', 'Europe/Berlin')).toBe(t('2024-01-15T09:00:00Z'));
    expect(fromUtcMs(t('2024-07-01T17:00:00Z'), 'America/Los_Angeles')).toBe('2024-07-01T10:00:00.0000000');
    expect(fromUtcMs(t('2024-07-01T17:00:00Z'), 'UTC')).toBe('2024-07-01T17:00:00.0000000');
  });
});
