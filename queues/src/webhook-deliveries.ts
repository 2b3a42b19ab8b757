import {
  webhookDeliveryId,
  type Models,
  type WebhookDeliveryDoc,
  type WebhookEndpointDoc,
} from '@outlook-connect/shared';
import type { ProductEvent } from './events';
import type { QueueClient } from './queue-client';

// The producer side of webhook deliveries, shared by the fan-out (workers) and test/replay (gateway): one delivery
// record per event and endpoint, then a `webhook-delivery` job whose id is the delivery id plus its run.

/** Whether an endpoint receives an event type: its list, or every type when the list is empty. */
export const subscribes = (endpoint: Pick<WebhookEndpointDoc, 'eventTypes'>, type: string): boolean =>
  endpoint.eventTypes.length === 0 || endpoint.eventTypes.includes(type);

/** A finished job's id stays taken, so each replay (run) gets its own job id; the first run's is the delivery id. */
export const deliveryJobId = (deliveryId: string, run: number): string =>
  run === 0 ? deliveryId : `${deliveryId}-r${run}`;

type DeliveryModels = Pick<Models, 'WebhookDelivery'>;

/** Creates the delivery of an event to an endpoint (idempotent: the same pair makes nothing new) and queues its job. */
export async function startDelivery(
  models: DeliveryModels,
  queues: Pick<QueueClient, 'enqueue'>,
  event: ProductEvent,
  endpointId: string,
): Promise<string> {
  const id = webhookDeliveryId(event.id, endpointId);
  const upserted = await models.WebhookDelivery.updateOne(
    { _id: id },
    {
      $setOnInsert: {
        workspaceId: event.workspaceId,
        endpointId,
        eventId: event.id,
        eventType: event.type,
        event,
        status: 'pending',
        attempts: [],
        attemptsInRun: 0,
        run: 0,
        nextAttemptAt: null,
        deliveredAt: null,
        failedAt: null,
      },
    },
    { upsert: true },
  );
  // New: run 0. Already there (the event fanned out again): its current run's job, which is then a no-op.
  const run = upserted.upsertedCount ? 0 : ((await models.WebhookDelivery.findById(id, { run: 1 }).lean())?.run ?? 0);
  await queues.enqueue('webhook-delivery', { deliveryId: id }, { jobId: deliveryJobId(id, run) });
  return id;
}

/** Sends a delivery again from the start of the schedule (same webhook-id: the consumer deduplicates). */
export async function replayDelivery(
  models: DeliveryModels,
  queues: Pick<QueueClient, 'enqueue'>,
  delivery: Pick<WebhookDeliveryDoc, '_id' | 'run'>,
): Promise<WebhookDeliveryDoc | null> {
  const replayed = await models.WebhookDelivery.findOneAndUpdate(
    { _id: delivery._id, run: delivery.run },
    {
      $set: { status: 'pending', attemptsInRun: 0, nextAttemptAt: null, deliveredAt: null, failedAt: null },
      $inc: { run: 1 },
    },
    { returnDocument: 'after' },
  ).lean();
  if (replayed)
    await queues.enqueue(
      'webhook-delivery',
      { deliveryId: replayed._id },
      { jobId: deliveryJobId(replayed._id, replayed.run) },
    );
  return replayed as WebhookDeliveryDoc | null;
}
