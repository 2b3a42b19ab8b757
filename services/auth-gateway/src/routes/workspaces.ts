import { z } from 'zod';
import type { GatewayDeps } from '../clients';
import { requireAdmin } from '../http/auth';
import type { GatewayApp } from '../http/gateway-app';
import { adminToken, apiErrors } from '../http/schemas';
import { createWorkspace } from '../workspaces/create-workspace';

export function workspaceRoutes(app: GatewayApp, deps: GatewayDeps): void {
  app.route({
    method: 'POST',
    url: '/v1/workspaces',
    schema: {
      tags: ['Workspaces'],
      summary: 'Create a workspace and its API key',
      description:
        "Operators only: authorized by the gateway's ADMIN_TOKEN, not a workspace API key. Returns the API key once; only its hash is stored.",
      security: adminToken,
      body: z.object({ name: z.string().trim().min(1).max(200) }),
      response: {
        201: z.object({ workspaceId: z.string(), apiKey: z.string().describe('shown once: keep it') }),
        ...apiErrors({ body: true }),
      },
    },
    handler: async (req, reply) => {
      requireAdmin(deps.env.ADMIN_TOKEN, req);
      return reply.code(201).send(await createWorkspace(deps.models, req.body.name));
    },
  });
}
