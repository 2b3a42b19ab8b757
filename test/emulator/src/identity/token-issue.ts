import { createHash } from 'node:crypto';
import { accessTokenLifetimeSec, type EmulatorContext } from '../context';
import { signJwt } from '../crypto/jwt';
import type { App, User } from '../state/model';
import { guid } from '../util/ids';
import { clientInfo } from './authorize-decision';
import { formatGrantedScope, GRAPH_RESOURCE, type OidcScope } from './scopes';

export interface IssueInput {
  user: User;
  app: App;
  graphScopes: string[];
  oidcScopes: OidcScope[];
  nonce?: string;
  refreshToken?: string;
}

/** Graph access token: a v1 JWT like the ones Graph accepts (aud Graph, scp, oid, tid, appid). */
export function accessToken(
  ctx: EmulatorContext,
  user: User,
  app: App,
  graphScopes: string[],
  oidc: OidcScope[],
  lifetimeSec: number,
): string {
  const iat = ctx.clock.nowSec();
  return signJwt(
    {
      aud: GRAPH_RESOURCE,
      iss: `https://sts.windows.net/${user.tenantId}/`,
      iat,
      nbf: iat,
      exp: iat + lifetimeSec,
      acct: 0,
      app_displayname: app.name,
      appid: app.clientId,
      appidacr: '1',
      idtyp: 'user',
      name: user.displayName,
      oid: user.id,
      scp: [...graphScopes, ...oidc.filter((s) => s !== 'offline_access')].join(' '),
      sub: pairwiseSub(user, GRAPH_RESOURCE),
      tid: user.tenantId,
      unique_name: user.upn,
      upn: user.upn,
      uti: guid().replace(/-/g, '').slice(0, 22),
      ver: '1.0',
    },
    ctx.key,
  );
}

const pairwiseSub = (user: User, audience: string): string =>
  createHash('sha256').update(`${user.id}:${audience}`).digest('base64url').slice(0, 43);

export function idToken(ctx: EmulatorContext, user: User, app: App, oidc: OidcScope[], nonce?: string): string {
  const iat = ctx.clock.nowSec();
  return signJwt(
    {
      aud: app.clientId,
      iss: `${ctx.urls.url}/${user.tenantId}/v2.0`,
      iat,
      nbf: iat,
      exp: iat + 3600,
      // The email scope yields the primary SMTP address, and nothing when the user has none (scopes-oidc "email").
      ...(oidc.includes('email') && user.mail ? { email: user.mail } : {}),
      name: user.displayName,
      ...(nonce ? { nonce } : {}),
      oid: user.id,
      ...(oidc.includes('profile') ? { preferred_username: user.preferredUsername } : {}),
      sub: pairwiseSub(user, app.clientId),
      tid: user.tenantId,
      uti: guid().replace(/-/g, '').slice(0, 22),
      ver: '2.0',
    },
    ctx.key,
  );
}

export interface IssuedTokens {
  body: Record<string, unknown>;
  accessTokenExpiresAt: number; // ms epoch
}

/** The success JSON of the token endpoint. refresh_token only when given (offline_access granted). */
export function tokenResponse(ctx: EmulatorContext, input: IssueInput): IssuedTokens {
  const { user, app, graphScopes, oidcScopes } = input;
  const lifetime = accessTokenLifetimeSec(ctx.settings);
  const body = {
    token_type: 'Bearer',
    scope: formatGrantedScope(graphScopes, oidcScopes),
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: accessToken(ctx, user, app, graphScopes, oidcScopes, lifetime),
    ...(input.refreshToken ? { refresh_token: input.refreshToken } : {}),
    ...(oidcScopes.includes('openid') ? { id_token: idToken(ctx, user, app, oidcScopes, input.nonce) } : {}),
    client_info: clientInfo(user),
  };
  return { body, accessTokenExpiresAt: ctx.clock.now() + lifetime * 1000 };
}
