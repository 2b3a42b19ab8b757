import { emitEvent, eventId } from '@outlook-connect/queues';
import type { WebhookAttempt, WebhookDeliveryDoc, WebhookEndpointDoc } from '@outlook-connect/shared';
import type { ServiceDeps } from '../worker-deps';

type Deps = Pick<ServiceDeps, 'models' | 'queues' | 'logger' | 'webhookPolicy'>;

/** Writes an attempt's result on the delivery, compare-and-set on its run (a replay meanwhile starts a new one). */
export async function recordAttempt(
  deps: Deps,
  delivery: WebhookDeliveryDoc,
  attempt: WebhookAttempt,
  next: { status: 'delivered' } | { status: 'pending'; nextAttemptAt: Date } | { status: 'failed' },
): Promise<void> {
  const at = attempt.at;
  const set: Record<string, unknown> = {
    status: next.status,
    attemptsInRun: delivery.attemptsInRun + 1,
    nextAttemptAt: next.status === 'pending' ? next.nextAttemptAt : null,
  };
  if (next.status === 'delivered') set.deliveredAt = at;
  if (next.status === 'failed') set.failedAt = at;
  await deps.models.WebhookDelivery.updateOne(
    { _id: delivery._id, run: delivery.run, status: 'pending' },
    { $set: set, $push: { attempts: attempt } },
  );
}

/** The endpoint's health after an attempt: a success clears failingSince; a failure sets it, and disables the endpoint once it is old enough. */
export async function noteEndpointHealth(
  deps: Deps,
  endpoint: WebhookEndpointDoc,
  delivered: boolean,
  at: Date,
): Promise<{ disabled: boolean }> {
  const { WebhookEndpoint } = deps.models;
  if (delivered) {
    if (endpoint.failingSince)
      await WebhookEndpoint.updateOne(
        { _id: endpoint._id, failingSince: { $ne: null } },
        { $set: { failingSince: null } },
      );
    return { disabled: false };
  }
  if (!endpoint.failingSince) {
    await WebhookEndpoint.updateOne({ _id: endpoint._id, failingSince: null }, { $set: { failingSince: at } });
    return { disabled: false };
  }
  if (at.getTime() - endpoint.failingSince.getTime() < deps.webhookPolicy.disableAfterMs) return { disabled: false };
  const reason = `every delivery failed since ${endpoint.failingSince.toISOString()}`;
  const disabled = await WebhookEndpoint.findOneAndUpdate(
    { _id: endpoint._id, enabled: true },
    { $set: { enabled: false, disabledAt: at, disabledReason: reason } },
    { returnDocument: 'after' },
  ).lean();
  if (disabled) {
    deps.logger.warn(
      { endpointId: endpoint._id, workspaceId: endpoint.workspaceId, failingSince: endpoint.failingSince },
      'webhook_endpoint.disabled: failing for too long',
    );
    // Its own deliveries stop; the workspace's other endpoints (and the dashboard) learn of it.
    await emitEvent(
      deps.queues,
      'webhook_endpoint.disabled',
      { workspaceId: endpoint.workspaceId },
      { endpointId: endpoint._id, url: endpoint.url, failingSince: endpoint.failingSince.toISOString(), reason },
      { id: eventId('webhook_endpoint.disabled', endpoint._id, at.getTime()), occurredAt: at },
    );
  }
  return { disabled: true };
}
