import {
  adminConsentUrl,
  classifyConsentError,
  newId,
  scopesForPreset,
  type ConnectAttemptDoc,
  type OAuthAppDoc,
} from '@outlook-connect/shared';
import type { GatewayDeps } from '../clients';
import { hashConnectState, newConnectState } from './connect-state';

/** An admin may take days to act on the link; the user's own attempt lives ten minutes. */
export const ADMIN_CONSENT_TTL_MS = 7 * 24 * 3600_000;

/**
 * The admin-consent URL for a failed attempt, with a state of its own (single use, recorded like a connect attempt),
 * so our callback accepts the admin's return instead of refusing it as an unknown state.
 */
export async function issueAdminConsentUrl(
  deps: GatewayDeps,
  attempt: ConnectAttemptDoc,
  app: OAuthAppDoc,
): Promise<string> {
  const state = newConnectState();
  await deps.models.ConnectAttempt.create({
    _id: newId('att'),
    kind: 'admin_consent',
    workspaceId: attempt.workspaceId,
    appId: app._id,
    scopePreset: attempt.scopePreset,
    tenant: attempt.tenant,
    returnUrl: attempt.returnUrl,
    loginHint: null,
    connectionId: attempt.connectionId,
    stateHash: hashConnectState(state),
    // No code is redeemed on this flow: there is no PKCE verifier or nonce to keep.
    codeVerifierEnc: 'none',
    nonce: 'none',
    expiresAt: new Date(deps.now().getTime() + ADMIN_CONSENT_TTL_MS),
  });
  return adminConsentUrl({
    loginUrl: deps.env.MICROSOFT_LOGIN_URL,
    tenant: attempt.tenant,
    clientId: app.clientId,
    redirectUri: app.redirectUri,
    scopes: scopesForPreset(attempt.scopePreset),
    state,
  });
}

export interface AdminConsentReturn {
  admin_consent?: string | undefined;
  tenant?: string | undefined;
  error?: string | undefined;
  error_description?: string | undefined;
  error_subcode?: string | undefined;
}

export interface AdminConsentOutcome {
  granted: boolean;
  /** Microsoft's `tenant` (display only: never proof of anything, v2-admin-consent warns). */
  tenant?: string;
  reason?: { code: string; message: string; remediation: string; aadsts?: number };
}

/** The admin's return: granted (admin_consent=True, no error) or refused with a reason; recorded on the attempt. */
export async function completeAdminConsent(
  deps: GatewayDeps,
  attempt: ConnectAttemptDoc,
  q: AdminConsentReturn,
): Promise<AdminConsentOutcome> {
  let outcome: AdminConsentOutcome;
  if (q.admin_consent === 'True' && !q.error) {
    outcome = { granted: true, ...(q.tenant ? { tenant: q.tenant } : {}) };
  } else {
    const f = classifyConsentError({
      error: q.error ?? 'invalid_request',
      error_description: q.error_description ?? '',
      error_subcode: q.error_subcode ?? null,
    });
    outcome = {
      granted: false,
      reason: {
        code: f.code,
        message: f.message,
        remediation: f.remediation,
        ...(f.aadsts !== undefined ? { aadsts: f.aadsts } : {}),
      },
    };
  }
  await deps.models.ConnectAttempt.updateOne(
    { _id: attempt._id },
    {
      $set: {
        status: outcome.granted ? 'succeeded' : 'failed',
        outcome: outcome.granted
          ? { ...(outcome.tenant ? { adminConsentTenant: outcome.tenant } : {}) }
          : {
              errorCode: outcome.reason?.code,
              message: outcome.reason?.message,
              remediation: outcome.reason?.remediation,
              ...(outcome.reason?.aadsts ? { aadsts: outcome.reason.aadsts } : {}),
            },
      },
    },
  );
  deps.logger.info(
    { attemptId: attempt._id, granted: outcome.granted, code: outcome.reason?.code },
    'admin consent returned',
  );
  return outcome;
}
