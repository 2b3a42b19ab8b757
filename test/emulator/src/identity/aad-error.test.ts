import { aadError, aadTimestamp, redirectErrorParams, tokenErrorBody } from './aad-error';

const opts = { baseUrl: 'https://localhost:1', nowMs: Date.parse('2024-05-01T10:11:12.345Z'), correlationId: 'corr-1' };

describe('aadError', () => {
  it('builds the token error body Microsoft sends (and MSAL parses)', () => {
    const e = aadError(7000222, { clientId: 'app-1' }, opts);
    expect(e.status).toBe(401);
    const body = tokenErrorBody(e);
    expect(body).toMatchObject({
      error: 'invalid_client',
      error_codes: [7000222],
      timestamp: '2024-05-01 10:11:12Z',
      correlation_id: 'corr-1',
      error_uri: 'https://localhost:1/error?code=7000222',
    });
    expect(body.error_description).toMatch(
      /^AADSTS7000222: The provided client secret keys for app 'app-1' are expired\..*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: corr-1\r\nTimestamp: 2024-05-01 10:11:12Z$/s,
    );
    expect(body).not.toHaveProperty('suberror');
  });

  it('carries the suberror of interaction-required cases, and overrides for redirects', () => {
    expect(tokenErrorBody(aadError(65001, { clientId: 'c', appName: 'n' }, opts))).toMatchObject({
      error: 'invalid_grant',
      suberror: 'consent_required',
    });
    expect(tokenErrorBody(aadError(53003, {}, opts))).toMatchObject({
      error: 'interaction_required',
      suberror: 'message_only',
    });
    const redirect = redirectErrorParams(aadError(53003, {}, { ...opts, error: 'access_denied', suberror: null }), {
      state: 's',
    });
    expect(redirect).toEqual({
      error: 'access_denied',
      error_description: expect.stringMatching(/^AADSTS53003: /),
      error_uri: 'https://localhost:1/error?code=53003',
      state: 's',
    });
  });

  it('never puts interaction words in descriptions of plain errors (MSAL scans them)', () => {
    for (const code of [50057, 50173, 54005, 70008, 7000215, 7000222, 700016, 90094, 65004, 50020]) {
      const { description } = aadError(code, { clientId: 'c', appName: 'n', email: 'e', tenantName: 't' }, opts);
      expect(description).not.toMatch(
        /interaction_required|consent_required|login_required|bad_token|ui_not_allowed|interrupted_user/,
      );
    }
  });

  it('lists further codes after the first in error_codes, as Microsoft does for 70002 + 70000', () => {
    const body = tokenErrorBody(
      aadError(70002, {}, { ...opts, moreCodes: [70000], text: 'Error validating credentials. AADSTS70000: x' }),
    );
    expect(body).toMatchObject({ error: 'invalid_grant', error_codes: [70002, 70000] });
    expect(body.error_description).toMatch(/^AADSTS70002: Error validating credentials\. AADSTS70000: x\r\n/);
  });

  it('refuses codes outside the catalog', () => {
    expect(() => aadError(12345, {}, opts)).toThrow('not in the emulator catalog');
    expect(aadTimestamp(0)).toBe('1970-01-01 00:00:00Z');
  });
});
