import { z } from 'zod';
import { OAUTH_APP_AUDIENCES } from '@outlook-connect/shared';
import type { GatewayDeps } from '../clients';
import { workspaceOf } from '../http/auth';
import type { GatewayApp } from '../http/gateway-app';
import { apiErrors, idParams, workspaceApiKey } from '../http/schemas';
import { tenantSchema } from '../connect/tenant';
import { oauthAppView } from '../oauth-apps/oauth-app-view';
import { createOAuthApp, deleteOAuthApp, getOAuthApp, updateOAuthApp } from '../oauth-apps/oauth-app-service';

const appBody = z.object({
  name: z.string().trim().min(1).max(200),
  clientId: z.string().trim().min(1).max(200).describe('Application (client) ID from Azure Portal > App registrations'),
  clientSecret: z.string().min(1).max(1000).describe('write-only: stored encrypted, never returned'),
  secretExpiresAt: z.string().datetime({ offset: true }).nullable().optional(),
  defaultTenant: tenantSchema.optional(),
  audience: z
    .enum(OAUTH_APP_AUDIENCES as unknown as ['single_tenant', 'multi_tenant', 'multi_tenant_and_personal'])
    .nullable()
    .optional()
    .describe("the Azure app's supported account types; learned from Microsoft when not given"),
  redirectUri: z.string().url().optional().describe('default: <PUBLIC_URL>/oauth/callback'),
});
const appView = z.object({
  id: z.string(),
  name: z.string(),
  clientId: z.string(),
  secretVersion: z.number(),
  secretExpiresAt: z.string().nullable(),
  secretStatus: z.string(),
  defaultTenant: z.string(),
  audience: z.string().nullable(),
  redirectUri: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const tags = ['OAuth apps'];
const security = workspaceApiKey;

export function oauthAppRoutes(app: GatewayApp, deps: GatewayDeps): void {
  app.route({
    method: 'POST',
    url: '/v1/oauth-apps',
    schema: {
      tags,
      security,
      summary: 'Register an OAuth app',
      description:
        'An Azure app registration (client id and secret) mailboxes connect through. 409 name_taken for a name already used.',
      body: appBody,
      response: { 201: appView, ...apiErrors({ body: true }, 409) },
    },
    handler: async (req, reply) =>
      reply.code(201).send(oauthAppView(await createOAuthApp(deps, await workspaceOf(deps.models, req), req.body))),
  });
  app.route({
    method: 'GET',
    url: '/v1/oauth-apps',
    schema: {
      tags,
      security,
      summary: 'List OAuth apps',
      response: { 200: z.object({ data: z.array(appView) }), ...apiErrors({}) },
    },
    handler: async (req) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const apps = await deps.models.OAuthApp.find({ workspaceId }).sort({ createdAt: 1 }).lean();
      return { data: apps.map(oauthAppView) };
    },
  });
  app.route({
    method: 'GET',
    url: '/v1/oauth-apps/:id',
    schema: {
      tags,
      security,
      summary: 'Get an OAuth app',
      description: 'Never the secret: its version, expiry and status.',
      params: idParams('app'),
      response: { 200: appView, ...apiErrors({ params: true }) },
    },
    handler: async (req) => oauthAppView(await getOAuthApp(deps, await workspaceOf(deps.models, req), req.params.id)),
  });
  app.route({
    method: 'PATCH',
    url: '/v1/oauth-apps/:id',
    schema: {
      tags,
      security,
      summary: 'Update an OAuth app',
      description:
        'A new clientSecret bumps secretVersion and recovers the connections an expired or invalid secret had stopped.',
      params: idParams('app'),
      body: appBody.partial().strict(),
      response: { 200: appView, ...apiErrors({ body: true, params: true }, 409) },
    },
    handler: async (req) =>
      oauthAppView(await updateOAuthApp(deps, await workspaceOf(deps.models, req), req.params.id, req.body)),
  });
  app.route({
    method: 'DELETE',
    url: '/v1/oauth-apps/:id',
    schema: {
      tags,
      security,
      summary: 'Delete an OAuth app',
      description:
        'Refused (409 app_has_connections) while it has live connections, unless ?disconnectConnections=true disconnects them.',
      params: idParams('app'),
      querystring: z.object({ disconnectConnections: z.enum(['true', 'false']).default('false') }),
      response: {
        200: z.object({ deleted: z.literal(true), disconnected: z.number() }),
        ...apiErrors({ params: true, query: true }, 409),
      },
    },
    handler: async (req) => {
      const result = await deleteOAuthApp(
        deps,
        await workspaceOf(deps.models, req),
        req.params.id,
        req.query.disconnectConnections === 'true',
      );
      return { deleted: true as const, ...result };
    },
  });
}
