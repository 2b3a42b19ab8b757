import type { HandlerRegistration, QueueName } from '@outlook-connect/queues';
import { calendarRegistration } from './calendar/calendar.handler';
import { inboxSyncRegistration } from './inbox/inbox-sync.handler';
import { maintenanceRegistration } from './maintenance/maintenance.handler';
import { sendRegistration } from './send/send.handler';
import type { ServiceDeps } from './worker-deps';
import { appRecoveryRegistration } from './tokens/app-recovery.handler';
import { tokenRefreshRegistration } from './tokens/token-refresh.handler';

export type RegistrationFactory = (deps: ServiceDeps) => HandlerRegistration<QueueName> | HandlerRegistration<never>;

/** Every worker queue's handler, one factory each. Append yours; startup fails if a served queue has none. */
export const registrations: RegistrationFactory[] = [tokenRefreshRegistration, maintenanceRegistration, appRecoveryRegistration, calendarRegistration, sendRegistration, inboxSyncRegistration];

/** The registrations for the queues this process serves. */
export function registrationsFor(deps: ServiceDeps, served: readonly QueueName[]): HandlerRegistration[] {
  return registrations.map((make) => make(deps) as HandlerRegistration).filter((r) => served.includes(r.queue));
}
