import type { EmulatorContext } from '../context';
import { guid } from '../util/ids';
import { decide, type UserAction } from './authorize-decision';
import { validateAuthorize, type AuthorizeRequest } from './authorize-request';
import { fields, param, type App, type Reply } from './http-types';
import { adminApprovalPage, consentPage, errorPage } from './pages';
import { formPostPage, redirectLocation, type ResponseMode } from './redirect';

/** A sign-in page left open longer than this has expired (Microsoft's is similar). */
export const PAGE_LIFETIME_MS = 3600_000;

export const definedOnly = (q: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined));

export function sendToApp(
  reply: Reply,
  redirectUri: string,
  mode: ResponseMode,
  params: Record<string, string>,
): Reply {
  if (mode === 'form_post')
    return reply.code(200).type('text/html; charset=utf-8').send(formPostPage(redirectUri, params));
  return reply
    .code(302)
    .header('cache-control', 'no-store')
    .redirect(redirectLocation(redirectUri, mode, params), 302);
}

/** Headless sign-in picks the login_hint user, or the only user of a named tenant. */
function headlessEmail(ctx: EmulatorContext, req: AuthorizeRequest): string | undefined {
  if (req.loginHint) return req.loginHint;
  if (req.target.kind !== 'tenant') return undefined;
  const tenantId = req.target.tenant.id;
  const users = [...ctx.directory.users.values()].filter((u) => u.tenantId === tenantId);
  return users.length === 1 ? users[0]?.email : undefined;
}

function accountsFor(ctx: EmulatorContext, req: AuthorizeRequest): string[] {
  const tenantId = req.target.kind === 'tenant' ? req.target.tenant.id : undefined;
  return [...ctx.directory.users.values()]
    .filter((u) => !tenantId || u.tenantId === tenantId)
    .map((u) => u.email)
    .slice(0, 50);
}

const ADMIN_APPROVAL_CODES = new Set([90094, 90095]);

function finish(
  ctx: EmulatorContext,
  reply: Reply,
  req: AuthorizeRequest,
  email: string | undefined,
  action: UserAction,
  tenantSegment: string,
): Reply {
  const decision = decide(ctx, req, email, action);
  ctx.log({
    msg: 'authorize',
    clientId: req.app.clientId,
    email,
    outcome: decision.error ? `AADSTS${decision.error.code}` : (decision.params.error ?? 'code'),
  });
  if (
    ctx.settings.interactive &&
    action !== 'auto' &&
    decision.error &&
    ADMIN_APPROVAL_CODES.has(decision.error.code)
  ) {
    // Interactive sign-ins first see "Need admin approval"; the app hears access_denied only when the user goes back.
    const pendingId = guid();
    ctx.pending.set(pendingId, {
      id: pendingId,
      kind: 'return',
      tenantSegment,
      params: decision.params,
      createdAt: ctx.clock.now(),
      redirectUri: req.redirectUri,
      responseMode: req.responseMode,
      appName: req.app.name,
    });
    const base = `/${encodeURIComponent(tenantSegment)}/oauth2/v2.0/authorize`;
    return reply
      .code(200)
      .type('text/html; charset=utf-8')
      .send(
        adminApprovalPage({
          appName: req.app.name,
          workflow: decision.error.code === 90095,
          returnUrl: `${base}/return?pending=${pendingId}`,
          requestAction: `${base}/request-approval`,
          pendingId,
        }),
      );
  }
  return sendToApp(reply, req.redirectUri, req.responseMode, decision.params);
}

/** GET/POST /{tenant}/oauth2/v2.0/authorize. */
export function registerAuthorizeRoutes(app: App, ctx: EmulatorContext): void {
  const handle = (
    reply: Reply,
    tenant: string,
    q: Record<string, string | undefined>,
    form?: { email?: string; action?: string },
  ): Reply => {
    const v = validateAuthorize(ctx, tenant, q);
    if (v.kind === 'page') return reply.code(400).type('text/html; charset=utf-8').send(errorPage(v.error));
    if (v.kind === 'redirect') {
      const state: Record<string, string> = v.state !== undefined ? { state: v.state } : {};
      return sendToApp(reply, v.redirectUri, v.responseMode, {
        error: v.error.error,
        error_description: v.error.description,
        error_uri: v.error.errorUri,
        ...state,
      });
    }
    const req = v.req;
    if (form) return finish(ctx, reply, req, form.email, form.action === 'accept' ? 'accept' : 'decline', tenant);
    const hinted = req.loginHint ? ctx.directory.findUserByEmail(req.loginHint) : undefined;
    // prompt=none never shows UI: it succeeds silently or fails (login_required, consent_required).
    if (!ctx.settings.interactive || hinted?.autoConsent || req.prompt === 'none')
      return finish(ctx, reply, req, headlessEmail(ctx, req), 'auto', tenant);
    const pendingId = guid();
    ctx.pending.set(pendingId, {
      id: pendingId,
      kind: 'authorize',
      tenantSegment: tenant,
      params: definedOnly(q),
      createdAt: ctx.clock.now(),
    });
    const page = consentPage({
      action: `/${encodeURIComponent(tenant)}/oauth2/v2.0/authorize`,
      pendingId,
      appName: req.app.name,
      appId: req.app.clientId,
      loginHint: req.loginHint ?? '',
      accounts: accountsFor(ctx, req),
      scopes: [...req.scopes.graph, ...req.scopes.oidc],
      heading: 'Permissions requested',
      acceptLabel: 'Accept',
    });
    return reply.code(200).type('text/html; charset=utf-8').send(page);
  };

  app.get('/:tenant/oauth2/v2.0/authorize', async (request, reply) =>
    handle(reply, param(request, 'tenant'), fields(request.query)),
  );

  const heldReturn = (id: string | undefined) => {
    const held = id ? ctx.pending.get(id) : undefined;
    return held && held.kind === 'return' && held.redirectUri && ctx.clock.now() - held.createdAt <= PAGE_LIFETIME_MS
      ? held
      : undefined;
  };
  const expired = (reply: Reply) =>
    reply
      .code(400)
      .type('text/html; charset=utf-8')
      .send('<h1>This sign-in request has expired. Start again from the app.</h1>');

  // "Return to the application without granting consent": the held access_denied redirect goes out now.
  app.get('/:tenant/oauth2/v2.0/authorize/return', async (request, reply) => {
    const held = heldReturn(fields(request.query).pending);
    if (!held?.redirectUri) return expired(reply);
    ctx.pending.delete(held.id);
    return sendToApp(reply, held.redirectUri, held.responseMode ?? 'query', held.params);
  });

  // "Request approval" (admin consent workflow): the request is sent; the user can then go back to the app.
  app.post('/:tenant/oauth2/v2.0/authorize/request-approval', async (request, reply) => {
    const held = heldReturn(fields(request.body).pending);
    if (!held) return expired(reply);
    ctx.log({ msg: 'admin approval requested', tenant: held.tenantSegment });
    const base = `/${encodeURIComponent(held.tenantSegment)}/oauth2/v2.0/authorize`;
    return reply
      .code(200)
      .type('text/html; charset=utf-8')
      .send(
        adminApprovalPage({
          appName: held.appName ?? '',
          workflow: true,
          requested: true,
          returnUrl: `${base}/return?pending=${held.id}`,
          requestAction: `${base}/request-approval`,
          pendingId: held.id,
        }),
      );
  });

  app.post('/:tenant/oauth2/v2.0/authorize', async (request, reply) => {
    const form = fields(request.body);
    const pending = form.pending ? ctx.pending.get(form.pending) : undefined;
    if (!pending || pending.kind !== 'authorize' || ctx.clock.now() - pending.createdAt > PAGE_LIFETIME_MS) {
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send('<h1>This sign-in request has expired. Start again from the app.</h1>');
    }
    ctx.pending.delete(pending.id);
    return handle(reply, pending.tenantSegment, pending.params, { email: form.email, action: form.action });
  });
}
