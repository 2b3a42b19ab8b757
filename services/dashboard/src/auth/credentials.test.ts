import { credentialsMatch } from './credentials';
import { refusedInReadOnly } from './read-only';

describe('operator credentials', () => {
  const expected = { user: 'ops', password: 'correct horse battery' };

  it('accepts only the exact user and password', () => {
    expect(credentialsMatch(expected, 'ops', 'correct horse battery')).toBe(true);
    expect(credentialsMatch(expected, 'ops', 'correct horse batter')).toBe(false);
    expect(credentialsMatch(expected, 'ops', 'correct horse battery ')).toBe(false);
    expect(credentialsMatch(expected, 'Ops', 'correct horse battery')).toBe(false);
    expect(credentialsMatch(expected, '', '')).toBe(false);
    expect(credentialsMatch(expected, 'correct horse battery', 'ops')).toBe(false);
  });

  it('compares non-ASCII passwords byte for byte', () => {
    const e = { user: 'opérateur', password: 'pässwörd-über-12' };
    expect(credentialsMatch(e, 'opérateur', 'pässwörd-über-12')).toBe(true);
    expect(credentialsMatch(e, 'opérateur', 'passwörd-über-12')).toBe(false);
  });
});

describe('read-only guard', () => {
  it('lets reads through', () => {
    for (const m of ['GET', 'get', 'HEAD', 'OPTIONS']) expect(refusedInReadOnly(m)).toBe(false);
  });

  it('refuses every method bull-board uses to change state (retry, clean, promote, pause, add, update)', () => {
    for (const m of ['PUT', 'POST', 'PATCH', 'DELETE', 'put']) expect(refusedInReadOnly(m)).toBe(true);
  });
});
