import { jobOptionsFor, validatePayload, type QueueClient } from '@outlook-connect/queues';
import type { ConnectionDoc } from '@outlook-connect/shared';

export type ScheduledFields = Pick<ConnectionDoc, '_id' | 'tokenVersion' | 'refreshFailures' | 'nextRefreshAt'>;

/**
 * One job id per (connection, token version, failure count): a re-enqueue by the sweeper or a second process
 * collapses into the job already there, and each refresh or failure moves the connection on to a new id.
 */
export function refreshJobId(conn: Pick<ConnectionDoc, '_id' | 'tokenVersion' | 'refreshFailures'>): string {
  return `refresh_${conn._id}_v${conn.tokenVersion}_f${conn.refreshFailures}`;
}

function jobFor(conn: ScheduledFields, now: number) {
  const data = validatePayload('token-refresh', {
    connectionId: conn._id,
    reason: 'scheduled',
    tokenVersion: conn.tokenVersion,
  });
  const delay = Math.max(0, (conn.nextRefreshAt?.getTime() ?? now) - now);
  return { name: 'token-refresh', data, opts: { ...jobOptionsFor('token-refresh'), jobId: refreshJobId(conn), delay } };
}

/** A delayed token-refresh job at the connection's nextRefreshAt (a no-op when that job already exists). */
export async function scheduleRefresh(queues: QueueClient, conn: ScheduledFields, now: number): Promise<void> {
  const job = jobFor(conn, now);
  await queues.queue('token-refresh').add(job.name, job.data, job.opts);
}

/** The same for many connections in one round trip (the sweeper). */
export async function scheduleRefreshes(queues: QueueClient, conns: ScheduledFields[], now: number): Promise<void> {
  if (conns.length) await queues.queue('token-refresh').addBulk(conns.map((c) => jobFor(c, now)));
}

/**
 * A job that already ran under this id (failed after its attempts, e.g. while the store was down) would swallow
 * every re-enqueue; for an overdue connection the sweeper drops it so the next enqueue takes effect.
 */
export async function clearFinishedRefresh(queues: QueueClient, conn: ScheduledFields): Promise<boolean> {
  const queue = queues.queue('token-refresh');
  const id = refreshJobId(conn);
  const state = await queue.getJobState(id);
  if (state !== 'failed' && state !== 'completed') return false;
  await queue.remove(id);
  return true;
}

/** Removes the connection's pending refresh job (needs reconnect: no further token requests). */
export async function unscheduleRefresh(
  queues: QueueClient,
  conn: Pick<ConnectionDoc, '_id' | 'tokenVersion' | 'refreshFailures'>,
): Promise<void> {
  await queues.queue('token-refresh').remove(refreshJobId(conn));
}
