import { z } from 'zod';
import type { GatewayDeps } from '../clients';
import { notFound } from '../http/api-error';
import { workspaceOf } from '../http/auth';
import type { GatewayApp } from '../http/gateway-app';
import { apiErrors, idParams, workspaceApiKey } from '../http/schemas';
import {
  endpointBody,
  endpointPatch,
  endpointView,
  endpointWithSecret,
  rotateBody,
} from '../webhooks/endpoint-schemas';
import { createEndpoint, getEndpoint, rotateSecret, updateEndpoint } from '../webhooks/endpoint-service';
import { webhookEndpointView } from '../webhooks/endpoint-view';

const tags = ['Webhooks'];
const security = workspaceApiKey;
const params = idParams('whep');

export function webhookEndpointRoutes(app: GatewayApp, deps: GatewayDeps): void {
  app.route({
    method: 'POST',
    url: '/v1/webhook-endpoints',
    schema: {
      tags,
      security,
      summary: 'Register a webhook endpoint',
      description:
        'Events of this workspace are POSTed to the URL as Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). ' +
        'The answer carries the signing secret, once. The URL must be https and must not resolve to a private, loopback or link-local address (400 naming body.url).',
      body: endpointBody,
      response: { 201: endpointWithSecret, ...apiErrors({ body: true }) },
    },
    handler: async (req, reply) => {
      const { endpoint, secret } = await createEndpoint(deps, await workspaceOf(deps.models, req), req.body);
      return reply.code(201).send({ ...webhookEndpointView(endpoint), secret });
    },
  });

  app.route({
    method: 'GET',
    url: '/v1/webhook-endpoints',
    schema: {
      tags,
      security,
      summary: 'List webhook endpoints',
      description: 'Never the secrets.',
      response: { 200: z.object({ data: z.array(endpointView) }), ...apiErrors({}) },
    },
    handler: async (req) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const endpoints = await deps.models.WebhookEndpoint.find({ workspaceId }).sort({ createdAt: 1 }).lean();
      return { data: endpoints.map(webhookEndpointView) };
    },
  });

  app.route({
    method: 'GET',
    url: '/v1/webhook-endpoints/:id',
    schema: {
      tags,
      security,
      summary: 'Get a webhook endpoint',
      params,
      response: { 200: endpointView, ...apiErrors({ params: true }) },
    },
    handler: async (req) =>
      webhookEndpointView(await getEndpoint(deps, await workspaceOf(deps.models, req), req.params.id)),
  });

  app.route({
    method: 'PATCH',
    url: '/v1/webhook-endpoints/:id',
    schema: {
      tags,
      security,
      summary: 'Update a webhook endpoint',
      description:
        'URL (checked again), event types, description, enabled. Enabling an endpoint disabled after failing clears its failure record.',
      params,
      body: endpointPatch,
      response: { 200: endpointView, ...apiErrors({ body: true, params: true }) },
    },
    handler: async (req) =>
      webhookEndpointView(await updateEndpoint(deps, await workspaceOf(deps.models, req), req.params.id, req.body)),
  });

  app.route({
    method: 'DELETE',
    url: '/v1/webhook-endpoints/:id',
    schema: {
      tags,
      security,
      summary: 'Delete a webhook endpoint',
      description: 'Its pending deliveries stop.',
      params,
      response: { 200: z.object({ id: z.string(), deleted: z.literal(true) }), ...apiErrors({ params: true }) },
    },
    handler: async (req) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const { deletedCount } = await deps.models.WebhookEndpoint.deleteOne({ _id: req.params.id, workspaceId });
      if (!deletedCount) throw notFound('webhook endpoint');
      return { id: req.params.id, deleted: true as const };
    },
  });

  app.route({
    method: 'POST',
    url: '/v1/webhook-endpoints/:id/rotate-secret',
    schema: {
      tags,
      security,
      summary: 'Rotate the signing secret',
      description:
        'Answers the new secret, once. During overlapSeconds both secrets sign (two v1 signatures), so consumers switch without a gap.',
      params,
      body: rotateBody.optional(),
      response: { 200: endpointWithSecret, ...apiErrors({ body: true, params: true }, 409) },
    },
    handler: async (req) => {
      const { endpoint, secret } = await rotateSecret(
        deps,
        await workspaceOf(deps.models, req),
        req.params.id,
        req.body?.overlapSeconds ?? 24 * 3600,
      );
      return { ...webhookEndpointView(endpoint), secret };
    },
  });
}
