import { mailboxOf, type EmulatorContext } from '../context';
import { pkceMatches } from '../crypto/pkce';
import type { App, RefreshTokenRecord, User } from '../state/model';
import { aadError, aadTimestamp, type AadError } from './aad-error';
import { unconsentedScopes } from './consent';
import { parseScopes, type OidcScope } from './scopes';
import { tokenResponse, type IssuedTokens } from './token-issue';

export type GrantResult =
  { ok: true; body: Record<string, unknown>; email: string } | { ok: false; error: AadError; email?: string };

type Form = Record<string, string | undefined>;

const errorOpts = (ctx: EmulatorContext, correlationId?: string) => ({
  baseUrl: ctx.urls.url,
  nowMs: ctx.clock.now(),
  correlationId,
});

// The MFA claims challenge Microsoft attaches to AADSTS50076.
const MFA_CLAIMS = JSON.stringify({
  access_token: { capolids: { essential: true, values: ['00000000-0000-0000-0000-000000000001'] } },
});

/** Who the user is now: disabled, blocked by Conditional Access? (checked on every grant). */
function userStateError(ctx: EmulatorContext, user: User, correlationId?: string): AadError | undefined {
  const opts = errorOpts(ctx, correlationId);
  if (user.behavior.disabled) return aadError(50057, {}, opts);
  if (user.behavior.conditionalAccessBlock) return aadError(53003, {}, opts);
  return undefined;
}

function issue(
  ctx: EmulatorContext,
  user: User,
  app: App,
  graph: string[],
  oidc: OidcScope[],
  mfa: boolean,
  nonce?: string,
): IssuedTokens {
  const refresh = oidc.includes('offline_access')
    ? ctx.grants.issueRefreshToken({
        clientId: app.clientId,
        userId: user.id,
        graphScopes: graph,
        oidcScopes: oidc,
        issuedAt: ctx.clock.now(),
        mfa,
      }).token
    : undefined;
  return tokenResponse(ctx, { user, app, graphScopes: graph, oidcScopes: oidc, nonce, refreshToken: refresh });
}

export function redeemCode(ctx: EmulatorContext, app: App, form: Form, correlationId?: string): GrantResult {
  const opts = errorOpts(ctx, correlationId);
  if (!form.code) return { ok: false, error: aadError(900144, { param: 'code' }, opts) };
  const code = ctx.grants.code(form.code);
  if (!code) return { ok: false, error: aadError(9002313, {}, opts) };
  const user = ctx.directory.user(code.userId);
  if (!user) return { ok: false, error: aadError(70000, { detail: 'the user no longer exists.' }, opts) };
  const email = user.email;
  if (code.clientId !== app.clientId)
    return { ok: false, email, error: aadError(70000, { detail: "the 'code' was issued to another client." }, opts) };
  if (code.redeemed) return { ok: false, email, error: aadError(54005, {}, opts) };
  if (ctx.clock.now() - code.createdAt > ctx.settings.codeLifetimeSec * 1000)
    return { ok: false, email, error: aadError(70008, {}, opts) };
  if ((form.redirect_uri ?? '') !== code.redirectUri) {
    return {
      ok: false,
      email,
      error: aadError(
        70000,
        { detail: "'redirect_uri' does not match the one used in the authorization request." },
        opts,
      ),
    };
  }
  if (code.codeChallenge && !pkceMatches(code.codeChallenge, code.codeChallengeMethod ?? 'plain', form.code_verifier)) {
    return { ok: false, email, error: aadError(501481, {}, opts) };
  }
  const stateError = userStateError(ctx, user, correlationId);
  if (stateError) return { ok: false, email, error: stateError };
  code.redeemed = true;
  const issued = issue(ctx, user, app, code.graphScopes, code.oidcScopes as OidcScope[], code.mfa, code.nonce);
  ctx.counters.grant(email, 'authorization_code', ctx.clock.now(), issued.accessTokenExpiresAt);
  return { ok: true, email, body: issued.body };
}

function refreshTokenError(
  ctx: EmulatorContext,
  rt: RefreshTokenRecord,
  user: User,
  app: App,
  requested: string[],
  correlationId?: string,
): AadError | undefined {
  const opts = errorOpts(ctx, correlationId);
  const now = ctx.clock.now();
  if (user.behavior.disabled) return aadError(50057, {}, opts);
  if (rt.serial < user.revokedBeforeSerial) {
    return aadError(
      50173,
      { issuedAt: aadTimestamp(rt.issuedAt), validFrom: aadTimestamp(user.revokedAt ?? now) },
      opts,
    );
  }
  const inactiveMs = now - rt.issuedAt;
  if (rt.serial < user.expiredBeforeSerial || inactiveMs > ctx.settings.refreshTokenInactivitySec * 1000) {
    const days = Math.floor(inactiveMs / 86_400_000);
    const hms = new Date(inactiveMs % 86_400_000).toISOString().slice(11, 19);
    return aadError(700082, { issuedAt: aadTimestamp(rt.issuedAt), inactiveFor: `${days}.${hms}` }, opts);
  }
  if (user.behavior.conditionalAccessBlock) return aadError(53003, {}, opts);
  if (user.behavior.requireMfa && !rt.mfa) return aadError(50076, {}, { ...opts, claims: MFA_CLAIMS });
  const tenant = ctx.directory.tenant(user.tenantId);
  if (unconsentedScopes(tenant, user, app.clientId, requested).length > 0) {
    return aadError(65001, { clientId: app.clientId, appName: app.name }, opts);
  }
  return undefined;
}

export function redeemRefreshToken(ctx: EmulatorContext, app: App, form: Form, correlationId?: string): GrantResult {
  const opts = errorOpts(ctx, correlationId);
  if (!form.refresh_token) return { ok: false, error: aadError(900144, { param: 'refresh_token' }, opts) };
  const rt = ctx.grants.refreshToken(form.refresh_token);
  if (!rt) return { ok: false, error: aadError(9002313, {}, opts) };
  const user = ctx.directory.user(rt.userId);
  // Microsoft answers a refresh token it cannot use for this client with two codes: 70002 (credentials) then 70000.
  const twoCodes = {
    ...opts,
    text: "Error validating credentials. AADSTS70000: The provided value for the input parameter 'refresh_token' or 'assertion' is not valid.",
    moreCodes: [70000],
  };
  if (!user) return { ok: false, error: aadError(70002, {}, twoCodes) };
  const email = user.email;
  if (rt.clientId !== app.clientId) return { ok: false, email, error: aadError(70002, {}, twoCodes) };
  const asked = parseScopes(form.scope);
  const graph = asked.graph.filter((s) => s !== '.default');
  const requested = graph.length > 0 ? graph : rt.graphScopes;
  const error = refreshTokenError(ctx, rt, user, app, requested, correlationId);
  if (error) return { ok: false, email, error };
  const oidc: OidcScope[] = Array.from(
    new Set<OidcScope>([...(rt.oidcScopes as OidcScope[]), ...asked.oidc.filter((s) => s !== 'offline_access')]),
  );
  mailboxOf(ctx, user);
  const issued = issue(ctx, user, app, requested, oidc, rt.mfa);
  ctx.counters.grant(email, 'refresh_token', ctx.clock.now(), issued.accessTokenExpiresAt);
  return { ok: true, email, body: issued.body };
}
