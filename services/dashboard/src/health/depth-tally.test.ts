import { emptyDepth, mailboxRefOf, tallyDepth } from './depth-tally';

describe('which mailbox a job belongs to', () => {
  it('reads the connection from token-refresh and inbox-sync payloads', () => {
    expect(mailboxRefOf('token-refresh', { connectionId: 'conn_a', reason: 'scheduled' })).toEqual({
      by: 'connection',
      connectionId: 'conn_a',
    });
    expect(mailboxRefOf('inbox-sync', { connectionId: 'conn_b' })).toEqual({
      by: 'connection',
      connectionId: 'conn_b',
    });
  });

  it('goes through the send or calendar operation for send and calendar jobs', () => {
    expect(mailboxRefOf('send', { sendId: 'send_1' })).toEqual({ by: 'send', sendId: 'send_1' });
    expect(mailboxRefOf('calendar', { operationId: 'cal_1' })).toEqual({ by: 'calendar', operationId: 'cal_1' });
  });

  it('ignores payloads that name no mailbox', () => {
    expect(mailboxRefOf('send', { connectionId: 'conn_a' })).toBeNull();
    expect(mailboxRefOf('inbox-sync', null)).toBeNull();
    expect(mailboxRefOf('token-refresh', { connectionId: 42 })).toBeNull();
    expect(mailboxRefOf('calendar', 'cal_1')).toBeNull();
  });
});

describe('per-mailbox tally', () => {
  it('counts waiting and delayed jobs per connection and queue', () => {
    const t = tallyDepth([
      { queue: 'send', state: 'waiting', connectionId: 'a' },
      { queue: 'send', state: 'waiting', connectionId: 'a' },
      { queue: 'send', state: 'delayed', connectionId: 'a' },
      { queue: 'token-refresh', state: 'delayed', connectionId: 'a' },
      { queue: 'inbox-sync', state: 'waiting', connectionId: 'b' },
      { queue: 'calendar', state: 'waiting', connectionId: null },
    ]);
    expect(t.get('a')).toEqual({
      ...emptyDepth(),
      send: { waiting: 2, delayed: 1 },
      'token-refresh': { waiting: 0, delayed: 1 },
    });
    expect(t.get('b')).toEqual({ ...emptyDepth(), 'inbox-sync': { waiting: 1, delayed: 0 } });
    expect([...t.keys()]).toEqual(['a', 'b']);
  });
});
