import { redisKeys } from './redis-keys';

describe('redisKeys', () => {
  it('puts every mailbox key under the queue prefix hash tag, raw or already tagged', () => {
    const raw = redisKeys.mailbox('oc', 'conn_1');
    const tagged = redisKeys.mailbox('{oc}', 'conn_1');
    expect(raw).toMatchObject({ slots: '{oc}:mailbox:conn_1:slots', pausedUntil: '{oc}:mailbox:conn_1:paused' });
    expect(tagged.sendWindow).toBe(raw.sendWindow);
    expect(raw.recipients('2025-03-04')).toBe('{oc}:mailbox:conn_1:recipients:2025-03-04');
  });

  it('puts the locks under the same tag', () => {
    expect(redisKeys.refreshLock('oc', 'conn_1')).toBe('{oc}:lock:token-refresh:conn_1');
    expect(redisKeys.syncLock('{oc}', 'conn_1')).toBe('{oc}:lock:inbox-sync:conn_1');
  });
});
