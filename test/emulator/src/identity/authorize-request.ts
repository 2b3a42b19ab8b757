import type { EmulatorContext } from '../context';
import type { App } from '../state/model';
import { aadError, type AadError } from './aad-error';
import { parseResponseMode, type ResponseMode } from './redirect';
import { parseScopes, type ParsedScopes } from './scopes';
import { audienceRefusal, resolveTenant, targetName, type TenantTarget } from './tenant-target';

export interface AuthorizeRequest {
  app: App;
  target: TenantTarget;
  redirectUri: string;
  responseMode: ResponseMode;
  scopes: ParsedScopes;
  rawScope: string;
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  loginHint?: string;
  prompt?: string;
  correlationId?: string;
}

export type AuthorizeValidation =
  | { kind: 'ok'; req: AuthorizeRequest }
  /** Shown to the user, no redirect (redirect URI unknown or untrusted). */
  | { kind: 'page'; error: AadError }
  /** Sent back to the (validated) redirect URI. */
  | { kind: 'redirect'; error: AadError; redirectUri: string; responseMode: ResponseMode; state?: string };

/** Validates /authorize parameters in Microsoft's order: tenant, client, redirect URI, then the rest. */
export function validateAuthorize(
  ctx: EmulatorContext,
  tenantSegment: string,
  q: Record<string, string | undefined>,
): AuthorizeValidation {
  const opts = { baseUrl: ctx.urls.url, nowMs: ctx.clock.now(), correlationId: q['client-request-id'] };
  const target = resolveTenant(ctx.directory, tenantSegment);
  if (target.kind === 'unknown') return { kind: 'page', error: aadError(90002, { tenant: tenantSegment }, opts) };
  const clientId = q.client_id;
  if (!clientId) return { kind: 'page', error: aadError(900144, { param: 'client_id' }, opts) };
  const app = ctx.directory.apps.get(clientId);
  if (!app) return { kind: 'page', error: aadError(700016, { clientId, tenantName: targetName(target) }, opts) };
  const redirectUri = q.redirect_uri ?? app.redirectUris[0] ?? '';
  if (!app.redirectUris.includes(redirectUri)) {
    return { kind: 'page', error: aadError(50011, { redirectUri, clientId }, opts) };
  }
  const responseMode = parseResponseMode(q.response_mode);
  const back = (error: AadError): AuthorizeValidation => ({
    kind: 'redirect',
    error,
    redirectUri,
    responseMode,
    state: q.state,
  });
  const refusal = audienceRefusal(app, target);
  if (refusal) return back(aadError(refusal, { clientId: app.clientId, appName: app.name }, opts));
  if (q.response_type !== 'code') return back(aadError(700054, { responseType: q.response_type ?? '' }, opts));
  if (!q.scope) return back(aadError(900144, { param: 'scope' }, opts));
  const scopes = parseScopes(q.scope);
  if (scopes.other.length) return back(aadError(70011, {}, opts));
  const method = q.code_challenge_method ?? (q.code_challenge ? 'plain' : undefined);
  if (method !== undefined && method !== 'S256' && method !== 'plain') {
    return back(aadError(900144, { param: 'code_challenge_method' }, { ...opts, error: 'invalid_request' }));
  }
  return {
    kind: 'ok',
    req: {
      app,
      target,
      redirectUri,
      responseMode,
      scopes,
      rawScope: q.scope,
      state: q.state,
      nonce: q.nonce,
      codeChallenge: q.code_challenge,
      codeChallengeMethod: method,
      loginHint: q.login_hint,
      prompt: q.prompt,
      correlationId: q['client-request-id'],
    },
  };
}
