import type { EmulatorContext } from '../context';
import { guid } from '../util/ids';
import { aadError } from './aad-error';
import { PAGE_LIFETIME_MS, definedOnly, sendToApp } from './authorize-routes';
import { recordAdminConsent } from './consent';
import { fields, param, type App, type Reply } from './http-types';
import { consentPage, errorPage } from './pages';
import { parseScopes } from './scopes';
import { resolveTenant, targetName } from './tenant-target';

/** GET /{tenant}/v2.0/adminconsent: an admin grants the app's permissions for the whole tenant. */
export function registerAdminConsentRoutes(app: App, ctx: EmulatorContext): void {
  const handle = (reply: Reply, tenantSegment: string, q: Record<string, string | undefined>, form?: { email?: string; action?: string }): Reply => {
    const opts = { baseUrl: ctx.urls.url, nowMs: ctx.clock.now() };
    const page = (code: number, c: Record<string, string | undefined>): Reply =>
      reply.code(400).type('text/html; charset=utf-8').send(errorPage(aadError(code, c, opts)));
    const target = resolveTenant(ctx.directory, tenantSegment);
    if (target.kind === 'unknown') return page(90002, { tenant: tenantSegment });
    const client = q.client_id ? ctx.directory.apps.get(q.client_id) : undefined;
    if (!client) return page(700016, { clientId: q.client_id ?? '', tenantName: targetName(target) });
    const redirectUri = q.redirect_uri ?? client.redirectUris[0] ?? '';
    if (!client.redirectUris.includes(redirectUri)) return page(50011, { redirectUri, clientId: client.clientId });
    const state: Record<string, string> = q.state !== undefined ? { state: q.state } : {};
    const scopes = parseScopes(q.scope ?? 'https://graph.microsoft.com/.default').graph;

    if (!form && ctx.settings.interactive) {
      const pendingId = guid();
      ctx.pending.set(pendingId, { id: pendingId, kind: 'adminconsent', tenantSegment, params: definedOnly(q), createdAt: ctx.clock.now() });
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
      const e = aadError(65004, {}, opts);
      return sendToApp(reply, redirectUri, 'query', { error: e.error, error_description: e.description, error_uri: e.errorUri, error_subcode: 'cancel', ...state });
    }
    const admin = form?.email ?? q.login_hint;
    const adminUser = admin ? ctx.directory.findUserByEmail(admin) : undefined;
    const tenant = target.kind === 'tenant' ? target.tenant : adminUser ? ctx.directory.tenant(adminUser.tenantId) : undefined;
    if (!tenant || (adminUser && adminUser.tenantId !== tenant.id)) {
      const e = aadError(50020, { email: admin, userTenantId: adminUser?.tenantId, tenantName: targetName(target), clientId: client.clientId, appName: client.name }, opts);
      return sendToApp(reply, redirectUri, 'query', { error: e.error, error_description: e.description, error_uri: e.errorUri, ...state });
    }
    recordAdminConsent(tenant, client.clientId, scopes.includes('.default') ? undefined : scopes);
    ctx.log({ msg: 'adminconsent', clientId: client.clientId, tenantId: tenant.id });
    return sendToApp(reply, redirectUri, 'query', { admin_consent: 'True', tenant: tenant.id, scope: q.scope ?? 'https://graph.microsoft.com/.default', ...state });
  };

  app.get('/:tenant/v2.0/adminconsent', async (request, reply) => handle(reply, param(request, 'tenant'), fields(request.query)));

  app.post('/:tenant/v2.0/adminconsent', async (request, reply) => {
    const form = fields(request.body);
    const pending = form.pending ? ctx.pending.get(form.pending) : undefined;
    if (!pending || pending.kind !== 'adminconsent' || ctx.clock.now() - pending.createdAt > PAGE_LIFETIME_MS) return reply.code(400).type('text/html').send('<h1>This request has expired.</h1>');
    ctx.pending.delete(pending.id);
    return handle(reply, pending.tenantSegment, pending.params, { email: form.email, action: form.action });
  });
}
