import { z } from 'zod';
import { eventGroupSchema } from './events';

// The one queue catalog: every queue, its payload schema and its retry/retention defaults. Producers and workers
// both import it; the worker runtime refuses to start unless each served queue has exactly one handler.

const id = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[a-f0-9]{24}$`), `a ${prefix}_ id`);

export interface QueueSpec<S extends z.ZodType = z.ZodType> {
  schema: S;
  attempts: number;
  backoff: { type: 'exponential' | 'fixed'; delay: number };
  /** Completed jobs kept (count/age in seconds) for dashboards; failed ones longer, for operators. */
  removeOnComplete: { count: number; age: number };
  removeOnFail: { count: number; age: number };
  /**
   * Which of these defaults each job stores in its Redis hash: all of them, or only `attempts` (BullMQ stores that
   * field in every job anyway). With 'attempts', the worker applies the backoff and the retention from this catalog,
   * so a small job's hash stays listpack-encoded in Redis (every value within `hash-max-listpack-value`, 64 bytes):
   * for queues that hold a job per connection.
   */
  storedJobOptions?: 'all' | 'attempts';
  /** Entries kept in the queue's BullMQ events stream (BullMQ's default: 10,000); nothing of ours reads it. */
  eventsMaxLen?: number;
  /** Who consumes it: our workers, or the CRM (events). */
  consumer: 'workers' | 'crm';
  description: string;
}

const keep = { removeOnComplete: { count: 1000, age: 24 * 3600 }, removeOnFail: { count: 10000, age: 14 * 24 * 3600 } };

export const catalog = {
  'token-refresh': {
    schema: z.object({
      connectionId: id('conn'),
      /** Why this refresh runs: scheduled ahead of expiry, on demand (a caller needs a token), or recovery after a secret rotation. */
      reason: z.enum(['scheduled', 'on_demand', 'recovery']),
      /** tokenVersion seen when scheduled: a stale job for an already-refreshed connection does nothing. */
      tokenVersion: z.number().int().nonnegative().optional(),
    }),
    attempts: 8,
    backoff: { type: 'exponential', delay: 5_000 },
    ...keep,
    consumer: 'workers',
    description: "Refreshes one connection's access token ahead of expiry",
  },
  maintenance: {
    schema: z.object({
      task: z.enum([
        'refresh-sweep',
        'app-secret-check',
        'sync-sweep',
        'attachment-sweep',
        'operation-sweep',
        'retention',
        'subscription-sweep',
        'reply-key-backfill',
        'operation-backfill',
      ]),
    }),
    attempts: 3,
    backoff: { type: 'fixed', delay: 10_000 },
    removeOnComplete: { count: 100, age: 3600 },
    removeOnFail: { count: 1000, age: 7 * 24 * 3600 },
    consumer: 'workers',
    description: 'Periodic sweeps that heal schedules from the store (the source of truth)',
  },
  'app-recovery': {
    schema: z.object({ appId: id('app'), secretVersion: z.number().int().positive() }),
    attempts: 5,
    backoff: { type: 'exponential', delay: 5_000 },
    ...keep,
    consumer: 'workers',
    description: "Retries connections marked because of an OAuth app's secret after the secret is updated",
  },
  send: {
    schema: z.object({
      sendId: id('send'),
      /** The send's connection, so the worker reads it alongside the claim (absent in jobs of older producers). */
      connectionId: id('conn').optional(),
    }),
    attempts: 10,
    backoff: { type: 'exponential', delay: 5_000 },
    ...keep,
    consumer: 'workers',
    description: 'Sends one email from a connected mailbox, at most once',
  },
  'send-confirm': {
    schema: z.object({ connectionId: id('conn') }),
    attempts: 3,
    backoff: { type: 'exponential', delay: 10_000 },
    removeOnComplete: { count: 1000, age: 3600 },
    removeOnFail: { count: 1000, age: 7 * 24 * 3600 },
    consumer: 'workers',
    description:
      "Looks for a mailbox's submitted sends in Sent Items (one lookup per send that is due), bounded; one job per mailbox and time slot",
  },
  'inbox-sync': {
    schema: z.object({ connectionId: id('conn'), full: z.boolean().optional() }),
    attempts: 5,
    backoff: { type: 'exponential', delay: 10_000 },
    ...keep,
    // A sync job ends after its run whenever the next sync is more than a sweep interval away; kept, a completed job
    // would swallow the sweep's next add under the same id (and hold Redis memory per connection): removed at once.
    removeOnComplete: { count: 0, age: 0 },
    // Redis holds a sync job for every connection due within the sweep's horizon: each job's hash carries only its id,
    // delay and attempts (a listpack of about 330 bytes instead of an 835-byte hashtable), and two events per hand-out
    // would otherwise keep up to 10,000 stream entries.
    storedJobOptions: 'attempts',
    eventsMaxLen: 1_000,
    consumer: 'workers',
    description: "Pulls a mailbox's Inbox delta into the store",
  },
  'inbox-subscription': {
    schema: z.object({ connectionId: id('conn') }),
    attempts: 5,
    backoff: { type: 'exponential', delay: 10_000 },
    ...keep,
    consumer: 'workers',
    description: "Keeps a connection's Graph change-notification subscription on its Inbox: creates, renews, removes",
  },
  calendar: {
    schema: z.object({ operationId: id('cal') }),
    attempts: 8,
    backoff: { type: 'exponential', delay: 5_000 },
    ...keep,
    consumer: 'workers',
    description: 'Creates, updates or cancels a calendar event',
  },
  events: {
    // Events in groups (events/carrier.ts): the ones emitted while the previous group was being added.
    schema: eventGroupSchema,
    attempts: 10,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { count: 10000, age: 7 * 24 * 3600 },
    removeOnFail: { count: 10000, age: 30 * 24 * 3600 },
    // Consumed by the webhooks worker, which only fans each event out to the workspace's webhook endpoints.
    consumer: 'workers',
    description: 'Product events for the CRM (connection.created, send.sent, ...), fanned out as signed webhooks',
  },
  'webhook-delivery': {
    schema: z.object({ deliveryId: id('whd') }),
    // Our own retry schedule (webhooks/retry-schedule.ts) postpones the job; BullMQ attempts only cover crashes.
    attempts: 5,
    backoff: { type: 'exponential', delay: 5_000 },
    ...keep,
    consumer: 'workers',
    description: 'Delivers one event to one webhook endpoint (signed, retried for about three days)',
  },
} as const satisfies Record<string, QueueSpec>;

export type QueueName = keyof typeof catalog;
export type Payload<Q extends QueueName> = z.infer<(typeof catalog)[Q]['schema']>;
export const queueNames = Object.keys(catalog) as QueueName[];
/** The queues our workers consume (the handler map must have exactly these keys). */
export type WorkerQueueName = {
  [K in QueueName]: (typeof catalog)[K]['consumer'] extends 'workers' ? K : never;
}[QueueName];
export const workerQueueNames = queueNames.filter((q): q is WorkerQueueName => catalog[q].consumer === 'workers');
