import { confirmJobId, confirmSlot, confirmVerdict, nextCheckAt, type ConfirmPolicy } from './send-confirm-policy';

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
});
