import { busyPeriodsOf, interpretSchedules, slotsOf } from './availability';

const start = Date.UTC(2025, 5, 2, 9, 0);
const end = Date.UTC(2025, 5, 2, 11, 0);

describe('slotsOf', () => {
  it('gives one slot per digit of the availability view', () => {
    expect(slotsOf('0210', start, end, 30)).toEqual([
      { start: '2025-06-02T09:00:00.000Z', end: '2025-06-02T09:30:00.000Z', status: 'free' },
      { start: '2025-06-02T09:30:00.000Z', end: '2025-06-02T10:00:00.000Z', status: 'busy' },
      { start: '2025-06-02T10:00:00.000Z', end: '2025-06-02T10:30:00.000Z', status: 'tentative' },
      { start: '2025-06-02T10:30:00.000Z', end: '2025-06-02T11:00:00.000Z', status: 'free' },
    ]);
  });

  it('clips the last slot to the window and ignores digits past it; unknown digits are unknown', () => {
    const slots = slotsOf('0x00', start, start + 45 * 60_000, 30);
    expect(slots).toHaveLength(2);
    expect(slots[1]).toEqual({ start: '2025-06-02T09:30:00.000Z', end: '2025-06-02T09:45:00.000Z', status: 'unknown' });
  });
});

describe('busyPeriodsOf', () => {
  it('merges adjacent non-free slots and keeps the strongest status', () => {
    expect(busyPeriodsOf(slotsOf('1230', start, end, 30))).toEqual([
      { start: '2025-06-02T09:00:00.000Z', end: '2025-06-02T10:30:00.000Z', status: 'oof' },
    ]);
    expect(busyPeriodsOf(slotsOf('2020', start, end, 30))).toHaveLength(2);
    expect(busyPeriodsOf(slotsOf('0000', start, end, 30))).toEqual([]);
  });
});

describe('interpretSchedules', () => {
  const window = { startMs: start, endMs: end, intervalMinutes: 30 };

  it('answers every asked schedule in order, matching ids case-insensitively', () => {
    const answer = {
      value: [
        { scheduleId: 'B@example.com', availabilityView: '0000' },
        { scheduleId: 'a@example.com', availabilityView: '0220' },
      ],
    };
    const out = interpretSchedules(answer, ['a@example.com', 'b@example.com'], window);
    expect(out.map((s) => s.schedule)).toEqual(['a@example.com', 'b@example.com']);
    expect(out[0]?.busy).toEqual([
      { start: '2025-06-02T09:30:00.000Z', end: '2025-06-02T10:30:00.000Z', status: 'busy' },
    ]);
    expect(out[1]?.busy).toEqual([]);
  });

  it('reports per-schedule errors and schedules Graph left out', () => {
    const answer = {
      value: [
        { scheduleId: 'x@other.com', error: { responseCode: 'ErrorMailRecipientNotFound', message: 'not found' } },
      ],
    };
    const out = interpretSchedules(answer, ['x@other.com', 'y@other.com'], window);
    expect(out[0]?.error).toEqual({ code: 'ErrorMailRecipientNotFound', message: 'not found' });
    expect(out[1]?.error?.code).toBe('not_returned');
  });
});
