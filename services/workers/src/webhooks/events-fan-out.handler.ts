import { handlerFor, startDelivery, subscribes } from '@outlook-connect/queues';
import type { WebhookEndpointDoc } from '@outlook-connect/shared';
import type { ServiceDeps } from '../worker-deps';

/**
 * The events queue's consumer: only fans each event of the job (a group, events/carrier.ts) out, one delivery job per
 * subscribed endpoint (a slow endpoint waits in its own job). Each workspace's endpoints are read once per job. A
 * job run again, or an event emitted twice, makes no second delivery: startDelivery is idempotent per event and
 * endpoint.
 */
export function eventsFanOutRegistration(deps: Pick<ServiceDeps, 'models' | 'queues'>) {
  return handlerFor('events', async ({ events }, ctx) => {
    const endpointsOf = new Map<string, Promise<WebhookEndpointDoc[]>>();
    const endpointsIn = (workspaceId: string) => {
      let found = endpointsOf.get(workspaceId);
      if (!found) {
        found = deps.models.WebhookEndpoint.find({ workspaceId, enabled: true }).lean() as Promise<
          WebhookEndpointDoc[]
        >;
        endpointsOf.set(workspaceId, found);
      }
      return found;
    };
    let deliveries = 0;
    for (const event of events) {
      const targets = (await endpointsIn(event.workspaceId)).filter((e) => subscribes(e, event.type));
      for (const endpoint of targets) await startDelivery(deps.models, deps.queues, event, endpoint._id);
      if (targets.length)
        ctx.log.debug({ eventId: event.id, endpoints: targets.length }, 'event fanned out to webhook endpoints');
      deliveries += targets.length;
    }
    return { events: events.length, deliveries };
  });
}
