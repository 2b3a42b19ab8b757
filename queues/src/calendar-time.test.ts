import { localToUtcMs, parseLocalDateTime, resolveTimeZone, toGraphUtc, zoneOffsetMs } from './calendar-time';
import { WINDOWS_TO_IANA } from './calendar-windows-zones';

describe('resolveTimeZone', () => {
  it('accepts IANA names as given', () => {
    expect(resolveTimeZone('Europe/Paris')).toEqual({ name: 'Europe/Paris', iana: 'Europe/Paris' });
    expect(resolveTimeZone('UTC')).toEqual({ name: 'UTC', iana: 'Etc/UTC' });
  });

  it('accepts Windows names in any case and returns their canonical spelling', () => {
    expect(resolveTimeZone('pacific standard time')).toEqual({
      name: 'Pacific Standard Time',
      iana: 'America/Los_Angeles',
    });
    expect(resolveTimeZone('W. Europe Standard Time')?.iana).toBe('Europe/Berlin');
  });

  it('rejects names neither knows, and offsets', () => {
    expect(resolveTimeZone('Mars/Olympus_Mons')).toBeNull();
    expect(resolveTimeZone('+01:00')).toBeNull();
    expect(resolveTimeZone('Pacific Time')).toBeNull();
    expect(resolveTimeZone('')).toBeNull();
  });

  it('maps every Windows name to a zone this runtime knows', () => {
    const unknown = Object.entries(WINDOWS_TO_IANA).filter(([, iana]) => resolveTimeZone(iana) === null);
    expect(unknown).toEqual([]);
  });
});

describe('parseLocalDateTime', () => {
  it('reads the shapes Graph uses', () => {
    expect(parseLocalDateTime('2025-03-10T14:30')).toMatchObject({ hour: 14, minute: 30, second: 0 });
    expect(parseLocalDateTime('2025-03-10T14:30:15.5000000')).toMatchObject({ second: 15, ms: 500 });
  });

  it('rejects offsets, impossible dates and junk', () => {
    expect(parseLocalDateTime('2025-03-10T14:30:00Z')).toBeNull();
    expect(parseLocalDateTime('2025-03-10T14:30:00+01:00')).toBeNull();
    expect(parseLocalDateTime('2025-02-30T10:00:00')).toBeNull();
    expect(parseLocalDateTime('2025-03-10T24:00:00')).toBeNull();
    expect(parseLocalDateTime('tomorrow')).toBeNull();
  });
});

describe('localToUtcMs', () => {
  it('converts wall-clock time in a zone, honouring daylight saving', () => {
    expect(new Date(localToUtcMs('2025-01-15T10:00:00', 'Europe/Paris')).toISOString()).toBe(
      '2025-01-15T09:00:00.000Z',
    );
    expect(new Date(localToUtcMs('2025-07-15T10:00:00', 'Europe/Paris')).toISOString()).toBe(
      '2025-07-15T08:00:00.000Z',
    );
    expect(new Date(localToUtcMs('2025-07-15T10:00:00', 'America/Los_Angeles')).toISOString()).toBe(
      '2025-07-15T17:00:00.000Z',
    );
    expect(new Date(localToUtcMs('2025-07-15T10:00:00', 'Asia/Kolkata')).toISOString()).toBe(
      '2025-07-15T04:30:00.000Z',
    );
  });

  it('moves a time skipped by the spring-forward jump to after it', () => {
    const ms = localToUtcMs('2025-03-30T02:30:00', 'Europe/Paris');
    expect(new Date(ms).toISOString()).toBe('2025-03-30T01:30:00.000Z');
  });

  it('knows offsets', () => {
    expect(zoneOffsetMs('Asia/Tokyo', Date.UTC(2025, 0, 1))).toBe(9 * 3600_000);
  });

  it('renders UTC like Graph does', () => {
    expect(toGraphUtc(Date.UTC(2025, 2, 10, 14, 30))).toBe('2025-03-10T14:30:00.0000000');
  });
});
