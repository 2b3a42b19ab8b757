import type { FreeBusySchedule, FreeBusyStatus } from '@outlook-connect/queues';

// Reads Graph's getSchedule answer (asked in UTC) into slots and merged busy periods. Pure.

const VIEW_DIGITS: Record<string, FreeBusyStatus> = {
  '0': 'free',
  '1': 'tentative',
  '2': 'busy',
  '3': 'oof',
  '4': 'workingElsewhere',
};

/** Higher wins when two busy periods touch: oof > busy > workingElsewhere > tentative. */
const WEIGHT: Record<FreeBusyStatus, number> = {
  free: 0,
  unknown: 1,
  tentative: 2,
  workingElsewhere: 3,
  busy: 4,
  oof: 5,
};

export function statusOfDigit(digit: string): FreeBusyStatus {
  return VIEW_DIGITS[digit] ?? 'unknown';
}

/** One slot per digit of the availability view, starting at startMs, intervalMinutes long (the last one clipped to endMs). */
export function slotsOf(
  view: string,
  startMs: number,
  endMs: number,
  intervalMinutes: number,
): FreeBusySchedule['slots'] {
  const step = intervalMinutes * 60_000;
  const slots: FreeBusySchedule['slots'] = [];
  for (let i = 0; i < view.length; i++) {
    const from = startMs + i * step;
    if (from >= endMs) break;
    slots.push({
      start: new Date(from).toISOString(),
      end: new Date(Math.min(from + step, endMs)).toISOString(),
      status: statusOfDigit(view[i] as string),
    });
  }
  return slots;
}

/** Adjacent non-free slots merged into periods; the period carries the strongest status among its slots. */
export function busyPeriodsOf(slots: FreeBusySchedule['slots']): FreeBusySchedule['busy'] {
  const busy: FreeBusySchedule['busy'] = [];
  for (const slot of slots) {
    if (slot.status === 'free') continue;
    const last = busy[busy.length - 1];
    if (last && last.end === slot.start) {
      last.end = slot.end;
      if (WEIGHT[slot.status] > WEIGHT[last.status]) last.status = slot.status;
    } else {
      busy.push({ ...slot });
    }
  }
  return busy;
}

interface GraphScheduleInformation {
  scheduleId?: unknown;
  availabilityView?: unknown;
  error?: { message?: unknown; responseCode?: unknown } | null;
}

/** Every requested schedule, in the order asked; one Graph did not answer for is reported with an error. */
export function interpretSchedules(
  answer: unknown,
  asked: readonly string[],
  window: { startMs: number; endMs: number; intervalMinutes: number },
): FreeBusySchedule[] {
  const value = (answer as { value?: unknown })?.value;
  const infos = (Array.isArray(value) ? value : []) as GraphScheduleInformation[];
  const byId = new Map(
    infos.filter((i) => typeof i.scheduleId === 'string').map((i) => [(i.scheduleId as string).toLowerCase(), i]),
  );
  return asked.map((schedule) => {
    const info = byId.get(schedule.toLowerCase());
    if (!info)
      return {
        schedule,
        availabilityView: '',
        slots: [],
        busy: [],
        error: { code: 'not_returned', message: 'Graph returned nothing for this schedule' },
      };
    if (info.error) {
      const code = typeof info.error.responseCode === 'string' ? info.error.responseCode : 'error';
      const message = typeof info.error.message === 'string' ? info.error.message : '';
      return { schedule, availabilityView: '', slots: [], busy: [], error: { code, message } };
    }
    const view = typeof info.availabilityView === 'string' ? info.availabilityView : '';
    const slots = slotsOf(view, window.startMs, window.endMs, window.intervalMinutes);
    return { schedule, availabilityView: view, slots, busy: busyPeriodsOf(slots), error: null };
  });
}
