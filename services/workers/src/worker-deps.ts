import type { MailboxRuntime } from '@outlook-connect/mailbox-runtime';
import type { CalendarPolicy } from './calendar/calendar-policy';
import type { InboxPolicy } from './inbox/inbox-policy';
import type { MaintenancePolicy } from './maintenance/maintenance-policy';
import type { PushPolicy } from './push/push-policy';
import type { SendPolicy } from './send/send-policy';
import type { WebhookPolicy } from './webhooks/webhook-policy';

/** What the handlers take: the mailbox runtime (tokens, connection status, gate, gated Graph client) and the store. */
export type WorkerDeps = MailboxRuntime;

/** The workers' settings, parsed once from the environment at start (clients.ts) and passed down. */
export interface WorkerSettings {
  inboxPolicy: InboxPolicy;
  sendPolicy: SendPolicy;
  calendarPolicy: CalendarPolicy;
  maintenancePolicy: MaintenancePolicy;
  webhookPolicy: WebhookPolicy;
  pushPolicy: PushPolicy;
}

/** WorkerDeps plus the settings, as built by clients.ts; handler factories take it (or a Pick of it). */
export type ServiceDeps = WorkerDeps & WorkerSettings;
