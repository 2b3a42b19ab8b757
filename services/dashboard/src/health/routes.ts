import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  appSecrets,
  connectionHealth,
  connectionList,
  needsReconnect,
  statusCounts,
  type HealthSource,
  type Scope,
} from './health-queries';
import { renderConnection, renderOverview, type OverviewData } from './render';
import { webhookEndpointHealth } from './webhook-endpoints';

const scopeQuery = z.object({
  workspace: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a workspace id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
const connectionParams = z.object({
  id: z.string().regex(/^conn_[a-f0-9]{24}$/, 'must be a connection id (conn_...)'),
});

function badRequest(reply: FastifyReply, issues: z.core.$ZodIssue[]) {
  return reply.code(400).send({
    error: 'bad_request',
    message: issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; '),
  });
}

/** The connection-health view: HTML pages for people, the same data as JSON under /api/health. */
export function registerHealthRoutes(app: FastifyInstance, opts: { source: HealthSource; readOnly: boolean }): void {
  const { source, readOnly } = opts;

  const overview = async (scope: Scope, limit: number): Promise<OverviewData> => {
    const now = source.now();
    const [counts, list, apps, connections, webhookEndpoints] = await Promise.all([
      statusCounts(source.models, scope),
      needsReconnect(source.models, now, scope, limit),
      appSecrets(source.models, now, scope),
      connectionList(source.models, now, scope, limit),
      webhookEndpointHealth(source.models, scope),
    ]);
    return { counts, needsReconnect: list, apps, connections, webhookEndpoints, workspaceId: scope.workspaceId };
  };

  app.get('/', async (_req, reply) => reply.redirect('/health'));

  app.get('/health', async (req, reply) => {
    const q = scopeQuery.safeParse(req.query);
    if (!q.success) return badRequest(reply, q.error.issues);
    const data = await overview({ workspaceId: q.data.workspace }, q.data.limit);
    return reply.type('text/html; charset=utf-8').send(renderOverview(data, { readOnly }));
  });

  app.get('/health/connections/:id', async (req, reply) => {
    const p = connectionParams.safeParse(req.params);
    if (!p.success) return badRequest(reply, p.error.issues);
    const view = await connectionHealth(source, p.data.id);
    if (!view) return reply.code(404).type('text/plain').send(`No connection ${p.data.id}.`);
    return reply.type('text/html; charset=utf-8').send(renderConnection(view, { readOnly }));
  });

  app.get('/api/health/summary', async (req, reply) => {
    const q = scopeQuery.safeParse(req.query);
    if (!q.success) return badRequest(reply, q.error.issues);
    return {
      generatedAt: new Date(source.now()).toISOString(),
      ...(await overview({ workspaceId: q.data.workspace }, q.data.limit)),
    };
  });

  app.get('/api/health/counts', async (req, reply) => {
    const q = scopeQuery.safeParse(req.query);
    if (!q.success) return badRequest(reply, q.error.issues);
    return statusCounts(source.models, { workspaceId: q.data.workspace });
  });

  app.get('/api/health/needs-reconnect', async (req, reply) => {
    const q = scopeQuery.safeParse(req.query);
    if (!q.success) return badRequest(reply, q.error.issues);
    return needsReconnect(source.models, source.now(), { workspaceId: q.data.workspace }, q.data.limit);
  });

  app.get('/api/health/apps', async (req, reply) => {
    const q = scopeQuery.safeParse(req.query);
    if (!q.success) return badRequest(reply, q.error.issues);
    return { apps: await appSecrets(source.models, source.now(), { workspaceId: q.data.workspace }) };
  });

  app.get('/api/health/connections/:id', async (req, reply) => {
    const p = connectionParams.safeParse(req.params);
    if (!p.success) return badRequest(reply, p.error.issues);
    const view = await connectionHealth(source, p.data.id);
    if (!view) return reply.code(404).send({ error: 'not_found', message: `No connection ${p.data.id}.` });
    return view;
  });
}
