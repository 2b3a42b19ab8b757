import { clientStateMatches, newClientState } from './client-state';

describe('clientState', () => {
  it('is a fresh random secret within Graph’s 128 characters', () => {
    const a = newClientState();
    expect(a).not.toBe(newClientState());
    expect(a.length).toBeGreaterThanOrEqual(40);
    expect(a.length).toBeLessThanOrEqual(128);
  });

  it('matches only the same value, whatever the lengths or types', () => {
    const s = newClientState();
    expect(clientStateMatches(s, s)).toBe(true);
    expect(clientStateMatches(s.slice(0, -1), s)).toBe(false);
    expect(clientStateMatches(`${s}x`, s)).toBe(false);
    expect(clientStateMatches('', s)).toBe(false);
    expect(clientStateMatches(undefined, s)).toBe(false);
    expect(clientStateMatches(42, s)).toBe(false);
  });
});
