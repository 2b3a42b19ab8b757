/** getSchedule's availabilityView: one digit per interval, 0 free, 1 tentative, 2 busy, 3 oof, 4 working elsewhere. */
export interface BusySlot {
  startMs: number;
  endMs: number;
  showAs: string;
}

const RANK: Record<string, string> = { free: '0', tentative: '1', busy: '2', oof: '3', workingElsewhere: '4' };
// Higher wins when several items overlap one interval.
const PRIORITY = ['0', '1', '4', '2', '3'];

export function availabilityView(slots: BusySlot[], startMs: number, endMs: number, intervalMin: number): string {
  const step = Math.max(5, intervalMin) * 60_000;
  let view = '';
  for (let t = startMs; t < endMs; t += step) {
    const end = Math.min(t + step, endMs);
    let best = '0';
    for (const slot of slots) {
      if (slot.startMs < end && slot.endMs > t) {
        const digit = RANK[slot.showAs] ?? '2';
        if (PRIORITY.indexOf(digit) > PRIORITY.indexOf(best)) best = digit;
      }
    }
    view += best;
  }
  return view;
}
