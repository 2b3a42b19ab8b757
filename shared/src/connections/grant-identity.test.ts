import { defaultNextRefreshAt, grantIdentity, GrantIdentityError } from './grant-identity';

describe('grantIdentity', () => {
  it('reads oid, tid and the address from the id token claims', () => {
    expect(
      grantIdentity({
        idTokenClaims: { oid: 'oid-1', tid: 'tid-1', preferred_username: ' Ana@Contoso.Example ', name: 'Ana' },
        homeAccountId: 'x.y',
      }),
    ).toEqual({ microsoftUserId: 'oid-1', tenantId: 'tid-1', mailbox: 'ana@contoso.example', displayName: 'Ana' });
  });

  it('falls back to the home account id for oid and tid', () => {
    const id = grantIdentity({ idTokenClaims: { preferred_username: 'bo@x.example' }, homeAccountId: 'uid-9.utid-9' });
    expect(id).toMatchObject({ microsoftUserId: 'uid-9', tenantId: 'utid-9', displayName: '' });
  });

  it('refuses a grant that does not say whose mailbox it is', () => {
    expect(() => grantIdentity({ idTokenClaims: { oid: 'o', tid: 't' }, homeAccountId: '' })).toThrow(GrantIdentityError);
  });
});

describe('defaultNextRefreshAt', () => {
  it('is ten minutes before expiry', () => {
    expect(defaultNextRefreshAt(new Date('2030-01-01T01:00:00Z')).toISOString()).toBe('2030-01-01T00:50:00.000Z');
  });
});
