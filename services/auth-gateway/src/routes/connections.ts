import { z } from 'zod';
import type { GatewayDeps } from '../clients';
import { startConnect } from '../connect/start-connect';
import { connectionView } from '../connections/connection-view';
import { disconnectConnection } from '../connections/disconnect';
import { inboxPage } from '../connections/inbox-page';
import { sendTestEmail } from '../connections/test-email';
import { notFound } from '../http/api-error';
import { workspaceOf } from '../http/auth';
import type { GatewayApp } from '../http/gateway-app';
import { apiErrors, idParams, scopePresetSchema, workspaceApiKey } from '../http/schemas';
import { changeScopeSchema, connectionListSchema, connectionViewSchema, inboxPageSchema } from '../http/views';
import { tenantSchema } from '../connect/tenant';

const tags = ['Connections'];
const security = workspaceApiKey;
const params = idParams('conn');

export function connectionRoutes(app: GatewayApp, deps: GatewayDeps): void {
  const find = async (workspaceId: string, id: string) => {
    const conn = await deps.models.Connection.findOne({ _id: id, workspaceId }).lean();
    if (!conn) throw notFound('connection');
    return conn;
  };

  app.route({
    method: 'GET',
    url: '/v1/connections',
    schema: {
      tags,
      security,
      summary: 'List connections',
      description: "The workspace's connections, newest first (at most 1000), optionally of one OAuth app or status.",
      querystring: z.object({
        appId: z.string().optional(),
        status: z.enum(['active', 'needs_reconnect', 'disconnected']).optional(),
      }),
      response: { 200: connectionListSchema, ...apiErrors({ query: true }) },
    },
    handler: async (req) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const filter: Record<string, unknown> = { workspaceId };
      if (req.query.appId) filter.appId = req.query.appId;
      if (req.query.status) filter.status = req.query.status;
      const conns = await deps.models.Connection.find(filter).sort({ createdAt: -1 }).limit(1000).lean();
      return { data: conns.map(connectionView) };
    },
  });

  app.route({
    method: 'GET',
    url: '/v1/connections/:id',
    schema: {
      tags,
      security,
      summary: 'Get a connection',
      description:
        'Status Active / Needs reconnect / Disconnected, with the reason and what to do about it, and the inbox sync state.',
      params,
      response: { 200: connectionViewSchema, ...apiErrors({ params: true }) },
    },
    handler: async (req) => connectionView(await find(await workspaceOf(deps.models, req), req.params.id)),
  });

  app.route({
    method: 'POST',
    url: '/v1/connections/:id/disconnect',
    schema: {
      tags,
      security,
      summary: 'Disconnect a connection',
      description: 'Wipes its tokens, stops its jobs and fails its queued sends and calendar operations. Idempotent.',
      params,
      response: { 200: connectionViewSchema, ...apiErrors({ body: true, params: true }) },
    },
    handler: async (req) =>
      connectionView(await disconnectConnection(deps, await workspaceOf(deps.models, req), req.params.id)),
  });

  app.route({
    method: 'POST',
    url: '/v1/connections/:id/change-scope',
    schema: {
      tags,
      security,
      params,
      summary: 'Change the scope preset of a connection',
      description:
        'Tokens are scope-locked: disconnects the connection and returns an authorize URL for the new preset.',
      body: z.object({ scopePreset: scopePresetSchema, returnUrl: z.string().url(), tenant: tenantSchema.optional() }),
      response: { 200: changeScopeSchema, ...apiErrors({ body: true, params: true }) },
    },
    handler: async (req) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const conn = await find(workspaceId, req.params.id);
      // Validate the return URL and app before disconnecting, so a bad request changes nothing.
      const started = await startConnect(deps, {
        workspaceId,
        appId: conn.appId,
        scopePreset: req.body.scopePreset,
        tenant: req.body.tenant ?? conn.tenant,
        returnUrl: req.body.returnUrl,
        loginHint: conn.mailbox,
        connectionId: conn._id,
      });
      const disconnected = await disconnectConnection(deps, workspaceId, conn._id);
      return { connection: connectionView(disconnected), ...started };
    },
  });

  app.route({
    method: 'POST',
    url: '/v1/connections/:id/test-email',
    schema: {
      tags,
      security,
      summary: 'Send a test email',
      description:
        'Queues a short email from the mailbox to itself (202); follow it with GET /v1/sends/{sendId}. 409 when the connection is not active or cannot send.',
      params,
      response: { 202: z.object({ sendId: z.string() }), ...apiErrors({ body: true, params: true }, 409) },
    },
    handler: async (req, reply) =>
      reply.code(202).send(await sendTestEmail(deps, await workspaceOf(deps.models, req), req.params.id)),
  });

  app.route({
    method: 'GET',
    url: '/v1/connections/:id/messages',
    schema: {
      tags,
      security,
      params,
      summary: 'List inbox messages',
      description: 'The messages the inbox sync has stored for this connection, newest first, a page at a time.',
      querystring: z.object({
        cursor: z.string().max(200).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(25),
      }),
      response: { 200: inboxPageSchema, ...apiErrors({ params: true, query: true }) },
    },
    handler: async (req) => {
      const workspaceId = await workspaceOf(deps.models, req);
      await find(workspaceId, req.params.id);
      return inboxPage(deps.models, {
        workspaceId,
        connectionId: req.params.id,
        cursor: req.query.cursor,
        limit: req.query.limit,
      });
    },
  });
}
