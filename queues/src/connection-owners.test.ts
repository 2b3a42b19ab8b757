import { checkOwner, createOwnerCache } from './connection-owners';

describe('connection owners', () => {
  it('a remembered owner answers for its own workspace and refuses any other; nothing remembered asks the store', () => {
    expect(checkOwner('ws_a', 'ws_a')).toBe('owned');
    expect(checkOwner('ws_a', 'ws_b')).toBe('not_owned');
    expect(checkOwner(undefined, 'ws_a')).toBe('unknown');
  });

  it('remembers what the store said, per connection', () => {
    const owners = createOwnerCache();
    expect(owners.get('conn_1')).toBeUndefined();
    owners.remember('conn_1', 'ws_a');
    owners.remember('conn_2', 'ws_b');
    expect(owners.get('conn_1')).toBe('ws_a');
    expect(owners.get('conn_2')).toBe('ws_b');
    expect(checkOwner(owners.get('conn_2'), 'ws_a')).toBe('not_owned');
  });

  it('stays within its bound, forgetting the least recently used connection first', () => {
    const owners = createOwnerCache(2);
    owners.remember('conn_1', 'ws_a');
    owners.remember('conn_2', 'ws_a');
    expect(owners.get('conn_1')).toBe('ws_a'); // conn_1 used again: conn_2 is now the oldest
    owners.remember('conn_3', 'ws_a');
    expect(owners.size).toBe(2);
    expect(owners.get('conn_2')).toBeUndefined();
    expect(owners.get('conn_1')).toBe('ws_a');
    expect(owners.get('conn_3')).toBe('ws_a');
  });

  it('refuses a bound below one', () => {
    expect(() => createOwnerCache(0)).toThrow(/at least 1/);
  });
});
