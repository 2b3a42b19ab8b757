import { lapseReport, type GrantSeen } from './lapses';

const grant = (email: string, at: number, lifetime = 100): GrantSeen => ({
  email,
  grantType: 'refresh_token',
  at,
  accessTokenExpiresAt: at + lifetime,
});

describe('lapseReport', () => {
  it('counts a connection refreshed before each expiry as fresh, with its margins', () => {
    const r = lapseReport([{ email: 'a@x', expiresAt: 50 }], [grant('a@x', 40), grant('a@x', 130)], 200);
    expect(r).toMatchObject({ connections: 1, lapsed: 0, refreshes: 2, refreshedTwice: 1 });
    expect(r.marginSec).toEqual({ min: 0.01, p1: 0.01, p50: 0.01 });
  });

  it('flags a refresh after the held token expired, and a token left to expire before the end', () => {
    const late = lapseReport([{ email: 'a@x', expiresAt: 50 }], [grant('a@x', 60)], 100);
    expect(late).toMatchObject({ lapsed: 1, lapsedEmails: ['a@x'] });
    expect(late.marginSec.min).toBeCloseTo(-0.01);
    expect(lapseReport([{ email: 'b@x', expiresAt: 50 }], [], 100)).toMatchObject({ lapsed: 1, refreshes: 0 });
    expect(lapseReport([{ email: 'b@x', expiresAt: 50 }], [grant('b@x', 10, 60)], 100)).toMatchObject({ lapsed: 1 }); // new token ran out at 70
  });

  it('does not hold a token still valid at the end against the connection, and ignores other users, code grants and later grants', () => {
    const grants: GrantSeen[] = [
      grant('c@x', 10),
      { email: 'a@x', grantType: 'authorization_code', at: 5, accessTokenExpiresAt: 500 },
      grant('a@x', 400),
    ];
    expect(lapseReport([{ email: 'a@x', expiresAt: 300 }], grants, 200)).toMatchObject({
      lapsed: 0,
      refreshes: 0,
      marginSec: { min: null, p1: null, p50: null },
    });
  });

  it('matches emails case-insensitively (the emulator logs them lower-cased)', () => {
    expect(lapseReport([{ email: 'Ana@X', expiresAt: 50 }], [grant('ana@x', 40)], 100)).toMatchObject({
      lapsed: 0,
      refreshes: 1,
    });
  });
});
