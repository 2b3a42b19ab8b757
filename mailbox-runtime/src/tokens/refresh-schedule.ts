import { jobOptionsFor, validatePayload, type QueueClient } from '@outlook-connect/queues';
import type { ConnectionDoc, Models } from '@outlook-connect/shared';
import { slotOf } from '../schedule/due-buckets';
import { addToSchedule } from '../schedule/schedule-store';
import type { RefreshPolicy } from './refresh-policy';

export type ScheduledFields = Pick<ConnectionDoc, '_id' | 'tokenVersion' | 'refreshFailures' | 'nextRefreshAt'>;

/**
 * The bucketed schedule the refresh sweep reads (schedule_buckets `_id` prefix). (`token-refresh`, its name while its
 * buckets were minutes, is read by the sweep only to move it here: a store that has only that one gets its first pass,
 * which files every active connection again, and its old buckets are copied here and deleted minute by minute:
 * legacy-refresh-schedule.ts.)
 */
export const REFRESH_SCHEDULE = 'token-refresh-10s';

/**
 * Its buckets' width. With minutes, a pass read the whole minute at its horizon's edge: at 1,000,000 connections
 * (16,667 due per minute) a pass that hands out 1,000 read 16,667 connections and took 4 s
 * (bench/results/2026-12-03-1m.md). With 10 s slots it reads at most one slot (2,778 there) beyond what it hands out;
 * each refreshed connection's entry is still moved once, to the slot of its next refresh.
 */
export const REFRESH_SLOT_MS = 10_000;

export interface ScheduleDeps {
  queues: QueueClient;
  models: Pick<Models, 'ScheduleBucket' | 'ScheduleCursor'>;
  policy: Pick<RefreshPolicy, 'sweepHorizonMs'>;
}

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

/**
 * Puts the connection's refresh at its nextRefreshAt. Redis gets a delayed job only when that is within the sweep's
 * horizon (the sweep hands out the rest as they come near), so Redis holds refresh rate x horizon jobs, not one per
 * connection. The store's schedule gets an entry only when the connection was not on it at an earlier time
 * (`previousAt`, compared by slot): the sweep itself moves an entry on to its connection's next due time, so a refresh
 * at or after its schedule costs no schedule write.
 */
export async function scheduleRefresh(
  deps: ScheduleDeps,
  conn: ScheduledFields,
  now: number,
  previousAt: Date | null = null,
): Promise<void> {
  const at = conn.nextRefreshAt?.getTime();
  if (at === undefined) return;
  if (!previousAt || slotOf(at, REFRESH_SLOT_MS) < slotOf(previousAt.getTime(), REFRESH_SLOT_MS))
    await addToSchedule(deps.models, REFRESH_SCHEDULE, [{ id: conn._id, atMs: at }], now, REFRESH_SLOT_MS);
  if (at <= now + deps.policy.sweepHorizonMs) {
    const job = jobFor(conn, now);
    await deps.queues.queue('token-refresh').add(job.name, job.data, job.opts);
  }
}

/** Delayed jobs for many connections in one round trip (the sweeper; existing ids collapse). */
export async function scheduleRefreshes(queues: QueueClient, conns: ScheduledFields[], now: number): Promise<void> {
  if (conns.length) await queues.queue('token-refresh').addBulk(conns.map((c) => jobFor(c, now)));
}

/** Files connections stored with a nextRefreshAt on the store's schedule (a new grant, a backfill, a bulk import). */
export async function addToRefreshSchedule(
  models: ScheduleDeps['models'],
  conns: ReadonlyArray<Pick<ConnectionDoc, '_id' | 'nextRefreshAt'>>,
  nowMs: number,
): Promise<void> {
  const entries = conns.flatMap((c) => (c.nextRefreshAt ? [{ id: c._id, atMs: c.nextRefreshAt.getTime() }] : []));
  await addToSchedule(models, REFRESH_SCHEDULE, entries, nowMs, REFRESH_SLOT_MS);
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
