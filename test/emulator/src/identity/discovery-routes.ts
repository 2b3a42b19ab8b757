import type { EmulatorContext } from '../context';
import { jwks } from '../crypto/jwt';
import { aadError, tokenErrorBody } from './aad-error';
import { fields, param, type App } from './http-types';
import { signedOutPage } from './pages';
import { resolveTenant, type TenantTarget } from './tenant-target';

function openIdConfiguration(
  ctx: EmulatorContext,
  target: Exclude<TenantTarget, { kind: 'unknown' }>,
): Record<string, unknown> {
  const base = ctx.urls.url;
  // Pages a browser visits may live on the sandbox's plain-HTTP origin (see interactive-server.ts); MSAL reads these.
  const pages = ctx.urls.interactiveUrl;
  // Like Microsoft: a domain resolves to the tenant GUID; common/organizations/consumers keep their name.
  const seg = target.kind === 'tenant' ? target.tenant.id : target.kind;
  const issuerTenant = target.kind === 'tenant' ? target.tenant.id : '{tenantid}';
  return {
    token_endpoint: `${base}/${seg}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/${seg}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/oidc/userinfo`,
    authorization_endpoint: `${pages}/${seg}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/${seg}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${pages}/${seg}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${base}/${seg}/kerberos`,
    tenant_region_scope: null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: new URL(ctx.urls.graphUrl).host,
    rbac_url: 'https://pas.windows.net',
  };
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** OpenID configuration, instance discovery, JWKS and logout. */
export function registerDiscoveryRoutes(app: App, ctx: EmulatorContext): void {
  app.get('/:tenant/v2.0/.well-known/openid-configuration', async (request, reply) => {
    const target = resolveTenant(ctx.directory, param(request, 'tenant'));
    if (target.kind === 'unknown') {
      const error = aadError(90002, { tenant: target.segment }, { baseUrl: ctx.urls.url, nowMs: ctx.clock.now() });
      return reply.code(400).send(tokenErrorBody(error));
    }
    return reply.send(openIdConfiguration(ctx, target));
  });

  app.get('/:tenant/discovery/instance', async (request, reply) => {
    const authEndpoint = fields(request.query).authorization_endpoint;
    const tenant = authEndpoint?.match(/^https:\/\/[^/]+\/([^/]+)\//)?.[1] ?? '{tenant}';
    const host = ctx.urls.knownAuthority;
    return reply.send({
      tenant_discovery_endpoint: `${ctx.urls.url}/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  });

  app.get('/:tenant/discovery/v2.0/keys', async (request, reply) => {
    const target = resolveTenant(ctx.directory, param(request, 'tenant'));
    const issuerTenant = target.kind === 'tenant' ? target.tenant.id : '{tenantid}';
    return reply.send(jwks(ctx.key, `${ctx.urls.url}/${issuerTenant}/v2.0`));
  });
  registerLogoutRoute(app, ctx);
}

/** GET /{tenant}/oauth2/v2.0/logout: a page the browser visits. */
export function registerLogoutRoute(app: App, ctx: EmulatorContext): void {
  app.get('/:tenant/oauth2/v2.0/logout', async (request, reply) => {
    const target = fields(request.query).post_logout_redirect_uri;
    const wanted = target ? originOf(target) : undefined;
    if (
      target &&
      wanted &&
      [...ctx.directory.apps.values()].some((a) => a.redirectUris.some((u) => originOf(u) === wanted))
    ) {
      return reply.redirect(target, 302);
    }
    return reply.type('text/html; charset=utf-8').send(signedOutPage());
  });
}
