import { eventId, eventSchema, replayDelivery, startDelivery } from '@outlook-connect/queues';
import type { WebhookDeliveryDoc, WebhookEndpointDoc } from '@outlook-connect/shared';
import type { GatewayDeps } from '../clients';
import { ApiError, notFound } from '../http/api-error';

type Deps = Pick<GatewayDeps, 'models' | 'queues' | 'now'>;

const disabled = (e: WebhookEndpointDoc) =>
  new ApiError(
    409,
    'endpoint_disabled',
    `webhook endpoint ${e._id} is disabled: enable it first (PATCH enabled: true)`,
  );

/** Replays at most this many deliveries per call (the answer says whether more remain). */
export const REPLAY_LIMIT = 1000;

export async function replayOne(
  deps: Deps,
  endpoint: WebhookEndpointDoc,
  deliveryId: string,
): Promise<WebhookDeliveryDoc> {
  if (!endpoint.enabled) throw disabled(endpoint);
  const delivery = await deps.models.WebhookDelivery.findOne({
    _id: deliveryId,
    endpointId: endpoint._id,
    workspaceId: endpoint.workspaceId,
  }).lean();
  if (!delivery) throw notFound('webhook delivery');
  const replayed = await replayDelivery(deps.models, deps.queues, delivery as WebhookDeliveryDoc);
  if (!replayed) throw new ApiError(409, 'replay_conflict', 'the delivery was replayed at the same time');
  return replayed;
}

export async function replaySince(
  deps: Deps,
  endpoint: WebhookEndpointDoc,
  since: Date,
): Promise<{ replayed: number; more: boolean }> {
  if (!endpoint.enabled) throw disabled(endpoint);
  const found = await deps.models.WebhookDelivery.find({
    endpointId: endpoint._id,
    workspaceId: endpoint.workspaceId,
    createdAt: { $gte: since },
  })
    .sort({ createdAt: 1 })
    .limit(REPLAY_LIMIT + 1)
    .lean();
  let replayed = 0;
  for (const d of found.slice(0, REPLAY_LIMIT))
    if (await replayDelivery(deps.models, deps.queues, d as WebhookDeliveryDoc)) replayed += 1;
  return { replayed, more: found.length > REPLAY_LIMIT };
}

/** A `webhook.test` event to this endpoint only, through the same delivery path as every event. */
export async function sendTestEvent(
  deps: Deps,
  endpoint: WebhookEndpointDoc,
): Promise<{ deliveryId: string; eventId: string }> {
  if (!endpoint.enabled) throw disabled(endpoint);
  const now = deps.now();
  const event = eventSchema.parse({
    id: eventId('webhook.test', endpoint._id, now.getTime()),
    type: 'webhook.test',
    workspaceId: endpoint.workspaceId,
    occurredAt: now.toISOString(),
    data: {
      endpointId: endpoint._id,
      message: 'A test event from outlook-connect: your endpoint receives and can verify webhooks.',
    },
  });
  const deliveryId = await startDelivery(deps.models, deps.queues, event, endpoint._id);
  return { deliveryId, eventId: event.id };
}
