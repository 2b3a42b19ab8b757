import type { Redis } from 'ioredis';
import { redisKeys } from './redis-keys';
import { jobOptionsFor, validatePayload, type QueueClient } from './queue-client';

// The producer side of inbox sync. One `inbox-sync` job id per connection (from the connection id), so a mailbox never
// has two syncs queued. The job is in Redis only around a sync: the sync sweep hands it out shortly before the
// connection's next sync is due (the store's schedule says when); a run whose next sync is further away than one sweep
// interval ends its job, and one due sooner re-delays it.

const CONNECTION_ID_PREFIX = 'conn_';

/**
 * The connection id's 24 hex digits: the job's stored options (its id, delay and attempts) then fit in 64 bytes, so
 * its hash stays listpack-encoded in Redis (catalog: storedJobOptions). The queue holds only sync jobs, so the hex is
 * unique in it; BullMQ refuses ids that read as integers, which 24 digits never do (they print in exponent form).
 */
export function inboxSyncJobId(connectionId: string): string {
  return connectionId.startsWith(CONNECTION_ID_PREFIX) ? connectionId.slice(CONNECTION_ID_PREFIX.length) : connectionId;
}

export type ScheduleOutcome = 'added' | 'exists';

/**
 * Puts the connection's sync job on the queue unless it is already there (waiting, delayed or running). A job that
 * finished for good (failed its attempts) would swallow the add under the same id, so it is removed first. The job is
 * read by id (its hash, a constant cost), never by getJobState: that looks for a missing job in the whole wait list,
 * and most connections have no job between their syncs (the sync sweep hands each out shortly before it is due).
 */
export async function scheduleInboxSync(
  queues: QueueClient,
  connectionId: string,
  delayMs = 0,
): Promise<ScheduleOutcome> {
  const queue = queues.queue('inbox-sync');
  const id = inboxSyncJobId(connectionId);
  const job = await queue.getJob(id);
  // finishedOn is set only when a job completed or failed for good (a retry or a re-delay leaves it unset).
  if (job && !job.finishedOn) return 'exists';
  if (job) await queue.remove(id);
  await queues.enqueue('inbox-sync', { connectionId }, { jobId: id, delay: Math.max(0, Math.round(delayMs)) });
  return 'added';
}

export interface SyncHandOut {
  connectionId: string;
  /** When the job runs, from now (its next sync). */
  delayMs: number;
  /** Its sync should have run already: a job finished for good under its id is looked for (and removed). */
  overdue: boolean;
}

/**
 * The sync sweep's hand-out: each connection's sync job added under its one id with its delay, all in one addBulk; a
 * job already there (waiting, delayed or running) stays as it is. Only the overdue ones are read first, by id and
 * pipelined: a job that failed its attempts keeps its id and would swallow the add, so it is removed. Returns how
 * many finished jobs were removed.
 */
export async function handOutInboxSyncs(queues: QueueClient, syncs: readonly SyncHandOut[]): Promise<number> {
  if (!syncs.length) return 0;
  const queue = queues.queue('inbox-sync');
  const overdue = syncs.filter((s) => s.overdue);
  const jobs = await Promise.all(overdue.map((s) => queue.getJob(inboxSyncJobId(s.connectionId))));
  const finished = overdue.filter((_, i) => Boolean(jobs[i]?.finishedOn));
  await Promise.all(finished.map((s) => queue.remove(inboxSyncJobId(s.connectionId))));
  await queue.addBulk(
    syncs.map((s) => ({
      name: 'inbox-sync',
      data: validatePayload('inbox-sync', { connectionId: s.connectionId }),
      opts: {
        ...jobOptionsFor('inbox-sync'),
        jobId: inboxSyncJobId(s.connectionId),
        delay: Math.max(0, Math.round(s.delayMs)),
      },
    })),
  );
  return finished.length;
}

/** Runs the connection's sync now: promotes its delayed job, or schedules one. */
export async function syncInboxNow(queues: QueueClient, connectionId: string): Promise<ScheduleOutcome | 'promoted'> {
  const job = await queues.queue('inbox-sync').getJob(inboxSyncJobId(connectionId));
  if (job && (await job.isDelayed())) {
    await job.promote();
    return 'promoted';
  }
  return scheduleInboxSync(queues, connectionId);
}

/** How long the "a notification asked for a sync" mark lives: longer than any sync run. */
const SYNC_REQUESTED_TTL_SEC = 3_600;

export interface PushSyncTiming {
  /** The first notification of a quiet mailbox syncs after this (ms): the rest of its batch lands in the same sync. */
  delayMs: number;
  /** Syncs brought forward by notifications start at most one per window of this length, plus one at its end. */
  spacingMs: number;
}

/**
 * A change notification asks for a sync; a burst of any size costs a lead sync and at most one trailing sync per
 * spacing window. The first notification opens the window and brings the sync forward to `delayMs`. Later ones
 * collapse into it while it has not started; once it has, the first of them brings one trailing sync forward to the
 * window's end. The request time is marked either way, so a run that started before it runs again (at the window's
 * end: sync-connection), and a notification landing mid-run is never lost.
 */
export async function requestInboxSync(
  queues: QueueClient,
  redis: Pick<Redis, 'set' | 'mget' | 'pttl'>,
  connectionId: string,
  nowMs: number,
  timing: PushSyncTiming,
): Promise<ScheduleOutcome | 'promoted' | 'collapsed'> {
  const keys = redisKeys.pushSync(queues.prefix, connectionId);
  await redis.set(keys.requestedAt, String(nowMs), 'EX', SYNC_REQUESTED_TTL_SEC);
  const spacing = Math.max(1, Math.round(timing.spacingMs));
  if ((await redis.set(keys.window, String(nowMs), 'PX', spacing, 'NX')) === 'OK')
    return bringForward(queues, connectionId, timing.delayMs);
  const [openedAt, runStartedAt] = await redis.mget(keys.window, keys.runStartedAt);
  // The lead sync has not started yet: it will read this change too.
  if (openedAt !== null && (runStartedAt === null || Number(runStartedAt) < Number(openedAt))) return 'collapsed';
  const left = openedAt === null ? 0 : await redis.pttl(keys.window);
  if (left > 0 && (await redis.set(keys.trailing, String(nowMs), 'PX', left, 'NX')) !== 'OK') return 'collapsed';
  return bringForward(queues, connectionId, Math.max(timing.delayMs, left));
}

/** The sync job runs in `delayMs`: a delayed job is brought forward (or back, to the window's end), else queued. */
async function bringForward(
  queues: QueueClient,
  connectionId: string,
  delayMs: number,
): Promise<ScheduleOutcome | 'promoted'> {
  const delay = Math.max(0, Math.round(delayMs));
  const job = await queues.queue('inbox-sync').getJob(inboxSyncJobId(connectionId));
  if (job && (await job.isDelayed())) {
    try {
      await job.changeDelay(delay);
      return 'promoted';
    } catch (err) {
      // A worker took the job between the two calls: it is running now, which is what was asked.
      if (await job.isDelayed()) throw err;
      return 'exists';
    }
  }
  return scheduleInboxSync(queues, connectionId, delay);
}

/** A sync run starts: notifications after this moment need another run (recorded for requestInboxSync). */
export async function markInboxSyncStarted(
  queues: Pick<QueueClient, 'prefix'>,
  redis: Pick<Redis, 'set'>,
  connectionId: string,
  startedAtMs: number,
): Promise<void> {
  const keys = redisKeys.pushSync(queues.prefix, connectionId);
  await redis.set(keys.runStartedAt, String(startedAtMs), 'EX', SYNC_REQUESTED_TTL_SEC);
}

/**
 * After a run that started at `startedAtMs`: null when no notification came since; otherwise how long until the
 * next run may start (the rest of the spacing window, 0 when it is over).
 */
export async function inboxSyncRerunDelayMs(
  queues: Pick<QueueClient, 'prefix'>,
  redis: Pick<Redis, 'get' | 'pttl'>,
  connectionId: string,
  startedAtMs: number,
): Promise<number | null> {
  const keys = redisKeys.pushSync(queues.prefix, connectionId);
  const requested = await redis.get(keys.requestedAt);
  if (requested === null || Number(requested) < startedAtMs) return null;
  return Math.max(0, await redis.pttl(keys.window));
}
