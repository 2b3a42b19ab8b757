import { z } from 'zod';
import type { GatewayDeps } from '../clients';
import { workspaceOf } from '../http/auth';
import type { GatewayApp } from '../http/gateway-app';
import { apiErrors, idParams, workspaceApiKey } from '../http/schemas';
import { createApiKey, keyView, listApiKeys, MAX_API_KEYS, revokeApiKey } from '../workspaces/workspace-keys';

const tags = ['API keys'];
const security = workspaceApiKey;
const keyViewSchema = z.object({
  id: z.string().describe('key_...'),
  prefix: z
    .string()
    .describe('the first characters of the key (ock_AbCd; ock_ alone for keys made before keys had ids)'),
  createdAt: z.string(),
});

/** Rotation: create a second key, move the CRM over to it, revoke the first. Never the key or its hash in a list. */
export function apiKeyRoutes(app: GatewayApp, deps: GatewayDeps): void {
  app.route({
    method: 'POST',
    url: '/v1/api-keys',
    schema: {
      tags,
      security,
      summary: 'Create another API key',
      description: `Returns the new key once (only its hash is stored). At most ${MAX_API_KEYS} keys (409 too_many_api_keys).`,
      response: {
        201: keyViewSchema.extend({ apiKey: z.string().describe('shown once: keep it') }),
        ...apiErrors({}, 409),
      },
    },
    handler: async (req, reply) => {
      const { key, apiKey } = await createApiKey(deps.models, await workspaceOf(deps.models, req), deps.now());
      return reply.code(201).send({ ...keyView(key), apiKey });
    },
  });
  app.route({
    method: 'GET',
    url: '/v1/api-keys',
    schema: {
      tags,
      security,
      summary: "List the workspace's API keys",
      response: { 200: z.object({ data: z.array(keyViewSchema) }), ...apiErrors({}) },
    },
    handler: async (req) => ({
      data: (await listApiKeys(deps.models, await workspaceOf(deps.models, req))).map(keyView),
    }),
  });
  app.route({
    method: 'DELETE',
    url: '/v1/api-keys/:id',
    schema: {
      tags,
      security,
      summary: 'Revoke an API key',
      description:
        'The key stops working at once (also for the request revoking it with that key). Revoking the only key is refused: 409 last_api_key.',
      params: idParams('key'),
      response: { 200: z.object({ revoked: z.literal(true) }), ...apiErrors({ params: true }, 409) },
    },
    handler: async (req) => {
      await revokeApiKey(deps.models, await workspaceOf(deps.models, req), req.params.id);
      return { revoked: true as const };
    },
  });
}
