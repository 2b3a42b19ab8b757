import type { EmulatorContext } from '../context';
import { verifyJwt } from '../crypto/jwt';
import type { User } from '../state/model';
import { GraphError } from './graph-error';

export interface GraphPrincipal {
  user: User;
  scopes: string[];
  clientId: string;
}

const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

const unauthorized = (message: string): GraphError =>
  new GraphError(401, 'InvalidAuthenticationToken', message, { 'www-authenticate': WWW_AUTHENTICATE });

/** Checks the bearer token like Graph: missing/invalid/expired -> 401 InvalidAuthenticationToken. */
export function authenticateGraph(ctx: EmulatorContext, authorization: string | undefined): GraphPrincipal {
  const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (!token) throw unauthorized('Access token is empty.');
  const check = verifyJwt(token, ctx.key, ctx.clock.nowSec());
  if (!check.ok) {
    if (check.reason === 'expired') {
      ctx.counters.expiredToken();
      throw unauthorized('Lifetime validation failed, the token is expired.');
    }
    if (check.reason === 'malformed') throw unauthorized('IDX14100: JWT is not well formed, there are no dots (.).');
    throw unauthorized('Access token validation failure. Invalid audience.');
  }
  const { oid, scp, appid } = check.claims;
  const user = typeof oid === 'string' ? ctx.directory.user(oid) : undefined;
  if (!user)
    throw unauthorized(
      'Access token validation failure. The user or administrator has not consented or the user does not exist.',
    );
  return {
    user,
    scopes: typeof scp === 'string' ? scp.split(' ').filter(Boolean) : [],
    clientId: typeof appid === 'string' ? appid : '',
  };
}

/** 403 ErrorAccessDenied unless the token carries one of `anyOf` (case-insensitive). */
export function requireScope(principal: GraphPrincipal, anyOf: readonly string[]): void {
  const have = principal.scopes.map((s) => s.toLowerCase());
  if (anyOf.some((s) => have.includes(s.toLowerCase()))) return;
  throw new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
}
