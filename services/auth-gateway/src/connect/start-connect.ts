import { buildAuthorizeUrl, codeVerifierContext, newId, scopesForPreset, type ScopePresetName } from '@outlook-connect/shared';
import type { GatewayDeps } from '../clients';
import { ApiError, notFound } from '../http/api-error';
import { msalOptionsFor } from '../oauth-apps/app-credentials';
import { CONNECT_ATTEMPT_TTL_MS, hashConnectState, newConnectState } from './connect-state';
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

/** Records a pending connect attempt (state hash, PKCE verifier encrypted, nonce) and returns Microsoft's authorize URL. */
export async function startConnect(deps: GatewayDeps, input: StartConnectInput) {
  // The sandbox page returns to the gateway itself.
  const allowList = deps.env.SANDBOX ? [...deps.env.RETURN_URL_ALLOWLIST, deps.env.PUBLIC_URL] : deps.env.RETURN_URL_ALLOWLIST;
  if (!isAllowedReturnUrl(input.returnUrl, allowList)) {
    throw new ApiError(400, 'invalid_request', 'body.returnUrl: is not on the return URL allow-list', {
      issues: [{ field: 'body.returnUrl', reason: 'is not on the return URL allow-list (RETURN_URL_ALLOWLIST)' }],
    });
  }
  const app = await deps.models.OAuthApp.findOne({ _id: input.appId, workspaceId: input.workspaceId }).lean();
  if (!app) throw notFound('OAuth app');
  if (input.connectionId) {
    const exists = await deps.models.Connection.exists({ _id: input.connectionId, workspaceId: input.workspaceId });
    if (!exists) throw notFound('connection');
  }
  const tenant = input.tenant ?? app.defaultTenant;
  const state = newConnectState();
  const attemptId = newId('att');
  const authorize = await buildAuthorizeUrl(msalOptionsFor(app, deps.box, deps.env.MICROSOFT_LOGIN_URL, tenant), {
    redirectUri: app.redirectUri,
    scopes: scopesForPreset(input.scopePreset),
    state,
    ...(input.loginHint ? { loginHint: input.loginHint } : {}),
  });
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
