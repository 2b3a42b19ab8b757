import type { QueueName } from '@outlook-connect/queues';

// Per-mailbox queue depth: which waiting/delayed jobs belong to which connection. token-refresh and inbox-sync
// name the connection in their payload; send and calendar name a record (Send, CalendarOperation) that does.

export const MAILBOX_QUEUES = [
  'send',
  'inbox-sync',
  'calendar',
  'token-refresh',
] as const satisfies readonly QueueName[];
export type MailboxQueue = (typeof MAILBOX_QUEUES)[number];
export type DepthState = 'waiting' | 'delayed';

export type MailboxRef =
  { by: 'connection'; connectionId: string } | { by: 'send'; sendId: string } | { by: 'calendar'; operationId: string };

export interface DepthCounts {
  waiting: number;
  delayed: number;
}

export type MailboxDepth = Record<MailboxQueue, DepthCounts>;

const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** How a job's data leads to its mailbox, or null for data that names none (counted nowhere). */
export function mailboxRefOf(queue: MailboxQueue, data: unknown): MailboxRef | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  switch (queue) {
    case 'send': {
      const sendId = text(d.sendId);
      return sendId ? { by: 'send', sendId } : null;
    }
    case 'calendar': {
      const operationId = text(d.operationId);
      return operationId ? { by: 'calendar', operationId } : null;
    }
    default: {
      const connectionId = text(d.connectionId);
      return connectionId ? { by: 'connection', connectionId } : null;
    }
  }
}

export function emptyDepth(): MailboxDepth {
  return Object.fromEntries(MAILBOX_QUEUES.map((q) => [q, { waiting: 0, delayed: 0 }])) as MailboxDepth;
}

export interface ResolvedJob {
  queue: MailboxQueue;
  state: DepthState;
  connectionId: string | null;
}

/** Counts resolved jobs per connection and queue. */
export function tallyDepth(jobs: Iterable<ResolvedJob>): Map<string, MailboxDepth> {
  const byConnection = new Map<string, MailboxDepth>();
  for (const job of jobs) {
    if (!job.connectionId) continue;
    let depth = byConnection.get(job.connectionId);
    if (!depth) {
      depth = emptyDepth();
      byConnection.set(job.connectionId, depth);
    }
    depth[job.queue][job.state] += 1;
  }
  return byConnection;
}
