import type { HandlerRegistration, QueueName, WorkerQueueName } from '@outlook-connect/queues';
import { calendarRegistration } from './calendar/calendar.handler';
import { inboxSyncRegistration } from './inbox/inbox-sync.handler';
import { inboxSubscriptionRegistration } from './push/inbox-subscription.handler';
import { maintenanceRegistration } from './maintenance/maintenance.handler';
import { sendRegistration } from './send/send.handler';
import { sendConfirmRegistration } from './send/send-confirm.handler';
import { appRecoveryRegistration } from './tokens/app-recovery.handler';
import { tokenRefreshRegistration } from './tokens/token-refresh.handler';
import type { ServiceDeps } from './worker-deps';
import { eventsFanOutRegistration } from './webhooks/events-fan-out.handler';
import { webhookDeliveryRegistration } from './webhooks/webhook-delivery.handler';

/** The handler map, typed from the catalog: a worker queue without a handler (or a handler for another) does not compile. */
export const handlerMap: { [K in WorkerQueueName]: (deps: ServiceDeps) => HandlerRegistration<K> } = {
  'token-refresh': tokenRefreshRegistration,
  maintenance: maintenanceRegistration,
  'app-recovery': appRecoveryRegistration,
  send: sendRegistration,
  'send-confirm': sendConfirmRegistration,
  'inbox-sync': inboxSyncRegistration,
  'inbox-subscription': inboxSubscriptionRegistration,
  calendar: calendarRegistration,
  events: eventsFanOutRegistration,
  'webhook-delivery': webhookDeliveryRegistration,
};

/** The registrations for the queues this process serves. */
export function registrationsFor(deps: ServiceDeps, served: readonly QueueName[]): HandlerRegistration[] {
  return (Object.keys(handlerMap) as WorkerQueueName[])
    .filter((q) => served.includes(q))
    .map((q) => handlerMap[q](deps) as unknown as HandlerRegistration);
}
