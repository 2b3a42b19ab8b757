import { z } from 'zod';
import type { GatewayDeps } from '../clients';
import { workspaceOf } from '../http/auth';
import type { GatewayApp } from '../http/gateway-app';
import { errorBody, idParams } from '../http/schemas';
import { tenantSchema } from '../connect/tenant';
import { oauthAppView } from '../oauth-apps/oauth-app-view';
import { createOAuthApp, deleteOAuthApp, getOAuthApp, updateOAuthApp } from '../oauth-apps/oauth-app-service';

const appBody = z.object({
  name: z.string().trim().min(1).max(200),
  clientId: z.string().trim().min(1).max(200).describe('Application (client) ID from Azure Portal > App registrations'),
  clientSecret: z.string().min(1).max(1000).describe('write-only: stored encrypted, never returned'),
  secretExpiresAt: z.string().datetime({ offset: true }).nullable().optional(),
  defaultTenant: tenantSchema.optional(),
  redirectUri: z.string().url().optional().describe('default: <PUBLIC_URL>/oauth/callback'),
});
const appView = z.object({
  id: z.string(), name: z.string(), clientId: z.string(), secretVersion: z.number(), secretExpiresAt: z.string().nullable(),
  secretStatus: z.string(), defaultTenant: z.string(), redirectUri: z.string(), createdAt: z.string(), updatedAt: z.string(),
});
const tags = ['OAuth apps'];
const security = [{ apiKey: [] }];
const errors = { 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody };

export function oauthAppRoutes(app: GatewayApp, deps: GatewayDeps): void {
  app.route({
    method: 'POST',
    url: '/v1/oauth-apps',
    schema: { tags, security, body: appBody, response: { 201: appView, ...errors } },
    handler: async (req, reply) => reply.code(201).send(oauthAppView(await createOAuthApp(deps, await workspaceOf(deps.models, req), req.body))),
  });
  app.route({
    method: 'GET',
    url: '/v1/oauth-apps',
    schema: { tags, security, response: { 200: z.object({ data: z.array(appView) }), ...errors } },
    handler: async (req) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const apps = await deps.models.OAuthApp.find({ workspaceId }).sort({ createdAt: 1 }).lean();
      return { data: apps.map(oauthAppView) };
    },
  });
  app.route({
    method: 'GET',
    url: '/v1/oauth-apps/:id',
    schema: { tags, security, params: idParams('app'), response: { 200: appView, ...errors } },
    handler: async (req) => oauthAppView(await getOAuthApp(deps, await workspaceOf(deps.models, req), req.params.id)),
  });
  app.route({
    method: 'PATCH',
    url: '/v1/oauth-apps/:id',
    schema: { tags, security, params: idParams('app'), body: appBody.partial().strict(), response: { 200: appView, ...errors } },
    handler: async (req) => oauthAppView(await updateOAuthApp(deps, await workspaceOf(deps.models, req), req.params.id, req.body)),
  });
  app.route({
    method: 'DELETE',
    url: '/v1/oauth-apps/:id',
    schema: {
      tags,
      security,
      params: idParams('app'),
      querystring: z.object({ disconnectConnections: z.enum(['true', 'false']).default('false') }),
      response: { 200: z.object({ deleted: z.literal(true), disconnected: z.number() }), ...errors },
    },
    handler: async (req) => {
      const result = await deleteOAuthApp(deps, await workspaceOf(deps.models, req), req.params.id, req.query.disconnectConnections === 'true');
      return { deleted: true as const, ...result };
    },
  });
}
