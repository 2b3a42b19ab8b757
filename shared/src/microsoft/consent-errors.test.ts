import { aadstsFromDescription, adminConsentUrl, classifyConsentError, consentFailure } from './consent-errors';
import { remediationFor } from './remediation';

const describeError = (n: number, text = 'Something happened.') =>
  `AADSTS${n}: ${text}\r\nTrace ID: 0000\r\nCorrelation ID: 1111\r\nTimestamp: 2025-01-01 00:00:00Z`;

describe('classifyConsentError', () => {
  it.each([
    ['access_denied', 65004, undefined, 'user_declined'],
    ['consent_required', 65001, undefined, 'consent_required'],
    ['invalid_request', 65001, undefined, 'consent_required'],
    ['access_denied', 90094, undefined, 'admin_consent_required'],
    ['access_denied', 900941, undefined, 'admin_consent_required'],
    ['access_denied', 50020, undefined, 'account_not_in_tenant'],
    ['invalid_request', 50034, undefined, 'account_not_in_tenant'],
    ['unauthorized_client', 700016, undefined, 'app_not_found'],
    ['invalid_request', 700016, undefined, 'app_not_found'],
    ['invalid_client', 7000215, undefined, 'client_secret_invalid'],
    ['invalid_client', 7000222, undefined, 'client_secret_expired'],
    ['access_denied', 65004, 'cancel', 'user_declined'],
    ['access_denied', 90095, undefined, 'admin_consent_required'],
    ['access_denied', 50057, undefined, 'user_disabled'],
    ['access_denied', 53003, undefined, 'conditional_access'],
    ['login_required', 50058, undefined, 'interaction_required'],
    ['invalid_request', 50194, undefined, 'app_single_tenant'],
    ['invalid_request', 9002332, undefined, 'app_single_tenant'],
    ['unsupported_response_type', 700054, undefined, 'bad_request'],
    ['invalid_request', 900144, undefined, 'bad_request'],
    ['invalid_scope', 70011, undefined, 'bad_request'],
  ] as const)('error=%s AADSTS%i -> %s', (error, aadsts, subcode, code) => {
    const f = classifyConsentError({ error, error_description: describeError(aadsts), error_subcode: subcode });
    expect(f).toMatchObject({ code, aadsts, remediation: remediationFor(code) });
    expect(f.message).toBe(`AADSTS${aadsts}: Something happened.`);
  });

  it.each([
    [{ error: 'access_denied', error_subcode: 'cancel' }, 'user_cancelled'],
    [{ error: 'access_denied', error_subcode: 'cancel', error_description: '' }, 'user_cancelled'],
    [{ error: 'access_denied' }, 'user_declined'],
    [{ error: 'consent_required' }, 'consent_required'],
    [{ error: 'interaction_required' }, 'consent_required'],
    [{ error: 'unauthorized_client', error_description: 'no code here' }, 'app_not_found'],
    [{ error: 'server_error', error_description: describeError(12345) }, 'unknown'],
    [{ error: 'temporarily_unavailable' }, 'unknown'],
    [{}, 'unknown'],
  ] as const)('%# %j -> %s', (params, code) => {
    expect(classifyConsentError(params).code).toBe(code);
  });

  it('an AADSTS code never seen stays unknown (not guessed from error=access_denied) and shows its number', () => {
    const f = classifyConsentError({ error: 'access_denied', error_description: describeError(4242) });
    expect(f).toMatchObject({ code: 'unknown', aadsts: 4242 });
    expect(f.remediation).toContain('AADSTS4242');
  });

  it('a single-tenant refusal names the tenant to use when the app has one', () => {
    const f = classifyConsentError(
      { error: 'invalid_request', error_description: describeError(50194) },
      undefined,
      'contoso.example',
    );
    expect(f.remediation).toMatch(
      /^This app is single-tenant: use your tenant id \(contoso\.example\) instead of Common\./,
    );
    expect(
      classifyConsentError({ error: 'invalid_request', error_description: describeError(50194) }).remediation,
    ).toBe(remediationFor('app_single_tenant'));
  });

  it('reads the AADSTS number only from the leading prefix', () => {
    expect(aadstsFromDescription('AADSTS65004: User declined to consent')).toBe(65004);
    expect(aadstsFromDescription('  AADSTS50020:User account ...')).toBe(50020);
    expect(aadstsFromDescription('Something failed, see AADSTS65004: later')).toBeUndefined();
    expect(aadstsFromDescription(undefined)).toBeUndefined();
    expect(
      classifyConsentError({ error: 'server_error', error_description: 'see AADSTS7000222: in the middle' }).code,
    ).toBe('unknown');
  });

  it('adds the admin consent URL for admin_consent_required when given the app', () => {
    const f = classifyConsentError(
      { error: 'access_denied', error_description: describeError(90094) },
      {
        loginUrl: 'https://login.microsoftonline.com',
        tenant: 'common',
        clientId: 'app-1',
        redirectUri: 'https://crm.example/callback',
        scopes: ['offline_access', 'Mail.ReadWrite'],
        state: 's1',
      },
    );
    expect(f.adminConsentUrl).toMatch(/^https:\/\/login\.microsoftonline\.com\/organizations\/v2\.0\/adminconsent\?/);
    expect(
      classifyConsentError({ error: 'access_denied', error_description: describeError(65004) }).adminConsentUrl,
    ).toBeUndefined();
  });
});

describe('consentFailure', () => {
  it('builds the post-redeem failures with remediation', () => {
    expect(consentFailure('offline_access_missing')).toEqual({
      code: 'offline_access_missing',
      message: '',
      remediation: remediationFor('offline_access_missing'),
    });
    expect(consentFailure('scope_not_granted', { message: 'missing Mail.Send' })).toMatchObject({
      code: 'scope_not_granted',
      message: 'missing Mail.Send',
    });
  });
});

describe('adminConsentUrl', () => {
  const base = {
    loginUrl: 'https://localhost:5443/',
    clientId: 'client-1',
    redirectUri: 'https://crm.example/oauth/admin-callback',
    scopes: ['offline_access', 'Mail.ReadWrite', 'https://graph.microsoft.com/Mail.Send'],
  };

  it('builds the v2.0 adminconsent URL with qualified Graph scopes', () => {
    const url = new URL(adminConsentUrl({ ...base, tenant: 'contoso.onmicrosoft.com', state: 'abc' }));
    expect(url.origin + url.pathname).toBe('https://localhost:5443/contoso.onmicrosoft.com/v2.0/adminconsent');
    expect(url.searchParams.get('client_id')).toBe('client-1');
    expect(url.searchParams.get('redirect_uri')).toBe(base.redirectUri);
    expect(url.searchParams.get('scope')).toBe(
      'offline_access https://graph.microsoft.com/Mail.ReadWrite https://graph.microsoft.com/Mail.Send',
    );
    expect(url.searchParams.get('state')).toBe('abc');
  });

  it.each([undefined, 'common', 'consumers', 'Common'])('uses organizations for tenant %s', (tenant) => {
    const url = new URL(adminConsentUrl({ ...base, tenant }));
    expect(url.pathname).toBe('/organizations/v2.0/adminconsent');
    expect(url.searchParams.has('state')).toBe(false);
  });
});
