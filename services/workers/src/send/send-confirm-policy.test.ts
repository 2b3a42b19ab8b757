import {
  confirmJobId,
  confirmSlot,
  confirmVerdict,
  followUpEndsAt,
  nextCheckAt,
  repairFollowUp,
  type ConfirmPolicy,
} from './send-confirm-policy';

const p: ConfirmPolicy = { firstCheckMs: 10_000, maxChecks: 3 };

describe('send confirmation: when to look in Sent Items', () => {
  it('backs off: D, 3D, 7D after the submission, then gives up', () => {
    expect(nextCheckAt(0, 0, p)).toBe(10_000);
    expect(nextCheckAt(0, 1, p)).toBe(30_000);
    expect(nextCheckAt(0, 2, p)).toBe(70_000);
    expect(nextCheckAt(0, 3, p)).toBeNull();
  });

  it('found: seen; not found: wait for the next look, or give up after the last one', () => {
    expect(confirmVerdict(true, 0, 2, p)).toEqual({ action: 'seen' });
    expect(confirmVerdict(false, 0, 0, p)).toEqual({ action: 'wait', nextAtMs: 30_000 });
    expect(confirmVerdict(false, 0, 2, p)).toEqual({ action: 'give_up' });
  });

  it('one job per mailbox and slot: looks due in the same slot share it, never before they are due', () => {
    expect(confirmSlot(10_001, p)).toBe(15_000);
    expect(confirmSlot(14_000, p)).toBe(15_000);
    expect(confirmSlot(15_000, p)).toBe(15_000);
    expect(confirmSlot(15_001, p)).toBe(20_000);
    expect(confirmJobId('conn_1', 15_000)).toBe('send-confirm_conn_1_15000');
  });

  it('the follow-up ends when the look after the last one would have been due (D x (2^(checks+1) - 1))', () => {
    expect(followUpEndsAt(0, p)).toBe(150_000);
    expect(followUpEndsAt(1_000, { firstCheckMs: 10_000, maxChecks: 5 })).toBe(631_000);
  });
});

describe('the sweep repairs a lost follow-up from the store', () => {
  const send = (checks: number, bookedAtMs: number | null) => ({ sentAtMs: 0, checks, bookedAtMs });

  it('missing from the set (Redis flushed): put back at its next look, the run booked then (or now when overdue)', () => {
    expect(repairFollowUp(send(0, null), true, 1_000, p)).toEqual({ action: 'book', dueMs: 10_000, atMs: 10_000 });
    expect(repairFollowUp(send(1, null), true, 40_000, p)).toEqual({ action: 'book', dueMs: 30_000, atMs: 40_000 });
  });

  it('in the set but overdue by more than two slots (its run was lost): the run booked now', () => {
    expect(repairFollowUp(send(0, 10_000), true, 20_000, p)).toEqual({ action: 'none' });
    expect(repairFollowUp(send(0, 10_000), true, 20_001, p)).toEqual({ action: 'book', dueMs: 10_000, atMs: 20_001 });
    expect(repairFollowUp(send(1, 30_000), true, 5_000, p)).toEqual({ action: 'none' });
  });

  it('a connection that cannot be used is left to its recovery; past the follow-up, or out of looks, gives up', () => {
    expect(repairFollowUp(send(0, null), false, 20_000, p)).toEqual({ action: 'none' });
    expect(repairFollowUp(send(0, 10_000), false, 150_001, p)).toEqual({ action: 'give_up' });
    expect(repairFollowUp(send(1, null), true, 150_001, p)).toEqual({ action: 'give_up' });
    expect(repairFollowUp(send(3, 70_000), true, 80_000, p)).toEqual({ action: 'give_up' });
    expect(repairFollowUp(send(2, null), true, 150_000, p)).toEqual({ action: 'book', dueMs: 70_000, atMs: 150_000 });
  });
});
