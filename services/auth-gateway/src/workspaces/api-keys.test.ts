import { bearerToken, hashApiKey, newApiKey } from './api-keys';

describe('workspace API keys', () => {
  it('are random, prefixed and hashed with sha256', () => {
    const a = newApiKey();
    expect(a).toMatch(/^ock_[A-Za-z0-9_-]{32}$/);
    expect(newApiKey()).not.toBe(a);
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('reads the bearer token of an Authorization header', () => {
    expect(bearerToken('Bearer ock_x')).toBe('ock_x');
    expect(bearerToken('bearer ock_x ')).toBe('ock_x');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
