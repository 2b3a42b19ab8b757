import { DEFAULT_CONFIRM_POLICY as P } from '../send/send-confirm-policy';
import { followUpLookAt, openLookAt } from './operation-schedule';

const OPEN = ['queued', 'scheduled', 'sending'];
const T = Date.UTC(2026, 11, 1, 12, 0, 0);

describe('when an open record needs the operation sweep', () => {
  it('once unchanged for the grace; a finished or missing record is off the schedule', () => {
    expect(openLookAt({ status: 'queued', updatedAt: new Date(T) }, OPEN, 30_000)).toBe(T + 30_000);
    expect(openLookAt({ status: 'sending', updatedAt: new Date(T), sendAt: null }, OPEN, 30_000)).toBe(T + 30_000);
    expect(openLookAt({ status: 'sent', updatedAt: new Date(T) }, OPEN, 30_000)).toBeNull();
    expect(openLookAt(undefined, OPEN, 30_000)).toBeNull();
  });

  it('a scheduled send: the grace before its send-at (its delayed job back before it is due)', () => {
    const sendAt = new Date(T + 86_400_000);
    expect(openLookAt({ status: 'scheduled', updatedAt: new Date(T), sendAt }, OPEN, 30_000)).toBe(
      sendAt.getTime() - 30_000,
    );
    // A send-at already past: as any open record.
    expect(openLookAt({ status: 'queued', updatedAt: new Date(T), sendAt: new Date(T - 1) }, OPEN, 30_000)).toBe(
      T + 30_000,
    );
  });
});

describe('when a pending follow-up needs the sweep', () => {
  const sent = (checks: number, over: Record<string, unknown> = {}) => ({
    status: 'sent',
    sentItemsStatus: 'pending',
    sentAt: new Date(T),
    updatedAt: new Date(T),
    sentItemsChecks: checks,
    ...over,
  });
  const slot = 5_000; // DEFAULT_CONFIRM_POLICY: firstCheckMs 10 s, slots of 5 s

  it('once its next look is overdue by two slots, later after each look made', () => {
    expect(followUpLookAt(sent(0), T, P)).toBe(T + 10_000 + 2 * slot);
    expect(followUpLookAt(sent(1), T, P)).toBe(T + 30_000 + 2 * slot);
  });

  it('at once when the follow-up is over or its looks are all made; off the schedule when seen or not sent', () => {
    expect(followUpLookAt(sent(0), T + 631_000, P)).toBe(T + 631_000);
    expect(followUpLookAt(sent(P.maxChecks), T + 1_000, P)).toBe(T + 1_000);
    expect(followUpLookAt(sent(0, { sentItemsStatus: 'seen' }), T, P)).toBeNull();
    expect(followUpLookAt(sent(0, { status: 'sending' }), T, P)).toBeNull();
    expect(followUpLookAt(undefined, T, P)).toBeNull();
  });
});
