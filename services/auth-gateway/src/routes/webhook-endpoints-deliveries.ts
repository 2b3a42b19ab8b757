import { z } from 'zod';
import type { WebhookDeliveryDoc } from '@outlook-connect/shared';
import type { GatewayDeps } from '../clients';
import { workspaceOf } from '../http/auth';
import type { GatewayApp } from '../http/gateway-app';
import { apiErrors, idParams, workspaceApiKey } from '../http/schemas';
import { deliveriesQuery, deliveryParams, deliveryView, replaySinceBody } from '../webhooks/endpoint-schemas';
import { getEndpoint } from '../webhooks/endpoint-service';
import { webhookDeliveryView } from '../webhooks/endpoint-view';
import { replayOne, replaySince, sendTestEvent } from '../webhooks/delivery-service';

const tags = ['Webhooks'];
const security = workspaceApiKey;
const params = idParams('whep');

export function webhookDeliveryRoutes(app: GatewayApp, deps: GatewayDeps): void {
  const endpointOf = async (req: Parameters<typeof workspaceOf>[1], id: string) =>
    getEndpoint(deps, await workspaceOf(deps.models, req), id);

  app.route({
    method: 'GET',
    url: '/v1/webhook-endpoints/:id/deliveries',
    schema: {
      tags,
      security,
      summary: "List an endpoint's deliveries",
      description:
        'Newest first, each with every attempt: outcome, latency, response code, the first bytes of the response, the error.',
      params,
      querystring: deliveriesQuery,
      response: { 200: z.object({ data: z.array(deliveryView) }), ...apiErrors({ params: true, query: true }) },
    },
    handler: async (req) => {
      const endpoint = await endpointOf(req, req.params.id);
      const filter: Record<string, unknown> = { endpointId: endpoint._id, workspaceId: endpoint.workspaceId };
      if (req.query.status) filter.status = req.query.status;
      if (req.query.since) filter.createdAt = { $gte: new Date(req.query.since) };
      const found = await deps.models.WebhookDelivery.find(filter)
        .sort({ createdAt: -1 })
        .limit(req.query.limit)
        .lean();
      return { data: found.map((d) => webhookDeliveryView(d as WebhookDeliveryDoc)) };
    },
  });

  app.route({
    method: 'POST',
    url: '/v1/webhook-endpoints/:id/deliveries/:deliveryId/replay',
    schema: {
      tags,
      security,
      summary: 'Replay one delivery',
      description:
        'Sends it again from the start of the retry schedule, with the same webhook-id (consumers deduplicate). 409 endpoint_disabled while the endpoint is disabled.',
      params: deliveryParams,
      response: { 202: deliveryView, ...apiErrors({ body: true, params: true }, 409) },
    },
    handler: async (req, reply) =>
      reply
        .code(202)
        .send(webhookDeliveryView(await replayOne(deps, await endpointOf(req, req.params.id), req.params.deliveryId))),
  });

  app.route({
    method: 'POST',
    url: '/v1/webhook-endpoints/:id/replay',
    schema: {
      tags,
      security,
      summary: 'Replay every delivery since a time',
      description: 'Up to 1000 per call, oldest first; more: true when others remain (call again with a later since).',
      params,
      body: replaySinceBody,
      response: {
        202: z.object({ replayed: z.number().int(), more: z.boolean() }),
        ...apiErrors({ body: true, params: true }, 409),
      },
    },
    handler: async (req, reply) =>
      reply.code(202).send(await replaySince(deps, await endpointOf(req, req.params.id), new Date(req.body.since))),
  });

  app.route({
    method: 'POST',
    url: '/v1/webhook-endpoints/:id/test',
    schema: {
      tags,
      security,
      summary: 'Send a webhook.test event',
      description: 'To this endpoint only, signed and retried like every event; follow it in the deliveries.',
      params,
      response: {
        202: z.object({ deliveryId: z.string(), eventId: z.string() }),
        ...apiErrors({ body: true, params: true }, 409),
      },
    },
    handler: async (req, reply) =>
      reply.code(202).send(await sendTestEvent(deps, await endpointOf(req, req.params.id))),
  });
}
