import { EXPIRY_NOTICE_MS, EXPIRY_NOTICE_REPEAT_MS, expiryNoticeDue } from './expiry-notice';

const expiresAt = 10 * 3600_000;
const sub = { lifecycleNotificationUrl: 'https://crm.example/life', expiresAt };

describe('expiryNoticeDue', () => {
  it('is due from 60 minutes before expiry, then every 15 minutes', () => {
    expect(expiryNoticeDue(sub, expiresAt - EXPIRY_NOTICE_MS - 1)).toBe(false);
    expect(expiryNoticeDue(sub, expiresAt - EXPIRY_NOTICE_MS)).toBe(true);
    const sentAt = expiresAt - EXPIRY_NOTICE_MS;
    expect(expiryNoticeDue({ ...sub, expiryNoticeAt: sentAt }, sentAt + EXPIRY_NOTICE_REPEAT_MS - 1)).toBe(false);
    expect(expiryNoticeDue({ ...sub, expiryNoticeAt: sentAt }, sentAt + EXPIRY_NOTICE_REPEAT_MS)).toBe(true);
  });

  it('is never due without a lifecycle URL', () => {
    expect(expiryNoticeDue({ ...sub, lifecycleNotificationUrl: null }, expiresAt - 1)).toBe(false);
  });
});
