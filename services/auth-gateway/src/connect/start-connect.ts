import {
  buildAuthorizeUrl,
  classifyMicrosoftError,
  codeVerifierContext,
  newId,
  remediationFor,
  scopesForPreset,
  type ScopePresetName,
} from '@outlook-connect/shared';
import type { GatewayDeps } from '../clients';
import { ApiError, notFound } from '../http/api-error';
import { msalOptionsFor } from '../oauth-apps/app-credentials';
import { appTenantOf, tenantRefusal } from '../oauth-apps/audience';
import { CONNECT_ATTEMPT_TTL_MS, hashConnectState, newConnectState } from './connect-state';
import { lookupTenant } from './resolve-tenant';
import { isAllowedReturnUrl } from './return-url';

export interface StartConnectInput {
  workspaceId: string;
  appId: string;
  scopePreset: ScopePresetName;
  tenant?: string | undefined;
  returnUrl: string;
  loginHint?: string | undefined;
  /** The connection being reconnected (or re-scoped). */
  connectionId?: string | undefined;
}

const fieldError = (
  status: number,
  code: string,
  field: string,
  reason: string,
  extra: Record<string, unknown> = {},
): ApiError => new ApiError(status, code, `${field}: ${reason}`, { ...extra, issues: [{ field, reason }] });

/** Records a pending connect attempt (state hash, PKCE verifier encrypted, nonce) and returns Microsoft's authorize URL. */
export async function startConnect(deps: GatewayDeps, input: StartConnectInput) {
  // The sandbox page returns to the gateway itself.
  const allowList = deps.env.SANDBOX
    ? [...deps.env.RETURN_URL_ALLOWLIST, deps.env.PUBLIC_URL]
    : deps.env.RETURN_URL_ALLOWLIST;
  if (!isAllowedReturnUrl(input.returnUrl, allowList)) {
    throw fieldError(
      400,
      'invalid_request',
      'body.returnUrl',
      'is not on the return URL allow-list (RETURN_URL_ALLOWLIST)',
    );
  }
  const app = await deps.models.OAuthApp.findOne({ _id: input.appId, workspaceId: input.workspaceId }).lean();
  if (!app) throw notFound('OAuth app');
  if (input.connectionId) {
    const connection = await deps.models.Connection.findOne(
      { _id: input.connectionId, workspaceId: input.workspaceId },
      { appId: 1 },
    ).lean();
    if (!connection) throw notFound('connection');
    // A reconnect finishes on this connection, whose tokens belong to its own app registration.
    if (connection.appId !== app._id)
      throw fieldError(
        400,
        'invalid_request',
        'body.appId',
        `must be the connection's OAuth app (${connection.appId})`,
      );
  }
  const tenant = input.tenant ?? app.defaultTenant;
  const refusal = tenantRefusal(app.audience, tenant, appTenantOf(app.defaultTenant));
  if (refusal) throw fieldError(400, refusal.code, 'body.tenant', refusal.reason, { remediation: refusal.remediation });
  const state = newConnectState();
  const attemptId = newId('att');
  let authorize;
  try {
    authorize = await buildAuthorizeUrl(msalOptionsFor(app, deps.box, deps.env.MICROSOFT_LOGIN_URL, tenant), {
      redirectUri: app.redirectUri,
      scopes: scopesForPreset(input.scopePreset),
      state,
      ...(input.loginHint ? { loginHint: input.loginHint } : {}),
    });
  } catch (err) {
    throw await authorizeUrlError(deps, err, tenant);
  }
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + CONNECT_ATTEMPT_TTL_MS);
  await deps.models.ConnectAttempt.create({
    _id: attemptId,
    workspaceId: input.workspaceId,
    appId: app._id,
    scopePreset: input.scopePreset,
    tenant,
    returnUrl: input.returnUrl,
    loginHint: input.loginHint ?? null,
    connectionId: input.connectionId ?? null,
    stateHash: hashConnectState(state),
    codeVerifierEnc: deps.box.encrypt(authorize.codeVerifier, codeVerifierContext(attemptId)),
    nonce: authorize.nonce,
    expiresAt,
  });
  return { authorizeUrl: authorize.url, attemptId, expiresAt: expiresAt.toISOString() };
}

/**
 * MSAL resolves the tenant's endpoints before it builds the URL and reports any failure as endpoints_resolution_error,
 * swallowing why; the discovery document itself tells an unknown tenant (a 400, AADSTS90002) from an outage.
 */
async function authorizeUrlError(deps: GatewayDeps, err: unknown, tenant: string): Promise<ApiError> {
  const f = classifyMicrosoftError(err);
  deps.logger.warn({ code: f.code, aadsts: f.aadsts, tenant }, 'could not build the authorize URL');
  if (f.code === 'network' || f.code === 'tenant_not_found') {
    const found = await lookupTenant(deps.env.MICROSOFT_LOGIN_URL, tenant);
    if (found.kind === 'not_found') {
      const code = found.aadsts ? ` (AADSTS${found.aadsts})` : '';
      return fieldError(
        400,
        'tenant_not_found',
        'body.tenant',
        `Microsoft does not know the tenant "${tenant}"${code}`,
        {
          remediation: remediationFor('tenant_not_found'),
          ...(found.aadsts ? { aadsts: found.aadsts } : {}),
        },
      );
    }
    return new ApiError(503, 'microsoft_unavailable', 'Microsoft could not be reached to start the sign-in.', {
      remediation: remediationFor('network'),
    });
  }
  return new ApiError(502, f.code, `Microsoft refused to start the sign-in (${f.code}).`, {
    remediation: remediationFor(f.code),
  });
}
