import { checkGrant } from './grant-checks';

const T = '11111111-2222-3333-4444-555555555555';
const grant = (over: Record<string, unknown> = {}) => ({
  refreshToken: 'rt',
  grantedScopes: ['Mail.ReadWrite', 'Mail.Send', 'openid', 'profile'],
  idTokenClaims: { tid: T, email: 'ana@contoso.example' } as Record<string, string>,
  ...over,
});

describe('checkGrant', () => {
  const requested = ['Mail.ReadWrite', 'Mail.Send'];

  it('passes a complete grant for common and for the matching tenant', () => {
    expect(checkGrant({ requestedScopes: requested, grant: grant(), tenant: 'common' })).toBeNull();
    expect(checkGrant({ requestedScopes: requested, grant: grant(), tenant: T.toUpperCase() })).toBeNull();
    expect(
      checkGrant({ requestedScopes: requested, grant: grant(), tenant: 'contoso.example', resolvedTenantId: T }),
    ).toBeNull();
  });

  it('no refresh token is offline_access_missing', () => {
    expect(
      checkGrant({ requestedScopes: requested, grant: grant({ refreshToken: undefined }), tenant: 'common' })?.code,
    ).toBe('offline_access_missing');
  });

  it('a withheld scope is scope_not_granted naming it', () => {
    const f = checkGrant({
      requestedScopes: requested,
      grant: grant({ grantedScopes: ['Mail.ReadWrite'] }),
      tenant: 'common',
    });
    expect(f?.code).toBe('scope_not_granted');
    expect(f?.message).toContain('Mail.Send');
    expect(f?.remediation).toContain('Mail.Send');
  });

  it('a token from another tenant is refused for a specific tenant', () => {
    expect(
      checkGrant({
        requestedScopes: requested,
        grant: grant({ idTokenClaims: { tid: 'other', email: 'ana@contoso.example' } }),
        tenant: T,
      })?.code,
    ).toBe('account_not_in_tenant');
    expect(checkGrant({ requestedScopes: requested, grant: grant(), tenant: 'contoso.example' })?.code).toBe(
      'account_not_in_tenant',
    );
  });

  it('no email claim (preferred_username is not an address we trust) is mailbox_not_enabled', () => {
    const f = checkGrant({
      requestedScopes: requested,
      grant: grant({ idTokenClaims: { tid: T, preferred_username: 'ana@contoso.example' } }),
      tenant: 'common',
    });
    expect(f?.code).toBe('mailbox_not_enabled');
  });
});
