import { pkceMatches, s256Challenge } from './pkce';

const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

describe('pkceMatches', () => {
  it('accepts the RFC 7636 example (S256)', () => {
    expect(s256Challenge(verifier)).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(pkceMatches('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'S256', verifier)).toBe(true);
  });

  it('rejects a different verifier, a missing one and a malformed one', () => {
    const challenge = s256Challenge(verifier);
    expect(pkceMatches(challenge, 'S256', `${verifier.slice(0, -1)}A`)).toBe(false);
    expect(pkceMatches(challenge, 'S256', undefined)).toBe(false);
    expect(pkceMatches(challenge, 'S256', 'short')).toBe(false);
    expect(pkceMatches(challenge, 'S256', `${verifier}!`)).toBe(false);
  });

  it('supports plain', () => {
    expect(pkceMatches(verifier, 'plain', verifier)).toBe(true);
    expect(pkceMatches(verifier, 'plain', s256Challenge(verifier) + 'x'.repeat(10))).toBe(false);
  });
});
