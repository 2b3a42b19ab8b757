import {
  FAILURE_KIND,
  remediationFor,
  type MicrosoftFailure,
  type MicrosoftFailureCode,
} from '@outlook-connect/shared';
import { appReason, isAppReason, nextStatus } from './next-status';

const now = new Date('2025-03-01T12:00:00Z');
const f = (code: MicrosoftFailureCode, aadsts?: number): MicrosoftFailure => ({
  kind: FAILURE_KIND[code],
  code,
  message: `AADSTS${aadsts ?? 0}: text`,
  ...(aadsts ? { aadsts } : {}),
});

describe('nextStatus', () => {
  it('keeps an active connection active on transient and permanent failures, counting and retrying', () => {
    for (const code of ['network', 'server_error', 'throttled', 'unknown', 'msal_configuration'] as const) {
      expect(nextStatus('active', f(code), { now })).toEqual({ action: 'count', retry: true });
    }
  });

  it.each([
    ['refresh_token_expired', 700082],
    ['grant_revoked', 50173],
    ['grant_invalid', 70008],
    ['grant_invalid', 70000],
    ['consent_required', 65001],
    ['mfa_required', 50076],
    ['mfa_required', 50079],
    ['conditional_access', 53003],
    ['interaction_required', undefined],
  ] as const)(
    'sends %s (AADSTS %s) to needs_reconnect with reason, remediation and the AADSTS code',
    (code, aadsts) => {
      const change = nextStatus('active', f(code, aadsts), { now });
      expect(change).toEqual({
        action: 'needs_reconnect',
        reason: {
          code,
          message: `AADSTS${aadsts ?? 0}: text`,
          remediation: remediationFor(code),
          since: now,
          ...(aadsts ? { aadsts } : {}),
        },
      });
    },
  );

  it.each([
    ['client_secret_expired', 7000222, 'expired'],
    ['client_secret_invalid', 7000215, 'invalid'],
    ['app_not_found', 700016, 'invalid'],
  ] as const)('marks the app on %s (AADSTS %s) as %s and records the secret version used', (code, aadsts, status) => {
    const change = nextStatus('active', f(code, aadsts), { now, appSecretVersion: 3 });
    expect(change).toEqual({
      action: 'app_broken',
      appSecretStatus: status,
      reason: expect.objectContaining({
        code,
        aadsts,
        appSecretVersion: 3,
        remediation: remediationFor(code),
        since: now,
      }),
    });
  });

  it('changes nothing on a connection that is already needs_reconnect or disconnected', () => {
    for (const current of ['needs_reconnect', 'disconnected'] as const) {
      for (const code of ['network', 'grant_revoked', 'client_secret_expired'] as const) {
        expect(nextStatus(current, f(code), { now })).toEqual({ action: 'none' });
      }
    }
  });
});

describe('appReason', () => {
  it("gives the user guide's secret remediation with the app secret version", () => {
    const r = appReason('expired', now, 2);
    expect(r).toMatchObject({ code: 'client_secret_expired', appSecretVersion: 2, since: now });
    expect(r.remediation).toMatch(/Certificates & secrets.*Settings > OAuth Apps.*reconnect once/);
    expect(appReason('invalid', now, 1).code).toBe('client_secret_invalid');
  });

  it('recognises the reason codes an app secret update may recover', () => {
    expect(['client_secret_expired', 'client_secret_invalid', 'app_not_found'].every(isAppReason)).toBe(true);
    expect(isAppReason('grant_revoked')).toBe(false);
    expect(isAppReason(null)).toBe(false);
  });
});
