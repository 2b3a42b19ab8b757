import type { EmulatorContext } from '../context';
import { aadError, tokenErrorBody, type AadError } from './aad-error';
import { authenticateClient, clientCredentials } from './client-auth';
import { fields, param, type App, type Reply, type Req } from './http-types';
import { resolveTenant } from './tenant-target';
import { redeemCode, redeemRefreshToken, type GrantResult } from './token-grants';

const NO_CACHE = { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' };

function sendError(reply: Reply, error: AadError): Reply {
  return reply.code(error.status).headers(NO_CACHE).send(tokenErrorBody(error));
}

/** POST /{tenant}/oauth2/v2.0/token: authorization_code and refresh_token grants for confidential clients. */
export function registerTokenRoutes(app: App, ctx: EmulatorContext): void {
  app.post('/:tenant/oauth2/v2.0/token', async (request: Req, reply: Reply) => {
    const form = fields(request.body);
    const correlationId =
      typeof request.headers['client-request-id'] === 'string' ? request.headers['client-request-id'] : undefined;
    const opts = { baseUrl: ctx.urls.url, nowMs: ctx.clock.now(), correlationId };
    const target = resolveTenant(ctx.directory, param(request, 'tenant'));
    if (target.kind === 'unknown') return sendError(reply, aadError(90002, { tenant: target.segment }, opts));
    const grantType = form.grant_type;
    if (!grantType) return sendError(reply, aadError(900144, { param: 'grant_type' }, opts));
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      return sendError(reply, aadError(70003, { grantType }, opts));
    }
    const auth = authenticateClient(ctx, target, clientCredentials(form, request.headers.authorization), correlationId);
    if (!auth.ok) return sendError(reply, auth.error);
    const result: GrantResult =
      grantType === 'authorization_code'
        ? redeemCode(ctx, auth.app, form, correlationId)
        : redeemRefreshToken(ctx, auth.app, form, correlationId);
    if (result.email) request.emulatorEmail = result.email;
    ctx.log({
      msg: 'token',
      grantType,
      clientId: auth.app.clientId,
      email: result.email,
      outcome: result.ok ? 'ok' : `AADSTS${result.error.code}`,
    });
    if (!result.ok) return sendError(reply, result.error);
    return reply.code(200).headers(NO_CACHE).send(result.body);
  });
}
