import { handlerFor, startDelivery, subscribes } from '@outlook-connect/queues';
import type { ServiceDeps } from '../worker-deps';

/** The events queue's consumer: only fans each event out, one delivery job per subscribed endpoint (a slow endpoint waits in its own job). */
export function eventsFanOutRegistration(deps: Pick<ServiceDeps, 'models' | 'queues'>) {
  return handlerFor('events', async (event, ctx) => {
    const endpoints = await deps.models.WebhookEndpoint.find({ workspaceId: event.workspaceId, enabled: true }).lean();
    const targets = endpoints.filter((e) => subscribes(e, event.type));
    for (const endpoint of targets) await startDelivery(deps.models, deps.queues, event, endpoint._id);
    if (targets.length)
      ctx.log.debug({ eventId: event.id, endpoints: targets.length }, 'event fanned out to webhook endpoints');
    return { endpoints: targets.length };
  });
}
