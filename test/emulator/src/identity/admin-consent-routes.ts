import type { EmulatorContext } from '../context';
import { guid } from '../util/ids';
import { aadError, type AadError } from './aad-error';
import { PAGE_LIFETIME_MS, definedOnly, sendToApp } from './authorize-routes';
import { recordAdminConsent } from './consent';
import { fields, param, type App, type Reply } from './http-types';
import { consentPage, errorPage } from './pages';
import { parseScopes } from './scopes';
import { resolveTenant, targetName } from './tenant-target';

/** GET /{tenant}/v2.0/adminconsent: an admin grants the app's permissions for the whole tenant. */
export function registerAdminConsentRoutes(app: App, ctx: EmulatorContext): void {
  const handle = (
    reply: Reply,
    tenantSegment: string,
    q: Record<string, string | undefined>,
    form?: { email?: string; action?: string },
  ): Reply => {
    const opts = { baseUrl: ctx.urls.url, nowMs: ctx.clock.now() };
    const page = (code: number, c: Record<string, string | undefined>): Reply =>
      reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(errorPage(aadError(code, c, opts)));
    const target = resolveTenant(ctx.directory, tenantSegment);
    if (target.kind === 'unknown') return page(90002, { tenant: tenantSegment });
    const client = q.client_id ? ctx.directory.apps.get(q.client_id) : undefined;
    if (!client) return page(700016, { clientId: q.client_id ?? '', tenantName: targetName(target) });
    // "Do not use 'common'": personal accounts cannot consent for an organization (v2-admin-consent, tenant parameter).
    if (target.kind === 'common' || target.kind === 'consumers')
      return page(90130, { clientId: client.clientId, appName: client.name });
    if (!q.redirect_uri) return page(900144, { param: 'redirect_uri' });
    const redirectUri = q.redirect_uri;
    if (!client.redirectUris.includes(redirectUri)) return page(50011, { redirectUri, clientId: client.clientId });
    const state: Record<string, string> = q.state !== undefined ? { state: q.state } : {};
    // Errors come back with admin_consent=True too, so the app can tell this flow's answers apart.
    const refuse = (e: AadError): Reply =>
      sendToApp(reply, redirectUri, 'query', {
        admin_consent: 'True',
        error: e.error,
        error_description: e.description,
        ...state,
      });
    if (!q.scope) return page(900144, { param: 'scope' });
    const scopes = parseScopes(q.scope).graph;

    if (!form && ctx.settings.interactive) {
      const pendingId = guid();
      ctx.pending.set(pendingId, {
        id: pendingId,
        kind: 'adminconsent',
        tenantSegment,
        params: definedOnly(q),
        createdAt: ctx.clock.now(),
      });
      return reply.type('text/html; charset=utf-8').send(
        consentPage({
          action: `/${encodeURIComponent(tenantSegment)}/v2.0/adminconsent`,
          pendingId,
          appName: client.name,
          appId: client.clientId,
          loginHint: q.login_hint ?? '',
          accounts: [],
          scopes,
          heading: 'Permissions requested - accept for your organization',
          acceptLabel: 'Accept',
        }),
      );
    }
    if (form?.action === 'cancel') {
      return refuse(
        aadError(
          65004,
          {},
          {
            ...opts,
            error: 'consent_required',
            text: 'The resource owner or authorization server denied the request.',
          },
        ),
      );
    }
    // Headless: the login_hint admin, or the tenant's only administrator.
    const soleAdmin = (): string | undefined => {
      if (target.kind !== 'tenant') return undefined;
      const admins = [...ctx.directory.users.values()].filter((u) => u.tenantId === target.tenant.id && u.admin);
      return admins.length === 1 ? admins[0]?.email : undefined;
    };
    const admin = form?.email ?? q.login_hint ?? soleAdmin();
    const adminUser = admin ? ctx.directory.findUserByEmail(admin) : undefined;
    const tenant =
      target.kind === 'tenant' ? target.tenant : adminUser ? ctx.directory.tenant(adminUser.tenantId) : undefined;
    if (!tenant || !adminUser || adminUser.tenantId !== tenant.id) {
      return refuse(
        aadError(
          50020,
          {
            email: admin,
            userTenantId: adminUser?.tenantId,
            tenantName: targetName(target),
            clientId: client.clientId,
            appName: client.name,
          },
          opts,
        ),
      );
    }
    // Only an administrator can consent for the organization; anyone else is refused (assumed: 90094 with admin_consent=True).
    if (!adminUser.admin) return refuse(aadError(90094, {}, opts));
    recordAdminConsent(tenant, client.clientId, scopes.includes('.default') ? undefined : scopes);
    ctx.log({ msg: 'adminconsent', clientId: client.clientId, tenantId: tenant.id });
    return sendToApp(reply, redirectUri, 'query', {
      admin_consent: 'True',
      tenant: tenant.id,
      scope: q.scope,
      ...state,
    });
  };

  app.get('/:tenant/v2.0/adminconsent', async (request, reply) =>
    handle(reply, param(request, 'tenant'), fields(request.query)),
  );

  app.post('/:tenant/v2.0/adminconsent', async (request, reply) => {
    const form = fields(request.body);
    const pending = form.pending ? ctx.pending.get(form.pending) : undefined;
    if (!pending || pending.kind !== 'adminconsent' || ctx.clock.now() - pending.createdAt > PAGE_LIFETIME_MS)
      return reply.code(400).type('text/html').send('<h1>This request has expired.</h1>');
    ctx.pending.delete(pending.id);
    return handle(reply, pending.tenantSegment, pending.params, { email: form.email, action: form.action });
  });
}
