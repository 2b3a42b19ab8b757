import { mailboxOf, type EmulatorContext } from '../context';
import type { User } from '../state/model';
import { base64url } from '../util/ids';
import { aadError, redirectErrorParams, type AadError } from './aad-error';
import type { AuthorizeRequest } from './authorize-request';
import { recordUserConsent, scopesNeedingAdmin, unconsentedScopes } from './consent';
import { missingScopes } from './scopes';
import { appVisibleIn, targetName, userFitsTarget } from './tenant-target';

export type UserAction = 'auto' | 'accept' | 'decline';

export interface Decision {
  params: Record<string, string>;
  user?: User;
  error?: AadError;
}

export const clientInfo = (user: User): string => base64url(JSON.stringify({ uid: user.id, utid: user.tenantId }));

/**
 * The sign-in outcome for a validated request and a chosen user: policy and behaviour checks, consent, then the code.
 * Always ends in a redirect to the app (the caller renders it).
 */
export function decide(
  ctx: EmulatorContext,
  req: AuthorizeRequest,
  email: string | undefined,
  action: UserAction,
): Decision {
  const opts = { baseUrl: ctx.urls.url, nowMs: ctx.clock.now(), correlationId: req.correlationId };
  const state: Record<string, string> = req.state !== undefined ? { state: req.state } : {};
  const fail = (
    code: number,
    extra: Record<string, string | undefined> = {},
    override: { error?: string; suberror?: string | null } = {},
    subcode?: string,
  ): Decision => {
    const error = aadError(
      code,
      {
        clientId: req.app.clientId,
        appName: req.app.name,
        tenantName: targetName(req.target),
        tenant: targetName(req.target),
        email,
        ...extra,
      },
      { ...opts, ...override },
    );
    return { error, params: redirectErrorParams(error, { ...(subcode ? { error_subcode: subcode } : {}), ...state }) };
  };
  // Cancel before choosing an account comes back bare: access_denied + error_subcode=cancel, no description.
  if (action === 'decline' && !email) return { params: { error: 'access_denied', error_subcode: 'cancel', ...state } };
  if (action === 'decline') return fail(65004, {}, {}, 'cancel');
  if (!email) return fail(50058);
  const user = ctx.directory.findUserByEmail(email);
  if (!user) return fail(50034, {}, { error: 'access_denied' });
  const tenant = ctx.directory.tenant(user.tenantId);
  if (!userFitsTarget(req.target, user)) return fail(50020, { userTenantId: user.tenantId });
  if (!appVisibleIn(req.app, user.tenantId)) return fail(700016, { tenantName: tenant.name });
  if (user.behavior.disabled) return fail(50057, {}, { error: 'access_denied' });
  if (user.behavior.conditionalAccessBlock) return fail(53003, {}, { error: 'access_denied' });

  const requested = req.scopes.graph.includes('.default')
    ? [...(user.consents.get(req.app.clientId) ?? ['User.Read'])]
    : req.scopes.graph;
  const unconsented = unconsentedScopes(tenant, user, req.app.clientId, requested);
  const needsConsent = unconsented.length > 0 || req.prompt === 'consent';
  if (needsConsent) {
    const adminOnly = scopesNeedingAdmin(tenant, unconsented);
    // With the admin consent workflow on, the user is told to request approval (AADSTS90095); otherwise 90094.
    if (adminOnly.length > 0) return fail(tenant.adminConsentWorkflow ? 90095 : 90094);
    if (req.prompt === 'none') return fail(65001, {}, { error: 'consent_required', suberror: null });
    if (user.behavior.declineConsent) return fail(65004, {}, {}, 'cancel');
  }
  const withheld = user.behavior.withholdScopes ?? [];
  const graph = missingScopes(requested, withheld);
  const oidc = req.scopes.oidc.filter((s) => !withheld.some((w) => w.toLowerCase() === s));
  if (needsConsent) recordUserConsent(user, req.app.clientId, graph);
  mailboxOf(ctx, user);
  const code = ctx.grants.issueCode({
    clientId: req.app.clientId,
    userId: user.id,
    redirectUri: req.redirectUri,
    graphScopes: graph,
    oidcScopes: oidc,
    nonce: req.nonce,
    codeChallenge: req.codeChallenge,
    codeChallengeMethod: req.codeChallengeMethod,
    createdAt: ctx.clock.now(),
    mfa: Boolean(user.behavior.requireMfa),
  });
  return {
    user,
    params: {
      code: code.code,
      client_info: clientInfo(user),
      ...state,
      session_state: `${user.id.slice(0, 8)}-${code.code.slice(3, 11)}`,
    },
  };
}
