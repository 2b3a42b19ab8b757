import { defaultNextRefreshAt, grantIdentity, GrantIdentityError, mailboxAddressOf } from './grant-identity';

describe('grantIdentity', () => {
  it('reads oid, tid and the mailbox address from the email claim, not preferred_username', () => {
    expect(
      grantIdentity({
        idTokenClaims: {
          oid: 'oid-1',
          tid: 'tid-1',
          preferred_username: 'asmith01@contoso.example',
          email: ' Ana@Contoso.Example ',
          name: 'Ana',
        },
        homeAccountId: 'x.y',
      }),
    ).toEqual({ microsoftUserId: 'oid-1', tenantId: 'tid-1', mailbox: 'ana@contoso.example', displayName: 'Ana' });
  });

  it('falls back to the home account id for oid and tid', () => {
    const id = grantIdentity({ idTokenClaims: { email: 'bo@x.example' }, homeAccountId: 'uid-9.utid-9' });
    expect(id).toMatchObject({ microsoftUserId: 'uid-9', tenantId: 'utid-9', displayName: '' });
  });

  it('refuses a grant that does not say whose mailbox it is (a phone-number preferred_username is not an address)', () => {
    expect(() => grantIdentity({ idTokenClaims: { oid: 'o', tid: 't' }, homeAccountId: '' })).toThrow(
      GrantIdentityError,
    );
    expect(() =>
      grantIdentity({ idTokenClaims: { oid: 'o', tid: 't', preferred_username: '+14255550100' }, homeAccountId: '' }),
    ).toThrow(GrantIdentityError);
    expect(mailboxAddressOf({ idTokenClaims: { email: 'not-an-address' } })).toBeUndefined();
  });
});

describe('defaultNextRefreshAt', () => {
  it('is ten minutes before expiry', () => {
    expect(defaultNextRefreshAt(new Date('2030-01-01T01:00:00Z')).toISOString()).toBe('2030-01-01T00:50:00.000Z');
  });
});
